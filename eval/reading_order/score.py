"""Score threatbrief's page text against the hand-verified reading-order gold.

For every gold page (eval/reading_order/gold-*.jsonl) the PDF is parsed with
``pipeline.parse.parse_pdf``, the stored page text is split with the project's
sentence splitter, and stored sentences of >= 8 words are checked:

* intact   -- its normalised form equals the normalised form of a gold
              sentence (body or other);
* in order -- among intact sentences that match *body* sentences, those on the
              longest increasing subsequence of gold body indices.  Intact
              "other" sentences (footnotes, captions, sidebars) count as in
              order wherever they appear.

precision = (intact and in order) / (stored sentences >= 8 words), micro-
averaged over sentences per layout and overall; recall = share of gold body
sentences of >= 8 words found intact among the stored sentences.

If parsed pages carry a ``blocks`` attribute (objects with ``.kind`` and
``.start``/``.end`` offsets into the page text), gold table rows whose
normalised text falls inside a block of kind "body" are counted (should be 0).

Usage (from the repository root):
    python eval/reading_order/score.py [--layout L] [--verbose] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import bisect
import glob
import importlib
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from pipeline.parse import parse_pdf  # noqa: E402

try:  # the splitter may move to pipeline.text in the rewrite
    _text = importlib.import_module("pipeline.text")
except ImportError:  # current layout
    _text = importlib.import_module("pipeline.claims_text")
split_sentences = _text.split_sentences

DEFAULT_CORPUS = "/work/shared/corpus"
MIN_WORDS = 8
# a sentence that ends in bracketed citations after its own full stop:
# "... resides at 'bomul.com'. (ETnews, 2011)", "... '.com'. (Samsung IDC 2011) (Birdman, 2011)",
# "... applied to the hull. (Moore 2000)."
_TRAILING_CITATION = re.compile(r"^(.*[.!?][\"\u201d\u2019']?)\s+((?:\([^()]*\)\s*)+)\.?$", re.S)
_ENUMERATOR = re.compile(r"^\d{1,2}[.)]\s+")
_CAPTION_LABEL = re.compile(r"^(?:figure|fig\.|table|exhibit|chart)\s*\d+[.:]?\s+", re.I)
# a link's target printed after its text ("... update-on-sony-investigation <https://www.fbi.gov/...>"),
# which the parser may store apart from the text it follows
_LINK_TARGET = re.compile(r"^(.*\S)\s+<(?:https?://|www\.)[^<>]*>$", re.S)


# A footnote marker glued to the end of a word ("persistence.9", "useragent36"): one gold
# file keeps them as the text layer has them, the other drops superscript numbers, so
# both sides drop them before comparing.
_GLUED_MARKER = re.compile(r"(?<=[^\W\d_]|[.,;:)\]\"'\u2019\u201d])\d{1,3}(?=[\s.,;:)\]\"'\u2019\u201d]|$)")


# A footnote's own number at its start ("28 The process ..."): kept by one gold file,
# dropped by the other.
_LEADING_MARKER = re.compile(r"^\s*\d{1,3}\s+(?=\D)")


# a number broken across a line ("NT·5.\n1;SV1"): one number, whatever the whitespace
_BROKEN_NUMBER = re.compile(r"(\d\.)\s+(?=\d)")


def norm(s: str) -> str:
    """NFKC, a number broken across a line rejoined, footnote markers (glued to a word end, or
    opening a footnote) dropped, lowercase, only letters and digits kept."""
    s = unicodedata.normalize("NFKC", s)
    s = _BROKEN_NUMBER.sub(r"\1", s)
    s = _GLUED_MARKER.sub("", _LEADING_MARKER.sub("", s)).lower()
    return "".join(ch for ch in s if ch.isalnum())


def variants(s: str) -> list[str]:
    """Normalised forms a stored sentence may take for gold sentence `s`.

    Besides `s` itself: a trailing bracketed citation may be split off by the
    sentence splitter, so the sentence without it also counts as intact; a
    caption's text without its "Figure N." (or "Figure N") label; an item without its
    "2." list number; a line without the bracketed link target printed after it.
    """
    out = [norm(s)]
    m = _TRAILING_CITATION.match(s.strip())
    if m:
        out.append(norm(m.group(1)))
    m = _CAPTION_LABEL.match(s.strip())
    if m:  # "Figure 10. Decoy document ..." may be split after the label
        out.append(norm(s.strip()[m.end() :]))
    m = _LINK_TARGET.match(s.strip())
    if m:  # the bracketed link target stored apart from its text
        out.append(norm(m.group(1)))
    m = _ENUMERATOR.match(s.strip())
    if m:  # "2. Though the image ..." may lose its list number to the splitter
        out.append(norm(s.strip()[m.end() :]))
    return [v for v in out if v]


def n_words(s: str) -> int:
    return len(s.split())


def lis_indices(seq: list[int]) -> set[int]:
    """Positions in `seq` that lie on one longest strictly increasing subsequence."""
    if not seq:
        return set()
    tails: list[int] = []  # values
    tails_pos: list[int] = []  # positions in seq of those tails
    prev = [-1] * len(seq)
    for i, v in enumerate(seq):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_pos.append(i)
        else:
            tails[k] = v
            tails_pos[k] = i
        prev[i] = tails_pos[k - 1] if k > 0 else -1
    out = set()
    i = tails_pos[-1]
    while i != -1:
        out.add(i)
        i = prev[i]
    return out


def load_gold(pattern: str) -> list[dict]:
    pages = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as fh:
            for ln, line in enumerate(fh, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    print(f"warning: {os.path.basename(path)}:{ln}: bad JSON ({exc})", file=sys.stderr)
                    continue
                rec["_file"] = os.path.basename(path)
                pages.append(rec)
    return pages


_DOC_CACHE: dict[str, Any] = {}


def get_page(corpus: str, doc: str, page_no: int):
    if doc not in _DOC_CACHE:
        try:
            _DOC_CACHE[doc] = parse_pdf(os.path.join(corpus, doc))
        except Exception as exc:  # noqa: BLE001 - report and carry on
            print(f"warning: cannot parse {doc}: {type(exc).__name__}: {exc}", file=sys.stderr)
            _DOC_CACHE[doc] = None
    parsed = _DOC_CACHE[doc]
    if parsed is None:
        return None
    for p in parsed.pages:
        if p.page_no == page_no:
            return p
    return None


NON_SENTENCE_KINDS = {"table", "toc", "heading", "boilerplate"}


def _kind_at(blocks: list[tuple[int, int, str]], pos: int) -> str | None:
    for start, end, kind in blocks:
        if start <= pos < end:
            return kind
    return None


def score_page(rec: dict, page, all_blocks: bool = False) -> dict:
    body = [s for s in rec.get("body", []) if s and s.strip()]
    other = [s for s in rec.get("other", []) if s and s.strip()]
    body_idx: dict[str, int] = {}
    for i, s in enumerate(body):
        for v in variants(s):
            body_idx.setdefault(v, i)
    other_set = {v for s in other for v in variants(s)}
    for s in body + other:  # a split-off citation is not a broken sentence
        m = _TRAILING_CITATION.match(s.strip())
        if m:
            other_set.add(norm(m.group(2)))
    other_set -= set(body_idx)

    text = page.text if page is not None else ""
    spans = split_sentences(text) if text else []
    blocks = getattr(page, "blocks", None) if page is not None else None
    if blocks and not all_blocks:
        # tables, contents, headings and boilerplate are typed as not-sentences by the parser;
        # recall (gold body sentences found) still counts a sentence mistyped as one of them
        starts = [(b.start, b.end, b.kind) for b in blocks]
        spans = [(s, e) for s, e in spans if _kind_at(starts, s) not in NON_SENTENCE_KINDS]
    kinds_at = [(b.start, b.end, b.kind) for b in blocks] if blocks else []
    spans = [(s, e) for s, e in spans if n_words(text[s:e]) >= MIN_WORDS]
    stored = [text[s:e] for s, e in spans]
    stored_kinds = [_kind_at(kinds_at, s) or "-" for s, _ in spans]

    status = []  # per stored sentence: "order", "other", "misorder", "broken"
    body_hits: list[tuple[int, int]] = []  # (stored position, gold index)
    for k, s in enumerate(stored):
        ns = norm(s)
        if ns in body_idx:
            status.append("body")
            body_hits.append((k, body_idx[ns]))
        elif ns in other_set:
            status.append("other")
        else:
            status.append("broken")
    on_lis = lis_indices([g for _, g in body_hits])
    for j, (k, _) in enumerate(body_hits):
        status[k] = "order" if j in on_lis else "misorder"
    good = sum(1 for st in status if st in ("order", "other"))

    found_norm = {norm(s) for s in stored}
    gold_long = [s for s in body if n_words(s) >= MIN_WORDS]
    recalled = sum(1 for s in gold_long if any(v in found_norm for v in variants(s)))

    # table rows inside "body" blocks (future feature)
    table_in_body = None
    tables = [r for r in rec.get("tables", []) if norm(r)]
    if blocks and tables:
        table_in_body = 0
        body_texts = [norm(text[b.start : b.end]) for b in blocks if getattr(b, "kind", None) == "body"]
        for r in tables:
            nr = norm(r)
            if len(nr) >= 4 and any(nr in bt for bt in body_texts):
                table_in_body += 1

    return {
        "stored": len(stored),
        "good": good,
        "intact": sum(1 for st in status if st != "broken"),
        "gold_long": len(gold_long),
        "recalled": recalled,
        "table_rows": len(tables),
        "table_in_body": table_in_body,
        "fails": [
            (st, k, s) for st, k, s in zip(status, stored_kinds, stored, strict=True) if st in ("broken", "misorder")
        ],
        "missing_page": page is None,
    }


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "   n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layout", help="only gold pages of this layout")
    ap.add_argument("--verbose", action="store_true", help="print each failing stored sentence")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"folder of the PDFs (default {DEFAULT_CORPUS})")
    ap.add_argument("--gold", default=os.path.join(HERE, "gold-*.jsonl"), help="glob of gold files")
    ap.add_argument("--json", action="store_true", help="print the totals as JSON")
    ap.add_argument(
        "--all-blocks",
        action="store_true",
        help="score sentences of table and contents blocks too (default: skip them)",
    )
    args = ap.parse_args(argv)

    gold = load_gold(args.gold)
    if args.layout:
        gold = [g for g in gold if g.get("layout") == args.layout]
    if not gold:
        print("no gold pages", file=sys.stderr)
        return 1

    tot: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    docs: dict[str, set] = defaultdict(set)
    per_page = []
    for rec in gold:
        layout = rec.get("layout") or "unlabelled"
        page = get_page(args.corpus, rec["doc"], int(rec["page"]))
        r = score_page(rec, page, args.all_blocks)
        per_page.append((rec, r))
        for key in (layout, "ALL"):
            t = tot[key]
            t["pages"] += 1
            for f in ("stored", "good", "intact", "gold_long", "recalled", "table_rows"):
                t[f] += r[f]
            if r["table_in_body"] is not None:
                t["table_in_body"] += r["table_in_body"]
                t["blocks_pages"] += 1
            docs[key].add(rec["doc"])
        if r["missing_page"]:
            print(f"warning: {rec['doc']} p{rec['page']}: page not found in parse", file=sys.stderr)
        if args.verbose and r["fails"]:
            print(
                f"--- {rec['doc']} p{rec['page']} ({layout}): "
                f"{r['good']}/{r['stored']} ok, recall {r['recalled']}/{r['gold_long']}"
            )
            for st, kind, s in r["fails"]:
                s1 = " ".join(s.split())
                print(f"  [{st:8}] ({kind}) {s1[:150]}{'...' if len(s1) > 150 else ''}")

    if args.verbose:
        print()
    hdr = (
        f"{'layout':12} {'docs':>4} {'pages':>5} {'stored':>6} {'intact':>7} "
        f"{'in-order':>8} {'recall':>7} {'tbl-in-body':>11}"
    )
    print(hdr)
    print("-" * len(hdr))
    keys = sorted(k for k in tot if k != "ALL") + ["ALL"]
    out = {}
    for k in keys:
        t = tot[k]
        tib = f"{t['table_in_body']}/{t['table_rows']}" if t["blocks_pages"] else "n/a"
        print(
            f"{k:12} {len(docs[k]):4d} {t['pages']:5d} {t['stored']:6d} {pct(t['intact'], t['stored']):>7} "
            f"{pct(t['good'], t['stored']):>8} {pct(t['recalled'], t['gold_long']):>7} {tib:>11}"
        )
        out[k] = dict(t, docs=len(docs[k]))
    print(
        "\nin-order = stored sentences (>= 8 words) intact and in reading order / all stored sentences >= 8 words;"
        "\nrecall = gold body sentences (>= 8 words) found intact;"
        " tbl-in-body = gold table rows inside a 'body' block."
    )
    if args.json:
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
