"""Ingest and query figures for threatbrief on a real corpus, against the bare-model bound.

    .venv/bin/python bench/ingest.py --corpus /work/shared/corpus [--index /tmp/tb_bench_index]

Steps, all through the library with the real model: a fresh ingest (claims on when
pipeline.claims.extract exists) timed per stage; the bare sentence-transformers encode of the same
chunk texts at the same batch size (the bound: ingest wall / bare embed wall); no-op re-runs;
warm Searcher.search latency over 100 eval queries; cold `threatbrief search` processes, start
to first result, with the NumPy query path (default) and the old torch path. Prints the
figures and writes bench/results/ingest.json. The index is left in place for eval/retrieval.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    REPO,
    VENV_BIN,
    cpu_seconds,
    eval_queries,
    machine,
    offline_env,
    peak_rss_mb,
    summary_ms,
    time_to_first_line,
    write_result,
)

# The pre-NumPy cold path: the CLI with Searcher.embed_query going through sentence-transformers.
TORCH_CLI = (
    "import sys\n"
    "import pipeline.index.search as s\n"
    "from pipeline.embed.model import get_embedder\n"
    "def embed_query(self, q):\n"
    "    self.embedder = self.embedder or get_embedder('minilm')\n"
    "    return self.embedder.embed_batch([q])[0]\n"
    "s.Searcher.embed_query = embed_query\n"
    "from pipeline.cli import app\n"
    "app(sys.argv[1:], prog_name='threatbrief')\n"
)


def fresh_ingest(corpus: Path, index: Path, batch_size: int) -> dict[str, Any]:
    from pipeline.embed.model import get_embedder
    from pipeline.ingest import ingest
    from pipeline.settings import load_settings

    if index.exists():
        shutil.rmtree(index)
    settings = load_settings(index_dir=index, embed_batch_size=batch_size)
    t0 = time.perf_counter()
    embedder = get_embedder("minilm", batch_size=batch_size)
    model_load_s = time.perf_counter() - t0
    claims_on = importlib.util.find_spec("pipeline.claims.extract") is not None
    tagger = None if claims_on else (lambda doc: [])
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    report = ingest([corpus], settings, embedder=embedder, tagger=tagger)
    wall = time.perf_counter() - t0
    cpu1 = cpu_seconds()
    rss = peak_rss_mb()  # now, before the cold-search children join RUSAGE_CHILDREN
    if report.failed:
        print(f"warning: {len(report.failed)} files failed: {report.failed[:3]}", file=sys.stderr)
    pages = report.pages
    sec = report.seconds
    stages = {
        # parse runs in child processes beside the main loop; parse_wait is what the loop waited
        "parse_wait": sec.get("parse_wait", 0.0),
        "chunk": sec.get("chunk", 0.0),
        "embed": sec.get("embed", 0.0),
        "claims": sec.get("claims", 0.0),
        "index": sec.get("store", 0.0) + sec.get("index", 0.0),
    }
    cpu_self = cpu1["self"] - cpu0["self"]
    cpu_kids = cpu1["children"] - cpu0["children"]
    return {
        "embedder": embedder,
        "settings": settings,
        "files": len(report.new) + report.unchanged,
        "pages": pages,
        "chunks": report.chunks,
        "embed_blocks": settings.embed_blocks,
        "claims": report.claims,
        "claims_on": claims_on,
        "failed": len(report.failed),
        "model_load_s": round(model_load_s, 2),
        "wall_s": round(wall, 2),
        "pages_per_s": round(pages / wall, 2),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "stage_pages_per_s": {k: round(pages / v, 1) if v else None for k, v in stages.items()},
        "report_seconds": {k: round(v, 2) for k, v in sec.items()},
        "cpu_s": {"self": round(cpu_self, 1), "children": round(cpu_kids, 1)},
        "cpu_utilisation": round((cpu_self + cpu_kids) / wall, 2),
        "peak_rss_mb": rss,
    }


def bare_embed(embedder: Any, index: Path, batch_size: int) -> dict[str, Any]:
    """The bound: sentence-transformers encode of the texts ingest embedded, nothing else.

    Only chunks stored with a vector count: with embed_blocks = "prose" (the default) a chunk
    wholly of footnote, references, toc or boilerplate text has none (pipeline/dense.py).
    """
    import sqlite3
    from types import SimpleNamespace

    try:
        from pipeline.ingest import embedding_texts  # title header + chunk, as ingest embeds
    except ImportError:

        def embedding_texts(meta: Any, chunks: Any) -> list[str]:
            return [c.text for c in chunks]

    db = sqlite3.connect(index / "threatbrief.db")
    docs = db.execute("SELECT doc_id, title, file_name FROM documents ORDER BY doc_id").fetchall()
    texts: list[str] = []
    for doc_id, title, file_name in docs:
        chunks = [
            SimpleNamespace(text=r[0])
            for r in db.execute(
                "SELECT text FROM chunks WHERE doc_id = ? AND length(vector) > 0 ORDER BY ord", (doc_id,)
            )
        ]
        texts += embedding_texts(SimpleNamespace(title=title, file_name=file_name), chunks)
    db.close()
    model = embedder._model  # the same SentenceTransformer the ingest used
    cpu0 = cpu_seconds()["self"]
    t0 = time.perf_counter()
    model.encode(
        texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    wall = time.perf_counter() - t0
    cpu = cpu_seconds()["self"] - cpu0
    return {
        "chunks": len(texts),  # the chunks with a vector
        "batch_size": batch_size,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 1),
        "chunks_per_s": round(len(texts) / wall, 1),
    }


def noop_reruns(corpus: Path, settings: Any, embedder: Any, files: int, runs: int) -> dict[str, Any]:
    from pipeline.ingest import ingest

    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = ingest([corpus], settings, embedder=embedder)
        walls.append(time.perf_counter() - t0)
        assert not report.new and not report.replaced, "a no-op re-run indexed something"
    med = statistics.median(walls)
    return {
        "runs": runs,
        "files": files,
        "wall_s_median": round(med, 4),
        "ms_per_file": round(med * 1000 / max(files, 1), 3),
        "walls_s": [round(w, 4) for w in walls],
    }


def warm_queries(settings: Any, embedder: Any | None, n: int) -> dict[str, Any]:
    from pipeline.index.search import Searcher

    queries = [q["query"] for q in eval_queries()]
    searcher = Searcher.open(settings, embedder=embedder)
    try:
        searcher.search(queries[0])  # loads the query embedder
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            searcher.search(queries[i % len(queries)], k=10)
            times.append(time.perf_counter() - t0)
        embed_times = []
        for q in queries:
            t0 = time.perf_counter()
            searcher.embed_query(q)
            embed_times.append(time.perf_counter() - t0)
    finally:
        searcher.close()
    return {**summary_ms(times), "embed_only": summary_ms(embed_times)}


def cold_search(index: Path, runs: int, torch_path: bool) -> dict[str, Any]:
    query = "Kimsuky spear-phishing of South Korean think tanks"
    args = ["search", query, "--index", str(index), "--json", "-k", "10"]
    if torch_path:
        cmd = [str(VENV_BIN / "python"), "-c", TORCH_CLI, *args]
    else:
        cmd = [str(VENV_BIN / "threatbrief"), *args]
    walls = []
    for _ in range(runs):
        wall, first = time_to_first_line(cmd, env=offline_env())
        if not json.loads(first):
            raise RuntimeError("cold search returned no hits")
        walls.append(wall)
    return {
        "runs": runs,
        "median_s": round(statistics.median(walls), 3),
        "walls_s": [round(w, 3) for w in walls],
        "command": " ".join([*cmd[:1], *(["-c", "<torch CLI shim>"] if torch_path else []), *args]),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    where = machine()
    print(f"fresh ingest of {args.corpus} into {args.index} ...", file=sys.stderr, flush=True)
    ing = fresh_ingest(args.corpus, args.index, args.batch_size)
    embedder, settings = ing.pop("embedder"), ing.pop("settings")
    print(f"  {ing['pages']} pages in {ing['wall_s']} s; bare embed ...", file=sys.stderr, flush=True)
    bare = bare_embed(embedder, args.index, args.batch_size)
    print("  no-op re-runs, warm and cold queries ...", file=sys.stderr, flush=True)
    noop = noop_reruns(args.corpus, settings, embedder, ing["files"], args.noop_runs)
    warm = warm_queries(settings, None, args.queries)
    warm_torch = warm_queries(settings, embedder, args.queries)
    cold = cold_search(args.index, args.cold_runs, torch_path=False)
    cold_torch = cold_search(args.index, args.cold_torch_runs, torch_path=True) if args.cold_torch_runs else None
    return {
        "machine": where,
        "command": " ".join([".venv/bin/python", "bench/ingest.py", *sys.argv[1:]]),
        "corpus": str(args.corpus),
        "index": str(args.index),
        "ingest": ing,
        "bare_embed": bare,
        "ingest_over_bare_embed": round(ing["wall_s"] / bare["wall_s"], 2),
        # CPU seconds are what the work costs whatever else the machine runs
        "ingest_cpu_over_bare_embed_cpu": round((ing["cpu_s"]["self"] + ing["cpu_s"]["children"]) / bare["cpu_s"], 2),
        "noop": noop,
        "warm_query": warm,
        "warm_query_torch_embedder": warm_torch,
        "cold_search": cold,
        "cold_search_torch": cold_torch,
    }


def render(r: dict[str, Any]) -> str:
    i, b = r["ingest"], r["bare_embed"]
    lines = [
        f"ingest: {i['files']} files, {i['pages']} pages, {i['chunks']} chunks, {i['claims']} claims "
        f"(claims {'on' if i['claims_on'] else 'off'}) in {i['wall_s']} s = {i['pages_per_s']} pages/s",
        f"  stages (s): {i['stage_seconds']}",
        f"  stages (pages/s): {i['stage_pages_per_s']}",
        f"  CPU: self {i['cpu_s']['self']} s + children {i['cpu_s']['children']} s = "
        f"{i['cpu_utilisation']}x wall; peak RSS MB {i['peak_rss_mb']} (self, largest parse child)",
        f"bare embed of the same {b['chunks']} chunks: {b['wall_s']} s ({b['chunks_per_s']} chunks/s)",
        f"  ingest wall / bare embed wall = {r['ingest_over_bare_embed']}; "
        f"CPU-seconds ratio {r['ingest_cpu_over_bare_embed_cpu']} (bare CPU {b['cpu_s']} s)",
        f"no-op re-run: {r['noop']['ms_per_file']} ms/file (median of {r['noop']['runs']})",
        f"warm query (NumPy query embedder): p50 {r['warm_query']['p50_ms']} ms, "
        f"p95 {r['warm_query']['p95_ms']} ms; embed only p50 {r['warm_query']['embed_only']['p50_ms']} ms",
        f"warm query (torch query embedder): p50 {r['warm_query_torch_embedder']['p50_ms']} ms, "
        f"p95 {r['warm_query_torch_embedder']['p95_ms']} ms",
        f"cold search (NumPy): median {r['cold_search']['median_s']} s {r['cold_search']['walls_s']}",
    ]
    if r["cold_search_torch"]:
        ct = r["cold_search_torch"]
        lines.append(f"cold search (torch, before): median {ct['median_s']} s {ct['walls_s']}")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, required=True, help="folder of PDFs")
    p.add_argument(
        "--index",
        type=Path,
        default=Path("/tmp/tb_bench_index"),
        help="index folder, deleted and rebuilt [default: /tmp/tb_bench_index]",
    )
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--queries", type=int, default=100, help="warm queries to time")
    p.add_argument("--noop-runs", type=int, default=5)
    p.add_argument("--cold-runs", type=int, default=5)
    p.add_argument("--cold-torch-runs", type=int, default=3, help="0 skips the old torch path")
    p.add_argument("--out", type=Path, default=None, help="[default: bench/results/ingest.json]")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.corpus.is_dir():
        print(f"Error: corpus folder {args.corpus} does not exist", file=sys.stderr)
        return 1
    result = run(args)
    path = write_result("ingest", result, args.out)
    print(render(result))
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
