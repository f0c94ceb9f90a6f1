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
    tag_text(samples[0])
    t0 = time.perf_counter()
    times = []
    for s in samples:
        t1 = time.perf_counter()
        tag_text(s)
        times.append(time.perf_counter() - t1)
    times.sort()
    print(
        f"tag warm: {len(samples)} sentences, median {1000 * times[len(times) // 2]:.1f} ms, "
        f"p95 {1000 * times[int(len(times) * 0.95)]:.1f} ms, max {1000 * times[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
