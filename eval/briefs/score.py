#!/usr/bin/env python3
"""Score threatbrief briefings (and top-k search hits) against the rubric in topics.jsonl.

Usage:
    python eval/briefs/score.py --index DIR [--topic t01 ...] [--brief-dir DIR]
                                [--save-briefs DIR] [--json] [-v]

For every topic the script
  * gets the briefing Markdown: <brief-dir>/<id>.md if it exists, otherwise
    `threatbrief brief QUESTION --index DIR` (stdout);
  * extracts the quoted evidence: lines starting with "> " (blockquotes), text
    between curly quotes “ and ” elsewhere in the body, and the body cells of
    Markdown tables (the "Conflicting statements" tables quote sources too);
  * runs `threatbrief search QUESTION -k 20 --json --index DIR`;
  * counts rubric points covered by the quotes and by the hit texts (a point is
    covered when every term of one of its `match` alternatives occurs in one
    quote / one hit, case-insensitively, whitespace-normalised);
  * counts points whose evidence pages are cited by the briefing / returned by
    search, must_not hits, number of quotes, and judgments about excluded
    actors (from `threatbrief brief --json` when that exists, else from the
    Markdown "Key judgments" list).

Standard library only.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# --------------------------------------------------------------------------- text helpers

_TRANS = {
    0xFFFE: "-",  # pdfium marks soft line-break hyphens with U+FFFE
    0x00AD: "",  # soft hyphen
    0x2010: "-",
    0x2011: "-",
    0x2018: "'",
    0x2019: "'",
    0x201C: '"',
    0x201D: '"',
    0x00A0: " ",
    0x200B: "",
}


def norm(s: str) -> str:
    """Lower-case, unify hyphen/quote variants, collapse whitespace."""
    return re.sub(r"\s+", " ", s.translate(_TRANS)).strip().lower()


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def md_unescape(s: str) -> str:
    return _MD_ESCAPE.sub(r"\1", s)


_CITE_TAIL = re.compile(r"(\s*\[\d+\])+\s*$")
_CURLY = re.compile(r"\u201c(.+?)\u201d", re.S)
_ACTOR_HEAD = re.compile(r"^###\s+(.*?)\s*\(([A-Z]{3})\)\s*$")


def parse_brief(md: str) -> dict:
    """Extract quotes, citations and key judgments from a briefing's Markdown."""
    lines = html.unescape(md_unescape(md)).splitlines()
    quotes: list[dict] = []  # {"text", "section", "actor"}
    section = ""  # current '## ' heading (lower-case)
    actor = None  # ISO code from the current '### Name (XXX)' heading
    judgments: list[dict] = []
    sources: dict[str, tuple[str, int | None]] = {}
    block: list[str] = []
    in_table_rows = -1  # -1: not in a table; otherwise index of row in table

    def flush_block():
        if block:
            txt = _CITE_TAIL.sub("", " ".join(block)).strip()
            if txt:
                quotes.append({"text": txt, "section": section, "actor": actor, "kind": "blockquote"})
            block.clear()

    for raw in lines:
        line = raw.rstrip()
        if line.lstrip().startswith(">"):  # a blockquote, also one indented inside a list item
            block.append(line.lstrip().lstrip(">").strip())
            continue
        flush_block()
        if line.startswith("## "):
            section = line[3:].strip().lower()
            actor = None
            in_table_rows = -1
            continue
        if line.startswith("### "):
            m = _ACTOR_HEAD.match(line)
            actor = m.group(2) if m else None
            in_table_rows = -1
            continue
        if not section:  # title / scope / method header: the topic itself is in curly quotes
            continue
        if section.startswith("source"):
            # the file name may be a code span: `name.pdf`, p. 3
            m = re.match(r"^\s*-\s*\[(\d+)\].*?([\w.\-]+\.pdf)`?(?:,\s*pp?\.\s*(\d+))?", line)
            if m:
                sources[m.group(1)] = (m.group(2), int(m.group(3)) if m.group(3) else None)
            continue
        if section.startswith("key judgment"):
            m = re.match(r"^\s*\d+\.\s+(.*)$", line)
            if m:
                codes = re.findall(r"\(([A-Z]{3})\)", m.group(1))
                judgments.append({"text": m.group(1), "actors": codes})
            continue
        if line.startswith("|"):
            in_table_rows += 1
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if in_table_rows == 0 or all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
                continue  # header or separator row
            for c in cells:
                c = _CITE_TAIL.sub("", c).strip()
                if len(c) > 15:
                    quotes.append({"text": c, "section": section, "actor": actor, "kind": "table"})
            continue
        in_table_rows = -1
        if section.startswith("timeline"):
            continue
        for m in _CURLY.finditer(line):
            quotes.append({"text": m.group(1).strip(), "section": section, "actor": actor, "kind": "curly"})
    flush_block()
    # de-duplicate identical quote texts (a quote may be repeated under two headings)
    seen, uniq = set(), []
    for q in quotes:
        k = (norm(q["text"]), q["actor"])
        if k not in seen:
            seen.add(k)
            uniq.append(q)
    cited = {v for v in sources.values()}
    return {
        "quotes": uniq,
        "judgments": judgments,
        "cited": cited,
        "has_gaps_section": any(ln.lower().startswith("## gap") for ln in lines),
    }


def alt_matches(alt: list[str], text_n: str) -> bool:
    return all(norm(t) in text_n for t in alt)


def covered(point: dict, texts_n: list[str]) -> bool:
    return any(alt_matches(alt, t) for alt in point["match"] for t in texts_n)


def mustnot_hits(must_not: list[dict], texts_n: list[str], target: str) -> list[dict]:
    """must_not patterns hit by the texts; an entry with applies_to ("brief" or
    "search") is only checked against that target."""
    out = []
    for i, t in enumerate(texts_n):
        for mn in must_not:
            if mn.get("applies_to", target) != target:
                continue
            if any(alt_matches(alt, t) for alt in mn["match"]):
                out.append({"index": i, "why": mn["why"], "text": t[:160]})
                break
    return out


# --------------------------------------------------------------------------- CLI runner


def find_bin(explicit: str | None) -> str:
    for c in (explicit, os.environ.get("THREATBRIEF_BIN"), str(REPO / ".venv" / "bin" / "threatbrief")):
        if c and Path(c).exists():
            return c
    w = shutil.which("threatbrief")
    if w:
        return w
    sys.exit("score.py: cannot find the threatbrief CLI (use --bin or THREATBRIEF_BIN)")


def run(cmd: list[str], timeout: int) -> tuple[int, str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return 124, "", f"timeout after {timeout}s"


def json_judgments(obj) -> list[list[str]] | None:
    """Find judgment-like lists in the brief JSON; return actor codes per judgment."""
    found: list[list[str]] = []
    hit = False

    def codes_of(item) -> list[str]:
        out: list[str] = []
        if isinstance(item, dict):
            for k, v in item.items():
                kl = k.lower()
                if kl in (
                    "actor",
                    "actors",
                    "actor_code",
                    "actor_codes",
                    "state",
                    "states",
                    "country",
                    "countries",
                    "iso",
                ):
                    vals = v if isinstance(v, list) else [v]
                    for x in vals:
                        if isinstance(x, str) and re.fullmatch(r"[A-Z]{3}", x):
                            out.append(x)
                        elif isinstance(x, dict):
                            out += [y for y in x.values() if isinstance(y, str) and re.fullmatch(r"[A-Z]{3}", y)]
        return out

    def walk(o):
        nonlocal hit
        if isinstance(o, dict):
            for k, v in o.items():
                if "judg" in k.lower() and isinstance(v, list):
                    hit = True
                    found.extend(codes_of(it) for it in v)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(obj)
    return found if hit else None


def score_topic(t: dict, args, tb: str) -> dict:
    q = t["question"]
    res: dict = {
        "id": t["id"],
        "question": q,
        "points": len(t["points"]),
        "partial": bool(t.get("partial")),
        "errors": [],
    }
    # ---- briefing
    md = None
    src = None
    if args.brief_dir:
        f = Path(args.brief_dir) / f"{t['id']}.md"
        if f.exists():
            md, src = f.read_text(encoding="utf-8"), str(f)
    if md is None:
        rc, out, err = run([tb, "brief", q, "--index", args.index], args.timeout)
        if rc != 0:
            res["errors"].append(f"brief rc={rc}: {err.strip()[-300:]}")
            out = ""
        md, src = out, "cli"
        if args.save_briefs and out:
            Path(args.save_briefs).mkdir(parents=True, exist_ok=True)
            (Path(args.save_briefs) / f"{t['id']}.md").write_text(out, encoding="utf-8")
    res["brief_source"] = src
    pb = parse_brief(md)
    qtexts = [norm(x["text"]) for x in pb["quotes"]]
    excl = set(t.get("excluded_actors", []))
    res["n_quotes"] = len(qtexts)
    res["brief_covered"] = [p["id"] for p in t["points"] if covered(p, qtexts)]
    cited = pb["cited"]
    res["brief_cites_evidence"] = [
        p["id"] for p in t["points"] if any((e["doc"], e["page"]) in cited for e in p["evidence"])
    ]
    mn = mustnot_hits(t.get("must_not", []), qtexts, "brief")
    res["brief_must_not"] = len(mn)
    res["brief_must_not_examples"] = mn[:5]
    res["excluded_quotes"] = sum(1 for x in pb["quotes"] if x["actor"] in excl)
    res["has_gaps_section"] = pb["has_gaps_section"]
    # judgments about excluded actors: JSON first, Markdown fallback
    res["excluded_judgments"] = None
    res["judgments_source"] = None
    if not args.no_brief_json:
        rc, out, _ = run([tb, "brief", q, "--json", "--index", args.index], args.timeout)
        if rc == 0 and out.strip():
            try:
                data = json.loads(out)
                js = json_judgments(data)
                ev = data.get("evidence") if isinstance(data, dict) else None
                if isinstance(ev, list) and all(isinstance(x, dict) and "text" in x for x in ev):
                    res["excluded_quotes"] = sum(1 for x in ev if x.get("actor") in excl)  # flat, actor on each quote
                if js is not None:
                    res["n_judgments"] = len(js)
                    res["excluded_judgments"] = sum(1 for c in js if excl & set(c))
                    res["judgments_source"] = "json"
            except json.JSONDecodeError:
                pass
    if res["judgments_source"] is None and pb["judgments"]:
        res["n_judgments"] = len(pb["judgments"])
        res["excluded_judgments"] = sum(1 for j in pb["judgments"] if excl & set(j["actors"]))
        res["judgments_source"] = "markdown"
    # ---- search
    res["search_covered"] = []
    res["search_hits_evidence"] = []
    res["search_must_not"] = None
    if not args.no_search:
        rc, out, err = run([tb, "search", q, "-k", str(args.k), "--json", "--index", args.index], args.timeout)
        hits = []
        if rc == 0:
            try:
                data = json.loads(out)
                hits = data.get("results", data.get("hits", [])) if isinstance(data, dict) else data
            except json.JSONDecodeError as e:
                res["errors"].append(f"search json: {e}")
        else:
            res["errors"].append(f"search rc={rc}: {err.strip()[-300:]}")
        htexts = [norm(html.unescape(h.get("text") or h.get("snippet") or h.get("passage") or "")) for h in hits]
        res["n_hits"] = len(hits)
        res["search_covered"] = [p["id"] for p in t["points"] if covered(p, htexts)]
        pages = set()
        for h in hits:
            s = h.get("page_start", h.get("page"))
            e = h.get("page_end", s)
            if isinstance(s, int):
                pages.update((h.get("doc"), pg) for pg in range(s, (e if isinstance(e, int) else s) + 1))
        res["search_hits_evidence"] = [
            p["id"] for p in t["points"] if any((e["doc"], e["page"]) in pages for e in p["evidence"])
        ]
        res["search_must_not"] = len(mustnot_hits(t.get("must_not", []), htexts, "search"))
    res["missing_in_brief"] = [p["id"] for p in t["points"] if p["id"] not in res["brief_covered"]]
    res["missing_in_search"] = [p["id"] for p in t["points"] if p["id"] not in res["search_covered"]]
    return res


def fmt_table(rows: list[dict], show_search: bool) -> str:
    hdr = ["topic", "pts", "brief", "b-cite", "quotes", "b-mn", "excl-j", "excl-q"]
    if show_search:
        hdr += ["search", "s-page", "s-mn"]
    out = [hdr]
    tot = {k: 0 for k in ("pts", "brief", "bcite", "quotes", "bmn", "exj", "exq", "search", "spage", "smn")}
    for r in rows:
        exj = r["excluded_judgments"]
        row = [
            r["id"] + ("*" if r["partial"] else ""),
            str(r["points"]),
            f"{len(r['brief_covered'])}",
            f"{len(r['brief_cites_evidence'])}",
            str(r["n_quotes"]),
            str(r["brief_must_not"]),
            "-" if exj is None else str(exj),
            str(r["excluded_quotes"]),
        ]
        tot["pts"] += r["points"]
        tot["brief"] += len(r["brief_covered"])
        tot["bcite"] += len(r["brief_cites_evidence"])
        tot["quotes"] += r["n_quotes"]
        tot["bmn"] += r["brief_must_not"]
        tot["exj"] += exj or 0
        tot["exq"] += r["excluded_quotes"]
        if show_search:
            row += [str(len(r["search_covered"])), str(len(r["search_hits_evidence"])), str(r["search_must_not"])]
            tot["search"] += len(r["search_covered"])
            tot["spage"] += len(r["search_hits_evidence"])
            tot["smn"] += r["search_must_not"] or 0
        out.append(row)
    total = [
        "TOTAL",
        str(tot["pts"]),
        f"{tot['brief']} ({100 * tot['brief'] / max(1, tot['pts']):.0f}%)",
        str(tot["bcite"]),
        str(tot["quotes"]),
        str(tot["bmn"]),
        str(tot["exj"]),
        str(tot["exq"]),
    ]
    if show_search:
        total += [
            f"{tot['search']} ({100 * tot['search'] / max(1, tot['pts']):.0f}%)",
            str(tot["spage"]),
            str(tot["smn"]),
        ]
    out.append(total)
    w = [max(len(r[i]) for r in out) for i in range(len(hdr))]
    lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(r)) for r in out]
    lines.insert(1, "  ".join("-" * x for x in w))
    lines.insert(len(lines) - 1, "  ".join("-" * x for x in w))
    return "\n".join(lines)


LEGEND = """\
pts     rubric points            brief   points covered by the briefing's quotes
b-cite  points whose evidence page the briefing cites   quotes  quotes extracted
b-mn    quotes hitting a must_not pattern               excl-j  key judgments about excluded actors
excl-q  quotes about an excluded actor (JSON) or under its heading  search  points covered by top-k hit texts
s-page  points whose evidence page is among the hits    s-mn    hits matching a must_not pattern
*       topic the corpus answers only partly (see "gaps" in topics.jsonl)"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=os.environ.get("THREATBRIEF_INDEX", str(REPO / "index")))
    ap.add_argument("--topics", default=str(HERE / "topics.jsonl"))
    ap.add_argument("--topic", action="append", help="only this topic id (repeatable)")
    ap.add_argument("--brief-dir", help="read <id>.md from here instead of running `threatbrief brief`")
    ap.add_argument("--save-briefs", help="write the generated Markdown briefings to this folder")
    ap.add_argument("-k", type=int, default=20, help="search hits to score (default 20)")
    ap.add_argument("--no-search", action="store_true", help="skip the search half")
    ap.add_argument("--no-brief-json", action="store_true", help="do not try `threatbrief brief --json`")
    ap.add_argument("--bin", help="path to the threatbrief CLI")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("-v", "--verbose", action="store_true", help="list missed points and must_not examples")
    args = ap.parse_args(argv)

    topics = [json.loads(line) for line in Path(args.topics).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.topic:
        want = set(args.topic)
        topics = [t for t in topics if t["id"] in want]
        if not topics:
            sys.exit(f"no topic among {sorted(want)}")
    tb = find_bin(args.bin)
    rows = []
    for t in topics:
        r = score_topic(t, args, tb)
        rows.append(r)
        if not args.json:
            print(
                f"[{r['id']}] brief {len(r['brief_covered'])}/{r['points']}"
                + ("" if args.no_search else f"  search {len(r['search_covered'])}/{r['points']}")
                + f"  quotes {r['n_quotes']}"
                + (f"  ERR {r['errors']}" if r["errors"] else ""),
                file=sys.stderr,
            )
    if args.json:
        pts = sum(r["points"] for r in rows)
        totals = {
            "points": pts,
            "brief_covered": sum(len(r["brief_covered"]) for r in rows),
            "brief_cites_evidence": sum(len(r["brief_cites_evidence"]) for r in rows),
            "search_covered": sum(len(r["search_covered"]) for r in rows),
            "search_hits_evidence": sum(len(r["search_hits_evidence"]) for r in rows),
            "quotes": sum(r["n_quotes"] for r in rows),
            "brief_must_not": sum(r["brief_must_not"] for r in rows),
            "search_must_not": sum(r["search_must_not"] or 0 for r in rows),
            "excluded_judgments": sum(r["excluded_judgments"] or 0 for r in rows),
            "excluded_quotes": sum(r["excluded_quotes"] for r in rows),
        }
        json.dump({"index": args.index, "k": args.k, "topics": rows, "totals": totals}, sys.stdout, indent=1)
        print()
        return 0
    print(fmt_table(rows, not args.no_search))
    print()
    print(LEGEND)
    if args.verbose:
        byid = {t["id"]: t for t in topics}
        for r in rows:
            print(f"\n== {r['id']}: {r['question']}")
            pts = {p["id"]: p for p in byid[r["id"]]["points"]}
            for pid in r["missing_in_brief"]:
                tag = "also missing in search" if pid in r["missing_in_search"] else "found by search"
                print(f"  brief misses {pid} ({tag}): {pts[pid]['point']}")
            for ex in r["brief_must_not_examples"]:
                print(f"  must_not [{ex['why']}]: {ex['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
