"""Real corpus pages for layout tests: parsed once each, sentences compared without spacing."""

from __future__ import annotations

import unicodedata
from functools import cache

from pipeline.models import Page
from pipeline.text import split_sentences
from tests.conftest import CORPUS


def norm(text: str) -> str:
    """Letters and digits only, case-folded: what a reader compares on the rendered page."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


@cache
def corpus_page(doc: str, page_no: int) -> Page:
    from pipeline.parse import parse_pdf

    return parse_pdf(CORPUS / doc, ocr="never").pages[page_no - 1]


def stored_sentences(page: Page) -> list[str]:
    return [norm(page.text[s:e]) for s, e in split_sentences(page.text)]
