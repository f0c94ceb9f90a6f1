"""Grouping claims by actor and capability, and clustering near-duplicate sentences in a group."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.brief.model import is_affirmative, is_negative, strength, strongest
from pipeline.claims.vocab import LIKELIHOODS

MAX_QUOTE_CHARS = 700
LEXICAL_SAME = 0.5  # word-set Jaccard at which two sentences state the same finding
LEXICAL_FLOOR = 0.3  # with chunk vectors this close, a lower Jaccard suffices
VECTOR_SAME = 0.9
MAX_CONFLICT_MEMBERS = 40
_ENDS = re.compile(r"[.!?][\"”’)]?\s*$")
_WORD = re.compile(r"[a-z0-9]{3,}")
_STOP = frozenset(
    "the and for that with this from are was were has have had its their they them which who "
    "been also into than then such these those other more most over can could would should "
    "may might will not but all any our out use used using how what when where does did".split()
)


@dataclass
class ScoredClaim:
    row: dict[str, Any]
    rank: int  # relevance: the hit rank of its chunk, or after all hits
    words: frozenset[str]
    vector: np.ndarray | None = None
    finding: int = 0

    @property
    def doc_id(self) -> str:
        return str(self.row["doc_id"])

    @property
    def key(self) -> tuple[Any, ...]:
        r = self.row
        return (self.rank, r["doc_id"], r["page_no"], r["char_start"], r["claim_id"])


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def cluster_near_duplicates(claims: list[ScoredClaim]) -> None:
    """Greedy near-duplicate clustering: sentence words, helped by the chunk vectors."""
    reps: list[ScoredClaim] = []
    for c in claims:
        for i, rep in enumerate(reps):
            j = _jaccard(c.words, rep.words)
            close = (
                c.vector is not None and rep.vector is not None and float(np.dot(c.vector, rep.vector)) >= VECTOR_SAME
            )
            if j >= LEXICAL_SAME or (close and j >= LEXICAL_FLOOR):
                c.finding = i
                break
        else:
            c.finding = len(reps)
            reps.append(c)


@dataclass
class ClaimGroup:
    actor: str | None
    capability: str
    claims: list[ScoredClaim]
    per_doc: list[ScoredClaim]  # one representative claim per document, display order
    findings_docs: dict[int, set[str]]
    organ: str | None = None  # the service or group acting, where claims name one

    @property
    def n_docs(self) -> int:
        return len({c.doc_id for c in self.claims})

    @property
    def best_rank(self) -> int:
        return min(c.rank for c in self.claims)

    @property
    def strongest(self) -> str | None:
        return strongest([c.row["likelihood"] for c in self.claims])

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.actor is None,
            -self.n_docs,
            -strength(self.strongest),
            self.best_rank,
            self.actor or "",
            self.capability,
        )


def _pick_key(c: ScoredClaim, docs: dict[int, set[str]]) -> tuple[Any, ...]:
    """Prefer whole sentences, then the most corroborated finding, then relevance."""
    return (not _ENDS.search(c.row["sentence"]), -len(docs[c.finding]), c.key)


def group_claims(claims: list[ScoredClaim], *, by_organ: bool = False) -> list[ClaimGroup]:
    """Claims grouped by actor and capability (and the acting organ or group, with by_organ)."""
    by_key: dict[tuple[str, str, str], list[ScoredClaim]] = defaultdict(list)
    for c in sorted(claims, key=lambda c: c.key):
        organ = str(c.row.get("organ") or "").strip() if by_organ else ""
        by_key[(c.row["actor"] or "", c.row["capability"], organ.casefold())].append(c)
    groups = []
    for (actor, cap, _), members in sorted(by_key.items()):
        cluster_near_duplicates(members)
        docs: dict[int, set[str]] = defaultdict(set)
        for c in members:
            docs[c.finding].add(c.doc_id)
        best: dict[str, ScoredClaim] = {}
        for c in members:  # per document: the claim of its most corroborated finding
            if c.doc_id not in best or _pick_key(c, docs) < _pick_key(best[c.doc_id], docs):
                best[c.doc_id] = c
        per_doc = sorted(best.values(), key=lambda c: (-len(docs[c.finding]), c.finding, c.key))
        shown = str(members[0].row.get("organ") or "").strip() if by_organ else ""
        groups.append(ClaimGroup(actor or None, cap, members, per_doc, dict(docs), shown or None))
    return sorted(groups, key=ClaimGroup.sort_key)


SAME_SUBJECT_WORDS = 3  # content words two statements share, beyond chance, to be about the same thing


def _state_words(*claims: ScoredClaim) -> frozenset[str]:
    """The words that name states in the claims' sentences ("Chinese", "government"): shared by any two
    statements about one actor, so they do not make two statements about the same thing."""
    from pipeline.brief.evidence import mentions_of

    return frozenset(
        w
        for c in claims
        for m in mentions_of(c.row["sentence"])
        for w in content_words(c.row["sentence"][m.start : m.end])
    )


def conflicting_pairs(g: ClaimGroup, limit: int) -> list[tuple[str, ScoredClaim, ScoredClaim]]:
    """Pairs of documents that give different likelihoods, or where one doubts what one asserts."""
    found: list[tuple[tuple[Any, ...], str, ScoredClaim, ScoredClaim]] = []
    members = sorted(g.claims, key=lambda c: c.key)[:MAX_CONFLICT_MEMBERS]  # the most relevant: pairs are O(n²)
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.doc_id == b.doc_id or len((a.words & b.words) - _state_words(a, b)) < SAME_SUBJECT_WORDS:
                continue  # two statements conflict only about the same thing, not the same state alone
            la, lb = a.row["likelihood"], b.row["likelihood"]
            if la in LIKELIHOODS and lb in LIKELIHOODS and la != lb:
                diff = abs(LIKELIHOODS.index(la) - LIKELIHOODS.index(lb))
                first, second = (a, b) if LIKELIHOODS.index(la) > LIKELIHOODS.index(lb) else (b, a)
                found.append(((-diff, a.key, b.key), "different likelihood", first, second))
                continue
            for x, y in ((a, b), (b, a)):
                if is_affirmative(x.row["likelihood"], x.row["stance"], x.row["sentence"]) and is_negative(
                    y.row["likelihood"], y.row["sentence"]
                ):
                    found.append(((-7, a.key, b.key), "asserted by one source, doubted by another", x, y))
                    break
    out: list[tuple[str, ScoredClaim, ScoredClaim]] = []
    pairs: set[frozenset[str]] = set()
    for _, kind, x, y in sorted(found, key=lambda t: t[0]):
        pair = frozenset((x.doc_id, y.doc_id))
        if pair in pairs:
            continue
        pairs.add(pair)
        out.append((kind, x, y))
        if len(out) == limit:
            break
    return out
