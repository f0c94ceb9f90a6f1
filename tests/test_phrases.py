"""PhraseMatcher: many names found at once, exactly where one case-insensitive alternation finds them."""

from __future__ import annotations

import random
import re

from pipeline.parse.phrases import PhraseMatcher

NAMES = [
    "European Council",
    "European Council on Foreign Relations",
    "Kaspersky Lab",
    "Kaspersky",
    "CISA",
    "US Cyber Command",
    "U.S. Department of Justice",
    "Bundesamt für Verfassungsschutz",
    "Sûreté de l'État",
    "Ministère des Armées",
    "@DFRLab",
    "G7 Rapid Response Mechanism",
    "BSI (Germany)",
    "ESET",
]


def _found(matcher: PhraseMatcher, text: str) -> list[str]:
    return [m.group(0) for m in matcher.finditer(text)]


def test_the_longest_name_wins_and_words_may_be_apart_by_any_whitespace() -> None:
    m = PhraseMatcher(NAMES)
    assert _found(m, "A paper of the European Council on Foreign Relations (ECFR).") == [
        "European Council on Foreign Relations"
    ]
    assert _found(m, "Kaspersky\n  Lab and Kaspersky") == ["Kaspersky\n  Lab", "Kaspersky"]


def test_names_inside_a_word_or_a_compound_are_not_found() -> None:
    m = PhraseMatcher(NAMES)
    assert _found(m, "XCISA, CISA-led, PRESET and ESET's report") == ["ESET"]
    assert _found(m, "cisa & friends: CISA") == ["cisa", "CISA"]


def test_case_is_ignored_beyond_ascii_too() -> None:
    m = PhraseMatcher(NAMES)
    assert _found(m, "BUNDESAMT FÜR VERFASSUNGSSCHUTZ") == ["BUNDESAMT FÜR VERFASSUNGSSCHUTZ"]
    assert _found(m, "la SÛRETÉ DE L'ÉTAT et le ministère des armées") == ["SÛRETÉ DE L'ÉTAT", "ministère des armées"]
    assert _found(m, "Follow @dfrlab, see BSI (Germany).") == ["@dfrlab", "BSI (Germany)"]


def test_matches_and_substitution_are_those_of_the_alternation() -> None:
    m = PhraseMatcher(NAMES)
    rng = random.Random(7)
    pieces = [*NAMES, "the", "of", "“", "(", "-", "x", "Über", "İstanbul", "ſ", "\u00a0", "\t", ",", "’s"]
    for _ in range(2000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        text = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in text)
        assert [x.span() for x in m.finditer(text)] == [x.span() for x in m.pattern.finditer(text)], text
        assert m.sub(" ", text) == m.pattern.sub(" ", text), text


def test_no_phrases_find_nothing() -> None:
    m = PhraseMatcher([])
    assert _found(m, "CISA") == []
    assert m.sub(" ", "CISA") == "CISA"


def test_every_non_ascii_letter_that_matches_an_ascii_one_is_known() -> None:
    from pipeline.parse.phrases import _ASCII_FOLDS

    letter = re.compile("[a-z]", re.I)
    folding = {chr(cp) for cp in range(128, 0x30000) if letter.fullmatch(chr(cp))}
    assert folding == set(_ASCII_FOLDS)
