"""The index on disk and how it is read.

store.py    SQLite (WAL): the only place SQL is written; migrations, FTS5
schema.py   the append-only migrations
vectors.py  FAISS as crash-safe generations with a checksum
search.py   hybrid retrieval: dense + BM25, reciprocal rank fusion, filters first
filters.py  the filter model shared by search, claims and briefings
status.py   what `threatbrief status` reports
"""
