"""The run: discover files, skip unchanged ones, parse in isolation, chunk, embed, tag, commit.

The per-document stages run here or, with `settings.ray_address`, on a Ray cluster
(pipeline/distributed/); either way this process is the one writer.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.dense import embed_mask
from pipeline.discover import discover
from pipeline.embed.model import DIMENSION, MODEL_ID, Embedder, get_embedder
from pipeline.errors import IndexLockedError, IndexMismatchError
from pipeline.index import vectors
from pipeline.index.reclaim import reextract_claims, tagger_model
from pipeline.index.store import Store, now_iso
from pipeline.models import Claim, DocumentMeta, ParsedDocument
from pipeline.parse.isolate import ParseOutcome, bounded_map, parse_isolated
from pipeline.prepare import Failed, Prepared, embedding_texts, load_embedder, prepare
from pipeline.settings import Settings
from pipeline.testhooks import crash_point
from pipeline.text import sha256_file, write_atomic

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
    reclaimed: int = 0  # unchanged documents whose claims were re-extracted (a new claims model)
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
            "reclaimed": self.reclaimed,
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


EMBED_MODE_KEY = "embed_blocks"  # the meta row naming which chunks have vectors (pipeline/dense.py)


def _apply_embed_mode(store: Store, settings: Settings, embedder: Callable[[], Embedder]) -> bool:
    """Give each stored chunk the vector `settings.embed_blocks` says it has, or none.

    The index records its mode in the meta row `embed_blocks`; an index from before the
    row has a vector for every chunk. Switching mode embeds the chunks that now need a
    vector and empties those that no longer do, one transaction per document (new vectors
    get a new seq so readers and `vectors.recover` pick them up); the row is written last,
    so an interrupted switch resumes on the next run. Returns whether the mode changed.
    """
    mode = settings.embed_blocks
    if store.get_meta(EMBED_MODE_KEY) == mode:
        return False
    model: list[Embedder] = []
    for d in store.documents():
        chunks, has = store.doc_chunks(d["doc_id"])
        want = embed_mask(chunks, store.pages(d["doc_id"]), mode)
        add = [c for c, w, h in zip(chunks, want, has, strict=True) if w and not h]
        drop = [c.chunk_id for c, w, h in zip(chunks, want, has, strict=True) if h and not w]
        if not add and not drop:
            continue
        vecs = None
        if add:
            model = model or [embedder()]
            meta = DocumentMeta(d["doc_id"], d["path"], d["file_name"], d["size_bytes"], d["page_count"], d["title"])
            vecs = model[0].embed_batch(embedding_texts(meta, add))
        with store.transaction():
            store.set_vectors([c.chunk_id for c in add], vecs)
            store.set_vectors(drop, None)
        log.info(
            "%s: %d chunks embedded, %d vectors dropped for embed_blocks=%s", d["file_name"], len(add), len(drop), mode
        )
    with store.transaction():
        store.set_meta(EMBED_MODE_KEY, mode)
    return True


@dataclass
class _Planned:
    path: Path
    size: int
    mtime_ns: int
    sha256: str
    old_doc: str | None


def _plan(
    store: Store, files: Iterable[Path], retry_failed: bool, report: IngestReport, run_id: int, seen: set[str]
) -> tuple[list[_Planned], list[_Planned]]:
    """Files to parse, and copies of files to parse (same bytes) to link afterwards.

    `seen` collects the documents of the files that need no parsing (unchanged content).
    """
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
                seen.add(rec.doc_id)
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
            seen.add(digest)
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
    """Claim extraction, loaded on first use; `model_id` names the claims model it applies.
    `warm()` loads it in a background thread while the first documents parse and embed."""

    def __init__(self) -> None:
        self._fn: Callable[..., list[Claim]] | None = None
        self._loading: threading.Thread | None = None

    @property
    def model_id(self) -> str:
        from pipeline.claims.identity import claims_model_id

        return claims_model_id()

    def _load(self) -> Callable[..., list[Claim]]:
        from pipeline.claims.extract import extract_claims_pages, get_heads, get_matchers, load_nlp

        load_nlp()
        get_heads()
        get_matchers()
        self._fn = extract_claims_pages
        return extract_claims_pages

    def warm(self) -> None:
        """Start loading spaCy, the heads and the gazetteer (~2 s) off the main thread; a failure
        there surfaces on the first call, which loads again in the foreground."""
        if self._fn is None and self._loading is None:
            self._loading = threading.Thread(target=self._quiet_load, name="claims-warm", daemon=True)
            self._loading.start()

    def _quiet_load(self) -> None:
        try:
            self._load()
        except Exception:  # noqa: BLE001 - reported by the foreground load of the first call
            log.debug("warming the claim tagger failed", exc_info=True)

    def __call__(self, doc: ParsedDocument) -> list[Claim]:
        if self._loading is not None:
            self._loading.join()
            self._loading = None
        fn = self._fn or self._load()
        return fn(doc.pages, doc.meta.doc_id)


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
    """Bring the index up to date with `paths`; one SQLite transaction per document.

    Unchanged documents whose claims another claims model decided get their claims
    re-extracted from the stored pages (pipeline/index/reclaim.py) when the tagger names
    its model (`model_id`, as Tagger does); a tagger without one leaves them as they are.
    """
    report = IngestReport()
    t_start = time.perf_counter()
    timers = {"parse_wait": 0.0, "chunk": 0.0, "embed": 0.0, "claims": 0.0, "store": 0.0, "index": 0.0}
    with writer_lock(settings.lock_path), Store(settings.db_path) as store:
        model_id = embedder.model_id if embedder else MODEL_ID
        dim = embedder.dimension if embedder else DIMENSION
        check_model(store, model_id, dim)
        switched = _apply_embed_mode(store, settings, lambda: embedder or load_embedder(settings))
        t0 = time.perf_counter()
        vi = vectors.recover(store, settings.vectors_dir, dim, settings.flat_index_max)
        gen = vectors.current_generation(store)
        if switched and gen is not None:
            _write_manifest(store, settings, gen)
        timers["index"] += time.perf_counter() - t0
        run_id = store.start_run(kind)
        report.run_id = run_id
        status = "failed"
        try:
            files, missing = discover(paths)
            report.failed.extend(missing)
            seen: set[str] = set()
            with store.transaction():
                planned, copies = _plan(store, files, retry_failed, report, run_id, seen)
            by_path = {str(p.path): p for p in planned}
            tag = tagger or Tagger()
            warm = getattr(tag, "warm", None)  # Tagger's (tests may stand another tagger in)
            if callable(warm) and planned and not settings.ray_address:
                warm()  # loads while the first document parses (Ray workers load their own)
            claims_model = tagger_model(tag)
            results: Iterator[Prepared | Failed]
            if settings.ray_address:
                from pipeline.distributed import ray_results  # Ray loads only for --ray

                items = [(p.path, p.sha256) for p in planned]
                results = ray_results(items, settings, embedder=embedder, tagger=tag, parse=parse, timers=timers)
            else:
                results = _local_results(planned, settings, parse, embedder, tag, timers)
            last_save = time.perf_counter()
            for done, result in enumerate(results, start=1):
                plan = by_path[result.path]
                if progress:
                    progress(plan.path.name, done, len(planned))
                if isinstance(result, Failed):
                    with store.transaction():
                        store.upsert_file(
                            str(plan.path),
                            doc_id=plan.old_doc,
                            sha256=plan.sha256,
                            size_bytes=plan.size,
                            mtime_ns=plan.mtime_ns,
                            status="failed",
                            reason=result.reason,
                            detail=result.detail,
                            run_id=run_id,
                        )
                    report.failed.append((str(plan.path), result.reason, result.detail))
                    log.warning("%s: %s (%s)", plan.path, result.reason, result.detail)
                else:
                    _index_document(store, vi, plan, result, run_id, report, timers, claims_model)
                crash_point("ingest.after_doc")
                if time.perf_counter() - last_save > settings.vector_save_interval_s:
                    t0 = time.perf_counter()
                    vi = _commit_vectors(store, settings, vi)
                    timers["index"] += time.perf_counter() - t0
                    last_save = time.perf_counter()
            with store.transaction():
                removed = _link_copies(store, copies, report, run_id)
                if prune:
                    removed += _prune(store, report)
            seen.update(c.sha256 for c in copies)
            if claims_model:
                reclaimed = reextract_claims(store, tag, claims_model, run_id, sorted(seen))
                report.reclaimed = len(reclaimed.documents)
                timers["reclaim"] = reclaimed.seconds
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
        "embed_blocks": store.get_meta(EMBED_MODE_KEY),
        "vectors_per_chunks": [store.vector_count(), store.chunk_count()],
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


def _local_results(
    planned: list[_Planned],
    settings: Settings,
    parse: Callable[[Path, Settings], ParseOutcome],
    embedder: Embedder | None,
    tag: Callable[[ParsedDocument], list[Claim]],
    timers: dict[str, float],
) -> Iterator[Prepared | Failed]:
    """Parse in isolated children (a few at once), then chunk, embed and tag here."""
    by_path = {str(p.path): p for p in planned}
    model: list[Embedder] = [embedder] if embedder else []

    def get_model() -> Embedder:
        if not model:  # loaded for the first document with text, not for a run of failures
            model.append(
                get_embedder(
                    settings.embedder, batch_size=settings.embed_batch_size or None, device=settings.embed_device
                )
            )
        return model[0]

    t_wait = time.perf_counter()
    for outcome in bounded_map(lambda p: parse(p.path, settings), planned, settings.parse_workers):
        timers["parse_wait"] += time.perf_counter() - t_wait
        plan = by_path[str(outcome.path)]
        result = prepare(outcome, plan.path, plan.sha256, get_model, tag, settings)
        if isinstance(result, Prepared):
            for key, value in result.seconds.items():
                timers[key] += value
        yield result
        t_wait = time.perf_counter()


def _index_document(
    store: Store,
    vi: vectors.VectorIndex,
    plan: _Planned,
    doc: Prepared,
    run_id: int,
    report: IngestReport,
    timers: dict[str, float],
    claims_model: str | None = None,
) -> None:
    """Commit one prepared document: its rows in one transaction, then its vectors in memory."""
    t0 = time.perf_counter()
    with store.transaction():
        removed = _point_file_at(store, plan, doc.meta.doc_id, run_id)
        store.insert_document(doc.meta, doc.pages, doc.chunks, doc.vecs, doc.claims, run_id, doc.embedded, claims_model)
    timers["store"] += time.perf_counter() - t0
    vi.remove(np.array(removed, dtype=np.int64))  # HNSW marks itself for a rebuild
    vi.add(doc.vector_ids(), doc.vecs)
    (report.replaced if plan.old_doc else report.new).append(str(plan.path))
    report.pages += len(doc.pages)
    report.chunks += len(doc.chunks)
    report.claims += len(doc.claims)


def _prune(store: Store, report: IngestReport) -> list[int]:
    removed: list[int] = []
    for rec in store.file_records():
        if not Path(rec.path).exists():
            store.delete_file(rec.path)
            if rec.doc_id:
                removed += _drop_if_orphan(store, rec.doc_id)
            report.pruned.append(rec.path)
    return removed
