"""What an analyst weighs about a source: the kind of publisher, the document number, OCR, independence."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

# First match wins: a joint advisory "CISA / NSA / FBI" is government (its lead), a vendor's
# report for a commission is the vendor's.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "vendor",
            r"kaspersky|symantec|eset|crowdstrike|fireeye|mandiant|trend ?micro|palo alto|unit 42|mcafee|"
            r"secureworks|volexity|threatconnect|isight|g ?data|f-secure|antiy|clearsky|netresec|norman|"
            r"northrop|command five|alethea|recorded future|proofpoint|check ?point|lookout|graphika|"
            r"sentinel ?one|cisco|talos|bitdefender|sophos|group-?ib|positive technologies",
        ),
        ("platform", r"microsoft|google|meta\b|facebook|twitter|openai|tiktok|telegram|youtube|x corp"),
        ("intelligence", r"\bnsa\b|\bncsc|gchq|odni|\bdni\b|\bcia\b|national intelligence|intelligence council"),
        (
            "government",
            r"cisa|us-cert|\bfbi\b|\bdhs\b|\bdoj\b|department|congress|commission|state\b|treasury|"
            r"ministry|government|parliament|senate|house of|uscybercom|cnmf|\bnato\b|european union|"
            r"\bgao\b|cert\b",
        ),
        ("NGO", r"amnesty|access now|human rights|freedom house|eff\b|frontline|information warfare monitor"),
        ("think tank", r"rand\b|csis|atlantic council|brookings|aspi|chatham|iiss|carnegie|hoover|ecfr"),
        ("academic", r"univ|college|citizen lab|usenix|crysys|institute of technology|school|academ"),
        ("vendor", r"\blabs?\b|security|threat"),
    )
)
_DOC_NUMBER = re.compile(
    r"\b(?:(?:aa|ta|ar|mar|jar)[-_ ]?\d{2}[-_]\d{3,5}[a-z]?|r\d{5}|icd[-_ ]?\d{3}|"
    r"(?:pp|nsa)[-_]\d{2}[-_]\d{3,5})\b",
    re.IGNORECASE,
)
_PUBLISHER_SPLIT = re.compile(r"\s*(?:/|\(|\+|,|&| and | for )\s*")


def publisher_kind(publisher: str | None) -> str | None:
    """government, intelligence, think tank, academic, NGO, vendor or platform; None when unknown."""
    if not publisher:
        return None
    lead = _PUBLISHER_SPLIT.split(publisher.strip(), maxsplit=1)[0]
    for text in (lead, publisher):  # a joint advisory is of its lead's kind
        for kind, pattern in _KINDS:
            if pattern.search(text):
                return kind
    return None


def document_number(row: dict[str, Any]) -> str | None:
    """An advisory or report number (AA21-116A, R45178...) from the metadata, title or file name."""
    try:
        meta = json.loads(row.get("metadata") or "{}")
    except ValueError:
        meta = {}
    for key in ("document_number", "doc_number", "number"):
        if isinstance(meta, dict) and isinstance(meta.get(key), str) and meta[key].strip():
            return str(meta[key]).strip()
    for field in (row.get("title"), row.get("file_name")):
        m = _DOC_NUMBER.search(field or "")
        if m:
            return re.sub(r"[_ ]", "-", m.group(0)).upper()
    return None


def publisher_key(publisher: str | None, doc_id: str) -> str:
    """Who stands behind a document: the lead publisher, so joint advisories and reprints count once."""
    if not publisher:
        return f"doc:{doc_id}"
    lead = _PUBLISHER_SPLIT.split(publisher.strip(), maxsplit=1)[0]
    return re.sub(r"\W+", " ", lead).strip().casefold() or f"doc:{doc_id}"


def ocr_pages(store: Any, doc_ids: Iterable[str]) -> set[tuple[str, int]]:
    """(doc_id, page_no) of pages whose text came from OCR, where the index records it."""
    cols = store.table_columns("pages")
    flag = next((c for c in ("ocr", "is_ocr", "source", "method", "extraction") if c in cols), None)
    if flag is None:
        return set()
    out: set[tuple[str, int]] = set()
    for doc_id in doc_ids:
        for page_no, value in store.page_flags(doc_id, flag):
            if value in (1, True, "1", "ocr", "OCR", "tesseract"):
                out.add((doc_id, page_no))
    return out


def source_mix(kinds: Iterable[str | None], n_ocr: int) -> str:
    """'9 documents: 4 vendor, 3 government, 2 academic; 1 page OCR'd'."""
    kinds = list(kinds)
    counts = Counter(k or "unknown kind" for k in kinds)
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    text = f"{len(kinds)} document{'s' if len(kinds) != 1 else ''}" + (f": {parts}" if parts else "")
    if n_ocr:
        text += f"; {n_ocr} cited page{'s' if n_ocr != 1 else ''} OCR'd"
    return text
