#!/usr/bin/env python3
"""Verification, prose and scope figures of `threatbrief brief --json` over the rubric questions.

    python eval/briefs/brief_stats.py --index DIR [--topics eval/briefs/topics.jsonl]

For each question: quotes shown (judgments, evidence, conflicts), how many the independent
extraction verified, how many are marked unverifiable, candidate sentences left out by reason,
judgments about actors the rubric excludes, and seconds per briefing (warm, in process).
A quote counts as non-prose here by a check that is not the briefing's own: it does not end
a sentence, or holds dot leaders, table pipes or a URL.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
_NOT_PROSE = re.compile(r"\.{4,}|\s\|\s|https?://|www\.")
_ENDS = re.compile(r"[.!?][\"”’)\]]?(?:\[?\d{1,3}\]?)?$")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--topics", type=Path, default=HERE / "topics.jsonl")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent.parent))
    from pipeline.brief.build import build_briefing
    from pipeline.index.filters import Filters
    from pipeline.index.search import Searcher
    from pipeline.settings import Settings

    topics = [json.loads(line) for line in args.topics.read_text(encoding="utf-8").splitlines() if line.strip()]
    searcher = Searcher.open(Settings(index_dir=args.index))
    searcher.embed_query("warm up")
    total: dict[str, float] = {}
    print("topic  quotes  verified  unverif  non-prose  dropped(not-independent/non-prose/other)  excl-j  s")
    for t in topics:
        t0 = time.perf_counter()
        b = build_briefing(searcher, t["question"], Filters(), today="2026-01-01").to_json()
        secs = time.perf_counter() - t0
        quotes = [j["quote"] for j in b["judgments"]] + list(b["evidence"])
        quotes += [q for c in b["conflicts"] for q in (c["a"], c["b"])]
        verified = sum(q["verification"] == "verified" for q in quotes)
        unverifiable = sum(q["verification"].startswith("unverifiable") for q in quotes)
        non_prose = sum(bool(_NOT_PROSE.search(q["text"])) or not _ENDS.search(q["text"]) for q in quotes)
        d = b["dropped"]
        other = sum(v for k, v in d.items() if k not in ("not_independent", "non_prose"))
        excl = set(t.get("excluded_actors", []))
        excl_j = sum(j["actor"] in excl for j in b["judgments"])
        row = {
            "quotes": len(quotes),
            "verified": verified,
            "unverifiable": unverifiable,
            "non_prose": non_prose,
            "not_independent": d.get("not_independent", 0),
            "dropped_non_prose": d.get("non_prose", 0),
            "other": other,
            "excl_j": excl_j,
            "seconds": secs,
        }
        for k, v in row.items():
            total[k] = max(total.get(k, 0.0), v) if k == "seconds" else total.get(k, 0.0) + v
        print(
            f"{t['id']:<5}  {len(quotes):>6}  {verified:>8}  {unverifiable:>7}  {non_prose:>9}  "
            f"{row['not_independent']:>6} / {row['dropped_non_prose']:>3} / {other:>3}{'':>26}  {excl_j:>6}  {secs:.2f}"
        )
    searcher.close()
    print(
        f"TOTAL  {int(total['quotes']):>6}  {int(total['verified']):>8}  {int(total['unverifiable']):>7}  "
        f"{int(total['non_prose']):>9}  {int(total['not_independent']):>6} / {int(total['dropped_non_prose']):>3} / "
        f"{int(total['other']):>3}{'':>26}  {int(total['excl_j']):>6}  max {total['seconds']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
