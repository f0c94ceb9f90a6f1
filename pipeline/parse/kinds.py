"""Block types: body, heading, footnote, table, caption, toc, references, boilerplate.

Decided per page from the blocks' own evidence (type size against the page's body
size, position, leading words, page-number endings); a references section carries
over from page to page through `Section`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from pipeline.parse.segment import LABEL, Block, Frag, data_share

KINDS = ("body", "heading", "footnote", "table", "caption", "toc", "references", "boilerplate")
# Blocks whose text is prose an analyst would quote (and the dense index embeds).
PROSE_KINDS = frozenset({"body", "heading", "caption", "table"})

_CAPTION = re.compile(
    r"^(?:figure|fig\.|table|exhibit|chart|graph|image|photo|map|source|sources)\s*[\dA-Z]*\s*[.:—–-]", re.I
)
_CAPTION_NUMBERED = re.compile(r"^(?:figure|fig\.|exhibit|chart)\s+\d+", re.I)
_REFS_HEADING = re.compile(
    r"^(?:\d+\.?\s*)?(?:references|bibliography|works cited|endnotes|notes|sources|citations|footnotes)\s*:?$", re.I
)
_TOC_HEADING = re.compile(r"^(?:table of contents|contents)$", re.I)
_TOC_LINE = re.compile(r"(?:\.{3,}|…|\s)\s*(?:\d{1,3}|[ivxlc]{1,6})$")
_BYLINE = re.compile(r"^(?:by:?\s|authors?:|written by\s|posted (?:on|by)\s)", re.I)
_CITATION = re.compile(r"(?:https?://|www\.)\S+[>)\]]?\s*$")
# An ATT&CK technique or tactic id or a D3FEND countermeasure id ("Valid Accounts [T1078
# <https://...>]"): a row of a technique list or a sentence that ends in its link, not a source.
_ATTACK_ID = re.compile(r"\b(?:T\d{4}(?:\.\d{3})?|TA\d{4}|D3-[A-Z]{2,})\b")
_TRAILING_NUMBER = re.compile(r"(\d{1,4})\s*$")
FOOTNOTE_START = re.compile(r"^(?:\d{1,3}|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*\S")
# A line that opens a new note: its number, then the note's first word ("17 “Iran’s …",
# "3See …"), not a wrapped line that happens to start with a number ("2010.", "16, 2010").
NOTE_START = re.compile(r"^(?:\d{1,3}(?!\d)|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*(?:[A-Z“\"‘'(\[]|https?:|www\.)")
_BANNER = re.compile(
    r"^(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|RESTRICTED)(?:\s*//\s*[A-Z][A-Z0-9 ,/-]*)?"
    r"|FOR OFFICIAL USE ONLY|TLP\s*:\s*(?:WHITE|GREEN|AMBER|RED|CLEAR)(?:\+STRICT)?"
    r"|(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\s*\|\s*.*)$"
)
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
# "(U)", "(S//NF)", "(U//FOUO)", "(TS//SI//REL TO USA, FVEY)" at the start of a paragraph.
PORTION_MARK_PATTERN = r"\((?:U|C|S|TS|FOUO|CUI)(?://?[A-Z0-9][A-Z0-9 ,/-]*)?\)"
PORTION_MARK = re.compile(rf"^{PORTION_MARK_PATTERN}(?=\s)")


# A link's target printed in brackets after its text (web prints): "... sectors <https://...>."
_LINK_TARGET = re.compile(r"\s*<(?:https?://|www\.)(?:[^<>\s]*(?:\s[^<>\s]+)*>|\S*$)")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")
_REF_MARKER = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)]\s)")


def _prose_with_links(text: str) -> bool:
    """A sentence whose links' targets are printed inline: without them it ends like a sentence
    (a reference ends in its address, or opens with its number)."""
    if "<" not in text or _REF_MARKER.match(text):
        return False
    rest = _LINK_TARGET.sub("", text).rstrip()
    if _SENTENCE_END.search(rest):
        return True
    # a sentence running on to the next page: words in lower case, not a title's capitals
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", rest) if len(w) > 3]
    return (
        len(words) >= 8 and not _CITATION.search(rest) and sum(1 for w in words if w[0].islower()) >= 0.6 * len(words)
    )


def _cites(text: str) -> bool:
    return not _ATTACK_ID.search(_CITATION.sub(" ", text))


@dataclass
class Section:
    """What carries from page to page: inside a references section, and at what heading size."""

    in_refs: bool = False
    refs_size: float = 0.0
    in_toc: bool = False


def block_text(block: Block) -> str:
    return " ".join(" ".join(w["text"] for w in f.words) for f in block.lines)


def body_size(blocks: list[Block]) -> float:
    """The type size that carries the most characters on the page."""
    counts: Counter[float] = Counter()
    for b in blocks:
        for f in b.lines:
            counts[round(f.size * 2) / 2] += sum(len(w["text"]) for w in f.words)
    return counts.most_common(1)[0][0] if counts else 0.0


def classify(blocks: list[Block], page_height: float, section: Section) -> None:
    """Set each block's `kind` in place; `blocks` are in reading order."""
    size = body_size(blocks)
    body_bottom = max((b.bottom for b in blocks if b.kind == "body" and abs(b.size - size) <= 0.6), default=0.0)
    for b in blocks:
        text = block_text(b).strip()
        first = b.lines[0]
        words = len(text.split())
        if not text:
            continue
        if (_BANNER.match(text) and words <= 12) or _PAGE_NUMBER.match(text):
            b.kind = "boilerplate"
            continue
        if b.kind == "table":
            if _is_toc(b) or section.in_toc:
                b.kind = "toc"
            elif section.in_refs:
                b.kind = "references"
            continue
        bigger = size > 0 and b.size >= size + 0.9
        short = len(b.lines) <= 3 and words <= 20 and not text.endswith((".", ";", ","))
        if short and (_REFS_HEADING.match(text) or _TOC_HEADING.match(text)):
            b.kind = "heading"
            section.in_refs = bool(_REFS_HEADING.match(text))
            section.refs_size = b.size
            section.in_toc = bool(_TOC_HEADING.match(text))
            continue
        bold = all(f.bold for f in b.lines) and words <= 12 and not text.endswith(":") and not _CAPTION.match(text)
        if short and not first.bullet and (bigger or bold or (text.isupper() and words <= 12 and len(text) > 3)):
            b.kind = "heading"
            if b.size >= section.refs_size - 0.2:
                section.in_refs = False
                section.in_toc = False
            continue
        if _CAPTION.match(text) and (len(b.lines) <= 4 or _CAPTION_NUMBERED.match(text)) and words <= 80:
            b.kind = "caption"
            continue
        if _is_toc(b) or (section.in_toc and _toc_share(b) >= 0.3):
            b.kind = "toc"
            continue
        if _BYLINE.match(text) and words <= 30:
            b.kind = "boilerplate"  # "By: A, B and C", "Posted on October 9, 2014 by ..."
            continue
        if _CITATION.search(text) and words <= 40 and _cites(text) and not _prose_with_links(text):
            b.kind = "references"  # a source line that ends in its address
            continue
        if _is_data(b):
            b.kind = "table"  # indicator lists, hex dumps, hashes: data, not prose
            continue
        if section.in_refs:
            b.kind = "references"
            continue
        smaller = size > 0 and b.size <= size - 0.9
        if smaller and first.top >= 0.55 * page_height and (b.top >= body_bottom - 1 or FOOTNOTE_START.match(text)):
            b.kind = "footnote"
            continue
        b.kind = "body"
    type_name_lists(blocks)


# A caption's label on a line of its own ("Figure 6", "Table 3:"), its title set beside or under it.
_CAPTION_LABEL = re.compile(r"^(?:figure|fig\.|table|exhibit|chart)\s*\d{1,3}[.:]?$", re.I)
CAPTION_PARTS = 2  # title and subtitle lines that join a caption's label


def join_captions(blocks: list[Block]) -> list[Block]:
    """A caption label standing alone takes the short blocks set right under (or beside) it:
    the figure's title and subtitle, often in other type sizes, are one caption with it."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        out.append(b)
        i += 1
        if b.kind == "table" or len(b.lines) != 1 or not _CAPTION_LABEL.match(block_text(b).strip()):
            continue
        b.kind = "caption"
        em = max(f.h for f in b.lines)
        parts = 0
        while i < len(blocks) and parts < CAPTION_PARTS:
            c, last = blocks[i], b.lines[-1]
            words = len(block_text(c).split())
            if c.kind not in ("body", "heading", "caption") or len(c.lines) > 3 or not 2 <= words <= 30:
                break
            h = max(em, c.lines[0].h)
            under = 0 <= c.top - last.bottom <= 1.2 * h and abs(c.x0 - b.x0) <= 1.5 * h
            beside = parts == 0 and c.top < last.bottom and c.bottom > last.top and 0 <= c.x0 - last.x1 <= 3 * h
            if not (under or beside):
                break
            b.lines.extend(c.lines)
            parts += 1
            i += 1
    return out


def _name_list_item(block: Block) -> bool:
    """A list item that names something rather than says it: one line, no closing stop, its
    words capitalised like a title ("Microsoft Word Malformed Data Structures Vulnerability")."""
    if not block.lines[0].bullet or len(block.lines) > 2:
        return False
    text = block_text(block).strip()
    if text[-1:] in ".!?:;,":
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words)


def type_name_lists(blocks: list[Block], min_items: int = 3) -> None:
    """Runs of `min_items` or more such items are a list of names: typed `table`, not prose."""
    run: list[Block] = []
    for b in [*blocks, None]:
        if b is not None and b.kind == "body" and _name_list_item(b):
            run.append(b)
            continue
        if len(run) >= min_items:
            for item in run:
                item.kind = "table"
        run = []


def _is_data(block: Block) -> bool:
    """Mostly indicators (addresses, hashes, domains, paths, hex bytes) by characters,
    or rows of "Label: value" pairs or of cells the text itself separates with bars."""
    if data_share(block.lines) >= 0.5:
        return True
    texts = [" ".join(w["text"] for w in f.words) for f in block.lines]
    barred = sum(1 for t in texts if t.count(" | ") >= 2)
    labelled = sum(1 for t in texts if LABEL.match(t))
    return barred >= 0.8 * len(texts) or (labelled >= 3 and labelled >= 0.6 * len(texts))


def _toc_share(block: Block) -> float:
    lines = _row_texts(block)
    return sum(1 for t in lines if _TOC_LINE.search(t) and len(t.split()) >= 2) / max(len(lines), 1)


def _is_toc(block: Block) -> bool:
    """Three or more lines ending in page numbers that mostly rise (not a column of ports or counts)."""
    lines = _row_texts(block)
    if len(lines) < 3 or _toc_share(block) < 0.6:
        return False
    if block.table_rows and statistics.median(len(r) for r in block.table_rows) > 3:
        return False
    numbers = [int(m.group(1)) for t in lines if (m := _TRAILING_NUMBER.search(t))]
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b >= a)
    return len(set(numbers)) >= 2 and rising >= 0.7 * (len(numbers) - 1)


def _row_texts(block: Block) -> list[str]:
    if block.table_rows:
        return [" ".join(w["text"] for f in row for w in f.words) for row in block.table_rows]
    return [" ".join(w["text"] for w in f.words) for f in block.lines]


def split_portion_marks(blocks: list[Block]) -> list[Block]:
    """A portion marking that opens a block becomes its own boilerplate block before it."""
    out: list[Block] = []
    for b in blocks:
        if b.kind in ("table", "toc") or not b.lines or not b.lines[0].words:
            out.append(b)
            continue
        first = b.lines[0]
        head = first.words[0]["text"]
        if PORTION_MARK.match(head + " ") and len(first.words) > 1:
            mark = Frag(
                [first.words[0]], first.words[0]["x0"], first.words[0]["x1"], first.top, first.bottom, first.size
            )
            rest = first.words[1:]
            rest_frag = Frag(rest, rest[0]["x0"], first.x1, first.top, first.bottom, first.size)
            out.append(Block(lines=[mark], kind="boilerplate"))
            b.lines = [rest_frag, *b.lines[1:]]
        out.append(b)
    return out


# Kinds whose text runs on from one block to the next (across a column break): the main
# text, and notes or sidebars set in columns of their own.
FLOW_KINDS = frozenset({"body", "footnote"})


def mend_interruptions(blocks: list[Block]) -> list[Block]:
    """Move a block that continues an unfinished sentence of its kind up to follow it.

    A sidebar, caption or figure label placed between the bottom of one column and the
    top of the next must not cut the sentence that runs across them.
    """
    out = list(blocks)
    i = 0
    while i < len(out) - 1:
        a = out[i]
        if a.kind in FLOW_KINDS and not _ends_sentence(block_text(a)) and out[i + 1].kind != a.kind:
            for j in range(i + 2, min(i + 12, len(out))):
                c = out[j]
                same = c.kind == a.kind and abs(c.size - a.size) <= 0.6
                if same and _continues_text(block_text(c)):
                    out.insert(i + 1, out.pop(j))
                    break
                if same or c.kind == "heading":
                    break
        i += 1
    return out


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    return not text or text[-1] in '.!?:;"”’)]' or text[-1].isdigit() and text[-2:-1] in '.)"”'


def _continues_text(text: str) -> bool:
    text = text.lstrip()
    return bool(text) and (text[0].islower() or text[0] in ",;)")


def continues(prev: Block, nxt: Block) -> bool:
    """Whether `nxt` carries on the sentence `prev` leaves open (across a column break)."""
    if prev.kind not in FLOW_KINDS or nxt.kind != prev.kind or abs(prev.size - nxt.size) > 0.6:
        return False
    ptext, ntext = block_text(prev).rstrip(), block_text(nxt).lstrip()
    if not ptext or not ntext or _ends_sentence(ptext):
        return False
    # below in the same column the break is a paragraph's; into a new column it is not
    below = nxt.top >= prev.bottom - 1 and min(prev.x1, nxt.x1) - max(prev.x0, nxt.x0) > 0
    if below and _stops_short(prev, max(prev.x1, nxt.x1), min(prev.x0, nxt.x0)):
        return False  # a line that stops short of its column ends its paragraph (a caption over text)
    if ntext[0].islower() or ntext[0] in ",;)":
        return True
    return not below and (ptext[-1] in ",-" or ptext[-1].islower())


def _stops_short(block: Block, right: float, left: float) -> bool:
    """Whether the block's last line ends well short of the column (`left` to `right`)."""
    last = block.lines[-1]
    return right - last.x1 > max(4.0 * last.h, 0.25 * (right - left))
