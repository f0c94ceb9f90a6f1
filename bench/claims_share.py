"""The claim extractor's share of a real ingest on a few corpus documents, and warm `tag` latency.

    python bench/claims_share.py [--corpus ../shared/corpus] [--docs 4] [--sentences 200]

Ingests the chosen PDFs (every n-th file of the corpus, so each layout has a chance) into a fresh
index through pipeline.ingest with the real model, reads the per-stage seconds the run reports,
and prints claims seconds / ingest wall. Then times `tag_text` on sentences of the same
documents' stored pages after one warm-up call: median, p95 and max per sentence, wall and
CPU time (the CPU figure is what an idle machine's wall time would be; a shared one inflates wall).
Writes bench/results/claims_share.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
RESULTS = Path(__file__).resolve().parent / "results"


def pick(corpus: Path, n: int) -> list[Path]:
    # absolute paths: the PDFs are symlinked from a temporary folder, where a relative target breaks
    pdfs = sorted(corpus.resolve().glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"claims_share: no PDF in {corpus}")
    step = max(1, len(pdfs) // n)
    return pdfs[::step][:n]


def run(corpus: Path, docs: int, n_sentences: int) -> dict[str, Any]:
    from claims_speed import tag_latency

    from pipeline.embed.model import get_embedder
    from pipeline.ingest import ingest
    from pipeline.settings import load_settings
    from pipeline.text import split_sentences

    work = Path(tempfile.mkdtemp(prefix="tb_claims_share_"))
    try:
        src = work / "pdfs"
        src.mkdir()
        chosen = pick(corpus, docs)
        for pdf in chosen:
            (src / pdf.name).symlink_to(pdf)
        settings = load_settings(index_dir=work / "index")
        embedder = get_embedder("minilm")
        t0 = time.perf_counter()
        report = ingest([src], settings, embedder=embedder)
        wall = time.perf_counter() - t0
        secs = dict(report.seconds)
        with sqlite3.connect(settings.db_path) as con:
            texts = [row[0] for row in con.execute("SELECT text FROM pages ORDER BY doc_id, page_no")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sentences = [t[s:e] for t in texts for s, e in split_sentences(t)]
    step = max(1, len(sentences) // n_sentences)
    sample = sentences[::step][:n_sentences]
    latency = tag_latency(sample)
    return {
        "docs": [p.name for p in chosen],
        "pages": report.pages,
        "claims": report.claims,
        "ingest_wall_s": round(wall, 2),
        "stage_seconds": {k: round(v, 2) for k, v in secs.items()},
        "claims_share_of_ingest": round(secs.get("claims", 0.0) / wall, 3),
        "tag_warm_ms": latency["wall_ms"],
        "tag_warm_cpu_ms": latency["cpu_ms"],  # CPU time of this process: an idle machine's wall time
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--docs", type=int, default=4)
    parser.add_argument("--sentences", type=int, default=200)
    args = parser.parse_args()
    res = run(args.corpus, args.docs, args.sentences)
    print(json.dumps(res, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "claims_share.json").write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
