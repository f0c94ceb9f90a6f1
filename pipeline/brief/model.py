"""The structured briefing (what `brief --json` emits and the Markdown renders) and small helpers."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.claims.vocab import LIKELIHOODS
from pipeline.index.filters import Filters

_WS = re.compile(r"\s+")
_DOUBT = re.compile(
    r"\b(?:no (?:clear |direct |conclusive )?evidence|doubt\w*|unclear (?:whether|if)|"
    r"not clear (?:whether|that|if)|(?:cannot|could not|unable to) (?:confirm|verify|attribute)|"
    r"did not find|found no|has not been (?:confirmed|attributed)|unconfirmed|unsubstantiated)\b",
    re.IGNORECASE,
)


def normalise_ws(text: str) -> str:
    """Runs of whitespace collapsed to one space, ends trimmed."""
    return _WS.sub(" ", text).strip()


ELISION = "[…]"  # where a quote leaves out a link target the page prints inline
# A web print's inline link target ("<https://…>"), with the short bracket label it sits in
# ("[T1190 <https://…>]", "[1 <https://…>]"); what a reader of the page sees is the anchor text.
_LINK_TARGET = re.compile(
    r"\s*(?:\[[^\[\]<>]{0,24}<(?:https?://|/|mailto:)[^<>]*>\]|<(?:https?://|/|mailto:)[^<>]*>|"
    r"(?<!\S)[^\s<>]*/[^\s<>]*>)"  # the last: a target's tail whose head the page lost at a line end
)


_LINK_HEAD = re.compile(r"\s*<(?:https?://|/|mailto:)[^<>]*$")  # a link target cut off at the page's end
_LINK_TAIL = re.compile(r"^[^\s<>]*>")  # ... and the rest of it at the next page's start


def page_parts(head: str, tail: str) -> tuple[str, str]:
    """The two pages' runs of a sentence that runs on to the next page, as quoted (link targets elided)."""
    head, tail = _LINK_HEAD.sub(" " + ELISION, head), _LINK_TAIL.sub(ELISION, tail.lstrip())
    return elide_links(head), elide_links(tail)


def join_parts(head: str, tail: str) -> str:
    """The sentence whole, from its two pages' runs."""
    if head.endswith(ELISION) and tail.startswith(ELISION):
        tail = tail[len(ELISION) :].lstrip()
    return normalise_ws(head + ("" if tail[:1] in ",.;:)" else " ") + tail)


def elide_links(text: str) -> str:
    """The sentence with each inline link target replaced by an elision mark, whitespace normalised."""
    if ">" not in text:
        return normalise_ws(text)  # every link target ends so
    return normalise_ws(_LINK_TARGET.sub(" " + ELISION, text))


def quote_parts(quote: str) -> list[str]:
    """The verbatim runs of a quote, split where it elides (each must be on the page, in order)."""
    return [p for p in (normalise_ws(x) for x in quote.split(ELISION)) if any(ch.isalnum() for ch in p)]


def in_order(parts: list[str], haystack: str) -> bool:
    """Every part occurs in `haystack`, each after the one before."""
    at = 0
    for part in parts:
        i = haystack.find(part, at)
        if i < 0:
            return False
        at = i + len(part)
    return bool(parts)


def verify_quote(page_text: str, quote: str) -> bool:
    """True when `quote` occurs in `page_text`, whitespace normalised on both sides; an elided quote's
    verbatim runs must each occur, in order."""
    return in_order(quote_parts(quote), normalise_ws(page_text))


def level_label(level: str | None) -> str:
    return level.replace("_", " ") if level else "none"


def capability_label(code: str | None) -> str:
    return code.replace("_", " ") if code else "uncategorised"


def strength(level: str | None) -> int:
    """How far an ICD 203 term is from even odds: 0 for none, 1 for even chance, 4 at the ends."""
    if level not in LIKELIHOODS:
        return 0
    return 1 + abs(LIKELIHOODS.index(level) - 3)


def strongest(levels: list[str | None]) -> str | None:
    """The strongest term used; between equally strong ones, the more probable."""
    known = [lv for lv in levels if lv in LIKELIHOODS]
    if not known:
        return None
    return max(known, key=lambda lv: (strength(lv), LIKELIHOODS.index(lv)))


def is_negative(likelihood: str | None, sentence: str) -> bool:
    """The sentence marks the activity improbable or doubts it."""
    if likelihood in LIKELIHOODS:
        return LIKELIHOODS.index(likelihood) < 3
    return bool(_DOUBT.search(sentence))


def is_affirmative(likelihood: str | None, stance: str | None, sentence: str) -> bool:
    """The sentence asserts the activity: a probable term, or a plain fact or assessment."""
    if likelihood in LIKELIHOODS:
        return LIKELIHOODS.index(likelihood) > 3
    return stance in ("fact", "assessment") and not _DOUBT.search(sentence)


@dataclass(frozen=True)
class Question:
    """What the topic asks: named actors, capabilities and targets, a time window, the words."""

    text: str
    actors: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    target_states: tuple[str, ...] = ()  # states the question names as acted on
    since: str | None = None
    until: str | None = None
    tagging: str = "taxonomy matchers"
    ai: bool = False  # the question asks about AI (its words, or the AI filter)

    @property
    def all_actors(self) -> bool:
        """No state named: every actor is in scope."""
        return not self.actors


@dataclass(frozen=True)
class Statement:
    """A sentence of the bottom line and the references that carry it."""

    text: str
    refs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Source:
    """One [n]: a page of a document."""

    ref: int
    doc_id: str
    page_no: int
    title: str | None
    file_name: str
    publisher: str | None
    published: str | None
    kind: str | None = None  # government, intelligence, think tank, academic, NGO, vendor, platform
    doc_number: str | None = None
    ocr: bool = False


@dataclass(frozen=True)
class Quote:
    """A whole sentence verified verbatim on the page that `ref` cites."""

    ref: int
    text: str
    doc_id: str
    page_no: int
    actor: str | None = None
    capability: str | None = None
    likelihood: str | None = None
    confidence: str | None = None
    stance: str | None = None
    finding: int = 0  # near-duplicate cluster within its judgment
    target: str | None = None
    ai_enabled: bool = False
    verification: str = "verified"  # or "unverifiable: <why>"
    ref_next: int | None = None  # a sentence that runs on to the next page: that page's reference


@dataclass(frozen=True)
class Judgment:
    """Who does what to whom, with AI or not, how likely: composed from one cluster of claims."""

    actor: str | None
    capability: str
    target: str | None
    ai_enabled: bool
    likelihood: str | None  # the sources' own ICD 203 term, never inferred
    confidence: str | None
    independent_sources: int
    n_documents: int
    publishers: tuple[str, ...]
    quote: Quote
    refs: tuple[int, ...]
    text: str
    organ: str | None = None  # the service or group acting, as the quoted sentence names it


@dataclass(frozen=True)
class AlsoReported:
    """An actor the question does not name, reported in the passages found: one line, no quotes."""

    actor: str
    capabilities: tuple[str, ...]
    n_documents: int
    refs: tuple[int, ...]


@dataclass(frozen=True)
class Conflict:
    actor: str | None
    capability: str
    kind: str
    a: Quote
    b: Quote


@dataclass(frozen=True)
class TimelineEntry:
    """An event dated in a quoted sentence (kind "event") or, as a fallback, a publication date."""

    date: str  # sortable: YYYY, YYYY-MM or YYYY-MM-DD
    date_text: str  # as the sentence words it ("mid-December 2020")
    kind: str  # "event" or "published"
    text: str
    ref: int
    publisher: str | None


@dataclass(frozen=True)
class Gap:
    what: str
    kind: str  # "not_in_index", "no_claim" or "not_retrieved"
    text: str
    actor: str | None = None
    capability: str | None = None


@dataclass(frozen=True)
class Briefing:
    question: Question
    today: str
    filters: Filters
    documents_searched: int
    bluf: tuple[Statement, ...]
    source_mix: str
    judgments: tuple[Judgment, ...]
    evidence: tuple[Quote, ...]  # most relevant to the question first; judgment quotes not repeated
    also_reported: tuple[AlsoReported, ...]
    conflicts: tuple[Conflict, ...]
    timeline: tuple[TimelineEntry, ...]
    gaps: tuple[Gap, ...]
    sources: tuple[Source, ...]
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> quotes left out
    unverifiable: int = 0

    @property
    def topic(self) -> str:
        return self.question.text

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data: the same model the Markdown renders."""
        return asdict(self)
