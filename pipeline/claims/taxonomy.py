"""The claim taxonomy as data (actors, groups, capabilities, ICD 203 terms) read from TOML."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.claims.vocab import LIKELIHOODS

TAXONOMY_DIR = Path(__file__).parent / "data"
LIKELIHOOD_LEVELS = LIKELIHOODS
# "{W}" in a capability pattern: up to three filler words between a verb and its object.
FILLER = r"(?:[\w’'.&-]+ ){0,3}"


@dataclass(frozen=True)
class Alias:
    """One way of writing an actor: `kind` is state, demonym, organ, group or place (a city or
    region, which names where, never a government)."""

    text: str
    code: str
    kind: str
    organ: str | None = None


@dataclass(frozen=True)
class CapabilityRules:
    """The patterns of one capability, as written in capabilities.toml."""

    code: str
    covers: str
    triggers: tuple[str, ...]
    weak: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    advice_deny: tuple[str, ...] = ()
    contextual: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    victims: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """Actors, named groups, the ISO country table, capability patterns and ICD 203 terms."""

    actors: dict[str, dict[str, Any]]
    groups: list[dict[str, Any]]
    countries: dict[str, list[str]]
    capabilities: dict[str, CapabilityRules]
    ai: dict[str, list[str]]
    likelihood: dict[str, list[str]]
    likelihood_deny: list[str]
    confidence: dict[str, list[str]]
    stance: dict[str, list[str]]
    aliases: list[Alias] = field(default_factory=list)
    ambiguous: frozenset[str] = frozenset()
    # ambiguous group names that are also English words; they also count where used as a name
    ambiguous_words: frozenset[str] = frozenset()
    # ambiguous acronyms of state media; they also count where named as an outlet
    ambiguous_outlets: frozenset[str] = frozenset()
    # the names of state media outlets (aliases of the organ "state media")
    state_media: frozenset[str] = frozenset()
    advisory: frozenset[str] = frozenset()
    # vendor naming conventions: (regex on a group name, state), e.g. "<Word> Panda" -> CHN
    families: tuple[tuple[str, str], ...] = ()
    # places whose name contains a state's ("Latin America", "South China Sea"): not that state
    places: frozenset[str] = frozenset()
    # private spyware/intrusion vendors: a mention has role `vendor` and no state (TAXONOMY: a
    # private vendor selling to governments is not its home state acting)
    vendors: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `threatbrief taxonomy --json`."""
        return {
            "actors": self.actors,
            "groups": self.groups,
            "countries": self.countries,
            "capabilities": {
                code: {
                    "covers": r.covers,
                    "triggers": list(r.triggers),
                    "weak": list(r.weak),
                    "requires": list(r.requires),
                    "deny": list(r.deny),
                    "advice_deny": list(r.advice_deny),
                    "contextual": list(r.contextual),
                    "context": list(r.context),
                    "victims": list(r.victims),
                    "via": list(r.via),
                }
                for code, r in self.capabilities.items()
            },
            "ai": self.ai,
            "likelihood": self.likelihood,
            "confidence": self.confidence,
            "stance": self.stance,
            "ambiguous": sorted(self.ambiguous),
            "ambiguous_words": sorted(self.ambiguous_words),
            "ambiguous_outlets": sorted(self.ambiguous_outlets),
            "vendors": sorted(self.vendors),
        }


def _read(name: str) -> dict[str, Any]:
    with open(TAXONOMY_DIR / name, "rb") as fh:
        return tomllib.load(fh)


def _build_aliases(
    actors: dict[str, dict[str, Any]],
    groups: list[dict[str, Any]],
    countries: dict[str, list[str]],
    cities: dict[str, list[str]],
) -> list[Alias]:
    found: dict[str, Alias] = {}

    def add(text: str, code: str, kind: str, organ: str | None = None) -> None:
        # actors.toml and groups win over the generic country table
        if text and text not in found:
            found[text] = Alias(text, code, kind, organ)

    for g in groups:
        for text in [g["name"], *g.get("aliases", [])]:
            add(text, g["state"], "group", g.get("organ") or g["name"])
        # vendors and advisories often write multi-word names in capitals ("VENOMOUS BEAR")
        for text in [g["name"], *g.get("aliases", [])]:
            if " " in text and not text.isupper():
                add(text.upper(), g["state"], "group", g.get("organ") or g["name"])
    for code, a in actors.items():
        for organ in a.get("organs", []):
            # generic organ names ("state media") are labels, not aliases
            names = [organ["name"]] if organ["name"][:1].isupper() else []
            for text in [*names, *organ.get("aliases", [])]:
                add(text, code, "organ", organ["name"])
        for text in a.get("names", []):
            add(text, code, "state")
        for text in a.get("demonyms", []):
            add(text, code, "demonym")
            if not text.endswith(("s", "se", "sh")) and "-" not in text:
                add(text + "s", code, "demonym")
    for code, names in countries.items():
        for text in names:
            add(text, code, "state")
    for code, names in cities.items():
        for text in names:
            add(text, code, "place")
    return list(found.values())


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """Read pipeline/claims/data/*.toml into a Taxonomy."""
    actors_raw = _read("actors.toml")
    actors = {
        a["code"]: {
            "name": a["name"],
            "names": a.get("names", []),
            "demonyms": a.get("demonyms", []),
            "organs": a.get("organ", []),
        }
        for a in actors_raw.get("actor", [])
    }
    groups = actors_raw.get("group", [])
    geo = _read("countries.toml")
    countries = geo["countries"]
    caps_raw = _read("capabilities.toml")
    capabilities = {
        code: CapabilityRules(
            code=code,
            covers=c.get("covers", ""),
            triggers=tuple(c.get("triggers", [])),
            weak=tuple(c.get("weak", [])),
            requires=tuple(c.get("requires", [])),
            deny=tuple(c.get("deny", [])),
            advice_deny=tuple(c.get("advice_deny", [])),
            contextual=tuple(c.get("contextual", [])),
            context=tuple(c.get("context", [])),
            victims=tuple(c.get("victims", [])),
            via=tuple(c.get("via", [])),
            products=tuple(c.get("products", [])),
        )
        for code, c in caps_raw["capability"].items()
    }
    est = _read("estimative.toml")
    aliases = _build_aliases(actors, groups, countries, geo.get("cities", {}))
    return Taxonomy(
        actors=actors,
        groups=groups,
        countries=countries,
        capabilities=capabilities,
        ai=caps_raw["ai"],
        likelihood=est["likelihood"],
        likelihood_deny=est.get("likelihood_deny", {}).get("patterns", []),
        confidence=est["confidence"],
        stance=est["stance"],
        aliases=aliases,
        ambiguous=frozenset(actors_raw.get("ambiguous", {}).get("aliases", [])),
        ambiguous_words=frozenset(actors_raw.get("ambiguous", {}).get("words", [])),
        ambiguous_outlets=frozenset(actors_raw.get("ambiguous", {}).get("outlets", [])),
        state_media=frozenset(a.text for a in aliases if a.organ == "state media"),
        advisory=frozenset(actors_raw.get("advisory", {}).get("aliases", [])),
        vendors=frozenset(actors_raw.get("vendors", {}).get("names", [])),
        families=tuple((f["pattern"], f["state"]) for f in actors_raw.get("family", [])),
        places=frozenset(geo.get("places", {}).get("names", [])),
    )


def compile_patterns(patterns: tuple[str, ...] | list[str], *, bounded: bool = True) -> re.Pattern[str] | None:
    """One case-insensitive regex for a list of patterns; all-caps acronyms stay case-sensitive."""
    if not patterns:
        return None
    parts = []
    for p in patterns:
        p = p.replace("{W}", FILLER)
        if re.match(r"^[A-Z]{2,}", p):
            p = f"(?-i:{p})"
        parts.append(p)
    body = "|".join(f"(?:{p})" for p in parts)
    return re.compile(rf"\b(?:{body})\b" if bounded else body, re.IGNORECASE)
