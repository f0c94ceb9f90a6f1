"""Dated events in quoted sentences ("In mid-December 2020, ..."), for the briefing's timeline."""

from __future__ import annotations

import re

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for m in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19[89]|20[0-4])\d)"
_QUAL = r"(?:(?:early|mid|late)[- ]|the (?:first|second|end|start|beginning) of )?"
_CUE = (
    r"(?:in|since|during|from|by|until|through|throughout|between|around|early|late|mid-|"
    r"summer|spring|autumn|fall|winter)"
)
_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b{_QUAL}(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH},? {_YEAR}\b",
        rf"\b{_QUAL}{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? {_YEAR}\b",
        rf"\b{_QUAL}{_MONTH},? {_YEAR}\b",
        rf"\b{_CUE}\s(?:at least\s)?(?:the\s)?(?:(?:early|late|mid-|summer|spring|autumn|fall|winter)\s?)?(?:of\s)?"
        rf"{_YEAR}\b",
    )
)
# Years that are publication or citation furniture, not events.
_CITATION = re.compile(
    r"\(\s*(?:19|20)\d\d\s*\)|(?:19|20)\d\d[a-z]?\s*[;)]|\bpublished\b|\breport(?:ed)? (?:in|of)\b", re.I
)


def event_date(sentence: str, latest_year: int | None = None) -> tuple[str, str] | None:
    """(sortable date, the words that give it) for the first event date in a sentence, or None."""
    found = sorted(
        ((m.start(), -len(m.group(0)), i, m) for i, p in enumerate(_PATTERNS) for m in p.finditer(sentence)),
        key=lambda t: t[:3],
    )
    for _, _, _, m in found:
        year = int(m.group("year"))
        if latest_year is not None and year > latest_year:
            continue
        if _CITATION.search(sentence[max(0, m.start() - 12) : m.end() + 3]):
            continue
        groups = m.groupdict()
        key = str(year)
        if groups.get("month"):
            key += f"-{_MONTHS[groups['month'].lower().rstrip('.')]:02d}"
            if groups.get("day") and 1 <= int(groups["day"]) <= 31:
                key += f"-{int(groups['day']):02d}"
        words = re.sub(r"^(?:in|during|from|by|around|through|throughout)\s+", "", m.group(0).strip(), flags=re.I)
        return key, words
    return None
