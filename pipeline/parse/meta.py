"""Document metadata: sanitised PDF info, title and publication date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

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
_DATE_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}-(?P<mnum>\d{{1,2}})-(?P<day>\d{{1,2}})\b"),
    re.compile(rf"\b(?P<mnum>\d{{1,2}})/(?P<day>\d{{1,2}})/{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I),
]
_DATE_KEYWORDS = re.compile(r"\b(?:published|publication|released?|issued|dated?|posted(?: on)?|version)\b", re.I)
_WEAK_DATE_KEYWORDS = re.compile(r"\b(?:updated|revised|modified|last revised)\b", re.I)
_URL_DATE = re.compile(r"\.(?:org|com|net|gov|edu|ca|uk)/(?:[\w-]+/)?((?:19|20)\d\d)/(0[1-9]|1[0-2])/")
_INITIAL_VERSION = re.compile(r"initial version|original release date|initial release|initial publication", re.I)
_DOC_NUMBERS = [
    re.compile(r"\b((?:AA|TA|ST|SA|AR|MAR|JAR|IR|ICSA|ICSMA)-?\d{2}-\d{3,5}[A-Z]?(?:\.v\d)?)\b"),
    re.compile(r"\b(GAO-\d{2}-\d{2,4}[A-Z]{0,2})\b"),
    re.compile(r"\b((?:NICA|ICA|NIC)\s?\d{4}-\d{2,3}[A-Z]?)\b"),
    re.compile(r"(?:CRS|Congressional Research Service|www\.crs\.gov)\W+(?:.*?\W)?((?:R|RL|RS|IF|IN|LSB)\d{4,5})\b"),
    re.compile(r"^\s*((?:R|RL|RS)\d{5})\s*$"),
    re.compile(r"\b(JR\d{2}-\d{4})\b"),
    re.compile(r"\b(Criminal (?:No|Number|Case)\.?\s*\d[\w:-]*)", re.I),
    re.compile(r"\b(\d:\d{2}-cr-\d{3,5}(?:-[A-Z]{2,4})?)\b"),
    re.compile(r"\b((?:Research|Technical) Brief (?:No\.|Number|#)\s*\d+)", re.I),
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


def pick_date(first_pages: list[list[Line]], meta: dict[str, str], tail_text: str = "") -> str | None:
    """The report's own date: a revision history's initial version, a date on the first pages
    near a publication keyword or on a line of its own, a date in a printed URL; else the PDF's dates."""
    m = _INITIAL_VERSION.search(tail_text)
    if m:
        # "April 15, 2020: Initial Version" or "Initial Version: April 15, 2020"
        before = tail_text[max(0, m.start() - 40) : m.start()].split("\n")[-1]
        found = _find_date(before.split("|")[-1]) or _find_date(tail_text[m.end() : m.end() + 40].split("\n")[0])
        if found:
            return found
    best: tuple[float, str] | None = None
    for page_index, lines in enumerate(first_pages[:2]):
        texts = [ln.text for ln in lines]
        for i, text in enumerate(texts):
            found = _find_date(text)
            score = 0.0
            if found and _DATE_KEYWORDS.search(text):
                score = 3
            elif found and i > 0 and _DATE_KEYWORDS.search(texts[i - 1]) and len(texts[i - 1]) < 40:
                score = 3
            elif found and any(p.match(text) for p in _DATE_PATTERNS) and len(text) < 40:
                score = 2
            elif found and _WEAK_DATE_KEYWORDS.search(text):
                score = 1
            elif not found:
                url = _URL_DATE.search(text)
                if url:
                    found, score = f"{url.group(1)}-{url.group(2)}", 1.5
            score -= 0.5 * page_index
            if found and score > 0 and (best is None or score > best[0]):
                best = (score, found)
    if best:
        return best[1]
    return _pdf_date(meta)


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
    texts += [ln.text for lines in first_pages[:2] for ln in lines]
    found: list[str] = []
    for text in texts:
        for pattern in _DOC_NUMBERS:
            for m in pattern.finditer(text):
                number = " ".join(m.group(1).split())
                if number.upper() not in {f.upper() for f in found}:
                    found.append(number)
    return "; ".join(found[:3]) or None
