"""Slides, boxed callouts, drop caps and tables on real pages of ../shared/corpus.

Each page/sentence pair was read off the page rendered with pypdfium2, never taken
from our output. A sentence must come out as one stored sentence; a table must be a
`table` block and never part of a `body` block.
"""

from __future__ import annotations

import pytest

from pipeline.models import Page
from tests.conftest import CORPUS
from tests.helpers.corpus_pages import corpus_page, norm, stored_sentences

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="no ../shared/corpus"),
]


def _kinds_holding(page: Page, phrase: str) -> set[str]:
    """Types of the blocks whose text holds `phrase` (compared without spaces and punctuation)."""
    want = norm(phrase)
    return {b.kind for b in page.blocks if want in norm(page.text[b.start : b.end])}


def _assert_units_in_order(page: Page, *units: str) -> None:
    stored = stored_sentences(page)
    positions = []
    for unit in units:
        assert norm(unit) in stored, f"not one stored sentence: {unit}"
        positions.append(stored.index(norm(unit)))
    assert positions == sorted(positions)


def test_slide_bullets_are_separate_units_in_order() -> None:
    page = corpus_page("dev_isight_2014_sandworm-team-briefing-slides.pdf", 3)
    _assert_units_in_order(
        page,
        "Monitoring Sandworm Team from late 2013 and throughout 2014",
        "Genesis of team dates to as early as 2009",
        "Increased activity throughout 2014",
        "Visibility into this specific campaign began in December of 2013",
    )
    assert _kinds_holding(page, "Monitoring Sandworm Team from late 2013") == {"body"}


def test_slide_bullets_stay_apart_from_the_callouts_beside_them() -> None:
    page = corpus_page("dev_isight_2014_sandworm-team-briefing-slides.pdf", 7)
    _assert_units_in_order(
        page,
        "Sandworm is one of 5 active cyber intrusion teams linked to Russia being monitored by iSIGHT Partners",
        "Team has an affinity for using traditional cyber crime tools as a component of its activities",
    )
    assert norm(
        "Known targeting is consistent with antagonists to NATO as well as Ukrainian and European Union governments."
    ) in stored_sentences(page)


def test_callout_boxes_with_offset_lines_and_a_drop_cap() -> None:
    page = corpus_page("dev_fireeye_2015_hammertoss-apt29.pdf", 8)
    stored = stored_sentences(page)
    for sentence in (
        "The hashtag indicates that the hidden data is offset 101 bytes into the image file and the characters to be"
        " used for decryption are docto.",
        "If APT29 has registered that day’s Twitter handle, they will tweet a URL and a hashtag.",
    ):
        assert norm(sentence) in stored, sentence


def test_chart_title_beside_a_column_stays_out_of_its_sentence() -> None:
    page = corpus_page("dev_symantec_2012_taidoor-targeting-think-tanks.pdf", 6)
    sentence = (
        "Determining who the targets of interest are is straightforward when examining the frequency of targeted"
        " emails sent to individuals."
    )
    assert norm(sentence) in stored_sentences(page)


def test_indicator_list_under_a_sentence_is_a_table() -> None:
    page = corpus_page("dev_kaspersky_2016_wave-your-false-flags.pdf", 7)
    assert _kinds_holding(page, "87.236.215.102 87.236.215.132 87.236.215.134") == {"table"}


def test_label_value_rows_are_a_table_with_cells() -> None:
    page = corpus_page("dev_volexity_2014_democracy-in-hong-kong-under-attack.pdf", 5)
    assert _kinds_holding(page, "MD5 hash: b3a9e6548fb3cc511096af4d68b2e745") == {"table"}
    assert "File size: | 168776 bytes" in page.text


def test_hash_and_file_name_rows_are_a_table() -> None:
    page = corpus_page("dev_citizenlab_2012_from-bahrain-with-love-finfisher.pdf", 2)
    assert _kinds_holding(page, "cc3b65a0f559fa5e6bf4e60eef3bffe8d568a93dbb850f78bdd3560f38218b5c") == {"table"}
    body = " ".join(page.text[b.start : b.end] for b in page.blocks if b.kind == "body")
    assert "cc3b65a0f559fa5e6bf4e60eef3bffe8d568a93dbb850f78bdd3560f38218b5c" not in body
