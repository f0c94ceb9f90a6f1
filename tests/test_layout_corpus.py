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


def test_two_columns_under_a_shaded_table_stay_prose() -> None:
    # a ruled key/value table over two text columns: the columns are not more table rows
    doc = "dev_kaspersky_2013_nettraveler.pdf"
    _assert_pair_in_order(
        doc,
        4,
        "This spear-phish targeted CVE-2010-3333, a very popular vulnerability exploited in many attacks.",
        "More interesting is that the target in India received this file titled “Army Cyber Security Policy"
        " 2013.doc”, and the accompanying benign and empty decoy Word document is dropped to the temp folder"
        " and opened with Word as “Jallianwala Bagh massacre a deeply shameful act.doc” (MD5:"
        " e617348b8947f28e2a280dd93c75a6ad).",
    )
    page = corpus_page(doc, 4)
    assert _kind_of(page, "274,291") == "table"
    assert _kind_of(page, "This spear-phish targeted") == "body"


def test_sidebar_in_three_narrow_columns_is_text_not_a_table() -> None:
    # a boxed sidebar set in three narrow columns; its sentences run from column to column
    doc = "dev_fireeye_2015_hammertoss-apt29.pdf"
    _assert_pair_in_order(
        doc,
        11,
        "HAMMERTOSS uses steganography by appending data to an image file after the image’s end of file marker.",
        "However, the appended data is encrypted, so even if detected, the investigator would be unable to"
        " decrypt the data without key material from two sources: the malware binary and the current tweet.",
    )
    assert _kind_of(corpus_page(doc, 11), "We have observed only a few") != "table"


def test_paragraphs_set_apart_by_indent_only() -> None:
    # a USENIX page: no space between paragraphs, a first-line indent; the paragraph before ends
    # in a citation without a full stop
    _assert_pair_in_order(
        "dev_usenix_2014_hardy_targeted-threat-index.pdf",
        4,
        "Recent widely publicized targeted malware intrusions against Google, RSA, the New York Times and other"
        " high profile targets have raised public awareness around these attacks [20, 44, 48]",
        "Despite this increased attention, targeted malware is not a new problem, with over a decade of public"
        " reports on these kinds of attacks [66].",
    )


def test_caption_label_title_and_subtitle_are_one_caption_and_a_list_of_names_is_no_prose() -> None:
    doc = "dev_symantec_2012_taidoor-targeting-think-tanks.pdf"
    page = corpus_page(doc, 6)
    assert _kind_of(page, "Popularity of attachment type") == "caption"
    assert _kind_of(page, "are typically contained within archive files") == "caption"
    body = " ".join(page.text[b.start : b.end] for b in page.blocks if b.kind == "body")
    assert "Malformed Record Remote Code Execution Vulnerability" not in body
    _assert_pair_in_order(
        doc,
        6,
        "The malicious attachments have used a large set of vulnerabilities over the years, covering all main"
        " document formats.",
        "It is worth noting again that none of the vulnerabilities used by Taidoor are zero-day exploits.",
    )


def test_log_table_keyed_by_timestamps_is_a_table() -> None:
    page = corpus_page("dev_symantec_2012_taidoor-targeting-think-tanks.pdf", 9)
    row = "2011-09-16 02:23:15 UTC: RECV | [Set sleep interval to 1 second]"
    assert row in page.text
    assert _kind_of(page, row) == "table"


def test_web_print_list_items_set_apart_by_line_pitch() -> None:
    # items without bullet glyphs, one line each, set further apart than a wrapped item's lines;
    # the text after the list wraps in a narrow column beside a figure
    doc = "dev_citizenlab_2016_keyboy-tibetan-parliament.pdf"
    _assert_pair_in_order(
        doc,
        6,
        "Browse the file system, including gathering details about attached drives",
        "In both cases, the dropper wrote this configuration file in the user’s Local Application Data"
        " directory as win32res.dat.",
    )


def test_caption_line_that_stops_short_is_not_continued_by_the_text_under_it() -> None:
    # a figure caption in body type over text that carries on a sentence from the page before
    stored = stored_sentences(corpus_page("dev_crowdstrike_2016_fancy-bear-ukrainian-artillery.pdf", 9))
    caption, tail = (
        norm("Distribution of Russian/Ukrainian Language Use in Ukraine"),
        norm("forces operating in eastern"),
    )
    assert any(caption in s for s in stored)
    assert not any(caption in s and tail in s for s in stored)


def test_web_print_sentence_with_inline_link_targets_is_body() -> None:
    page = corpus_page("dev_cisa_aa24-038a_prc-volt-typhoon.pdf", 2)
    assert _kind_of(page, "The U.S. authoring agencies have confirmed that Volt Typhoon") == "body"
