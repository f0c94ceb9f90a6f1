"""The run: discover files, skip unchanged ones, parse in isolation, chunk, embed, tag, commit."""

from __future__ import annotations

import fcntl
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.chunk import chunk_pages
from pipeline.discover import apply_catalogue, discover
from pipeline.embed.model import DIMENSION, MODEL_ID, Embedder, count_tokens, get_embedder
from pipeline.errors import IndexLockedError, IndexMismatchError
from pipeline.index import vectors
from pipeline.index.store import Store, now_iso
from pipeline.models import Chunk, Claim, DocumentMeta, ParsedDocument
from pipeline.parse.isolate import ParseOutcome, bounded_map, parse_isolated
from pipeline.settings import Settings
from pipeline.testhooks import crash_point
from pipeline.text import ocr_aliases, sha256_file, write_atomic

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (file name, done, total)


@dataclass
class IngestReport:
    run_id: int = 0
    new: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped_failed: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, detail)
    pruned: list[str] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    claims: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "new": len(self.new),
            "replaced": len(self.replaced),
            "unchanged": self.unchanged,
            "skipped_failed": self.skipped_failed,
            "failed": len(self.failed),
            "pruned": len(self.pruned),
            "pages": self.pages,
            "chunks": self.chunks,
            "claims": self.claims,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "failures": [{"path": p, "reason": r, "detail": d} for p, r, d in self.failed],
            "new_files": self.new,
            "replaced_files": self.replaced,
            "pruned_files": self.pruned,
        }


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """One writer per index: a second ingest fails at once instead of waiting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(f"another ingest is writing to {path.parent}; try again when it finishes") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)


def check_model(store: Store, model_id: str, dimension: int) -> None:
    """Refuse to mix vectors from another model."""
    have_model = store.get_meta("model_id")
    have_dim = store.get_meta("dimension")
    if have_model is None:
        with store.transaction():
            store.set_meta("model_id", model_id)
            store.set_meta("dimension", str(dimension))
        return
    if have_model != model_id or int(have_dim or 0) != dimension:
        raise IndexMismatchError(
            f"{store.path} was built with {have_model} ({have_dim} dims), not {model_id} "
            f"({dimension} dims); use another --index or delete this one"
        )


@dataclass
class _Planned:
    path: Path
    size: int
    mtime_ns: int
    sha256: str
    old_doc: str | None


def _plan(
    store: Store, files: Iterable[Path], retry_failed: bool, report: IngestReport, run_id: int
) -> tuple[list[_Planned], list[_Planned]]:
    """Files to parse, and copies of files to parse (same bytes) to link afterwards."""
    planned: list[_Planned] = []
    copies: list[_Planned] = []
    digests: set[str] = set()
    for path in files:
        try:
            st = path.stat()
        except OSError as exc:
            report.failed.append((str(path), "parse_error", f"cannot stat: {exc.strerror}"))
            continue
        rec = store.file_record(str(path))
        same_stat = rec is not None and rec.size_bytes == st.st_size and rec.mtime_ns == st.st_mtime_ns
        if rec and same_stat:
            if rec.status == "indexed" and rec.doc_id and store.has_document(rec.doc_id):
                report.unchanged += 1
                continue
            if rec.status == "failed" and not retry_failed:
                report.skipped_failed += 1
                continue
        digest = sha256_file(path)
        old_doc = rec.doc_id if rec else None
        if rec and rec.sha256 == digest:
            if rec.status == "failed" and not retry_failed:
                store.upsert_file(
                    str(path),
                    doc_id=rec.doc_id,
                    sha256=digest,
                    size_bytes=st.st_size,
                    mtime_ns=st.st_mtime_ns,
                    status="failed",
                    reason=rec.reason,
                    detail=rec.detail,
                    run_id=run_id,
                )
                report.skipped_failed += 1
                continue
        if store.has_document(digest):
            # same bytes already indexed (unchanged content, or a copy under another name)
            store.upsert_file(
                str(path),
                doc_id=digest,
                sha256=digest,
                size_bytes=st.st_size,
                mtime_ns=st.st_mtime_ns,
                status="indexed",
                run_id=run_id,
            )
            if old_doc and old_doc != digest:
                _drop_if_orphan(store, old_doc)
            report.unchanged += 1
            continue
        item = _Planned(path, st.st_size, st.st_mtime_ns, digest, old_doc)
        (copies if digest in digests else planned).append(item)
        digests.add(digest)
    return planned, copies


def _link_copies(store: Store, copies: list[_Planned], report: IngestReport, run_id: int) -> list[int]:
    """Point files whose bytes were indexed under another name at that document."""
    removed: list[int] = []
    for c in copies:
        if not store.has_document(c.sha256):
            continue  # the original failed; the copy will be tried on the next run
        removed += _point_file_at(store, c, c.sha256, run_id)
        report.unchanged += 1
    return removed


def _point_file_at(store: Store, plan: _Planned, doc_id: str, run_id: int) -> list[int]:
    """Record a file as indexed under `doc_id`; drop the document it held before if now unused."""
    store.upsert_file(
        str(plan.path),
        doc_id=doc_id,
        sha256=plan.sha256,
        size_bytes=plan.size,
        mtime_ns=plan.mtime_ns,
        status="indexed",
        run_id=run_id,
    )
    if plan.old_doc and plan.old_doc != doc_id:
        return _drop_if_orphan(store, plan.old_doc)
    return []


def _drop_if_orphan(store: Store, doc_id: str) -> list[int]:
    """Delete a document no file refers to any more; returns its chunk ids."""
    if store.doc_refcount(doc_id) > 0:
        return []
    ids = [int(r[0]) for r in store.db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]
    store.delete_document(doc_id)
    return ids


class Tagger:
    """Claim extraction, loaded on first use."""

    def __init__(self) -> None:
        self._fn: Callable[..., list[Claim]] | None = None

    def __call__(self, doc: ParsedDocument) -> list[Claim]:
        if self._fn is None:
            from pipeline.claims.extract import extract_claims_pages

            self._fn = extract_claims_pages
        return self._fn(doc.pages, doc.meta.doc_id)


def ingest(
    paths: Sequence[Path],
    settings: Settings,
    *,
    prune: bool = False,
    retry_failed: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    tagger: Callable[[ParsedDocument], list[Claim]] | None = None,
    parse: Callable[[Path, Settings], ParseOutcome] = parse_isolated,
    kind: str = "ingest",
) -> IngestReport:
    """Bring the index up to date with `paths`; one SQLite transaction per document."""
    report = IngestReport()
    t_start = time.perf_counter()
    timers = {"parse_wait": 0.0, "chunk": 0.0, "embed": 0.0, "claims": 0.0, "store": 0.0, "index": 0.0}
    with writer_lock(settings.lock_path), Store(settings.db_path) as store:
        model_id = embedder.model_id if embedder else MODEL_ID
        dim = embedder.dimension if embedder else DIMENSION
        check_model(store, model_id, dim)
        t0 = time.perf_counter()
        vi = vectors.recover(store, settings.vectors_dir, dim, settings.flat_index_max)
        timers["index"] += time.perf_counter() - t0
        run_id = store.start_run(kind)
        report.run_id = run_id
        status = "failed"
        try:
            files, missing = discover(paths)
            report.failed.extend(missing)
            with store.transaction():
                planned, copies = _plan(store, files, retry_failed, report, run_id)
            by_path = {str(p.path): p for p in planned}
            tag = tagger or Tagger()
            last_save = time.perf_counter()
            done = 0
            t_wait = time.perf_counter()
            for outcome in bounded_map(lambda p: parse(p.path, settings), planned, settings.parse_workers):
                timers["parse_wait"] += time.perf_counter() - t_wait
                plan = by_path[str(outcome.path)]
                done += 1
                if progress:
                    progress(plan.path.name, done, len(planned))
                if outcome.doc is None or not _has_text(outcome.doc):
                    reason = outcome.reason or "no_text"
                    detail = outcome.detail or "no text on any page, from the text layer or OCR"
                    with store.transaction():
                        store.upsert_file(
                            str(plan.path),
                            doc_id=plan.old_doc,
                            sha256=plan.sha256,
                            size_bytes=plan.size,
                            mtime_ns=plan.mtime_ns,
                            status="failed",
                            reason=reason,
                            detail=detail,
                            run_id=run_id,
                        )
                    report.failed.append((str(plan.path), reason, detail))
                    log.warning("%s: %s (%s)", plan.path, reason, detail)
                else:
                    embedder = embedder or get_embedder(settings.embedder, batch_size=settings.embed_batch_size)
                    _index_document(store, vi, plan, outcome.doc, embedder, tag, settings, run_id, report, timers)
                crash_point("ingest.after_doc")
                if time.perf_counter() - last_save > settings.vector_save_interval_s:
                    t0 = time.perf_counter()
                    vi = _commit_vectors(store, settings, vi)
                    timers["index"] += time.perf_counter() - t0
                    last_save = time.perf_counter()
                t_wait = time.perf_counter()
            with store.transaction():
                removed = _link_copies(store, copies, report, run_id)
                if prune:
                    removed += _prune(store, report)
            vi.remove(np.array(removed, dtype=np.int64))
            t0 = time.perf_counter()
            if vi.dirty or vi.needs_rebuild:
                vi = _commit_vectors(store, settings, vi)
            timers["index"] += time.perf_counter() - t0
            status = "ok" if not report.failed else "partial"
        finally:
            timers["total"] = time.perf_counter() - t_start
            report.seconds = timers
            store.finish_run(run_id, status, report.summary())
    return report


def _commit_vectors(store: Store, settings: Settings, vi: vectors.VectorIndex) -> vectors.VectorIndex:
    if vi.needs_rebuild or vi.kind != vectors.kind_for(vi.ntotal, settings.flat_index_max):
        vi = vectors.rebuild_from_store(store, vi.dim, settings.flat_index_max)
    gen = vectors.commit(store, settings.vectors_dir, vi)
    _write_manifest(store, settings, gen)
    return vi


def _write_manifest(store: Store, settings: Settings, gen: vectors.Generation) -> None:
    """index/manifest.json: the index describes itself (SQLite's meta rows stay authoritative)."""
    import json
    import sqlite3

    import faiss

    from pipeline import __version__

    manifest = {
        "model_id": store.get_meta("model_id"),
        "dimension": int(store.get_meta("dimension") or 0),
        "embedded_text": "document title + newline + chunk text",
        "chunking": {"max_tokens": settings.max_tokens, "overlap_tokens": settings.overlap_tokens},
        "vectors": {
            "generation": gen.number,
            "file": gen.file,
            "sha256": gen.sha256,
            "count": gen.count,
            "kind": gen.kind,
        },
        "counts": store.counts(),
        "versions": {"threatbrief": __version__, "faiss": faiss.__version__, "sqlite": sqlite3.sqlite_version},
        "updated_at": now_iso(),
    }
    path = settings.index_dir / "manifest.json"
    write_atomic(path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


TITLE_CHARS = 120  # ~30 word pieces on top of a chunk's 200: inside the model's 256
# link targets of web pages printed to PDF ("<https://...>", "</topics/...>") and bare URLs
_LINKS = re.compile(r"<(?:https?://|/)[^>\s]*>|https?://\S+")


def embedding_texts(meta: DocumentMeta, chunks: Sequence[Chunk]) -> list[str]:
    """What is embedded: the document's title as a header, then the chunk without link targets.

    The header lets a passage that never names its subject match questions about it; URLs
    only add noise to the dense vector (BM25 still indexes them for exact look-ups).
    Measured on eval/queries.jsonl: success@10 0.92 -> 0.93-0.95, MRR@10 0.80 -> 0.81.
    Known OCR confusions ("AL driven") are embedded as the terms they stand for.
    """
    title = (meta.title or Path(meta.file_name).stem.replace("_", " ")).strip()[:TITLE_CHARS]
    return [f"{title}\n{ocr_aliases(_LINKS.sub(' ', c.text))}" for c in chunks]


def _has_text(doc: ParsedDocument) -> bool:
    return sum(len(p.text.strip()) for p in doc.pages) >= 20


def _index_document(
    store: Store,
    vi: vectors.VectorIndex,
    plan: _Planned,
    doc: ParsedDocument,
    embedder: Embedder,
    tag: Callable[[ParsedDocument], list[Claim]],
    settings: Settings,
    run_id: int,
    report: IngestReport,
    timers: dict[str, float],
) -> None:
    meta = apply_catalogue(
        replace(doc.meta, doc_id=plan.sha256, path=str(plan.path), file_name=plan.path.name), plan.path
    )
    doc = ParsedDocument(meta, doc.pages, doc.warnings)
    t0 = time.perf_counter()
    chunks = chunk_pages(
        doc.pages,
        meta.doc_id,
        max_tokens=settings.max_tokens,
        overlap_tokens=settings.overlap_tokens,
        count_tokens=count_tokens,
    )
    t1 = time.perf_counter()
    vecs = embedder.embed_batch(embedding_texts(meta, chunks))
    t2 = time.perf_counter()
    claims = tag(doc)
    t3 = time.perf_counter()
    with store.transaction():
        removed = _point_file_at(store, plan, meta.doc_id, run_id)
        store.insert_document(meta, doc.pages, chunks, vecs, claims, run_id)
    t4 = time.perf_counter()
    vi.remove(np.array(removed, dtype=np.int64))  # HNSW marks itself for a rebuild
    vi.add(np.array([c.chunk_id for c in chunks], dtype=np.int64), vecs)
    timers["chunk"] += t1 - t0
    timers["embed"] += t2 - t1
    timers["claims"] += t3 - t2
    timers["store"] += t4 - t3
    (report.replaced if plan.old_doc else report.new).append(str(plan.path))
    report.pages += len(doc.pages)
    report.chunks += len(chunks)
    report.claims += len(claims)


def _prune(store: Store, report: IngestReport) -> list[int]:
    removed: list[int] = []
    for rec in store.file_records():
        if not Path(rec.path).exists():
            store.delete_file(rec.path)
            if rec.doc_id:
                removed += _drop_if_orphan(store, rec.doc_id)
            report.pruned.append(rec.path)
    return removed
