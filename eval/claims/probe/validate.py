"""Check the phrasing-probe files: schema, verbatim mentions, closed vocabularies, derived fields.

Usage: python eval/claims/probe/validate.py [FILE ...]   (default: every probe-*.jsonl beside it)
Prints counts per capability, role and stance; exits 1 on any problem.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from pipeline.claims.vocab import CAPABILITIES, CONFIDENCES, LIKELIHOODS

HERE = Path(__file__).resolve().parent
ROLES = {"actor", "target", "victim", "reporter", "location", "vendor", "other"}
STANCES = {"fact", "assessment", "reported", "negated", "hypothetical", "none"}
KINDS = {"prose", "heading", "table", "toc", "reference", "caption", "boilerplate", "ioc", "other"}
LABEL_KEYS = [
    "id",
    "labeller",
    "usable",
    "mentions",
    "actors",
    "capabilities",
    "ai_enabled",
    "likelihood",
    "confidence",
    "stance",
    "kind",
]


def problems(row: dict) -> list[str]:
    """Everything wrong with one probe row (empty when it is valid)."""
    out = []
    text, lab = row.get("text", ""), row.get("label", {})
    if set(row) != {"id", "text", "publisher", "label"}:
        out.append(f"row keys {sorted(row)}")
    if list(lab) != LABEL_KEYS:
        out.append(f"label keys {list(lab)}")
        return out
    if lab["id"] != row["id"]:
        out.append("id mismatch")
    for m in lab["mentions"]:
        if set(m) != {"text", "state", "role", "capabilities"}:
            out.append(f"mention keys {sorted(m)}")
            continue
        if m["text"] not in text:
            out.append(f"mention {m['text']!r} not in text")
        if m["role"] not in ROLES:
            out.append(f"role {m['role']!r}")
        if m["state"] is not None and not (len(m["state"]) == 3 and m["state"].isupper()):
            out.append(f"state {m['state']!r}")
        if m["capabilities"] and m["role"] != "actor":
            out.append(f"capabilities on a {m['role']} mention")
        out += [f"capability {c!r}" for c in m["capabilities"] if c not in CAPABILITIES]
    acting = {m["state"] for m in lab["mentions"] if m["role"] == "actor" and m["capabilities"] and m["state"]}
    if lab["actors"] != sorted(acting):
        out.append(f"actors {lab['actors']} != {sorted(acting)}")
    union = {c for m in lab["mentions"] for c in m["capabilities"]}
    if not union <= set(lab["capabilities"]):
        out.append("capabilities miss a mention's capability")
    if lab["capabilities"] != sorted(set(lab["capabilities"])):
        out.append("capabilities not sorted/unique")
    out += [f"capability {c!r}" for c in lab["capabilities"] if c not in CAPABILITIES]
    if lab["likelihood"] not in (None, *LIKELIHOODS):
        out.append(f"likelihood {lab['likelihood']!r}")
    if lab["confidence"] not in (None, *CONFIDENCES):
        out.append(f"confidence {lab['confidence']!r}")
    if lab["stance"] not in STANCES:
        out.append(f"stance {lab['stance']!r}")
    if lab["kind"] not in KINDS:
        out.append(f"kind {lab['kind']!r}")
    if lab["stance"] == "negated" and lab["capabilities"]:
        out.append("negated act with capabilities")
    if not isinstance(lab["usable"], bool) or not isinstance(lab["ai_enabled"], bool):
        out.append("usable/ai_enabled not bool")
    return out


def main(paths: list[str]) -> int:
    bad = 0
    for path in paths or sorted(HERE.glob("probe-*.jsonl")):
        path = Path(path)
        if not path.exists():
            print(f"{path.name}: missing")
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        ids = Counter(r["id"] for r in rows)
        bad += sum(n > 1 for n in ids.values())
        caps, roles, stances = Counter(), Counter(), Counter()
        for r in rows:
            for p in problems(r):
                print(f"{r['id']}: {p}")
                bad += 1
            lab = r["label"]
            caps.update(lab["capabilities"])
            roles.update(m["role"] for m in lab["mentions"])
            stances[lab["stance"]] += 1
        no_claim = sum(not r["label"]["capabilities"] for r in rows)
        print(
            f"{path.name}: {len(rows)} rows, {no_claim} with no capability, "
            f"{sum(bool(r['label']['actors']) for r in rows)} with a claim actor"
        )
        print("  capabilities:", dict(caps.most_common()))
        print("  roles:", dict(roles.most_common()))
        print("  stances:", dict(stances.most_common()))
        print("  publishers:", dict(Counter(r["publisher"] for r in rows).most_common()))
        print(
            "  likelihood:",
            sum(r["label"]["likelihood"] is not None for r in rows),
            "confidence:",
            sum(r["label"]["confidence"] is not None for r in rows),
            "ai_enabled:",
            sum(r["label"]["ai_enabled"] for r in rows),
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
