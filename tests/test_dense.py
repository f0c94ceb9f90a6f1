"""Dense index of prose: which chunks get a vector, and an index where some have none by design."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from pipeline.dense import embed_mask
from pipeline.errors import UsageError
from pipeline.index.health import repair_index
from pipeline.index.search import Searcher
from pipeline.index.status import index_status
from pipeline.index.store import Store
from pipeline.ingest import ingest
from pipeline.models import Chunk, Page, PageBlock
from pipeline.settings import Settings, load_settings
from tests.conftest import CORPUS, FakeEmbedder

BODY = "Volt Typhoon actors live off the land inside critical infrastructure networks."
FOOT = "1 See the annex of the 2019 report, p. 12."


def _chunk(page_start: int, char_start: int, page_end: int, char_end: int) -> Chunk:
    return Chunk("d" * 64, 0, "x", page_start, page_end, char_start, char_end, 1)


def _page(page_no: int, parts: Sequence[tuple[str, str]]) -> Page:
    """A page of (kind, text) blocks joined by blank lines, with their offsets."""
    text, blocks = "", []
    for kind, part in parts:
        if text:
            text += "\n\n"
        blocks.append(PageBlock(kind, len(text), len(text) + len(part)))
        text += part
    return Page(page_no, text, tuple(blocks))


def test_only_chunks_wholly_outside_prose_lose_their_vector():
    page = _page(1, [("body", BODY), ("footnote", FOOT)])
    foot_start = page.text.index(FOOT)
    chunks = [
        _chunk(1, 0, 1, len(BODY)),  # body
        _chunk(1, foot_start, 1, len(page.text)),  # footnote only
        _chunk(1, 0, 1, len(page.text)),  # body and footnote
        _chunk(1, len(BODY) - 5, 1, len(page.text)),  # the last word of the body and the footnote
    ]
    assert embed_mask(chunks, [page], "prose") == [True, False, True, True]
    assert embed_mask(chunks, [page], "all") == [True] * 4


@pytest.mark.parametrize("kind", ["heading", "caption", "table", "body"])
def test_prose_kinds_keep_their_vector(kind: str):
    page = _page(1, [(kind, "Figure 3: Routers compromised per month")])
    assert embed_mask([_chunk(1, 0, 1, len(page.text))], [page], "prose") == [True]


@pytest.mark.parametrize("kind", ["footnote", "references", "toc", "boilerplate"])
def test_non_prose_kinds_have_no_vector(kind: str):
    page = _page(1, [(kind, "Smith, J. (2020). Grid resilience. Journal of Systems 4(2): 10-19.")])
    assert embed_mask([_chunk(1, 0, 1, len(page.text))], [page], "prose") == [False]


def test_text_of_unknown_type_keeps_its_vector():
    no_blocks = Page(1, FOOT)  # stored before pages had blocks
    assert embed_mask([_chunk(1, 0, 1, len(FOOT))], [no_blocks], "prose") == [True]
    text = FOOT + "\n\n" + BODY  # the body sentence is in no block
    gap = Page(2, text, (PageBlock("footnote", 0, len(FOOT)),))
    assert embed_mask([_chunk(2, 0, 2, len(text))], [gap], "prose") == [True]


def test_a_chunk_across_pages_is_prose_if_any_page_slice_is():
    refs = _page(1, [("references", FOOT)])
    body = _page(2, [("body", BODY)])
    across = _chunk(1, 0, 2, len(BODY))
    only_refs = _chunk(1, 0, 2, 0)  # ends at the very start of page 2
    assert embed_mask([across, only_refs], [refs, body], "prose") == [True, False]


def test_embed_blocks_setting(monkeypatch):
    assert load_settings().embed_blocks == "prose"
    monkeypatch.setenv("THREATBRIEF_EMBED_BLOCKS", "all")
    assert load_settings().embed_blocks == "all"
    with pytest.raises(UsageError, match="embed_blocks"):
        load_settings(embed_blocks="footnotes")
    with pytest.raises(ValueError, match="embed_blocks"):
        embed_mask([], [], "some")


# -- a real ingest: a report with a references section ---------------------------

REFS = ["References"] + [
    f"{i}. Author{i}, A. ({2000 + i}). A study of grid resilience, volume {i}. "
    f"Journal of Systems {i}(2): {10 * i}-{10 * i + 9}. https://doi.org/10.1000/j{i}"
    for i in range(1, 13)
]
PROSE = [
    "Volt Typhoon actors live off the land inside critical infrastructure networks.",
    "They compromise small office routers to hide their traffic and move with valid accounts.",
    "The operators clear event logs and use built-in tools such as netsh and wmic.",
]


class RecordingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        return super().embed_batch(texts)


def _report(tmp_path: Path, pdf_factory) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    pdf_factory("corpus/report.pdf", ["\n\n".join(PROSE * 3), "\n\n".join(REFS)])
    return corpus


def _ingest(corpus: Path, index: Path, mode: str) -> tuple[Settings, RecordingEmbedder]:
    s = Settings(index_dir=index, parse_workers=1, parse_timeout_s=60, embed_blocks=mode)
    emb = RecordingEmbedder()
    report = ingest([corpus], s, embedder=emb, tagger=lambda d: [])
    assert not report.failed
    return s, emb


def _chunk_vectors(s: Settings) -> list[tuple[str, bool]]:
    with Store(s.db_path) as st:
        rows = st.db.execute("SELECT text, length(vector) > 0 FROM chunks ORDER BY ord").fetchall()
    return [(r[0], bool(r[1])) for r in rows]


def test_ingest_embeds_prose_and_keeps_references_in_bm25(tmp_path: Path, pdf_factory):
    corpus = _report(tmp_path, pdf_factory)
    s, emb = _ingest(corpus, tmp_path / "index", "prose")
    chunks = _chunk_vectors(s)
    without = [text for text, has in chunks if not has]
    assert without and len(without) < len(chunks)
    assert all(not any(p[:30] in t for p in PROSE) and "Journal of Systems" in t for t in without)
    assert all(has for text, has in chunks if any(p[:30] in text for p in PROSE))
    assert len(emb.texts) == len(chunks) - len(without)  # the others were never embedded

    searcher = Searcher.open(s, embedder=FakeEmbedder())
    try:
        assert searcher.index.ntotal == searcher.store.vector_count() == len(chunks) - len(without)
        hits = searcher.search("Author11", k=5)  # a chunk without a vector, found by BM25
        assert any("Author11" in h.text and h.page_end == 2 for h in hits)
    finally:
        searcher.close()

    status = index_status(s)
    assert status["integrity"] == "ok"
    vi = status["vector_index"]
    assert vi["embed_blocks"] == "prose" and vi["chunks_without_vector"] == len(without)
    assert vi["vectors"] + vi["chunks_without_vector"] == status["chunks"]
    manifest = json.loads((s.index_dir / "manifest.json").read_text())
    assert manifest["embed_blocks"] == "prose" and manifest["vectors"]["count"] == len(chunks) - len(without)

    for f in s.vectors_dir.iterdir():  # repair rebuilds FAISS from the vectors SQLite holds
        f.unlink()
    assert repair_index(s).ok
    reopened = Searcher.open(s, embedder=FakeEmbedder())
    assert reopened.index.ntotal == len(chunks) - len(without)
    reopened.close()

    _, again = _ingest(corpus, s.index_dir, "prose")  # unchanged: nothing embedded
    assert again.texts == []


def test_switching_mode_re_embeds(tmp_path: Path, pdf_factory):
    corpus = _report(tmp_path, pdf_factory)
    s, _ = _ingest(corpus, tmp_path / "index", "prose")
    missing = [text for text, has in _chunk_vectors(s) if not has]

    s_all, emb = _ingest(corpus, s.index_dir, "all")
    assert len(emb.texts) == len(missing)  # only the chunks that had no vector
    assert all("Journal of Systems" in t and not any(p[:30] in t for p in PROSE) for t in emb.texts)
    assert all(has for _, has in _chunk_vectors(s_all))
    searcher = Searcher.open(s_all, embedder=FakeEmbedder())
    try:
        assert searcher.index.ntotal == searcher.store.chunk_count()
    finally:
        searcher.close()
    assert index_status(s_all)["vector_index"]["embed_blocks"] == "all"


def test_switching_mode_back_and_forth(tmp_path: Path, pdf_factory):
    corpus = _report(tmp_path, pdf_factory)
    s_all, emb_all = _ingest(corpus, tmp_path / "index", "all")
    total = len(_chunk_vectors(s_all))
    assert len(emb_all.texts) == total and index_status(s_all)["vector_index"]["chunks_without_vector"] == 0

    s, emb = _ingest(corpus, s_all.index_dir, "prose")
    assert emb.texts == []  # dropping vectors needs no model
    kept = sum(has for _, has in _chunk_vectors(s))
    assert 0 < kept < total
    searcher = Searcher.open(s, embedder=FakeEmbedder())
    assert searcher.index.ntotal == kept
    searcher.close()
    assert json.loads((s.index_dir / "manifest.json").read_text())["embed_blocks"] == "prose"

    s2, emb2 = _ingest(corpus, s.index_dir, "all")
    assert len(emb2.texts) == total - kept
    searcher = Searcher.open(s2, embedder=FakeEmbedder())
    assert searcher.index.ntotal == total
    searcher.close()


# -- real reports ------------------------------------------------------------------
CORPUS_DOCS = ("dev_crs_r41524_stuxnet.pdf", "dev_gdata_2014_uroburos.pdf")


@pytest.mark.corpus
@pytest.mark.skipif(not all((CORPUS / d).is_file() for d in CORPUS_DOCS), reason="no ../shared/corpus")
def test_real_reports_lose_vectors_only_on_citation_like_chunks(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for d in CORPUS_DOCS:
        (corpus / d).symlink_to(CORPUS / d)
    s, emb = _ingest(corpus, tmp_path / "index", "prose")
    chunks = _chunk_vectors(s)
    without = [text for text, has in chunks if not has]
    assert without and len(emb.texts) == len(chunks) - len(without)
    # what loses its vector reads as notes and sources: a year, an address or a page reference
    cites = re.compile(r"\b(?:19|20)\d\d\b|https?://|www\.|\bp{1,2}\.\s*\d|\bibid\b|\.{5}", re.I)
    assert sum(bool(cites.search(t)) for t in without) >= 0.9 * len(without)
