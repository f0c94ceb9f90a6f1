"""What a person types for an actor or a capability, resolved to the codes claims are stored under.

`--actor` takes an ISO code ("RUS"), a state's name ("Russia", "Kremlin"), a demonym
("Russian"), an organ ("GRU") or a named group ("Fancy Bear"), case-insensitively, all read
from the taxonomy data. `--capability` takes a code ("cyber_espionage"), the code with
spaces or hyphens ("cyber espionage"), or one word that names a single capability
("espionage"). Anything else is a UsageError that suggests the nearest names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.claims.taxonomy import load_taxonomy
from pipeline.claims.vocab import CAPABILITIES
from pipeline.errors import UsageError

SUGGESTIONS = 4


@dataclass(frozen=True)
class ActorName:
    """One way of naming an actor: the text as written in the taxonomy, its state and kind."""

    text: str
    code: str
    kind: str  # code, state, demonym, organ, group


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().casefold()


@lru_cache(maxsize=1)
def actor_names() -> dict[str, ActorName]:
    """Every name the taxonomy knows, casefolded, to its state; the first kind listed wins a clash."""
    tax = load_taxonomy()
    out: dict[str, ActorName] = {}

    def add(text: str, code: str, kind: str) -> None:
        if text and _key(text) not in out:
            out[_key(text)] = ActorName(text, code, kind)

    for code in [*tax.actors, *tax.countries]:
        add(code, code, "code")
    for code, info in tax.actors.items():
        add(info["name"], code, "state")
        for text in info.get("names", []):
            add(text, code, "state")
    for code, names in tax.countries.items():
        for text in names[:1]:
            add(text, code, "state")
    for code, info in tax.actors.items():
        for text in info.get("demonyms", []):
            add(text, code, "demonym")
    for code, names in tax.countries.items():
        for text in names[1:]:
            add(text, code, "state")
    for code, info in tax.actors.items():
        for organ in info.get("organs", []):
            if organ["name"][:1].isupper():  # "state media" is a label, not a name
                add(organ["name"], code, "organ")
            for text in organ.get("aliases", []):
                add(text, code, "organ")
    for group in tax.groups:
        for text in [group["name"], *group.get("aliases", [])]:
            add(text, group["state"], "group")
    return out


def _nearest(value: str, choices: dict[str, str]) -> list[str]:
    """Display forms of the choices nearest to `value` (keys are casefolded)."""
    hits = difflib.get_close_matches(_key(value), list(choices), n=SUGGESTIONS, cutoff=0.6)
    return list(dict.fromkeys(choices[h] for h in hits))


def resolve_actor(value: str) -> ActorName:
    """The state a name, alias or code stands for; UsageError with the nearest names if none."""
    found = actor_names().get(_key(value))
    if found is not None:
        return found
    names = actor_names()
    near = _nearest(value, {k: f"{n.text} ({n.code})" if n.kind != "code" else n.text for k, n in names.items()})
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise UsageError(f"unknown actor {value!r}{hint} (names, aliases, groups and ISO codes: `threatbrief taxonomy`)")


def resolve_actors(values: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Codes for several actor values, in order, without repeats."""
    return tuple(dict.fromkeys(resolve_actor(v).code for v in values or ()))


def resolve_capability(value: str) -> str:
    """The capability code for a code, a spaced or hyphenated code, or one distinctive word."""
    key = re.sub(r"[\s\-]+", "_", _key(value))
    if key in CAPABILITIES:
        return key
    words = [w for w in key.split("_") if w]
    matches = [c for c in CAPABILITIES if words and all(any(t.startswith(w) for t in c.split("_")) for w in words)]
    if len(matches) == 1 and len(key) >= 4:
        return matches[0]
    near = matches if len(matches) > 1 else _nearest(key, {c: c for c in CAPABILITIES})
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise UsageError(f"unknown capability {value!r}{hint} (known: {', '.join(CAPABILITIES)})")


def resolve_capabilities(values: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(resolve_capability(v) for v in values or ()))
