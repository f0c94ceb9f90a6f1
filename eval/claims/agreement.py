"""Inter-labeller agreement on the double-labelled subset, and the adjudicated labels.

The 300 ids of pool/double.txt were labelled first in train-a/train-b (L1, L2) and again,
independently, in labels/double-L3.jsonl (L3). This script reports Cohen's kappa per field and
applies labels/adjudication.toml (one decision per disagreement, made by reading the sentence)
to write labels/adjudicated.jsonl, which `load_labels` prefers over the first labels.

    python eval/claims/agreement.py            # kappa table, disagreements left undecided
    python eval/claims/agreement.py --write    # also (re)write labels/adjudicated.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pipeline.claims.vocab import CAPABILITIES  # noqa: E402

HERE = Path(__file__).parent
LABELS = HERE / "labels"
FIELDS = ("actors", "capabilities", "ai_enabled", "likelihood", "confidence", "stance", "kind", "usable")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def kappa(pairs: Iterable[tuple[Hashable, Hashable]]) -> tuple[float | None, float, int]:
    """Cohen's kappa, observed agreement and n; kappa is None when chance agreement is 1."""
    pairs = list(pairs)
    n = len(pairs)
    if not n:
        return None, 1.0, 0
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return (None if pe >= 1 else (po - pe) / (1 - pe)), po, n


def _key(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def match_mentions(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Mentions both labellers wrote, paired by text in order of appearance."""
    pool: dict[str, list[dict[str, Any]]] = {}
    for m in b:
        pool.setdefault(_key(m["text"]), []).append(m)
    out = []
    for m in a:
        rest = pool.get(_key(m["text"]))
        if rest:
            out.append((m, rest.pop(0)))
    return out


def double_pairs() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(first label, second label) for each double-labelled id."""
    ids = [i for i in (HERE / "pool" / "double.txt").read_text().split() if i]
    first = {r["id"]: r for p in ("train-a", "train-b") for r in read_jsonl(LABELS / f"{p}.jsonl")}
    second = {r["id"]: r for r in read_jsonl(LABELS / "double-L3.jsonl")}
    return [(first[i], second[i]) for i in ids]


def agreement(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[tuple[str, float | None, float, int]]:
    """(field, kappa, observed agreement, n) rows."""
    rows: list[tuple[str, float | None, float, int]] = []
    states = sorted({s for a, b in pairs for r in (a, b) for s in r["actors"]})
    actor_pairs = [(s in a["actors"], s in b["actors"]) for a, b in pairs for s in states]
    rows.append(("actors (sentence x state)", *kappa(actor_pairs)))
    for s in states:
        rows.append((f"  actor {s}", *kappa((s in a["actors"], s in b["actors"]) for a, b in pairs)))
    cap_pairs = [(c in a["capabilities"], c in b["capabilities"]) for a, b in pairs for c in CAPABILITIES]
    rows.append(("capabilities (sentence x code)", *kappa(cap_pairs)))
    for c in CAPABILITIES:
        rows.append((f"  {c}", *kappa((c in a["capabilities"], c in b["capabilities"]) for a, b in pairs)))
    for f in ("ai_enabled", "likelihood", "confidence", "stance", "kind", "usable"):
        rows.append((f, *kappa((a[f], b[f]) for a, b in pairs)))
    matched = [(ma, mb) for a, b in pairs for ma, mb in match_mentions(a["mentions"], b["mentions"])]
    rows.append(("mention role (matched)", *kappa((ma["role"], mb["role"]) for ma, mb in matched)))
    rows.append(("mention state (matched)", *kappa((ma["state"], mb["state"]) for ma, mb in matched)))
    n_a = sum(len(a["mentions"]) for a, _ in pairs)
    n_b = sum(len(b["mentions"]) for _, b in pairs)
    rows.append((f"mentions matched of {n_a} / {n_b}", None, len(matched) / max(n_a, n_b, 1), len(matched)))
    return rows


def disagreements(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Fields on which the two labels differ (mentions compared by text, state and role)."""

    def norm(v: Any) -> Any:
        return sorted(v) if isinstance(v, list) else v

    out = [f for f in FIELDS if norm(a[f]) != norm(b[f])]
    ma = sorted((_key(m["text"]), m["state"] or "", m["role"]) for m in a["mentions"])
    mb = sorted((_key(m["text"]), m["state"] or "", m["role"]) for m in b["mentions"])
    if ma != mb:
        out.append("mentions")
    return out


def adjudicate(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Apply adjudication.toml: per id, `take` = "first" | "second" names the label kept, and
    optional field overrides. Returns the final labels of disagreeing ids and the undecided ids."""
    path = LABELS / "adjudication.toml"
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    decisions, default = data.get("decision", {}), data.get("default")
    final: list[dict[str, Any]] = []
    undecided: list[str] = []
    for a, b in pairs:
        if not disagreements(a, b):
            continue
        d = decisions.get(a["id"], default)
        if d is None:
            undecided.append(a["id"])
            continue
        row = json.loads(json.dumps(a if d.get("take", "first") == "first" else b))
        for k, v in d.items():
            if k not in ("take", "why"):
                row[k] = v
        row["labeller"] = "adjudicated"
        row["why"] = d.get("why", "")
        final.append(row)
    return final, undecided


def print_table(rows: list[tuple[str, float | None, float, int]]) -> None:
    """The per-field agreement table: field, Cohen's kappa, observed agreement, n."""
    print(f"{'field':<34}{'kappa':>8}{'agree':>8}{'n':>7}")
    for name, k, po, n in rows:
        print(f"{name:<34}{'n/a' if k is None else f'{k:.3f}':>8}{po:>8.3f}{n:>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="write labels/adjudicated.jsonl")
    parser.add_argument("--show", action="store_true", help="print each disagreement")
    args = parser.parse_args()
    pairs = double_pairs()
    print(f"double-labelled sentences: {len(pairs)} (first: L1/L2 in train-a/train-b, second: L3)")
    print_table(agreement(pairs))
    n_dis = sum(bool(disagreements(a, b)) for a, b in pairs)
    final, undecided = adjudicate(pairs)
    print(f"sentences with any disagreement: {n_dis}; adjudicated {len(final)}; undecided {len(undecided)}")
    if args.show:
        rows = read_jsonl(HERE / "pool" / "train.jsonl")
        pool = {r["id"]: r["text"] for r in rows}
        for a, b in pairs:
            fields = disagreements(a, b)
            if fields:
                print(f"\n{a['id']} {fields}\n  {pool[a['id']]!r}")
                for lab in (a, b):
                    ms = [(m["text"], m["state"], m["role"], m["capabilities"]) for m in lab["mentions"]]
                    keep = {f: lab[f] for f in fields if f != "mentions"}
                    print(f"  {lab['labeller']}: {keep} {ms}")
    if args.write:
        out = LABELS / "adjudicated.jsonl"
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in final))
        print(f"wrote {out} ({len(final)} rows)")
    if undecided and args.write:
        sys.exit(f"undecided: {' '.join(undecided)}")


if __name__ == "__main__":
    main()
