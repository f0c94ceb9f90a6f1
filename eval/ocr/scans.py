"""OCR accuracy on the two real scans against passages transcribed by reading the rendered pages.

    python eval/ocr/scans.py [--errors]

`scans_gold.jsonl` holds one passage per checked page ({"doc", "page", "passage"}), typed
from the page image (PDFium render, viewed as PNG) before this script was first run; the
pages were fixed in advance (SASC 10/20/30/40/50, DOJ 5/10/25/40/70). Each passage is
aligned with the best-fitting stretch of the page's OCR text as the pipeline builds it
(OCR words through the layout code), so the rest of the page is not scored.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from metrics import cer, wer  # noqa: E402

from pipeline.parse.layout import join_lines  # noqa: E402
from pipeline.parse.ocr import PageOcr  # noqa: E402

CORPUS = Path(os.environ.get("THREATBRIEF_CORPUS", ROOT.parent / "shared" / "corpus"))
GOLD = Path(__file__).with_name("scans_gold.jsonl")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=None)
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    totals: dict[str, list[int]] = {}
    for row in rows:
        kwargs = {"dpi": args.dpi} if args.dpi else {}
        with PageOcr(str(CORPUS / row["doc"]), "always", **kwargs) as reader:
            t0 = time.perf_counter()
            lines, conf = reader.lines(row["page"] - 1, with_size=False)
            seconds = time.perf_counter() - t0
        text = join_lines(lines)
        we, wn = wer(row["passage"], text, infix=True)
        ce, cn = cer(row["passage"], text, infix=True)
        t = totals.setdefault(row["doc"], [0, 0, 0, 0])
        t[0], t[1], t[2], t[3] = t[0] + we, t[1] + wn, t[2] + ce, t[3] + cn
        print(
            f"{row['doc']} p.{row['page']}: WER {we / wn:.1%} ({we}/{wn})  CER {ce / cn:.1%}  "
            f"conf {conf}  {seconds:.1f} s"
        )
        if args.errors:
            print("  GOLD", row["passage"], "\n  OCR ", text.replace("\n", " "))
    for doc, (we, wn, ce, cn) in totals.items():
        print(f"{doc}: WER {we / wn:.2%} ({we}/{wn} words)  CER {ce / cn:.2%}")
    we, wn, ce, cn = (sum(t[i] for t in totals.values()) for i in range(4))
    print(f"all: WER {we / wn:.2%} ({we}/{wn} words)  CER {ce / cn:.2%}")


if __name__ == "__main__":
    main()
