"""Reading order and block types on real pages of ../shared/corpus, one test per layout class.

The sentences are taken from eval/reading_order/gold-*.jsonl, which were read off the
rendered pages (never from our output). A pair must come out intact, as one stored
sentence each, and in the order of the page.
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


def _assert_pair_in_order(doc: str, page_no: int, first: str, second: str) -> None:
    stored = stored_sentences(corpus_page(doc, page_no))
    a, b = norm(first), norm(second)
    assert a in stored, f"{doc} p{page_no}: not one stored sentence: {first[:80]}"
    assert b in stored, f"{doc} p{page_no}: not one stored sentence: {second[:80]}"
    assert stored.index(a) < stored.index(b)


def _kind_of(page: Page, phrase: str) -> str:
    start = page.text.index(phrase)
    return next(b.kind for b in page.blocks if b.start <= start < b.end)


def test_two_column_sentence_runs_from_column_bottom_to_next_top() -> None:
    doc = "dev_commandfive_2011_sk-hack-by-apt.pdf"
    _assert_pair_in_order(
        doc,
        7,
        "The name of the malware and the name of the selected callback domain were presumably chosen by the"
        " attackers to disguise them as being associated with NateOn - an Instant Messaging Service owned by"
        " SK Communications.",
        "Legitimate files developed by SK Communications are also known by the name ‘nateon.exe'37.",
    )
    page = corpus_page(doc, 7)
    assert _kind_of(page, "Multiple sources confirm the malware") == "footnote"
    assert _kind_of(page, "THE MALICIOUS INFRASTRUCTURE") == "heading"


def test_two_column_justified_paper() -> None:
    _assert_pair_in_order(
        "dev_kaspersky_2016_wave-your-false-flags.pdf",
        3,
        "That said, many advanced attackers have exploit developers in house, with some threat actors unleashing"
        " a seemingly unlimited supply of exploits where needed.",
        "A final oft ignored tell of targeted attacks are the chosen targets themselves as they represent the"
        " intent propelling forward a well resourced espionage operation.",
    )


def test_mixed_layout() -> None:
    _assert_pair_in_order(
        "dev_eset_2016_operation-groundbait-surveillance-toolkit.pdf",
        5,
        "According to our telemetry, Ukraine is the country with the majority of detections of this malware.",
        "This technique works against less tech-savvy computer users; infection success, however, depends on"
        " the quality of spearphishing emails.",
    )


def test_single_column_with_footnotes() -> None:
    doc = "dev_crs_r41524_stuxnet.pdf"
    _assert_pair_in_order(
        doc,
        4,
        "Likewise, malware placed on a removable device may contain no signatures that would identify its author.",
        "These include Iran, Indonesia, India, Pakistan, Germany, China, and the United States.",
    )
    assert _kind_of(corpus_page(doc, 4), "A computer worm differs from a virus") == "footnote"


def test_web_print() -> None:
    _assert_pair_in_order(
        "dev_cisa_aa24-038a_prc-volt-typhoon.pdf",
        7,
        "Volt Typhoon conducts discovery in the victim’s network, leveraging LOTL binaries for stealth.",
        "Volt Typhoon likely uses offline password cracking techniques to decipher these hashes.",
    )


def test_slides_keep_bullet_order() -> None:
    page = corpus_page("dev_crysys_2013_targeted-attacks-presentation-slides.pdf", 30)
    text = norm(page.text)
    first = norm("signature based scanning does not work")
    second = norm("assumes that AV company already detected the threat before it affects the user")
    assert first in text and second in text and text.index(first) < text.index(second)


def test_table_rows_are_a_table_block_not_prose() -> None:
    page = corpus_page("dev_fsecure_2015_cozyduke.pdf", 5)
    row = "446daabb7ac2b9f11dc1267fbd192628cc2bac19 | HTTP | pvt.relance.fr | /catalogue/json/index.php | 80"
    assert row in page.text
    assert _kind_of(page, row) == "table"
    body = " ".join(page.text[b.start : b.end] for b in page.blocks if b.kind == "body")
    assert "pvt.relance.fr" not in body
