"""Document metadata: sanitised PDF info, title and publication date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pipeline.parse.layout import Line
from pipeline.parse.publishers import lookup
from pipeline.text import clean_pdf_text

METADATA_VALUE_CHARS = 500

_JUNK_TITLE = re.compile(
    r"^(?:untitled|layout|document|doc|title|none|null|slide|powerpoint presentation|"
    r"microsoft word|print)[\s_-]*\d*$"
    r"|^microsoft (?:word|powerpoint|excel) -"
    r"|\.(?:docx?|pdf|indd|rtf|pptx?|xlsx?|qxd|qxp|txt|tex|dvi|ps|eps|odt|pages|html?)$",
    re.IGNORECASE,
)
_FILE_LIKE = re.compile(
    r"://|\\|^[\w.-]+\.(?:docx?|pdf|indd|pptx?|rtf|txt)\b|^(?:heading|normal|title|body text)\s*\d*$", re.I
)
_FRAGMENT = re.compile(r"^[^\w“\"'‘(]|^[a-z]")
_TEMPLATE = re.compile(
    r"\b(?:and|or|of|the|to|in|by|with|for|a|an)$"
    r"|^(?:presentation title|click to edit|slide \d+|insert title|your title|title here|untitled\b)",
    re.I,
)
_SITE_SUFFIX = re.compile(r"^(.{8,}?)\s+[|–—-]\s+([^|–—]+)$")
_BYLINE = re.compile(r"^(?:by|authors?:|written by|prepared by)\s", re.I)
_BANNER_OR_URL = re.compile(
    r"https?://|www\.|^(?:unclassified|confidential|secret|top secret|tlp\s*:)|^\s*\d+\s*$|^page \d", re.I
)
_SECTION_HEADING = re.compile(
    r"^(?:\d+\.?\s*)?(?:introduction|executive summary|summary|abstract|contents|table of contents|overview|"
    r"(?:summary of )?key findings|background|foreword|preface|acknowledge?ments|about (?:the|this) \w+|"
    r"disclaimer)\s*:?$",
    re.I,
)
_NAME = r"(?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’-]+"
_NAME_LIST = re.compile(rf"^{_NAME}(?:\s*,\s*{_NAME})+,?\s+(?:and|&)\s+{_NAME}\b")
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
    """The PDF's title when it passes the sanity checks, else the largest type on the first pages."""
    if meta_title:
        title = _strip_site_suffix(meta_title.strip())
        if not _is_junk_title(title, file_name) and lookup(title) is None:
            return title[:300]
    for lines in first_pages[:2]:
        found = _largest_text(lines, author)
        if found:
            return found
    return None


def _is_junk_title(title: str, file_name: str) -> bool:
    """Template names, file names, URLs and fragments are not titles."""
    t = title.strip()
    letters = sum(ch.isalpha() for ch in t)
    words = t.split()
    return (
        letters < 3
        or bool(_JUNK_TITLE.search(t))
        or t.lower() in {file_name.lower(), Path(file_name).stem.lower()}
        or bool(_FILE_LIKE.search(t))
        or bool(_FRAGMENT.search(t))
        or bool(_TEMPLATE.search(t))
        or (len(words) == 1 and ("_" in t or t.count("-") >= 2))
    )


def _strip_site_suffix(title: str) -> str:
    """ "Report name | CISA", "Post - NETRESEC Blog": the site's name after a separator."""
    m = _SITE_SUFFIX.match(title)
    if m and len(m.group(2).split()) <= 4:
        tail = m.group(2).strip()
        if lookup(tail) is not None or re.search(r"\bblog\b|\.com\b|\.org\b", tail, re.I):
            return m.group(1).strip()
    return title


def _largest_text(lines: list[Line], author: str | None = None) -> str | None:
    """The lines of the largest type on a page (one block, joined across lines), a subtitle after a colon."""
    sizes = sorted({round(ln.size * 2) / 2 for ln in lines if ln.size > 0}, reverse=True)
    for size in sizes[:4]:
        for i, ln in enumerate(lines):
            if abs(ln.size - size) > 0.5 or not _title_like(ln.text, author):
                continue
            run = [ln.text]
            for nxt in lines[i + 1 :]:
                if abs(nxt.size - size) > 0.5 or not _title_like(nxt.text, author):
                    break
                if nxt.block != ln.block and not (_TEMPLATE.search(run[-1]) or nxt.text[:1].islower()):
                    break  # another block goes on the title only where the title is unfinished
                if len(run) == 6:
                    break
                run.append(nxt.text)
            title = " ".join(run).strip()
            if title.endswith(":"):
                title = _with_subtitle(title, lines, i + len(run))
            if sum(ch.isalpha() for ch in title) >= 6 and lookup(title.rstrip(":")) is None:
                if not _SECTION_HEADING.match(title) and not _names_publisher(title):
                    return title[:300]
    return None


def _title_like(text: str, author: str | None = None) -> bool:
    """Not a banner, URL, page number, byline, list of names or the PDF's author."""
    if not text or _BANNER_OR_URL.search(text) or _BYLINE.match(text) or _NAME_LIST.match(text):
        return False
    if author and len(author) > 3 and author.lower() in text.lower():
        return False
    if len(text.split()) <= 8 and _find_date(text):
        return False  # "May 2013", "Research Brief Number 19 – June 2013"
    return sum(ch.isalpha() for ch in text) >= 2


def _names_publisher(title: str) -> bool:
    """A short line that is mostly an organisation's name ("G Data Red Paper 2014")."""
    words = title.split()
    if len(words) > 5:
        return False
    return any(lookup(" ".join(words[:n])) is not None for n in range(1, min(len(words), 4) + 1))


def _with_subtitle(title: str, lines: list[Line], start: int) -> str:
    sub: list[str] = []
    for ln in lines[start : start + 3]:
        if not _title_like(ln.text):
            break
        if sub and ln.block != lines[start].block:
            break
        sub.append(ln.text)
    return f"{title} {' '.join(sub)}".strip() if sub else title


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
