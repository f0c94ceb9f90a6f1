import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import IndexCorruptError
from pipeline.index import vectors
from pipeline.index.filters import Filters
from pipeline.index.queries import fts_query
from pipeline.index.store import Store
from pipeline.models import Chunk, Claim, DocumentMeta, Page

DOC = "a" * 64


def _doc(store: Store, doc_id: str = DOC, n: int = 3, publisher: str = "CISA", published: str = "2024-02-07"):
    meta = DocumentMeta(
        doc_id=doc_id,
        path=f"/x/{doc_id[:4]}.pdf",
        file_name=f"{doc_id[:4]}.pdf",
        size_bytes=10,
        page_count=1,
        title="Volt Typhoon advisory",
        publisher=publisher,
        published=published,
    )
    text = "Volt Typhoon hackers live off the land. Routers were compromised. Nothing else."
    pages = [Page(1, text)]
    chunks = [Chunk(doc_id, i, f"chunk {i} about routers and living off the land", 1, 1, 0, 10, 9) for i in range(n)]
    vecs = np.eye(n, 8, dtype=np.float32)
    claims = [Claim("cyber_espionage", text[:39], 1, 0, 39, actor="CHN", actor_mention="Volt Typhoon", doc_id=doc_id)]
    with store.transaction():
        store.insert_document(meta, pages, chunks, vecs, claims, run_id=1)
    return chunks


def test_round_trip_and_delete(tmp_path: Path):
    store = Store(tmp_path / "t.db")
    chunks = _doc(store)
    assert store.counts() == {"documents": 1, "pages": 1, "chunks": 3, "claims": 1, "failed_files": 0}
    assert store.page_text(DOC, 1).startswith("Volt Typhoon")
    rows = store.chunks_by_id([c.chunk_id for c in chunks])
    assert {r["file_name"] for r in rows.values()} == {"aaaa.pdf"}
    claim = store.claims(Filters(actors=("CHN",)))[0]
    assert claim["chunk_id"] == chunks[0].chunk_id and claim["actor_mention"] == "Volt Typhoon"
    with store.transaction():
        assert store.delete_document(DOC) == 3
    assert store.counts()["chunks"] == 0
    assert store.fts_search("routers", 10) == []
    Store(tmp_path / "t.db").migrate()  # migrations apply once; reopening is harmless


def test_filters_apply_before_the_limit(tmp_path: Path):
    store = Store(tmp_path / "t.db")
    _doc(store, "a" * 64, publisher="CISA", published="2024-02-07")
    _doc(store, "b" * 64, publisher="Citizen Lab", published="2016-08-24")
    assert len(store.fts_search("routers", 2)) == 2
    only_old = store.fts_search("routers", 10, Filters(until="2020"))
    assert {store.chunks_by_id([i])[i]["doc_id"] for i, _ in only_old} == {"b" * 64}
    assert len(store.filtered_chunk_ids(Filters(publisher="citizen"))) == 3
    assert len(store.filtered_chunk_ids(Filters(since="2024-01"))) == 3
    assert len(store.filtered_chunk_ids(Filters(actors=("RUS",)))) == 0
    assert len(store.filtered_chunk_ids(Filters(actors=("CHN",), capabilities=("cyber_espionage",)))) == 2


@pytest.mark.parametrize(
    "query", ['"unbalanced', "NEAR(a b", "col:x", "*", "AND OR NOT", "'); DROP TABLE chunks;--", "^x", "a -b", ""]
)
def test_hostile_fts_syntax_is_inert(tmp_path: Path, query: str):
    store = Store(tmp_path / "t.db")
    _doc(store)
    store.fts_search(query, 10)
    assert store.counts()["chunks"] == 3
    q = fts_query(query)
    assert q is None or all(part.startswith('"') and part.endswith('"') for part in q.split(" OR "))


def _index(store: Store, folder: Path) -> vectors.VectorIndex:
    vi = vectors.recover(store, folder, 8, flat_max=1000)
    return vi


def test_generation_commit_and_reload(tmp_path: Path):
    store = Store(tmp_path / "t.db")
    _doc(store)
    vi = _index(store, tmp_path / "vec")
    assert vi.ntotal == 3
    gen = vectors.current_generation(store)
    loaded = vectors.load_generation(tmp_path / "vec", gen, 8)
    assert sorted(loaded.ids()) == sorted(vi.ids())


def test_crash_between_write_and_rename_leaves_the_old_index_readable(tmp_path: Path, monkeypatch):
    store = Store(tmp_path / "t.db")
    _doc(store)
    folder = tmp_path / "vec"
    vi = _index(store, folder)
    old = vectors.current_generation(store)
    _doc(store, "b" * 64)
    vi.add(np.array([111, 222, 333]), np.eye(3, 8, dtype=np.float32))

    def crash(*_a, **_k):
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        vectors.commit(store, folder, vi)
    monkeypatch.undo()
    assert vectors.current_generation(store) == old
    assert vectors.load_generation(folder, old, 8).ntotal == 3
    # a reader sees the committed generation plus the chunks committed after it
    reader = vectors.open_for_read(store, folder, 8, 1000)
    assert reader.ntotal == store.chunk_count() == 6
    # the writer's start-up recovery removes the orphan temp file and commits a whole index
    vi2 = vectors.recover(store, folder, 8, 1000)
    assert vi2.ntotal == 6
    assert not list(folder.glob("*.tmp"))
    assert len(list(folder.glob("gen-*.faiss"))) == 1


def test_corrupt_generation_is_refused_then_rebuilt_from_the_database(tmp_path: Path):
    store = Store(tmp_path / "t.db")
    _doc(store)
    folder = tmp_path / "vec"
    _index(store, folder)
    gen = vectors.current_generation(store)
    (folder / gen.file).write_bytes(b"garbage")
    with pytest.raises(IndexCorruptError):
        vectors.load_generation(folder, gen, 8)
    assert vectors.open_for_read(store, folder, 8, 1000).ntotal == 3
    assert vectors.recover(store, folder, 8, 1000).ntotal == 3


def test_hnsw_above_the_flat_limit_and_rebuild_on_removal(tmp_path: Path):
    store = Store(tmp_path / "t.db")
    _doc(store, n=6)
    vi = vectors.recover(store, tmp_path / "vec", 8, flat_max=4)
    vi = vectors.commit(store, tmp_path / "vec", vi, flat_max=4) and vectors.open_for_read(
        store, tmp_path / "vec", 8, 4
    )
    assert vi.kind == "hnsw"
    assert vi.remove(np.array(vi.ids()[:1])) == -1 and vi.needs_rebuild


def test_wal_mode(tmp_path: Path):
    Store(tmp_path / "t.db")
    con = sqlite3.connect(tmp_path / "t.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_common_words_are_left_out_of_bm25_on_large_indexes(tmp_path: Path, monkeypatch):
    import pipeline.index.queries as store_mod

    store = Store(tmp_path / "t.db")
    _doc(store, "a" * 64, n=6)  # every chunk says "routers" and "land"
    with store.transaction():
        store.db.execute(
            "INSERT INTO chunks(chunk_id, doc_id, ord, page_start, page_end, char_start, char_end, n_tokens,"
            " text, vector, seq) VALUES (99, ?, 99, 1, 1, 0, 1, 3, 'routers and a rare zeroday', ?, 9)",
            ("a" * 64, np.zeros(8, dtype=np.float32).tobytes()),
        )
    assert store._selective_terms(["routers", "land", "zeroday"]) == ["routers", "land", "zeroday"]
    monkeypatch.setattr(store_mod, "PRUNE_ABOVE_CHUNKS", 0)
    monkeypatch.setattr(store_mod, "COMMON_SHARE", 0.5)
    kept = store._selective_terms(["routers", "land", "zeroday", "AA23-341A"])
    assert "zeroday" in kept and "AA23-341A" in kept and "routers" not in kept
    assert store.fts_search("routers zeroday", 5)[0][0] == 99
