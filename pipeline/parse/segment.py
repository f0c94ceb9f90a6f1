"""One page's rows of words -> blocks in reading order.

Rows are cut into fragments at wide gaps (and at the page's column gutter), fragments
that stack into one column become blocks, runs of aligned cells become table blocks,
and blocks are ordered by a recursive XY-cut: columns left to right where a clean
vertical gap separates them, bands top to bottom where a clean horizontal gap does.
Adjacent bands that share a gutter are read as one band, so a paragraph break that
happens to line up across two columns does not send the reader across the gutter.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Rulings = Sequence[tuple[float, float, float]]
Word = dict[str, Any]

# A gap wider than this many row heights ends a fragment (a word space is ~0.3).
SPLIT_GAP_EM = 1.0
MIN_GUTTER_PT = 2.0
MIN_TABLE_ROWS = 3
_NUMBER_CELL = re.compile(r"^[\d.,%$€£()+\-–/:]+$")
# Indicators: IPv4 (with port or prefix), hashes, defanged names, hex bytes, Windows paths,
# environment variables, executables, URLs, host names (two or more dots), code identifiers.
DATA_TOKEN = re.compile(
    r"^\W*\d{1,3}(?:\.\d{1,3}){3}(?:[/:]\d+)?\W*$|^[0-9a-f]{16,}\W*$|\[\.\]|^[0-9A-F]{2}$|^0x[0-9a-f]+|"
    r"^[A-Za-z]:\\|^%\w+%|^\w+\.(?:exe|dll|sys|bat|ps1|vbs|tmp|dat)\W*$|^(?:hxxps?|https?)://|"
    r"^[a-z0-9-]+(?:\.[a-z0-9-]+){2,}\W*$|^[a-z]*_\w+$",
    re.I,
)
# "MD5 hash: 0123…", "File size: 168776 bytes": a label of one to three words and a colon
LABEL = re.compile(r"^[A-Z][\w/()-]*(?: [\w/()-]+){0,2}: \S")
# Glyphs that open a list item; symbol fonts put theirs in the private use area.
_BULLETS = frozenset("•▪■□◦●○►▶▸➢➤✓✔❖◆◇→➔»-–—*>·")


def is_bullet(text: str) -> bool:
    """A list item's marker: one bullet glyph (or a symbol-font glyph in the private use area)."""
    return len(text) == 1 and (text in _BULLETS or "\ue000" <= text <= "\uf8ff")


@dataclass
class Frag:
    """Words of one row that belong together: a line of one column, or one table cell."""

    words: list[Word]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bullet: bool = False  # opens a list item
    bold: bool = False  # every word set in a bold face

    @property
    def h(self) -> float:
        return max(self.bottom - self.top, 0.5)

    @property
    def n_words(self) -> int:
        return len(self.words)

    @cached_property
    def is_data(self) -> bool:
        """Mostly indicators by characters and by words: a line of an indicator list."""
        if self.n_words < 2 or data_share([self]) < 0.6:
            return False
        return sum(1 for w in self.words if DATA_TOKEN.search(w["text"])) >= 0.5 * self.n_words


@dataclass
class Block:
    """Lines (fragments) that stack into one column; `rows` of cells for a table."""

    lines: list[Frag]
    table_rows: list[list[Frag]] = field(default_factory=list)
    kind: str = "body"

    @property
    def x0(self) -> float:
        return min(f.x0 for f in self.lines)

    @property
    def x1(self) -> float:
        return max(f.x1 for f in self.lines)

    @property
    def top(self) -> float:
        return min(f.top for f in self.lines)

    @property
    def bottom(self) -> float:
        return max(f.bottom for f in self.lines)

    @property
    def size(self) -> float:
        sizes = [f.size for f in self.lines if f.size]
        return statistics.median(sizes) if sizes else 0.0


def make_frag(words: list[Word]) -> Frag:
    sizes = [float(w.get("size") or 0.0) for w in words]
    return Frag(
        words=words,
        x0=min(w["x0"] for w in words),
        x1=max(w["x1"] for w in words),
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=statistics.median(sizes) if sizes else 0.0,  # a raised footnote number does not count
        bold=all(w.get("bold", False) for w in words),
    )


def split_rows(rows: list[list[Word]], gutter: tuple[float, float] | None) -> list[list[Frag]]:
    """Each row cut into fragments at the gutter and at wide gaps (over SPLIT_GAP_EM heights)
    that stand out from the neighbouring word gaps (a justified line stretches them all) or
    that open onto an x where many rows start a fragment (a column's left edge)."""
    mid = (gutter[0] + gutter[1]) / 2 if gutter else None
    row_gaps = [[b["x0"] - a["x1"] for a, b in zip(row, row[1:], strict=False)] for row in rows]
    starts: dict[int, int] = {}
    for row, gaps in zip(rows, row_gaps, strict=True):
        for w, gap in zip(row[1:], gaps, strict=True):
            if gap > SPLIT_GAP_EM * max(w["bottom"] - w["top"], 1.0):
                key = round(w["x0"] / 2)
                starts[key] = starts.get(key, 0) + 1
    out: list[list[Frag]] = []
    for row, gaps in zip(rows, row_gaps, strict=True):
        frags: list[Frag] = []
        current = [row[0]]
        for i, w in enumerate(row[1:]):
            prev = current[-1]
            h = max(prev["bottom"] - prev["top"], w["bottom"] - w["top"], 1.0)
            gap = gaps[i]
            near = [max(g, 0.25 * h) for g in gaps[max(i - 1, 0) : i] + gaps[i + 1 : i + 2]]
            key = round(w["x0"] / 2)
            edge = sum(starts.get(k, 0) for k in (key - 1, key, key + 1)) >= 4
            # two spaces after a full stop in a justified line are not a column break
            sentence_gap = prev["text"][-1:] in ".!?:;" and w["text"][:1].isupper() and gap < 2.5 * h
            # a change of type size across a wide gap: a chart title or side label beside the text
            resized = abs(_size(w) - _size(prev)) > 0.15 * max(_size(w), _size(prev), 1.0)
            wide = gap > SPLIT_GAP_EM * h and (
                edge or resized or (gap > 1.5 * h and not sentence_gap and all(gap > 2.0 * g for g in near))
            )
            if wide or gap > 4.0 * h or (mid is not None and prev["x1"] <= mid <= w["x0"]):
                frags.append(make_frag(current))
                current = [w]
            else:
                current.append(w)
        frags.append(make_frag(current))
        out.append(_join_bullets(frags))
    return out


def data_share(frags: list[Frag]) -> float:
    """Share of the characters of these fragments that are indicators rather than words."""
    total = data = 0
    for f in frags:
        for w in f.words:
            n = len(w["text"])
            total += n
            if DATA_TOKEN.search(w["text"]):
                data += n
    return data / total if total else 0.0


def _labelled(f: Frag) -> bool:
    return bool(LABEL.match(" ".join(w["text"] for w in f.words[:4])))


def _size(word: Word) -> float:
    return float(word.get("size") or 0.0) or (word["bottom"] - word["top"])


def _join_bullets(frags: list[Frag]) -> list[Frag]:
    """A bullet glyph set apart from its item's text joins it; the fragment opens a list item."""
    out: list[Frag] = []
    for f in frags:
        prev = out[-1] if out else None
        if prev is not None and prev.bullet and prev.n_words == 1 and f.x0 - prev.x1 <= 6.0 * max(f.h, 1.0):
            out[-1] = make_frag(prev.words + f.words)
            out[-1].bullet = True
            continue
        head = f.words[0]
        if is_bullet(head["text"]) and (f.n_words > 1 or f is not frags[-1]):
            f.bullet = True
            if "\ue000" <= head["text"] <= "\uf8ff":
                head["text"] = "•"  # the symbol font's code point means nothing as text
        out.append(f)
    return out


# -- tables -------------------------------------------------------------------------------


def _tabular(frags: list[Frag]) -> bool:
    """A row that looks like table cells: several short fragments, at most one long one."""
    if len(frags) < 2:
        return False
    long = sum(1 for f in frags if f.n_words >= 6)
    if len(frags) >= 3:
        return long <= 1
    # a label and its value: a number, a date, an indicator, an identifier with digits
    if all(f.n_words <= 4 for f in frags) and any(
        _NUMBER_CELL.match(t) or DATA_TOKEN.search(t) or (any(c.isdigit() for c in t) and t[:1].isupper())
        for t in (f.words[-1]["text"] for f in frags[1:])
    ):
        return True
    # a key of numbers or indicators (a date and time, an address) and a short value: a log line
    key = frags[0]
    if key.n_words < 2 or any(f.n_words > 8 for f in frags) or not _data_word(key.words[0]["text"]):
        return False
    return sum(1 for w in key.words if _data_word(w["text"])) >= 0.5 * key.n_words


def _data_word(text: str) -> bool:
    return bool(_NUMBER_CELL.match(text) or DATA_TOKEN.search(text))


def _aligned(rows: list[list[Frag]]) -> bool:
    """Cells start at the same x in most rows (two or more shared column starts)."""
    starts: dict[int, int] = {}
    for frags in rows:
        for key in {round(f.x0 / 6) for f in frags}:
            starts[key] = starts.get(key, 0) + 1
    shared = sum(1 for n in starts.values() if n >= 0.6 * len(rows))
    return shared >= 2


def find_tables(
    frag_rows: list[list[Frag]], gutter: tuple[float, float] | None, rulings: Callable[[], Rulings]
) -> list[list[list[Frag]]]:
    """Tables as rows of cells: runs of aligned rows of short cells, on each side of a gutter,
    and runs of two-cell rows that drawn rules separate."""
    ruled = _ruled_tables(frag_rows, rulings)
    if not ruled:
        return _aligned_tables(frag_rows, gutter)
    # rows a ruled table leaves alone may hold another table, ruled or not
    taken = {id(f) for t in ruled for row in t for f in row}
    rest = [[f for f in row if id(f) not in taken] for row in frag_rows]
    return ruled + _aligned_tables([row for row in rest if row], gutter)


def _aligned_tables(frag_rows: list[list[Frag]], gutter: tuple[float, float] | None) -> list[list[list[Frag]]]:
    if gutter is None:
        return _find_tables(frag_rows)
    mid = (gutter[0] + gutter[1]) / 2
    left = [[f for f in row if f.x1 <= mid + 1] for row in frag_rows]
    right = [[f for f in row if f.x1 > mid + 1] for row in frag_rows]
    whole = _find_tables(frag_rows)
    # a table that spans the gutter counts only where its rows cross it
    out = [t for t in whole if any(f.x0 < mid < f.x1 for row in t for f in row)]
    taken = {id(f) for t in out for row in t for f in row}
    for side in (left, right):
        for t in _find_tables([r for r in side if r]):
            if not any(id(f) in taken for row in t for f in row):
                out.append(t)
    return out


def _ruled_tables(frag_rows: list[list[Frag]], rulings: Callable[[], Rulings]) -> list[list[list[Frag]]]:
    """Runs of rows of two or more cells with a drawn rule between most neighbouring rows."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(frag_rows):
        j = i
        while (
            j < len(frag_rows)
            and len(frag_rows[j]) >= 2
            and not _prose_pair(frag_rows[j])
            and (j == i or _cells_align(frag_rows[j - 1], frag_rows[j]))
        ):
            j += 1
        if j - i >= MIN_TABLE_ROWS:
            runs.append((i, j))
        i = max(j, i + 1)
    if not runs:
        return []
    rules = rulings()
    out: list[list[list[Frag]]] = []
    for i, j in runs:
        rows = frag_rows[i:j]
        x0 = min(f.x0 for r in rows for f in r)
        x1 = max(f.x1 for r in rows for f in r)
        separated = 0
        for above, below in zip(rows, rows[1:], strict=False):
            lo, hi = max(f.bottom for f in above) - 2, min(f.top for f in below) + 2
            spans = sorted(
                (max(rx0, x0), min(rx1, x1)) for rx0, y, rx1 in rules if lo <= y <= hi and rx1 > x0 and rx0 < x1
            )
            covered, reach = 0.0, x0
            for a, b in spans:
                if b > reach:
                    covered += b - max(a, reach)
                    reach = b
            if covered >= 0.6 * (x1 - x0):
                separated += 1
        if separated >= 0.6 * (len(rows) - 1):
            out.append(rows)
    return out


def _cells_align(above: list[Frag], below: list[Frag], tol: float = 3.0) -> bool:
    """Whether a row's cells stand in the columns of the row above: a cell starts (or a
    right-aligned one ends) where one above does. Two text columns under a table do not."""
    if any(abs(f.x0 - g.x0) <= tol for f in below for g in above):
        return True
    ends = sum(1 for f in below if any(abs(f.x1 - g.x1) <= tol for g in above))
    return ends >= 0.5 * len(below)


def _flowing_columns(rows: list[list[Frag]]) -> bool:
    """Two or more of the candidate's columns read as running text: down each, most lines
    leave a sentence open and the next line carries it on in lower case. Narrow text
    columns side by side (a sidebar in three columns) are not a table's cells."""
    columns: dict[int, list[Frag]] = {}
    for row in rows:
        for f in row:
            columns.setdefault(round(f.x0 / 6), []).append(f)
    flowing = 0
    for frags in columns.values():
        frags.sort(key=lambda f: f.top)
        pairs = list(zip(frags, frags[1:], strict=False))
        if len(pairs) < 2:
            continue
        runs_on = sum(
            1
            for a, b in pairs
            if a.words[-1]["text"][-1:] not in ".!?:" and b.words[0]["text"][:1].islower() and a.n_words >= 3
        )
        if runs_on >= 0.5 * len(pairs):
            flowing += 1
    return flowing >= 2


def _prose_pair(frags: list[Frag]) -> bool:
    """Two long lines side by side: the two columns of a page, not cells."""
    return len(frags) == 2 and all(f.n_words >= 7 for f in frags)


def _find_tables(frag_rows: list[list[Frag]]) -> list[list[list[Frag]]]:
    out: list[list[list[Frag]]] = []
    i = 0
    n = len(frag_rows)
    while i < n:
        if not _tabular(frag_rows[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            prev_bottom = max(f.bottom for f in frag_rows[j - 1])
            gap = min(f.top for f in frag_rows[j]) - prev_bottom
            h = max(f.h for f in frag_rows[j])
            if gap > 2.5 * h:
                break
            if _tabular(frag_rows[j]):
                j += 1
            elif j + 1 < n and len(frag_rows[j]) == 1 and _tabular(frag_rows[j + 1]):
                j += 2  # a wrapped cell between two table rows
            else:
                break
        rows = frag_rows[i:j]
        wide = sum(1 for r in rows if len(r) >= 3)
        if (
            j - i >= MIN_TABLE_ROWS
            and (wide >= 2 or j - i >= 4)
            and _aligned([r for r in rows if len(r) > 1])
            and not _flowing_columns(rows)
        ):
            out.append(rows)
        i = j
    return out


# -- blocks -------------------------------------------------------------------------------


def _joins(block: Block, f: Frag) -> bool:
    if f.bullet:
        return False
    head = block.lines[0]
    if head.bullet and f.x0 <= head.x0 + 1.0:
        return False  # an item's wrapped lines hang under its text, not under its bullet
    last = block.lines[-1]
    if last.bold and not f.bold and all(ln.bold for ln in block.lines):
        return False  # a bold heading line over its paragraph
    f_data, last_data = f.is_data, last.is_data
    if f_data != last_data and not (_labelled(f) and _labelled(last)):
        # a list of indicators under the sentence that announces it, prose again below it
        head = f.words[0]["text"]
        runs_on = head[:1].islower() and not DATA_TOKEN.search(head)  # "published 30.10.2014; https://…"
        if f_data and last.words[-1]["text"][-1:] in ".:;!?)" and not runs_on:
            return False
        if last_data and f.words[0]["text"][:1].isupper():
            return False
    h = max(min(last.h, f.h), 1.0)
    gap = f.top - last.bottom
    if gap > 1.0 * h or gap < -0.6 * h or f.top <= last.top:
        return False
    if abs(f.size - last.size) > 0.12 * max(f.size, last.size) + 0.3:
        return False
    overlap = min(f.x1, last.x1) - max(f.x0, last.x0)
    if overlap <= 0:
        return False
    return overlap >= 0.5 * min(f.x1 - f.x0, last.x1 - last.x0) or abs(f.x0 - block.x0) <= 2 * h


def build_blocks(frag_rows: list[list[Frag]], tables: list[list[list[Frag]]]) -> list[Block]:
    """Stack fragments into blocks; a line above two fragments (or two above one) ends a block."""
    blocks = [Block(lines=[f for row in t for f in row], table_rows=t, kind="table") for t in tables]
    in_table = {id(f) for t in tables for row in t for f in row}
    active: list[Block] = []
    for all_frags in frag_rows:
        frags = [f for f in all_frags if id(f) not in in_table]
        if not frags:
            continue
        row_top = min(f.top for f in frags)
        active = [b for b in active if row_top - b.lines[-1].bottom <= 2.0 * b.lines[-1].h]
        matches = [[b for b in active if _joins(b, f)] for f in frags]
        users: dict[int, int] = {}
        for m in matches:
            for b in m:
                users[id(b)] = users.get(id(b), 0) + 1
        for f, m in zip(frags, matches, strict=True):
            if len(m) == 1 and users[id(m[0])] == 1:
                m[0].lines.append(f)
            else:
                block = Block(lines=[f])
                blocks.append(block)
                active.append(block)
    return blocks


# -- reading order --------------------------------------------------------------------------


def _gaps(spans: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Uncovered intervals of at least `min_gap` between the given spans."""
    out: list[tuple[float, float]] = []
    spans = sorted(spans)
    reach = spans[0][1]
    for a, b in spans[1:]:
        if a - reach >= min_gap:
            out.append((reach, a))
        reach = max(reach, b)
    return out


def _split_at(blocks: list[Block], cuts: list[tuple[float, float]], axis: str) -> list[list[Block]]:
    groups: list[list[Block]] = [[] for _ in range(len(cuts) + 1)]
    for b in blocks:
        pos = b.x0 if axis == "x" else b.top
        k = sum(1 for a, _ in cuts if pos >= a)
        groups[k].append(b)
    return [g for g in groups if g]


def _x_gaps(blocks: list[Block]) -> list[tuple[float, float]]:
    return _gaps([(b.x0 + 0.5, b.x1 - 0.5) for b in blocks], MIN_GUTTER_PT)


def order_blocks(blocks: list[Block], depth: int = 0) -> list[Block]:
    """Blocks in reading order by recursive XY-cut (columns before bands, shared gutters merged)."""
    if len(blocks) <= 1 or depth > 40:
        return sorted(blocks, key=lambda b: (b.top, b.x0))
    xg = _x_gaps(blocks)
    if xg:
        return [b for g in _split_at(blocks, xg, "x") for b in order_blocks(g, depth + 1)]
    bands = _spanning_bands(blocks)
    if bands:
        return [b for g in bands for b in order_blocks(g, depth + 1)]
    yg = _gaps([(b.top + 0.3, b.bottom - 0.3) for b in blocks], 0.0)
    if not yg:
        return sorted(blocks, key=lambda b: (b.top, b.x0))
    bands = _merge_bands(_split_at(blocks, yg, "y"))
    if len(bands) == 1:
        return sorted(blocks, key=lambda b: (b.top, b.x0))
    return [b for g in bands for b in order_blocks(g, depth + 1)]


def _spanning_bands(blocks: list[Block]) -> list[list[Block]] | None:
    """Bands split off by blocks (titles, tables, footnote blocks, running lines) that cross
    the gutters the column blocks leave: above, each such block, between, below.

    Gutters come from narrow blocks of two or more lines (column text); a one-line centred
    title or any full-width block that crosses one is a band of its own."""
    left, right = min(b.x0 for b in blocks), max(b.x1 for b in blocks)
    basis = [b for b in blocks if b.x1 - b.x0 <= 0.5 * (right - left) and len(b.lines) >= 2]
    gaps = _x_gaps(basis) if len(basis) > 1 else []
    seps = sorted((b for b in blocks if any(b.x0 < g0 and b.x1 > g1 for g0, g1 in gaps)), key=lambda b: (b.top, b.x0))
    if not seps or len(seps) == len(blocks):
        return None
    sep_ids = {id(b) for b in seps}
    groups: list[list[Block]] = [[] for _ in range(2 * len(seps) + 1)]
    for k, sep in enumerate(seps):
        groups[2 * k + 1].append(sep)
    for b in blocks:
        if id(b) in sep_ids:
            continue
        mid = (b.top + b.bottom) / 2
        k = sum(1 for sep in seps if mid >= (sep.top + sep.bottom) / 2)
        groups[2 * k].append(b)
    return [g for g in groups if g]


def _merge_bands(bands: list[list[Block]]) -> list[list[Block]]:
    """Join neighbouring bands whose column gutters overlap: one multi-column band."""
    out: list[tuple[list[Block], list[tuple[float, float]]]] = []
    for band in bands:
        gaps = _x_gaps(band) if len(band) > 1 else []
        if out and gaps and out[-1][1]:
            shared = [
                (max(a0, b0), min(a1, b1))
                for a0, a1 in out[-1][1]
                for b0, b1 in gaps
                if min(a1, b1) - max(a0, b0) >= MIN_GUTTER_PT
            ]
            if shared:
                out[-1] = (out[-1][0] + band, shared)
                continue
        out.append((band, gaps))
    return [band for band, _ in out]
