"""Word and character error rates: Levenshtein distance over reference length."""

from __future__ import annotations

import re

import numpy as np

_WORD = re.compile(r"\S+")


def normalise(text: str) -> str:
    """What both sides are compared as: words split on whitespace, curly quotes and dashes folded."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00ad": ""})
    return " ".join(text.translate(table).split())


def edit_distance(ref: list[str] | str, hyp: list[str] | str, *, infix: bool = False) -> int:
    """Levenshtein distance between two sequences (words or characters), row by row in NumPy.

    With `infix`, `ref` is matched against the best-fitting stretch of `hyp` (what comes
    before and after that stretch is free): a transcribed passage against a whole page.
    """
    if not ref:
        return 0 if infix else len(hyp)
    if not hyp:
        return len(ref)
    vocab: dict[object, int] = {}
    r = np.array([vocab.setdefault(t, len(vocab)) for t in ref], dtype=np.int64)
    h = np.array([vocab.setdefault(t, len(vocab)) for t in hyp], dtype=np.int64)
    prev = np.zeros(len(h) + 1, dtype=np.int64) if infix else np.arange(len(h) + 1, dtype=np.int64)
    for i in range(1, len(r) + 1):
        sub = prev[:-1] + (h != r[i - 1])
        dele = prev[1:] + 1
        best = np.minimum(sub, dele)
        # insertions run left to right: cur[j] = min(best[j-1], cur[j-1] + 1)
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = best
        cur = np.minimum.accumulate(cur - np.arange(len(cur))) + np.arange(len(cur))
        prev = cur
    return int(prev.min() if infix else prev[-1])


def wer(ref: str, hyp: str, *, infix: bool = False) -> tuple[int, int]:
    """(word edits, reference words) after normalisation."""
    rw, hw = _WORD.findall(normalise(ref)), _WORD.findall(normalise(hyp))
    return edit_distance(rw, hw, infix=infix), len(rw)


def cer(ref: str, hyp: str, *, infix: bool = False) -> tuple[int, int]:
    """(character edits, reference characters) after normalisation."""
    rc, hc = normalise(ref), normalise(hyp)
    return edit_distance(rc, hc, infix=infix), len(rc)
