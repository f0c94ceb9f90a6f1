"""What the question asked that the briefing cannot answer, and why: absent, unclaimed or not retrieved."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pipeline.brief.model import Gap, Judgment, Question, Quote, capability_label
from pipeline.brief.topic import actor_name, actor_plain_name
from pipeline.index.filters import Filters

MENTION_PASSAGES = 50


def _mentions(store: Any, words: str, filters: Filters) -> list[int]:
    doc_only = Filters(docs=filters.docs, publisher=filters.publisher, since=filters.since, until=filters.until)
    return [cid for cid, _ in store.fts_search(f'"{words}"', MENTION_PASSAGES, doc_only)]


def _docs_make(n: int) -> str:
    return f"{n} document{'s' if n != 1 else ''} in the index {'make' if n != 1 else 'makes'}"


def _search_hint(words: str) -> str:
    return f'see `threatbrief search "{words}"`'


def find_gaps(store: Any, q: Question, filters: Filters, judgments: list[Judgment], quotes: list[Quote]) -> list[Gap]:
    """Named actors, capabilities and targets with no judgment or quote behind them."""
    out: list[Gap] = []
    judged_actors = {j.actor for j in judgments}
    quoted_actors = {x.actor for x in quotes}
    for a in q.actors:
        if a in judged_actors or a in quoted_actors:
            continue
        name = actor_name(a)
        rows = store.claims(replace(filters, actors=(a,), capabilities=q.capabilities))
        n = len({r["doc_id"] for r in rows})
        what = name + (" — " + ", ".join(capability_label(c) for c in q.capabilities) if q.capabilities else "")
        if n:
            text = (
                f"{what}: {_docs_make(n)} such claims, but none is among "
                f"the passages that answer this question (brief on them with --actor {a})."
            )
            out.append(Gap(what, "not_retrieved", text, a))
        elif _mentions(store, actor_plain_name(a), filters):
            hint = _search_hint(actor_plain_name(a))
            text = f"{what}: documents mention {name}, but make no attributable claim ({hint})."
            out.append(Gap(what, "no_claim", text, a))
        else:
            out.append(Gap(what, "not_in_index", f"{what}: no document in the index mentions {name}.", a))
    judged_caps = {j.capability for j in judgments} | {x.capability for x in quotes if x.capability}
    for c in q.capabilities:
        if c in judged_caps:
            continue
        label = capability_label(c)
        rows = store.claims(replace(filters, capabilities=(c,), actors=q.actors))
        if rows:
            text = f"{label}: claims exist in the index, but none in the passages that answer this question."
            out.append(Gap(label, "not_retrieved", text, capability=c))
        else:
            text = f"{label}: no attributable claim of this capability in the index ({_search_hint(label)})."
            out.append(Gap(label, "no_claim", text, capability=c))
    said = " ".join([x.text.lower() for x in quotes] + [(j.target or "").lower() for j in judgments])
    for t in q.targets:
        if t.lower() in said:
            continue
        chunk_ids = _mentions(store, t, filters)
        if not chunk_ids:
            out.append(Gap(t, "not_in_index", f"{t}: no document in the index mentions it."))
            continue
        claims = [r for r in store.claims_for_chunks(chunk_ids) if r["actor"] and t.lower() in r["sentence"].lower()]
        if not claims:
            text = f"{t}: documents mention it, but make no attributable claim about it ({_search_hint(t)})."
            out.append(Gap(t, "no_claim", text))
        else:
            n = len({r["doc_id"] for r in claims})
            text = (
                f"{t}: {_docs_make(n)} attributable claims that mention it, none among "
                f"the sentences quoted here ({_search_hint(t)})."
            )
            out.append(Gap(t, "not_retrieved", text))
    return out
