"""Metadata an analyst can cite: title, publisher (and its kind), date and document number.

Real first pages of a few corpus reports (the expected values were read off the rendered
pages; see eval/metadata/gold.tsv) and synthetic pages for the failure modes seen on
reports from elsewhere: template titles, OCR debris, two-column covers, web prints.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from pipeline.parse.layout import Line
from pipeline.parse.meta import find_doc_numbers, pick_date, pick_title
from pipeline.parse.publishers import KINDS, find_publisher, is_issuer_name, lookup
from tests.conftest import CORPUS


def _lines(*rows: tuple[str, float, float], kind: str = "body") -> list[Line]:
    """Lines from (text, size, top) rows; each row its own block unless it follows closely."""
    out: list[Line] = []
    block = 0
    for text, size, top in rows:
        if out and (top - out[-1].bottom > 0.8 * size or abs(size - out[-1].size) > 0.5):
            block += 1
        out.append(Line(text=text, top=top, bottom=top + size, size=size, block=block, kind=kind))
    return out


def _body(top: float, n: int = 6) -> list[tuple[str, float, float]]:
    text = "The operators sent spear-phishing messages to staff of ministries and think tanks over several months"
    return [(text, 10.0, top + 14 * i) for i in range(n)]


# --- real first pages ---------------------------------------------------------------

REAL = {
    # file: (title, publisher, kind, date prefix)
    "dev_fireeye_2015_hammertoss-apt29.pdf": (
        "HAMMERTOSS: Stealthy Tactics Define a Russian Cyber Threat Group",
        "FireEye",
        "vendor",
        "2015-07",
    ),
    "dev_citizenlab_2013_a-call-to-harm-syria.pdf": (
        "A Call to Harm: New Malware Attacks Target the Syrian Opposition",
        "Citizen Lab",
        "academic",
        "2013-06",
    ),
    "dev_netresec_2014_chinese-mitm-on-google.pdf": (
        "Analysis of Chinese MITM on Google",
        "Netresec",
        "vendor",
        "2014-09-04",
    ),
    "dev_crowdstrike_2016_fancy-bear-ukrainian-artillery.pdf": (
        "Use of Fancy Bear Android Malware in Tracking of Ukrainian Field Artillery Units",
        "CrowdStrike",
        "vendor",
        "2016-12-22",
    ),
    "dev_eset_2014_roaming-tiger-slides.pdf": ("Roaming tiger", "ESET", "vendor", "2014-11"),
}


def _squash(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", (text or "").lower())


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_first_pages(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    from pipeline.parse.meta import sanitise_metadata
    from pipeline.parse.pdfium import PdfiumDoc

    with PdfiumDoc(str(path)) as pdf:
        head = [pdf.page_lines(i, with_size=True) for i in range(min(3, pdf.page_count))]
        raw = sanitise_metadata(pdf.metadata())
    title, publisher, kind, date = REAL[name]
    got_title = pick_title(raw.get("Title"), head, name, raw.get("Author"))
    assert _squash(got_title) == _squash(title)
    found = find_publisher([[ln.text for ln in lines] for lines in head], raw)
    assert found is not None and (found.name, found.kind) == (publisher, kind)
    assert (pick_date(head, raw) or "").startswith(date)


# --- titles -----------------------------------------------------------------------------


def test_template_and_file_name_titles_give_way_to_the_printed_title() -> None:
    page = _lines(("Routers Under Siege:", 24, 100), ("A Case Study", 24, 128), *_body(200))
    for junk in ("Heading 1", "Microsoft Word - final_v3.docx", "report-2024_final.pdf", "Untitled", "Slide 1"):
        assert pick_title(junk, [page], "report-2024_final.pdf") == "Routers Under Siege: A Case Study"


def test_a_title_field_the_pages_do_not_print_loses_to_a_clear_cover_title() -> None:
    page = _lines(("Russian Cyber Espionage Campaign", 26, 120), *_body(220))
    assert pick_title("Sandworm Briefing Deck", [page], "x.pdf") == "Russian Cyber Espionage Campaign"
    assert pick_title("Espionage Campaign Update", [page], "x.pdf") == "Russian Cyber Espionage Campaign"


def test_ocr_debris_and_letterheads_are_not_titles() -> None:
    page = _lines(
        (") NATIONAL INTELLIGENCE COUNCIL Bm MEMORANDUM", 20, 60),
        ("PASSESSMENT", 18, 100),
        ("Foreign Threats to the 2020 US Federal Elections", 14, 140),
        *_body(220),
    )
    assert pick_title(None, [page], "x.pdf") == "Foreign Threats to the 2020 US Federal Elections"


def test_a_title_is_never_spliced_across_two_columns() -> None:
    # two columns of a magazine page: the right column's head starts above the left's last line
    page = [
        Line("Hackers Target", 100, 124, 24.0, block=0),
        Line("Election Offices", 128, 152, 24.0, block=0),
        Line("Drones Over", 90, 114, 24.0, block=0),
        Line("the Baltic", 118, 142, 24.0, block=0),
        *_lines(*_body(220)),
    ]
    title = pick_title(None, [page], "x.pdf")
    assert title in {"Hackers Target Election Offices", "Drones Over the Baltic"}


def test_kicker_byline_slogan_and_subtitle() -> None:
    page = _lines(
        ("STORMCLOUD", 9, 80),
        ("Influence Operation Spreads to Alt-Platforms", 30, 96),
        ("By Jane Roe and John Doe", 12, 150),
        ("The Stormcloud network posted the same videos on three platforms.", 10, 200),
        *_body(220),
        ("SECURITY REIMAGINED", 60, 690),
    )
    assert pick_title(None, [page], "x.pdf") == "Stormcloud: Influence Operation Spreads to Alt-Platforms"
    page = _lines(("OPERATION NIGHTFALL:", 40, 100), ("Espionage against Energy Firms", 22, 150), *_body(220))
    assert pick_title(None, [page], "x.pdf") == "Operation Nightfall: Espionage against Energy Firms"


def test_same_size_title_above_a_byline_and_running_title_fallback() -> None:
    page = _lines(
        ("The Example Lab", 16, 80),
        ("Research Brief June 2015", 12, 100),
        ("Target Attacks against Tibetan Groups", 12, 140),
        ("Authors: A. Roe, B. Doe, and C. Poe", 12, 170),
        *[(t, 12.0, y) for t, _s, y in _body(220)],
    )
    assert pick_title(None, [page], "x.pdf") == "Target Attacks against Tibetan Groups"
    cover = _lines(("May 2013", 14, 150), ("Jane Roe, John Doe, and Max Poe", 10, 260))
    running = Line("Operation Hangover: Unveiling an Attack Infrastructure", 748, 757, 9.0, block=9)
    p2 = [*_lines(*_body(80)), running]
    p3 = [*_lines(*_body(90)), running]
    assert pick_title(None, [cover, p2, p3], "x.pdf") == "Operation Hangover: Unveiling an Attack Infrastructure"


def test_court_filing_title_from_its_caption() -> None:
    page = _lines(
        ("UNITED STATES DISTRICT COURT", 9, 70),
        ("UNITED STATES OF AMERICA | )", 9, 110),
        ("v. | ) | Criminal No. 14-118", 9, 125),
        ("WANG DONG, | )", 9, 140),
        ("SUN KAILIANG, | )", 9, 155),
        ("INDICTMENT", 9, 400),
    )
    assert pick_title(None, [page], "x.pdf") == "Indictment: United States of America v. Wang Dong et al."


# --- publishers ---------------------------------------------------------------------------


def test_the_issuers_mark_beats_names_mentioned_in_the_text() -> None:
    cover = [
        "The Citizen Lab",
        "Research Brief",
        "One attack sent to Tibetan groups used a link to a file on Google Drive to deliver the malware.",
        "Media coverage: Associated Press, Forbes",
        "Groups have promoted awareness campaigns; Google Drive was used to send malware again.",
    ]
    found = find_publisher([cover], {"Producer": "Microsoft Word 2010"})
    assert found is not None and found.name == "Citizen Lab" and found.kind == "academic"


def test_publisher_from_the_title_field_site_name_and_a_name_broken_over_two_lines() -> None:
    found = find_publisher([["Analysis of Chinese MITM on Google"]], {"Title": "Analysis of MITM - NETRESEC Blog"})
    assert found is not None and found.name == "Netresec"
    cover = ["Prepared for the U.S.-China Economic and", "Security Review Commission", "by Northrop Grumman Corp"]
    found = find_publisher([cover], {})
    assert found is not None and found.name == "U.S.-China Economic and Security Review Commission"


def test_a_prosecutions_caption_names_the_department_of_justice() -> None:
    cover = ["UNITED STATES DISTRICT COURT", "UNITED STATES OF AMERICA | )", ")", "v. | ) | Criminal No. 14-118"]
    found = find_publisher([cover], {})
    assert found is not None and found.name == "U.S. Department of Justice"


def test_an_issuer_the_catalogue_does_not_know_comes_from_its_copyright_line() -> None:
    found = find_publisher([["Some title", "© 2021 Northwind Security Ltd. All rights reserved."]], {})
    assert found is not None and (found.name, found.kind) == ("Northwind Security Ltd", "")
    assert find_publisher([["Copyright 2019 by Jane Roe"]], {}) is None  # a person holds it


def test_issuer_name_recognition() -> None:
    assert is_issuer_name("Kaspersky Lab, USA") and is_issuer_name("The Citizen Lab")
    assert not is_issuer_name("Roaming tiger")
    assert lookup("CISA") is not None and lookup("CISA").kind == "government"


def test_the_issuers_file_is_well_formed_and_broad() -> None:
    data = tomllib.loads(resources.files("pipeline.parse").joinpath("publishers.toml").read_text("utf-8"))
    entries = data["publisher"]
    assert len(entries) >= 500
    assert len({e["name"] for e in entries}) == len(entries)
    assert {e["kind"] for e in entries} == set(KINDS)
    assert len({e.get("country") for e in entries}) >= 40
    owner: dict[str, str] = {}
    for e in entries:
        for v in e.get("variants", []):
            key = " ".join(v.lower().split())
            assert owner.setdefault(key, e["name"]) == e["name"], f"{v!r} names two issuers"
    names = {e["name"] for e in entries}
    for e in entries:
        for ref in [e.get("parent"), *e.get("related", [])]:
            assert ref is None or ref in names


# --- dates ----------------------------------------------------------------------------------


def test_the_reports_own_date_beats_dates_it_cites_and_its_print_date() -> None:
    page = _lines(
        ("How Cyber Warfare Changed Deterrence", 20, 80),
        ("Journal of Strategic Studies, Vol. 12, No. 3, March 2011", 9, 110),
        ("In a study published on May 5, 1997 the authors argued that deterrence was obsolete and", 10, 200),
        *_body(214),
    )
    assert pick_date([page], {"CreationDate": "D:20190101", "Creator": "Safari"}) == "2011-03"


def test_a_web_print_is_never_dated_by_its_print_date() -> None:
    page = _lines(("Malware Attack Targeting Critics", 16, 30), *_body(80))
    assert pick_date([page], {"CreationDate": "D:20141218", "Creator": "Safari"}) is None
    dated = _lines(("Malware Attack Targeting Critics", 16, 30), ("It began at the end of November 2014.", 10, 80))
    assert pick_date([dated], {"CreationDate": "D:20141218", "Creator": "Safari"}) == "2014"
    assert pick_date([page], {"CreationDate": "D:20160907", "Creator": "Adobe InDesign CC"}) == "2016-09-07"


def test_printed_dates_of_many_shapes() -> None:
    assert pick_date([_lines(("P U B L I S H E D D E C E M B E R 2 2", 14, 500), ("Copyright 2016", 9, 640))], {}) == (
        "2016-12-22"
    )
    assert (
        pick_date([_lines(("Case 2:14-cr-00118 Document 3 Filed 05/01/14 Page 1 of 56", 10, 16))], {}) == "2014-05-01"
    )
    assert pick_date([_lines(("BY SETH HARDY | AUGUST 2012", 15, 440))], {}) == "2012-08"
    assert pick_date([_lines(("August 20–22, 2014 • San Diego, CA", 14, 480))], {}) == "2014-08-20"
    history = "Revisions\nApril 15, 2020: Initial Version\nJune 23, 2020: Updated"
    assert pick_date([_lines(("Last Revised: June 23, 2020", 12, 300))], {}, history) == "2020-04-15"


# --- document numbers ----------------------------------------------------------------------


def test_document_numbers() -> None:
    page = _lines(
        ("NICA 2020-027", 9, 40),
        ("Joint Analysis Report JAR-16-20296", 9, 60),
        ("Alert (AA24-038A)", 9, 80),
    )
    assert find_doc_numbers([page], {}) == "NICA 2020-027; JAR-16-20296; AA24-038A"
    assert find_doc_numbers([_lines(("Congressional Research Service 7-5700 R41524", 9, 700))], {}) == "R41524"
    assert find_doc_numbers([_lines(("GAO-21-123 report to congressional committees", 9, 40))], {}) == "GAO-21-123"
    assert find_doc_numbers([_lines(("CITIZEN LAB TECHNICAL BRIEF", 13, 110), ("001", 12, 110))], {}) == (
        "CITIZEN LAB TECHNICAL BRIEF 001"
    )
    assert find_doc_numbers([_lines(("A report on cyber espionage in 2014", 9, 40))], {}) is None


def test_first_pages_lines_and_the_line_after_each() -> None:
    from pipeline.parse.firstpages import first_lines, with_next

    pages = [["cover", "title"], [], ["page three"]]
    assert list(first_lines(pages)) == ["cover", "title", "page three"]
    assert list(first_lines(pages, 1)) == ["cover", "title"]
    assert list(with_next(pages[0])) == [("cover", "title"), ("title", None)]
    assert list(with_next(pages[1])) == []
