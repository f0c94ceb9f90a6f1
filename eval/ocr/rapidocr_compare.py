"""The rejected engine, for the record: RapidOCR (ONNX Runtime) on the hand-checked scan pages.

Not a project dependency; run it from a throwaway venv:

    python -m venv /tmp/rapidvenv && /tmp/rapidvenv/bin/pip install rapidocr-onnxruntime pypdfium2 numpy
    PYTHONPATH=. /tmp/rapidvenv/bin/python eval/ocr/rapidocr_compare.py

Same pages, same 200 dpi render and same passage alignment as scans.py; RapidOCR returns
text lines with boxes, joined here top to bottom.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from metrics import cer, wer  # noqa: E402
from rapidocr_onnxruntime import RapidOCR  # noqa: E402

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
GOLD = Path(__file__).with_name("scans_gold.jsonl")


def main() -> None:
    engine = RapidOCR()
    we_all = wn_all = 0
    seconds = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pdf = pdfium.PdfDocument(str(CORPUS / row["doc"]))
        bitmap = pdf[row["page"] - 1].render(scale=200 / 72)
        image = np.array(bitmap.to_pil().convert("RGB"))
        t0 = time.perf_counter()
        result, _ = engine(image)
        seconds.append(time.perf_counter() - t0)
        lines = sorted(result or [], key=lambda r: (round(min(p[1] for p in r[0]) / 20), min(p[0] for p in r[0])))
        text = "\n".join(r[1] for r in lines)
        we, wn = wer(row["passage"], text, infix=True)
        ce, cn = cer(row["passage"], text, infix=True)
        we_all, wn_all = we_all + we, wn_all + wn
        print(f"{row['doc']} p.{row['page']}: WER {we / wn:.1%}  CER {ce / cn:.1%}  {seconds[-1]:.1f} s")
        print("   ", text.replace("\n", " ")[:160])
    print(f"all: WER {we_all / wn_all:.2%} ({we_all}/{wn_all})  {sum(seconds) / len(seconds):.2f} s/page")


if __name__ == "__main__":
    main()
