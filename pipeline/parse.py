"""PDF -> pages: cleaned page text in reading order, plus document metadata."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils import extract_words

from pipeline.errors import ParseError
from pipeline.models import DocumentMeta, Page, ParsedDocument

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20
EDGE_LINES = 3
REPEAT_PAGE_SHARE = 0.4
REPEAT_MIN_PAGES = 3
PREFIX_CHARS = 24
METADATA_VALUE_CHARS = 500

_DROP_CHARS = dict.fromkeys(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x00AD]
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\r\f\v\u2028\u2029]+")
_CID = re.compile(r"\(cid:\d+\)")
_DIGITS = re.compile(r"\d+")
_EDGE_ROMAN = re.compile(r"^\s*[ivxlc]{1,7}\b|\b[ivxlc]{1,7}\s*$")
_PAGE_NUMBER = re.compile(
    r"^(?:page|pg\.?|p\.)?\s*[-–—|]*\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—|]*"
    r"\s*(?:(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_JUNK_TITLE = re.compile(
    r"^(?:untitled|layout|document|doc|title|none|null|slide|powerpoint presentation|"
    r"microsoft word|print)[\s_-]*\d*$"
    r"|^microsoft (?:word|powerpoint|excel) -"
    r"|\.(?:docx?|pdf|indd|rtf|pptx?|xlsx?|qxd|qxp|txt|tex|dvi|ps|eps|odt|pages|html?)$",
    re.IGNORECASE,
)
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<year>(?:19[89]|20\d)\d)"
_DATE_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}-(?P<mnum>\d{{1,2}})-(?P<day>\d{{1,2}})\b"),
    re.compile(rf"\b(?P<mnum>\d{{1,2}})/(?P<day>\d{{1,2}})/{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I),
]
_DATE_KEYWORDS = re.compile(r"\b(?:published|publication|released?|issued|dated?)\b", re.I)
_WEAK_DATE_KEYWORDS = re.compile(r"\b(?:updated|revised|modified)\b", re.I)
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


@dataclass
class _Line:
    """One visual line; `sep` is what separates it from the previous line in reading order."""

    text: str
    top: float
    bottom: float
    size: float = 0.0
    sep: str = "\n"


def parse_pdf(path: str | os.PathLike[str], *, max_pages: int = 5000) -> ParsedDocument:
    """Parse the PDF at `path` into cleaned pages and metadata, or raise ParseError."""
    path_str = os.fspath(path)
    try:
        head, doc_id, size_bytes = _hash_file(path_str)
    except OSError as exc:
        raise ParseError(path_str, "parse_error", f"{type(exc).__name__}: {exc}") from exc
    if b"%PDF-" not in head:
        raise ParseError(path_str, "not_pdf", "no %PDF- header in the first 1024 bytes")
    try:
        with pdfplumber.open(path_str) as pdf:
            return _parse_open(pdf, path_str, doc_id, size_bytes, max_pages)
    except (ParseError, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a quarantine reason
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _parse_error(path_str, exc) from exc


def clean_text(text: str) -> str:
    """NFKC-normalise and drop control, zero-width and bidi characters; collapse spaces."""
    text = text.translate(_DROP_CHARS)
    text = unicodedata.normalize("NFKC", text)
    text = _CID.sub("", text)
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _hash_file(path: str) -> tuple[bytes, str, int]:
    digest = hashlib.sha256()
    size = 0
    head = b""
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            if size == 0:
                head = block[:1024]
            digest.update(block)
            size += len(block)
    return head, digest.hexdigest(), size


def _root_cause(exc: BaseException) -> BaseException:
    # pdfplumber wraps pdfminer failures in PdfminerException(original).
    seen = 0
    while seen < 5 and type(exc).__name__ == "PdfminerException":
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        inner = inner or exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
        seen += 1
    return exc


def _parse_error(path: str, exc: BaseException) -> ParseError:
    root = _root_cause(exc)
    if isinstance(root, MemoryError):
        raise root
    detail = f"{type(root).__name__}: {root}"[:300]
    if isinstance(root, RecursionError):
        return ParseError(path, "recursion", detail)
    if isinstance(root, PDFPasswordIncorrect | PDFEncryptionError):
        return ParseError(path, "encrypted", detail)
    return ParseError(path, "parse_error", detail)


def _parse_open(
    pdf: pdfplumber.PDF, path: str, doc_id: str, size_bytes: int, max_pages: int
) -> ParsedDocument:
    pages = pdf.pages
    page_count = len(pages)
    if page_count == 0:
        raise ParseError(path, "zero_pages", "the PDF has no pages")
    if page_count > max_pages:
        raise ParseError(path, "too_many_pages", f"{page_count} pages > max_pages={max_pages}")

    warnings: list[str] = []
    failures: list[BaseException] = []
    page_lines: list[list[_Line]] = []
    for page_no, page in enumerate(pages, start=1):
        try:
            page_lines.append(_page_lines(page, with_size=page_no == 1))
        except MemoryError:
            raise
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - one bad page must not sink the rest
            root = _root_cause(exc)
            if isinstance(root, MemoryError):
                raise root from exc
            failures.append(root)
            warnings.append(f"page {page_no}: {type(root).__name__}: {root}"[:300])
            page_lines.append([])
        finally:
            page.close()
    if len(failures) == page_count:
        raise _parse_error(path, failures[0])

    _drop_running_lines(page_lines)
    texts = [_join_lines(lines) for lines in page_lines]
    if sum(len(t) for t in texts) < MIN_TEXT_CHARS:
        raise ParseError(path, "no_text", "no extractable text (image-only scan?)")

    raw_meta = _sanitise_metadata(pdf.metadata)
    file_name = Path(path).name
    meta = DocumentMeta(
        doc_id=doc_id,
        path=path,
        file_name=file_name,
        size_bytes=size_bytes,
        page_count=page_count,
        title=_pick_title(raw_meta.get("Title"), page_lines[0], file_name),
        author=raw_meta.get("Author") or None,
        publisher=raw_meta.get("Publisher") or raw_meta.get("Company") or None,
        published=_pick_date(page_lines[0], raw_meta),
        pdf_metadata=raw_meta,
    )
    parsed_pages = [Page(page_no=i, text=t) for i, t in enumerate(texts, start=1)]
    return ParsedDocument(meta=meta, pages=parsed_pages, warnings=warnings)


# --- one page -----------------------------------------------------------------


def _page_lines(page: Any, *, with_size: bool) -> list[_Line]:
    """Lines of one page in reading order, each with the separator before it."""
    # Rotated text (e.g. a vertical "Feedback" tab on web prints) extracts reversed.
    chars = _dedupe_chars([c for c in page.chars if c.get("upright", True)])
    words = extract_words(chars, extra_attrs=["size"] if with_size else None)
    if not words:
        return []
    rows = _group_rows(words)
    gutter = _find_gutter(rows, float(page.width))
    if gutter is None:
        return _with_separators([[_make_line(r) for r in rows]])
    rulings = _rulings(page)
    return _with_separators(_column_blocks(rows, gutter, rulings))


def _dedupe_chars(chars: list[dict[str, Any]], tolerance: float = 1.0) -> list[dict[str, Any]]:
    """Drop chars repeating the same text within `tolerance` points (fake bold, doubled layers)."""
    # pdfplumber's Page.dedupe_chars re-sorts by list.index (quadratic). With cells of
    # 2 * tolerance a match lies in the own cell or the neighbour on the near side.
    cell = 2.0 * tolerance
    seen: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    out: list[dict[str, Any]] = []
    for ch in chars:
        text, x0, top = ch["text"], ch["x0"], ch["top"]
        fx, fy = x0 / cell, top / cell
        qx, qy = int(fx // 1), int(fy // 1)
        nx = qx - 1 if fx - qx < 0.5 else qx + 1
        ny = qy - 1 if fy - qy < 0.5 else qy + 1
        if any(
            abs(px - x0) <= tolerance and abs(py - top) <= tolerance
            for key in ((text, qx, qy), (text, nx, qy), (text, qx, ny), (text, nx, ny))
            for px, py in seen.get(key, ())
        ):
            continue
        seen.setdefault((text, qx, qy), []).append((x0, top))
        out.append(ch)
    return out


def _group_rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group words into rows that share a baseline, top to bottom."""
    rows: list[list[dict[str, Any]]] = []
    bounds: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        top, bottom = word["top"], word["bottom"]
        height = max(bottom - top, 0.1)
        for idx in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            r_top, r_bottom = bounds[idx]
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap >= 0.5 * min(height, max(r_bottom - r_top, 0.1)):
                rows[idx].append(word)
                bounds[idx] = (min(top, r_top), max(bottom, r_bottom))
                break
        else:
            rows.append([word])
            bounds.append((top, bottom))
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    order = sorted(range(len(rows)), key=lambda i: bounds[i][0])
    return [rows[i] for i in order]


def _find_gutter(rows: list[list[dict[str, Any]]], page_width: float) -> tuple[float, float] | None:
    """A vertical strip near the middle that few rows cross and text lies on both sides of."""
    if len(rows) < 6:
        return None
    left = min(w["x0"] for row in rows for w in row)
    right = max(w["x1"] for row in rows for w in row)
    span = right - left
    if span < 0.4 * page_width:
        return None
    step = 2.0
    n_bins = int(span / step) + 1
    coverage = [0] * n_bins
    for row in rows:
        covered: set[int] = set()
        for a, b in _row_spans(row):
            covered.update(range(int((a - left) / step), int((b - left) / step) + 1))
        for b in covered:
            if 0 <= b < n_bins:
                coverage[b] += 1
    lo, hi = int(0.3 * n_bins), int(0.7 * n_bins)
    if hi <= lo:
        return None
    min_cov = min(coverage[lo:hi])
    if min_cov > 0.3 * len(rows):
        return None
    best: tuple[int, int] | None = None
    start = None
    for b in range(lo, hi + 1):
        if b < hi and coverage[b] == min_cov:
            start = b if start is None else start
        elif start is not None:
            if best is None or b - start > best[1] - best[0]:
                best = (start, b)
            start = None
    if best is None or (best[1] - best[0]) * step < 7.0:
        return None
    g0, g1 = left + best[0] * step, left + best[1] * step
    if not _columns_hold_text(rows, g0, g1, left, right):
        return None
    return g0, g1


def _row_spans(row: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """Horizontal spans of a row, bridging word spaces (gaps under half the text height)."""
    spans: list[tuple[float, float]] = []
    for w in row:
        if spans and w["x0"] - spans[-1][1] <= 0.5 * (w["bottom"] - w["top"]):
            spans[-1] = (spans[-1][0], max(spans[-1][1], w["x1"]))
        else:
            spans.append((w["x0"], w["x1"]))
    return spans


def _columns_hold_text(
    rows: list[list[dict[str, Any]]], g0: float, g1: float, left: float, right: float
) -> bool:
    # A table of contents or a form also has an empty middle strip; real columns
    # carry prose of similar weight on both sides.
    left_chars = right_chars = left_rows = right_rows = 0
    left_edge, right_edge = g0, g1
    for row in rows:
        if any(w["x0"] < g1 and w["x1"] > g0 for w in row):
            continue
        lw = [w for w in row if w["x1"] <= g0]
        rw = [w for w in row if w["x0"] >= g1]
        if len(lw) >= 3:
            left_rows += 1
        if len(rw) >= 3:
            right_rows += 1
        left_chars += sum(len(w["text"]) for w in lw)
        right_chars += sum(len(w["text"]) for w in rw)
        if lw:
            left_edge = min(left_edge, lw[0]["x0"])
        if rw:
            right_edge = max(right_edge, rw[-1]["x1"])
    total = left_chars + right_chars
    span = right - left
    return (
        total > 0
        and left_rows >= 3
        and right_rows >= 3
        and min(left_chars, right_chars) >= 0.2 * total
        and g0 - left_edge >= 0.25 * span
        and right_edge - g1 >= 0.25 * span
    )


def _rulings(page: Any) -> list[tuple[float, float, float]]:
    """Horizontal rules (x0, y, x1) from drawn lines and rectangle edges, used to spot tables."""
    height = float(page.height)
    rules = []
    for obj in page.lines:
        if abs(obj["bottom"] - obj["top"]) < 2:
            rules.append((obj["x0"], obj["top"], obj["x1"]))
    for obj in page.rects:
        if obj["bottom"] - obj["top"] > 0.5 * height:
            continue  # page backgrounds and frames say nothing about tables
        rules.append((obj["x0"], obj["top"], obj["x1"]))
        rules.append((obj["x0"], obj["bottom"], obj["x1"]))
    return rules


def _column_blocks(
    rows: list[list[dict[str, Any]]],
    gutter: tuple[float, float],
    rulings: Sequence[tuple[float, float, float]],
) -> list[list[_Line]]:
    """Split rows into bands at full-width rows; within a band, left column then right."""
    g0, g1 = gutter
    mid = (g0 + g1) / 2
    bands: list[tuple[bool, list[list[dict[str, Any]]]]] = []
    for row in rows:
        full = any(w["x0"] < g1 - 1 and w["x1"] > g0 + 1 for w in row)
        if bands and bands[-1][0] == full:
            bands[-1][1].append(row)
        else:
            bands.append((full, [row]))
    blocks: list[list[_Line]] = []
    for full, band_rows in bands:
        top = min(w["top"] for w in band_rows[0])
        bottom = max(w["bottom"] for w in band_rows[-1])
        # A horizontal rule reaching into the gutter inside the band means table rows.
        is_table = any(
            x0 < g1 - 1 and x1 > g0 + 1 and top + 1 < y < bottom - 1 for x0, y, x1 in rulings
        )
        if full or is_table:
            blocks.append([_make_line(r) for r in band_rows])
            continue
        left = [[w for w in r if w["x1"] <= mid] for r in band_rows]
        right = [[w for w in r if w["x1"] > mid] for r in band_rows]
        blocks.append([_make_line(r) for r in left if r])
        blocks.append([_make_line(r) for r in right if r])
    return [b for b in blocks if b]


def _make_line(words: list[dict[str, Any]]) -> _Line:
    text = clean_text(_soft_hyphen_end(" ".join(w["text"] for w in words)))
    sizes = [float(w.get("size", 0.0)) for w in words]
    return _Line(
        text=text,
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=max(sizes) if sizes else 0.0,
    )


def _soft_hyphen_end(text: str) -> str:
    return text[:-1] + "-" if text.endswith("\u00ad") else text


def _with_separators(blocks: list[list[_Line]]) -> list[_Line]:
    """Flatten blocks, marking a paragraph break where the vertical gap is clearly large."""
    gaps = [
        b.top - a.bottom
        for block in blocks
        for a, b in zip(block, block[1:], strict=False)
        if b.top > a.top
    ]
    heights = [ln.bottom - ln.top for block in blocks for ln in block]
    # The most common gap is the line spacing; a median drifts upwards on short pages.
    normal_gap = _mode([round(g * 2) / 2 for g in gaps if g > -2]) if gaps else 0.0
    line_height = statistics.median(heights) if heights else 10.0
    out: list[_Line] = []
    for bi, block in enumerate(blocks):
        for li, line in enumerate(block):
            if not line.text:
                continue
            if not out:
                line.sep = ""
            elif li == 0:
                line.sep = "\n" if bi > 0 and _continues(out[-1].text, line.text) else "\n\n"
            else:
                prev = block[li - 1]
                gap = line.top - prev.bottom
                big = gap > max(normal_gap, 0.0) + 0.5 * line_height
                line.sep = "\n\n" if big or line.top <= prev.top else "\n"
            out.append(line)
    return out


def _mode(values: list[float]) -> float:
    if not values:
        return 0.0
    counts = Counter(values)
    best = max(counts.values())
    return min(v for v, c in counts.items() if c == best)


def _continues(prev: str, nxt: str) -> bool:
    """Whether text flowing into a new column continues the previous paragraph."""
    return (
        bool(prev)
        and bool(nxt)
        and prev[-1] in ",;-" + "abcdefghijklmnopqrstuvwxyz"
        and nxt[0].islower()
    )


# --- across pages ---------------------------------------------------------------


def _edge_indices(lines: list[_Line]) -> tuple[set[int], set[int], set[int]]:
    """Indices of the lines within EDGE_LINES of the top, of the bottom, and the two extremes."""
    if not lines:
        return set(), set(), set()
    # On a page of few lines the windows must not meet, or the body becomes "edge".
    window = min(EDGE_LINES, max(1, len(lines) // 2))
    by_top = sorted(range(len(lines)), key=lambda i: lines[i].top)
    by_bottom = sorted(range(len(lines)), key=lambda i: -lines[i].bottom)
    return set(by_top[:window]), set(by_bottom[:window]), {by_top[0], by_bottom[0]}


def _normalise_key(text: str) -> str:
    """A running line's identity: without digits, so "Page 3 of 9" matches "Page 4 of 9"."""
    key = _DIGITS.sub(" ", text.lower())
    key = _EDGE_ROMAN.sub("", key)
    return _SPACES.sub(" ", key).strip(" -–—|.")


def _drop_running_lines(page_lines: list[list[_Line]]) -> None:
    """Remove running headers/footers and lone page numbers from the page edges, in place."""
    n_pages = sum(1 for lines in page_lines if lines)
    edges = [_edge_indices(lines) for lines in page_lines]
    counts: Counter[str] = Counter()
    prefixes: Counter[str] = Counter()
    for lines, (tops, bottoms, extremes) in zip(page_lines, edges, strict=True):
        counts.update({_normalise_key(lines[i].text) for i in tops | bottoms})
        prefixes.update({_prefix_key(lines[i].text) for i in extremes} - {""})
    threshold = max(REPEAT_MIN_PAGES, REPEAT_PAGE_SHARE * n_pages)
    for p, (lines, (tops, bottoms, extremes)) in enumerate(zip(page_lines, edges, strict=True)):
        drop = {
            i
            for i in tops | bottoms
            if _PAGE_NUMBER.match(lines[i].text)
            or counts[_normalise_key(lines[i].text)] >= threshold
            # Chapter headers ("Report - PART 2: ...") change their tail but keep their start.
            or (i in extremes and prefixes[_prefix_key(lines[i].text)] >= threshold)
        }
        if drop:
            page_lines[p] = _remove_lines(lines, drop)


def _prefix_key(text: str) -> str:
    key = _normalise_key(text)
    return key[:PREFIX_CHARS] if len(key) >= PREFIX_CHARS else ""


def _remove_lines(lines: list[_Line], drop: set[int]) -> list[_Line]:
    kept: list[_Line] = []
    pending = ""
    for i, line in enumerate(lines):
        if i in drop:
            pending = max(pending, line.sep, key=len)
            continue
        if pending:
            line.sep = max(pending, line.sep, key=len)
            pending = ""
        kept.append(line)
    if kept:
        kept[0].sep = ""
    return kept


def _join_lines(lines: Iterable[_Line]) -> str:
    """Join lines with their separators, mending words hyphenated across line breaks."""
    out = ""
    for line in lines:
        text = line.text
        if (
            out
            and line.sep == "\n"
            and len(out) >= 2
            and out[-1] == "-"
            and out[-2].isalnum()
            and text
        ):
            # "surveil-" + "lance" is one word; "Russia-" + "Ukraine" keeps its hyphen.
            out = out[:-1] + text if text[0].islower() else out + text
            continue
        out += line.sep + text if out else text
    return out.strip()


# --- metadata ---------------------------------------------------------------------


def _sanitise_metadata(raw: dict[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (raw or {}).items():
        if isinstance(value, bytes):
            text = value.decode("latin-1")
        elif isinstance(value, list | tuple):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        text = clean_text(text)[:METADATA_VALUE_CHARS]
        name = clean_text(str(key))[:100]
        if name and text:
            out[name] = text
    return out


def _pick_title(meta_title: str | None, first_page: list[_Line], file_name: str) -> str | None:
    if meta_title and not _is_junk_title(meta_title, file_name):
        return meta_title
    return _largest_text(first_page)


def _is_junk_title(title: str, file_name: str) -> bool:
    t = title.strip()
    letters = sum(ch.isalpha() for ch in t)
    return (
        letters < 3
        or bool(_JUNK_TITLE.search(t))
        or t.lower() in {file_name.lower(), Path(file_name).stem.lower()}
    )


def _largest_text(lines: list[_Line]) -> str | None:
    """The first run of largest-font lines on a page with enough letters to be a title."""
    sizes = sorted({round(ln.size * 2) / 2 for ln in lines if ln.size > 0}, reverse=True)
    for size in sizes[:3]:
        run: list[str] = []
        for ln in lines:
            if run and ln.sep == "\n\n":
                break
            if abs(ln.size - size) <= 0.5 and ln.text:
                run.append(ln.text)
                if len(run) == 4:
                    break
            elif run:
                break
        title = " ".join(run).strip()
        if sum(ch.isalpha() for ch in title) >= 6:
            return title[:300]
    return None


def _find_date(text: str) -> str | None:
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            found = _date_from_match(match)
            if found:
                return found
    return None


def _date_from_match(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if groups.get("mon"):
        month = _month_number(groups["mon"])
    else:
        month = int(groups["mnum"])
    day_text = groups.get("day")
    try:
        if day_text is None:
            dt.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return dt.date(year, month, int(day_text)).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    return months.index(name[:3].lower()) + 1


def _pick_date(first_page: list[_Line], meta: dict[str, str]) -> str | None:
    """A date printed on the first page near a publication keyword, else the PDF's dates."""
    best: tuple[int, str] | None = None
    texts = [ln.text for ln in first_page]
    for i, text in enumerate(texts):
        found = _find_date(text)
        score = 0
        if _DATE_KEYWORDS.search(text):
            score = 3
        elif i > 0 and _DATE_KEYWORDS.search(texts[i - 1]) and len(texts[i - 1]) < 40:
            score = 3
        elif found and any(p.match(text) for p in _DATE_PATTERNS):
            score = 2
        elif _WEAK_DATE_KEYWORDS.search(text):
            score = 1
        if found and score and (best is None or score > best[0]):
            best = (score, found)
    if best:
        return best[1]
    for key in ("CreationDate", "ModDate"):
        value = meta.get(key, "")
        match = _PDF_DATE.match(value)
        if match:
            year, month, day = match.group(1), match.group(2), match.group(3)
            try:
                dt.date(int(year), int(month or 1), int(day or 1))
            except ValueError:
                continue
            if not 1980 <= int(year) <= 2100:
                continue
            return "-".join(part for part in (year, month, day) if part)
    return None
