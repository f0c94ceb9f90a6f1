"""The briefing's timeline: events dated in the quoted sentences, by event date, with their source."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.brief.events import event_date
from pipeline.brief.model import Quote, TimelineEntry

MAX_EVENTS = 10  # the most relevant dated quotes (quotes come most relevant first), then by date
MAX_EVENT_CHARS = 240


def build_timeline(quotes: Iterable[Quote], meta: dict[str, dict[str, Any]], today: str) -> tuple[TimelineEntry, ...]:
    """Dated events from the most relevant quotes (given most relevant first), ordered by event date;
    publication dates (labelled as such) only when none is dated."""
    latest = int(today[:4]) if today[:4].isdigit() else None
    events: dict[tuple[str, str], TimelineEntry] = {}
    for q in quotes:
        if len(events) == MAX_EVENTS:
            break
        found = event_date(q.text, latest)
        if found is None:
            continue
        date, words = found
        if any(k[0] == date and (q.text.startswith(k[1]) or k[1].startswith(q.text)) for k in events):
            continue  # the same sentence, alone and within its passage
        text = q.text if len(q.text) <= MAX_EVENT_CHARS else q.text[: MAX_EVENT_CHARS - 1].rstrip() + "…"
        publisher = meta.get(q.doc_id, {}).get("publisher")
        events.setdefault((date, q.text), TimelineEntry(date, words, "event", text, q.ref, publisher))
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
