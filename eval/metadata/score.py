"""Score parse_pdf's metadata against eval/metadata/gold.tsv, with no catalogue file.

For each gold row the PDF is parsed with ``pipeline.parse.parse_pdf`` (which never reads
catalogue.tsv / MANIFEST.tsv: that override happens later, in ingest), and compared:

* title      -- correct when the normalised strings (NFKC, lowercase, letters and digits
                only) are equal, or when one equals the other's main title (the part
                before the first ": "), since covers set subtitles apart;
* publisher  -- the canonical name equals the gold name;
* kind       -- the publisher kind equals the gold kind;
* date       -- `exact`: equal; `compatible`: one is a prefix of the other (gold "2015",
                parsed "2015-06-12"); `year`: same year; rows with an empty gold date count
                as correct only when nothing was found;
* doc_number -- the sets of normalised identifiers (split at "; ") overlap; rows with no
                gold number count as correct only when nothing was found.

Usage (from the repository root):
    python eval/metadata/score.py [--corpus DIR] [--verbose] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from pipeline.errors import ParseError  # noqa: E402
from pipeline.parse import parse_pdf  # noqa: E402

DEFAULT_CORPUS = "/work/shared/corpus"
FIELDS = ("title", "publisher", "kind", "date", "doc_number")


def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "").lower()
    return "".join(ch for ch in s if ch.isalnum())


def title_ok(got: str | None, gold: str) -> bool:
    g, t = norm(gold), norm(got)
    if not t:
        return not g
    main_gold = norm(gold.split(": ")[0])
    main_got = norm((got or "").split(": ")[0])
    return t == g or t == main_gold or main_got == g


def date_grades(got: str | None, gold: str) -> dict[str, bool]:
    got = got or ""
    if not gold:
        return {"exact": not got, "compatible": not got, "year": not got}
    return {
        "exact": got == gold,
        "compatible": bool(got) and (got.startswith(gold) or gold.startswith(got)),
        "year": got[:4] == gold[:4],
    }


def numbers_ok(got: str | None, gold: str) -> bool:
    def split(v: str | None) -> set[str]:
        return {norm(x) for x in re.split(r";\s*", v or "") if norm(x)}

    g, t = split(gold), split(got)
    return not t if not g else bool(g & t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--gold", default=os.path.join(HERE, "gold.tsv"))
    ap.add_argument("--verbose", action="store_true", help="print each miss")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with open(args.gold, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    hits = {k: 0 for k in ("title", "publisher", "kind", "date_exact", "date_compatible", "date_year", "doc_number")}
    n = 0
    for row in rows:
        path = os.path.join(args.corpus, row["file"])
        if not os.path.exists(path):
            print(f"warning: missing {row['file']}", file=sys.stderr)
            continue
        n += 1
        try:
            meta = parse_pdf(path).meta
            got = {
                "title": meta.title,
                "publisher": meta.publisher,
                "kind": getattr(meta, "publisher_kind", None),  # absent before the field existed
                "date": meta.published,
                "doc_number": getattr(meta, "doc_number", None),
            }
        except ParseError as exc:  # image-only scans: nothing to read without OCR
            got = {k: None for k in FIELDS}
            got["title"] = f"<{exc.reason}>"
        ok = {
            "title": title_ok(got["title"], row["title"]),
            "publisher": norm(got["publisher"]) == norm(row["publisher"]),
            "kind": (got["kind"] or "") == row["kind"],
            "doc_number": numbers_ok(got["doc_number"], row["doc_number"]),
        }
        for grade, value in date_grades(got["date"], row["date"]).items():
            ok[f"date_{grade}"] = value
        for k, v in ok.items():
            hits[k] += int(v)
        if args.verbose:
            for k in ("title", "publisher", "kind", "date_compatible", "doc_number"):
                field = k.split("_")[0] if k.startswith("date") else k
                if not ok[k]:
                    print(f"{row['file'][:50]:50} {field:10} got={got[field]!r:.70} gold={row[field]!r:.70}")
    print(f"{n} reports, catalogue hidden")
    for k, v in hits.items():
        print(f"  {k:16} {v:3d}/{n}  {100.0 * v / n:5.1f}%")
    if args.json:
        print(json.dumps({"reports": n, **{k: v / n for k, v in hits.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
