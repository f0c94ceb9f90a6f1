"""Parse PDFs in child processes with a memory cap and a time budget, several at once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pipeline.models import DocumentMeta, Page, PageBlock, ParsedDocument
from pipeline.settings import Settings

T = TypeVar("T")
HEADER_WINDOW = 1024
# Each OCR'd page earns a file this much more time (measured ~1.7 s/page on one core; the
# margin covers a loaded machine), up to this many times parse_timeout_s in all.
OCR_PAGE_BUDGET_S = 6.0
OCR_MAX_BUDGET_FACTOR = 12
OCR_PAGE_MARK = b"threatbrief:ocr-page"


@dataclass(frozen=True)
class ParseOutcome:
    path: Path
    doc: ParsedDocument | None
    reason: str | None = None
    detail: str | None = None
    seconds: float = 0.0


def precheck(path: Path, settings: Settings) -> tuple[str, str] | None:
    """Cheap checks before a child is started: a PDF header and the size cap."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(HEADER_WINDOW)
    except OSError as exc:
        return "parse_error", f"cannot read: {exc.strerror}"
    if size > settings.max_file_mb * 1024 * 1024:
        return "too_large", f"{size / 1e6:.0f} MB, the limit is {settings.max_file_mb} MB"
    if b"%PDF-" not in head:
        return "not_pdf", "no %PDF- header in the first 1024 bytes"
    return None


def parse_isolated(path: Path, settings: Settings) -> ParseOutcome:
    """Parse one file in a fresh child process; never raises for a bad file."""
    t0 = time.perf_counter()
    bad = precheck(path, settings)
    if bad:
        return ParseOutcome(path, None, bad[0], bad[1], time.perf_counter() - t0)
    outcome = _run_worker(path, settings, settings.parser, t0)
    if (
        outcome.reason == "parse_error"
        and outcome.detail
        and outcome.detail.startswith("the parser died (signal")
        and settings.parser != "pdfplumber"
    ):
        # A crash in PDFium's C++ must not lose a file pdfminer can read (OCR renders with PDFium).
        outcome = _run_worker(path, settings, "pdfplumber", t0, ocr="never")
    return outcome


def _run_worker(path: Path, settings: Settings, backend: str, t0: float, ocr: str | None = None) -> ParseOutcome:
    cmd = [
        sys.executable,
        "-m",
        "pipeline.parse.worker",
        str(path),
        str(settings.parse_memory_mb),
        str(settings.max_pages),
        backend,
        ocr or settings.ocr,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    out, err, budget = _communicate(proc, settings.parse_timeout_s)
    if out is None:
        return ParseOutcome(path, None, "timeout", f"no result within {budget:.0f} s", time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    try:
        data = json.loads(out.decode("ascii")) if out else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict):
        tail = err.decode("utf-8", "replace")[-300:]
        if "MemoryError" in tail or "std::bad_alloc" in tail or "Cannot allocate" in tail:
            return ParseOutcome(path, None, "memory_cap", "the parser exceeded its memory cap", seconds)
        if "RecursionError" in tail or "recursion" in tail.lower():
            return ParseOutcome(path, None, "recursion", "the PDF nests objects too deeply", seconds)
        if proc.returncode is not None and proc.returncode < 0:
            detail = f"the parser died (signal {-proc.returncode})"
        else:
            detail = f"the parser died (exit {proc.returncode})"
        return ParseOutcome(path, None, "parse_error", detail, seconds)
    if not data.get("ok"):
        return ParseOutcome(path, None, str(data.get("reason")), str(data.get("detail") or ""), seconds)
    meta = DocumentMeta(**data["meta"])
    pages = [
        Page(
            int(p["page_no"]),
            str(p["text"]),
            tuple(PageBlock(str(k), int(s), int(e)) for k, s, e in p.get("blocks", ())),
            source=str(p.get("source", "text")),
            ocr_confidence=p.get("ocr_confidence"),
            quality=p.get("quality"),
        )
        for p in data["pages"]
    ]
    return ParseOutcome(path, ParsedDocument(meta, pages, list(data.get("warnings", []))), seconds=seconds)


def _communicate(proc: subprocess.Popen[bytes], timeout_s: float) -> tuple[bytes | None, bytes, float]:
    """stdout (None on timeout), stderr and the budget used.

    The budget is `timeout_s`, plus OCR_PAGE_BUDGET_S for each page the child reports it
    has OCR'd (a line OCR_PAGE_MARK on stderr), up to OCR_MAX_BUDGET_FACTOR x `timeout_s`.
    """
    out: list[bytes] = []
    err: list[bytes] = []
    ocr_pages = [0]

    def read_out() -> None:
        assert proc.stdout is not None
        out.append(proc.stdout.read())

    def read_err() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.rstrip() == OCR_PAGE_MARK:
                ocr_pages[0] += 1
            else:
                err.append(line)

    readers = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
    for t in readers:
        t.start()
    start = time.monotonic()
    while True:
        budget = min(timeout_s + OCR_PAGE_BUDGET_S * ocr_pages[0], OCR_MAX_BUDGET_FACTOR * timeout_s)
        left = start + budget - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            for t in readers:
                t.join()
            return None, b"".join(err), budget
        try:
            proc.wait(timeout=min(left, 1.0))
            break
        except subprocess.TimeoutExpired:
            continue
    for t in readers:
        t.join()
    return (out[0] if out else b""), b"".join(err), budget


def bounded_map(fn: Callable[[T], ParseOutcome], items: Iterable[T], workers: int) -> Iterator[ParseOutcome]:
    """Run `fn` over items on `workers` threads, yielding results as they finish.

    At most 2 x workers results wait in memory, so parsing stays just ahead of embedding.
    """
    it = iter(items)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: set[Future[ParseOutcome]] = set()
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * workers:
                try:
                    pending.add(pool.submit(fn, next(it)))
                except StopIteration:
                    exhausted = True
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
