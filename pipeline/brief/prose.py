"""Which sentences may be quoted: whole prose sentences, never headings, TOC lines, table rows or references.

Where the index has a `blocks` table (block types from the page parser), a quote must lie inside
a `body` block (or a `table` block, where the table is the evidence); the text heuristics of
`is_prose` apply either way, since a body block can still hold a spliced fragment.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pipeline.brief.model import elide_links

log = logging.getLogger(__name__)

QUOTABLE_KINDS = frozenset({"body", "table"})
MIN_WORDS = 6
MAX_CHARS = 700

_DOT_LEADERS = re.compile(r"(?:\.\s?){4,}|…{2,}|(?:_\s?){4,}")
_NUMBER = re.compile(r"^\(?\d{1,4}[.,)]?$")
_CELLS = re.compile(r"\s\|\s|\t")
_REFERENCE = re.compile(
    r"\(accessed|\baccessed on\b|\bretrieved from\b|\bavailable at\b|https?://|\bwww\.|\bibid\b|\bop\. cit\b|"
    r"\bvol\. \d|\bpp\. \d|\bdoi:",
    re.IGNORECASE,
)
_YEARS = re.compile(r"(?:\b(?:19|20)\d\d\b.*){3}")  # a reference list's dates ...
# ... unless the years are told as events are: "targeted in 2011 ..., in 2012 ..., and now in 2016"
_RUNNING_YEAR = re.compile(
    r"\b(?:in|since|from|until|between|during|by|and|to|of|early|late|mid|now in)\s+(?:(?:early|late|mid)-?\s*)?"
    r"(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# Web-print and licence furniture that a parser keeps as running text.
_BOILERPLATE = re.compile(
    r"\b(?:an official website of|in an effort to keep \S+ current|archive contains outdated|privacy policy|"
    r"terms of (?:use|service)|all rights reserved|TLP:\s*(?:WHITE|CLEAR|GREEN|AMBER|RED)\b|"
    r"(?:this|the) (?:document|information|report) is (?:marked|provided \"?as is)|"
    r"(?:reproduction|redistribution) (?:is )?(?:permitted|prohibited)|click here|subscribe to|"
    r"to download a PDF version|provided subject to (?:this|the) Notification|Privacy (?:&|and) Use)",
    re.IGNORECASE,
)
_INLINE_LINK = re.compile(r"<(?:https?://|/|mailto:)[^<>\s]*>")
_ENDS = re.compile(r"[.!?][\"”’)\]]?(?:\[?\d{1,3}\]?)?$")
_STARTS = re.compile(r"^[\"“‘(\[]?[A-Z0-9]")
_BULLET = re.compile(r"^[•▪●◦■□➢►‣⁃·▸✓\-–*]\s*")
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|do|does|did|can|could|will|would|may|might|"
    r"shall|should|must|[a-z]{2,}(?:ed|ing|ise|ize|ises|izes|ates|ate|s)|"
    r"uses?|targets?|runs?|seeks?|makes?|gets?|sends?|sells?|buys?|steals?|shows?|says?|said|"
    r"includes?|remains?|appears?|continues?|provides?|allows?|enables?|believes?|assess(?:es)?|"
    r"conducts?|operates?|exploits?|employs?|spreads?|deploys?|gains?|hides?|leaks?|hacks?|"
    r"attacks?|spies|spy|compromises?|infects?|delivers?|acts?|aims?|builds?|seems?|took|made|"
    r"became|began|sent|sold|stole|ran|won|led|left|met|put|set|hit|found|told|held|kept|gave|got)\b",
    re.IGNORECASE,
)


def strip_bullet(text: str) -> str:
    """The sentence without a leading list bullet (still a substring of the page)."""
    return _BULLET.sub("", text.strip(), count=1)


def is_prose(sentence: str) -> bool:
    """A whole sentence of running text: not a heading, TOC line, table row, reference or boilerplate.

    Judged as it would be quoted: inline link targets elided (pipeline.brief.model.elide_links).
    """
    text = elide_links(strip_bullet(sentence))
    words = text.split()
    if len(words) < MIN_WORDS or len(text) > MAX_CHARS:
        return False
    if _DOT_LEADERS.search(text) or _CELLS.search(text) or text.count("|") >= 2 or _REFERENCE.search(text):
        return False
    if _YEARS.search(text) and len(_RUNNING_YEAR.findall(text)) < 2:
        return False  # dates listed as a bibliography lists them
    if _BOILERPLATE.search(text):
        return False
    if not _ENDS.search(text.rstrip()) or not _STARTS.match(text):
        return False  # a fragment: cut at a column, page or table edge
    numbers = sum(1 for w in words if _NUMBER.match(w))
    if numbers >= 4 and numbers / len(words) > 0.35:
        return False  # page-number runs, table rows of figures
    long_words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if len(w) > 3]
    if long_words and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.8 and len(long_words) >= 4:
        return False  # Title Case Or UPPER CASE: a heading run into the next line
    return bool(_VERB.search(text))


class BlockKinds:
    """The parser's block types for a page, when the index records them (checked at run time)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.enabled = False
        try:
            cols = store.table_columns("blocks")
        except Exception:  # an index without the method or the table
            cols = set()
        self.enabled = {"doc_id", "page_no", "char_start", "char_end", "kind"} <= cols
        self.cache: dict[tuple[str, int], list[tuple[int, int, str]]] = {}

    def kind_at(self, doc_id: str, page_no: int, start: int, end: int) -> str | None:
        """The kind of the block holding [start, end): None without block types, "spanning" across blocks."""
        if not self.enabled:
            return None
        key = (doc_id, page_no)
        if key not in self.cache:
            self.cache[key] = self.store.page_blocks(doc_id, page_no)
        if not self.cache[key]:  # a page stored before block types existed: the text rules decide
            return None
        for b_start, b_end, kind in self.cache[key]:
            if b_start <= start and end <= b_end:
                return kind
        return "spanning"

    def _links_in_block(self, doc_id: str, page_no: int, start: int, end: int) -> bool:
        """The block holding [start, end) prints inline link targets (a web print's running text), and the
        sentence is not a quoted title (a reference list's entry)."""
        text = self.store.page_text(doc_id, page_no) or ""
        if text[start:end].lstrip()[:1] in ('"', "“", "‘", "'"):
            return False  # a quoted title: the reference list itself
        return any(
            b_start <= start and end <= b_end and _INLINE_LINK.search(text, b_start, b_end)
            for b_start, b_end, _ in self.cache.get((doc_id, page_no), [])
        )

    def quotable(self, doc_id: str, page_no: int, start: int, end: int, *, linked: bool = False) -> bool:
        """Inside a body (or table) block, or no block types recorded. A `linked` sentence (one whose
        inline link targets the quote elides, or one in the same block as such a sentence) may also lie
        in a block typed as references, since web prints' running text is typed so for its links alone;
        the prose rules still judge its words."""
        if not self.enabled:
            return True
        kind = self.kind_at(doc_id, page_no, start, end)
        linked = linked or (kind == "references" and self._links_in_block(doc_id, page_no, start, end))
        allowed = QUOTABLE_KINDS | {"references"} if linked else QUOTABLE_KINDS
        if kind == "spanning":  # a sentence the parser split over consecutive blocks of running text
            kinds = {k for b_start, b_end, k in self.cache[(doc_id, page_no)] if b_start < end and start < b_end}
            return kinds <= allowed - {"table"}
        return kind is None or kind in allowed
