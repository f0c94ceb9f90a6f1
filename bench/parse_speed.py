"""Parse speed on one core: every PDF of a corpus through parse_pdf in this process.

    PYTHONPATH=$PWD python bench/parse_speed.py [--corpus /work/shared/corpus] [--backend auto]

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
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    rows = []
    total_pages = 0
    total_cpu = 0.0
    for path in sorted(glob.glob(os.path.join(args.corpus, "*.pdf"))):
        t0 = time.process_time()
        try:
            doc = parse_pdf(path, backend=args.backend)
            pages = len(doc.pages)
        except ParseError as exc:
            pages = 0
            print(f"  {os.path.basename(path)}: {exc.reason}", file=sys.stderr)
        cpu = time.process_time() - t0
        total_pages += pages
        total_cpu += cpu
        rows.append({"file": os.path.basename(path), "pages": pages, "cpu_s": round(cpu, 3)})
    rate = total_pages / total_cpu if total_cpu else 0.0
    for r in sorted(rows, key=lambda r: -r["cpu_s"])[:5]:
        print(f"  slowest: {r['file']}: {r['pages']} pages, {r['cpu_s']:.2f} s")
    print(f"{len(rows)} files, {total_pages} pages, {total_cpu:.1f} CPU s, {rate:.1f} pages/s/core")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"pages": total_pages, "cpu_s": total_cpu, "pages_per_s_core": rate, "files": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
