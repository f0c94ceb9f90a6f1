"""Many phrases found in text at once: the matches of one case-insensitive alternation regex,
at a fraction of its cost.

Python's regex engine tries every alternative of an alternation at every place a match can
start; with hundreds of organisation names that is most of the time spent reading the first
pages. Here each phrase is filed under its first letters (lower-cased, at most three of its
first word), and at each word start only the phrases filed under that word's first letters
are tried, in the alternation's order. Text that is not ASCII where a phrase may start is
tried against the whole alternation, so case folding beyond ASCII behaves exactly as `re.I`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

KEY_CHARS = 3


class PhraseMatcher:
    """Finds `phrases` in text like `(?<!B)(?:p1|p2|...)(?!B)` with re.I, B the `boundary` class:
    the longest phrase first where several start at one place, words apart by any whitespace,
    never inside a word."""

    def __init__(self, phrases: Iterable[str], boundary: str = r"[\w&-]") -> None:
        # longest first, so the alternation prefers "European Council on Foreign Relations"
        ordered = [p for p in sorted(set(phrases), key=len, reverse=True) if p.split()]
        parts = [_phrase_pattern(p) for p in ordered]
        # a place where no phrase's first letter stands (re.I decides) is never tried
        firsts = "".join(sorted({re.escape(p.lstrip()[0]) for p in ordered}))
        self._starts = re.compile(rf"(?<!{boundary})[{firsts}]" if firsts else "(?!)", re.I)
        self._boundary = boundary
        self._by_key: dict[str, list[int]] = {}
        for rank, phrase in enumerate(ordered):
            key = _ascii_key(phrase.split()[0][:KEY_CHARS])
            if key is not None:
                self._by_key.setdefault(key, []).append(rank)
        self._parts = parts
        self._at: dict[str, re.Pattern[str] | None] = {}  # first letters -> the phrases that may start there

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The alternation itself: what this matcher stands for, and its answer for non-ASCII text."""
        body = "|".join(self._parts) or "(?!)"
        return re.compile(rf"(?<!{self._boundary})(?:{body})(?!{self._boundary})", re.I)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches `self.pattern.finditer(text)` yields, in order."""
        end = 0
        for start in self._starts.finditer(text):
            pos = start.start()
            if pos < end:
                continue
            head = text[pos : pos + KEY_CHARS]
            if head.isascii():
                pattern = self._candidates(head.lower())
                m = pattern.match(text, pos) if pattern is not None else None
            else:
                m = self.pattern.match(text, pos)
            if m is not None:
                end = m.end()
                yield m

    def sub(self, repl: str, text: str) -> str:
        """`self.pattern.sub(repl, text)` for a plain replacement string."""
        out: list[str] = []
        last = 0
        for m in self.finditer(text):
            out.append(text[last : m.start()])
            out.append(repl)
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    def _candidates(self, head: str) -> re.Pattern[str] | None:
        """The alternation of the phrases that can start with `head` (lower-cased ASCII), in rank order."""
        if head in self._at:
            return self._at[head]
        ranks = [r for n in range(1, len(head) + 1) for r in self._by_key.get(head[:n], ())]
        pattern = None
        if ranks:
            body = "|".join(self._parts[r] for r in sorted(ranks))
            pattern = re.compile(rf"(?:{body})(?!{self._boundary})", re.I)
        self._at[head] = pattern
        return pattern


def _ascii_key(letters: str) -> str | None:
    """The lower-case ASCII letters that `letters` match under re.I ("ſec" -> "sec"), or None
    when one of them matches no ASCII letter ("Öst", "Слу"): such a phrase never starts on ASCII text."""
    key = ""
    for ch in letters:
        folded = ch.lower() if ch.isascii() else _ASCII_FOLDS.get(ch)
        if folded is None:
            return None
        key += folded
    return key


# the non-ASCII letters re.I matches with ASCII ones (Kelvin sign, long s, dotless and dotted i)
_ASCII_FOLDS = {
    ch: a.lower()
    for ch in ("\u212a", "\u017f", "\u0131", "\u0130")
    for a in map(chr, range(128))
    if re.fullmatch(re.escape(ch), a, re.I)
}


def _phrase_pattern(phrase: str) -> str:
    return r"\s+".join(re.escape(w) for w in phrase.split())
