"""Actors and capabilities named in a briefing topic, by a light lookup over pipeline/taxonomy.

Reading the TOML gazetteer takes milliseconds; the claim tagger (pipeline.claims.tag_text)
may load spaCy, so it is only the fallback when the taxonomy files cannot be read.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TAXONOMY_DIR = Path(__file__).parent / "taxonomy"
_FILLER = r"(?:[\w’'.&-]+ ){0,3}"
# A state named right after these words is the target of the activity, not its actor.
_TARGET_CUE = re.compile(
    r"\b(?:against|targeting|targets|target|into|on|toward|towards|inside|within|in|at|of)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, str]  # code -> display name
    aliases: tuple[tuple[str, str], ...]  # (text, code), longest first
    capabilities: dict[str, re.Pattern[str]]


def _compile(patterns: list[str]) -> re.Pattern[str] | None:
    parts = []
    for p in patterns:
        p = p.replace("{W}", _FILLER)
        if re.match(r"^[A-Z]{2,}", p):
            p = f"(?-i:{p})"
        parts.append(f"(?:{p})")
    if not parts:
        return None
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def _read(name: str) -> dict[str, Any]:
    with open(TAXONOMY_DIR / name, "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Actor aliases and capability trigger patterns from pipeline/taxonomy/*.toml."""
    actors = _read("actors.toml")
    countries = _read("countries.toml").get("countries", {})
    caps = _read("capabilities.toml").get("capability", {})
    names: dict[str, str] = {}
    found: dict[str, str] = {}
    for a in actors.get("actor", []):
        code = a["code"]
        names[code] = a.get("name", code)
        texts = [*a.get("names", []), *a.get("demonyms", [])]
        for organ in a.get("organ", []):
            texts += [organ.get("name", ""), *organ.get("aliases", [])]
        for t in texts:
            if t:
                found.setdefault(t, code)
    for g in actors.get("group", []):
        for t in [g.get("name", ""), *g.get("aliases", [])]:
            if t:
                found.setdefault(t, g["state"])
    for code, texts in countries.items():
        if texts:
            names.setdefault(code, texts[0])
        for t in texts:
            found.setdefault(t, code)
    aliases = tuple(sorted(found.items(), key=lambda kv: (-len(kv[0]), kv[0])))
    patterns = {}
    for code, rules in caps.items():
        pat = _compile([*rules.get("triggers", []), *rules.get("weak", [])])
        if pat is not None:
            patterns[code] = pat
    return Gazetteer(names, aliases, dict(sorted(patterns.items())))


def actor_name(code: str | None) -> str:
    """'China (CHN)' for a code; 'Unattributed' for none."""
    if not code:
        return "Unattributed"
    try:
        name = load_gazetteer().names.get(code, code)
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        name = code
    return f"{name} ({code})" if name != code else code


def _gazetteer_tags(text: str, gaz: Gazetteer) -> dict[str, list[str]]:
    actors: set[str] = set()
    taken = [False] * len(text)
    for alias, code in gaz.aliases:
        for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
            if any(taken[m.start() : m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            if _TARGET_CUE.search(text[: m.start()]):
                continue
            actors.add(code)
    caps = sorted(code for code, pat in gaz.capabilities.items() if pat.search(text))
    return {"actors": sorted(actors), "capabilities": caps}


def topic_tags(topic: str) -> tuple[dict[str, list[str]], str]:
    """Actors and capabilities named in `topic`, and how they were found."""
    try:
        return _gazetteer_tags(topic, load_gazetteer()), "taxonomy gazetteer"
    except (OSError, tomllib.TOMLDecodeError, KeyError, re.error) as exc:
        log.warning("taxonomy files unreadable (%s); trying the claim tagger", exc)
    try:
        from pipeline.claims import tag_text  # type: ignore[attr-defined]
    except ImportError:
        return {"actors": [], "capabilities": []}, "none (no taxonomy available)"
    tags = tag_text(topic)
    return {
        "actors": sorted(set(tags.get("actors", []))),
        "capabilities": sorted(set(tags.get("capabilities", []))),
    }, "claim tagger"
