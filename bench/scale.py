"""Vector index memory, build time, latency and recall@10 at 100k and 1M chunks.

    .venv/bin/python bench/scale.py [--sizes 100000 1000000] [--data random clustered]

Synthetic 384-d float32 unit vectors go through pipeline.index.vectors.VectorIndex with the
index type the tool picks at that size (kind_for with Settings.flat_index_max), with
metadata rows in a temp SQLite fetched for each query's hits so a query pays what a real
one does. Per size and data set: index memory (faiss serialized size and RSS delta), build
time, p50 query latency (one query at a time) and recall@10 against exact search, swept
over efSearch for HNSW. `random` (uniform on the sphere) is the hardest case for ANN
recall; `clustered` (a mixture of gaussians) is closer to text embeddings.
--force-kind hnsw measures HNSW below flat_index_max too; --factory SPEC measures any faiss
index_factory string (e.g. SQfp16, SQ8, IVF4096,SQ8) as a candidate for pipeline.index.vectors.
Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import REPO, machine, rss_mb, summary_ms, write_result

DIM = 384
K = 10
N_QUERIES = 200
EF_SWEEP = (64, 96, 128, 192, 256, 384, 512)


def make_data(kind: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(base vectors, query vectors), unit length, float32; queries are not in the base."""
    if kind == "random":

        def draw(m: int) -> np.ndarray:
            return rng.standard_normal((m, DIM), dtype=np.float32)
    else:
        centres = rng.standard_normal((max(100, n // 1000), DIM), dtype=np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)

        def draw(m: int) -> np.ndarray:
            # spread chosen so a point's cosine to its centre is ~0.6, like topic clusters
            out = np.empty((m, DIM), dtype=np.float32)
            for s in range(0, m, 100_000):
                e = min(m, s + 100_000)
                pick = rng.integers(0, len(centres), e - s)
                out[s:e] = centres[pick] + rng.standard_normal((e - s, DIM), dtype=np.float32) * 0.07
            return out

    base = draw(n)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    queries = draw(N_QUERIES)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return base, queries


def exact_top(base: np.ndarray, queries: np.ndarray) -> np.ndarray:
    import faiss

    flat = faiss.IndexFlatIP(DIM)
    flat.add(base)
    _, ids = flat.search(queries, K)
    return ids


def metadata_db(folder: Path, n: int) -> sqlite3.Connection:
    """n chunk rows (ids, doc, pages, ~300 chars of text), as the chunks table would hold."""
    db = sqlite3.connect(folder / "meta.db")
    db.execute(
        "CREATE TABLE chunks(chunk_id INTEGER PRIMARY KEY, doc_id TEXT, page_start INT, page_end INT, text TEXT)"
    )
    text = "state-sponsored intrusion set targeting think tanks and ministries " * 4
    db.executemany(
        "INSERT INTO chunks VALUES (?,?,?,?,?)", ((i, f"doc{i // 500:06d}", i % 40, i % 40 + 1, text) for i in range(n))
    )
    db.commit()
    return db


def recall(found: list[list[int]], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t.tolist())) / K for f, t in zip(found, truth, strict=True)]))


def measure(
    n: int, data: str, force_kind: str | None, folder: Path, seed: int, factory: str | None = None
) -> dict[str, Any]:
    import faiss

    from pipeline.index import vectors
    from pipeline.settings import Settings

    rng = np.random.default_rng(seed)
    base, queries = make_data(data, n, rng)
    truth = exact_top(base, queries)
    db = metadata_db(folder, n)
    kind = force_kind or vectors.kind_for(n, Settings().flat_index_max)
    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    if factory:
        kind = f"factory:{factory}"
        inner = faiss.index_factory(DIM, factory, faiss.METRIC_INNER_PRODUCT)
        if not inner.is_trained:
            inner.train(base[rng.choice(n, min(n, 100_000), replace=False)])
        if hasattr(inner, "nprobe"):
            inner.nprobe = 64
        vi = vectors.VectorIndex(DIM, "flat", faiss.IndexIDMap2(inner))
    else:
        vi = vectors.VectorIndex(DIM, kind)
    ids = np.arange(n, dtype=np.int64)
    for s in range(0, n, 20_000):  # the batches rebuild_from_store uses
        vi.add(ids[s : s + 20_000], base[s : s + 20_000])
    build_s = time.perf_counter() - t0
    rss_delta = rss_mb() - rss0
    path = folder / "index.faiss"
    faiss.write_index(vi.index, str(path))
    index_mb = path.stat().st_size / 2**20
    path.unlink()

    def run_queries(ef: int | None) -> tuple[float, dict[str, float]]:
        found, times = [], []
        for q in queries:
            t = time.perf_counter()
            if ef is None:
                hits = vi.search(q, K)
            else:
                _, got = vi.index.search(q.reshape(1, -1), K, params=faiss.SearchParametersHNSW(efSearch=ef))
                hits = [(int(i), 0.0) for i in got[0] if i >= 0]
            rows = db.execute(
                f"SELECT chunk_id, doc_id, page_start, text FROM chunks WHERE chunk_id "
                f"IN ({','.join('?' * len(hits))})",
                [h[0] for h in hits],
            ).fetchall()
            times.append(time.perf_counter() - t)
            assert len(rows) == len(hits)
            found.append([h[0] for h in hits])
        return recall(found, truth), summary_ms(times)

    rec, lat = run_queries(None)
    row: dict[str, Any] = {
        "n": n,
        "data": data,
        "kind": kind,
        "index_class": type(faiss.downcast_index(vi.index.index)).__name__,
        "build_s": round(build_s, 1),
        "index_mb": round(index_mb, 1),
        "rss_delta_mb": round(rss_delta, 1),
        "rss_mb": round(rss_mb(), 1),
        "recall_at_10": round(rec, 4),
        "query": lat,
    }
    if kind == "hnsw":
        sweep = []
        for ef in EF_SWEEP:
            r, lat_ef = run_queries(ef)
            sweep.append({"ef_search": ef, "recall_at_10": round(r, 4), "p50_ms": lat_ef["p50_ms"]})
        row["ef_sweep"] = sweep
    db.close()
    gc.collect()
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--data", nargs="+", choices=("random", "clustered"), default=["random", "clustered"])
    p.add_argument("--force-kind", choices=("flat", "hnsw"), default=None)
    p.add_argument("--factory", default=None, help="a faiss index_factory string to measure instead")
    p.add_argument("--out", type=Path, default=None, help="[default: bench/results/scale.json]")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    import faiss

    from pipeline.index import vectors

    where = machine()
    runs: list[dict[str, Any]] = []

    def save() -> Path:  # after every row, so a long 1M run that is stopped keeps the rest
        return write_result(
            "scale",
            {
                "machine": dict(where),
                "command": " ".join([".venv/bin/python", "bench/scale.py", *sys.argv[1:]]),
                "faiss": faiss.__version__,
                "hnsw_m": vectors.HNSW_M,
                "hnsw_ef_search": vectors.HNSW_EF_SEARCH,
                "hnsw_ef_construction": vectors.HNSW_EF_CONSTRUCTION,
                "runs": runs,
            },
            args.out,
        )

    for n in args.sizes:
        for data in args.data:
            with tempfile.TemporaryDirectory(prefix="tb_scale_") as tmp:
                print(f"{n} {data} ...", file=sys.stderr, flush=True)
                row = measure(n, data, args.force_kind, Path(tmp), seed=n, factory=args.factory)
            runs.append(row)
            save()
            print(
                f"{n:>8} {data:<9} {row['kind']:<5} {row['index_class']:<14} build {row['build_s']} s, "
                f"index {row['index_mb']} MB (RSS +{row['rss_delta_mb']} MB), "
                f"recall@10 {row['recall_at_10']}, p50 {row['query']['p50_ms']} ms",
                flush=True,
            )
            for s in row.get("ef_sweep", []):
                print(
                    f"{'':>10} efSearch {s['ef_search']:>4}: recall@10 {s['recall_at_10']}, p50 {s['p50_ms']} ms",
                    flush=True,
                )
    path = save()
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
