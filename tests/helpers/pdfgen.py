"""A tiny dependency-free PDF 1.4 writer for tests and sample corpora.

Coordinates are PDF points with the origin at the bottom-left of the page
(612 x 792 is US Letter). A page is a list of drawing items:

    TextItem(x, y, text, size=10, font="Helvetica")   # y is the baseline
    Line(x1, y1, x2, y2, width=0.5)
    Rect(x, y, w, h, width=0.5, fill=False)

Only the standard 14 fonts are used (nothing is embedded). Text is written in
WinAnsiEncoding; characters outside it (and control characters such as an
ANSI escape) are carried through a per-document ``/Differences`` table using
``uniXXXX`` glyph names, so text extractors still see them. Up to 38 such
characters per document are kept; further ones become "?".

    write_pdf("x.pdf", [[TextItem(72, 720, "Hello", 12, "Helvetica-Bold")]],
              metadata={"Title": "Hello", "CreationDate": "D:20240102000000Z"})

Output is deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PAGE_WIDTH = 612.0
PAGE_HEIGHT = 792.0

FONTS: dict[str, str] = {
    "Helvetica": "F1",
    "Helvetica-Bold": "F2",
    "Helvetica-Oblique": "F3",
    "Times-Roman": "F4",
    "Times-Bold": "F5",
    "Courier": "F6",
}

# Helvetica AFM advance widths (1/1000 em) for ASCII 32..126.
_HELVETICA_WIDTHS: tuple[int, ...] = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p..~
)  # fmt: skip

# Codes WinAnsiEncoding leaves undefined; used for characters it cannot encode.
_FREE_CODES: tuple[int, ...] = (*range(1, 32), 0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D)


@dataclass(frozen=True)
class TextItem:
    """One run of text; (x, y) is the start of its baseline."""

    x: float
    y: float
    text: str
    size: float = 10.0
    font: str = "Helvetica"


@dataclass(frozen=True)
class Line:
    """A stroked straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5


@dataclass(frozen=True)
class Rect:
    """A rectangle with its bottom-left corner at (x, y); stroked, or filled grey."""

    x: float
    y: float
    w: float
    h: float
    width: float = 0.5
    fill: bool = False


Item = TextItem | Line | Rect


def char_width(ch: str, size: float, font: str = "Helvetica") -> float:
    """Approximate advance width of one character in points."""
    if font == "Courier":
        return 0.6 * size
    code = ord(ch)
    base = float(_HELVETICA_WIDTHS[code - 32] if 32 <= code <= 126 else 556)
    if font.startswith("Times"):
        base = base * 0.9
    elif font.endswith("Bold"):
        base = base * 1.06
    return base * size / 1000.0


def text_width(text: str, size: float, font: str = "Helvetica") -> float:
    """Approximate width of `text` set in `font` at `size` points."""
    return sum(char_width(ch, size, font) for ch in text)


def wrap_text(text: str, width: float, size: float, font: str = "Helvetica") -> list[str]:
    """Greedy word wrap of `text` into lines no wider than `width` points."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def layout_paragraph(
    text: str,
    x: float,
    y: float,
    width: float,
    *,
    size: float = 10.0,
    font: str = "Helvetica",
    leading: float | None = None,
) -> tuple[list[TextItem], float]:
    """Wrap `text` into a column starting at baseline `y`; return items and the next baseline."""
    step = leading if leading is not None else size * 1.25
    items: list[TextItem] = []
    for line in wrap_text(text, width, size, font):
        items.append(TextItem(x, y, line, size, font))
        y -= step
    return items, y


def _escape(raw: bytes) -> bytes:
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


class _Encoder:
    """WinAnsi encoding plus a document-wide table of extra glyphs."""

    def __init__(self) -> None:
        self.extra: dict[str, int] = {}

    def encode(self, text: str) -> bytes:
        out = bytearray()
        for ch in text:
            code: int | None = None
            if ch >= " " and ch != "\x7f":
                try:
                    encoded = ch.encode("cp1252")
                except UnicodeEncodeError:
                    encoded = b""
                if len(encoded) == 1 and encoded[0] not in _FREE_CODES:
                    code = encoded[0]
            if code is None:
                code = self._extra_code(ch)
            out.append(code)
        return bytes(out)

    def _extra_code(self, ch: str) -> int:
        if ch in self.extra:
            return self.extra[ch]
        if len(self.extra) >= len(_FREE_CODES) or 0xD800 <= ord(ch) <= 0xDFFF or ch == "\x00":
            return ord("?")
        code = _FREE_CODES[len(self.extra)]
        self.extra[ch] = code
        return code

    def differences(self) -> str:
        parts = []
        for ch, code in sorted(self.extra.items(), key=lambda kv: kv[1]):
            cp = ord(ch)
            name = f"uni{cp:04X}" if cp <= 0xFFFF else f"u{cp:06X}"
            parts.append(f"{code} /{name}")
        return " ".join(parts)


def _content_stream(items: Iterable[Item], encoder: _Encoder) -> bytes:
    ops: list[bytes] = []
    for item in items:
        if isinstance(item, TextItem):
            if item.font not in FONTS:
                raise ValueError(f"unknown font {item.font!r}; known: {', '.join(FONTS)}")
            ops.append(
                b"BT /%s %s Tf %s %s Td (%s) Tj ET"
                % (
                    FONTS[item.font].encode(),
                    _fmt(item.size).encode(),
                    _fmt(item.x).encode(),
                    _fmt(item.y).encode(),
                    _escape(encoder.encode(item.text)),
                )
            )
        elif isinstance(item, Line):
            ops.append(
                f"{_fmt(item.width)} w {_fmt(item.x1)} {_fmt(item.y1)} m {_fmt(item.x2)} {_fmt(item.y2)} l S".encode()
            )
        elif isinstance(item, Rect):
            box = f"{_fmt(item.x)} {_fmt(item.y)} {_fmt(item.w)} {_fmt(item.h)} re"
            if item.fill:
                ops.append(f"q 0.85 g {box} f Q".encode())
            else:
                ops.append(f"{_fmt(item.width)} w {box} S".encode())
        else:
            raise TypeError(f"cannot draw {type(item).__name__}")
    return b"\n".join(ops) + b"\n"


def _info_string(value: str) -> bytes:
    try:
        raw = value.encode("ascii")
        if all(32 <= b < 127 for b in raw):
            return b"(" + _escape(raw) + b")"
    except UnicodeEncodeError:
        pass
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


def _info_name(key: str) -> bytes:
    safe = "".join(ch if ch.isalnum() else f"#{ord(ch):02X}" for ch in key if ord(ch) < 128)
    return b"/" + safe.encode()


def write_pdf(
    path: str | os.PathLike[str],
    pages: Sequence[Sequence[Item]],
    metadata: dict[str, str] | None = None,
    compress: bool = True,
    *,
    page_size: tuple[float, float] = (PAGE_WIDTH, PAGE_HEIGHT),
) -> None:
    """Write `pages` (lists of TextItem/Line/Rect) to a PDF file at `path`."""
    with open(path, "wb") as fh:
        fh.write(render_pdf(pages, metadata, compress, page_size=page_size))


def render_pdf(
    pages: Sequence[Sequence[Item]],
    metadata: dict[str, str] | None = None,
    compress: bool = True,
    *,
    page_size: tuple[float, float] = (PAGE_WIDTH, PAGE_HEIGHT),
) -> bytes:
    """The bytes write_pdf would write."""
    encoder = _Encoder()
    streams = [_content_stream(page, encoder) for page in pages]

    n_fonts = len(FONTS)
    # Object layout: 1 catalog, 2 pages, 3 info, 4.. fonts, then (page, content) pairs.
    first_font = 4
    first_page = first_font + n_fonts
    page_ids = [first_page + 2 * i for i in range(len(pages))]

    objects: dict[int, bytes] = {}
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))
    info = b"".join(_info_name(k) + b" " + _info_string(v) for k, v in (metadata or {}).items())
    objects[3] = b"<< " + info + b" >>"

    diffs = encoder.differences()
    if diffs:
        encoding = f"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [{diffs}] >>"
    else:
        encoding = "/WinAnsiEncoding"
    font_refs = []
    for i, (name, res) in enumerate(FONTS.items()):
        oid = first_font + i
        objects[oid] = f"<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding {encoding} >>".encode()
        font_refs.append(f"/{res} {oid} 0 R")
    resources = f"<< /Font << {' '.join(font_refs)} >> >>".encode()

    width, height = page_size
    for pid, stream in zip(page_ids, streams, strict=True):
        objects[pid] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources %s /Contents %d 0 R >>" % (
            _fmt(width).encode(),
            _fmt(height).encode(),
            resources,
            pid + 1,
        )
        data = zlib.compress(stream, 9) if compress else stream
        filt = b" /Filter /FlateDecode" if compress else b""
        objects[pid + 1] = b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), filt, data)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for oid in sorted(objects):
        offsets[oid] = len(out)
        out += b"%d 0 obj\n" % oid + objects[oid] + b"\nendobj\n"
    size = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for oid in range(1, size):
        out += b"%010d 00000 n \n" % offsets[oid]
    doc_id = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().upper().encode()
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        doc_id,
        doc_id,
        xref_at,
    )
    return bytes(out)
