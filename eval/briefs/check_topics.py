#!/usr/bin/env python3
"""Sanity-check topics.jsonl against the PDFs (needs pypdfium2, e.g. the project venv).

    .venv/bin/python eval/briefs/check_topics.py [--corpus /work/shared/corpus]

For every point: each cited page exists, and at least one `match` alternative
has all its terms in one sentence of a cited page (so a verbatim quote of that
page can cover the point). Alternatives that only co-occur across sentences
are listed as warnings. For every must_not alternative: the documents it
occurs in (to spot a pattern that would also hit legitimate evidence).
Exit status 1 if a point cannot be covered from its own evidence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from score import norm  # noqa: E402  (same normalisation as the scorer)

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--topics", default=str(HERE / "topics.jsonl"))
    ap.add_argument("--must-not-docs", action="store_true", help="also list where must_not patterns occur (slow)")
    args = ap.parse_args()
    import pypdfium2  # imported here so `score.py` stays standard-library only

    cache: dict[str, list[str]] = {}

    def pages(doc: str) -> list[str]:
        if doc not in cache:
            pdf = pypdfium2.PdfDocument(str(Path(args.corpus) / doc))
            cache[doc] = [norm(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
        return cache[doc]

    def sentences(text: str) -> list[str]:
        return re.split(r"(?<=[.!?])\s+", text)

    bad = 0
    topics = [json.loads(line) for line in Path(args.topics).read_text(encoding="utf-8").splitlines() if line.strip()]
    for t in topics:
        ids = [p["id"] for p in t["points"]]
        if len(set(ids)) != len(ids):
            print(f"{t['id']}: duplicate point ids")
            bad += 1
        for p in t["points"]:
            ok = False
            for alt in p["match"]:
                terms = [norm(x) for x in alt]
                in_sent = in_page = False
                for ev in p["evidence"]:
                    pg = pages(ev["doc"])
                    if not 1 <= ev["page"] <= len(pg):
                        print(f"{p['id']}: {ev['doc']} has no page {ev['page']}")
                        bad += 1
                        continue
                    txt = pg[ev["page"] - 1]
                    in_page |= all(x in txt for x in terms)
                    in_sent |= any(all(x in s for x in terms) for s in sentences(txt))
                ok |= in_sent
                if not in_sent:
                    print(f"warn {p['id']} {alt}: {'same page, not one sentence' if in_page else 'not on cited pages'}")
            if not ok:
                print(f"FAIL {p['id']}: no alternative is satisfiable from one sentence of its evidence")
                bad += 1
        if args.must_not_docs:
            docs = sorted(x.name for x in Path(args.corpus).glob("*.pdf"))
            for mn in t.get("must_not", []):
                for alt in mn["match"]:
                    terms = [norm(x) for x in alt]
                    hit = [d for d in docs if any(all(x in s for x in terms) for pg in pages(d) for s in sentences(pg))]
                    print(f"{t['id']} must_not {alt}: {len(hit)} docs {hit[:3]}")
    n_pts = sum(len(t["points"]) for t in topics)
    print(f"{len(topics)} topics, {n_pts} points, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
