"""The claim taxonomy as data (actors, groups, capabilities, ICD 203 terms) read from TOML."""

from __future__ import annotations

import importlib
import re
import tomllib
from dataclasses import dataclass, field, fields
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
    # a state buying the goods: a trigger that, like a sale, names the goods (`products`) and is no
    # act of the buyer (features.Features.bought)
    purchases: tuple[str, ...] = ()
    # the buyer putting the goods to use ("..., which used it against activists"): the goods' words
    # stand beside a sale too
    put_to_use: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    """A rule field as JSON holds it: a tuple of patterns as a list."""
    return list(value) if isinstance(value, tuple) else value


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
            # every pattern list of a capability, as the tagger reads it (fields, so none is left out)
            "capabilities": {
                code: {f.name: _plain(getattr(r, f.name)) for f in fields(r) if f.name != "code"}
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


_LISTS = tuple(f.name for f in fields(CapabilityRules) if f.name not in ("code", "covers"))


def _rules(code: str, raw: dict[str, Any], fragments: dict[str, str]) -> CapabilityRules:
    """One capability's patterns, each `{NAME}` in them written out as the fragment NAME."""

    def expand(pattern: str) -> str:
        def fragment(m: re.Match[str]) -> str:
            if m[1] not in fragments:
                raise ValueError(f"capabilities.toml: {code}: no fragment {m[1]!r} in [fragments]")
            return fragments[m[1]]

        return re.sub(r"\{([A-Z][A-Z_]+)\}", fragment, pattern)

    lists = {name: tuple(expand(p) for p in raw.get(name, [])) for name in _LISTS}
    return CapabilityRules(code=code, covers=raw.get("covers", ""), **lists)


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
    fragments = caps_raw.get("fragments", {})
    capabilities = {code: _rules(code, c, fragments) for code, c in caps_raw["capability"].items()}
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
    body = _by_first_letter(parts)
    return re.compile(rf"\b(?:{body})\b" if bounded else body, re.IGNORECASE)


# Python's regex engine tries every alternative of `a|b|...` at every position it searches. A
# capability's hundred patterns, grouped by the letter they can start with behind a lookahead
# ("(?=s)(?:smear...|swarm...)|(?=t)(?:...)"), are tried only where that letter stands.
_DISPATCH_FROM = 8  # patterns; fewer gain nothing from the lookaheads
_ASCII = frozenset(chr(c) for c in range(128))


def first_letters(items: Any) -> tuple[frozenset[str] | None, bool]:
    """Of a parsed regex (a sequence of items): the lower-case ASCII characters its matches can
    start with (None where one may start otherwise, or that cannot be shown) and whether it can
    match the empty string."""
    sre = importlib.import_module("re._constants")  # the stdlib's own regex parse tree
    first: set[str] = set()
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width: the first character comes after
        if op is sre.LITERAL:
            chars, empty = frozenset({chr(av).lower()}), False
        elif op is sre.IN:
            found: set[str] = set()
            for kind, val in av:
                if kind is sre.LITERAL:
                    found.add(chr(val).lower())
                elif kind is sre.RANGE and val[1] < 128:
                    found |= {chr(c).lower() for c in range(val[0], val[1] + 1)}
                else:
                    return None, True
            chars, empty = frozenset(found), False
        elif op is sre.SUBPATTERN:
            got, empty = first_letters(av[3].data)
            if got is None:
                return None, True
            chars = got
        elif op is sre.BRANCH:
            alts = [first_letters(alt.data) for alt in av[1]]
            if any(a is None for a, _ in alts):
                return None, True
            chars = frozenset().union(*(a for a, _ in alts if a is not None))
            empty = any(e for _, e in alts)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            got, empty = first_letters(av[2].data)
            if got is None:
                return None, True
            chars, empty = got, empty or av[0] == 0
        else:
            return None, True
        if not chars <= _ASCII:
            return None, True
        first |= chars
        if not empty:
            return frozenset(first), False
    return frozenset(first), True


def _by_first_letter(parts: list[str]) -> str:
    """`(?:p1)|(?:p2)|...` with runs of its patterns grouped under lookaheads of the letters they
    start with. At any position only the patterns that can start with the character there can
    match, and all are still tried in their written order, so the regex finds the same matches,
    spans included. A pattern whose first letters cannot be read, that may match nothing or that
    holds a group stays a plain alternative between the runs."""
    plain = [f"(?:{p})" for p in parts]
    if len(parts) < _DISPATCH_FROM:
        return "|".join(plain)
    parser = importlib.import_module("re._parser")
    out: list[str] = []
    run: dict[str, list[str]] = {}

    def close_run() -> None:
        out.extend(f"(?={re.escape(k)})(?:{'|'.join(ps)})" for k, ps in sorted(run.items()))
        run.clear()

    for p, alt in zip(parts, plain, strict=True):
        try:
            tree = parser.parse(p, re.IGNORECASE)
            letters, empty = first_letters(tree.data)
            grouped = tree.state.groups > 1  # named groups count too
        except Exception:  # a Python whose regex internals differ
            letters, empty, grouped = None, True, True
        if letters is None or empty or grouped:
            close_run()
            out.append(alt)
            continue
        for letter in sorted(letters):
            run.setdefault(letter, []).append(alt)
    close_run()
    return "|".join(out)
