"""PDF -> pages. The PDF stack loads only where parsing happens (the isolated child).

document.py  parse_pdf: backend choice, page loop, error reasons
layout.py    words -> lines -> columns/bands -> page text; hyphenation
running.py   running headers/footers and page numbers
meta.py      metadata, title and publication date
pdfium.py    the PDFium backend      plumber.py  the pdfplumber backend
ocr.py       pages without usable text: PDFium render, Tesseract words; page quality
worker.py    one PDF in a child process under a memory cap, JSON back
isolate.py   pre-checks, time budget, parallel children (the parent's side)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.parse.document import BACKENDS, parse_pdf
    from pipeline.parse.isolate import ParseOutcome, parse_isolated

__all__ = ["BACKENDS", "ParseOutcome", "parse_isolated", "parse_pdf"]
_LAZY = {
    "BACKENDS": "pipeline.parse.document",
    "parse_pdf": "pipeline.parse.document",
    "ParseOutcome": "pipeline.parse.isolate",
    "parse_isolated": "pipeline.parse.isolate",
}


def __getattr__(name: str) -> Any:
    # importing pipeline.parse.isolate must not pull pdfplumber/pypdfium2 into the parent
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
