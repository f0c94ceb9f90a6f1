"""Parse speed on one core: every PDF of a corpus through parse_pdf in this process.

    PYTHONPATH=$PWD python bench/parse_speed.py [--corpus /work/shared/corpus] [--backend auto]
        [--ocr auto] [--only FILE ...] [--repeat 1]

--only limits the run to the named files of the corpus; --repeat runs it that many
times and reports the best (the least CPU), for a loaded machine.

Prints pages, CPU seconds and pages per CPU second (one core), total and per file.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pipeline.errors import ParseError  # noqa: E402
from pipeline.parse import parse_pdf  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--ocr", default="auto", choices=("auto", "always", "never"))
    ap.add_argument("--only", nargs="+", metavar="FILE", help="only these files of the corpus")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(args.corpus, "*.pdf")))
    if args.only:
        paths = [os.path.join(args.corpus, name) for name in args.only]
    best: tuple[int, float, list[dict[str, object]]] | None = None
    for _ in range(max(args.repeat, 1)):
        run = _run(paths, args.backend, args.ocr)
        if best is None or run[1] < best[1]:
            best = run
    assert best is not None
    total_pages, total_cpu, rows = best
    rate = total_pages / total_cpu if total_cpu else 0.0
    for r in sorted(rows, key=lambda r: -float(r["cpu_s"]))[:5]:  # type: ignore[arg-type]
        print(f"  slowest: {r['file']}: {r['pages']} pages, {r['cpu_s']:.2f} s")
    print(f"{len(rows)} files, {total_pages} pages, {total_cpu:.1f} CPU s, {rate:.1f} pages/s/core")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"pages": total_pages, "cpu_s": total_cpu, "pages_per_s_core": rate, "files": rows}, fh, indent=1)
    return 0


def _run(paths: list[str], backend: str, ocr: str) -> tuple[int, float, list[dict[str, object]]]:
    """Every file parsed once: total pages, total CPU seconds, a row per file."""
    rows: list[dict[str, object]] = []
    total_pages = 0
    total_cpu = 0.0
    for path in paths:
        t0 = time.process_time()
        try:
            doc = parse_pdf(path, backend=backend, ocr=ocr)
            pages = len(doc.pages)
        except ParseError as exc:
            pages = 0
            print(f"  {os.path.basename(path)}: {exc.reason}", file=sys.stderr)
        cpu = time.process_time() - t0
        total_pages += pages
        total_cpu += cpu
        rows.append({"file": os.path.basename(path), "pages": pages, "cpu_s": round(cpu, 3)})
    return total_pages, total_cpu, rows


if __name__ == "__main__":
    sys.exit(main())
