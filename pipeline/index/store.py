"""The only place SQL is written: SQLite with WAL, append-only migrations and FTS5."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from pipeline.errors import IndexDamagedError
from pipeline.ids import claim_id
from pipeline.index.queries import StoreQueries
from pipeline.index.schema import MIGRATIONS, statements
from pipeline.models import Chunk, Claim, DocumentMeta, Page

SQLITE_MAGIC = b"SQLite format 3\x00"
# a claim row's columns apart from run_id, in the order ingest writes them
CLAIM_COLUMNS = (
    "claim_id, doc_id, chunk_id, page_no, char_start, char_end, sentence, actor, actor_mention, organ,"
    " capability, target, ai_enabled, likelihood, confidence, stance"
)


def damaged_message(index_dir: Path, why: str) -> str:
    return f"index at {index_dir} is damaged ({why}); run `threatbrief repair {index_dir}` or re-ingest"


def sqlite_file_problem(path: Path) -> str | None:
    """Why a database file is not a whole SQLite file (no header, truncated), or None if it is or is absent."""
    try:
        size = path.stat().st_size
        if size == 0:
            return None
        with open(path, "rb") as fh:
            header = fh.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{path.name}: {exc.strerror}"
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return f"{path.name} is not a SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # the in-header size is valid only when its change counter matches (SQLite file format 1.3)
    if header[24:28] == header[92:96] and pages and size < pages * page_size:
        return f"{path.name} is truncated: {size:,} of {pages * page_size:,} bytes"
    return None


def check_sqlite_file(path: Path) -> None:
    """A database file that exists must be empty or a whole SQLite file."""
    why = sqlite_file_problem(path)
    if why:
        raise IndexDamagedError(damaged_message(path.parent, why))


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class FileRecord:
    path: str
    doc_id: str | None
    sha256: str | None
    size_bytes: int | None
    mtime_ns: int | None
    status: str  # indexed | failed
    reason: str | None
    detail: str | None


class Store(StoreQueries):
    """SQLite store: documents, pages, chunks (with vectors), claims, files, runs."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """Open (read-write: create and migrate) or, with `readonly`, only read an existing file."""
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            # mode=ro: a command that only reads can never create, migrate or rewrite a file
            uri = "file:" + quote(str(self.path.resolve())) + "?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False)
        else:
            check_sqlite_file(self.path)  # never build a new index over a damaged one
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # check_same_thread off: a search runs BM25 on a helper thread while the main thread
            # embeds the query; the two never use the connection at the same time
            self.db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        try:
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=30000")
            if not readonly:
                self.migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise IndexDamagedError(damaged_message(self.path.parent, str(exc))) from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------
    def migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations(name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {r[0] for r in self.db.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                # another process may have applied it since `done` was read (two first opens)
                if self.db.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    continue
                for statement in statements(sql):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO migrations VALUES (?, ?)", (name, now_iso()))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # -- meta ---------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def meta_prefix(self, prefix: str) -> dict[str, str]:
        """All meta rows whose key starts with `prefix`, from one consistent read."""
        rows = self.db.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
        return {r[0]: r[1] for r in rows}

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- runs ---------------------------------------------------------------
    def start_run(self, kind: str) -> int:
        """Record a new run; runs left 'running' by a killed writer become 'interrupted'."""
        self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        cur = self.db.execute("INSERT INTO runs(kind, started_at, status) VALUES (?, ?, 'running')", (kind, now_iso()))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
            (now_iso(), status, json.dumps(summary, sort_keys=True), run_id),
        )

    def last_run(self, kind: str | None = None, status: str | None = None) -> dict[str, Any] | None:
        sql = "SELECT * FROM runs WHERE 1=1"
        args: list[Any] = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if status:
            sql += " AND status = ?"
            args.append(status)
        row = self.db.execute(sql + " ORDER BY run_id DESC LIMIT 1", args).fetchone()
        if not row:
            return None
        out = dict(row)
        out["summary"] = json.loads(out["summary"] or "{}")
        return out

    # -- files --------------------------------------------------------------
    def file_record(self, path: str) -> FileRecord | None:
        row = self.db.execute(
            "SELECT path, doc_id, sha256, size_bytes, mtime_ns, status, reason, detail FROM files WHERE path = ?",
            (path,),
        ).fetchone()
        return FileRecord(*row) if row else None

    def file_records(self) -> list[FileRecord]:
        rows = self.db.execute("SELECT path, doc_id, sha256, size_bytes, mtime_ns, status, reason, detail FROM files")
        return [FileRecord(*r) for r in rows]

    def upsert_file(
        self,
        path: str,
        *,
        doc_id: str | None,
        sha256: str | None,
        size_bytes: int | None,
        mtime_ns: int | None,
        status: str,
        reason: str | None = None,
        detail: str | None = None,
        run_id: int | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO files(path, doc_id, sha256, size_bytes, mtime_ns, status, reason, detail,"
            " run_id, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET "
            "doc_id=excluded.doc_id, sha256=excluded.sha256, size_bytes=excluded.size_bytes, "
            "mtime_ns=excluded.mtime_ns, status=excluded.status, reason=excluded.reason, "
            "detail=excluded.detail, run_id=excluded.run_id, updated_at=excluded.updated_at",
            (path, doc_id, sha256, size_bytes, mtime_ns, status, reason, detail, run_id, now_iso()),
        )

    def delete_file(self, path: str) -> None:
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))

    def failed_files(self) -> list[FileRecord]:
        return [r for r in self.file_records() if r.status == "failed"]

    # -- documents ----------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def insert_document(
        self,
        meta: DocumentMeta,
        pages: Sequence[Page],
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        claims: Sequence[Claim],
        run_id: int | None,
        embedded: Sequence[bool] = (),
        claims_model: str | None = None,
    ) -> None:
        """Write one document with everything derived from it; call inside a transaction.

        `vectors` has one row per chunk, or with `embedded` one row per chunk flagged True;
        a chunk without a vector (pipeline/dense.py) is stored with an empty vector blob.
        `claims_model` names the model that decided `claims` (pipeline/claims/identity.py).
        """
        mask = list(embedded) if embedded else [True] * len(chunks)
        if len(mask) != len(chunks) or sum(mask) != len(vectors):
            raise ValueError("one vector per embedded chunk")
        rows = iter(vectors)
        blobs = [np.ascontiguousarray(next(rows), dtype=np.float32).tobytes() if keep else b"" for keep in mask]
        self.db.execute(
            "INSERT INTO documents(doc_id, file_name, path, title, author, publisher, published,"
            " page_count, size_bytes, metadata, run_id, added_at, publisher_kind, doc_number, claims_model)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                meta.doc_id,
                meta.file_name,
                meta.path,
                meta.title,
                meta.author,
                meta.publisher,
                meta.published,
                meta.page_count,
                meta.size_bytes,
                json.dumps(meta.pdf_metadata, sort_keys=True),
                run_id,
                now_iso(),
                meta.publisher_kind,
                meta.doc_number,
                claims_model,
            ),
        )
        self.db.executemany(
            "INSERT INTO pages(doc_id, page_no, text, source, ocr_confidence, quality) VALUES (?,?,?,?,?,?)",
            [(meta.doc_id, p.page_no, p.text, p.source, p.ocr_confidence, p.quality) for p in pages],
        )
        self.db.executemany(
            "INSERT INTO blocks(doc_id, page_no, ord, kind, char_start, char_end) VALUES (?,?,?,?,?,?)",
            [(meta.doc_id, p.page_no, i, b.kind, b.start, b.end) for p in pages for i, b in enumerate(p.blocks)],
        )
        seq = int(self.get_meta("chunk_seq") or 0) + 1
        self.db.executemany(
            "INSERT INTO chunks(chunk_id, doc_id, ord, page_start, page_end, char_start, char_end,"
            " n_tokens, text, vector, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    c.chunk_id,
                    c.doc_id,
                    c.ord,
                    c.page_start,
                    c.page_end,
                    c.char_start,
                    c.char_end,
                    c.n_tokens,
                    c.text,
                    blob,
                    seq,
                )
                for c, blob in zip(chunks, blobs, strict=True)
            ],
        )
        self.set_meta("chunk_seq", str(seq))
        self._insert_claims(meta.doc_id, chunks, claims, lambda _row: run_id)

    def _insert_claims(
        self, doc_id: str, chunks: Sequence[Chunk], claims: Sequence[Claim], run_of: Callable[[tuple[Any, ...]], Any]
    ) -> None:
        """A document's claim rows, each linked to the chunk holding its first character.

        `run_of` gives a row (without its run id) the run id to store with it.
        """
        rows = [
            (
                claim_id(doc_id, c.page_no, c.char_start, c.actor, c.capability),
                doc_id,
                _chunk_for(chunks, c),
                c.page_no,
                c.char_start,
                c.char_end,
                c.sentence,
                c.actor,
                c.actor_mention,
                c.organ,
                c.capability,
                c.target,
                int(c.ai_enabled),
                c.likelihood,
                c.confidence,
                c.stance,
            )
            for c in claims
        ]
        self.db.executemany(
            "INSERT OR IGNORE INTO claims(claim_id, doc_id, chunk_id, page_no, char_start, char_end,"
            " sentence, actor, actor_mention, organ, capability, target, ai_enabled, likelihood,"
            " confidence, stance, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*row, run_of(row)) for row in rows],
        )

    def replace_claims(
        self, doc_id: str, claims: Sequence[Claim], claims_model: str | None, run_id: int | None
    ) -> tuple[int, int]:
        """Swap a stored document's claims for `claims`, decided by `claims_model`; inside a transaction.

        The rows are exactly those ingest writes for these claims (same ids, same chunk links);
        a row identical to one already stored keeps its run id, so only claims the new model
        decides differently count as new (the nightly digest). Returns (claims before, after).
        """
        old: dict[tuple[Any, ...], Any] = {}
        for r in self.db.execute(f"SELECT {CLAIM_COLUMNS}, run_id FROM claims WHERE doc_id = ?", (doc_id,)):  # noqa: S608
            old[tuple(r)[:-1]] = r[-1]
        self.db.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
        chunks, _ = self.doc_chunks(doc_id)
        self._insert_claims(doc_id, chunks, claims, lambda row: old.get(row, run_id))
        self.db.execute("UPDATE documents SET claims_model = ? WHERE doc_id = ?", (claims_model, doc_id))
        after = self.db.execute("SELECT COUNT(*) FROM claims WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        return len(old), int(after)

    def stale_claims_documents(self, claims_model: str) -> list[str]:
        """Documents whose claims another (or an unknown) claims model decided, by doc id."""
        rows = self.db.execute(
            "SELECT doc_id FROM documents WHERE claims_model IS NOT ? ORDER BY doc_id", (claims_model,)
        )
        return [r[0] for r in rows]

    def set_vectors(self, chunk_ids: Sequence[int], vectors: np.ndarray | None) -> None:
        """Give chunks new vectors (under a new seq, as new chunks get), or with None take theirs away.

        Call inside a transaction.
        """
        if not len(chunk_ids):
            return
        if vectors is None:
            self.db.executemany("UPDATE chunks SET vector = x'' WHERE chunk_id = ?", [(int(i),) for i in chunk_ids])
            return
        if len(vectors) != len(chunk_ids):
            raise ValueError("one vector per chunk")
        seq = int(self.get_meta("chunk_seq") or 0) + 1
        self.db.executemany(
            "UPDATE chunks SET vector = ?, seq = ? WHERE chunk_id = ?",
            [
                (np.ascontiguousarray(v, dtype=np.float32).tobytes(), seq, int(i))
                for i, v in zip(chunk_ids, vectors, strict=True)
            ],
        )
        self.set_meta("chunk_seq", str(seq))

    def delete_document(self, doc_id: str) -> int:
        """Remove a document and all derived rows; returns the number of chunks removed."""
        n = self.db.execute("SELECT COUNT(*) FROM chunks WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        for table in ("claims", "chunks", "blocks", "pages", "documents"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))  # noqa: S608
        return int(n)

    def doc_refcount(self, doc_id: str) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) FROM files WHERE doc_id = ? AND status = 'indexed'", (doc_id,)
        ).fetchone()
        return int(row[0])


def _chunk_for(chunks: Sequence[Chunk], claim: Claim) -> int | None:
    """The chunk whose span holds the claim's first character."""
    pos = (claim.page_no, claim.char_start)
    best: int | None = None
    for c in chunks:
        if (c.page_start, c.char_start) <= pos < (c.page_end, c.char_end):
            return c.chunk_id
        if (c.page_start, c.char_start) <= pos:
            best = c.chunk_id
    return best
