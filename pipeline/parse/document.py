"""PDF -> pages: cleaned page text in reading order, plus document metadata.

Two backends produce the same word boxes for the shared layout code:
"pdfium" (PDFium, C++, fast) and "pdfplumber" (pdfminer, pure Python, the reference).
"auto" parses with PDFium and falls back to pdfplumber for the whole document when
PDFium cannot open or read it, or finds (almost) no text.

The package docstring (pipeline/parse/__init__.py) lists the modules.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

from pipeline.errors import ParseError
from pipeline.models import DocumentMeta, Page, PageBlock, ParsedDocument
from pipeline.parse import pdfium as parse_pdfium
from pipeline.parse import plumber as parse_plumber
from pipeline.parse.layout import Line, join_page
from pipeline.parse.meta import find_doc_numbers, pick_date, pick_title, sanitise_metadata
from pipeline.parse.ocr import OCR_POLICIES, OcrUnavailable, PageOcr, page_quality
from pipeline.parse.publishers import Publisher, find_publisher, lookup
from pipeline.parse.running import drop_running_lines
from pipeline.text import sha256_stream

__all__ = ["BACKENDS", "parse_pdf"]

log = logging.getLogger(__name__)

BACKENDS = ("auto", "pdfium", "pdfplumber")
MIN_TEXT_CHARS = 20
# Reasons after which "auto" retries the whole file with pdfplumber.
_FALLBACK_REASONS = {"parse_error", "encrypted", "recursion", "zero_pages", "no_text"}
# Reasons worth more than a generic parse_error when both backends fail.
_SPECIFIC_REASONS = ("encrypted", "zero_pages", "no_text", "recursion")


class _OpenDoc(Protocol):
    name: str

    @property
    def page_count(self) -> int: ...

    def page_lines(self, index: int, *, with_size: bool) -> list[Line]: ...

    def metadata(self) -> dict[str, object]: ...


def parse_pdf(
    path: str | os.PathLike[str], *, max_pages: int = 5000, backend: str = "auto", ocr: str = "auto"
) -> ParsedDocument:
    """Parse the PDF at `path` into cleaned pages and metadata, or raise ParseError.

    `ocr` (auto, always, never): which pages are OCR'd (see pipeline/parse/ocr.py).
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown parser backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if ocr not in OCR_POLICIES:
        raise ValueError(f"unknown OCR policy {ocr!r}; use one of {', '.join(OCR_POLICIES)}")
    path_str = os.fspath(path)
    try:
        head, doc_id, size_bytes = _hash_file(path_str)
    except OSError as exc:
        raise ParseError(path_str, "parse_error", f"{type(exc).__name__}: {exc}") from exc
    if b"%PDF-" not in head:
        raise ParseError(path_str, "not_pdf", "no %PDF- header in the first 1024 bytes")
    if backend == "pdfplumber":
        return _parse_with(parse_plumber.PlumberDoc, path_str, doc_id, size_bytes, max_pages, ocr)
    try:
        return _parse_with(parse_pdfium.PdfiumDoc, path_str, doc_id, size_bytes, max_pages, ocr)
    except ParseError as first:
        if backend == "pdfium" or first.reason not in _FALLBACK_REASONS:
            raise
        log.info("pdfium failed on %s (%s: %s); trying pdfplumber", path_str, first.reason, first.detail)
        try:
            doc = _parse_with(parse_plumber.PlumberDoc, path_str, doc_id, size_bytes, max_pages, ocr)
        except ParseError as second:
            if second.reason in ("parse_error", "recursion") and first.reason in _SPECIFIC_REASONS:
                raise first from second
            raise
        doc.warnings.insert(0, f"pdfium: {first.reason}: {first.detail}"[:300] + "; parsed with pdfplumber")
        return doc


def _hash_file(path: str) -> tuple[bytes, str, int]:
    """The first 1024 bytes (for the %PDF- check), the sha256 and the size of a file."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
        size = os.fstat(fh.fileno()).st_size
        return head, sha256_stream(fh), size


def _parse_error(path: str, exc: BaseException) -> ParseError:
    root = parse_plumber.root_cause(exc)
    if isinstance(root, MemoryError):
        raise root
    detail = f"{type(root).__name__}: {root}"[:300]
    if isinstance(root, RecursionError):
        return ParseError(path, "recursion", detail)
    if parse_plumber.is_encrypted_error(root) or parse_pdfium.is_encrypted_error(root):
        return ParseError(path, "encrypted", detail)
    if isinstance(root, parse_pdfium.PdfiumOpenError) and root.code == 0:
        return ParseError(path, "zero_pages", "the PDF has no pages")
    return ParseError(path, "parse_error", detail)


def _parse_with(
    opener: type[parse_plumber.PlumberDoc] | type[parse_pdfium.PdfiumDoc],
    path: str,
    doc_id: str,
    size_bytes: int,
    max_pages: int,
    ocr: str = "auto",
) -> ParsedDocument:
    try:
        with opener(path) as pdf, PageOcr(path, ocr) as reader:
            return _parse_open(pdf, path, doc_id, size_bytes, max_pages, reader)
    except (ParseError, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a quarantine reason
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _parse_error(path, exc) from exc


def _page_lines(
    pdf: _OpenDoc, reader: PageOcr, page_no: int, ocr_conf: dict[int, float | None], warnings: list[str]
) -> list[Line]:
    """The page's text-layer lines, or its OCR'd lines where the policy asks for OCR."""
    lines = pdf.page_lines(page_no - 1, with_size=page_no == 1)
    if not reader.wants(page_no - 1, (ln.text for ln in lines)):
        return lines
    try:
        lines, ocr_conf[page_no] = reader.lines(page_no - 1, with_size=page_no == 1)
    except OcrUnavailable as exc:
        warnings.append(f"OCR unavailable: {exc}"[:300])
        reader.policy = "never"
    return lines


def _parse_open(
    pdf: _OpenDoc, path: str, doc_id: str, size_bytes: int, max_pages: int, reader: PageOcr
) -> ParsedDocument:
    page_count = pdf.page_count
    if page_count == 0:
        raise ParseError(path, "zero_pages", "the PDF has no pages")
    if page_count > max_pages:
        raise ParseError(path, "too_many_pages", f"{page_count} pages > max_pages={max_pages}")

    warnings: list[str] = []
    failures: list[BaseException] = []
    page_lines: list[list[Line]] = []
    ocr_conf: dict[int, float | None] = {}
    for page_no in range(1, page_count + 1):
        try:
            page_lines.append(_page_lines(pdf, reader, page_no, ocr_conf, warnings))
        except MemoryError:
            raise
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - one bad page must not sink the rest
            root = parse_plumber.root_cause(exc)
            if isinstance(root, MemoryError):
                raise root from exc
            failures.append(root)
            warnings.append(f"page {page_no}: {type(root).__name__}: {root}"[:300])
            page_lines.append([])
    if len(failures) == page_count:
        raise _parse_error(path, failures[0])

    # titles and issuers' names often repeat as running lines: read them before those go
    head = [list(lines) for lines in page_lines[:3]]
    drop_running_lines(page_lines)
    joined = [join_page(lines) for lines in page_lines]
    texts = [text for text, _ in joined]
    if sum(len(t) for t in texts) < MIN_TEXT_CHARS:
        raise ParseError(path, "no_text", "no extractable text (image-only scan?)")

    raw_meta = sanitise_metadata(pdf.metadata())
    file_name = Path(path).name
    issuer_pages = [[ln.text for ln in lines] for lines in head]
    if page_count > 3:
        issuer_pages.append([ln.text for ln in page_lines[-1]])
    # the file's own Publisher field names the issuer; the catalogue says of what kind
    named = raw_meta.get("Publisher")
    publisher = lookup(named) or Publisher(named, "") if named else find_publisher(issuer_pages, raw_meta)
    meta = DocumentMeta(
        doc_id=doc_id,
        path=path,
        file_name=file_name,
        size_bytes=size_bytes,
        page_count=page_count,
        title=pick_title(raw_meta.get("Title"), head, file_name, raw_meta.get("Author")),
        author=raw_meta.get("Author") or None,
        publisher=publisher.name if publisher else raw_meta.get("Company") or None,
        published=pick_date(head, raw_meta, "\n".join(texts)),
        publisher_kind=publisher.kind or None if publisher else None,
        doc_number=find_doc_numbers(head, raw_meta),
        pdf_metadata=raw_meta,
    )
    parsed_pages = [
        Page(
            page_no=i,
            text=text,
            blocks=tuple(PageBlock(k, s, e) for k, s, e in spans),
            source="ocr" if i in ocr_conf else "text",
            ocr_confidence=ocr_conf.get(i),
            quality=page_quality(text),
        )
        for i, (text, spans) in enumerate(joined, start=1)
    ]
    return ParsedDocument(meta=meta, pages=parsed_pages, warnings=warnings)
