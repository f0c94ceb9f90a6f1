"""The only place SQL is written: SQLite with WAL, append-only migrations and FTS5."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.ids import claim_id
from pipeline.models import Chunk, Claim, DocumentMeta, Page

MIGRATIONS: list[tuple[str, str]] = [
    (
        "m001_initial",
        """
        CREATE TABLE documents(
            doc_id TEXT PRIMARY KEY, file_name TEXT NOT NULL, path TEXT NOT NULL,
            title TEXT, author TEXT, publisher TEXT, published TEXT,
            page_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}', run_id INTEGER, added_at TEXT NOT NULL);
        CREATE TABLE files(
            path TEXT PRIMARY KEY, doc_id TEXT, sha256 TEXT, size_bytes INTEGER,
            mtime_ns INTEGER, status TEXT NOT NULL, reason TEXT, detail TEXT,
            run_id INTEGER, updated_at TEXT NOT NULL);
        CREATE INDEX files_doc ON files(doc_id);
        CREATE TABLE pages(
            doc_id TEXT NOT NULL, page_no INTEGER NOT NULL, text TEXT NOT NULL,
            PRIMARY KEY(doc_id, page_no)) WITHOUT ROWID;
        CREATE TABLE chunks(
            chunk_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER NOT NULL,
            page_start INTEGER NOT NULL, page_end INTEGER NOT NULL,
            char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            n_tokens INTEGER NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL,
            seq INTEGER NOT NULL);
        CREATE INDEX chunks_doc ON chunks(doc_id);
        CREATE INDEX chunks_seq ON chunks(seq);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, content='chunks', content_rowid='chunk_id', tokenize='porter unicode61');
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text) VALUES (new.chunk_id, new.text);
        END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.chunk_id, old.text);
        END;
        CREATE TABLE claims(
            claim_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, chunk_id INTEGER,
            page_no INTEGER NOT NULL, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            sentence TEXT NOT NULL, actor TEXT, actor_mention TEXT, organ TEXT,
            capability TEXT NOT NULL, target TEXT, ai_enabled INTEGER NOT NULL,
            likelihood TEXT, confidence TEXT, stance TEXT NOT NULL, run_id INTEGER);
        CREATE INDEX claims_doc ON claims(doc_id);
        CREATE INDEX claims_actor_cap ON claims(actor, capability);
        CREATE INDEX claims_chunk ON claims(chunk_id);
        CREATE TABLE runs(
            run_id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
            started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '{}');
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ),
    (
        "m002_fts_vocabulary",
        """
        CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');
        """,
    ),
]


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


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before ranking."""

    docs: tuple[str, ...] = ()  # file names, doc_id prefixes or title words
    publisher: str | None = None
    since: str | None = None
    until: str | None = None
    actors: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    ai_enabled: bool | None = None
    likelihood: str | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.docs
            or self.publisher
            or self.since
            or self.until
            or self.actors
            or self.capabilities
            or self.ai_enabled is not None
            or self.likelihood
        )

    @property
    def on_claims(self) -> bool:
        return bool(self.actors or self.capabilities or self.ai_enabled or self.likelihood)


_STOPWORDS = frozenset(
    "a an and are as at be by do does did for from how in into is it its of on or that the "
    "their there these this those to was were what when where which who whom why will with "
    "would can could should about against than then they them he she we you i our your".split()
)
_TERM = re.compile(r"[^\W_][\w\-./:@']*", re.UNICODE)


def query_terms(text: str) -> list[str]:
    """The words of a query worth matching, in order, without repeats or stopwords."""
    terms: list[str] = []
    for m in _TERM.finditer(text):
        term = m.group(0).strip("-./:'@")
        if term and term.lower() not in _STOPWORDS and term not in terms:
            terms.append(term)
    return terms[:64]


def fts_query(text: str, terms: list[str] | None = None) -> str | None:
    """A safe FTS5 query: every term quoted (operators and syntax in input are inert), OR-ed."""
    terms = query_terms(text) if terms is None else terms
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms) if terms else None


# Above this many chunks, query words found in more than COMMON_SHARE of them are left out
# of BM25: they add almost nothing to its scores and most of its cost (an OR over them
# scores a large part of the index).
PRUNE_ABOVE_CHUNKS = 20_000
COMMON_SHARE = 0.05
_SUFFIXES = ("", "s", "es", "ed", "ing", "ly", "e")


class Store:
    """SQLite store: documents, pages, chunks (with vectors), claims, files, runs."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread off: a search runs BM25 on a helper thread while the main thread
        # embeds the query; the two never use the connection at the same time
        self.db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=30000")
        if not readonly:
            self.migrate()

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
                for statement in _statements(sql):
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
    ) -> None:
        """Write one document with everything derived from it; call inside a transaction."""
        if len(chunks) != len(vectors):
            raise ValueError("one vector per chunk")
        self.db.execute(
            "INSERT INTO documents(doc_id, file_name, path, title, author, publisher, published,"
            " page_count, size_bytes, metadata, run_id, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
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
            ),
        )
        self.db.executemany(
            "INSERT INTO pages(doc_id, page_no, text) VALUES (?,?,?)",
            [(meta.doc_id, p.page_no, p.text) for p in pages],
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
                    np.ascontiguousarray(v, dtype=np.float32).tobytes(),
                    seq,
                )
                for c, v in zip(chunks, vectors, strict=True)
            ],
        )
        self.set_meta("chunk_seq", str(seq))
        self.db.executemany(
            "INSERT OR IGNORE INTO claims(claim_id, doc_id, chunk_id, page_no, char_start, char_end,"
            " sentence, actor, actor_mention, organ, capability, target, ai_enabled, likelihood,"
            " confidence, stance, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    claim_id(meta.doc_id, c.page_no, c.char_start, c.actor, c.capability),
                    meta.doc_id,
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
                    run_id,
                )
                for c in claims
            ],
        )

    def delete_document(self, doc_id: str) -> int:
        """Remove a document and all derived rows; returns the number of chunks removed."""
        n = self.db.execute("SELECT COUNT(*) FROM chunks WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        for table in ("claims", "chunks", "pages", "documents"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))  # noqa: S608
        return int(n)

    def doc_refcount(self, doc_id: str) -> int:
        row = self.db.execute(
            "SELECT COUNT(*) FROM files WHERE doc_id = ? AND status = 'indexed'", (doc_id,)
        ).fetchone()
        return int(row[0])

    def documents(self, doc_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        if doc_ids is None:
            rows = self.db.execute("SELECT * FROM documents ORDER BY published, file_name")
        else:
            ids = list(doc_ids)
            rows = self.db.execute(
                f"SELECT * FROM documents WHERE doc_id IN ({_marks(ids)})"  # noqa: S608
                " ORDER BY published, file_name",
                ids,
            )
        return [dict(r) for r in rows]

    def document_ids(self, f: Filters) -> list[str]:
        """Documents passing the document-level filters (name, publisher, dates)."""
        where, args = self._filter_sql(Filters(docs=f.docs, publisher=f.publisher, since=f.since, until=f.until))
        rows = self.db.execute(
            f"SELECT d.doc_id FROM documents d WHERE {where} ORDER BY d.published, d.file_name", args
        )  # noqa: S608
        return [r[0] for r in rows]

    def pages(self, doc_id: str) -> list[Page]:
        rows = self.db.execute("SELECT page_no, text FROM pages WHERE doc_id = ? ORDER BY page_no", (doc_id,))
        return [Page(int(r[0]), r[1]) for r in rows]

    def page_text(self, doc_id: str, page_no: int) -> str | None:
        row = self.db.execute("SELECT text FROM pages WHERE doc_id = ? AND page_no = ?", (doc_id, page_no)).fetchone()
        return row[0] if row else None

    # -- chunks and vectors -------------------------------------------------
    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def iter_vectors(self, min_seq: int = 0, batch: int = 20000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ids, vectors) of chunks with seq > min_seq, in batches."""
        cur = self.db.execute("SELECT chunk_id, vector FROM chunks WHERE seq > ? ORDER BY chunk_id", (min_seq,))
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
            yield ids, vecs

    def _rows_in(self, sql: str, ids: Sequence[Any], batch: int = 500) -> Iterator[sqlite3.Row]:
        """Rows of `sql`, whose `{marks}` is an IN list, over `ids` in batches SQLite accepts."""
        ids = list(ids)
        for i in range(0, len(ids), batch):
            part = ids[i : i + batch]
            yield from self.db.execute(sql.format(marks=_marks(part)), part)

    def chunks_by_id(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        sql = (
            "SELECT c.chunk_id, c.doc_id, c.page_start, c.page_end, c.char_start, c.char_end,"
            " c.text, d.file_name, d.path, d.title, d.publisher, d.published "
            "FROM chunks c JOIN documents d USING(doc_id) WHERE c.chunk_id IN ({marks})"
        )
        return {r["chunk_id"]: dict(r) for r in self._rows_in(sql, ids)}

    def vectors_for(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        rows = self._rows_in("SELECT chunk_id, vector FROM chunks WHERE chunk_id IN ({marks})", ids)
        return {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows}

    def filtered_chunk_ids(self, f: Filters) -> np.ndarray:
        """Ids of the chunks that pass the filters."""
        where, args = self._filter_sql(f)
        rows = self.db.execute(f"SELECT c.chunk_id FROM chunks c JOIN documents d USING(doc_id) WHERE {where}", args)  # noqa: S608
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def _filter_sql(self, f: Filters) -> tuple[str, list[Any]]:
        clauses: list[str] = ["1=1"]
        args: list[Any] = []
        if f.docs:
            parts = []
            for d in f.docs:
                parts.append("(d.file_name = ? OR d.doc_id LIKE ? OR d.title LIKE ? OR d.file_name LIKE ?)")
                args += [d, d.lower() + "%", f"%{d}%", f"%{d}%"]
            clauses.append("(" + " OR ".join(parts) + ")")
        if f.publisher:
            clauses.append("(d.publisher LIKE ? OR d.author LIKE ?)")
            args += [f"%{f.publisher}%", f"%{f.publisher}%"]
        if f.since:
            clauses.append("d.published IS NOT NULL AND d.published >= ?")
            args.append(f.since)
        if f.until:
            clauses.append("d.published IS NOT NULL AND substr(d.published, 1, length(?)) <= ?")
            args += [f.until, f.until]
        if f.on_claims:
            sub, sub_args = _claim_clauses(f)
            clauses.append("EXISTS (SELECT 1 FROM claims cl WHERE cl.chunk_id = c.chunk_id AND " + sub + ")")
            args += sub_args
        return " AND ".join(clauses), args

    def fts_search(self, query: str, limit: int, f: Filters | None = None) -> list[tuple[int, float]]:
        """(chunk_id, bm25) best first; filters applied inside the query, before the limit."""
        match = fts_query(query, self._selective_terms(query_terms(query)))
        if match is None:
            return []
        if f is None or not f.active:
            # no filters: let FTS5 rank alone (its ORDER BY rank LIMIT is optimised), no joins
            sql = "SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?"
            try:
                return [(int(r[0]), float(r[1])) for r in self.db.execute(sql, (match, limit))]
            except sqlite3.OperationalError:
                return []
        where, args = self._filter_sql(f)
        sql = (
            "SELECT c.chunk_id, bm25(chunks_fts) AS s FROM chunks_fts "
            "JOIN chunks c ON c.chunk_id = chunks_fts.rowid JOIN documents d ON d.doc_id = c.doc_id "
            f"WHERE chunks_fts MATCH ? AND {where} ORDER BY s LIMIT ?"  # noqa: S608
        )
        try:
            rows = self.db.execute(sql, [match, *args, limit]).fetchall()
        except sqlite3.OperationalError:
            return []
        return [(int(r[0]), float(r[1])) for r in rows]

    def _selective_terms(self, terms: list[str]) -> list[str]:
        """Drop very common words on a large index; keep at least the two rarest."""
        n = self.chunk_count()
        if n <= PRUNE_ABOVE_CHUNKS or len(terms) <= 2:
            return terms
        df = {t: self._doc_frequency(t) for t in terms}
        keep = [t for t in terms if df[t] <= COMMON_SHARE * n]
        if len(keep) < 2:
            keep = sorted(terms, key=lambda t: df[t])[:2]
        return [t for t in terms if t in keep]

    def _doc_frequency(self, term: str) -> int:
        """Chunks holding a word, from the FTS5 vocabulary (stems approximated by suffixes)."""
        words = term.lower().split("-")
        if len(words) != 1 or not words[0].isalnum():
            return 0  # phrases and codes are selective by nature
        word = words[0]
        stems = {word[: len(word) - len(sfx)] for sfx in _SUFFIXES if word.endswith(sfx) and len(word) - len(sfx) >= 3}
        if not stems:
            return 0
        row = self.db.execute(
            f"SELECT max(doc) FROM chunks_vocab WHERE term IN ({_marks(list(stems))})",  # noqa: S608
            list(stems),
        ).fetchone()
        return int(row[0] or 0)

    # -- claims -------------------------------------------------------------
    def claims(self, f: Filters, limit: int | None = None) -> list[dict[str, Any]]:
        claim_where, args = _claim_clauses(f)
        doc_where, doc_args = self._filter_sql(
            Filters(docs=f.docs, publisher=f.publisher, since=f.since, until=f.until)
        )
        sql = (
            "SELECT cl.*, d.file_name, d.title, d.publisher, d.published, d.path "
            "FROM claims cl JOIN documents d ON d.doc_id = cl.doc_id "
            f"WHERE {claim_where} AND {doc_where} "  # noqa: S608
            "ORDER BY d.published, d.file_name, cl.page_no, cl.char_start, cl.actor, cl.capability"
        )
        args += doc_args
        if limit:
            sql += " LIMIT ?"
            args.append(limit)
        return [dict(r) for r in self.db.execute(sql, args)]

    def claims_since_run(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT cl.*, d.file_name, d.title, d.publisher, d.published FROM claims cl "
            "JOIN documents d ON d.doc_id = cl.doc_id WHERE cl.run_id > ? "
            "ORDER BY cl.actor, cl.capability, d.file_name, cl.page_no, cl.char_start",
            (run_id,),
        )
        return [dict(r) for r in rows]

    # -- status -------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        q = {
            "documents": "SELECT COUNT(*) FROM documents",
            "pages": "SELECT COUNT(*) FROM pages",
            "chunks": "SELECT COUNT(*) FROM chunks",
            "claims": "SELECT COUNT(*) FROM claims",
            "failed_files": "SELECT COUNT(*) FROM files WHERE status = 'failed'",
        }
        return {k: int(self.db.execute(sql).fetchone()[0]) for k, sql in q.items()}

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- briefing queries (pipeline/brief.py) -------------------------------
    def claims_for_chunks(self, chunk_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Claims attached to these chunks, with their document's metadata, in a total order."""
        sql = (
            "SELECT cl.*, d.file_name, d.title, d.publisher, d.published, d.path "
            "FROM claims cl JOIN documents d ON d.doc_id = cl.doc_id WHERE cl.chunk_id IN ({marks})"
        )
        out = [dict(r) for r in self._rows_in(sql, sorted({int(i) for i in chunk_ids}))]
        out.sort(key=lambda r: r["claim_id"])
        return out

    def count_documents(self, f: Filters) -> int:
        """Documents that pass the document-level filters (docs, publisher, dates)."""
        doc_only = Filters(docs=f.docs, publisher=f.publisher, since=f.since, until=f.until)
        where, args = self._filter_sql(doc_only)
        row = self.db.execute(f"SELECT COUNT(*) FROM documents d WHERE {where}", args).fetchone()  # noqa: S608
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


def _claim_clauses(f: Filters) -> tuple[str, list[Any]]:
    """SQL conditions on a claims row `cl` for the claim-level filters, and their arguments."""
    clauses = ["1=1"]
    args: list[Any] = []
    if f.actors:
        clauses.append(f"cl.actor IN ({_marks(f.actors)})")
        args += list(f.actors)
    if f.capabilities:
        clauses.append(f"cl.capability IN ({_marks(f.capabilities)})")
        args += list(f.capabilities)
    if f.ai_enabled:
        clauses.append("cl.ai_enabled = 1")
    if f.likelihood:
        clauses.append("cl.likelihood = ?")
        args.append(f.likelihood)
    return " AND ".join(clauses), args


def _marks(items: Sequence[Any]) -> str:
    return ",".join("?" * len(items)) or "NULL"


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    out: list[str] = []
    buf: list[str] = []
    depth = 0
    for line in sql.strip().splitlines():
        buf.append(line)
        stripped = line.strip().upper()
        if stripped.endswith("BEGIN"):
            depth += 1
        if stripped.startswith("END;"):
            depth -= 1
        if stripped.endswith(";") and depth == 0:
            out.append("\n".join(buf))
            buf = []
    if "".join(buf).strip():
        out.append("\n".join(buf))
    return out
