"""Every quote checked twice: in the stored page text, and in an independent extraction of the PDF page.

The stored text is what our parser made of the page (characters -> words -> lines -> reading
order -> running lines removed -> cleaning). The second check re-reads the same page of the
original file through PDFium's own text (FPDFText_GetText over the whole page: the content
stream's order, no layout analysis, none of our cleaning) and compares letters and digits only,
so whitespace, line-end hyphens, ligatures and quote marks do not matter but a spliced column or
a sentence assembled across blocks does. A quote found only in our own text is dropped and
counted.

A page without a text layer (a scan: its stored text is Tesseract's reading at OCR_DPI) has no
PDFium text to compare with, so the second reading is a second OCR: the page is rendered again at
SECOND_OCR_DPI (another bitmap, so another set of OCR errors) and read again. OCR noise means two
readings of the same print rarely agree letter for letter, so there the test is approximate: each
verbatim run's letters must be found, in order, in a window of the second reading at most
OCR_SLACK longer than the run, matching at least OCR_MIN_MATCH of the run's letters (difflib's
matching blocks). Measured on a prose page of a corpus scan: ten sentences read twice matched
0.95-1.0 of their letters; eight sentences from another page of the same scan at most 0.65.
The second OCR is cached per page within a run and bounded by OCR_BUDGET_S; a page past the
budget stays unverifiable, and the briefing says so.
A quote whose file is gone stays, marked unverifiable, and the briefing says how many.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.brief.model import in_order, quote_parts, verify_quote

log = logging.getLogger(__name__)

VERIFIED = "verified"
NOT_ON_PAGE = "not_on_page"  # not in the stored text of the cited page
NOT_INDEPENDENT = "not_independent"  # in our text, not in the independent extraction
_LETTERS = re.compile(r"[\W_]+", re.UNICODE)
# The stored reading is at pipeline.parse.ocr.OCR_DPI (200). 150 dpi is another bitmap, so other
# OCR errors; measured on four prose pages of the two corpus scans it matches true sentences as
# 300 dpi does, in 1.1-1.8 s a page where 300 dpi takes 1.9-2.4 s.
SECOND_OCR_DPI = 150
OCR_MIN_MATCH = 0.9  # share of a run's letters the second reading must hold, in order
OCR_SLACK = 0.15  # the window of the second reading may be this much longer than the run
OCR_BUDGET_S = 60.0  # seconds of second OCR a briefing may spend; past it pages stay unverifiable
OCR_KEEP = 64  # second readings kept for the life of the process (a warm session re-asks pages)
_ocr_kept: OrderedDict[tuple[str, int, int, int], str | None] = OrderedDict()
_ANCHOR = 8  # letters in the n-grams that place candidate windows
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
        self.ocr: dict[tuple[str, int], str | None] = {}  # the second OCR reading, letters only
        self.ocr_seconds = 0.0
        self.pdfs: dict[str, Any] = {}  # path -> open pypdfium2 document, or None when unreadable

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
            text = _pdfium_page_text(self._pdf(path), page_no, path)
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
        parts = [k for k in (letters_key(p) for p in quote_parts(quote)) if k]
        if not raw.strip():
            second = self._second_ocr(doc_id, page_no)
            if second is None:
                return f"unverifiable: {self.missing.get(doc_id, 'no second OCR reading')}"
            return VERIFIED if fuzzy_in_order(parts, second) else NOT_INDEPENDENT
        return VERIFIED if in_order(parts, raw) else NOT_INDEPENDENT

    def _pdf(self, path: str) -> Any:
        """The open document (one open per file per briefing), or None when PDFium cannot open it."""
        if path not in self.pdfs:
            import pypdfium2 as pdfium  # lazily: a briefing from a store-only index never needs it

            try:
                self.pdfs[path] = pdfium.PdfDocument(path)
            except Exception as exc:  # pdfium raises its own error types for unreadable files
                log.warning("cannot open %s for verification: %s", path, exc)
                self.pdfs[path] = None
        return self.pdfs[path]

    def close(self) -> None:
        for pdf in self.pdfs.values():
            if pdf is not None:
                pdf.close()
        self.pdfs.clear()

    def _second_ocr(self, doc_id: str, page_no: int) -> str | None:
        """The page OCR'd again at SECOND_OCR_DPI, letters only; None past the budget or without OCR."""
        key = (doc_id, page_no)
        if key in self.ocr:
            return self.ocr[key]
        path = self.paths[doc_id]
        st = os.stat(path)
        kept = (path, st.st_size, st.st_mtime_ns, page_no)
        if kept in _ocr_kept:
            _ocr_kept.move_to_end(kept)
            self.ocr[key] = _ocr_kept[kept]
            return self.ocr[key]
        if self.ocr_seconds >= OCR_BUDGET_S:
            self.missing.setdefault(doc_id, "the time for a second OCR reading was spent")
            return None  # not cached: the reason is the budget, not the page
        began = time.perf_counter()
        text = _ocr_page_text(self._pdf(path), page_no, path)
        self.ocr_seconds += time.perf_counter() - began
        if text is None:
            self.missing.setdefault(doc_id, "no second OCR reading of the page")
        self.ocr[key] = _ocr_kept[kept] = None if text is None else letters_key(text)
        while len(_ocr_kept) > OCR_KEEP:
            _ocr_kept.popitem(last=False)
        return self.ocr[key]


def fuzzy_find(part: str, haystack: str, at: int = 0) -> int:
    """End of the first window of `haystack` (from `at`) that holds OCR_MIN_MATCH of `part`'s letters
    in order, the window at most OCR_SLACK longer than `part`; -1 when there is none.

    Candidate windows start where one of the part's _ANCHOR-letter n-grams occurs, shifted back by
    that n-gram's offset in the part, so a few misread letters anywhere do not lose the match.
    """
    n = len(part)
    if n == 0:
        return at
    if n <= _ANCHOR:  # too short to tolerate an error in
        i = haystack.find(part, at)
        return -1 if i < 0 else i + n
    width = n + int(n * OCR_SLACK) + 1
    starts: set[int] = set()
    for off in range(0, n - _ANCHOR + 1, max(1, _ANCHOR // 2)):
        gram = part[off : off + _ANCHOR]
        i = haystack.find(gram, at)
        while i >= 0:
            starts.add(max(at, i - off - (width - n) // 2))
            i = haystack.find(gram, i + 1)
    need = OCR_MIN_MATCH * n
    for start in sorted(starts):
        window = haystack[start : start + width]
        sm = difflib.SequenceMatcher(None, part, window, autojunk=False)
        blocks = sm.get_matching_blocks()
        if sum(b.size for b in blocks) >= need:
            last = max((b for b in blocks if b.size), key=lambda b: b.b)
            return start + last.b + last.size
    return -1


def fuzzy_in_order(parts: list[str], haystack: str) -> bool:
    """in_order with OCR's tolerance: each part found approximately (fuzzy_find), each after the one before."""
    at = 0
    for part in parts:
        end = fuzzy_find(part, haystack, at)
        if end < 0:
            return False
        at = end
    return bool(parts)


def _ocr_page_text(pdf: Any, page_no: int, path: str) -> str | None:
    """Tesseract's reading of one page (1-based) rendered at SECOND_OCR_DPI, or None when it cannot run."""
    from pipeline.parse.ocr import OcrUnavailable, ocr_page

    try:
        return _read_page(
            pdf, page_no, path, lambda page: " ".join(w["text"] for w in ocr_page(page, dpi=SECOND_OCR_DPI).words)
        )
    except OcrUnavailable as exc:
        log.warning("no second OCR reading: %s", exc)
        return None


def _pdfium_page_text(pdf: Any, page_no: int, path: str) -> str | None:
    """PDFium's raw text of one page (1-based), or None when the file cannot be read."""

    def text(page: Any) -> str:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()

    return _read_page(pdf, page_no, path, text)


def _read_page(pdf: Any, page_no: int, path: str, read: Callable[[Any], str]) -> str | None:
    """`read` of one page (1-based), "" past the last page, None when the file or page cannot be read.
    OcrUnavailable passes through: the OCR reading says so in its own words."""
    from pipeline.parse.ocr import OcrUnavailable

    if pdf is None:
        return None
    try:
        if not 1 <= page_no <= len(pdf):
            return ""
        page = pdf[page_no - 1]
        try:
            return read(page)
        finally:
            page.close()
    except OcrUnavailable:
        raise
    except Exception as exc:  # a damaged page: say so rather than pass the quote
        log.warning("cannot read page %d of %s for verification: %s", page_no, path, exc)
        return None
