"""pdfgen: the tiny PDF writer used by tests and the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from tests.helpers.pdfgen import Line, Rect, TextItem, render_pdf, text_width, wrap_text, write_pdf


def test_round_trip_text_metadata_and_drawings(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    hostile = "a (paren) \\ back [link](http://x) <b>html</b> \x1b[31m \u200b é — Привет"
    write_pdf(
        path,
        [[TextItem(72, 700, hostile, 12), Line(72, 690, 300, 690), Rect(72, 600, 100, 50)],
         [TextItem(72, 700, "two", 10, "Times-Bold")]],
        {"Title": "Tést (1)", "Publisher": "Inst"},
    )  # fmt: skip
    with pdfplumber.open(path) as pdf:
        assert pdf.metadata["Title"] == "Tést (1)"
        assert pdf.metadata["Publisher"] == "Inst"
        first = pdf.pages[0]
        assert first.extract_text() == hostile
        assert len(first.lines) == 1 and len(first.rects) == 1
        assert pdf.pages[1].extract_text() == "two"


def test_deterministic_and_uncompressed_option() -> None:
    pages = [[TextItem(72, 700, "same", 10)]]
    assert render_pdf(pages, {"Title": "t"}) == render_pdf(pages, {"Title": "t"})
    assert b"(same) Tj" in render_pdf(pages, compress=False)


def test_wrap_text_fits_width() -> None:
    lines = wrap_text("word " * 100, 200, 10)
    assert len(lines) > 1
    assert all(text_width(line, 10) <= 200 for line in lines)


def test_unknown_font_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown font"):
        render_pdf([[TextItem(0, 0, "x", 10, "Comic Sans")]])
