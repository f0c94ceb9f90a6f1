"""Parse PDFs in child processes with a memory cap and a time budget, several at once."""

from __future__ import annotations

import json
import subprocess
import sys
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
        # A crash in PDFium's C++ must not lose a file pdfminer can read.
        outcome = _run_worker(path, settings, "pdfplumber", t0)
    return outcome


def _run_worker(path: Path, settings: Settings, backend: str, t0: float) -> ParseOutcome:
    cmd = [
        sys.executable,
        "-m",
        "pipeline.parse.worker",
        str(path),
        str(settings.parse_memory_mb),
        str(settings.max_pages),
        backend,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        out, err = proc.communicate(timeout=settings.parse_timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return ParseOutcome(
            path,
            None,
            "timeout",
            f"no result within {settings.parse_timeout_s:.0f} s",
            time.perf_counter() - t0,
        )
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
        )
        for p in data["pages"]
    ]
    return ParseOutcome(path, ParsedDocument(meta, pages, list(data.get("warnings", []))), seconds=seconds)


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
