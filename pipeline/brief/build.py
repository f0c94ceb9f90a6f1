"""Hits and claims -> a cited, extractive briefing. No language model: every quote is verbatim.

briefing = build_briefing(searcher, "China cyber espionage", Filters(), today="2025-01-31")
markdown = render_markdown(briefing)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pipeline.brief.cluster import (
    MAX_QUOTE_CHARS,
    ClaimGroup,
    ScoredClaim,
    conflicting_pairs,
    content_words,
    group_claims,
    quotable,
)
from pipeline.brief.model import (
    Briefing,
    Conflict,
    EvidenceGroup,
    Gap,
    Judgment,
    Quote,
    Source,
    TimelineEntry,
    capability_label,
    level_label,
    normalise_ws,
    verify_quote,
)
from pipeline.brief.render import render_markdown
from pipeline.brief.topic import actor_name, topic_tags
from pipeline.claims.vocab import CONFIDENCES
from pipeline.index.filters import Filters
from pipeline.index.search import Searcher
from pipeline.index.store import Store
from pipeline.models import Hit
from pipeline.text import split_sentences, write_atomic

__all__ = ["Briefing", "build_briefing", "render_markdown", "verify_quote", "write_atomic"]

TOP_K = 60
MAX_GROUPS = 12
MAX_QUOTES_PER_GROUP = 10
MAX_JUDGMENTS = 7
MIN_JUDGMENTS = 3
MAX_CONFLICTS_PER_GROUP = 2
MAX_FALLBACK_QUOTES = 8


def _hits(source: Searcher | Store, topic: str, filters: Filters, k: int) -> list[Hit]:
    if isinstance(source, Searcher):
        return source.search(topic, k, filters)
    rows = source.fts_search(topic, k, filters)  # lexical only when no embedder is at hand
    by_id = source.chunks_by_id([cid for cid, _ in rows])
    hits: list[Hit] = []
    for cid, score in rows:
        r = by_id.get(cid)
        if r:
            hits.append(
                Hit(
                    len(hits) + 1,
                    -score,
                    cid,
                    r["doc_id"],
                    r["file_name"],
                    r["path"],
                    r["title"],
                    r["page_start"],
                    r["page_end"],
                    r["text"],
                    r["publisher"],
                    r["published"],
                )
            )
    return hits


def _passes(row: dict[str, Any], f: Filters) -> bool:
    return (
        (not f.actors or row["actor"] in f.actors)
        and (not f.capabilities or row["capability"] in f.capabilities)
        and (not f.ai_enabled or bool(row["ai_enabled"]))
        and (not f.likelihood or row["likelihood"] == f.likelihood)
    )


class _Pages:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[tuple[str, int], str | None] = {}

    def text(self, doc_id: str, page_no: int) -> str:
        key = (doc_id, page_no)
        if key not in self.cache:
            self.cache[key] = self.store.page_text(doc_id, page_no)
        return self.cache[key] or ""


def _select_claims(
    store: Store,
    hits: list[Hit],
    filters: Filters,
    actors: tuple[str, ...],
    caps: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Claims on the hit chunks, plus claims on requested actors/capabilities in hit documents."""
    rows = {r["claim_id"]: r for r in store.claims_for_chunks([h.chunk_id for h in hits])}
    if actors or caps:
        docs = {h.doc_id for h in hits}
        wanted = replace(filters, actors=actors, capabilities=caps)
        for r in store.claims(wanted):
            if r["doc_id"] in docs:
                rows.setdefault(r["claim_id"], r)
    return [r for _, r in sorted(rows.items()) if _passes(r, filters)]


class _Refs:
    """One [n] per (document, page), numbered in order of first citation."""

    def __init__(self, meta: dict[str, dict[str, Any]]) -> None:
        self.meta = meta
        self.refs: dict[tuple[str, int], int] = {}

    def quote(self, text: str, row: dict[str, Any], finding: int = 0) -> Quote:
        key = (row["doc_id"], int(row["page_no"]))
        ref = self.refs.setdefault(key, len(self.refs) + 1)
        return Quote(
            ref,
            text,
            key[0],
            key[1],
            row.get("actor"),
            row.get("capability"),
            row.get("likelihood"),
            row.get("confidence"),
            row.get("stance"),
            finding,
        )

    def sources(self) -> tuple[Source, ...]:
        out = []
        for (doc_id, page_no), ref in sorted(self.refs.items(), key=lambda kv: kv[1]):
            d = self.meta[doc_id]
            out.append(
                Source(
                    ref,
                    doc_id,
                    page_no,
                    d.get("title"),
                    d["file_name"],
                    d.get("publisher"),
                    d.get("published"),
                )
            )
        return tuple(out)


def _confidence(claims: Iterable[ScoredClaim]) -> str | None:
    found = [c.row["confidence"] for c in claims if c.row["confidence"] in CONFIDENCES]
    return max(found, key=CONFIDENCES.index) if found else None


def _judgment_text(g: EvidenceGroup) -> str:
    n = g.n_documents
    text = (
        f"{actor_name(g.actor)} — {capability_label(g.capability)}: reported by {n} "
        f"document{'s' if n != 1 else ''}; strongest estimative language: "
    )
    text += f"{level_label(g.strongest)} (ICD 203)" if g.strongest else "none used"
    if g.confidence:
        text += f"; highest stated confidence: {g.confidence}"
    return text + "."


def _conflicts(g: ClaimGroup, refs: _Refs) -> list[Conflict]:
    return [
        Conflict(
            g.actor,
            g.capability,
            kind,
            refs.quote(x.row["sentence"], x.row),
            refs.quote(y.row["sentence"], y.row),
        )
        for kind, x, y in conflicting_pairs(g, MAX_CONFLICTS_PER_GROUP)
    ]


def _fallback_quotes(store: Store, hits: list[Hit], topic: str, pages: _Pages, refs: _Refs) -> list[Quote]:
    """Without claims: the sentence of each top hit that shares most words with the topic."""

    terms = content_words(topic)
    out: list[Quote] = []
    seen: set[str] = set()
    for h in hits:
        best: tuple[tuple[Any, ...], str, int] | None = None
        for page_no in range(h.page_start, h.page_end + 1):
            text = pages.text(h.doc_id, page_no)
            for s, e in split_sentences(text):
                sentence = text[s:e]
                if not 40 <= len(sentence) <= MAX_QUOTE_CHARS or normalise_ws(sentence) in seen:
                    continue
                if h.text and normalise_ws(sentence) not in normalise_ws(h.text):
                    continue
                score = (-len(terms & content_words(sentence)), page_no, s)
                if best is None or score < best[0]:
                    best = (score, sentence, page_no)
        if best is None or not verify_quote(pages.text(h.doc_id, best[2]), best[1]):
            continue
        seen.add(normalise_ws(best[1]))
        row = {"doc_id": h.doc_id, "page_no": best[2]}
        out.append(refs.quote(best[1], row))
        if len(out) == MAX_FALLBACK_QUOTES:
            break
    return out


def _gaps(
    store: Store,
    filters: Filters,
    groups: list[ClaimGroup],
    actors: tuple[str, ...],
    caps: tuple[str, ...],
) -> list[Gap]:
    have = {(g.actor, g.capability) for g in groups}
    wanted: list[tuple[str | None, str | None]] = [(a, None) for a in actors]
    wanted += [(None, c) for c in caps]
    wanted += [(a, c) for a in actors for c in caps]
    out: list[Gap] = []
    for a, c in wanted:
        if any((a is None or a == ga) and (c is None or c == gc) for ga, gc in have):
            continue
        if a and c and any((x.actor, x.capability) in ((a, None), (None, c)) for x in out):
            continue  # already reported as missing on its own
        narrowed = replace(
            filters,
            actors=(a,) if a else filters.actors,
            capabilities=(c,) if c else filters.capabilities,
        )
        rows = store.claims(narrowed)
        n = len({r["doc_id"] for r in rows})
        what = " — ".join(x for x in (actor_name(a) if a else "", capability_label(c) if c else "") if x)
        if n:
            text = (
                f"{what}: no quotable claim among the passages retrieved for this topic; "
                f"{n} document{'s' if n != 1 else ''} in the corpus carry such claims "
                "(brief on them with --actor/--capability)."
            )
        else:
            text = f"{what}: no evidence in the documents searched."
        out.append(Gap(a, c, n, text))
    return out


def build_briefing(
    source: Searcher | Store,
    topic: str,
    filters: Filters | None = None,
    today: str = "",
    *,
    k: int = TOP_K,
) -> Briefing:
    """Search for `topic`, gather and verify the claims behind the best passages, structure them."""
    filters = filters or Filters()
    store = source.store if isinstance(source, Searcher) else source
    tags, tagging = topic_tags(topic)
    want_actors = tuple(sorted(set(filters.actors) | set(tags["actors"])))
    want_caps = tuple(sorted(set(filters.capabilities) | set(tags["capabilities"])))
    hits = _hits(source, topic, filters, k)
    rank_of: dict[int, int] = {}
    doc_rank: dict[str, int] = {}
    for h in hits:
        rank_of.setdefault(h.chunk_id, h.rank)
        doc_rank.setdefault(h.doc_id, h.rank)
    rows = _select_claims(store, hits, filters, want_actors, want_caps)
    meta = {d["doc_id"]: d for d in store.documents({h.doc_id for h in hits} | {r["doc_id"] for r in rows})}
    vectors = store.vectors_for([r["chunk_id"] for r in rows if r["chunk_id"] is not None])
    pages = _Pages(store)
    claims: list[ScoredClaim] = []
    dropped = 0
    for r in rows:
        sentence = r["sentence"]
        if not quotable(sentence) or not verify_quote(pages.text(r["doc_id"], r["page_no"]), sentence):
            dropped += 1
            continue
        rank = rank_of.get(r["chunk_id"], len(hits) + doc_rank.get(r["doc_id"], len(hits)))
        claims.append(ScoredClaim(r, rank, content_words(sentence), vectors.get(r["chunk_id"])))
    groups = group_claims(claims)

    def tier(g: ClaimGroup) -> int:
        """0: a requested actor and capability; 1: a requested actor only; 2: another actor."""
        hits_a = not want_actors or g.actor in want_actors
        hits_c = not want_caps or g.capability in want_caps
        return 0 if hits_a and hits_c else 1 if hits_a else 2

    groups.sort(key=lambda g: (tier(g), *g.sort_key()))
    shown = groups[:MAX_GROUPS] + [g for g in groups[MAX_GROUPS:] if tier(g) == 0]
    attributed = [g for g in shown if g.actor]
    multi = [g for g in attributed if g.n_docs >= 2]
    key_groups = [g for g in multi if tier(g) < 2][:MAX_JUDGMENTS]
    key_groups += [g for g in multi if tier(g) == 2][: max(0, MIN_JUDGMENTS - len(key_groups))]
    key_groups += [g for g in attributed if g.n_docs < 2][: max(0, MIN_JUDGMENTS - len(key_groups))]
    order = key_groups + [g for g in shown if g not in key_groups]

    refs = _Refs(meta)
    evidence: dict[int, EvidenceGroup] = {}
    for g in order:
        quotes = tuple(refs.quote(c.row["sentence"], c.row, c.finding) for c in g.per_doc[:MAX_QUOTES_PER_GROUP])
        by_finding = {q.finding: [] for q in quotes}  # type: dict[int, list[int]]
        for q in quotes:
            by_finding[q.finding].append(q.ref)
        corroborated = tuple(
            tuple(v) for f, v in sorted(by_finding.items()) if len(g.findings_docs[f]) >= 2 and len(v) >= 2
        )
        evidence[id(g)] = EvidenceGroup(
            g.actor,
            g.capability,
            tuple(sorted({c.doc_id for c in g.claims})),
            g.strongest,
            _confidence(g.claims),
            quotes,
            corroborated,
            g.best_rank,
        )
    judgments = []
    for g in key_groups:
        e = evidence[id(g)]
        judgments.append(
            Judgment(
                e.actor,
                e.capability,
                e.n_documents,
                e.strongest,
                e.confidence,
                tuple(q.ref for q in e.quotes),
                _judgment_text(e),
            )
        )
    conflicts = [c for g in shown for c in _conflicts(g, refs)]
    uncategorised = _fallback_quotes(store, hits, topic, pages, refs) if not claims else []
    sources = refs.sources()
    timeline = _timeline(sources)
    return Briefing(
        topic=topic,
        today=today,
        filters=filters,
        documents_searched=store.count_documents(filters),
        topic_actors=tuple(tags["actors"]),
        topic_capabilities=tuple(tags["capabilities"]),
        tagging=tagging,
        judgments=tuple(judgments),
        evidence=tuple(evidence[id(g)] for g in shown),
        uncategorised=tuple(uncategorised),
        conflicts=tuple(conflicts),
        single_source=tuple(evidence[id(g)] for g in shown if g.n_docs == 1),
        timeline=timeline,
        gaps=tuple(_gaps(store, filters, groups, want_actors, want_caps)),
        sources=sources,
        dropped_quotes=dropped,
    )


def _timeline(sources: tuple[Source, ...]) -> tuple[TimelineEntry, ...]:
    by_doc: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        by_doc[s.doc_id].append(s)
    entries = [
        TimelineEntry(
            v[0].published,
            d,
            v[0].title,
            v[0].file_name,
            v[0].publisher,
            tuple(sorted(s.ref for s in v)),
        )
        for d, v in by_doc.items()
    ]
    return tuple(sorted(entries, key=lambda e: (e.published is None, e.published or "", e.file_name, e.doc_id)))
