"""Score the claim extractor and a keyword baseline on eval/claims/{tune,test}.jsonl."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.claims.extract import tag_text  # noqa: E402
from pipeline.claims.taxonomy import load_taxonomy  # noqa: E402

DATA = Path(__file__).parent / "claims"
KEYWORDS = {
    "propaganda": ["propaganda", "state media"],
    "influence_operations": ["disinformation", "influence operation", "influence campaign", "inauthentic"],
    "censorship": ["censor", "block", "filter"],
    "surveillance": ["surveil", "monitor", "spyware", "facial recognition", "spy"],
    "cyber_espionage": ["espionage", "phishing", "exfiltrat", "intrusion", "hack", "compromise", "steal"],
    "cyber_attack": ["attack", "ddos", "wiper", "destructive", "sabotage", "disrupt"],
    "data_exploitation": ["personal data", "voter", "data collection"],
    "synthetic_media": ["deepfake", "generated"],
    "transnational_repression": ["dissident", "diaspora", "harass", "transnational repression"],
    "technology_export": ["export", "sold", "sell"],
}
AI_WORDS = ["artificial intelligence", "machine learning", " ai ", "ai-", "algorithm", "facial recognition"]
LIKELIHOOD_WORDS = [
    ("almost certain", "almost_certain"),
    ("very likely", "very_likely"),
    ("very unlikely", "very_unlikely"),
    ("unlikely", "unlikely"),
    ("even chance", "roughly_even_chance"),
    ("likely", "likely"),
    ("probably", "likely"),
    ("almost no chance", "almost_no_chance"),
]


def baseline(text: str) -> dict[str, Any]:
    """Alias substring -> actor, keyword -> capability: what a grep would give."""
    tax = load_taxonomy()
    low = f" {text.lower()} "
    actors = sorted({a.code for a in tax.aliases if re.search(rf"\b{re.escape(a.text)}\b", text)})
    caps = sorted(c for c, words in KEYWORDS.items() if any(w in low for w in words))
    lik = next((lvl for w, lvl in LIKELIHOOD_WORDS if w in low), None)
    return {"actors": actors, "capabilities": caps, "ai_enabled": any(w in low for w in AI_WORDS), "likelihood": lik}


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(rows: list[dict[str, Any]], tagger: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """Micro P/R/F1 for actors, capabilities and ai_enabled; accuracy for likelihood."""
    counts = {k: [0, 0, 0] for k in ("actors", "capabilities", "ai_enabled")}
    lik_ok = 0
    errors: list[str] = []
    for row in rows:
        out = tagger(row["text"])
        for key in ("actors", "capabilities"):
            gold, pred = set(row[key]), set(out[key])
            counts[key][0] += len(gold & pred)
            counts[key][1] += len(pred - gold)
            counts[key][2] += len(gold - pred)
            if gold != pred:
                errors.append(f"{key}: gold={sorted(gold)} pred={sorted(pred)} | {row['text'][:140]!r}")
        g, p = bool(row["ai_enabled"]), bool(out["ai_enabled"])
        counts["ai_enabled"][0] += g and p
        counts["ai_enabled"][1] += p and not g
        counts["ai_enabled"][2] += g and not p
        lik_ok += row["likelihood"] == out["likelihood"]
        if row["likelihood"] != out["likelihood"]:
            errors.append(f"likelihood: gold={row['likelihood']} pred={out['likelihood']} | {row['text'][:140]!r}")
    result: dict[str, Any] = {k: _prf(*v) for k, v in counts.items()}
    result["likelihood_acc"] = lik_ok / len(rows) if rows else 0.0
    result["errors"] = errors
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["tune", "test"], default="tune")
    parser.add_argument("--file", type=Path, help="score this JSONL file (same format) instead of --split")
    parser.add_argument("--errors", action="store_true", help="list the extractor's mistakes")
    args = parser.parse_args()
    path = args.file if args.file else DATA / f"{args.split}.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line]
    ours = score(rows, tag_text)
    base = score(rows, baseline)
    print(
        f"split={args.file or args.split} sentences={len(rows)} "
        f"(corpus {sum(r.get('source') != 'synthetic' for r in rows)}, "
        f"synthetic {sum(r.get('source') == 'synthetic' for r in rows)})"
    )
    print(f"{'metric':<16}{'extractor P/R/F1':>26}{'baseline P/R/F1':>26}")
    for key in ("actors", "capabilities", "ai_enabled"):
        a, b = ours[key], base[key]
        print(f"{key:<16}{a[0]:>8.3f}/{a[1]:.3f}/{a[2]:.3f}{'':>4}{b[0]:>8.3f}/{b[1]:.3f}/{b[2]:.3f}")
    print(f"{'likelihood acc':<16}{ours['likelihood_acc']:>26.3f}{base['likelihood_acc']:>26.3f}")
    if args.errors:
        print("\n".join(ours["errors"]))


if __name__ == "__main__":
    main()
