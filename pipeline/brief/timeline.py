"""The briefing's timeline: events dated in the quoted sentences, by event date, with their source."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.brief.events import event_date
from pipeline.brief.model import Question, Quote, TimelineEntry
from pipeline.text import split_sentences

MAX_EVENTS = 10  # the most relevant dated quotes (quotes come most relevant first), then by date
MAX_EVENT_CHARS = 240


def _dated_sentence(text: str, words: str) -> str:
    """The sentence of a quoted passage that carries the date."""
    for s, e in split_sentences(text):
        if words in text[s:e]:
            return text[s:e].strip()
    return text


def build_timeline(
    quotes: Iterable[Quote], meta: dict[str, dict[str, Any]], today: str, question: Question | None = None
) -> tuple[TimelineEntry, ...]:
    """Dated events from the most relevant quotes (given most relevant first), ordered by event date;
    publication dates (labelled as such) only when none is dated. With a question, only quotes filed
    under a state it asks about (any state, for a question naming none) date an event."""
    latest = int(today[:4]) if today[:4].isdigit() else None
    events: dict[tuple[str, str], TimelineEntry] = {}
    for q in quotes:
        if len(events) == MAX_EVENTS:
            break
        if question is not None and not (q.actor in question.actors or (question.all_actors and q.actor)):
            continue  # what the asked states did, not what happened around them
        found = event_date(q.text, latest)
        if found is None:
            continue
        date, words = found
        sentence = _dated_sentence(q.text, words)
        if any(k[0] == date and k[1] == sentence for k in events):
            continue  # the same sentence, alone and within its passage
        text = sentence if len(sentence) <= MAX_EVENT_CHARS else sentence[: MAX_EVENT_CHARS - 1].rstrip() + "…"
        publisher = meta.get(q.doc_id, {}).get("publisher")
        events.setdefault((date, sentence), TimelineEntry(date, words, "event", text, q.ref, publisher))
    if events:
        ordered = sorted(events.values(), key=lambda e: (e.date, e.ref, e.text))
        return tuple(ordered[:MAX_EVENTS])
    first_ref: dict[str, int] = {}
    for q in quotes:
        first_ref.setdefault(q.doc_id, q.ref)
    out = []
    for doc_id, ref in first_ref.items():
        d = meta.get(doc_id, {})
        if d.get("published"):
            title = d.get("title") or d.get("file_name") or doc_id
            out.append(TimelineEntry(d["published"], d["published"], "published", title, ref, d.get("publisher")))
    return tuple(sorted(out, key=lambda e: (e.date, e.ref))[:MAX_EVENTS])
