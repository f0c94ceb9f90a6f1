"""Headlines in capitals are read in sentence case; what is quoted stays as written."""

from __future__ import annotations

import pytest

from pipeline.claims.extract import extract_claims, tag_text
from pipeline.claims.features import get_matchers
from pipeline.claims.recase import sentence_case, shouted


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("CHILEAN NAVY UNIT BUILT A FACE-MATCHING DATABASE OF EXILES", True),
        ("REPORT: CHILEAN NAVY UNIT BUILT DATABASE OF EXILES, NGO SAYS", True),
        ("Chilean Navy Unit Built Face-Matching Database Of Exiles", False),
        ("The Chilean navy built a face-matching database of exiles in Lima.", False),
        # acronyms everywhere, but the words are lower case: a sentence
        ("NSA, FBI and CISA say the GRU and FSB targeted NATO and OSCE networks.", False),
        ("NATO OSCE", False),  # too short to tell
    ],
)
def test_shouted(line: str, expected: bool) -> None:
    assert shouted(line) is expected


def test_sentence_case_keeps_length_names_and_acronyms() -> None:
    line = "PERU'S DINI SAYS CHILEAN HACKERS BREACHED THE MINISTRY"
    names = [(line.index(w), line.index(w) + len(w), w.title()) for w in ("PERU", "CHILEAN")]
    english = frozenset("says hacker breach the ministry".split())
    out = sentence_case(line, lambda _: names, lambda: english)
    assert len(out) == len(line)
    assert out == "Peru's DINI says Chilean hackers breached the ministry"


def test_ordinary_sentence_is_untouched() -> None:
    line = "Operators in Lima ran the Campaign Against Exiles through DINI contractors."
    assert sentence_case(line, get_matchers().names_anycase) == line


@pytest.mark.model
def test_shouted_headline_names_its_actor_and_quotes_as_written() -> None:
    line = "BOLIVIAN INTELLIGENCE HACKED THE PHONES OF EXILED JOURNALISTS IN CHILE"
    out = tag_text(line)
    assert "BOL" in out["actors"]
    texts = {m["text"] for m in out["mentions"]}
    assert "BOLIVIAN" in texts
    for m in out["mentions"]:
        assert line[m["start"] : m["end"]] == m["text"]
    assert out["claims"]
    for claim in out["claims"]:
        assert claim["source"]["sentence"] == line
        assert claim["actor_mention"] in line


@pytest.mark.model
def test_title_case_line_is_read_as_written() -> None:
    line = "Bolivian Intelligence Hacked Phones Of Exiled Journalists In Chile"
    assert sentence_case(line, get_matchers().names_anycase) == line
    claims = extract_claims(line.upper())
    assert {c.actor for c in claims} == {"BOL"}
    assert all(c.sentence == line.upper() and c.actor_mention in line.upper() for c in claims)
