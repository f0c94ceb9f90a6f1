"""Every quote checked twice: in the stored page text, and in an independent extraction of the PDF page.

The stored text is what our parser made of the page (characters -> words -> lines -> reading
order -> running lines removed -> cleaning). The second check re-reads the same page of the
original file through PDFium's own text (FPDFText_GetText over the whole page: the content
stream's order, no layout analysis, none of our cleaning) and compares letters and digits only,
so whitespace, line-end hyphens, ligatures and quote marks do not matter but a spliced column or
a sentence assembled across blocks does. A quote found only in our own text is dropped and
counted. A quote whose file is gone or has no text layer (an OCR'd page) stays, marked
unverifiable, and the briefing says how many.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

from pipeline.brief.model import in_order, quote_parts, verify_quote

log = logging.getLogger(__name__)

VERIFIED = "verified"
NOT_ON_PAGE = "not_on_page"  # not in the stored text of the cited page
NOT_INDEPENDENT = "not_independent"  # in our text, not in the independent extraction
_LETTERS = re.compile(r"[\W_]+", re.UNICODE)
_SOFT = dict.fromkeys([0x00AD, 0xFFFE, 0x0002, 0x200B, 0x200C, 0x200D, 0xFEFF])


def letters_key(text: str) -> str:
    """Letters and digits only, case-folded, ligatures and width variants unfolded."""
    text = unicodedata.normalize("NFKC", text.translate(_SOFT))
    return _LETTERS.sub("", text).casefold()


class Verifier:
    """Checks quotes against the stored page and the PDF page; caches pages and open files."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.stored: dict[tuple[str, int], str] = {}
        self.raw: dict[tuple[str, int], str | None] = {}
        self.missing: dict[str, str] = {}  # doc_id -> why the PDF cannot be read
        self.paths: dict[str, str] = {}

    def page_text(self, doc_id: str, page_no: int) -> str:
        key = (doc_id, page_no)
        if key not in self.stored:
            self.stored[key] = self.store.page_text(doc_id, page_no) or ""
        return self.stored[key]

    def _raw_page(self, doc_id: str, page_no: int) -> str | None:
        key = (doc_id, page_no)
        if key in self.raw:
            return self.raw[key]
        text = None
        path = self.paths.get(doc_id)
        if path is None:
            rows = self.store.documents([doc_id])
            path = self.paths[doc_id] = rows[0]["path"] if rows else ""
        if not path or not Path(path).is_file():
            self.missing[doc_id] = "the PDF file is gone"
        else:
            text = _pdfium_page_text(path, page_no)
            if text is None:
                self.missing[doc_id] = "PDFium cannot read the file"
        self.raw[key] = None if text is None else letters_key(text)
        return self.raw[key]

    def check(self, doc_id: str, page_no: int, quote: str) -> str:
        """VERIFIED, NOT_ON_PAGE, NOT_INDEPENDENT, or "unverifiable: <why>" (kept, and said so)."""
        if not verify_quote(self.page_text(doc_id, page_no), quote):
            return NOT_ON_PAGE
        raw = self._raw_page(doc_id, page_no)
        if raw is None:
            return f"unverifiable: {self.missing.get(doc_id, 'no independent text')}"
        if not raw.strip():
            return "unverifiable: the page has no text layer (OCR)"
        parts = [k for k in (letters_key(p) for p in quote_parts(quote)) if k]
        return VERIFIED if in_order(parts, raw) else NOT_INDEPENDENT


def _pdfium_page_text(path: str, page_no: int) -> str | None:
    """PDFium's raw text of one page (1-based), or None when the file cannot be read."""
    import pypdfium2 as pdfium  # lazily: a briefing from a store-only index never needs it

    try:
        pdf = pdfium.PdfDocument(path)
    except Exception as exc:  # pdfium raises its own error types for unreadable files
        log.warning("cannot open %s for verification: %s", path, exc)
        return None
    try:
        if not 1 <= page_no <= len(pdf):
            return ""
        page = pdf[page_no - 1]
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
            page.close()
    except Exception as exc:  # a damaged page: say so rather than pass the quote
        log.warning("cannot read page %d of %s for verification: %s", page_no, path, exc)
        return None
    finally:
        pdf.close()
