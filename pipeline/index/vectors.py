"""The FAISS index: add, remove, search, and crash-safe generations with a checksum.

SQLite holds every chunk's vector, so the FAISS file is a cache that can always be
rebuilt. A generation is written to a temp file, fsynced, renamed, and the folder
fsynced; the commit point is the `vectors.*` rows in SQLite naming it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss as _faiss
import numpy as np

from pipeline.errors import IndexCorruptError
from pipeline.index.store import Store
from pipeline.testhooks import crash_point
from pipeline.text import fsync_dir, sha256_stream

log = logging.getLogger(__name__)
faiss: Any = _faiss  # SWIG wrappers: the shipped hints do not match what the objects do

_GEN_FILE = re.compile(r"^gen-(\d{6,})\.faiss$")
HNSW_M = 32
HNSW_EF_SEARCH = 192  # bench/scale.py: recall@10 0.973 at 1M clustered vectors, ~0.5 ms
HNSW_EF_CONSTRUCTION = 80


@dataclass(frozen=True)
class Generation:
    number: int
    file: str
    sha256: str
    count: int
    max_seq: int
    kind: str


def _new_index(kind: str, dim: int) -> faiss.Index:
    if kind == "flat":
        inner = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        # fp16 storage: 1,048 bytes a vector instead of 1,816 (1M chunks: 1.0 GB, not 1.8 GB),
        # no training step, and no measurable recall loss for unit vectors (bench/scale.py)
        inner = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_fp16, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        inner.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    return faiss.IndexIDMap2(inner)


def single_threaded() -> None:
    """One query at a time: OpenMP threads cost more than they save (3x slower under load)."""
    faiss.omp_set_num_threads(1)


def kind_for(n_vectors: int, flat_max: int) -> str:
    """Exact search while it is fast enough, HNSW above `flat_max` vectors."""
    return "flat" if n_vectors <= flat_max else "hnsw"


class VectorIndex:
    """An id-mapped FAISS index keyed by chunk id."""

    def __init__(self, dim: int, kind: str = "flat", index: faiss.Index | None = None) -> None:
        self.dim = dim
        self.kind = kind
        self.index = index if index is not None else _new_index(kind, dim)
        self.dirty = False
        self.needs_rebuild = False

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
            self.dirty = True

    def remove(self, ids: np.ndarray) -> int:
        """Remove ids; HNSW cannot, so the caller must rebuild (returns -1)."""
        if not len(ids):
            return 0
        if self.kind != "flat":
            self.needs_rebuild = True
            return -1
        n = int(self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64))))
        self.dirty = self.dirty or n > 0
        return n

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(chunk_id, inner product) best first, only among `allowed` ids when given."""
        if self.ntotal == 0 or k <= 0:
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            if not len(allowed):
                return []
            sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params = (
                faiss.SearchParametersHNSW(sel=sel, efSearch=max(HNSW_EF_SEARCH, k))
                if self.kind == "hnsw"
                else faiss.SearchParameters(sel=sel)
            )
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        scores, ids = self.index.search(q, min(k, self.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    # -- persistence ----------------------------------------------------------
    def write(self, path: Path) -> str:
        """Write atomically (temp, fsync, rename, fsync folder); returns the sha256."""
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self.index, str(tmp))
        crash_point("vectors.after_tmp_write")
        with open(tmp, "rb+") as fh:
            digest = sha256_stream(fh)
            os.fsync(fh.fileno())
        crash_point("vectors.before_rename")
        os.replace(tmp, path)
        fsync_dir(path.parent)
        crash_point("vectors.before_commit")
        return digest


def current_generation(store: Store) -> Generation | None:
    """The committed generation, read in one statement so a concurrent commit can't mix two."""
    rows = store.meta_prefix("vectors.")
    if "vectors.generation" not in rows:
        return None
    return Generation(
        number=int(rows["vectors.generation"]),
        file=rows.get("vectors.file", ""),
        sha256=rows.get("vectors.sha256", ""),
        count=int(rows.get("vectors.count", 0)),
        max_seq=int(rows.get("vectors.max_seq", 0)),
        kind=rows.get("vectors.kind", "flat"),
    )


def load_generation(folder: Path, gen: Generation, dim: int) -> VectorIndex:
    """Load a committed generation after checking its checksum."""
    path = folder / gen.file
    try:
        # one read: the bytes checked are the bytes loaded, even if a writer replaces the file
        data = path.read_bytes() if _GEN_FILE.match(gen.file) else None
    except OSError:
        data = None
    if data is None:
        raise IndexCorruptError(f"vector index {path} is missing")
    if hashlib.sha256(data).hexdigest() != gen.sha256:
        raise IndexCorruptError(f"vector index {path} failed its checksum")
    index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
    if index.d != dim or index.ntotal != gen.count:
        raise IndexCorruptError(f"vector index {path} does not match its commit record")
    return VectorIndex(dim, gen.kind, index)


def rebuild_from_store(store: Store, dim: int, flat_max: int) -> VectorIndex:
    """A fresh index from the vectors kept in SQLite."""
    vi = VectorIndex(dim, kind_for(store.vector_count(), flat_max))
    for ids, vecs in store.iter_vectors():
        vi.add(ids, vecs)
    vi.dirty = True
    return vi


def open_for_read(store: Store, folder: Path, dim: int, flat_max: int) -> VectorIndex:
    """The committed generation plus chunks committed after it, without writing anything."""
    gen = current_generation(store)
    if gen is None:
        vi = VectorIndex(dim, "flat")
        min_seq = 0
    else:
        try:
            vi = load_generation(folder, gen, dim)
            min_seq = gen.max_seq
        except IndexCorruptError as exc:
            log.warning("%s; rebuilding in memory from the database", exc)
            return rebuild_from_store(store, dim, flat_max)
    for ids, vecs in store.iter_vectors(min_seq=min_seq):
        vi.add(ids, vecs)
    return vi


def recover(store: Store, folder: Path, dim: int, flat_max: int) -> VectorIndex:
    """Writer start-up: drop orphans, make the index equal the committed chunks, commit it."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = current_generation(store)
    keep = gen.file if gen else None
    for p in folder.iterdir():
        if p.name != keep and (p.name.endswith(".tmp") or _GEN_FILE.match(p.name)):
            p.unlink(missing_ok=True)
    vi = open_for_read(store, folder, dim, flat_max)
    committed = store.vector_count()
    if vi.ntotal != committed:
        # chunks deleted after the generation (or a replaced document): rebuild exactly
        live = store.vector_ids()
        stale = np.array([i for i in vi.ids() if int(i) not in live], dtype=np.int64)
        vi.remove(stale)
    if vi.needs_rebuild:
        vi = rebuild_from_store(store, dim, flat_max)
    if vi.dirty or gen is None or vi.ntotal != (gen.count if gen else 0):
        commit(store, folder, vi)
    return vi


def commit(store: Store, folder: Path, vi: VectorIndex, flat_max: int | None = None) -> Generation:
    """Write the next generation and make it current in one SQLite transaction."""
    if vi.needs_rebuild or (flat_max is not None and vi.kind != kind_for(vi.ntotal, flat_max)):
        vi = rebuild_from_store(store, vi.dim, flat_max or 0)
    folder.mkdir(parents=True, exist_ok=True)
    prev = current_generation(store)
    number = (prev.number if prev else 0) + 1
    name = f"gen-{number:06d}.faiss"
    with store.transaction():
        # under the write lock: nothing can commit chunks between reading seq and naming it
        max_seq = int(store.get_meta("chunk_seq") or 0)
        count = store.vector_count()
        if count != vi.ntotal:
            raise IndexCorruptError(
                f"refusing to commit {vi.ntotal} vectors for {count} embedded chunks; run ingest again"
            )
        digest = vi.write(folder / name)
        store.set_meta("vectors.generation", str(number))
        store.set_meta("vectors.file", name)
        store.set_meta("vectors.sha256", digest)
        store.set_meta("vectors.count", str(vi.ntotal))
        store.set_meta("vectors.max_seq", str(max_seq))
        store.set_meta("vectors.kind", vi.kind)
    if prev and prev.file != name:
        (folder / prev.file).unlink(missing_ok=True)
    vi.dirty = False
    return Generation(number, name, digest, vi.ntotal, max_seq, vi.kind)
