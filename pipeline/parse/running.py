"""Across pages: drop running headers/footers and lone page numbers from page edges."""

from __future__ import annotations

import re
from collections import Counter

from pipeline.parse.layout import Line
from pipeline.text import SPACES

EDGE_LINES = 3
REPEAT_PAGE_SHARE = 0.4
REPEAT_MIN_PAGES = 3
PREFIX_CHARS = 24

_DIGITS = re.compile(r"\d+")
_EDGE_ROMAN = re.compile(r"^\s*[ivxlc]{1,7}\b|\b[ivxlc]{1,7}\s*$")
_PAGE_NUMBER = re.compile(
    r"^(?:page|pg\.?|p\.)?\s*[-–—|]*\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—|]*"
    r"\s*(?:(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def _edge_indices(lines: list[Line]) -> tuple[set[int], set[int], set[int]]:
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
    return SPACES.sub(" ", key).strip(" -–—|.")


def drop_running_lines(page_lines: list[list[Line]]) -> None:
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


def _remove_lines(lines: list[Line], drop: set[int]) -> list[Line]:
    kept: list[Line] = []
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
