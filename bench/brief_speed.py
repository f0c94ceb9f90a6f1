"""Briefing speed over an index: warm (model loaded, in process) and cold (a new CLI process).

python bench/brief_speed.py /tmp/tb_full_index ["TOPIC"] [--runs 3] [--topics eval/briefs/topics.jsonl]

With --topics, every question of the rubric is also timed warm (the figure the issue's
3-second target is about); the briefing includes re-reading each quoted page from its PDF.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOPIC = "How do China and Russia use cyber operations and influence campaigns against the United States?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("index", type=Path)
    ap.add_argument("topic", nargs="?", default=TOPIC)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--topics", type=Path, help='a JSONL file of {"question": ...}: time each warm')
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    from pipeline.brief.build import build_briefing, render_markdown
    from pipeline.index.filters import Filters
    from pipeline.index.search import Searcher
    from pipeline.settings import Settings

    cold = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "brief",
                args.topic,
                "--index",
                str(args.index),
                "--date",
                "2000-01-01",
            ],
            capture_output=True,
            text=True,
            cwd=str(ROOT),
            env={**os.environ},
        )
        cold.append(time.perf_counter() - t0)
        if proc.returncode:
            sys.exit(f"brief failed: {proc.stderr.strip()}")
    searcher = Searcher.open(Settings(index_dir=args.index))
    searcher.embed_query("warm up")
    warm = []
    sizes = set()
    for _ in range(args.runs):
        t0 = time.perf_counter()
        md = render_markdown(build_briefing(searcher, args.topic, Filters(), today="2000-01-01"))
        warm.append(time.perf_counter() - t0)
        sizes.add(len(md))
    per_topic = []
    if args.topics:
        for line in args.topics.read_text(encoding="utf-8").splitlines():
            if line.strip():
                question = json.loads(line)["question"]
                t0 = time.perf_counter()
                build_briefing(searcher, question, Filters(), today="2000-01-01")
                per_topic.append(time.perf_counter() - t0)
    searcher.close()
    print(f"index {args.index}: {len(md.splitlines())} lines, identical runs: {len(sizes) == 1}")
    if per_topic:
        print(
            f"warm  {len(per_topic)} questions    median {statistics.median(per_topic):.2f} s  "
            f"max {max(per_topic):.2f} s"
        )
    print(f"warm  (model loaded)  median {statistics.median(warm):.2f} s  max {max(warm):.2f} s")
    print(f"cold  (new process)   median {statistics.median(cold):.2f} s  max {max(cold):.2f} s")


if __name__ == "__main__":
    main()
