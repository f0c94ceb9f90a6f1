"""One page's words -> lines in reading order: rows, two-column gutter, bands, cleaning.

Backend-neutral: a word is a dict with "text", "x0", "x1", "top", "bottom" (points,
top-based like pdfplumber) and, where asked for, "size".
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np

from pipeline.parse.kinds import (
    NOTE_START,
    Section,
    classify,
    continues,
    join_captions,
    mend_interruptions,
    split_portion_marks,
)
from pipeline.parse.segment import LABEL, Block, Frag, build_blocks, find_tables, order_blocks, split_rows
from pipeline.text import clean_pdf_text

Rulings = Sequence[tuple[float, float, float]]
_CHAR_BOX = itemgetter("text", "x0", "x1", "top")


@dataclass
class Line:
    """One visual line; `sep` is what separates it from the previous line in reading order.

    `block` numbers the line's block on its page; `kind` is that block's type.
    """

    text: str
    top: float
    bottom: float
    size: float = 0.0
    sep: str = "\n"
    block: int = 0
    kind: str = "body"
    x0: float = 0.0


def layout_page(
    words: list[dict[str, Any]],
    page_width: float,
    rulings: Callable[[], Rulings],
    *,
    page_height: float = 792.0,
    section: Section | None = None,
) -> list[Line]:
    """Lines of one page in reading order, each with its block, type and the separator before it.

    `rulings` (drawn horizontal rules) is called only where rows of cells might be a
    ruled table; `section` carries the references/contents state from the previous page.
    """
    if not words:
        return []
    rows = _group_rows(words)
    gutter = _find_gutter(rows, float(page_width))
    frag_rows = split_rows(rows, gutter)
    blocks = build_blocks(frag_rows, find_tables(frag_rows, gutter, rulings))
    blocks = order_blocks(blocks)
    classify(blocks, float(page_height), section if section is not None else Section())
    blocks = mend_interruptions(split_portion_marks(join_captions(blocks)))
    return _block_lines(blocks)


def dedupe_chars(chars: list[dict[str, Any]], tolerance: float = 1.0) -> list[dict[str, Any]]:
    """Drop chars repeating the same text within `tolerance` points (fake bold, doubled layers)."""
    if not _may_repeat(chars, tolerance):
        return list(chars)
    return _dedupe_scan(chars, tolerance)


def _dedupe_scan(chars: list[dict[str, Any]], tolerance: float) -> list[dict[str, Any]]:
    """dedupe_chars' pass over every char, in stream order: the first of close repeats stays."""
    # pdfplumber's Page.dedupe_chars re-sorts by list.index (quadratic). With cells of
    # 2 * tolerance a match lies in the own cell or the neighbour on the near side.
    cell = 2.0 * tolerance
    seen: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    out: list[dict[str, Any]] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        text, x0, top = ch["text"], ch["x0"], ch["top"]
        if (
            prev is not None
            and out
            and out[-1] is prev
            and prev["text"] == text
            and prev["x0"] == x0
            and prev["x1"] == ch["x1"]
            and prev["top"] == top
        ):
            # one glyph reported as several characters (PDFium expands "ff" ligatures, all
            # with the glyph's box): keep them all, a doubled layer is never exact and adjacent
            out.append(ch)
            prev = ch
            continue
        prev = ch
        fx, fy = x0 / cell, top / cell
        qx, qy = int(fx // 1), int(fy // 1)
        nx = qx - 1 if fx - qx < 0.5 else qx + 1
        ny = qy - 1 if fy - qy < 0.5 else qy + 1
        own = (text, qx, qy)
        doubled = False
        for key in (own, (text, nx, qy), (text, qx, ny), (text, nx, ny)):
            near = seen.get(key)
            if near:
                for px, py in near:
                    if abs(px - x0) <= tolerance and abs(py - top) <= tolerance:
                        doubled = True
                        break
                if doubled:
                    break
        if doubled:
            continue
        near = seen.get(own)
        if near is None:
            seen[own] = [(x0, top)]
        else:
            near.append((x0, top))
        out.append(ch)
    return out


def _may_repeat(chars: list[dict[str, Any]], tolerance: float) -> bool:
    """Whether two chars of the same text lie within `tolerance` of each other in x and top.

    The bulk test in front of dedupe_chars: most pages have no such pair, and then every
    char is kept. A pair of adjacent chars with one exact box (a ligature's parts) does not
    count, as dedupe_chars keeps those.
    """
    n = len(chars)
    if n < 2:
        return False
    texts, lefts, rights, tops = zip(*map(_CHAR_BOX, chars), strict=True)
    ids: dict[str, int] = {}
    code = np.array([ids.setdefault(text, len(ids)) for text in texts], dtype=np.int64)
    x0 = np.array(lefts, dtype=np.float64)
    x1 = np.array(rights, dtype=np.float64)
    top = np.array(tops, dtype=np.float64)
    order = np.lexsort((x0, code))  # by text, then left to right
    code, x0, x1, top = code[order], x0[order], x1[order], top[order]
    for shift in range(1, n):
        near = (code[shift:] == code[:-shift]) & (x0[shift:] - x0[:-shift] <= tolerance)
        if not near.any():
            return False
        near &= np.abs(top[shift:] - top[:-shift]) <= tolerance
        # a ligature's parts: neighbours in the stream with the very same box
        near &= ~(
            (np.abs(order[shift:] - order[:-shift]) == 1)
            & (x0[shift:] == x0[:-shift])
            & (x1[shift:] == x1[:-shift])
            & (top[shift:] == top[:-shift])
        )
        if near.any():
            return True
    return False


def _group_rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group words into rows that share a baseline, top to bottom.

    Words join a row only when their bottoms (the descent line) agree within a quarter
    of the text height: two boxes side by side whose lines are offset by part of a line
    stay apart, and a tightly set paragraph never chains its lines into one row. Raised
    or lowered small words (footnote markers) and tall glyphs (drop caps) join the row
    they stand next to afterwards.
    """
    rows: list[list[dict[str, Any]]] = []
    bases: list[float] = []
    heights: list[float] = []
    for word in sorted(words, key=lambda w: (w.get("base", w["bottom"]), w["x0"])):
        bottom = word.get("base", word["bottom"])
        height = max(word["bottom"] - word["top"], 0.5)
        for idx in range(len(rows) - 1, max(len(rows) - 6, -1), -1):
            if bottom - bases[idx] > 0.25 * height:
                idx = -1  # rows come by rising baseline: none further back can match
                break
            lo, hi = sorted((height, heights[idx]))
            if bottom - bases[idx] <= 0.25 * lo and lo >= 0.45 * hi:
                break
        else:
            idx = -1
        if idx >= 0:
            rows[idx].append(word)
        else:
            rows.append([word])
            bases.append(bottom)
            heights.append(height)
    rows = _attach_odd_rows(rows, heights)
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    rows.sort(key=lambda r: min(w["top"] for w in r))
    return rows


def _attach_odd_rows(rows: list[list[dict[str, Any]]], heights: list[float]) -> list[list[dict[str, Any]]]:
    """Rows of only small words (raised markers) or of a lone tall glyph (a drop cap) join
    the row whose words they touch horizontally and overlap vertically."""
    if len(rows) < 2:
        return rows
    boxes = [
        (min(w["top"] for w in r), max(w["bottom"] for w in r), min(w["x0"] for w in r), max(w["x1"] for w in r))
        for r in rows
    ]
    order = sorted(range(len(rows)), key=lambda i: -len(rows[i]))
    merged: set[int] = set()
    for i in range(len(rows)):
        row = rows[i]
        if len(row) > 3:
            continue
        top, bottom, x0, x1 = boxes[i]
        h = heights[i]
        best = None
        for j in order:
            if j == i or j in merged or len(rows[j]) <= len(row):
                continue
            jt, jb, jx0, jx1 = boxes[j]
            hj = heights[j]
            small = h < 0.85 * hj and top >= jt - 0.6 * hj and bottom <= jb + 0.6 * hj
            tall = (
                len(row) == 1
                and len(row[0]["text"]) <= 2
                and h > 1.8 * hj
                and top <= jt + 0.5 * hj
                and bottom >= jb - 0.5
            )
            if not (small or tall):
                continue
            if tall:
                near = any(-1.0 <= w["x0"] - x1 <= 1.5 * hj for w in rows[j])
            else:
                # a marker set right after (or before) a word, and no word of the row under it
                near = any(
                    -1.0 <= x0 - w["x1"] <= 0.6 * hj or -1.0 <= w["x0"] - x1 <= 0.6 * hj for w in rows[j]
                ) and not any(min(w["x1"], x1) - max(w["x0"], x0) > 1.0 for w in rows[j])
            if not near:
                continue
            if tall:
                # the drop cap opens the first line it stands beside
                if best is None or jt < boxes[best][0]:
                    best = j
                continue
            best = j
            break
        if best is not None:
            if len(row) == 1 and heights[i] > 1.8 * heights[best]:
                _glue_drop_cap(row[0], rows[best])
            else:
                rows[best].extend(row)
            merged.add(i)
    return [r for i, r in enumerate(rows) if i not in merged]


def _glue_drop_cap(cap: dict[str, Any], row: list[dict[str, Any]]) -> None:
    """Prefix the row's first word with the drop cap ("I" + "f they" -> "If they")."""
    first = min(row, key=lambda w: w["x0"])
    if first["x0"] < cap["x0"]:
        row.append(dict(cap, top=first["top"], bottom=first["bottom"]))
        return
    glued = first["text"][:1].islower()
    first["text"] = cap["text"] + first["text"] if glued else first["text"]
    if not glued:
        row.append(dict(cap, top=first["top"], bottom=first["bottom"], x1=min(cap["x1"], first["x0"] - 0.1)))
    else:
        first["x0"] = cap["x0"]


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


def _columns_hold_text(rows: list[list[dict[str, Any]]], g0: float, g1: float, left: float, right: float) -> bool:
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


def _make_line(words: list[dict[str, Any]], frag: Frag | None = None) -> Line:
    """A line of `words`; a fragment of them brings its box already measured."""
    text = clean_pdf_text(_soft_hyphen_end(" ".join(w["text"] for w in words)))
    sizes = [float(w.get("size", 0.0)) for w in words]
    if frag is not None:
        top, bottom, x0 = frag.top, frag.bottom, frag.x0
    else:
        top, bottom, x0 = min(w["top"] for w in words), max(w["bottom"] for w in words), min(w["x0"] for w in words)
    return Line(text=text, top=top, bottom=bottom, size=max(sizes) if sizes else 0.0, x0=x0)


def _soft_hyphen_end(text: str) -> str:
    return text[:-1] + "-" if text.endswith("\u00ad") else text


def _block_lines(blocks: list[Block]) -> list[Line]:
    """Blocks -> lines with separators: a paragraph break between blocks unless a sentence runs on."""
    line_blocks: list[list[Line]] = []
    for n, b in enumerate(blocks):
        if b.table_rows:
            rows = [" | ".join(t for t in (_frag_text(f) for f in row) if t) for row in b.table_rows]
            lines = [
                Line(text=t, top=min(f.top for f in row), bottom=max(f.bottom for f in row), size=b.size)
                for t, row in zip(rows, b.table_rows, strict=True)
            ]
        else:
            lines = [_make_line(f.words, f) for f in b.lines]
            if b.kind == "table":
                for ln in lines:
                    if LABEL.match(ln.text):
                        label, value = ln.text.split(": ", 1)
                        ln.text = f"{label}: | {value}"  # a "Label: value" row has two cells
        for ln in lines:
            ln.block, ln.kind = n, b.kind
        line_blocks.append([ln for ln in lines if ln.text])
    gaps = [b.top - a.bottom for block in line_blocks for a, b in zip(block, block[1:], strict=False) if b.top > a.top]
    heights = [ln.bottom - ln.top for block in line_blocks for ln in block]
    # The most common gap is the line spacing; a median drifts upwards on short pages.
    normal_gap = _mode([round(g * 2) / 2 for g in gaps if g > -2]) if gaps else 0.0
    line_height = statistics.median(heights) if heights else 10.0
    # a block's left edge; a list item's wrapped lines hang to the right of its bullet
    left = [
        min(ln.x0 for ln in block) if block and not b.table_rows and not b.lines[0].bullet else None
        for b, block in zip(blocks, line_blocks, strict=True)
    ]
    # a block's own line pitch (baseline to baseline, near enough): items or paragraphs that the
    # page sets apart by a wider pitch inside one block are broken apart
    # (between lines of one type size; smaller lines set tighter do not count)
    pitch: list[dict[float, float]] = []
    for b, block in zip(blocks, line_blocks, strict=True):
        least: dict[float, float] = {}
        if not b.table_rows:
            for a, c in zip(block, block[1:], strict=False):
                key = _size_key(a)
                if c.top > a.bottom - 1 and key == _size_key(c):
                    least[key] = min(least.get(key, 1e9), _pitch(a, c, max))
        pitch.append(least)
    out: list[Line] = []
    prev_block: Block | None = None
    for b_no, (b, block) in enumerate(zip(blocks, line_blocks, strict=True)):
        for li, line in enumerate(block):
            if not out:
                line.sep = ""
            elif li == 0:
                line.sep = "\n" if prev_block is not None and continues(prev_block, b) else "\n\n"
            elif b.table_rows:
                line.sep = "\n"
            elif b.kind == "footnote" and NOTE_START.match(line.text):
                line.sep = "\n\n"
            else:
                prev = block[li - 1]
                gap = line.top - prev.bottom
                big = gap > max(normal_gap, 0.0) + 0.5 * line_height
                new_para = (
                    big
                    or line.top <= prev.top
                    or _indented(line, prev, left[b_no])
                    or (
                        _size_key(prev) == _size_key(line)
                        and _pitch(prev, line, min) >= 1.2 * pitch[b_no].get(_size_key(line), 1e9)
                        and not (line.text[:1].islower() and prev.text[-1:] not in ".!?:;")
                    )
                )
                line.sep = "\n\n" if new_para else "\n"
            out.append(line)
        if block:
            prev_block = b
    return out


def _size_key(line: Line) -> float:
    return round(line.size * 2) / 2


def _pitch(a: Line, b: Line, pick: Callable[[float, float], float]) -> float:
    """Distance from line `a` to line `b` by tops and by bottoms, `pick` of the two: a raised
    marker moves a line's top, a lowered one its bottom, never both."""
    return pick(b.top - a.top, b.bottom - a.bottom)


def _indented(line: Line, prev: Line, left: float | None) -> bool:
    """A first-line indent: the line starts a capitalised sentence one to four ems in from the
    block's left edge, under a line that starts at the edge -- a new paragraph of a page that
    sets paragraphs apart by indent, not by space."""
    if left is None:
        return False
    em = max(line.size, line.bottom - line.top, 1.0)
    head = line.text.lstrip("“\"‘'(")[:1]
    return (
        0.6 * em <= line.x0 - left <= 4.0 * em
        and abs(prev.x0 - left) <= 0.3 * em
        and (head.isupper() or head.isdigit())
        and not prev.text.endswith("-")
    )


def _frag_text(frag: Any) -> str:
    return clean_pdf_text(" ".join(w["text"] for w in frag.words))


def _mode(values: list[float]) -> float:
    if not values:
        return 0.0
    counts = Counter(values)
    best = max(counts.values())
    return min(v for v, c in counts.items() if c == best)


def join_lines(lines: Iterable[Line]) -> str:
    """Join lines with their separators, mending words hyphenated across line breaks."""
    return join_page(lines)[0]


def join_page(lines: Iterable[Line]) -> tuple[str, list[tuple[str, int, int]]]:
    """The page text and its blocks as (kind, start, end) offsets into it.

    Lines join with their separators; a word hyphenated across a line break is mended.
    Leading and trailing whitespace of the page is not stored.
    """
    out = ""
    spans: list[tuple[str, int, int]] = []
    current = -1
    for line in lines:
        text = line.text
        if not text:
            continue
        if out and line.sep == "\n" and len(out) >= 2 and out[-1] == "-" and out[-2].isalnum():
            # "surveil-" + "lance" is one word; "Russia-" + "Ukraine" keeps its hyphen, and so
            # does an address broken at one of its own hyphens.
            last = out[out.rfind(" ", 0, len(out)) + 1 :].rsplit("\n", 1)[-1]
            joined = text[0].islower() and "/" not in last and "www." not in last
            start = len(out) - 1 if joined else len(out)
            out = (out[:-1] if joined else out) + text
        else:
            out = out + line.sep + text if out else text
            start = len(out) - len(text)
        if line.block != current or not spans:
            if spans:
                kind, s0, e0 = spans[-1]
                spans[-1] = (kind, s0, min(e0, start))
            spans.append((line.kind, start, len(out)))
            current = line.block
        else:
            kind, s0, _ = spans[-1]
            spans[-1] = (kind, s0, len(out))
    return out, spans
