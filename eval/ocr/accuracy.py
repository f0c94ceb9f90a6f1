"""OCR accuracy on born-digital pages: render, OCR, compare with the page's own text layer.

    python eval/ocr/accuracy.py [--dpi 150 200 300] [--data /path/to/tessdata ...] [--pages 12]

Pages are drawn by a fixed rule, before any OCR is run: one page per born-digital
report of ../shared/corpus (the two scans excluded), the page whose sha256 of
"file:page" is smallest among pages that are upright and carry >= 1500 characters of
text layer. The comparison is aligned by position, so that reading order and text in
figures (which OCR sees and the text layer does not) do not count as errors: each
OCR word goes to the text-layer row whose band holds its centre; rows are compared
left to right; OCR words outside every row are reported as `outside`, not scored.
WER and CER are Levenshtein distances over the text layer's words / characters.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pypdfium2 as pdfium  # noqa: E402
import tesserocr  # noqa: E402
from metrics import cer, wer  # noqa: E402

from pipeline.parse import ocr  # noqa: E402
from pipeline.parse.layout import _group_rows, dedupe_chars  # noqa: E402
from pipeline.parse.pdfium import _page_chars, chars_to_words  # noqa: E402

CORPUS = Path(os.environ.get("THREATBRIEF_CORPUS", ROOT.parent / "shared" / "corpus"))
SCANS = {"dev_doj_2014_pla-unit-61398-indictment.pdf", "dev_sasc_2014_transcom-contractor-intrusions.pdf"}
MIN_CHARS = 1500


def layer_words(page: Any) -> list[dict[str, Any]]:
    left, _bottom, _right, top = page.get_bbox()
    textpage = page.get_textpage()
    try:
        chars = _page_chars(textpage, left, top)
    finally:
        textpage.close()
    return chars_to_words(dedupe_chars(chars), with_size=False)


def sample_pages(n_docs: int) -> list[tuple[Path, int]]:
    """One page per born-digital report by the rule in the module docstring."""
    out: list[tuple[Path, int]] = []
    for path in sorted(CORPUS.glob("*.pdf")):
        if path.name in SCANS:
            continue
        pdf = pdfium.PdfDocument(str(path))
        try:
            best: tuple[str, int] | None = None
            for i in range(len(pdf)):
                page = pdf[i]
                try:
                    if page.get_rotation() != 0:
                        continue
                    chars = sum(len(w["text"]) for w in layer_words(page))
                finally:
                    page.close()
                if chars < MIN_CHARS:
                    continue
                key = hashlib.sha256(f"{path.name}:{i + 1}".encode()).hexdigest()
                if best is None or key < best[0]:
                    best = (key, i + 1)
            if best:
                out.append((path, best[1]))
        finally:
            pdf.close()
    out.sort(key=lambda item: hashlib.sha256(item[0].name.encode()).hexdigest())
    return out[:n_docs]


def aligned(ref_words: list[dict[str, Any]], hyp_words: list[dict[str, Any]]) -> tuple[str, str, int]:
    """Reference and OCR text row by row (by position), and the OCR words outside every row."""
    rows = _group_rows(ref_words)
    bands = [
        (min(w["top"] for w in r), max(w["bottom"] for w in r), min(w["x0"] for w in r), max(w["x1"] for w in r))
        for r in rows
    ]
    assigned: list[list[dict[str, Any]]] = [[] for _ in rows]
    outside = 0
    for w in hyp_words:
        cy, cx = (w["top"] + w["bottom"]) / 2, (w["x0"] + w["x1"]) / 2
        fits = [
            (abs(cy - (t + b) / 2), i)
            for i, (t, b, x0, x1) in enumerate(bands)
            if t - 2 <= cy <= b + 2 and x0 - 4 <= cx <= x1 + 4
        ]
        if fits:
            assigned[min(fits)[1]].append(w)
        else:
            outside += 1
    ref = "\n".join(" ".join(w["text"] for w in r) for r in rows)
    hyp = "\n".join(" ".join(w["text"] for w in sorted(a, key=lambda w: w["x0"])) for a in assigned)
    return ref, hyp, outside


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, nargs="+", default=[ocr.OCR_DPI])
    ap.add_argument("--data", nargs="+", default=[ocr.tessdata_path()], help="tessdata folders to compare")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--errors", action="store_true", help="print each page's reference and OCR rows")
    args = ap.parse_args()
    pages = sample_pages(args.pages)
    print(f"{len(pages)} pages: " + ", ".join(f"{p.name} p.{n}" for p, n in pages))
    for data in args.data:
        api = tesserocr.PyTessBaseAPI(path=data, lang="eng", psm=tesserocr.PSM.AUTO)
        ocr._api = lambda api=api: api  # type: ignore[assignment]
        for dpi in args.dpi:
            we = wn = ce = cn = outside = 0
            seconds = 0.0
            for path, page_no in pages:
                pdf = pdfium.PdfDocument(str(path))
                page = pdf[page_no - 1]
                ref_words = layer_words(page)
                t0 = time.perf_counter()
                result = ocr.ocr_page(page, dpi=dpi)
                seconds += time.perf_counter() - t0
                page.close()
                pdf.close()
                ref, hyp, out = aligned(ref_words, result.words)
                e, n = wer(ref, hyp)
                c, m = cer(ref, hyp)
                we, wn, ce, cn, outside = we + e, wn + n, ce + c, cn + m, outside + out
                if args.errors:
                    print(f"--- {path.name} p.{page_no}: WER {e / max(n, 1):.1%}\nREF {ref}\nOCR {hyp}")
            size = os.path.getsize(Path(data) / "eng.traineddata") / 1e6
            print(
                f"model {size:.0f} MB  dpi {dpi}: WER {we / wn:.2%}  CER {ce / cn:.2%}  "
                f"({wn} words, {cn} chars; {outside} OCR words outside text rows)  {seconds / len(pages):.2f} s/page"
            )
        api.End()


if __name__ == "__main__":
    main()
