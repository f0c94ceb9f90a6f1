"""Warm hybrid query latency at ~100k chunks, end to end through Searcher.search.

    .venv/bin/python bench/query.py --source /tmp/tb_bench_index [--chunks 100000]

Builds a real threatbrief index (SQLite + FTS5 + FAISS generation) of about `--chunks`
chunks by copying the documents of an ingested corpus index under new doc ids, each copy's
vectors jittered and renormalised so that dense ties do not flatter the search, and the
chunk texts kept (so BM25 posting lists grow as they would). Then times 100 eval queries
through Searcher.search (NumPy query embedder, flat FAISS, FTS5, RRF, row fetch) and the
parts. Writes bench/results/query.json.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from common import REPO, eval_queries, machine, rss_mb, summary_ms, write_result


def build(source: Path, target: Path, n_chunks: int, seed: int) -> dict[str, Any]:
    from pipeline.index import vectors
    from pipeline.index.store import Store
    from pipeline.models import Chunk, DocumentMeta
    from pipeline.settings import load_settings

    rng = np.random.default_rng(seed)
    src = Store(source / "threatbrief.db", readonly=True)
    docs = src.documents()
    per_doc = []
    for d in docs:
        rows = src.db.execute(
            "SELECT ord, text, page_start, page_end, char_start, char_end, n_tokens, vector "
            "FROM chunks WHERE doc_id = ? ORDER BY ord",
            (d["doc_id"],),
        ).fetchall()
        per_doc.append((d, src.pages(d["doc_id"]), rows))
    src_chunks = sum(len(r) for _, _, r in per_doc)
    copies = max(1, round(n_chunks / src_chunks))
    settings = load_settings(index_dir=target)
    t0 = time.perf_counter()
    with Store(settings.db_path) as store:
        for key in ("model_id", "dimension"):
            store.set_meta(key, src.get_meta(key) or "")
        for c in range(copies):
            with store.transaction():
                for d, pages, rows in per_doc:
                    doc_id = hashlib.sha256(f"{d['doc_id']}:{c}".encode()).hexdigest()
                    meta = DocumentMeta(
                        doc_id=doc_id,
                        path=f"/copies/{c}/{d['file_name']}",
                        file_name=f"c{c}_{d['file_name']}",
                        size_bytes=d["size_bytes"],
                        page_count=d["page_count"],
                        title=d["title"],
                        publisher=d["publisher"],
                        published=d["published"],
                    )
                    chunks = [Chunk(doc_id, r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]
                    vecs = np.frombuffer(b"".join(r[7] for r in rows), dtype=np.float32).reshape(len(rows), -1)
                    if c:
                        vecs = vecs + rng.normal(0, 0.02, vecs.shape).astype(np.float32)
                        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
                    store.insert_document(meta, [replace(p) for p in pages], chunks, vecs, [], None)
        insert_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        vi = vectors.rebuild_from_store(store, 384, settings.flat_index_max)
        vectors.commit(store, settings.vectors_dir, vi)
        index_s = time.perf_counter() - t1
        total = store.chunk_count()
        kind = vi.kind
    src.close()
    db_mb = settings.db_path.stat().st_size / 2**20
    return {
        "chunks": total,
        "copies": copies,
        "kind": kind,
        "insert_s": round(insert_s, 1),
        "index_build_s": round(index_s, 1),
        "db_mb": round(db_mb, 1),
    }


def time_queries(index: Path, n: int) -> dict[str, Any]:
    from pipeline.index.search import Searcher
    from pipeline.settings import load_settings

    queries = [q["query"] for q in eval_queries()]
    rss0 = rss_mb()
    t0 = time.perf_counter()
    searcher = Searcher.open(load_settings(index_dir=index))
    open_s = time.perf_counter() - t0
    rss_open = rss_mb()
    try:
        searcher.search(queries[0])
        total, embed, dense, sparse = [], [], [], []
        for i in range(n):
            q = queries[i % len(queries)]
            t = time.perf_counter()
            searcher.search(q, k=10)
            total.append(time.perf_counter() - t)
        for q in queries:  # the parts, one eval pass
            t = time.perf_counter()
            v = searcher.embed_query(q)
            embed.append(time.perf_counter() - t)
            t = time.perf_counter()
            searcher.index.search(v, 50)
            dense.append(time.perf_counter() - t)
            t = time.perf_counter()
            searcher.store.fts_search(q, 50)
            sparse.append(time.perf_counter() - t)
    finally:
        searcher.close()
    return {
        "warm_query": summary_ms(total),
        "parts": {"embed": summary_ms(embed), "dense_faiss": summary_ms(dense), "sparse_fts5": summary_ms(sparse)},
        "open_s": round(open_s, 2),
        "rss_mb": {
            "before_open": round(rss0, 1),
            "after_open": round(rss_open, 1),
            "after_queries": round(rss_mb(), 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--source", type=Path, default=Path("/tmp/tb_bench_index"), help="an ingested corpus index to copy from"
    )
    p.add_argument("--chunks", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--keep", type=Path, default=None, help="build here and keep it")
    p.add_argument("--out", type=Path, default=None, help="[default: bench/results/query.json]")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    if not (args.source / "threatbrief.db").is_file():
        print(f"Error: no index at {args.source}; run bench/ingest.py first", file=sys.stderr)
        return 1
    where = machine()
    target = args.keep or Path(tempfile.mkdtemp(prefix="tb_query_bench_"))
    try:
        if target.exists():
            shutil.rmtree(target)
        built = build(args.source, target, args.chunks, seed=0)
        timed = time_queries(target, args.queries)
    finally:
        if args.keep is None:
            shutil.rmtree(target, ignore_errors=True)
    result = {
        "machine": where,
        "command": " ".join([".venv/bin/python", "bench/query.py", *sys.argv[1:]]),
        "chunks": built["chunks"],
        "build": built,
        **timed,
    }
    path = write_result("query", result, args.out)
    w, parts = timed["warm_query"], timed["parts"]
    print(
        f"{built['chunks']} chunks ({built['kind']} index, {built['db_mb']} MB SQLite), "
        f"built in {built['insert_s']} s + {built['index_build_s']} s"
    )
    print(f"warm Searcher.search: p50 {w['p50_ms']} ms, p95 {w['p95_ms']} ms over {w['n']} queries")
    print("  parts p50: " + ", ".join(f"{k} {v['p50_ms']} ms" for k, v in parts.items()))
    print(f"  open {timed['open_s']} s; RSS {timed['rss_mb']} MB")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
