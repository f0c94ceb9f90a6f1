"""Question -> a cited, extractive briefing. No language model: every quote is verbatim and verified twice.

briefing = build_briefing(searcher, "How does China target telecoms?", Filters(), today="2025-01-31")
markdown = render_markdown(briefing)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pipeline.brief import judge
from pipeline.brief.cluster import ClaimGroup, ScoredClaim, conflicting_pairs, content_words, group_claims
from pipeline.brief.evidence import (
    BONUS_SPECIFIC,
    Candidate,
    footnote_breaks,
    gather,
    mentions_of,
    named_actor,
    reporting,
    score,
    specificity,
)
from pipeline.brief.gaps import find_gaps
from pipeline.brief.means import asks_how, means_statement
from pipeline.brief.model import (
    AlsoReported,
    Briefing,
    Conflict,
    Gap,
    Judgment,
    Question,
    Quote,
    Source,
    Statement,
    elide_links,
    normalise_ws,
    verify_quote,
)
from pipeline.brief.prose import strip_bullet
from pipeline.brief.render import render_markdown
from pipeline.brief.select import SAME_SENTENCE, Checker, select_evidence
from pipeline.brief.sources import document_number, ocr_pages, publisher_kind, source_mix
from pipeline.brief.timeline import build_timeline
from pipeline.brief.topic import actor_name, facet_queries, parse_question
from pipeline.brief.verify import VERIFIED
from pipeline.index.filters import Filters
from pipeline.index.search import Searcher, rrf_fuse
from pipeline.index.store import Store
from pipeline.models import Hit
from pipeline.text import write_atomic

__all__ = ["Briefing", "build_briefing", "render_markdown", "verify_quote", "write_atomic"]

TOP_K = 60  # passages retrieved for the question
FACET_K = 20  # hits per facet search
OTHERS_MIN = 5  # claim sentences filing other states acting, for a report without an asked state's to be about them
AGAINST_MIN = 3  # claim sentences whose target names an asked state, for a report to be about acts against it
AGAINST_SHARE = 1.5  # ... and more than this many times those whose actor it is
WHOLE_PAGES = 40  # the pages of the first hits are read whole, not only the passage that matched
KEEP_SEARCH_ORDER = 20  # the question's own top hits lead, as `search` shows them
QUESTION_WEIGHT = 2.0  # the whole question against each facet, in the fusion
TOP_DOCUMENTS = 10  # the documents whose passages rank first are searched again on their own
DEEPER_K = 60  # hits of that search (the question, within those documents only)
DEEPER_PER_DOCUMENT = 3  # ... added per document, beyond the passages already found
MAX_CLAIM_CANDIDATES = 250  # sentences with a claim on the question, from those documents, outside the passages
MAX_JUDGMENTS = 8
MAX_CLAIM_EVIDENCE = 5  # claims found by actor and capability filters, added to the evidence appendix
BLUF_REFS = 3  # a bottom-line sentence cites its strongest sources, not every document
MAX_BLUF_TARGETS = 2  # targets one bottom-line sentence names
DISTINCT_TRIES = 4  # sentences tried for a judgment worded unlike those before it
MIN_JUDGMENTS = 4  # past these, a judgment must be on the asked capabilities and targets
MAX_BLUF = 3
MAX_CONFLICTS = 3
RELEVANT_SHARE = 0.6  # a judgment's best sentence scores at least this share of the top judgment's
OTHER_CAPABILITY_SHARE = 0.85  # ... when it is not of a capability, or on a target, the question names


def _search(source: Searcher | Store, query: str, filters: Filters, k: int) -> list[Hit]:
    if isinstance(source, Searcher):
        return source.search(query, k, filters)
    rows = source.fts_search(query, k, filters)  # lexical only when no embedder is at hand
    by_id = source.chunks_by_id([cid for cid, _ in rows])
    return [
        Hit(i, -s, cid, r["doc_id"], r["file_name"], r["path"], r["title"], r["page_start"], r["page_end"], r["text"])
        for i, (cid, s) in enumerate(((c, s) for c, s in rows if c in by_id), 1)
        for r in (by_id[cid],)
    ]


def _hits(source: Searcher | Store, q: Question, filters: Filters, k: int) -> list[Hit]:
    """The question's own top hits first, in search's order (the briefing keeps what search finds), then
    the best of the question and its facet searches fused by reciprocal rank."""
    main = _search(source, q.text, filters, k)
    lists = [([h.chunk_id for h in main], QUESTION_WEIGHT)]
    by_id = {h.chunk_id: h for h in main}
    for facet in facet_queries(q):
        found = _search(source, facet, filters, FACET_K)
        lists.append(([h.chunk_id for h in found], 1.0))
        for h in found:
            by_id.setdefault(h.chunk_id, h)
    order = [h.chunk_id for h in main[:KEEP_SEARCH_ORDER]]
    order += [cid for cid, _ in rrf_fuse(lists) if cid not in order]
    out: list[Hit] = []
    seen: set[tuple[str, int, int]] = set()
    for cid in order:
        h = by_id[cid]
        where = (h.doc_id, h.page_start, h.page_end)
        if where not in seen:
            seen.add(where)
            out.append(replace(h, rank=len(out) + 1))
        if len(out) == k:
            break
    return out + _deeper(source, q, filters, out)


def _deeper(source: Searcher | Store, q: Question, filters: Filters, found: list[Hit]) -> list[Hit]:
    """More passages from the documents that answer the question best: the question searched again within
    them, so that a report's other pages on it are read too, not only those that outrank other reports."""
    top = list(dict.fromkeys(h.doc_id for h in found))[:TOP_DOCUMENTS]
    if not top:
        return []
    seen = {(h.doc_id, h.page_start, h.page_end) for h in found}
    per_doc: dict[str, int] = defaultdict(int)
    out: list[Hit] = []
    for h in _search(source, q.text, replace(filters, docs=tuple(top)), DEEPER_K):
        where = (h.doc_id, h.page_start, h.page_end)
        if where in seen or per_doc[h.doc_id] >= DEEPER_PER_DOCUMENT:
            continue
        seen.add(where)
        per_doc[h.doc_id] += 1
        out.append(replace(h, rank=len(found) + len(out) + 1))
    return out


def _hit_claims(store: Store, hits: list[Hit], q: Question) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    """The claims on the hit passages and on every sentence of the pages of the first WHOLE_PAGES hits
    (a claim whose actor the document otherwise treats as the target, unattributed), and those
    (document, asked state) pairs (see `_against`)."""
    rows = {r["claim_id"]: r for r in store.claims_for_chunks([h.chunk_id for h in hits])}
    pages = {(h.doc_id, p) for h in hits[:WHOLE_PAGES] for p in range(h.page_start, h.page_end + 1)}
    docs = tuple(dict.fromkeys(h.doc_id for h in hits))
    every = store.claims(Filters(docs=docs)) if docs and (pages or q.actors) else []
    for r in every:
        if (r["doc_id"], int(r["page_no"])) in pages:
            rows.setdefault(r["claim_id"], r)
    against = _against(every, q)
    out = [rows[k] for k in sorted(rows)]
    unfiled = [dict(r, actor=None, actor_mention=None) if (r["doc_id"], r["actor"]) in against else r for r in out]
    return unfiled, against | {(d, "") for d in _about_others(every, q)}


def _about_others(rows: list[dict[str, Any]], q: Question) -> set[str]:
    """Documents about other states' acts: their claims file states the question does not ask about (nor
    names as targets) acting in at least OTHERS_MIN sentences, and an asked state in none. For a question
    about one state, such a report's sentences that do not have that state acting are about someone else."""
    if not q.actors or q.all_actors:
        return set()
    mine: dict[str, int] = defaultdict(int)
    others: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if not r["actor"] or reporting(r):
            continue
        if r["actor"] in q.actors:
            mine[r["doc_id"]] += 1
        elif r["actor"] not in q.target_states:
            others[r["doc_id"]].add(r["sentence"])
    return {d for d, v in others.items() if len(v) >= OTHERS_MIN and not mine[d]}


def _against(rows: list[dict[str, Any]], q: Question) -> set[tuple[str, str]]:
    """(document, asked state) where the document is about operations against that state: its claims'
    targets (the extractor's target role) name the state in at least AGAINST_MIN sentences and in more
    than AGAINST_SHARE times as many as those whose actor it is (a report on a worm that hit a country's
    centrifuges, whose sentences about that country the extractor may still file as its acts). A state
    the question itself names as a target does not count as one here."""
    if not q.actors:
        return set()
    asked_targets = {t.lower() for t in q.targets}
    target: dict[tuple[str, str], set[str]] = defaultdict(set)
    actor: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        if r["actor"] in q.actors and not reporting(r):
            actor[(r["doc_id"], r["actor"])].add(r["sentence"])
        for m in mentions_of(r["target"]) if r["target"] else ():
            said = r["target"][m.start : m.end].lower()
            if m.alias.code in q.actors and not any(t in said or said in t for t in asked_targets):
                target[(r["doc_id"], m.alias.code)].add(r["sentence"])
    return {k for k, v in target.items() if len(v) >= AGAINST_MIN and len(v) > AGAINST_SHARE * len(actor[k])}


def _chunk_similarity(
    source: Searcher | Store, topic: str, hits: list[Hit], more: set[int] | None = None
) -> dict[int, float]:
    """Cosine of the question's embedding with each hit's chunk vector, and with the `more` chunks
    (empty without an embedder)."""
    if not isinstance(source, Searcher) or not hits:
        return {}
    import numpy as np

    allowed = np.array(sorted({h.chunk_id for h in hits} | (more or set())), dtype=np.int64)
    found = source.index.search(source.embed_query(topic), len(allowed), allowed)
    return {int(cid): float(sim) for cid, sim in found}


def _claim_candidates(
    store: Store,
    hits: list[Hit],
    cands: list[Candidate],
    q: Question,
    filters: Filters,
    of_rank: dict[int, int],
    page_text: Callable[[str, int], str],
    against: set[tuple[str, str]],
) -> list[Candidate]:
    """The sentences of the retrieved documents outside the retrieved passages that carry a claim by an
    asked actor (or, for a question about any state, on an asked capability): what the filters find that
    the searches did not rank. Each is ranked after the hits and scored like them; its chunk is recorded
    in `of_rank` so that its passage's similarity to the question counts."""
    if not (q.actors or q.capabilities):
        return []
    docs = list(dict.fromkeys(h.doc_id for h in hits))[:TOP_DOCUMENTS]
    spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for c in cands:
        spans[(c.doc_id, c.page_no)].append((c.start, c.end))
    wanted = replace(filters, actors=q.actors) if q.actors else replace(filters, capabilities=q.capabilities)
    by_sentence: dict[tuple[str, int, int], Candidate] = {}
    rank = max(of_rank, default=0)
    rows = [r for r in store.claims(replace(wanted, docs=tuple(docs)))]
    for r in sorted(rows, key=lambda r: (docs.index(r["doc_id"]), int(r["page_no"]), int(r["char_start"]))):
        if len(by_sentence) >= MAX_CLAIM_CANDIDATES:
            break
        if r["doc_id"] not in docs or not _passes(r, filters) or r.get("chunk_id") is None:
            continue
        if (r["doc_id"], r["actor"]) in against:
            continue  # the report is about acts against this state
        where = (r["doc_id"], int(r["page_no"]))
        if any(a <= int(r["char_start"]) < b for a, b in spans.get(where, ())):
            continue  # already a candidate, claims attached
        page = page_text(r["doc_id"], int(r["page_no"]))
        for start, end in footnote_breaks(page, [(int(r["char_start"]), int(r["char_end"]))]):
            key = (r["doc_id"], int(r["page_no"]), start)
            if key not in by_sentence:
                rank += 1
                of_rank[rank] = int(r["chunk_id"])
                by_sentence[key] = Candidate(r["doc_id"], int(r["page_no"]), start, end, page[start:end], rank)
            by_sentence[key].claims.append(r)
    return list(by_sentence.values())


def _passes(row: dict[str, Any], f: Filters) -> bool:
    return (
        (not f.actors or row["actor"] in f.actors)
        and (not f.capabilities or row["capability"] in f.capabilities)
        and (not f.ai_enabled or bool(row["ai_enabled"]))
        and (not f.likelihood or row["likelihood"] == f.likelihood)
    )


class _Refs:
    """One [n] per (document, page), numbered in order of first citation."""

    def __init__(self, meta: dict[str, dict[str, Any]]) -> None:
        self.meta = meta
        self.refs: dict[tuple[str, int], int] = {}

    def ref(self, doc_id: str, page_no: int) -> int:
        return self.refs.setdefault((doc_id, page_no), len(self.refs) + 1)

    def quote(self, text: str, doc_id: str, page_no: int, row: dict[str, Any] | None, verification: str) -> Quote:
        r = row or {}
        return Quote(
            self.ref(doc_id, page_no),
            elide_links(text),
            doc_id,
            page_no,
            r.get("actor"),
            r.get("capability"),
            r.get("likelihood"),
            r.get("confidence"),
            r.get("stance"),
            0,
            r.get("target"),
            bool(r.get("ai_enabled")),
            verification,
        )

    def sources(self, ocr: set[tuple[str, int]]) -> tuple[Source, ...]:
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
                    d.get("publisher_kind") or publisher_kind(d.get("publisher")),
                    document_number(d),
                    (doc_id, page_no) in ocr,
                )
            )
        return tuple(out)


def _verified(c: ScoredClaim, checker: Checker) -> bool:
    """Re-read the PDF for a claim about to be quoted; its mark is kept on the row."""
    r = c.row
    start, end = r["_span"]
    mark = checker.check(r["doc_id"], int(r["page_no"]), start, end, r["sentence"])
    r["_mark"] = mark
    return mark is not None


def _can_carry(c: ScoredClaim, g: ClaimGroup) -> bool:
    """A sentence can carry the group's judgment: it names the actor acting (who does what must be read in
    the quote), it says the capability, and a surveillance judgment's sentence speaks of watching someone."""
    s = c.row["sentence"]
    if not judge.names_actor(s, g.actor) or (g.capability == "surveillance" and not judge.watches_people(s)):
        return False
    if not judge.acts_in(s, g.actor):
        return False  # the state is only the object or beneficiary of the sentence's act
    return judge.says_capability(s, g.capability)


def _judgments(
    groups: list[ClaimGroup], refs: _Refs, checker: Checker, q: Question
) -> list[tuple[ClaimGroup, Judgment]]:
    out: list[tuple[ClaimGroup, Judgment]] = []
    taken: dict[str | None, set[str]] = defaultdict(set)
    for g in groups:
        if len(out) == MAX_JUDGMENTS:
            break
        if len(out) >= MIN_JUDGMENTS and not _on_question(g, q):
            continue  # past the first few, only what the question asks about
        said = {j.text: i for i, (_, j) in enumerate(out)}
        rep, same, tried = None, None, 0  # a verified sentence worded unlike the judgments before; one alike
        for c in judge.ranked(g, taken.get(g.actor), q.targets):
            if not _can_carry(c, g):
                continue
            tried += 1
            if same is not None and tried > DISTINCT_TRIES:
                break  # the group's best sentences say what an earlier judgment says
            if _wording(g, c.row, q) in said:
                same = same or c  # re-read the PDF only for a sentence that would be shown
            elif _verified(c, checker):
                rep = c
                break
        if rep is None and same is not None:  # same actor, act and target as an earlier judgment: more sources
            i = said[_wording(g, same.row, q)]
            out[i] = (out[i][0], _joined(out[i][1], g, refs))
            continue
        if rep is None:
            continue  # no sentence left that is verified and does not already carry a judgment on this actor
        j = _judgment(g, rep, refs, q)
        taken[g.actor].add(rep.row["sentence"])  # as stored: the quote's text may have its links elided
        out.append((g, j))
    return out


def _parts(g: ClaimGroup, r: dict[str, Any], q: Question) -> tuple[str | None, bool, str | None, str | None]:
    """Target, AI, organ and likelihood, as the sentence of claim row `r` states them."""
    target = judge.target_of(r) or judge.asked_target(r["sentence"], q.targets)
    organ = judge.organ_named(r["sentence"], g.actor, r["organ"])
    return target, bool(r["ai_enabled"]), organ, judge.scoped_likelihood(r["sentence"], r["likelihood"])


def _wording(g: ClaimGroup, r: dict[str, Any], q: Question) -> str:
    """The judgment the sentence of claim row `r` would carry for the group."""
    target, ai, organ, likelihood = _parts(g, r, q)
    return judge.compose(g.actor, g.capability, target, organ, ai, likelihood, r["confidence"], r["stance"])


def _judgment(g: ClaimGroup, rep: ScoredClaim, refs: _Refs, q: Question) -> Judgment:
    """The group's judgment as `rep` states it: who, to whom, with AI, how likely."""
    r = rep.row
    target, ai, organ, likelihood = _parts(g, r, q)
    text = _wording(g, r, q)
    quote = refs.quote(r["sentence"], rep.doc_id, int(r["page_no"]), r, r["_mark"])
    doc_refs = [quote.ref] + [refs.ref(c.doc_id, int(c.row["page_no"])) for c in g.per_doc if c is not rep]
    publishers = sorted({str(c.row.get("publisher") or c.row["file_name"]) for c in g.claims})
    return Judgment(
        g.actor,
        g.capability,
        target,
        ai,
        likelihood,
        r["confidence"],
        judge.independent_sources(g),
        g.n_docs,
        tuple(publishers),
        quote,
        tuple(dict.fromkeys(doc_refs)),
        text,
        organ,
    )


def _joined(a: Judgment, g: ClaimGroup, refs: _Refs) -> Judgment:
    """`a` with the documents of group `g`, whose judgment is worded the same: `a`'s quote, sources counted once."""
    publishers = tuple(
        sorted(set(a.publishers) | {str(c.row.get("publisher") or c.row["file_name"]) for c in g.claims})
    )
    n = judge.independent_sources(g)
    independent = max(a.independent_sources, n, min(len(publishers), a.independent_sources + n))
    more = tuple(refs.ref(c.doc_id, int(c.row["page_no"])) for c in g.per_doc)
    return replace(
        a,
        independent_sources=independent,
        n_documents=a.n_documents + g.n_docs,
        publishers=publishers,
        refs=tuple(dict.fromkeys(a.refs + more)),
    )


def _claim_pool(
    store: Store,
    hits: list[Hit],
    cands: list[Candidate],
    q: Question,
    filters: Filters,
    checker: Checker,
    against: set[tuple[str, str]],
) -> list[ScoredClaim]:
    """Verified claims on the retrieved sentences (and on named actors in retrieved documents), scored."""
    by_sentence = {(c.doc_id, c.page_no, c.start): c for c in cands}
    rows = {r["claim_id"]: r for c in cands for r in c.claims}
    if q.actors or q.capabilities:
        docs = {h.doc_id for h in hits}
        wanted = replace(filters, actors=q.actors, capabilities=q.capabilities)
        for r in store.claims(wanted):
            if r["doc_id"] in docs and (r["doc_id"], r["actor"]) not in against:
                rows.setdefault(r["claim_id"], r)
    floor = min((c.score for c in cands), default=0.0)
    pool: list[ScoredClaim] = []
    for _, r in sorted(rows.items()):
        named = None if r["actor"] else named_actor(r["sentence"], None if q.all_actors else q.actors)
        if named:
            r = dict(r, actor=named[0], actor_mention=named[1])
        if not r["actor"] or reporting(r) or not _passes(r, filters) or not (q.all_actors or r["actor"] in q.actors):
            continue
        if (r["doc_id"], r["actor"]) in against:
            continue  # the report is about acts against this state
        text = strip_bullet(r["sentence"])
        span = (int(r["char_start"]), int(r["char_end"]))
        mark = checker.check(r["doc_id"], int(r["page_no"]), *span, text, independent=False)
        if mark is None:
            continue
        cand = by_sentence.get((r["doc_id"], int(r["page_no"]), int(r["char_start"])))
        relevance = cand.score if cand else floor + BONUS_SPECIFIC * specificity(text)
        row = dict(r, sentence=text, _span=span, _score=relevance)
        pool.append(ScoredClaim(row, -int(relevance * 1000), content_words(text)))
    return pool


def _on_question(g: ClaimGroup, q: Question) -> bool:
    """The group does what the question asks about (its capabilities) to whom it asks about (its targets)."""
    cap_ok = not q.capabilities or g.capability in q.capabilities
    target_ok = not q.targets or any(judge.asked_target(c.row["sentence"], q.targets) for c in g.claims)
    return cap_ok and target_ok


def _share(g: ClaimGroup, q: Question) -> float:
    """How close to the top judgment's relevance a group must come; more for groups off the question's parts."""
    return RELEVANT_SHARE if _on_question(g, q) else OTHER_CAPABILITY_SHARE


def _group_order(g: ClaimGroup, q: Question) -> tuple[Any, ...]:
    best = max(c.row["_score"] for c in g.claims)
    return (not _on_question(g, q), -round(best + 0.02 * min(g.n_docs, 5), 3), g.actor or "", g.capability)


def build_briefing(
    source: Searcher | Store,
    topic: str,
    filters: Filters | None = None,
    today: str = "",
    *,
    k: int = TOP_K,
) -> Briefing:
    """Answer `topic` from the index: bottom line, key judgments, verified evidence, timeline, gaps."""
    filters = filters or Filters()
    store = source.store if isinstance(source, Searcher) else source
    q = parse_question(topic, filters)
    hits = _hits(source, q, filters, k)
    chunks = store.chunks_by_id([h.chunk_id for h in hits])
    checker = Checker(store)
    hit_claims, against = _hit_claims(store, hits, q)
    claim_rows = [r for r in hit_claims if _passes(r, filters)]
    cands = gather(hits, chunks, claim_rows, checker.verifier.page_text, WHOLE_PAGES)
    of_rank = {h.rank: h.chunk_id for h in hits}
    extra = _claim_candidates(store, hits, cands, q, filters, of_rank, checker.verifier.page_text, against)
    cands += extra
    doc_rank = {d: i for i, d in enumerate(dict.fromkeys(h.doc_id for h in hits))}
    score(cands, q, _chunk_similarity(source, topic, hits, set(of_rank.values())), of_rank, doc_rank)
    for c in cands:  # a report on acts against an asked state, or on others' acts: only where it acts is it on topic
        elsewhere = any((c.doc_id, a) in against for a in (*q.actors, ""))
        c.against = elsewhere and not c.actors & set(q.actors)
    evidence = select_evidence(cands, q, checker)
    pool = _claim_pool(store, hits, cands, q, filters, checker, against)
    groups = sorted(group_claims(pool, by_organ=True), key=lambda g: _group_order(g, q))
    top = max((c.row["_score"] for g in groups[:1] for c in g.claims), default=0.0)  # each named actor keeps its best
    firsts = {id(next(g for g in groups if g.actor == a)) for a in q.actors if any(g.actor == a for g in groups)}
    groups = [g for g in groups if id(g) in firsts or max(c.row["_score"] for c in g.claims) >= _share(g, q) * top]
    doc_ids = {h.doc_id for h in hits} | {c.doc_id for c in pool}
    meta = {d["doc_id"]: d for d in store.documents(doc_ids)}
    refs = _Refs(meta)
    judged = _judgments(groups, refs, checker, q)
    judgments = [j for _, j in judged]
    scored = [(c.score, _evidence_quote(refs, c, q, m)) for c, m in evidence]
    scored += _claim_evidence(pool, q, checker, refs, {x.text for _, x in scored} | {j.quote.text for j in judgments})
    quotes = [x for _, x in sorted(scored, key=lambda sx: -sx[0])]
    conflicts = [
        Conflict(g.actor, g.capability, kind, _claim_quote(refs, x), _claim_quote(refs, y))
        for g, _ in judged
        for kind, x, y in conflicting_pairs(g, 1)
        if _verified(x, checker) and _verified(y, checker)
    ][:MAX_CONFLICTS]
    checker.verifier.close()  # every quote is checked: the PDFs it opened can go
    also = _also_reported(cands, q, refs)
    ocr = ocr_pages(store, doc_ids)
    sources = refs.sources(ocr)
    cited_docs = {s.doc_id: s for s in sources}
    all_quotes = [j.quote for j in judgments] + quotes
    gaps = find_gaps(store, q, filters, judgments, all_quotes)
    return Briefing(
        question=q,
        today=today,
        filters=filters,
        documents_searched=store.count_documents(filters),
        bluf=_bluf(q, judgments, quotes, store.count_documents(filters), gaps),
        source_mix=source_mix((s.kind for s in cited_docs.values()), sum(s.ocr for s in sources)),
        judgments=tuple(judgments),
        evidence=_without_repeats(quotes, [j.quote for j in judgments]),
        also_reported=tuple(also),
        conflicts=tuple(conflicts),
        timeline=build_timeline(all_quotes, {d: meta[d] for d in cited_docs}, today, q),
        gaps=tuple(gaps),
        sources=sources,
        dropped=dict(sorted(checker.dropped.items())),
        unverifiable=sum(1 for x in all_quotes if x.verification != VERIFIED),
    )


def _without_repeats(quotes: list[Quote], shown: list[Quote]) -> tuple[Quote, ...]:
    """The evidence less what a judgment or a longer evidence passage already quotes whole."""
    judged = [y.text for y in shown]
    texts = [y.text for y in quotes]
    seen: set[str] = set()
    out: list[Quote] = []
    for x in quotes:
        if x.text in seen or any(x.text in t for t in judged):
            continue
        if any(len(t) > len(x.text) and x.text in t for t in texts):
            continue
        seen.add(x.text)
        out.append(x)
    return tuple(out)


def _claim_evidence(
    pool: list[ScoredClaim], q: Question, checker: Checker, refs: _Refs, shown: set[str]
) -> list[tuple[float, Quote]]:
    """Claims by the asked actors, on the asked capabilities or targets, from the documents retrieved but
    outside the passages retrieved: what the actor and capability filters find that the searches missed."""
    out: list[tuple[float, Quote]] = []
    seen = {normalise_ws(t) for t in shown}
    words = [content_words(t) for t in shown]
    for c in sorted(pool, key=lambda c: (-c.row["_score"], c.key)):
        if len(out) == MAX_CLAIM_EVIDENCE:
            break
        r = c.row
        text = normalise_ws(r["sentence"])
        on = (not q.capabilities or r["capability"] in q.capabilities) and (
            not q.targets or judge.asked_target(text, q.targets) or r["capability"] in q.capabilities
        )
        if text in seen or not on or not judge.names_actor(text, r["actor"]):
            continue
        cw = content_words(text)
        if any(len(cw & w) / len(cw | w) >= SAME_SENTENCE for w in words if cw and w):
            continue
        if not _verified(c, checker):
            continue
        seen.add(text)
        words.append(cw)
        out.append((float(r["_score"]), refs.quote(text, c.doc_id, int(r["page_no"]), r, r["_mark"])))
    return out


def _evidence_quote(refs: _Refs, c: Candidate, q: Question, mark: str) -> Quote:
    x = refs.quote(strip_bullet(c.text), c.doc_id, c.page_no, _claim_of(c, q), mark)
    return x if c.tail is None else replace(x, ref_next=refs.ref(c.doc_id, c.page_no + 1))


def _claim_of(c: Candidate, q: Question) -> dict[str, Any] | None:
    """The claim on a sentence that best fits the question (a named actor and capability first).

    Without an attributed claim, the state the sentence names as the doer ("Iranian state cyber
    actors launched...") files it under that state.
    """
    best = (
        min(
            c.claims,
            key=lambda r: (
                not (q.all_actors or r["actor"] in q.actors),
                not (not q.capabilities or r["capability"] in q.capabilities),
                r["actor"] is None,
                r["claim_id"],
            ),
        )
        if c.claims
        else None
    )
    if (best is None or best["actor"] is None) and c.actors:
        named = sorted(c.actors & set(q.actors)) or sorted(c.actors)
        return {**(best or {}), "actor": named[0]}
    return best


def _claim_quote(refs: _Refs, c: ScoredClaim) -> Quote:
    r = c.row
    return refs.quote(r["sentence"], c.doc_id, int(r["page_no"]), r, r["_mark"])


def _also_reported(cands: list[Candidate], q: Question, refs: _Refs) -> list[AlsoReported]:
    """States the question does not name, reported in the retrieved passages: counted, not quoted. A state
    the question names as acted on is named: a passage filing it as an actor is no news of another state."""
    if q.all_actors:
        return []
    named = set(q.actors) | set(q.target_states)
    caps: dict[str, set[str]] = defaultdict(set)
    docs: dict[str, dict[str, int]] = defaultdict(dict)
    for c in cands:
        for r in c.claims:
            a = r["actor"]
            if a and a not in named and not reporting(r):
                caps[a].add(r["capability"])
                docs[a].setdefault(c.doc_id, c.page_no)
    out = [
        AlsoReported(a, tuple(sorted(caps[a])), len(docs[a]), tuple(refs.ref(d, p) for d, p in sorted(docs[a].items())))
        for a in caps
    ]
    return sorted(out, key=lambda x: (-x.n_documents, x.actor))


def _merged(js: list[Judgment]) -> tuple[str, int]:
    """One sentence for judgments on the same actor and capability (the services named together), and its
    independent sources; a likelihood only where every judgment's source uses the same one."""
    if len(js) == 1:
        return js[0].text, js[0].independent_sources
    named = list(dict.fromkeys(j.organ for j in js if j.organ))
    organs = (", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else "".join(named)) or None
    organs = organs if all(j.organ for j in js) else None  # one service's judgment is not the whole state's
    targets = list(dict.fromkeys(j.target for j in js))
    target = targets[0] if len(targets) == 1 else None  # one judgment's target is not every service's
    whole = all(t and len(t.split()) > 1 for t in targets)  # "NATO member states", not a bare "energy"
    if organs is None and whole and len(targets) <= MAX_BLUF_TARGETS:
        target = " and ".join(t for t in targets if t)  # the state's, whichever of its services acts
    levels = {j.likelihood for j in js}
    likelihood = levels.pop() if len(levels) == 1 else None
    confidences = {j.confidence for j in js}
    confidence = confidences.pop() if len(confidences) == 1 else None
    stance = "assessment" if any(j.likelihood or j.confidence for j in js) else "fact"
    ai = all(j.ai_enabled for j in js)
    text = judge.compose(js[0].actor, js[0].capability, target, organs, ai, likelihood, confidence, stance)
    publishers = {p for j in js for p in j.publishers}
    return text, max(
        max(j.independent_sources for j in js), min(len(publishers), sum(j.independent_sources for j in js))
    )


def _bluf(
    q: Question, judgments: list[Judgment], quotes: list[Quote], n_docs: int, gaps: list[Gap]
) -> tuple[Statement, ...]:
    """Two to four sentences that answer the question, each with its citations."""
    out: list[Statement] = []
    same: dict[tuple[str | None, str], list[Judgment]] = defaultdict(list)
    for j in judgments:
        same[(j.actor, j.capability)].append(j)  # one actor's services doing the same thing: one sentence
    how = means_statement(judgments, quotes) if asks_how(q.text) else None  # a "how" question gets the means named
    for js in list(same.values())[: MAX_BLUF - (how is not None)]:
        text, n = _merged(js)
        strongest = tuple(dict.fromkeys([j.quote.ref for j in js] + [r for j in js for r in j.refs]))
        count = f"{n} independent source{'s' if n != 1 else ''}"
        out.append(Statement(f"{judge.sentence_body(text)} ({count}).", strongest[:BLUF_REFS]))
    if how is not None:
        out.append(how)
    named = {
        t: next((x.ref for x in [j.quote for j in judgments] + quotes if judge.asked_target(x.text, (t,))), 0)
        for t in q.targets
    }
    found = [t for t, ref in named.items() if ref]
    if judgments and found:
        listed = ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1]
        out.append(
            Statement(
                f"Targets the quoted passages name: {listed}.",
                tuple(dict.fromkeys(named[t] for t in found)),
            )
        )
    if not judgments and quotes:
        out.append(
            Statement(
                "No document in the index makes an attributable claim that answers the question directly; "
                "the most relevant passages are quoted under Evidence.",
                tuple(dict.fromkeys(x.ref for x in quotes[:3])),
            )
        )
    if not judgments and not quotes:
        out.append(
            Statement(
                f"The index cannot answer this question: none of the {n_docs} documents searched has a passage on it."
            )
        )
    missing = [actor_name(a) for a in q.actors if not any(j.actor == a for j in judgments)]
    if missing:
        out.append(
            Statement(f"No source in the index makes a retrievable claim about {', '.join(missing)} on this question.")
        )
    absent = [g.what for g in gaps if g.kind == "not_in_index" and not g.actor]
    unclaimed = [g.what for g in gaps if g.kind == "no_claim" and not g.actor]
    said = []
    if absent:
        said.append(f"no document mentions {', '.join(absent)}")
    if unclaimed:
        said.append(f"documents mention {', '.join(unclaimed)} but attribute nothing to anyone")
    if said and judgments:
        out.append(Statement(f"The index cannot answer all of the question: {'; '.join(said)} (see Gaps)."))
    return tuple(out[:4])
