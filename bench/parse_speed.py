"""Parse speed on one core: every PDF of a corpus through parse_pdf in this process.

    PYTHONPATH=$PWD python bench/parse_speed.py [--corpus /work/shared/corpus] [--backend auto]
        [--ocr auto] [--only FILE ...] [--repeat 1] [--json out.json] [--pages-out DIR]

CPU time (this process's user+system time, all its threads) is the figure that holds on a
shared, loaded machine; wall time is printed beside it. OCR is timed apart (the time inside
PageOcr.lines, per OCR'd page): the text-layer figure is every other page over the time
left, so a file with a few scanned pages still counts its text pages.

--only limits the run to the named files of the corpus; --repeat runs it that many times and
keeps the best (the least CPU) for each file. --pages-out writes each file's page text, block
spans and metadata as JSON, to check that a change leaves the output byte for byte the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import json
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pipeline.errors import ParseError  # noqa: E402
from pipeline.models import ParsedDocument  # noqa: E402
from pipeline.parse import parse_pdf  # noqa: E402
from pipeline.parse.layout import Line  # noqa: E402
from pipeline.parse.ocr import PageOcr  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--ocr", default="auto", choices=("auto", "always", "never"))
    ap.add_argument("--only", nargs="+", metavar="FILE", help="only these files of the corpus")
    ap.add_argument("--repeat", type=int, default=1, help="runs per file; the least CPU counts")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--pages-out", metavar="DIR", help="write each file's pages and metadata here as JSON")
    args = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(args.corpus, "*.pdf")))
    if args.only:
        paths = [os.path.join(args.corpus, name) for name in args.only]
    if args.pages_out:
        os.makedirs(args.pages_out, exist_ok=True)
    rows = [_best_of(path, args, max(args.repeat, 1)) for path in paths]
    for r in sorted(rows, key=lambda r: -r["text_cpu_s"])[:5]:
        print(f"  slowest: {r['file']}: {r['pages']} pages, {r['text_cpu_s']:.2f} CPU s without OCR")
    text, ocr = _totals(rows)
    print(
        f"text layer: {len(rows)} files, {text['pages']} pages, {text['cpu_s']:.1f} CPU s "
        f"({text['pages_per_cpu_s']:.1f} pages/s/core), "
        f"{text['wall_s']:.1f} s wall ({text['pages_per_wall_s']:.1f} pages/s)"
    )
    if ocr["pages"]:
        print(
            f"OCR: {ocr['pages']} pages, {ocr['cpu_s']:.1f} CPU s ({ocr['cpu_s_per_page']:.2f} CPU s/page), "
            f"{ocr['wall_s']:.1f} s wall ({ocr['wall_s_per_page']:.2f} s/page)"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            figures = {"text_layer": text, "ocr": ocr, "load_avg": os.getloadavg(), "files": rows}
            json.dump(figures, fh, indent=1)
    return 0


def _best_of(path: str, args: argparse.Namespace, repeat: int) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        row, doc = _parse_one(path, args.backend, args.ocr)
        if best is None or row["cpu_s"] < best["cpu_s"]:
            best = row
    assert best is not None
    if args.pages_out and doc is not None:
        out = os.path.join(args.pages_out, os.path.basename(path) + ".json")
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(_dump(doc), fh, ensure_ascii=False, indent=0, default=str)
    return best


class _OcrClock:
    """CPU and wall seconds spent inside PageOcr.lines (OCR and the OCR'd page's layout)."""

    def __init__(self) -> None:
        self.cpu_s = self.wall_s = 0.0
        original = PageOcr.lines

        def timed(reader: PageOcr, index: int, *, with_size: bool) -> tuple[list[Line], float | None]:
            wall0, cpu0 = time.perf_counter(), time.process_time()
            try:
                return original(reader, index, with_size=with_size)
            finally:
                self.cpu_s += time.process_time() - cpu0
                self.wall_s += time.perf_counter() - wall0

        PageOcr.lines = timed  # type: ignore[method-assign,assignment]


_OCR_CLOCK = _OcrClock()


def _parse_one(path: str, backend: str, ocr: str) -> tuple[dict[str, Any], ParsedDocument | None]:
    """One file parsed once: a row of figures, and the document (None when it failed)."""
    doc: ParsedDocument | None = None
    ocr_cpu0, ocr_wall0 = _OCR_CLOCK.cpu_s, _OCR_CLOCK.wall_s
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        doc = parse_pdf(path, backend=backend, ocr=ocr)
    except ParseError as exc:
        print(f"  {os.path.basename(path)}: {exc.reason}", file=sys.stderr)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    ocr_cpu, ocr_wall = _OCR_CLOCK.cpu_s - ocr_cpu0, _OCR_CLOCK.wall_s - ocr_wall0
    pages = len(doc.pages) if doc else 0
    ocr_pages = sum(p.source == "ocr" for p in doc.pages) if doc else 0
    return {
        "file": os.path.basename(path),
        "pages": pages,
        "ocr_pages": ocr_pages,
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "text_cpu_s": round(cpu - ocr_cpu, 3),
        "text_wall_s": round(wall - ocr_wall, 3),
    }, doc


def _totals(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Text-layer pages and the time left without OCR; OCR'd pages and the time inside OCR."""
    pages = sum(r["pages"] - r["ocr_pages"] for r in rows)
    cpu = sum(r["text_cpu_s"] for r in rows)
    wall = sum(r["text_wall_s"] for r in rows)
    text = {
        "pages": pages,
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
        "pages_per_cpu_s": round(pages / cpu, 2) if cpu else 0.0,
        "pages_per_wall_s": round(pages / wall, 2) if wall else 0.0,
    }
    ocr_pages = sum(r["ocr_pages"] for r in rows)
    ocr_cpu = sum(r["cpu_s"] - r["text_cpu_s"] for r in rows)
    ocr_wall = sum(r["wall_s"] - r["text_wall_s"] for r in rows)
    ocr = {
        "pages": ocr_pages,
        "cpu_s": round(ocr_cpu, 2),
        "wall_s": round(ocr_wall, 2),
        "cpu_s_per_page": round(ocr_cpu / ocr_pages, 3) if ocr_pages else 0.0,
        "wall_s_per_page": round(ocr_wall / ocr_pages, 3) if ocr_pages else 0.0,
    }
    return text, ocr


def _dump(doc: ParsedDocument) -> dict[str, Any]:
    return {
        "meta": dataclasses.asdict(doc.meta),
        "pages": [dataclasses.asdict(p) for p in doc.pages],
        "warnings": doc.warnings,
    }


if __name__ == "__main__":
    sys.exit(main())
