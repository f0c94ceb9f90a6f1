"""Agreement between the two labellers of the first 100 probe-dev sentences (P1 and P4).

probe-dev.jsonl carries P1's labels; double-dev.jsonl holds P4's, made independently by reading
only, for the first 100 ids. Cohen's kappa per field, with the same fields and kappa as
../agreement.py (whose functions are reused); mentions are paired by overlapping text.

    python eval/claims/probe/agreement.py           # kappa table
    python eval/claims/probe/agreement.py --show    # also print each disagreeing sentence
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# ../agreement.py shares this file's name, so it is loaded by path under another one.
_spec = importlib.util.spec_from_file_location("claims_agreement", HERE.parent / "agreement.py")
assert _spec is not None and _spec.loader is not None
claims_agreement = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(claims_agreement)
CAPABILITIES = claims_agreement.CAPABILITIES
kappa = claims_agreement.kappa
read_jsonl = claims_agreement.read_jsonl

SENTENCE_FIELDS = ("ai_enabled", "likelihood", "confidence", "stance", "kind")


def spans(text: str, mentions: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Character span of each mention in the sentence, searched in order of appearance."""
    out, pos = [], 0
    low = text.lower()
    for m in mentions:
        needle = m["text"].lower()
        start = low.find(needle, pos)
        if start < 0:
            start = low.find(needle)
        if start < 0:
            out.append((-1, -1))
            continue
        out.append((start, start + len(needle)))
        pos = start + 1
    return out


def match_overlapping(
    text: str, a: list[dict[str, Any]], b: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of mentions whose spans overlap, each mention used once, largest overlap first."""
    sa, sb = spans(text, a), spans(text, b)
    cands = []
    for i, (s1, e1) in enumerate(sa):
        for j, (s2, e2) in enumerate(sb):
            overlap = min(e1, e2) - max(s1, s2)
            if s1 >= 0 and s2 >= 0 and overlap > 0:
                cands.append((-overlap, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j in sorted(cands):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return [(a[i], b[j]) for i, j in sorted(pairs)]


def load_pairs() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(text, P1 label, P4 label) for each id P4 labelled, in id order."""
    first = {r["id"]: r for r in read_jsonl(HERE / "probe-dev.jsonl")}
    second = {r["id"]: r["label"] for r in read_jsonl(HERE / "double-dev.jsonl")}
    return [(first[i]["text"], first[i]["label"], second[i]) for i in sorted(second)]


def agreement(pairs: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> list[tuple[str, float | None, float, int]]:
    """(field, kappa, observed agreement, n) rows."""
    rows: list[tuple[str, float | None, float, int]] = []
    states = sorted({s for _, a, b in pairs for r in (a, b) for s in r["actors"]})
    rows.append(
        ("actors (sentence x state)", *kappa((s in a["actors"], s in b["actors"]) for _, a, b in pairs for s in states))
    )
    for s in states:
        rows.append((f"  actor {s}", *kappa((s in a["actors"], s in b["actors"]) for _, a, b in pairs)))
    cap_pairs = [(c in a["capabilities"], c in b["capabilities"]) for _, a, b in pairs for c in CAPABILITIES]
    rows.append(("capabilities (sentence x code)", *kappa(cap_pairs)))
    for c in CAPABILITIES:
        rows.append((f"  {c}", *kappa((c in a["capabilities"], c in b["capabilities"]) for _, a, b in pairs)))
    for f in SENTENCE_FIELDS:
        rows.append((f, *kappa((a[f], b[f]) for _, a, b in pairs)))
    matched = [mm for t, a, b in pairs for mm in match_overlapping(t, a["mentions"], b["mentions"])]
    rows.append(("mention role (matched)", *kappa((ma["role"], mb["role"]) for ma, mb in matched)))
    rows.append(("mention state (matched)", *kappa((ma["state"], mb["state"]) for ma, mb in matched)))
    n_a = sum(len(a["mentions"]) for _, a, _ in pairs)
    n_b = sum(len(b["mentions"]) for _, _, b in pairs)
    rows.append((f"mentions matched of {n_a} / {n_b}", None, len(matched) / max(n_a, n_b, 1), len(matched)))
    return rows


def disagreements(text: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Fields on which the two labels differ; `mentions` when a matched role or state differs,
    or a mention has no counterpart."""
    out = [f for f in ("actors", "capabilities", *SENTENCE_FIELDS) if a[f] != b[f]]
    matched = match_overlapping(text, a["mentions"], b["mentions"])
    unmatched = len(matched) != max(len(a["mentions"]), len(b["mentions"]))
    if unmatched or any((ma["role"], ma["state"]) != (mb["role"], mb["state"]) for ma, mb in matched):
        out.append("mentions")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print each disagreeing sentence and both labels")
    args = parser.parse_args()
    pairs = load_pairs()
    print(f"double-labelled probe-dev sentences: {len(pairs)} (first: P1 in probe-dev.jsonl, second: P4)")
    claims_agreement.print_table(agreement(pairs))
    print(f"sentences with any disagreement: {sum(bool(disagreements(*p)) for p in pairs)}")
    if args.show:
        for text, a, b in pairs:
            fields = disagreements(text, a, b)
            if not fields:
                continue
            print(f"\n{a['id']} {fields}\n  {json.dumps(text, ensure_ascii=True)}")
            for lab in (a, b):
                ms = [(m["text"], m["state"], m["role"], m["capabilities"]) for m in lab["mentions"]]
                keep = {f: lab[f] for f in fields if f != "mentions"}
                print(f"  {lab['labeller']}: {keep} {ms}")


if __name__ == "__main__":
    main()
