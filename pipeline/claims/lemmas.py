"""Lemmas for the role rules' verb and noun lists (the spaCy lemmatizer is not loaded)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def _lemma_rule(word: str) -> str:
    w = word.lower()
    if w.endswith(("ss", "us", "is")):
        return w
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)] + repl
    return w


def set_lemmas(doc: Any) -> None:
    lookup = _lemma_lookup()
    for tok in doc:
        low = tok.lower_
        tok.lemma_ = lookup.get(low) or _lemma_rule(low)


@lru_cache(maxsize=1)
def _lemma_lookup() -> dict[str, str]:
    irregular = {
        "stole": "steal",
        "stolen": "steal",
        "was": "be",
        "were": "be",
        "is": "be",
        "are": "be",
        "been": "be",
        "being": "be",
        "said": "say",
        "says": "say",
        "saw": "see",
        "seen": "see",
        "found": "find",
        "told": "tell",
        "wrote": "write",
        "written": "write",
        "ran": "run",
        "fell": "fall",
        "hit": "hit",
        "known": "know",
        "knew": "know",
        "thought": "think",
        "used": "use",
        "uses": "use",
        "targeted": "target",
        "targets": "target",
        "compromised": "compromise",
        "compromises": "compromise",
        "attributed": "attribute",
        "associated": "associate",
        "linked": "link",
        "tied": "tie",
        "based": "base",
        "sponsored": "sponsor",
        "backed": "back",
        "directed": "direct",
        "operated": "operate",
        "affiliated": "affiliate",
        "aligned": "align",
        "located": "locate",
        "issued": "issue",
        "observed": "observe",
        "analyzed": "analyze",
        "analysed": "analyse",
        "released": "release",
        "continued": "continue",
        "advised": "advise",
        "accused": "accuse",
        "blamed": "blame",
        "named": "name",
        "charged": "charge",
        "sanctioned": "sanction",
        "indicted": "indict",
        "received": "receive",
        "believed": "believe",
        "assessed": "assess",
        "judged": "judge",
        "suspected": "suspect",
        "securities": "security",
        "agencies": "agency",
        "entities": "entity",
        "media": "media",
        "police": "police",
        "threats": "threat",
        "phishing": "phish",
        "spearphishing": "spearphishing",
        "surveilled": "surveil",
        "surveilling": "surveil",
        "harassed": "harass",
        "intimidated": "intimidate",
        "monitored": "monitor",
        "hacked": "hack",
        "breached": "breach",
        "infiltrated": "infiltrate",
        "exploited": "exploit",
        "disrupted": "disrupt",
        "censored": "censor",
        "blocked": "block",
        "coerced": "coerce",
        "silenced": "silence",
        "threatened": "threaten",
        "infected": "infect",
        "tracked": "track",
        "spied": "spy",
        "spies": "spy",
        "activities": "activity",
        "capabilities": "capability",
        "attacked": "attack",
        "attacks": "attack",
        "operations": "operation",
        "efforts": "effort",
        "campaigns": "campaign",
        "actors": "actor",
        "hackers": "hacker",
        "governments": "government",
    }
    return irregular
