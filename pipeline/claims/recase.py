"""Sentence case for shouted headlines, so the parser and the case-sensitive name patterns can
read them.

"RUSSIAN SERVICES RECRUITED TEENAGERS TO PLANT MALWARE" parses as a string of proper nouns and
hides its state from the gazetteer (its aliases match case-sensitively). Such a line is read in
sentence case: a shouted word becomes lower case unless it is a name the taxonomy knows (written
as the taxonomy spells it) or a short word that is no English word (an acronym: "ABW", "GRU").
The text keeps its length, so offsets into it are offsets into the original, which is what
output quotes. Only `tag` and ingest read this way; the heads are fitted on the labelled rows as
written (fitted on the sentence-case reading, grouped CV actor F1 fell 0.729 -> 0.712).
Title-case lines ("Kremlin-Backed Hackers Hit Danish Utility") were read in sentence case too at
first: the gazetteer already finds their names, and on the corpus labels, where such lines are
mostly headings, references and table rows that assert nothing, actor F1 fell (grouped CV 0.729
-> 0.709, unfitted rows 0.713 -> 0.690).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# a line is shouted when at least `MIN_WORDS` of its words (2+ letters), and this share of them,
# are upper case
SHOUTED_SHARE = 0.75
MIN_WORDS = 4
# longest shouted word that may be an acronym when it is no English word
ACRONYM_LETTERS = 5


def shouted(sentence: str) -> bool:
    """The line is written in capitals ("POLAND BLAMES RUSSIA FOR RAIL HACK")."""
    words = [w for w in _WORD.findall(sentence) if len(w) >= 2]
    upper = sum(w.isupper() for w in words)
    return upper >= MIN_WORDS and upper >= SHOUTED_SHARE * len(words)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words: the pipeline's stop words and its lemmatizer's word index."""
    from pipeline.claims.extract import load_nlp

    nlp = load_nlp()
    words = set(nlp.Defaults.stop_words)
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_index"):
            for forms in lookups.get_table("lemma_index").values():
                words.update(forms)
    return frozenset(words)


def _is_english(word: str, known: frozenset[str]) -> bool:
    w = word.lower()
    stems = (w, w[:-1], w[:-2], w[:-3], w[:-3] + "y")
    return any(s in known for s in stems if len(s) >= 2)


def sentence_case(
    sentence: str,
    find_names: Callable[[str], Iterable[tuple[int, int, str]]],
    english: Callable[[], frozenset[str]] = english_words,
) -> str:
    """A shouted line in sentence case, any other line as it is.

    `find_names(sentence)`: (start, end, spelling) of the names it holds, found whatever their
    case; each is written as spelt. A character whose lower case is not one character is left
    alone."""
    if not shouted(sentence):
        return sentence
    out = list(sentence)
    for n, m in enumerate(_WORD.finditer(sentence)):
        word = m.group(0)
        if len(word) < 2 or not word.isupper():
            continue
        if len(word) <= ACRONYM_LETTERS and not _is_english(word, english()):
            continue
        lowered = word.lower()
        if len(lowered) != len(word):
            continue
        out[m.start() : m.end()] = word[0] + lowered[1:] if n == 0 else lowered
    for start, end, spelling in find_names(sentence):
        if len(spelling) == end - start:
            out[start:end] = spelling
    return "".join(out)
