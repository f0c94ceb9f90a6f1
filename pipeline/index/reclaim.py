"""Claims brought up to date from what the index stores: no parsing, no embedding.

Each document remembers the claims model that decided its claims (documents.claims_model,
pipeline/claims/identity.py). A document whose model is not the tool's is re-extracted
from its stored pages (text from `pages`, typed blocks from `blocks`: the Page list ingest
tagged) with the same extractor, and its claim rows are replaced in one transaction with the
new model's name; a run killed half-way leaves every document either old or new, and the next
run picks up the rest.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.index.store import Store
from pipeline.models import Claim, DocumentMeta, ParsedDocument
from pipeline.testhooks import crash_point

log = logging.getLogger(__name__)

Tag = Callable[[ParsedDocument], list[Claim]]
Progress = Callable[[str, int, int], None]  # (file name, done, total)


@dataclass
class ReclaimReport:
    """What a re-extraction did: documents, claims before and after, seconds."""

    claims_model: str | None = None
    documents: list[str] = field(default_factory=list)
    claims_before: int = 0
    claims_after: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "claims_model": self.claims_model,
            "documents": len(self.documents),
            "claims_before": self.claims_before,
            "claims_after": self.claims_after,
            "seconds": round(self.seconds, 3),
        }


def tagger_model(tag: object) -> str | None:
    """The claims model a tagger applies (its `model_id`), None for one without an identity."""
    model = getattr(tag, "model_id", None)
    return model if isinstance(model, str) and model else None


def stored_document(store: Store, doc_id: str) -> ParsedDocument:
    """A document as ingest tagged it, rebuilt from the index: metadata, page texts, typed blocks."""
    row = store.documents([doc_id])[0]
    meta = DocumentMeta(
        doc_id=doc_id,
        path=row["path"],
        file_name=row["file_name"],
        size_bytes=int(row["size_bytes"]),
        page_count=int(row["page_count"]),
        title=row["title"],
        author=row["author"],
        publisher=row["publisher"],
        published=row["published"],
        publisher_kind=row.get("publisher_kind"),
        doc_number=row.get("doc_number"),
        pdf_metadata=json.loads(row["metadata"] or "{}"),
    )
    return ParsedDocument(meta, store.pages(doc_id))


def reextract_claims(
    store: Store,
    tag: Tag,
    claims_model: str,
    run_id: int | None,
    doc_ids: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> ReclaimReport:
    """Re-extract the claims of stale documents (all, or those of `doc_ids`), one transaction each.

    `tag` must apply `claims_model`; the caller holds the writer lock.
    """
    t0 = time.perf_counter()
    report = ReclaimReport(claims_model)
    stale = store.stale_claims_documents(claims_model)
    if doc_ids is not None:
        wanted = set(doc_ids)
        stale = [d for d in stale if d in wanted]
    for done, doc_id in enumerate(stale, start=1):
        doc = stored_document(store, doc_id)
        if progress:
            progress(doc.meta.file_name, done, len(stale))
        claims = tag(doc)
        with store.transaction():
            before, after = store.replace_claims(doc_id, claims, claims_model, run_id)
        crash_point("claims.after_doc")
        report.documents.append(doc_id)
        report.claims_before += before
        report.claims_after += after
        log.info("%s: claims re-extracted with %s (%d -> %d)", doc.meta.file_name, claims_model, before, after)
    report.seconds = time.perf_counter() - t0
    return report


def claims_model_status(store: Store, claims_model: str) -> dict[str, Any]:
    """The tool's claims model and how many stored documents another model decided."""
    stale = len(store.stale_claims_documents(claims_model))
    return {"claims_model": claims_model, "claims_stale_documents": stale}
