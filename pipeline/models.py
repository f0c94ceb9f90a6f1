"""Small frozen records that flow between the stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about one PDF. `doc_id` is the sha256 of its bytes."""

    doc_id: str
    path: str
    file_name: str
    size_bytes: int
    page_count: int
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO date, YYYY or YYYY-MM or YYYY-MM-DD
    publisher_kind: str | None = None  # government, intelligence, think tank, academic, NGO, vendor, platform, media
    doc_number: str | None = None  # the issuer's identifier: AA24-038A, R41524, NICA 2020-027, GAO-21-123
    pdf_metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageBlock:
    """A span of a page's text with its type; `start`/`end` are offsets into `Page.text`.

    `kind` is one of body, heading, footnote, table, caption, toc, references, boilerplate.
    """

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Page:
    """The cleaned text of one page; `page_no` is 1-based as the PDF counts pages.

    `blocks` cover the text in order; empty for pages stored before blocks existed.
    `source` is "text" (the PDF's text layer) or "ocr"; `ocr_confidence` is Tesseract's
    mean word confidence (0-100) on OCR'd pages; `quality` (0-1) the share of dictionary
    words less character noise, None on pages too short to judge.
    """

    page_no: int
    text: str
    blocks: tuple[PageBlock, ...] = ()
    source: str = "text"
    ocr_confidence: float | None = None
    quality: float | None = None


@dataclass(frozen=True)
class ParsedDocument:
    meta: DocumentMeta
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    """A span of a document's text, sized for the embedding model.

    `char_start` is an offset into the text of `page_start`, `char_end` into the
    text of `page_end` (exclusive).
    """

    doc_id: str
    ord: int
    text: str
    page_start: int
    page_end: int
    char_start: int
    char_end: int
    n_tokens: int

    @property
    def chunk_id(self) -> int:
        from pipeline.ids import chunk_id

        return chunk_id(self.doc_id, self.ord)


@dataclass(frozen=True)
class Claim:
    """One (sentence, actor, capability) assertion, as in TAXONOMY.md.

    `actor` is an ISO 3166-1 alpha-3 code or None where the sentence asserts a
    capability without an acting state. Offsets are into the page text.
    """

    capability: str
    sentence: str
    page_no: int
    char_start: int
    char_end: int
    actor: str | None = None
    actor_mention: str | None = None
    organ: str | None = None
    target: str | None = None
    ai_enabled: bool = False
    likelihood: str | None = None
    confidence: str | None = None
    stance: str = "fact"
    doc_id: str | None = None

    def to_record(self) -> dict[str, Any]:
        """The claim record of TAXONOMY.md, as JSON-ready data."""
        return {
            "actor": self.actor,
            "actor_mention": self.actor_mention,
            "organ": self.organ,
            "capability": self.capability,
            "target": self.target,
            "ai_enabled": self.ai_enabled,
            "likelihood": self.likelihood,
            "confidence": self.confidence,
            "stance": self.stance,
            "source": {
                "doc_id": self.doc_id,
                "page": self.page_no,
                "sentence": self.sentence,
                "char_start": self.char_start,
                "char_end": self.char_end,
            },
        }


@dataclass(frozen=True)
class Hit:
    """One search result: a chunk with where it comes from."""

    rank: int
    score: float
    chunk_id: int
    doc_id: str
    doc: str
    path: str
    title: str | None
    page_start: int
    page_end: int
    text: str
    publisher: str | None = None
    published: str | None = None
    ocr: bool = False  # the hit's text comes from an OCR'd page

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
