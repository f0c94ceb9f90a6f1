"""OCR of image-only pages: policy, page marking, storage, search, and the two real scans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import ParseError
from pipeline.index.search import Searcher
from pipeline.index.store import Store
from pipeline.ingest import ingest
from pipeline.nightly import run_nightly
from pipeline.parse.document import parse_pdf
from pipeline.parse.ocr import debris_spans, page_quality, usable_text_layer
from pipeline.settings import Settings, load_settings
from pipeline.text import ocr_aliases
from tests.conftest import ROOT, FakeEmbedder, make_text_pdf, run_cli

CORPUS = ROOT.parent / "shared" / "corpus"
SCAN_TEXT = [
    "Unit 61398 of the People's Liberation Army stole trade secrets from American companies "
    "in the nuclear power, metals and solar products industries.",
    "The committee found that contractors did not report intrusions to the transportation command.",
]


def _scan_of(text_pdf: Path, out: Path, *, dpi: int = 200) -> Path:
    """An image-only copy of `text_pdf`: each page rendered and placed as one image."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(text_pdf))
    dst = pdfium.PdfDocument.new()
    for i in range(len(src)):
        page = src[i]
        w, h = page.get_size()
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        new = dst.new_page(w, h)
        image = pdfium.PdfImage.new(dst)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(w, h))
        new.insert_obj(image)
        new.gen_content()
    dst.save(str(out))
    return out


@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text_pdf = make_text_pdf(tmp_path_factory.mktemp("text") / "text.pdf", SCAN_TEXT)
    return _scan_of(text_pdf, tmp_path_factory.mktemp("scan") / "scan.pdf")


# -- judging a text layer -----------------------------------------------------------------
def test_a_stamp_line_is_not_a_usable_text_layer() -> None:
    assert not usable_text_layer(["Case 2:14-cr-00118-CB Document 3 Filed 05/01/14 Page 10 of 56"])
    assert not usable_text_layer([])
    assert usable_text_layer(["Volt Typhoon actors pre-position on critical infrastructure networks. " * 4])


def test_page_quality_separates_prose_from_ocr_noise() -> None:
    prose = (
        "The committee found gaps in requirements that result in many cyber intrusions not being "
        "reported to the command and a lack of common understanding between the command and its contractors."
    )
    noise = "Wecan'tstopanattack ~~ ¥¥ tl1e cornrnittee f0und gaqs ln reqmts tbat resu1t ln rnany cyher lntrusions"
    good, bad = page_quality(prose), page_quality(noise)
    assert good is not None and bad is not None
    assert good > 0.9 and bad < 0.5
    assert page_quality("too short") is None


def test_debris_spans_cover_portion_markings_and_banners_only() -> None:
    text = "SECRET//NOFORN\n(U) Foreign governments probe networks.\n(S//NF) The command was not told.\nPlain line."
    spans = [text[a:b].strip() for a, b in debris_spans(text)]
    assert spans == ["SECRET//NOFORN", "(U)", "(S//NF)"]
    assert debris_spans("(a) a list item stays\nUnited States") == []
    # struck-through banners as Tesseract reads them on the SASC scan
    for garbled in ("SECRETNOFORN=", "-SECRFTNOEORN", "SEGREFNOFORA—", "SECREPNOEORAE"):
        page = f"{garbled}\nmitigate the risk of a compromise.\n"
        assert [page[a:b].strip() for a, b in debris_spans(page)] == [garbled], garbled
    assert debris_spans("SECRETARY\nCongressional\nTRANSCOM") == []


def test_debris_spans_cover_ocr_junk_before_a_line_opening_sentence() -> None:
    text = "Hl The committee found eleven intrusions.\nHE « TRANSCOM was told of two.\nAl Qaeda was not involved."
    spans = [text[a:b].strip() for a, b in debris_spans(text)]
    assert spans == ["Hl", "HE «"]


def test_ocr_aliases_read_al_as_ai_before_ai_words_only() -> None:
    text = "AL driven analytics, Al-enabled surveillance, Al Jazeera and al-Qaeda."
    out = ocr_aliases(text)
    assert out == "AI driven analytics, AI-enabled surveillance, Al Jazeera and al-Qaeda."
    assert len(out) == len(text)


def test_search_vectors_see_ai_where_ocr_read_al() -> None:
    from pipeline.ingest import embedding_texts
    from pipeline.models import Chunk, DocumentMeta

    meta = DocumentMeta(doc_id="d", path="/x.pdf", file_name="x.pdf", size_bytes=1, page_count=1, title="T")
    chunk = Chunk("d", 0, "The service uses AL driven analytics.", 1, 1, 0, 36, 8)
    assert embedding_texts(meta, [chunk]) == ["T\nThe service uses AI driven analytics."]
    assert chunk.text == "The service uses AL driven analytics."  # stored text stays verbatim


# -- the policy -----------------------------------------------------------------------------
def test_auto_ocrs_an_image_only_page_and_marks_it(scan_pdf: Path) -> None:
    doc = parse_pdf(scan_pdf, ocr="auto")
    assert [p.source for p in doc.pages] == ["ocr", "ocr"]
    assert "People's Liberation Army stole trade secrets" in doc.pages[0].text
    assert "did not report intrusions" in doc.pages[1].text
    assert all(p.ocr_confidence is not None and p.ocr_confidence > 70 for p in doc.pages)


def test_never_leaves_a_scan_without_text(scan_pdf: Path) -> None:
    with pytest.raises(ParseError) as info:
        parse_pdf(scan_pdf, ocr="never")
    assert info.value.reason == "no_text"


def test_auto_keeps_a_text_layer_and_always_replaces_it(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "t.pdf", [SCAN_TEXT[0] + " " + SCAN_TEXT[1]])
    doc = parse_pdf(path, ocr="auto")
    assert doc.pages[0].source == "text" and doc.pages[0].ocr_confidence is None
    assert doc.pages[0].quality is not None and doc.pages[0].quality > 0.8
    # "always" OCRs every page, text layer or not (for a poor OCR layer made elsewhere)
    always = parse_pdf(path, ocr="always")
    assert always.pages[0].source == "ocr" and "stole trade secrets" in always.pages[0].text
    with pytest.raises(ValueError):
        parse_pdf(path, ocr="sometimes")


def test_ocr_policy_setting_and_cli_validation(tmp_path: Path) -> None:
    config = tmp_path / "threatbrief.toml"
    config.write_text('[threatbrief]\nocr = "never"\n', encoding="utf-8")
    assert load_settings(config).ocr == "never"
    assert load_settings(config, ocr="always").ocr == "always"
    out = run_cli("ingest", str(tmp_path), "--index", str(tmp_path / "i"), "--ocr", "maybe", timeout=120)
    assert out.returncode == 2 and "OCR policy" in out.stderr


def test_ingested_scan_is_stored_as_ocr_and_hits_and_digest_say_so(scan_pdf: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", reports_dir=tmp_path / "reports", parse_timeout_s=120)
    result = run_nightly(settings, corpora=[scan_pdf.parent], embedder=FakeEmbedder(), tagger=lambda d: [])
    assert len(result.report.new) == 1, result.report.summary()
    assert "| 2 (2 OCR) |" in result.digest_path.read_text(encoding="utf-8")
    with Store(settings.db_path) as store:
        pages = store.pages(next(iter(store.documents()))["doc_id"])
        assert [p.source for p in pages] == ["ocr", "ocr"]
        assert store.ocr_summary()["pages"] == 2
    searcher = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        hits = searcher.search("transportation command intrusions", k=3)
    finally:
        searcher.close()
    assert hits and hits[0].page_end == 2 and "transportation command" in hits[0].text and hits[0].ocr is True
    assert json.loads(json.dumps(hits[0].to_json()))["ocr"] is True


# -- the two real scans ---------------------------------------------------------------------
# (file, page, a phrase read off the rendered page image)
REAL_SCANS = [
    ("dev_doj_2014_pla-unit-61398-indictment.pdf", 10, "send spearphishing e-mails"),
    ("dev_sasc_2014_transcom-contractor-intrusions.pdf", 30, "joint planning team (JPT)"),
]


def _only_pages(src: Path, keep: set[int], out: Path) -> Path:
    """A copy of `src` with every page but `keep` (1-based) blanked, so page numbers stay."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    dst = pdfium.PdfDocument.new()
    for i in range(len(pdf)):
        if i + 1 in keep:
            dst.import_pages(pdf, [i])
        else:
            w, h = pdf.get_page_size(i)
            dst.new_page(w, h)
    dst.save(str(out))
    return out


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_real_scans_are_searchable_on_the_right_page(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, page, _ in REAL_SCANS:
        _only_pages(CORPUS / name, {page}, folder / name)
    settings = Settings(index_dir=tmp_path / "index", parse_timeout_s=120)
    report = ingest([folder], settings, embedder=FakeEmbedder(), tagger=lambda d: [])
    assert len(report.new) == 2, report.summary()
    with Store(settings.db_path) as store:
        for doc in store.documents():
            name = doc["file_name"]
            _, page, phrase = next(s for s in REAL_SCANS if s[0] == name)
            pages = store.pages(doc["doc_id"])
            assert pages[page - 1].source == "ocr"
            found = [p.page_no for p in pages if phrase in p.text]
            assert found == [page], (name, found)


# -- the time budget --------------------------------------------------------------------------
@pytest.mark.parametrize(("marks", "timed_out"), [(True, False), (False, True)])
def test_each_ocr_page_earns_the_child_more_time(marks: bool, timed_out: bool) -> None:
    import subprocess
    import sys

    from pipeline.parse.isolate import OCR_PAGE_MARK, _communicate

    line = OCR_PAGE_MARK.decode() if marks else "working"
    code = (
        "import sys, time\nfor _ in range(4):\n"
        f"    print({line!r}, file=sys.stderr, flush=True)\n    time.sleep(2.0)\nprint('done')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # 8 s of work against a 4 s budget: only the page marks can stretch it (4 s leaves room
    # for the interpreter to start on a loaded machine before its first mark)
    out, err, budget = _communicate(proc, 4.0)
    assert (out is None) is timed_out
    if not timed_out:
        assert out is not None and out.strip() == b"done" and budget > 4.0
        assert OCR_PAGE_MARK not in err


def test_search_table_marks_ocr_pages() -> None:
    from rich.console import Console

    from pipeline.models import Hit
    from pipeline.render import render_hits

    console = Console(record=True, width=120)
    hit = Hit(1, 0.1, 1, "d", "scan.pdf", "/scan.pdf", "Scan", 12, 12, "Unit 61398 stole secrets.", ocr=True)
    render_hits(console, "secrets", [hit])
    assert "p. 12, OCR" in console.export_text()
