"""The STIX mapping as data: stix.toml plus the states, organs and groups of actors.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1] / "claims" / "data"

FRAMEWORK_URLS = {
    "DISARM": "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/{kind}/{id}.md",
    "mitre-attack": "https://attack.mitre.org/{kind}/{path}/",
    "mitre-mobile-attack": "https://attack.mitre.org/{kind}/{path}/",
}


@dataclass(frozen=True)
class Group:
    """A named group of actors.toml: its canonical name, state, organ and aliases."""

    name: str
    state: str
    organ: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class StixMapping:
    """Everything the export needs to turn a stored claim into STIX objects."""

    mapping_date: str
    confidence: dict[str, int]
    capabilities: dict[str, dict[str, Any]]
    organ_threat_actors: frozenset[str]
    organ_sectors: dict[str, list[str]]
    publisher_sectors: dict[str, list[str]]
    sectors: tuple[tuple[str, str, re.Pattern[str]], ...]  # (sector, label, pattern)
    alpha2: dict[str, str]
    states: dict[str, dict[str, Any]]  # code -> {"name", "organs": {organ: aliases}}
    groups: dict[str, Group]  # alias as written (and in capitals) -> group
    families: tuple[tuple[re.Pattern[str], str], ...]
    country_names: re.Pattern[str]
    country_codes: dict[str, str]  # name or demonym -> code

    def state_name(self, code: str) -> str:
        return str(self.states.get(code, {}).get("name") or code)

    def group_for(self, *mentions: str | None) -> Group | None:
        """The named group a mention or organ stands for: an alias, else a vendor naming family."""
        for text in mentions:
            if text and text in self.groups:
                return self.groups[text]
        for text in mentions:
            for pattern, state in self.families:
                if text and pattern.fullmatch(text):
                    return Group(text, state, None, ())
        return None

    def target_country(self, target: str) -> str | None:
        """The state a target names (longest name or demonym first), else None."""
        m = self.country_names.search(target)
        return self.country_codes[m.group(0)] if m else None

    def target_sector(self, target: str) -> tuple[str, str] | None:
        """(sector, label) of the first sector pattern found in a target, else None."""
        for sector, label, pattern in self.sectors:
            if pattern.search(target):
                return sector, label
        return None


def framework_ref(framework: str, ref_id: str, name: str) -> dict[str, str]:
    """One external_reference: source_name, external_id, url and the framework's own name."""
    if framework == "DISARM":
        kind = "tactics" if ref_id.startswith("TA") else "techniques"
        url = FRAMEWORK_URLS[framework].format(kind=kind, id=ref_id)
    else:
        kind = "tactics" if ref_id.startswith("TA") else "techniques"
        url = FRAMEWORK_URLS[framework].format(kind=kind, path=ref_id.replace(".", "/"))
    return {"source_name": framework, "external_id": ref_id, "url": url, "description": name}


def _read(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, "rb") as fh:
        return tomllib.load(fh)


def _names_pattern(names: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])")


@lru_cache(maxsize=1)
def load_mapping() -> StixMapping:
    """Read stix.toml, actors.toml and countries.toml into a StixMapping."""
    stix = _read("stix.toml")
    actors = _read("actors.toml")
    countries: dict[str, list[str]] = _read("countries.toml")["countries"]
    states: dict[str, dict[str, Any]] = {code: {"name": names[0], "organs": {}} for code, names in countries.items()}
    country_codes: dict[str, str] = {}
    for code, names in countries.items():
        for n in names:
            country_codes.setdefault(n, code)
    for a in actors.get("actor", []):
        organs = {o["name"]: list(o.get("aliases", [])) for o in a.get("organ", [])}
        states[a["code"]] = {"name": a["name"], "organs": organs}
        for n in [a["name"], *a.get("names", []), *a.get("demonyms", [])]:
            # actors.toml wins: "US", "Beijing", "Kremlin" are its names for its states
            country_codes[n] = a["code"]
    groups: dict[str, Group] = {}
    for g in actors.get("group", []):
        group = Group(g["name"], g["state"], g.get("organ"), tuple(a for a in g.get("aliases", []) if a != g["name"]))
        for text in [g["name"], *g.get("aliases", [])]:
            groups.setdefault(text, group)
            groups.setdefault(text.upper(), group)
    sectors = tuple(
        (s["sector"], s["name"], re.compile(rf"\b(?:{s['pattern']})\b", re.IGNORECASE)) for s in stix.get("sector", [])
    )
    alpha2 = dict(item.split() for item in stix["country"]["alpha2"])
    return StixMapping(
        mapping_date=stix["mapping_date"],
        confidence={k: int(v) for k, v in stix["confidence"].items()},
        capabilities=stix["capability"],
        organ_threat_actors=frozenset(stix["organs"]["threat_actor"]),
        organ_sectors=dict(stix["organs"].get("sectors", {})),
        publisher_sectors=dict(stix.get("publisher_kind", {})),
        sectors=sectors,
        alpha2=alpha2,
        states=states,
        groups=groups,
        families=tuple((re.compile(f["pattern"]), f["state"]) for f in actors.get("family", [])),
        country_names=_names_pattern(list(country_codes)),
        country_codes=country_codes,
    )
