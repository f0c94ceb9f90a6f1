"""Stable ids derived from a document's sha256."""

from __future__ import annotations

import hashlib

_MASK_63 = (1 << 63) - 1


def chunk_id(doc_id: str, ord: int) -> int:
    """A positive int64 for FAISS, stable for (document, position)."""
    digest = hashlib.sha256(f"{doc_id}:{ord}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & _MASK_63


def claim_id(doc_id: str, page_no: int, char_start: int, actor: str | None, capability: str) -> str:
    key = f"{doc_id}:{page_no}:{char_start}:{actor or '-'}:{capability}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]
