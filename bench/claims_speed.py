"""Claim extraction over the corpus page texts (pdfplumber text cached in /tmp): words/s, the
share of a measured ingest wall time, and warm `tag` latency per sentence.

    python bench/claims_speed.py [--ingest-wall SECONDS]   # e.g. the wall time from bench/ingest.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.claims.extract import extract_claims_pages, load_nlp, tag_text  # noqa: E402
from pipeline.models import Page  # noqa: E402
from pipeline.text import split_sentences  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CACHE = Path("/tmp/tb_claims_pages")


def corpus_pages(corpus: Path) -> dict[str, list[Page]]:
    """Page texts of every PDF, extracted once with pdfplumber and cached as JSON."""
    import pdfplumber

    CACHE.mkdir(exist_ok=True)
    out: dict[str, list[Page]] = {}
    for pdf in sorted(corpus.glob("*.pdf")):
        cached = CACHE / f"{pdf.name}.json"
        if not cached.exists():
            with pdfplumber.open(pdf) as doc:
                rows = [{"page": i + 1, "text": p.extract_text() or ""} for i, p in enumerate(doc.pages)]
            cached.write_text(json.dumps(rows))
        out[pdf.name] = [Page(r["page"], r["text"]) for r in json.loads(cached.read_text())]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--ingest-wall", type=float, help="ingest wall time (s) of the same corpus without claims")
    parser.add_argument("--limit", type=int, help="only the first N documents")
    args = parser.parse_args()
    docs = corpus_pages(args.corpus)
    if args.limit:
        docs = dict(list(docs.items())[: args.limit])
    n_pages = sum(len(p) for p in docs.values())
    n_words = sum(len(p.text.split()) for pages in docs.values() for p in pages)
    n_sents = sum(len(split_sentences(p.text)) for pages in docs.values() for p in pages)
    t0 = time.perf_counter()
    load_nlp()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_claims = sum(len(extract_claims_pages(pages, name)) for name, pages in docs.items())
    secs = time.perf_counter() - t0
    print(f"docs={len(docs)} pages={n_pages} words={n_words} sentences={n_sents} claims={n_claims}")
    print(f"model load {t_load:.2f} s (once)")
    print(f"extraction {secs:.2f} s  {n_words / secs:,.0f} words/s  {n_sents / secs:,.0f} sentences/s")
    if args.ingest_wall:
        share = secs / (args.ingest_wall + secs)
        print(f"claims share of ingest: {share:.1%} (ingest without claims {args.ingest_wall:.1f} s)")
    samples = [p.text[s:e] for pages in docs.values() for p in pages for s, e in split_sentences(p.text)][::97][:200]
    wall = tag_latency(samples)["wall_ms"]
    print(
        f"tag warm: {wall['sentences']} sentences, median {wall['median']:.1f} ms, "
        f"p95 {wall['p95']:.1f} ms, max {wall['max']:.1f} ms"
    )


def tag_latency(samples: list[str]) -> dict[str, dict[str, float]]:
    """Warm `tag_text` per sentence (the first call warms the pipeline and heads): median, p95 and max
    milliseconds of wall time, and of this process's CPU time (what an idle machine's wall time would be)."""
    tag_text(samples[0])
    wall, cpu = [], []
    for s in samples:
        t1, c1 = time.perf_counter(), time.process_time()
        tag_text(s)
        wall.append(1000 * (time.perf_counter() - t1))
        cpu.append(1000 * (time.process_time() - c1))

    def summary(ms: list[float]) -> dict[str, float]:
        ms = sorted(ms)
        return {
            "sentences": len(ms),
            "median": round(ms[len(ms) // 2], 1),
            "p95": round(ms[int(len(ms) * 0.95)], 1),
            "max": round(ms[-1], 1),
        }

    return {"wall_ms": summary(wall), "cpu_ms": summary(cpu)}


if __name__ == "__main__":
    main()
