"""Stored claims for `threatbrief claims`: filtered rows, counts by actor x capability, lint."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipeline.index.filters import Filters
from pipeline.index.health import open_index
from pipeline.index.store import Store
from pipeline.settings import Settings


def _open(settings: Settings) -> Store:
    return open_index(settings)  # read-only; names a missing or damaged index


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor": row["actor"],
        "actor_mention": row["actor_mention"],
        "organ": row["organ"],
        "capability": row["capability"],
        "target": row["target"],
        "ai_enabled": bool(row["ai_enabled"]),
        "likelihood": row["likelihood"],
        "confidence": row["confidence"],
        "stance": row["stance"],
        "source": {
            "doc_id": row["doc_id"],
            "doc": row["file_name"],
            "title": row["title"],
            "publisher": row["publisher"],
            "published": row["published"],
            "page": row["page_no"],
            "sentence": row["sentence"],
            "char_start": row["char_start"],
            "char_end": row["char_end"],
        },
    }


def query_claims(settings: Settings, f: Filters) -> dict[str, Any]:
    """Claims passing the filters, and their counts by actor x capability."""
    with _open(settings) as store:
        rows = store.claims(f)
    counts = Counter((r["actor"] or "-", r["capability"]) for r in rows)
    return {
        "claims": [_record(r) for r in rows],
        "counts": [
            {"actor": a, "capability": c, "claims": n}
            for (a, c), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def lint_index(settings: Settings, f: Filters) -> list[dict[str, Any]]:
    """ICD 203 problems in the page text of the documents passing the filters."""
    from pipeline.claims.extract import lint_text

    out: list[dict[str, Any]] = []
    with _open(settings) as store:
        docs = {d["doc_id"]: d for d in store.documents()}
        for doc_id in store.document_ids(f):
            doc = docs[doc_id]
            for page in store.pages(doc_id):
                for p in lint_text(page.text):
                    out.append({"doc": doc["file_name"], "title": doc["title"], "page": page.page_no, **p})
    return out
