"""The structured content of a briefing, and the small text helpers its parts share."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def verify_quote(page_text: str, quote: str) -> bool:
    """True when `quote` occurs in `page_text`, whitespace normalised on both sides."""
    q = normalise_ws(quote)
    return bool(q) and q in normalise_ws(page_text)


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
class Source:
    """One [n]: a page of a document."""

    ref: int
    doc_id: str
    page_no: int
    title: str | None
    file_name: str
    publisher: str | None
    published: str | None


@dataclass(frozen=True)
class Quote:
    """A sentence verified verbatim on the page that `ref` cites."""

    ref: int
    text: str
    doc_id: str
    page_no: int
    actor: str | None = None
    capability: str | None = None
    likelihood: str | None = None
    confidence: str | None = None
    stance: str | None = None
    finding: int = 0  # near-duplicate cluster within its evidence group


@dataclass(frozen=True)
class EvidenceGroup:
    """The claims on one actor and capability; documents counted once each."""

    actor: str | None
    capability: str
    doc_ids: tuple[str, ...]
    strongest: str | None
    confidence: str | None
    quotes: tuple[Quote, ...]
    corroborated_findings: tuple[tuple[int, ...], ...]  # refs of near-identical statements
    best_rank: int

    @property
    def n_documents(self) -> int:
        return len(self.doc_ids)


@dataclass(frozen=True)
class Judgment:
    """A key judgment, templated from its group's structured fields."""

    actor: str | None
    capability: str
    n_documents: int
    strongest: str | None
    confidence: str | None
    refs: tuple[int, ...]
    text: str


@dataclass(frozen=True)
class Conflict:
    actor: str | None
    capability: str
    kind: str
    a: Quote
    b: Quote


@dataclass(frozen=True)
class TimelineEntry:
    published: str | None
    doc_id: str
    title: str | None
    file_name: str
    publisher: str | None
    refs: tuple[int, ...]


@dataclass(frozen=True)
class Gap:
    actor: str | None
    capability: str | None
    corpus_documents: int  # documents elsewhere in the corpus with such claims
    text: str


@dataclass(frozen=True)
class Briefing:
    topic: str
    today: str
    filters: Filters
    documents_searched: int
    topic_actors: tuple[str, ...]
    topic_capabilities: tuple[str, ...]
    tagging: str
    judgments: tuple[Judgment, ...]
    evidence: tuple[EvidenceGroup, ...]
    uncategorised: tuple[Quote, ...]
    conflicts: tuple[Conflict, ...]
    single_source: tuple[EvidenceGroup, ...]
    timeline: tuple[TimelineEntry, ...]
    gaps: tuple[Gap, ...]
    sources: tuple[Source, ...]
    dropped_quotes: int
