"""Document metadata: sanitised PDF info, title and publication date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pipeline.parse.firstpages import first_lines, with_next
from pipeline.parse.layout import Line
from pipeline.parse.publishers import is_issuer_name
from pipeline.parse.title import pick_title as choose_title
from pipeline.text import clean_pdf_text

METADATA_VALUE_CHARS = 500

_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<year>(?:19[89]|20\d)\d)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_RANGE = r"(?:\s*[–—-]\s*\d{1,2}(?:st|nd|rd|th)?)?"  # "August 20–22, 2014": the first day
_DATE_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+{_DAY}{_RANGE},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}{_RANGE}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}-(?P<mnum>\d{{1,2}})-{_DAY}\b"),
    re.compile(rf"\b(?P<mnum>\d{{1,2}})/{_DAY}/{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I),
]
# a court's filing stamp: "Filed 05/01/14"
_FILED = re.compile(r"\bfiled:?\s+(?P<mnum>\d{1,2})/(?P<day>\d{1,2})/(?P<yy>\d{2})\b", re.I)
# "Culture Mandala, Vol. 8, No. 1, October 2008", "Volume 11, 2009": a journal issue's year
_JOURNAL_YEAR = re.compile(r"\bvol(?:ume)?\.?\s*\d+\b[^.]{0,40}?\b((?:19|20)\d\d)\b", re.I)
_DATE_KEYWORDS = re.compile(
    r"\b(?:published|publication(?: date)?|released?(?: date)?|issued|dated?|posted(?: on)?|version|filed|"
    r"first release(?: time)?)\b\W{0,3}(?:\w+\W{1,3}){0,2}$",
    re.I,
)
_WEAK_DATE_KEYWORDS = re.compile(r"\b(?:updated|revised|modified|last revised|update)\b", re.I)
_BYLINE_DATE = re.compile(r"^\s*(?:by|posted)\b", re.I)
_URL_DATE = re.compile(r"\.(?:org|com|net|gov|edu|ca|uk)\s?/(?:[\w-]+/)?((?:19|20)\d\d)/(0[1-9]|1[0-2])/")
_INITIAL_VERSION = re.compile(r"initial version|original release date|initial release|initial publication", re.I)
# "PUBLISHED DECEMBER 22" with "Copyright 2016" on the page
_MONTH_DAY = re.compile(rf"\b(?:published|released|posted|issued)\W+{_MONTH}\s+{_DAY}\b(?!,?\s*\d{{4}})", re.I)
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\s*((?:19|20)\d\d)\b", re.I)
# Producers that print a web page: their date is the day it was printed, not published.
_PRINTER = re.compile(r"safari|chrom|skia|wkhtml|\bqt\b|print to pdf|webkit|firefox|headless|mozilla", re.I)
_DOC_NUMBERS = [
    # CISA/US-CERT alerts, analysis reports, joint reports, ICS advisories; Canadian Cyber Centre alerts
    re.compile(r"\b((?:AA|TA|ST|SA|AR|MAR|JAR|IR|AL|AV|ICSA|ICSMA)-?\d{2}-\d{3,5}[A-Z]?(?:-\d{2})?(?:\.v\d)?)\b"),
    re.compile(r"\b(MAR-\d{8}(?:-\d{1,2})?(?:\.v\d+)?)\b"),
    re.compile(r"\b(GAO-\d{2}-\d{2,4}[A-Z]{0,2})\b"),
    re.compile(r"\b((?:DODIG|OIG|IG)-\d{2,4}-\d{2,4})\b"),
    re.compile(r"\b((?:NICA|ICA|NIC)\s?\d{4}-\d{2,3}[A-Z]?)\b"),
    re.compile(r"(?:CRS|Congressional Research Service|www\.crs\.gov)\W+(?:.*?\W)?((?:R|RL|RS|IF|IN|LSB)\d{4,5})\b"),
    re.compile(r"^\s*((?:R|RL|RS)\d{5})\s*$"),
    re.compile(r"\b(JR\d{2}-\d{4})\b"),
    # NSA products ("U/OO/179811-20", "PP-21-0191"), FBI FLASH and PIN numbers
    re.compile(r"\b([UC]/OO/\d{5,6}-\d{2})\b"),
    re.compile(r"\b(PP-\d{2}-\d{3,4})\b"),
    re.compile(r"\b((?:MU|MC|CU|CP|AC|PIN)-0{1,3}\d{3,6}-[A-Z]{2})\b"),
    re.compile(r"\bPIN\s*(?:Number|No\.?|#)?:?\s*(\d{8}-\d{3})\b"),
    # Australian, French and Dutch advisories
    re.compile(r"\b(ACSC\s?\d{4}-\d{3})\b"),
    re.compile(r"\b(CERTFR-\d{4}-[A-Z]{2,4}-\d{3})\b"),
    re.compile(r"\b(NCSC-\d{4}-\d{4})\b"),
    # RAND report numbers
    re.compile(r"\b((?:RR|RRA)-?\d{3,5}(?:-\d{1,2})?(?:-[A-Z]{1,5})?)\b"),
    # court filings
    re.compile(r"\b(Criminal (?:No|Number|Case)\.?\s*\d[\w:-]*)", re.I),
    re.compile(r"\b(\d:\d{2}-(?:cr|cv|mj|mc)-\d{3,6}(?:-[A-Z]{2,4})?)\b"),
    # a series' number: "Research Brief Number 19", "CITIZEN LAB TECHNICAL BRIEF 001"
    re.compile(
        r"((?:(?-i:[A-Z])\w+\s+){0,3}(?:Research|Technical|Policy|Issue)\s+Brief\s+(?:No\.|Number|#)?\s*\d+)", re.I
    ),
]
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def sanitise_metadata(raw: dict[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (raw or {}).items():
        if isinstance(value, bytes):
            text = value.decode("latin-1")
        elif isinstance(value, list | tuple):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        text = clean_pdf_text(text)[:METADATA_VALUE_CHARS]
        name = clean_pdf_text(str(key))[:100]
        if name and text:
            out[name] = text
    return out


def pick_title(
    meta_title: str | None, first_pages: list[list[Line]], file_name: str, author: str | None = None
) -> str | None:
    """The PDF's title when it passes the sanity checks and the pages agree, else the printed one."""
    return choose_title(meta_title, first_pages, file_name, author, is_issuer_name)


def _find_date(text: str) -> str | None:
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            found = _date_from_match(match)
            if found:
                return found
    filed = _FILED.search(text)
    if filed:
        try:
            year = 2000 + int(filed.group("yy")) if int(filed.group("yy")) < 80 else 1900 + int(filed.group("yy"))
            return dt.date(year, int(filed.group("mnum")), int(filed.group("day"))).isoformat()
        except ValueError:
            return None
    return None


def _date_from_match(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    year = int(groups["year"])
    month = _month_number(groups["mon"]) if groups.get("mon") else int(groups["mnum"])
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


def pick_date(first_pages: list[list[Line]], meta: dict[str, str], tail_text: str = "") -> str | None:
    """The report's own date: a revision history's initial version; else the best-placed date on
    the first two pages (next to "Published", in a byline, a dateline of its own, a journal issue,
    a printed URL), never a date cited in running text; else the PDF's creation date, unless
    the PDF is a printed web page (then the year of the latest date its first pages mention)."""
    m = _INITIAL_VERSION.search(tail_text)
    if m:
        # "April 15, 2020: Initial Version" or "Initial Version: April 15, 2020"
        before = tail_text[max(0, m.start() - 40) : m.start()].split("\n")[-1]
        found = _find_date(before.split("|")[-1]) or _find_date(tail_text[m.end() : m.end() + 40].split("\n")[0])
        if found:
            return found
    best: tuple[float, str] | None = None
    for page_index, lines in enumerate(first_pages[:2]):
        for score, found in _dated_lines(lines):
            score -= 0.5 * page_index
            if score > 0 and (best is None or score > best[0]):
                best = (score, found)
    if best:
        return best[1]
    printed = _PRINTER.search(" ".join((meta.get("Creator", ""), meta.get("Producer", ""))))
    if not printed:
        return _pdf_date(meta)
    created = _pdf_date(meta)
    mentioned = [d for ln in first_lines(first_pages, 3) for d in [_find_date(ln.text)] if d]
    mentioned = [d for d in mentioned if not created or d[:4] <= created[:4]]
    return max(mentioned)[:4] if mentioned else None


def _dated_lines(lines: list[Line]) -> list[tuple[float, str]]:
    """(score, date) for each line of a page that carries a date, by how it stands."""
    block_lines: dict[int, int] = {}
    for ln in lines:
        block_lines[ln.block] = block_lines.get(ln.block, 0) + 1
    page_text = " ".join(ln.text for ln in lines)
    cover_year = _COPYRIGHT_YEAR.search(page_text)
    out: list[tuple[float, str]] = []
    for i, (ln, nxt) in enumerate(with_next(lines)):
        text = _unspace(ln.text)
        if nxt is not None and nxt.block == ln.block and len(text.split()) <= 4 and len(nxt.text.split()) <= 3:
            if not _find_date(text) and _find_date(f"{text} {nxt.text}"):
                text = f"{text} {nxt.text}"  # "June" over "2015", "November 9," over "2016"
        words = text.split()
        paragraph = block_lines.get(ln.block, 0) > 3 and len(words) > 6
        found = _find_date(text)
        if found:
            start = _date_start(text)
            before = text[:start]
            if _DATE_KEYWORDS.search(before) or (i > 0 and _DATE_KEYWORDS.search(lines[i - 1].text) and not before):
                out.append((1.0 if paragraph else 3.0, found))
            elif _BYLINE_DATE.match(text) and len(words) <= 14:
                out.append((3.0, found))
            elif not paragraph and len(words) <= 10 and not text.rstrip().endswith("."):
                out.append((2.0, found))
            elif _WEAK_DATE_KEYWORDS.search(before):
                out.append((1.0, found))
            continue
        journal = _JOURNAL_YEAR.search(text)
        if journal and not paragraph:
            out.append((2.5, journal.group(1)))
            continue
        url = _URL_DATE.search(text)
        if url:
            out.append((2.5 if len(words) <= 3 else 1.5, f"{url.group(1)}-{url.group(2)}"))
            continue
        month_day = _MONTH_DAY.search(text)
        if month_day and cover_year:
            try:
                year = int(cover_year.group(1))
                date = dt.date(year, _month_number(month_day.group("mon")), int(month_day.group("day")))
            except ValueError:
                continue
            out.append((3.0, date.isoformat()))
    return out


def _date_start(text: str) -> int:
    starts = [m.start() for p in _DATE_PATTERNS for m in [p.search(text)] if m]
    filed = _FILED.search(text)
    if filed:
        starts.append(filed.start())
    return min(starts) if starts else 0


def _unspace(text: str) -> str:
    """'P U B L I S H E D D E C E M B E R 2 2' -> 'PUBLISHED DECEMBER 22' (letter-spaced type)."""
    tokens = text.split()
    if len(tokens) < 6 or sum(len(t) == 1 for t in tokens) < 0.7 * len(tokens):
        return text
    squashed = "".join(tokens)
    squashed = re.sub(
        r"(?i)(january|february|march|april|may|june|july|august|september|october|november|december)",
        r" \1 ",
        squashed,
    )
    squashed = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", squashed)
    return " ".join(squashed.split())


def _pdf_date(meta: dict[str, str]) -> str | None:
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


def find_doc_numbers(first_pages: list[list[Line]], meta: dict[str, str]) -> str | None:
    """Identifiers the issuer prints (AA24-038A, TA14-353A, JAR-16-20296, R41524, GAO-21-123, NICA 2020-027)."""
    texts = [meta.get("Title", ""), meta.get("Subject", ""), meta.get("Author", "")]
    for lines in first_pages[:2]:
        for ln, nxt in with_next(lines):
            # a series name and its number are often set apart: "TECHNICAL BRIEF" and "001"
            if nxt is not None and re.fullmatch(r"\s*(?:No\.?\s*)?\d{1,4}\s*", nxt.text):
                texts.append(f"{ln.text} {nxt.text}")
            else:
                texts.append(ln.text)
    found: list[str] = []
    for text in texts:
        for pattern in _DOC_NUMBERS:
            for m in pattern.finditer(text):
                number = " ".join(m.group(1).split())
                if number.upper() not in {f.upper() for f in found}:
                    found.append(number)
    return "; ".join(found[:3]) or None
