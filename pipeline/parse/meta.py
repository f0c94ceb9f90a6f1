"""Document metadata: sanitised PDF info, title and publication date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pipeline.parse.layout import Line
from pipeline.text import clean_pdf_text

METADATA_VALUE_CHARS = 500

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


def pick_title(meta_title: str | None, first_page: list[Line], file_name: str) -> str | None:
    if meta_title and not _is_junk_title(meta_title, file_name):
        return meta_title
    return _largest_text(first_page)


def _is_junk_title(title: str, file_name: str) -> bool:
    t = title.strip()
    letters = sum(ch.isalpha() for ch in t)
    return letters < 3 or bool(_JUNK_TITLE.search(t)) or t.lower() in {file_name.lower(), Path(file_name).stem.lower()}


def _largest_text(lines: list[Line]) -> str | None:
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


def pick_date(first_page: list[Line], meta: dict[str, str]) -> str | None:
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
