"""The pdfplumber (pdfminer) backend: the reference, pure Python, slow."""

from __future__ import annotations

from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils import extract_words

from pipeline.parse.kinds import Section
from pipeline.parse.layout import Line, Rulings, dedupe_chars, layout_page

NAME = "pdfplumber"


class PlumberDoc:
    """An open PDF as the shared parse loop sees it: page count, page lines, metadata."""

    name = NAME

    def __init__(self, path: str) -> None:
        self._pdf = pdfplumber.open(path)
        self._pages = self._pdf.pages
        self._section = Section()

    def __enter__(self) -> PlumberDoc:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pdf.close()

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def page_lines(self, index: int, *, with_size: bool) -> list[Line]:
        page = self._pages[index]
        try:
            return _page_lines(page, self._section)
        finally:
            page.close()

    def metadata(self) -> dict[str, Any]:
        return dict(self._pdf.metadata or {})


def _page_lines(page: Any, section: Section) -> list[Line]:
    # Rotated text (e.g. a vertical "Feedback" tab on web prints) extracts reversed.
    chars = dedupe_chars([c for c in page.chars if c.get("upright", True)])
    words = extract_words(chars, extra_attrs=["size"])
    return layout_page(
        words, float(page.width), lambda: _rulings(page), page_height=float(page.height), section=section
    )


def _rulings(page: Any) -> Rulings:
    """Horizontal rules (x0, y, x1) from drawn lines and rectangle edges, used to spot tables."""
    height = float(page.height)
    rules = []
    for obj in page.lines:
        if abs(obj["bottom"] - obj["top"]) < 2:
            rules.append((obj["x0"], obj["top"], obj["x1"]))
    for obj in page.rects:
        if obj["bottom"] - obj["top"] > 0.5 * height:
            continue  # page backgrounds and frames say nothing about tables
        rules.append((obj["x0"], obj["top"], obj["x1"]))
        rules.append((obj["x0"], obj["bottom"], obj["x1"]))
    return rules


def root_cause(exc: BaseException) -> BaseException:
    # pdfplumber wraps pdfminer failures in PdfminerException(original).
    seen = 0
    while seen < 5 and type(exc).__name__ == "PdfminerException":
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        inner = inner or exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
        seen += 1
    return exc


def is_encrypted_error(exc: BaseException) -> bool:
    return isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError)
