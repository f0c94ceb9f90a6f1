"""Opening an index to read it, naming damage instead of hiding it, and `threatbrief repair`.

Commands that only read open SQLite with `mode=ro`: they never create, migrate or rewrite
anything, and a folder without an index is an error, not a new empty index. A damaged file
is named with what to do next. `repair` rebuilds what is derived from SQLite (the FTS5
table, the FAISS generations, indexes, claims an older claims model decided) and says
plainly what it cannot rebuild.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import IndexDamagedError, IndexMissingError, PipelineError, UsageError
from pipeline.index.schema import MIGRATIONS
from pipeline.index.store import Store, check_sqlite_file, damaged_message, sqlite_file_problem
from pipeline.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (file name, done, total)

REQUIRED_TABLES = ("documents", "files", "pages", "chunks", "claims", "runs", "meta", "migrations", "chunks_fts")


def check_index_dir(index_dir: Path) -> None:
    """The index location must be a folder (or not exist yet)."""
    if index_dir.exists() and not index_dir.is_dir():
        raise UsageError(
            f"index {index_dir} is a file, not a folder (--index names the folder that holds threatbrief.db)"
        )


def open_index(settings: Settings, wait_s: float = 30.0) -> Store:
    """The index of a command that only reads: checked, read-only, never created or migrated.

    An index an ingest is creating, upgrading or checkpointing right now (empty file, a file
    shorter than its header says, tables or migrations still missing, while the writer lock is
    held) is waited for, up to `wait_s`.
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return _open_checked(settings)
        except PipelineError as exc:
            if not getattr(exc, "incomplete", False) or time.monotonic() > deadline or not _writer_active(settings):
                raise
            time.sleep(0.05)


def _incomplete(exc: PipelineError) -> PipelineError:
    exc.incomplete = True  # type: ignore[attr-defined]
    return exc


def _writer_active(settings: Settings) -> bool:
    """Whether an ingest holds the writer lock (probed only when the schema looks unfinished)."""
    try:
        fd = os.open(settings.lock_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _open_checked(settings: Settings) -> Store:
    check_index_dir(settings.index_dir)
    db = settings.db_path
    if not db.is_file():
        raise IndexMissingError(f"no index at {settings.index_dir} (run `threatbrief ingest`)")
    if db.stat().st_size == 0:
        raise _incomplete(IndexDamagedError(damaged_message(settings.index_dir, f"{db.name} is empty, 0 bytes")))
    try:
        check_sqlite_file(db)
    except IndexDamagedError as exc:
        # a running ingest's checkpoint writes page 1, with the new page count, before the pages
        # that grow the file: while it holds the writer lock a short file is waited for, not damage
        raise _incomplete(exc) from None
    store = Store(db, readonly=True)
    try:
        check_schema(store, settings.index_dir)
    except BaseException:
        store.close()
        raise
    return store


def check_schema(store: Store, index_dir: Path) -> None:
    """Every table this version reads exists and every migration it knows is applied."""
    try:
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise _incomplete(IndexDamagedError(damaged_message(index_dir, f"table {missing[0]} is missing")))
        applied = [r[0] for r in store.db.execute("SELECT name FROM migrations ORDER BY name")]
    except sqlite3.DatabaseError as exc:
        raise IndexDamagedError(damaged_message(index_dir, str(exc))) from exc
    known = [name for name, _ in MIGRATIONS]
    newer = [n for n in applied if n not in known]
    if newer:
        raise PipelineError(
            f"index at {index_dir} was written by a newer threatbrief (schema {newer[-1]}); upgrade threatbrief"
        )
    pending = [n for n in known if n not in applied]
    if pending:
        raise _incomplete(
            PipelineError(
                f"index at {index_dir} has an older schema (without {pending[0]}); "
                f"run `threatbrief repair {index_dir}` to upgrade it"
            )
        )


def integrity_problems(store: Store) -> list[str]:
    """SQLite's quick_check, as a list of problems (empty when the file is sound)."""
    try:
        rows = [str(r[0]) for r in store.db.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


@dataclass
class RepairReport:
    """What `repair` rebuilt, and what it could not."""

    index_dir: Path
    rebuilt: list[str] = field(default_factory=list)
    unrecoverable: list[str] = field(default_factory=list)
    claims: dict[str, Any] | None = None  # the re-extraction (ReclaimReport.to_json), None when none ran

    @property
    def ok(self) -> bool:
        return not self.unrecoverable

    def to_json(self) -> dict[str, object]:
        return {
            "index": str(self.index_dir),
            "ok": self.ok,
            "rebuilt": self.rebuilt,
            "unrecoverable": self.unrecoverable,
            "reclaimed": self.claims["documents"] if self.claims else 0,
            "claims": self.claims,
        }


_LOST = (
    "documents, pages, chunks and claims live only in threatbrief.db: move it aside "
    "(mv {db} {db}.damaged) and ingest the reports again"
)


def repair_index(settings: Settings, progress: Progress | None = None) -> RepairReport:
    """Rebuild what SQLite can rebuild (schema upgrade, indexes, FTS5, FAISS, stale claims) under the writer lock.

    `progress` is told of each document whose claims are re-extracted.
    """
    from pipeline.ingest import writer_lock

    check_index_dir(settings.index_dir)
    db = settings.db_path
    report = RepairReport(settings.index_dir)
    if not db.is_file():
        raise IndexMissingError(f"no index at {settings.index_dir} (run `threatbrief ingest`)")
    lost = _LOST.format(db=db)
    if db.stat().st_size == 0:
        report.unrecoverable.append(f"{db.name} is empty (0 bytes); {lost}")
        return report
    why = sqlite_file_problem(db)
    if why:
        report.unrecoverable.append(f"{why}; {lost}")
        return report
    with writer_lock(settings.lock_path):
        try:
            store = Store(db)  # read-write: applies pending migrations
        except IndexDamagedError as exc:
            report.unrecoverable.append(f"{exc}; {lost}")
            return report
        with store:
            _repair_sqlite(store, report, lost)
            if report.ok:
                _repair_vectors(store, settings, report)
            if report.ok:
                _repair_claims(store, report, progress)
    return report


def _repair_claims(store: Store, report: RepairReport, progress: Progress | None) -> None:
    """Re-extract, from the stored pages, the claims of documents an older claims model decided."""
    from pipeline import ingest
    from pipeline.index.reclaim import reextract_claims, tagger_model

    tag = ingest.Tagger()
    model = tagger_model(tag)
    if model is None or not store.stale_claims_documents(model):
        return
    run_id = store.start_run("repair")
    status = "failed"
    result = None
    try:
        result = reextract_claims(store, tag, model, run_id, progress=progress)
        status = "ok"
    finally:
        store.finish_run(run_id, status, result.to_json() if result else {})
    report.claims = result.to_json()
    report.rebuilt.append(
        f"claims of {len(result.documents):,} documents re-extracted with claims model {model} from the stored pages"
        f" ({result.claims_before:,} -> {result.claims_after:,} claims)"
    )


def _repair_sqlite(store: Store, report: RepairReport, lost: str) -> None:
    problems = integrity_problems(store)
    if problems:
        try:
            store.db.execute("REINDEX")
            report.rebuilt.append("SQLite indexes (REINDEX)")
        except sqlite3.DatabaseError as exc:
            log.warning("REINDEX failed: %s", exc)
    try:
        with store.transaction():
            store.db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
        report.rebuilt.append("full-text index (FTS5) from the chunks table")
    except sqlite3.DatabaseError as exc:
        report.unrecoverable.append(f"full-text index could not be rebuilt ({exc}); {lost}")
        return
    problems = integrity_problems(store)
    if problems:
        shown = "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else "")
        report.unrecoverable.append(f"SQLite integrity check still fails: {shown}; {lost}")


def _repair_vectors(store: Store, settings: Settings, report: RepairReport) -> None:
    from pipeline.index import vectors

    dim = int(store.get_meta("dimension") or 0)
    if not dim:
        report.rebuilt.append("vector index: nothing to rebuild (no documents embedded yet)")
        return
    try:
        vi = vectors.rebuild_from_store(store, dim, settings.flat_index_max)
    except ValueError as exc:  # a vector blob of the wrong length
        report.unrecoverable.append(f"stored vectors are unreadable ({exc}); re-ingest the reports")
        return
    folder = settings.vectors_dir
    folder.mkdir(parents=True, exist_ok=True)
    gen = vectors.commit(store, folder, vi)
    for p in folder.iterdir():
        if p.name != gen.file and (p.name.endswith(".tmp") or p.name.endswith(".faiss")):
            p.unlink(missing_ok=True)
    report.rebuilt.append(f"vector index ({gen.kind}) generation {gen.number} from {gen.count:,} vectors in SQLite")
