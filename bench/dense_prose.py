"""What embedding only prose chunks (`embed_blocks = "prose"`) saves and costs, on a built index.

    .venv/bin/python bench/dense_prose.py --index /tmp/tb_full_index [--embed-docs 8]

The index (built with `embed_blocks = "all"`, or any index whose chunks all have vectors)
is only read. For every stored chunk, pipeline.dense decides from the page's typed blocks
whether it would get a vector; the script then reports

- chunks and word pieces embedded under each mode (the title header included, as ingest
  embeds it);
- retrieval on eval/queries.jsonl (eval/retrieval.py's metrics) with the full dense index
  and with the vectors of the chunks "prose" leaves out removed from it: same chunks, same
  BM25, so the difference is the dense side alone;
- with --embed-docs N, the CPU seconds of embedding the texts of N documents under each
  mode with the real model (the cost ingest pays).

Writes bench/results/dense_prose.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import REPO, cpu_seconds, machine, write_result

sys.path.insert(0, str(REPO / "eval"))

import retrieval  # noqa: E402  (eval/retrieval.py: the metrics)

from pipeline.dense import embed_mask  # noqa: E402
from pipeline.embed.model import count_tokens  # noqa: E402
from pipeline.index.health import open_index  # noqa: E402
from pipeline.models import Chunk, DocumentMeta  # noqa: E402
from pipeline.prepare import embedding_texts  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402


def stored_documents(settings: Any) -> list[tuple[DocumentMeta, list[Chunk], list[bool]]]:
    """Each document's meta, chunks and the "prose" mask, from the index."""
    out = []
    with open_index(settings) as store:
        for d in store.documents():
            meta = DocumentMeta(d["doc_id"], d["path"], d["file_name"], d["size_bytes"], d["page_count"], d["title"])
            rows = store.db.execute(
                "SELECT ord, text, page_start, page_end, char_start, char_end, n_tokens FROM chunks"
                " WHERE doc_id = ? ORDER BY ord",
                (meta.doc_id,),
            )
            chunks = [Chunk(meta.doc_id, *r) for r in rows]
            out.append((meta, chunks, embed_mask(chunks, store.pages(meta.doc_id), "prose")))
    return out


def token_figures(docs: list[tuple[DocumentMeta, list[Chunk], list[bool]]]) -> dict[str, Any]:
    texts, mask = [], []
    for meta, chunks, m in docs:
        texts += embedding_texts(meta, chunks)
        mask += m
    tokens = count_tokens(texts)
    keep = np.array(mask, dtype=bool)
    all_tokens = int(sum(tokens))
    prose_tokens = int(sum(t for t, k in zip(tokens, mask, strict=True) if k))
    return {
        "chunks": len(texts),
        "chunks_embedded_prose": int(keep.sum()),
        "chunks_without_vector": int((~keep).sum()),
        "tokens_all": all_tokens,
        "tokens_prose": prose_tokens,
        "tokens_saved_share": round(1 - prose_tokens / all_tokens, 4) if all_tokens else 0.0,
    }


def retrieval_figures(settings: Any, left_out: np.ndarray, k: int) -> dict[str, Any]:
    """eval/retrieval.py's summary with all vectors, then without those of `left_out`."""
    from pipeline.index.search import Searcher

    queries = retrieval.load_queries(retrieval.DEFAULT_QUERIES)
    searcher = Searcher.open(settings)
    out: dict[str, Any] = {}
    try:
        for mode in ("all", "prose"):
            if mode == "prose":
                searcher.index.remove(left_out)
            hits = {
                q.text: [retrieval.Hit(h.doc, h.page_start, h.page_end) for h in searcher.search(q.text, k=k)]
                for q in queries
            }
            scores = retrieval.score_all(queries, hits, k)
            out[mode] = {
                "vectors": searcher.index.ntotal,
                "summary": retrieval.summarise(scores),
                "first_ranks": {s.id: s.first_rank for s in scores},
            }
    finally:
        searcher.close()
    changed = {
        qid: [rank, out["prose"]["first_ranks"][qid]]
        for qid, rank in out["all"]["first_ranks"].items()
        if rank != out["prose"]["first_ranks"][qid]
    }
    return {mode: {"vectors": v["vectors"], "summary": v["summary"]} for mode, v in out.items()} | {
        "changed_first_ranks": changed
    }


def embed_figures(docs: list[tuple[DocumentMeta, list[Chunk], list[bool]]], n_docs: int) -> dict[str, Any]:
    """CPU seconds to embed the texts of the first n_docs documents, all chunks vs prose chunks."""
    from pipeline.embed.model import get_embedder

    embedder = get_embedder("minilm", batch_size=32)
    sample = docs[:n_docs]
    texts_all: list[str] = []
    texts_prose: list[str] = []
    for meta, chunks, mask in sample:
        texts = embedding_texts(meta, chunks)
        texts_all += texts
        texts_prose += [t for t, keep in zip(texts, mask, strict=True) if keep]
    embedder.embed_batch(texts_all[:32])  # warm-up
    out: dict[str, Any] = {"documents": len(sample)}
    for mode, texts in (("all", texts_all), ("prose", texts_prose)):
        cpu0, t0 = cpu_seconds()["self"], time.perf_counter()
        embedder.embed_batch(texts)
        out[mode] = {
            "chunks": len(texts),
            "tokens": int(sum(count_tokens(texts))),
            "cpu_s": round(cpu_seconds()["self"] - cpu0, 1),
            "wall_s": round(time.perf_counter() - t0, 1),
        }
    out["cpu_saved_share"] = round(1 - out["prose"]["cpu_s"] / out["all"]["cpu_s"], 4) if out["all"]["cpu_s"] else 0
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", type=Path, default=Path("/tmp/tb_full_index"), help="a built index (read only)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--embed-docs", type=int, default=0, help="documents to embed both ways (0: skip)")
    p.add_argument("--out", type=Path, default=None, help="[default: bench/results/dense_prose.json]")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    settings = load_settings(index_dir=args.index)
    docs = stored_documents(settings)
    left_out = np.array(
        [c.chunk_id for _, chunks, mask in docs for c, keep in zip(chunks, mask, strict=True) if not keep],
        dtype=np.int64,
    )
    result: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join([".venv/bin/python", "bench/dense_prose.py", *(argv or sys.argv[1:])]),
        "tokens": token_figures(docs),
        "retrieval": retrieval_figures(settings, left_out, args.k),
    }
    if args.embed_docs:
        result["embed"] = embed_figures(docs, args.embed_docs)
    t, r = result["tokens"], result["retrieval"]
    print(
        f"chunks {t['chunks']}: {t['chunks_without_vector']} without a vector under 'prose'; "
        f"word pieces embedded {t['tokens_all']} -> {t['tokens_prose']} (-{100 * t['tokens_saved_share']:.1f}%)"
    )
    for metric in retrieval.METRICS:
        a, b = r["all"]["summary"]["overall"][metric], r["prose"]["summary"]["overall"][metric]
        print(f"  {metric:<11} all {a:.3f}  prose {b:.3f}")
    print(f"  first-rank changes (all -> prose): {r['changed_first_ranks'] or 'none'}")
    if "embed" in result:
        e = result["embed"]
        print(
            f"embed CPU on {e['documents']} documents: {e['all']['cpu_s']} s ({e['all']['chunks']} chunks) -> "
            f"{e['prose']['cpu_s']} s ({e['prose']['chunks']} chunks), -{100 * e['cpu_saved_share']:.1f}% "
            f"(word pieces {e['all']['tokens']} -> {e['prose']['tokens']})"
        )
    path = write_result("dense_prose", result, args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
