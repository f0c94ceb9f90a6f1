"""parse_pdf: reading order, running-line removal, cleaning, metadata and error reasons."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from pipeline.errors import ParseError
from pipeline.models import ParsedDocument
from pipeline.parse.document import parse_pdf
from pipeline.text import clean_pdf_text
from tests.helpers.pdfgen import Item, Line, Rect, TextItem, layout_paragraph, write_pdf

REPO = Path(__file__).resolve().parent.parent
BADPDFS = Path("/work/shared/badpdfs")
CORPUS = Path("/work/shared/corpus")

LEFT = [
    "Alpha paragraph one describes the first left column topic in plain words for the test, "
    "and it goes on long enough to fill several lines of the narrow column.",
    "Alpha paragraph two keeps describing the left column with more ordinary sentences here, "
    "again long enough to wrap onto a few lines.",
]
RIGHT = [
    "Omega paragraph one lives in the right column and must come after all the left text, "
    "which is the whole point of reading columns one at a time.",
    "Omega paragraph two closes the right column with a final sentence of ordinary words "
    "that also wraps onto more than one line.",
]


Parse = Callable[..., ParsedDocument]


@pytest.fixture(params=["pdfium", "pdfplumber"])
def parse(request: pytest.FixtureRequest) -> Parse:
    """parse_pdf with one backend; the layout code is shared, the word boxes are not."""
    return partial(parse_pdf, backend=request.param)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _two_columns(texts_left: list[str], texts_right: list[str], top: float) -> tuple[list[Item], float]:
    items: list[Item] = []
    y_left = y_right = top
    for para in texts_left:
        lines, y_left = layout_paragraph(para, 72, y_left, 210, size=10)
        items += lines
        y_left -= 8
    for para in texts_right:
        lines, y_right = layout_paragraph(para, 330, y_right, 210, size=10)
        items += lines
        y_right -= 8
    return items, min(y_left, y_right)


def _pdf(tmp_path: Path, pages: list[list[Item]], name: str = "t.pdf", **meta: str) -> Path:
    path = tmp_path / name
    write_pdf(path, pages, meta or None)
    return path


def test_two_columns_read_column_by_column(tmp_path: Path, parse: Parse) -> None:
    title = TextItem(72, 740, "A Full Width Title Line Above Both Columns Of The Page", 16, "Helvetica-Bold")
    cols, _ = _two_columns(LEFT, RIGHT, 700)
    text = _flat(parse(_pdf(tmp_path, [[title, *cols]])).pages[0].text)
    positions = [text.index(_flat(p)) for p in LEFT + RIGHT]
    assert text.startswith("A Full Width Title Line")
    assert positions == sorted(positions)


def test_full_width_line_splits_columns_into_bands(tmp_path: Path, parse: Parse) -> None:
    upper, y = _two_columns(LEFT[:1], RIGHT[:1], 720)
    middle = TextItem(72, y - 10, "A full width interlude sentence that runs across the whole page gutter.", 10)
    lower, _ = _two_columns(LEFT[1:], RIGHT[1:], y - 40)
    text = _flat(parse(_pdf(tmp_path, [[*upper, middle, *lower]])).pages[0].text)
    order = [LEFT[0], RIGHT[0], middle.text, LEFT[1], RIGHT[1]]
    positions = [text.index(_flat(p)) for p in order]
    assert positions == sorted(positions)


def test_table_rows_stay_rows(tmp_path: Path, parse: Parse) -> None:
    items: list[Item] = []
    y = 700.0
    for left, right in [("Actor", "Typical access")] + [
        (f"Actor {i} name", f"Access route number {i} text") for i in range(8)
    ]:
        items += [TextItem(76, y + 5, left, 10), TextItem(330, y + 5, right, 10)]
        items += [Rect(72, y, 250, 18), Rect(322, y, 220, 18)]
        y -= 18
    page = parse(_pdf(tmp_path, [items])).pages[0]
    assert "Actor 3 name | Access route number 3 text" in page.text
    start = page.text.index("Actor 3 name")
    assert [b.kind for b in page.blocks if b.start <= start < b.end] == ["table"]


TOPICS = ["edge devices", "spearphishing", "wiper malware", "influence operations"]


def _running_pages(n: int) -> list[list[Item]]:
    pages: list[list[Item]] = []
    for i in range(1, n + 1):
        body, _ = layout_paragraph(f"Body text of page {i} is about {TOPICS[i - 1]}.", 72, 700, 460)
        pages.append(
            [
                TextItem(40, 770, f"10/{i}/2020 Potential Threats to Things | CISA", 8),
                TextItem(72, 745, "Test Institute | Report on Things", 9),
                *body,
                TextItem(300, 50, f"- {i} -", 9),
                TextItem(40, 25, f"https://www.example.gov/news/alerts/aa20-275a {i}/{n}", 8),
            ]
        )
    return pages


def test_running_headers_footers_and_page_numbers_dropped(tmp_path: Path, parse: Parse) -> None:
    doc = parse(_pdf(tmp_path, _running_pages(4)))
    for page in doc.pages:
        assert page.text == f"Body text of page {page.page_no} is about {TOPICS[page.page_no - 1]}."


def test_hyphenation_joined(tmp_path: Path, parse: Parse) -> None:
    lines = [
        "The service expanded its surveil-",
        "lance of exiles during the Russia-",
        "Ukraine war and the 2022-",
        "2023 period.",
    ]
    items: list[Item] = [TextItem(72, 700 - 13 * i, t, 10) for i, t in enumerate(lines)]
    text = parse(_pdf(tmp_path, [items])).pages[0].text
    assert "surveillance of exiles" in text
    assert "Russia-Ukraine war" in text
    assert "2022-2023 period." in text


def test_paragraph_breaks(tmp_path: Path, parse: Parse) -> None:
    items, y = layout_paragraph("First paragraph " * 20, 72, 700, 460)
    more, _ = layout_paragraph("Second paragraph " * 20, 72, y - 12, 460)
    text = parse(_pdf(tmp_path, [items + more])).pages[0].text
    first, second = text.split("\n\n")
    assert "Second" not in first and "First" not in second
    assert "\n" in first


def test_pages_numbered_and_blank_pages_kept(tmp_path: Path, parse: Parse) -> None:
    page = [TextItem(72, 700, "Some text that is long enough to count as real text.", 10)]
    doc = parse(_pdf(tmp_path, [page, [Rect(100, 100, 50, 50)], page]))
    assert [p.page_no for p in doc.pages] == [1, 2, 3]
    assert doc.pages[1].text == ""
    assert doc.meta.page_count == 3


def test_doubled_fake_bold_chars_deduped(tmp_path: Path, parse: Parse) -> None:
    items: list[Item] = [
        TextItem(72, 700, "Doubled Heading", 14, "Helvetica-Bold"),
        TextItem(72.3, 700, "Doubled Heading", 14, "Helvetica-Bold"),
        TextItem(72, 680, "and a normal line of body text follows the heading.", 10),
    ]
    text = parse(_pdf(tmp_path, [items])).pages[0].text
    assert text.startswith("Doubled Heading\n")


def test_control_bidi_and_ligatures_cleaned(tmp_path: Path, parse: Parse) -> None:
    hostile = "The \u202eevil\u202c zero\u200bwidth \ufb01le \x1b[31mred\x1b[0m \ufeffend of line."
    doc = parse(_pdf(tmp_path, [[TextItem(72, 700, hostile, 10)]]))
    assert doc.pages[0].text == "The evil zerowidth file [31mred[0m end of line."


def test_clean_text() -> None:
    assert clean_pdf_text("a\u00a0\u00a0b\tc\u2066d\u2069 \u200f(cid:12)e") == "a b cd e"


def test_metadata_title_author_publisher_and_printed_date(tmp_path: Path, parse: Parse) -> None:
    page = [
        TextItem(72, 760, "Quarterly Cyber Outlook", 8),  # the page confirms the Title field
        TextItem(72, 720, "Big Heading On The Page", 20, "Helvetica-Bold"),
        TextItem(72, 690, "Published 14 March 2024", 10),
        TextItem(72, 670, "Body text mentions 2 January 2019 but that is not the date.", 10),
    ]
    path = _pdf(
        tmp_path,
        [page],
        Title="Quarterly Cyber Outlook",
        Author="A. Analyst",
        Publisher="Example Institute",
        CreationDate="D:20200101000000Z",
        Keywords="x" * 800,
    )
    meta = parse(path).meta
    assert (meta.title, meta.author, meta.publisher) == (
        "Quarterly Cyber Outlook",
        "A. Analyst",
        "Example Institute",
    )
    assert meta.published == "2024-03-14"
    assert meta.file_name == "t.pdf" and meta.size_bytes == path.stat().st_size
    assert len(meta.doc_id) == 64
    assert len(meta.pdf_metadata["Keywords"]) == 500


def test_junk_title_falls_back_to_largest_text_and_creation_date(tmp_path: Path, parse: Parse) -> None:
    page = [
        TextItem(72, 720, "State Hackers and", 20, "Helvetica-Bold"),
        TextItem(72, 696, "Critical Infrastructure", 20, "Helvetica-Bold"),
        TextItem(72, 660, "Body text in a smaller font that goes on for a while.", 10),
    ]
    path = _pdf(tmp_path, [page], Title="Microsoft Word - draft_v3.docx", CreationDate="D:20191105")
    meta = parse(path).meta
    assert meta.title == "State Hackers and Critical Infrastructure"
    assert meta.published == "2019-11-05"
    assert meta.publisher is None


def test_sample_corpus_pdfs(parse: Parse) -> None:
    doc = parse(REPO / "corpora" / "sample_ai_propaganda_brief.pdf")
    assert doc.meta.published == "2024-03-14"
    assert doc.meta.publisher == "Harbourview Institute"
    assert doc.pages[0].text.startswith("SAMPLE")
    assert all("Page" not in p.text and "harbourview.example" not in p.text for p in doc.pages)
    report = parse(REPO / "corpora" / "sample_surveillance_exports.pdf")
    assert report.meta.title.startswith("Exporting the Watchtower")
    assert report.meta.published == "2022-11"


# --- errors ---------------------------------------------------------------------


def _reason(path: Path, parse: Parse = parse_pdf, **kwargs: int) -> str:
    with pytest.raises(ParseError) as info:
        parse(path, **kwargs)
    return info.value.reason


def test_not_pdf(tmp_path: Path, parse: Parse) -> None:
    path = tmp_path / "page.pdf"
    path.write_text("<html><body>404 Not Found</body></html>")
    assert _reason(path, parse) == "not_pdf"


def test_zero_pages(tmp_path: Path, parse: Parse) -> None:
    assert _reason(_pdf(tmp_path, []), parse) == "zero_pages"


def test_no_text_for_drawing_only_pages(tmp_path: Path, parse: Parse) -> None:
    assert _reason(_pdf(tmp_path, [[Rect(72, 72, 200, 300), Line(0, 0, 612, 792)]]), parse) == "no_text"


def test_too_many_pages(tmp_path: Path, parse: Parse) -> None:
    path = _pdf(tmp_path, [[TextItem(72, 700, "Enough words to make this a text page.", 10)]] * 3)
    assert _reason(path, parse, max_pages=2) == "too_many_pages"


def test_parse_error_keeps_exception_class(tmp_path: Path, parse: Parse) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n")
    with pytest.raises(ParseError) as info:
        parse(path)
    assert info.value.reason == "parse_error"
    assert re.match(r"\w+: ", info.value.detail)


def test_missing_file_is_parse_error(tmp_path: Path, parse: Parse) -> None:
    assert _reason(tmp_path / "absent.pdf", parse) == "parse_error"


@pytest.mark.skipif(not BADPDFS.is_dir(), reason="no /work/shared/badpdfs")
@pytest.mark.parametrize("name", ["pdfminer__aes-256-r6.pdf", "pdfminer__rc4-40.pdf"])
def test_encrypted_with_user_password(name: str, parse: Parse) -> None:
    assert _reason(BADPDFS / name, parse) == "encrypted"


@pytest.mark.skipif(not BADPDFS.is_dir(), reason="no /work/shared/badpdfs")
def test_empty_user_password_opens(parse: Parse) -> None:
    doc = parse(BADPDFS / "pypdf__r6-empty-password.pdf")
    assert doc.meta.page_count >= 1


@pytest.mark.skipif(not BADPDFS.is_dir(), reason="no /work/shared/badpdfs")
@pytest.mark.parametrize(
    ("backend", "reason"),
    # pdfminer recurses to death; PDFium reads the file and finds no text. "auto" keeps
    # PDFium's finding, which is the more specific one.
    [("pdfplumber", "recursion"), ("pdfium", "no_text"), ("auto", "no_text")],
)
def test_deeply_nested_file(backend: str, reason: str) -> None:
    assert _reason(BADPDFS / "qpdf__issue-149.pdf", partial(parse_pdf, backend=backend)) == reason


def test_auto_backend_and_unknown_backend(tmp_path: Path) -> None:
    page = [TextItem(72, 700, "Some text that is long enough to count as real text.", 10)]
    path = _pdf(tmp_path, [page])
    assert parse_pdf(path).pages[0].text == parse_pdf(path, backend="pdfplumber").pages[0].text
    with pytest.raises(ValueError):
        parse_pdf(path, backend="poppler")


# --- real reports -----------------------------------------------------------------

CRS = "dev_crs_r41524_stuxnet.pdf"
KIMSUKY = "dev_cisa_aa20-301a_kimsuky.pdf"
STORMKILLER = "dev_alethea_2024_stormkiller-russian-io-coverup.pdf"
KNOWN_PHRASES = [
    (CRS, 2, "In September 2010, media reports emerged about a new form of cyber attack"),
    (CRS, 1, "December 9, 2010"),
    (KIMSUKY, 3, "Posing as South Korean reporters, Kimsuky exchanged several benign"),
    (STORMKILLER, 3, "we assess with moderate confidence that the activity is related to"),
]


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="no /work/shared/corpus")
def test_known_phrases_on_their_pages(parse: Parse) -> None:
    docs: dict[str, list[str]] = {}
    for name, page_no, phrase in KNOWN_PHRASES:
        if name not in docs:
            docs[name] = [_flat(p.text) for p in parse(CORPUS / name).pages]
        pages = docs[name]
        assert [i + 1 for i, t in enumerate(pages) if phrase in t] == [page_no], (name, phrase)
    stuxnet = parse(CORPUS / CRS).meta
    assert stuxnet.published == "2010-12-09"
    assert stuxnet.title == "The Stuxnet Computer Worm: Harbinger of an Emerging Warfare Capability"


def test_dedupe_keeps_ligature_parts_but_drops_a_doubled_layer():
    from pipeline.parse.layout import dedupe_chars

    def ch(text, x0, top=100.0, width=5.0):
        return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + 10}

    # "effort" with the "ff" ligature reported as two chars sharing the glyph's box
    word = [ch("e", 0), ch("f", 5, width=6), ch("f", 5, width=6), ch("o", 11), ch("r", 16), ch("t", 21)]
    assert "".join(c["text"] for c in dedupe_chars(word)) == "effort"
    # the same word drawn twice, 0.3 pt apart (fake bold): the second layer goes
    doubled = [ch("a", 0), ch("b", 5), ch("a", 0.3), ch("b", 5.3)]
    assert "".join(c["text"] for c in dedupe_chars(doubled)) == "ab"
