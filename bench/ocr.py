"""OCR speed and memory: pages/s per core, in-process and in the isolated parse children.

    .venv/bin/python bench/ocr.py [--corpus /work/shared/corpus] [--pages 8] [--workers 2] [--ingest]

1. in-process: the first --pages pages of each scan rendered and OCR'd one after the other
   on one core (PageOcr.lines: render, Tesseract, layout), seconds per page;
2. isolated: both scans whole through parse_isolated (one child per file, `--workers` at
   once, memory cap and time budget as configured), wall seconds, pages/s, pages/s per
   busy core, each file's seconds against parse_timeout_s, peak RSS of the largest child;
3. --ingest: `ingest` of the two scans with the real model and claims (OCR in the children
   while the parent embeds), wall and stage seconds.
Writes bench/results/ocr.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from common import cpu_seconds, machine, peak_rss_mb, write_result

from pipeline.settings import Settings

SCANS = ("dev_doj_2014_pla-unit-61398-indictment.pdf", "dev_sasc_2014_transcom-contractor-intrusions.pdf")


def in_process(paths: list[Path], pages: int) -> dict[str, float]:
    from pipeline.parse.ocr import OCR_DPI, PageOcr

    seconds: list[float] = []
    for path in paths:
        with PageOcr(str(path), "always") as reader:
            for i in range(pages):
                t0 = time.perf_counter()
                reader.lines(i, with_size=False)
                seconds.append(time.perf_counter() - t0)
    total = sum(seconds)
    return {
        "dpi": OCR_DPI,
        "pages": len(seconds),
        "s_per_page_mean": round(total / len(seconds), 3),
        "s_per_page_max": round(max(seconds), 3),
        "pages_per_s_one_core": round(len(seconds) / total, 3),
    }


def isolated(paths: list[Path], workers: int) -> dict[str, object]:
    from pipeline.parse.isolate import OCR_MAX_BUDGET_FACTOR, OCR_PAGE_BUDGET_S, bounded_map, parse_isolated

    settings = Settings(parse_workers=workers)
    cpu0 = cpu_seconds()["children"]
    t0 = time.perf_counter()
    outcomes = list(bounded_map(lambda p: parse_isolated(p, settings), paths, workers))
    wall = time.perf_counter() - t0
    cpu = cpu_seconds()["children"] - cpu0
    files = []
    pages = 0
    for o in outcomes:
        ocr_pages = sum(1 for p in o.doc.pages if p.source == "ocr") if o.doc else 0
        pages += ocr_pages
        files.append(
            {
                "file": o.path.name,
                "reason": o.reason,
                "ocr_pages": ocr_pages,
                "seconds": round(o.seconds, 1),
                "budget_s": min(
                    settings.parse_timeout_s + OCR_PAGE_BUDGET_S * ocr_pages,
                    OCR_MAX_BUDGET_FACTOR * settings.parse_timeout_s,
                ),
                "mean_confidence": _mean([p.ocr_confidence for p in o.doc.pages] if o.doc else []),
            }
        )
    cores = min(workers, os.cpu_count() or 1, len(paths))
    return {
        "workers": workers,
        "files": files,
        "ocr_pages": pages,
        "wall_s": round(wall, 1),
        "children_cpu_s": round(cpu, 1),
        "pages_per_s": round(pages / wall, 3),
        "pages_per_s_per_core": round(pages / wall / cores, 3),
        "pages_per_cpu_s": round(pages / cpu, 3) if cpu else None,
        "peak_rss_mb": peak_rss_mb(),
        "memory_cap_mb": settings.parse_memory_mb,
    }


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def with_ingest(paths: list[Path]) -> dict[str, object]:
    from pipeline.ingest import ingest

    folder = Path(tempfile.mkdtemp(prefix="tb_ocr_bench_"))
    try:
        settings = Settings(index_dir=folder / "index")
        t0 = time.perf_counter()
        report = ingest(paths, settings)
        wall = time.perf_counter() - t0
        return {"wall_s": round(wall, 1), **report.summary()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus"))
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ingest", action="store_true")
    args = ap.parse_args()
    where = machine()
    paths = [args.corpus / name for name in SCANS]
    out: dict[str, object] = {"machine": where}
    out["in_process"] = first = in_process(paths, args.pages)
    print(f"in-process: {first}")
    out["isolated"] = iso = isolated(paths, args.workers)
    print(f"isolated: {iso}")
    if args.ingest:
        out["ingest"] = ing = with_ingest(paths)
        print(f"ingest: wall {ing['wall_s']} s, {ing['pages']} pages, seconds {ing['seconds']}")
    print(f"wrote {write_result('ocr', out)}")


if __name__ == "__main__":
    main()
