"""The one sentence splitter (`pipeline.text.split_sentences`): every span it returns must be
one true sentence of the page, whatever the technical text around it.

Each case is (page text, the sentences it must give, in order). Cases are written for
general patterns; the last test checks sentences read off rendered corpus pages.
"""

from __future__ import annotations

import time
import unicodedata
from functools import cache

import pytest

from pipeline.text import split_sentences
from tests.conftest import CORPUS


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# (page text, sentences it must give)
ENDS_AFTER_TECHNICAL_TOKENS = [
    (
        "The malware called back to 192.168.0.200. This address is not routable.",
        ["The malware called back to 192.168.0.200.", "This address is not routable."],
    ),
    (
        "Volt Typhoon used vssadmin to copy NTDS.dit. The NTDS.dit file holds the domain's hashes.",
        ["Volt Typhoon used vssadmin to copy NTDS.dit.", "The NTDS.dit file holds the domain's hashes."],
    ),
    (
        "The payload was fetched from https://update.example.org. Note that the site is compromised.",
        ["The payload was fetched from https://update.example.org.", "Note that the site is compromised."],
    ),
    (
        "The dropper installs version 2.4.1. Later samples add a keylogger.",
        ["The dropper installs version 2.4.1.", "Later samples add a keylogger."],
    ),
    (
        "It was hidden in an app named Попр-Д30.apk. This app computed firing data.",
        ["It was hidden in an app named Попр-Д30.apk.", "This app computed firing data."],
    ),
    (  # an acronym before a glued footnote number, not the title "Mr."
        "The award went to a unit of the Chengdu MR.92 The unit does research.",
        ["The award went to a unit of the Chengdu MR.92", "The unit does research."],
    ),
]

NO_END_INSIDE = [
    # IP addresses, versions and domains broken over a line
    "The server at 116.127.\n121.109 answered on port 443.",
    "The agent string ends in Windows NT 5.\n1;SV1 and is malformed.",
    "Mail was sent through Yahoo! Mail and relayed over Tor.",
    "Accounts on services such as Yahoo! Messenger were used.",
    "Many hosts (e.g. Google Drive, i.e. Dropbox) stored the files.",
    "The Lazarus Group (a.k.a. The Guardians of Peace) claimed it.",
    "The U.S. Government and the U.K. Foreign Office named the group.",
    "The report by J. Smith and A. B. Jones was published in Jan. 2014 by Acme Corp. Ltd in the U.S.",
    "See No. 5 and Fig. 3 for the numbers quoted by Dr. Brown and Mr. Green.",
    "The case is United States v. Wang Dong, filed in Sept. 2014.",
    "The loader (see pp. 12-14) uses RC4 as described by Smith et al. (2019) and others.",
    "Files named report.doc, invoice.pdf.exe and www.example.com were found.",
]

ENDS_AFTER_ABBREVIATIONS = [
    (
        "Attackers routed traffic through countries that do not cooperate with the U.S. The attacker stayed anonymous.",
        [
            "Attackers routed traffic through countries that do not cooperate with the U.S.",
            "The attacker stayed anonymous.",
        ],
    ),
    (
        "Some of the samples were sent through Yahoo! This shows the group's habits.",
        ["Some of the samples were sent through Yahoo!", "This shows the group's habits."],
    ),
    (
        "The router firmware came from Example Corp. In 2020 it was patched.",
        ["The router firmware came from Example Corp.", "In 2020 it was patched."],
    ),
]

GLUED_AND_LISTS = [
    (  # the extraction lost the space after the stop
        "Data is loaded into memory by calling powershell.exe.The decrypted data is shellcode.",
        ["Data is loaded into memory by calling powershell.exe.", "The decrypted data is shellcode."],
    ),
    (
        "The analysis ends here at the end.Next we describe the loader.",
        ["The analysis ends here at the end.", "Next we describe the loader."],
    ),
    (  # a numeric citation ends a sentence whose full stop the page leaves out
        "Such attacks are common [8, 26, 54–56] Some of these reports add detail [26].",
        ["Such attacks are common [8, 26, 54–56]", "Some of these reports add detail [26]."],
    ),
    (  # title-case words inside a wrapped sentence are no heading
        "In both\ncases, the dropper wrote this file in the user’s\nLocal Application\nData directory as win32res.dat.",
        [
            "In both\ncases, the dropper wrote this file in the user’s\nLocal Application\n"
            "Data directory as win32res.dat."
        ],
    ),
    (  # a short first line before a line that a mended hyphen made long is no heading
        "This section overviews how we compute the Social\nEngineering Base Value (Section 4.2) and\n"
        "the Technical Multiplier (Section 4.3). In\nSection 4.4, we present the results of computing and analyzing the"
        " TTI value of threats observed.\nWe also discuss limitations.",
        [
            "This section overviews how we compute the Social\nEngineering Base Value (Section 4.2) and\n"
            "the Technical Multiplier (Section 4.3).",
            "In\nSection 4.4, we present the results of computing and analyzing the TTI value of threats observed.",
            "We also discuss limitations.",
        ],
    ),
    (  # a sentence-case heading line, well short of the paragraph under it
        "On blame shifting\nThe following threat actors have chosen a different tactic in their\ncampaigns of 2016.",
        [
            "On blame shifting",
            "The following threat actors have chosen a different tactic in their\ncampaigns of 2016.",
        ],
    ),
    (  # short lines one after another, each well short of the longest: list items without bullets
        "The implant can:\n\nUpload files to the victim computer\nDownload files from the victim computer\n"
        "Browse the file system, including gathering details about attached drives",
        [
            "The implant can:",
            "Upload files to the victim computer",
            "Download files from the victim computer",
            "Browse the file system, including gathering details about attached drives",
        ],
    ),
    (  # a wrapped sentence whose first line is full is not a heading
        "The implant was written by\nAPT28 operators.\n\nCrowdStrike identified the implant in\nJune.",
        ["The implant was written by\nAPT28 operators.", "CrowdStrike identified the implant in\nJune."],
    ),
    (  # a slide whose bullets came out on lines of their own: each line an item, wrapped ones joined
        "\uf0a7\n\uf0a7\n\uf0a7\n\nGenesis of team dates to 2009\nIncreased activity throughout 2014\n"
        "Visibility into this specific campaign began late in\nDecember of 2013\n"
        "The group was linked by analysts to the actor Fancy\nBear in reports from 2016.",
        [
            "Genesis of team dates to 2009",
            "Increased activity throughout 2014",
            "Visibility into this specific campaign began late in\nDecember of 2013",
            "The group was linked by analysts to the actor Fancy\nBear in reports from 2016.",
        ],
    ),
    (  # a sentence does not run into the list items that follow it
        "These victims are:\n> A Military Contractor in Russia\n> An Embassy in Iran",
        ["These victims are:", "> A Military Contractor in Russia", "> An Embassy in Iran"],
    ),
    (  # symbol-font bullets (private use code points)
        "The group targeted:\n\uf0a7 Energy firms in Poland\n\uf0a7 Government agencies in Ukraine",
        ["The group targeted:", "\uf0a7 Energy firms in Poland", "\uf0a7 Government agencies in Ukraine"],
    ),
    (  # closing quote, bracket or footnote mark after the stop stays with the sentence
        'He called it "a test." The next wave came in May. (Details follow.) It was larger.** Then it stopped.',
        [
            'He called it "a test."',
            "The next wave came in May.",
            "(Details follow.)",
            "It was larger.**",
            "Then it stopped.",
        ],
    ),
]

PORTION_MARKS_AND_DEBRIS = [
    (
        "(U) Foreign governments probe the networks. (S//NF) The command was not told.",
        ["Foreign governments probe the networks.", "The command was not told."],
    ),
    (
        "Background\n(U//FOUO) The contractor reported the intrusion late.\n(TS//SI//NF) Access lasted a year.",
        ["Background", "The contractor reported the intrusion late.", "Access lasted a year."],
    ),
    (
        "(S//REL TO USA, FVEY) The actor reused the same infrastructure.",
        ["The actor reused the same infrastructure."],
    ),
    (  # OCR debris at line starts: junk symbols, short letters before junk, stray non-words
        "Hl The committee found eleven intrusions.\nHE « TRANSCOM was told of two.\nWg In 2012 the contractor was hit.",
        ["The committee found eleven intrusions.", "TRANSCOM was told of two.", "In 2012 the contractor was hit."],
    ),
    (
        "| The contractor did not report the breach.",
        ["The contractor did not report the breach."],
    ),
]

# Words at a sentence start that look like debris but are words or names: kept.
KEPT_STARTS = [
    "Al Qaeda used the forum.",
    "Gu Chunhui registered the domain.",
    "US officials said so.",
    "An Embassy in Iran was hit.",
    "• A bullet point",
    "(a) a list item stays",
    "$5 million was stolen.",
    ".NET Framework loaders were used.",
    "EU The Hague office was named.",
    "**A strong indicator this back door is designed for human operators.",
]


@pytest.mark.parametrize(("text", "expected"), ENDS_AFTER_TECHNICAL_TOKENS)
def test_a_sentence_ending_in_an_address_file_or_version_is_split(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize("text", NO_END_INSIDE)
def test_no_split_inside_addresses_abbreviations_initials_or_names(text: str) -> None:
    assert _sentences(text) == [text]


@pytest.mark.parametrize(("text", "expected"), ENDS_AFTER_ABBREVIATIONS)
def test_an_abbreviation_ends_a_sentence_before_a_sentence_starter(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), GLUED_AND_LISTS)
def test_glued_sentences_list_items_and_closing_marks(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), PORTION_MARKS_AND_DEBRIS)
def test_portion_markings_and_ocr_debris_stay_out_of_the_sentence(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize("text", KEPT_STARTS)
def test_a_real_first_word_is_never_taken_for_debris(text: str) -> None:
    assert _sentences(text) == [text]


def test_spans_are_offsets_into_the_text_in_order_without_overlap() -> None:
    text = " ".join(t for t, _ in ENDS_AFTER_TECHNICAL_TOKENS + GLUED_AND_LISTS + PORTION_MARKS_AND_DEBRIS)
    spans = split_sentences(text)
    assert spans == sorted(spans)
    assert all(a < b for a, b in spans)
    assert all(prev[1] <= nxt[0] for prev, nxt in zip(spans, spans[1:], strict=False))
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)
    assert split_sentences(text) == spans  # deterministic


def test_splitting_stays_fast() -> None:
    para = (
        "The implant beacons to 10.0.0.1 over HTTPS every 30 s. It was built by the U.S. team at Acme Corp. in "
        "Jan. 2014 (see Fig. 3).\n(U) The loader, named svc.exe, is packed with UPX 3.9. Next it drops a DLL.\n\n"
    )
    text = para * 400  # ~100,000 characters, a long page many times over
    t0 = time.perf_counter()
    spans = split_sentences(text)
    elapsed = time.perf_counter() - t0
    assert len(spans) == 4 * 400
    assert elapsed < 2.0, f"{len(text) / elapsed:,.0f} chars/s"
    # a long list of short lines (an IOC appendix) is not quadratic in its lines
    text = "\n".join(f"Host number {i} answered" for i in range(4000)) + "\n" + "x" * 200
    t0 = time.perf_counter()
    split_sentences(text)
    assert time.perf_counter() - t0 < 2.0


# -- real pages --------------------------------------------------------------------------

# Sentences read off the rendered pages (eval/reading_order gold): each must come out as one
# stored sentence.
CORPUS_SENTENCES = [
    (
        "dev_commandfive_2011_sk-hack-by-apt.pdf",
        5,
        "The default callback location hardcoded into the malware is the private IP address, 192.168.0.200.",
    ),
    (
        "dev_cisa_aa24-038a_prc-volt-typhoon.pdf",
        7,
        "Volt Typhoon frequently employs the Volume Shadow Copy Service (VSS) using command-line utilities"
        " such as vssadmin to access NTDS.dit.",
    ),
    (
        "dev_iwm-shadowserver_2010_shadows-in-the-cloud.pdf",
        5,
        "The infrastructure made use of freely available social media systems that include Twitter, Google"
        " Groups, Blogspot, Baidu Blogs, blog.com and Yahoo! Mail.",
    ),
    (
        "dev_antiy_2015_apt-to-be-attack-china-government.pdf",
        3,
        "The decrypted data is a field of executable Shellcode that is generated by Cobalt Strike (An automatic"
        " attack testing platform).",
    ),
]


def _norm(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


@cache
def _page_text(doc: str, page_no: int) -> str:
    from pipeline.parse import parse_pdf

    return parse_pdf(CORPUS / doc).pages[page_no - 1].text


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="no ../shared/corpus")
@pytest.mark.parametrize(("doc", "page_no", "sentence"), CORPUS_SENTENCES)
def test_corpus_sentences_come_out_whole(doc: str, page_no: int, sentence: str) -> None:
    text = _page_text(doc, page_no)
    stored = {_norm(text[s:e]) for s, e in split_sentences(text)}
    assert _norm(sentence) in stored, f"{doc} p{page_no}: {sentence[:80]}"
