"""What an analyst weighs about a source: the kind of publisher, the document number, OCR, independence."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

_PUBLISHER_SPLIT = re.compile(r"\s*(?:/|\(|\+|,|&| and | for )\s*")


def publisher_kind(publisher: str | None) -> str | None:
    """government, intelligence, think tank, academic, NGO, vendor, platform or media, from the
    issuers' data file (pipeline/parse/publishers.toml); a joint advisory is of its lead's kind."""
    from pipeline.parse.publishers import find_publisher, lookup

    if not publisher:
        return None
    lead = _PUBLISHER_SPLIT.split(publisher.strip(), maxsplit=1)[0]
    found = lookup(lead) or lookup(publisher) or find_publisher([[lead], [publisher]], {})
    return (found.kind or None) if found else None


def document_number(row: dict[str, Any]) -> str | None:
    """The advisory or report number the parser read off the document (AA21-116A, R45178...),
    else one in its metadata or title (documents stored before numbers were recorded)."""
    from pipeline.parse.meta import find_doc_numbers

    if row.get("doc_number"):
        return str(row["doc_number"])
    try:
        meta = json.loads(row.get("metadata") or "{}")
    except ValueError:
        meta = {}
    fields = meta if isinstance(meta, dict) else {}
    title = str(fields.get("Title") or row.get("title") or "")
    return find_doc_numbers([], {"Title": title, "Subject": str(fields.get("Subject") or "")})


def publisher_key(publisher: str | None, doc_id: str) -> str:
    """Who stands behind a document: the lead publisher, so joint advisories and reprints count once."""
    if not publisher:
        return f"doc:{doc_id}"
    lead = _PUBLISHER_SPLIT.split(publisher.strip(), maxsplit=1)[0]
    return re.sub(r"\W+", " ", lead).strip().casefold() or f"doc:{doc_id}"


def ocr_pages(store: Any, doc_ids: Iterable[str]) -> set[tuple[str, int]]:
    """(doc_id, page_no) of pages whose text came from OCR."""
    return {(doc_id, page_no) for doc_id, pages in store.ocr_pages(doc_ids).items() for page_no in pages}


def source_mix(kinds: Iterable[str | None], n_ocr: int) -> str:
    """'9 documents: 4 vendor, 3 government, 2 academic; 1 page OCR'd'."""
    kinds = list(kinds)
    counts = Counter(k or "unknown kind" for k in kinds)
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    text = f"{len(kinds)} document{'s' if len(kinds) != 1 else ''}" + (f": {parts}" if parts else "")
    if n_ocr:
        text += f"; {n_ocr} cited page{'s' if n_ocr != 1 else ''} OCR'd"
    return text
