"""The index's SQLite schema as append-only migrations (m001_..., each applied once, recorded)."""

from __future__ import annotations

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
    (
        "m003_blocks",
        """
        CREATE TABLE blocks(
            doc_id TEXT NOT NULL, page_no INTEGER NOT NULL, ord INTEGER NOT NULL,
            kind TEXT NOT NULL, char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            PRIMARY KEY(doc_id, page_no, ord)) WITHOUT ROWID;
        ALTER TABLE documents ADD COLUMN publisher_kind TEXT;
        ALTER TABLE documents ADD COLUMN doc_number TEXT;
        """,
    ),
    (
        "m004_page_source",
        """
        ALTER TABLE pages ADD COLUMN source TEXT NOT NULL DEFAULT 'text';
        ALTER TABLE pages ADD COLUMN ocr_confidence REAL;
        ALTER TABLE pages ADD COLUMN quality REAL;
        """,
    ),
    (
        # the claims model (pipeline/claims/identity.py) that decided each document's claims;
        # NULL for claims written before the column or by a tagger without an identity: stale
        "m005_claims_model",
        """
        ALTER TABLE documents ADD COLUMN claims_model TEXT;
        """,
    ),
]


def statements(sql: str) -> list[str]:
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
