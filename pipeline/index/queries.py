"""Reads of the index: documents, pages, chunks, vectors, claims, BM25 and filters as SQL."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from pipeline.index.filters import Filters
from pipeline.models import Chunk, Page, PageBlock

_STOPWORDS = frozenset(
    "a an and are as at be by do does did for from how in into is it its of on or that the "
    "their there these this those to was were what when where which who whom why will with "
    "would can could should about against than then they them he she we you i our your".split()
)
# pages.quality below this (share of dictionary words less noise) count as low-quality text
LOW_QUALITY = 0.6
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


class StoreQueries:
    """The read side of Store; `db` is the open connection."""

    db: sqlite3.Connection

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
        """A document's pages with their typed blocks and where their text came from."""
        rows = self.db.execute(
            "SELECT page_no, text, source, ocr_confidence, quality FROM pages WHERE doc_id = ? ORDER BY page_no",
            (doc_id,),
        )
        blocks: dict[int, list[PageBlock]] = {}
        for b in self.db.execute(
            "SELECT page_no, kind, char_start, char_end FROM blocks WHERE doc_id = ? ORDER BY page_no, ord", (doc_id,)
        ):
            blocks.setdefault(int(b[0]), []).append(PageBlock(b[1], int(b[2]), int(b[3])))
        return [
            Page(
                int(r[0]),
                r[1],
                tuple(blocks.get(int(r[0]), ())),
                source=r[2],
                ocr_confidence=r[3],
                quality=r[4],
            )
            for r in rows
        ]

    def page_text(self, doc_id: str, page_no: int) -> str | None:
        row = self.db.execute("SELECT text FROM pages WHERE doc_id = ? AND page_no = ?", (doc_id, page_no)).fetchone()
        return row[0] if row else None

    # -- chunks and vectors -------------------------------------------------
    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def vector_count(self) -> int:
        """Chunks with a vector; the others are without one by design (pipeline/dense.py)."""
        return int(self.db.execute("SELECT COUNT(*) FROM chunks WHERE length(vector) > 0").fetchone()[0])

    def doc_chunks(self, doc_id: str) -> tuple[list[Chunk], list[bool]]:
        """A document's chunks in order, and whether each has a vector."""
        rows = self.db.execute(
            "SELECT ord, text, page_start, page_end, char_start, char_end, n_tokens, length(vector) > 0"
            " FROM chunks WHERE doc_id = ? ORDER BY ord",
            (doc_id,),
        ).fetchall()
        return [Chunk(doc_id, *r[:7]) for r in rows], [bool(r[7]) for r in rows]

    def vector_ids(self) -> set[int]:
        return {int(r[0]) for r in self.db.execute("SELECT chunk_id FROM chunks WHERE length(vector) > 0")}

    def iter_vectors(self, min_seq: int = 0, batch: int = 20000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ids, vectors) of the chunks with a vector and seq > min_seq, in batches."""
        cur = self.db.execute(
            "SELECT chunk_id, vector FROM chunks WHERE seq > ? AND length(vector) > 0 ORDER BY chunk_id", (min_seq,)
        )
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
            " c.text, d.file_name, d.path, d.title, d.publisher, d.published,"
            " EXISTS (SELECT 1 FROM pages p WHERE p.doc_id = c.doc_id AND p.source = 'ocr'"
            " AND p.page_no BETWEEN c.page_start AND c.page_end) AS ocr "
            "FROM chunks c JOIN documents d USING(doc_id) WHERE c.chunk_id IN ({marks})"
        )
        return {r["chunk_id"]: dict(r) for r in self._rows_in(sql, ids)}

    def vectors_for(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        sql = "SELECT chunk_id, vector FROM chunks WHERE chunk_id IN ({marks}) AND length(vector) > 0"
        rows = self._rows_in(sql, ids)
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

    def ocr_pages(self, doc_ids: Iterable[str]) -> dict[str, set[int]]:
        """The OCR'd page numbers of each of these documents (for "p. 12, OCR" in sources)."""
        out: dict[str, set[int]] = {}
        sql = "SELECT doc_id, page_no FROM pages WHERE source = 'ocr' AND doc_id IN ({marks})"
        for r in self._rows_in(sql, list(doc_ids)):
            out.setdefault(r[0], set()).add(int(r[1]))
        return out

    def ocr_summary(self) -> dict[str, Any]:
        """OCR'd pages, the documents they belong to, their mean confidence; low-quality pages."""
        row = self.db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT doc_id), AVG(ocr_confidence) FROM pages WHERE source = 'ocr'"
        ).fetchone()
        low = self.db.execute("SELECT COUNT(*) FROM pages WHERE quality < ?", (LOW_QUALITY,)).fetchone()[0]
        return {
            "pages": int(row[0]),
            "documents": int(row[1]),
            "mean_confidence": round(row[2], 1) if row[2] is not None else None,
            "low_quality_pages": int(low),
        }

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

    def table_columns(self, table: str) -> set[str]:
        """Column names of `table` (empty when it does not exist): features that later migrations add."""
        return {r[0] for r in self.db.execute("SELECT name FROM pragma_table_info(?)", (table,))}

    def page_blocks(self, doc_id: str, page_no: int) -> list[tuple[int, int, str]]:
        """(char_start, char_end, kind) of the parser's blocks on a page (index with a blocks table)."""
        rows = self.db.execute(
            "SELECT char_start, char_end, kind FROM blocks WHERE doc_id = ? AND page_no = ? ORDER BY char_start",
            (doc_id, page_no),
        )
        return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]

    def count_documents(self, f: Filters) -> int:
        """Documents that pass the document-level filters (docs, publisher, dates)."""
        doc_only = Filters(docs=f.docs, publisher=f.publisher, since=f.since, until=f.until)
        where, args = self._filter_sql(doc_only)
        row = self.db.execute(f"SELECT COUNT(*) FROM documents d WHERE {where}", args).fetchone()  # noqa: S608
        return int(row[0])


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
