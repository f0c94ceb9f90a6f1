"""Typed blocks and issuer metadata: what parse stores, and what the index keeps of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.index.store import Store
from pipeline.models import DocumentMeta, Page, PageBlock
from pipeline.parse.document import parse_pdf
from pipeline.parse.publishers import find_publisher, lookup
from tests.helpers.pdfgen import TextItem, layout_paragraph, write_pdf


def _pdf(tmp_path: Path, items: list[TextItem], **meta: str) -> Path:
    path = tmp_path / "t.pdf"
    write_pdf(path, [items], meta)
    return path


def test_blocks_cover_the_page_text_with_types(tmp_path: Path) -> None:
    items = [TextItem(72, 740, "UNCLASSIFIED//FOR OFFICIAL USE ONLY", 9)]
    items.append(TextItem(72, 700, "Threat Overview", 18))
    body, y = layout_paragraph(
        "(U) Chinese state actors compromised routers in several countries. They kept access for months.",
        72,
        670,
        460,
    )
    items += body
    items.append(TextItem(72, 80, "1 See the joint advisory of February 2024 for the full list of routers.", 7))
    page = parse_pdf(_pdf(tmp_path, items)).pages[0]
    kinds = {page.text[b.start : b.end]: b.kind for b in page.blocks}
    assert kinds["UNCLASSIFIED//FOR OFFICIAL USE ONLY"] == "boilerplate"
    assert kinds["Threat Overview"] == "heading"
    assert kinds["(U)"] == "boilerplate"  # the portion marking stands apart from its sentence
    assert any(k == "footnote" and t.startswith("1 See the joint") for t, k in kinds.items())
    assert all(0 <= b.start < b.end <= len(page.text) for b in page.blocks)
    assert [b.start for b in page.blocks] == sorted(b.start for b in page.blocks)
    sentence = "Chinese state actors compromised routers in several countries."
    assert sentence in page.text and "(U) Chinese" not in page.text


def test_publisher_from_first_page_and_doc_number(tmp_path: Path) -> None:
    items = [
        TextItem(72, 740, "Joint Cybersecurity Advisory AA24-038A", 10),
        TextItem(72, 700, "Routers Under Siege: A Case Study", 20),
        TextItem(72, 660, "Released February 7, 2024 by the Cybersecurity and Infrastructure Security Agency.", 10),
    ]
    meta = parse_pdf(_pdf(tmp_path, items, Title="Heading 1")).meta
    assert meta.title == "Routers Under Siege: A Case Study"  # a template name is no title
    assert (meta.publisher, meta.publisher_kind) == ("Cybersecurity and Infrastructure Security Agency", "government")
    assert meta.doc_number == "AA24-038A"
    assert meta.published == "2024-02-07"


def test_publisher_matching_prefers_the_issuer_over_names_in_running_text() -> None:
    cover = ["Red Paper", "Prepared for the U.S.-China Economic and Security Review Commission"]
    body = ["Microsoft and Google reported the flaw; the FBI and the NSA were informed."]
    found = find_publisher([cover, body], {"Producer": "Microsoft Word 2016"})
    assert found is not None and found.name == "U.S.-China Economic and Security Review Commission"
    assert lookup("NCSC") is None or lookup("NCSC").kind in {"government", "intelligence"}
    assert find_publisher([["Nothing here names an issuer."]], {}) is None


def test_store_keeps_blocks_and_issuer_fields(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    meta = DocumentMeta(
        doc_id="b" * 64,
        path="/x/b.pdf",
        file_name="b.pdf",
        size_bytes=1,
        page_count=1,
        publisher="Citizen Lab",
        publisher_kind="academic",
        doc_number="JR03-2010",
    )
    text = "Heading\n\nBody sentence here."
    page = Page(1, text, (PageBlock("heading", 0, 7), PageBlock("body", 9, len(text))))
    with store.transaction():
        store.insert_document(meta, [page], [], np.zeros((0, 8), dtype=np.float32), [], run_id=1)
    assert store.pages(meta.doc_id) == [page]
    doc = store.documents()[0]
    assert (doc["publisher_kind"], doc["doc_number"]) == ("academic", "JR03-2010")
    with store.transaction():
        store.delete_document(meta.doc_id)
    assert store.db.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] == 0


def test_catalogue_publisher_brings_its_kind(tmp_path: Path) -> None:
    from pipeline.discover import apply_catalogue

    (tmp_path / "catalogue.tsv").write_text("file\tpublisher\tdoc_number\nr.pdf\tCitizen Lab\tJR03-2010\n")
    meta = DocumentMeta("c" * 64, str(tmp_path / "r.pdf"), "r.pdf", 1, 1, publisher="Google", publisher_kind="platform")
    out = apply_catalogue(meta, tmp_path / "r.pdf")
    assert (out.publisher, out.publisher_kind, out.doc_number) == ("Citizen Lab", "academic", "JR03-2010")


def test_technique_rows_ending_in_links_are_not_references(tmp_path: Path) -> None:
    items = [TextItem(72, 700, "Initial Access", 14)]
    items.append(TextItem(72, 660, "Valid Accounts [T1078 <https://attack.mitre.org/techniques/T1078/>]", 10))
    items.append(TextItem(72, 560, "See the vendor's write-up, 2021 <https://example.org/reports/write-up>", 10))
    page = parse_pdf(_pdf(tmp_path, items)).pages[0]
    kinds = {page.text[b.start : b.end]: b.kind for b in page.blocks}
    row = next(k for t, k in kinds.items() if t.startswith("Valid Accounts"))
    source = next(k for t, k in kinds.items() if t.startswith("See the vendor"))
    assert row != "references"  # a technique list row is data or prose, and keeps its vector
    assert source == "references"


def test_sentence_with_inline_link_targets_is_body_not_a_reference(tmp_path: Path) -> None:
    # web prints print each link's target after its text; the sentence stays prose
    items = [
        TextItem(72, 700, "The actors used Mimikatz <https://attack.mitre.org/software/S0002/> to harvest", 10),
        TextItem(72, 686, "credentials and Impacket <https://attack.mitre.org/software/S0357/>.", 10),
        TextItem(72, 600, "[1] Vendor Report on the Campaign <https://example.org/reports/campaign>", 10),
    ]
    page = parse_pdf(_pdf(tmp_path, items)).pages[0]
    kinds = {page.text[b.start : b.end]: b.kind for b in page.blocks}
    sentence = next(k for t, k in kinds.items() if t.startswith("The actors used Mimikatz"))
    item = next(k for t, k in kinds.items() if t.startswith("[1] Vendor Report"))
    assert sentence == "body"
    assert item == "references"
