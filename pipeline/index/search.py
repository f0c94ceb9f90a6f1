"""Hybrid retrieval: FAISS dense + FTS5 BM25, fused by reciprocal rank, filters first."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.embed.model import DIMENSION, MODEL_ID, Embedder, get_embedder
from pipeline.errors import IndexMismatchError
from pipeline.index import vectors
from pipeline.index.filters import Filters
from pipeline.index.health import open_index
from pipeline.index.store import Store
from pipeline.models import Hit
from pipeline.settings import Settings

RRF_K = 20  # eval/queries.jsonl: 20 and 60 within one query of each other; 20 a little better
CANDIDATES = 100  # per retriever, before fusion
DENSE_WEIGHT = 1.0
SPARSE_WEIGHT = 1.0


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm25")


def rrf_fuse(rankings: list[tuple[list[int], float]], k0: int | None = None) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of several ranked id lists with weights; best first."""
    k0 = RRF_K if k0 is None else k0
    scores: dict[int, float] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids):
            scores[cid] = scores.get(cid, 0.0) + weight / (k0 + rank + 1)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class Searcher:
    """An open index ready for queries; the embedder loads on the first query."""

    store: Store
    index: vectors.VectorIndex
    settings: Settings
    embedder: Embedder | None = None

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Searcher:
        store = open_index(settings)
        model = store.get_meta("model_id")
        want = embedder.model_id if embedder else MODEL_ID
        if model is not None and model != want:
            store.close()
            raise IndexMismatchError(f"{settings.index_dir} was built with {model}, this tool embeds with {want}")
        dim = int(store.get_meta("dimension") or DIMENSION)
        vectors.single_threaded()
        vi = vectors.open_for_read(store, settings.vectors_dir, dim, settings.flat_index_max)
        return cls(store, vi, settings, embedder)

    def close(self) -> None:
        self.store.close()

    def embed_query(self, query: str) -> np.ndarray:
        if self.embedder is None:
            # the NumPy forward pass gives minilm's vectors without importing torch (~9 s)
            name = "minilm-numpy" if self.settings.embedder == "minilm" else self.settings.embedder
            self.embedder = get_embedder(name)
        return self.embedder.embed_batch([query])[0]

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """The k best chunks for `query` among those that pass `filters`."""
        filters = filters or Filters()
        query = query.strip()
        if not query or k <= 0:
            return []
        candidates = max(CANDIDATES, 5 * k)
        allowed = self.store.filtered_chunk_ids(filters) if filters.active else None
        if allowed is not None and not len(allowed):
            return []
        # BM25 (SQLite, GIL released) runs beside the query embedding and the FAISS search
        sparse_job = _pool().submit(self.store.fts_search, query, candidates, filters)
        dense = self.index.search(self.embed_query(query), candidates, allowed)
        sparse = sparse_job.result()
        fused = rrf_fuse(
            [
                ([cid for cid, _ in dense], DENSE_WEIGHT),
                ([cid for cid, _ in sparse], SPARSE_WEIGHT),
            ]
        )
        rows = self.store.chunks_by_id([cid for cid, _ in fused[: k * 4]])
        hits: list[Hit] = []
        seen: set[tuple[str, int, int]] = set()
        for cid, score in fused:
            row = rows.get(cid)
            if row is None:  # removed since the index generation was written
                continue
            where = (row["doc_id"], row["page_start"], row["page_end"])
            if where in seen:  # overlapping chunks of the same pages: show the pages once
                continue
            seen.add(where)
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    score=round(score, 6),
                    chunk_id=cid,
                    doc_id=row["doc_id"],
                    doc=row["file_name"],
                    path=row["path"],
                    title=row["title"],
                    page_start=row["page_start"],
                    page_end=row["page_end"],
                    text=row["text"],
                    publisher=row["publisher"],
                    published=row["published"],
                    ocr=bool(row["ocr"]),
                )
            )
            if len(hits) == k:
                break
        return hits
