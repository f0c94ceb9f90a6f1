"""brief: a briefing that answers the question — BLUF, composed judgments, verified prose quotes, gaps."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from pathlib import Path

import pytest

from pipeline.brief.build import build_briefing, render_markdown, verify_quote, write_atomic
from pipeline.brief.cluster import ClaimGroup, ScoredClaim
from pipeline.brief.events import event_date
from pipeline.brief.judge import independent_sources
from pipeline.brief.model import Briefing, Judgment, Question, Quote, Source, Statement, normalise_ws
from pipeline.brief.prose import BlockKinds, is_prose
from pipeline.brief.render import render_html
from pipeline.brief.sources import publisher_kind
from pipeline.brief.topic import parse_question
from pipeline.brief.verify import NOT_INDEPENDENT, VERIFIED, Verifier, fuzzy_in_order, letters_key
from pipeline.index.filters import Filters
from pipeline.index.search import Searcher
from pipeline.ingest import ingest
from pipeline.models import Claim, ParsedDocument
from pipeline.settings import Settings
from pipeline.text import md_text, split_sentences
from tests.conftest import CORPUS, SAMPLES, FakeEmbedder, make_text_pdf

TODAY = "2025-01-31"
INJECTION = "[x](evil.example) ![i](y) <script> # heading \x1b[31m \u202e"
REPEATED = "Chinese state hackers likely stole data from think tanks in Washington during 2021."
DOCS = {
    "a.pdf": (
        [
            f"{REPEATED} Russia almost certainly runs propaganda networks that target audiences abroad.",
            f"Annex. {REPEATED}",
        ],
        {"Title": "Report A", "CreationDate": "D:20210301000000Z", "Publisher": "CISA / FBI"},
    ),
    "b.pdf": (
        [
            "Chinese state hackers likely stole data from think tanks in Washington in 2021 "
            "and 2022. "
            "Russia almost certainly runs propaganda networks aimed at audiences in Africa."
        ],
        {"Title": "Report B", "CreationDate": "D:20220301000000Z", "Publisher": "CISA / NSA"},
    ),
    "c.pdf": (
        [
            "Chinese hackers very likely stole research data from universities across Europe. "
            "Russian state media spread propaganda about the war to viewers in Latin America. "
            "It is unlikely that Russia conducted the cyber attack on the regional power grid."
        ],
        {"Title": "Report C", "CreationDate": "D:20230301000000Z", "Publisher": "Citizen Lab, Univ. of Toronto"},
    ),
    "d.pdf": (
        [
            "Russia almost certainly conducted the cyber attack on the regional power grid "
            "in December 2015. "
            "Iran surveils dissidents abroad with commercial spyware and hired informants. "
            f"Iranian hackers sent a phishing lure reading {INJECTION} to exiled journalists."
        ],
        {"Title": "Report D", "CreationDate": "D:20240301000000Z", "Publisher": "Kaspersky Lab"},
    ),
}
_ACTORS = (("Chinese", "CHN"), ("Russia", "RUS"), ("Iran", "IRN"))
_CAPS = (
    ("stole", "cyber_espionage"),
    ("phishing", "cyber_espionage"),
    ("propaganda", "propaganda"),
    ("cyber attack", "cyber_attack"),
    ("surveils", "surveillance"),
)
_LEVELS = (
    ("almost certainly", "almost_certain"),
    ("very likely", "very_likely"),
    ("unlikely", "unlikely"),
    ("likely", "likely"),
)


def fake_tagger(doc: ParsedDocument) -> list[Claim]:
    """A claim per sentence naming an actor and a capability word, sliced from the page."""
    out = []
    for page in doc.pages:
        for s, e in split_sentences(page.text):
            sentence = page.text[s:e]
            actor = next((code for word, code in _ACTORS if word in sentence), None)
            cap = next((code for word, code in _CAPS if word in sentence), None)
            if not actor or not cap:
                continue
            level = next((lv for word, lv in _LEVELS if word in sentence), None)
            out.append(
                Claim(
                    cap,
                    sentence,
                    page.page_no,
                    s,
                    e,
                    actor=actor,
                    likelihood=level,
                    stance="assessment" if level else "fact",
                    doc_id=doc.meta.doc_id,
                )
            )
    return out


def _index(root: Path, tagger) -> Settings:
    corpus = root / "corpus"
    corpus.mkdir()
    for name, (pages, meta) in DOCS.items():
        make_text_pdf(corpus / name, pages, meta)
    settings = Settings(index_dir=root / "index")
    report = ingest([corpus], settings, embedder=FakeEmbedder(), tagger=tagger)
    assert not report.failed
    return settings


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return _index(tmp_path_factory.mktemp("brief"), fake_tagger)


@pytest.fixture(scope="module")
def searcher(settings: Settings):
    s = Searcher.open(settings, embedder=FakeEmbedder())
    yield s
    s.close()


TOPIC = "How do China, Russia and North Korea use hacking, propaganda and cyber attacks?"


@pytest.fixture(scope="module")
def briefing(searcher: Searcher) -> Briefing:
    return build_briefing(searcher, TOPIC, Filters(), today=TODAY)


@pytest.fixture(scope="module")
def markdown(briefing: Briefing) -> str:
    return render_markdown(briefing)


_LINK = re.compile(r"(?<!\\)\]\(")  # an unescaped "](": link syntax


def _unescape(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def rendered_quotes(markdown: str) -> list[tuple[str, int]]:
    """(quote, ref) of every blockquote (judgments' included), evidence-appendix row and conflict-table cell."""
    out = []
    for line in markdown.splitlines():
        if line.lstrip().startswith("> "):
            m = re.match(r"^\s*> (.*) \[(\d+)\]( \(unverifiable: [^)]*\))?$", line)
            assert m, line
            out.append((_unescape(m.group(1)), int(m.group(2))))
    lines = markdown.splitlines()
    for line in lines:  # the evidence appendix: | n | passage | [ref] |
        m = re.match(r"^\| \d+ \| (.*) \| \[(\d+)\](?: \(unverifiable: [^)]*\))? \|$", line)
        if m:
            out.append((_unescape(m.group(1)), int(m.group(2))))
    for i, line in enumerate(lines):
        heads = re.findall(r"\[(\d+)\] \|", line)
        if line.startswith("| ") and len(heads) == 2 and lines[i + 1].startswith("| ---"):
            cells = re.split(r"(?<!\\)\|", lines[i + 2])[1:-1]
            out += [(_unescape(c.strip()), int(r)) for c, r in zip(cells, heads, strict=True)]
    return out


def assert_all_verbatim(markdown: str, b: Briefing, page_text, *, independent: bool = True) -> int:
    """Every rendered quote is on its cited page, in the stored text and in PDFium's own text."""
    by_ref = {s.ref: s for s in b.sources}
    quotes = rendered_quotes(markdown)
    paths = {}
    for quote, ref in quotes:
        src = by_ref[ref]
        assert quote in normalise_ws(page_text(src.doc_id, src.page_no)), (quote, ref)
        if independent:
            import pypdfium2 as pdfium

            path = paths.get(src.doc_id) or next(d.path for d in _docs(b) if d.doc_id == src.doc_id)
            pdf = pdfium.PdfDocument(path)
            raw = pdf[src.page_no - 1].get_textpage().get_text_range()
            pdf.close()
            assert letters_key(quote) in letters_key(raw), (quote, ref)
    return len(quotes)


_PATHS: dict[str, str] = {}


class _Doc:
    def __init__(self, doc_id: str, path: str) -> None:
        self.doc_id, self.path = doc_id, path


def _docs(b: Briefing) -> list[_Doc]:
    return [_Doc(d, p) for d, p in _PATHS.items()]


@pytest.fixture(scope="module", autouse=True)
def _doc_paths(settings: Settings):
    with sqlite3.connect(settings.db_path) as db:
        _PATHS.update(dict(db.execute("SELECT doc_id, path FROM documents")))


def test_verify_quote_normalises_whitespace_only():
    page = "Beijing  runs\nthe   Great Firewall.\tIt filters content."
    assert verify_quote(page, "runs the Great\n Firewall.")
    assert not verify_quote(page, "runs the Great Wall.")
    assert not verify_quote(page, "   ")


def test_sections_bottom_line_first(markdown: str):
    heads = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert heads[:2] == ["## Bottom line", "## Key judgments"]
    assert heads[-5:] == [
        "## Timeline of events",
        "## Gaps",
        "## Appendix: evidence",
        "## Method and verification",
        "## Sources",
    ]
    assert markdown.startswith("# Briefing: ")
    assert f"generated {TODAY}" in markdown and "4 documents searched" in markdown
    assert "**Source mix:** " in markdown


def test_question_parsed_into_actors_capabilities_targets_window():
    q = parse_question("What cyber attacks has Russia conducted against Ukraine, Estonia and Georgia since 2014?")
    assert q.actors == ("RUS",) and "cyber_attack" in q.capabilities
    assert set(q.target_states) == {"UKR", "EST", "GEO"} and q.since == "2014"
    q = parse_question("How have Tibetan groups been targeted by cyber espionage?")
    assert q.all_actors and "Tibetan" in q.targets
    q = parse_question("anything", Filters(actors=("IRN",), since="2020"))
    assert q.actors == ("IRN",) and q.since == "2020"


def test_bluf_answers_with_citations(briefing: Briefing, markdown: str):
    assert 2 <= len(briefing.bluf) <= 4
    judged = [s for s in briefing.bluf if s.refs]
    assert judged and all(set(s.refs) <= {x.ref for x in briefing.sources} for s in judged)
    assert any("North Korea" in s.text for s in briefing.bluf)  # named, and nothing found: said plainly
    bluf = markdown.split("## Bottom line")[1].split("## Key judgments")[0]
    assert re.search(r" \(\d+ independent sources?\)\. \[\d+\]", bluf)  # the count in a parenthesis
    assert all(len(s.refs) <= 3 for s in briefing.bluf)  # cited to its strongest sources, not every document


def test_judgments_are_worded_apart(briefing: Briefing):
    texts = [j.text for j in briefing.judgments]
    assert len(texts) == len(set(texts))


def test_actor_must_act_in_the_quote():
    from pipeline.brief.judge import actor_is_subject, acts_in

    beneficiary = "Some criminal groups have pledged support for the Russian government and threatened attacks."
    assert not acts_in(beneficiary, "RUS")
    assert not acts_in("Hacktivists launched attacks against Russia in March.", "RUS")
    assert acts_in("The attacks on the ministry were attributed to Russia by two vendors.", "RUS")
    assert acts_in("Russia conducted attacks against the ministry in 2008.", "RUS")
    assert actor_is_subject("In 2018, Russia deployed wiper malware against the games.", "RUS")
    assert not actor_is_subject("The report warns that companies face threats linked to Russia.", "RUS")


def test_judgments_say_who_does_what_how_likely(briefing: Briefing):
    by_key = {(j.actor, j.capability): j for j in briefing.judgments}
    chn = by_key[("CHN", "cyber_espionage")]
    assert chn.n_documents == 3
    assert chn.independent_sources == 2  # a.pdf and b.pdf: same lead publisher and the same statement
    assert "China (CHN) conducts cyber espionage" in chn.text
    assert "reported by" not in chn.text
    if chn.likelihood:  # the ICD 203 term is the quoted sentence's own
        assert chn.likelihood.replace("_", " ") in chn.text
        assert chn.likelihood.replace("_", " ") in chn.quote.text.lower()
    assert chn.quote.ref == chn.refs[0] and len(set(chn.refs)) == 3
    assert by_key[("RUS", "propaganda")].n_documents == 3
    assert "PRK" not in {j.actor for j in briefing.judgments}


def test_independence_by_lead_publisher_and_near_duplicates():
    def claim(doc: str, publisher: str, finding: int) -> ScoredClaim:
        row = {"doc_id": doc, "publisher": publisher, "page_no": 1, "char_start": 0, "claim_id": doc}
        return ScoredClaim(row, 0, frozenset(), finding=finding)

    members = [claim("a", "CISA / FBI", 0), claim("b", "CISA / NSA + partners", 1), claim("c", "ESET", 2)]
    group = ClaimGroup("RUS", "cyber_attack", members, members, {0: {"a"}, 1: {"b"}, 2: {"c"}})
    assert independent_sources(group) == 2
    group.findings_docs = {0: {"a", "c"}, 1: {"b"}}  # c reprints a's statement
    assert independent_sources(group) == 1


def test_actors_the_question_does_not_name_only_in_also_reported(searcher: Searcher):
    b = build_briefing(searcher, "How does Russia use propaganda networks?", Filters(), today=TODAY)
    md = render_markdown(b)
    assert {j.actor for j in b.judgments} == {"RUS"}
    assert {x.actor for x in b.evidence} <= {"RUS", None}
    assert "### " not in md  # evidence is ordered by relevance, not filed under countries
    if "CHN" in {a.actor for a in b.also_reported}:
        also = md.split("## Also reported")[1].split("## ")[0]
        assert "China (CHN)" in also and ">" not in also


def test_conflicting_likelihoods_side_by_side(briefing: Briefing, markdown: str):
    conflict = next(c for c in briefing.conflicts if (c.actor, c.capability) == ("RUS", "cyber_attack"))
    assert {conflict.a.likelihood, conflict.b.likelihood} == {"almost_certain", "unlikely"}
    assert conflict.a.doc_id != conflict.b.doc_id
    assert f"| almost certain [{conflict.a.ref}] | unlikely [{conflict.b.ref}] |" in markdown


def test_gaps_say_why(briefing: Briefing, searcher: Searcher):
    prk = [g for g in briefing.gaps if g.actor == "PRK"]
    assert prk and prk[0].kind == "not_in_index" and "no document in the index mentions" in prk[0].text
    b = build_briefing(searcher, "surveillance of dissidents", Filters(actors=("SAU",)), today=TODAY)
    assert [g.kind for g in b.gaps if g.actor == "SAU"] == ["not_in_index"]
    assert not b.judgments
    b = build_briefing(searcher, "What happened to the regional power grid in Europe?", Filters(), today=TODAY)
    assert all(g.kind in ("not_in_index", "no_claim", "not_retrieved") for g in b.gaps)


def test_every_quote_verified_twice(briefing: Briefing, markdown: str, searcher: Searcher):
    assert assert_all_verbatim(markdown, briefing, searcher.store.page_text) >= 6
    assert briefing.unverifiable == 0
    assert all(q.verification == VERIFIED for j in briefing.judgments for q in (j.quote,))
    sources = markdown.split("## Sources")[1]
    assert re.search(r"^- \[1\] Report \w — .*; `\w\.pdf`, p\. \d$", sources, re.M)
    assert len({(s.doc_id, s.page_no) for s in briefing.sources}) == len(briefing.sources)


def test_quote_only_in_our_own_text_is_dropped_and_counted(tmp_path: Path):
    settings = _index(tmp_path, fake_tagger)
    forged = "Chinese state hackers almost certainly stole the plans of the secret moon base in 2023."
    with sqlite3.connect(settings.db_path) as db:  # our stored text says more than the PDF does
        db.execute("UPDATE pages SET text = text || ' ' || ? WHERE page_no = 1", (forged,))
        db.execute("DELETE FROM blocks WHERE page_no = 1")  # no block types: only the two extractions decide
    s = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        b = build_briefing(s, "Chinese hackers stole secret moon base plans", Filters(), today=TODAY)
    finally:
        s.close()
    md = render_markdown(b)
    assert "moon base" not in md.split("## Key judgments")[1].split("## Gaps")[0]
    assert b.dropped.get("not_independent", 0) >= 1
    assert "not in the independent extraction" in md


def test_missing_pdf_marked_unverifiable(tmp_path: Path):
    settings = _index(tmp_path, fake_tagger)
    for pdf in (tmp_path / "corpus").glob("*.pdf"):
        pdf.unlink()
    s = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        b = build_briefing(s, TOPIC, Filters(), today=TODAY)
    finally:
        s.close()
    md = render_markdown(b)
    assert b.unverifiable > 0 and "(unverifiable: the PDF file is gone)" in md
    assert "could not be checked independently" in md


def test_inline_link_targets_are_elided_and_each_verbatim_run_verified():
    from pipeline.brief.model import ELISION, elide_links

    page = (
        "Volt Typhoon actors used end-of-life SOHO\nrouters to support their operations [T1584.005\n"
        "<https://attack.example/t1584/005/>], as the agencies noted <https://agency.example/a>.\n"
    )
    sentence = page.strip()
    shown = elide_links(sentence)
    assert "http" not in shown and "<" not in shown
    run = "Volt Typhoon actors used end-of-life SOHO routers to support their operations"
    assert shown == f"{run} {ELISION}, as the agencies noted {ELISION}."
    assert is_prose(sentence) and verify_quote(page, shown)
    assert not verify_quote(page, f"Volt Typhoon actors used end-of-life SOHO routers {ELISION} to steal data.")
    assert not verify_quote(page, f"as the agencies noted {ELISION} Volt Typhoon actors used")  # runs out of order
    assert elide_links("No link here.") == "No link here."


def test_verifier_checks_each_run_of_an_elided_quote(settings: Settings):
    from pipeline.brief.model import ELISION
    from pipeline.index.store import Store

    with Store(settings.db_path) as store:
        v = Verifier(store)
        doc_id = next(d for d, p in _PATHS.items() if p.endswith("c.pdf"))
        assert v.check(doc_id, 1, f"Chinese hackers very likely {ELISION} from universities across Europe.") == VERIFIED
        assert v.check(doc_id, 1, f"Chinese hackers {ELISION} from universities across Asia.") != VERIFIED


def test_a_sentence_run_on_to_the_next_page_is_quoted_whole():
    from pipeline.brief.evidence import Candidate, _run_on
    from pipeline.brief.model import join_parts, page_parts

    page = "Other text. The unit mostly targets ministries, research institutes and policy"
    after = "groups in Europe. Next sentence here."
    start = page.index("The unit")
    cand = Candidate("d", 1, start, len(page), page[start:], 3)
    _run_on(cand, after)
    assert cand.text == "The unit mostly targets ministries, research institutes and policy groups in Europe."
    assert cand.tail == (0, after.index(".") + 1)
    ended = Candidate("d", 1, 0, 11, "Other text.", 3)
    _run_on(ended, after)
    assert ended.tail is None  # a page that ends its sentence
    fresh = Candidate("d", 1, start, len(page), page[start:], 3)
    _run_on(fresh, "Groups elsewhere were hit too.")
    assert fresh.tail is None  # the next page starts a sentence of its own
    head, tail = page_parts("The unit hit Energy <https://example.org/topics/critical-", "sectors/energy>, and Water.")
    assert join_parts(head, tail) == "The unit hit Energy […], and Water."


def test_block_typed_references_only_for_its_links_is_quotable_when_elided():
    class Store:
        def table_columns(self, table):
            return {"doc_id", "page_no", "char_start", "char_end", "kind"}

        def page_blocks(self, doc_id, page_no):
            return [(0, 100, "references"), (101, 200, "body"), (201, 300, "body")]

        def page_text(self, doc_id, page_no):
            return "x" * 300

    kinds = BlockKinds(Store())
    assert not kinds.quotable("d", 1, 5, 50)
    assert kinds.quotable("d", 1, 5, 50, linked=True)
    assert kinds.quotable("d", 1, 120, 250)  # one sentence over two body blocks


def test_a_sentence_beside_an_inline_link_in_a_references_block_is_quotable():
    lead = "The group is most likely tasked with a global intelligence gathering mission. "
    linked = "It uses spearphishing [T1566 <https://attack.mitre.org/techniques/T1566/>] against experts. "
    title = '"Chip makers held 13 of the top 20 spots in 2010." example.com. '
    text = lead + linked + title

    class Store:
        def table_columns(self, table):
            return {"doc_id", "page_no", "char_start", "char_end", "kind"}

        def page_blocks(self, doc_id, page_no):
            if page_no == 1:  # a web print's running text, typed references for its links
                return [(0, len(text), "references")]
            return [(0, len(lead), "references")]  # a block without any link: a reference list

        def page_text(self, doc_id, page_no):
            return text

    kinds = BlockKinds(Store())
    assert kinds.quotable("d", 1, 0, len(lead) - 1)
    start = len(lead + linked)
    assert not kinds.quotable("d", 1, start, len(text) - 1)  # a quoted title stays a reference
    assert not kinds.quotable("d", 2, 0, len(lead) - 1)


def test_verifier_compares_letters_not_layout(settings: Settings):
    from pipeline.index.store import Store

    with Store(settings.db_path) as store:
        v = Verifier(store)
        doc_id = next(d for d, p in _PATHS.items() if p.endswith("c.pdf"))
        page = store.page_text(doc_id, 1) or ""
        sentence = "Chinese hackers very likely stole research data from universities across Europe."
        assert v.check(doc_id, 1, sentence) == VERIFIED
        assert letters_key("ﬁle  AI-\ndriven “x”") == letters_key("file AIdriven x")

        class Forged:
            def page_text(self, d: str, n: int) -> str:
                return page + " Beijing runs a moon base."

            def documents(self, ids):
                return store.documents(ids)

        assert Verifier(Forged()).check(doc_id, 1, "Beijing runs a moon base.") == NOT_INDEPENDENT


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        ("Chinese hackers very likely stole research data from universities across Europe.", True),
        ("He was targeted in 2011 with one vendor's spyware, in 2012 with another's, and now in 2016 again.", True),
        ("Staff call (November 7, 2013); staff meeting (September 26, 2013); letter (July 2, 2013).", False),
        ("• From late 2014 and through 2016, the implant was distributed on military forums.", True),
        ("State-Sponsored Computer Network Operations Research in Chinese Academia ..........55", False),
        ("Executive Summary", False),
        ("Target Attacks against Tibetan and Hong Kong Groups Exploiting CVE-2014-4114", False),
        ("Country | Actor | Capability | Year | Source", False),
        ("Smith, J. (2019). Cyber power. Retrieved from https://example.org/x on 2020-01-01.", False),
        ("that the actors used to move laterally inside the victim network.", False),
        ("Introduction 3 Background 5 Findings 9 Annex 14 Notes 17", False),
        ("In an effort to keep CISA.gov current, the archive contains outdated information.", False),
        ("The actors used EvilGinx to steal session cookies and bypass two-factor authentication.", True),
    ],
)
def test_only_whole_prose_sentences_are_quotable(text: str, prose: bool):
    assert is_prose(text) is prose


def test_block_types_restrict_quotes_when_the_index_has_them():
    class Store:
        def __init__(self, cols: set[str]) -> None:
            self.cols = cols

        def table_columns(self, table: str) -> set[str]:
            return self.cols if table == "blocks" else set()

        def page_blocks(self, doc_id: str, page_no: int):
            return [(0, 20, "heading"), (21, 200, "body"), (201, 300, "table"), (301, 400, "toc")]

    none = BlockKinds(Store(set()))
    assert not none.enabled and none.quotable("d", 1, 0, 10)
    blocks = BlockKinds(Store({"doc_id", "page_no", "char_start", "char_end", "kind"}))
    assert blocks.quotable("d", 1, 30, 120) and blocks.quotable("d", 1, 210, 290)
    assert not blocks.quotable("d", 1, 0, 10) and not blocks.quotable("d", 1, 310, 390)
    assert not blocks.quotable("d", 1, 150, 250)  # spans two blocks


@pytest.mark.parametrize(
    "hostile",
    [
        "[x](http://evil) and ![i](http://evil/i.png)",
        "<script>alert(1)</script> <img src=x onerror=alert(1)>",
        "# Heading",
        "> quoted",
        "- item",
        "1. item",
        "see http://evil.example and www.evil.example and a@evil.example",
        "[ref]: http://evil",
        "`code` *em* _em_ ~~strike~~ | cell | &lt;b&gt; &copy;",
    ],
)
def test_md_text_keeps_pdf_text_inert(hostile: str):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    assert not re.search(r"https?://|www\.|\w@\w", md_text(hostile))  # bare URLs and e-mails: no autolink
    for line in (md_text(hostile), f"> {md_text(hostile)} [1]", f"| {md_text(hostile)} | x |"):
        out = md.render(line)
        for tag in ("<a", "<img", "<script", "<h1", "<em", "<code", "<del", "<ul", "<ol", "<li"):
            assert tag not in out, (hostile, out)
        if not line.startswith(">"):
            assert "<blockquote" not in out


def test_md_text_leaves_prose_readable():
    text = "U.S. officials said AI-driven tools (e.g. deepfakes) cost $5 million in 2021-2022."
    assert md_text(text) == "U.S. officials said AI-driven tools (e.g. deepfakes) cost \\$5 million in 2021-2022."
    assert md_text("snake_case stays") == "snake_case stays"


def test_injection_from_pdf_is_inert(searcher: Searcher):
    b = build_briefing(searcher, "Iranian phishing lure sent to exiled journalists", Filters(), today=TODAY)
    md = render_markdown(b)
    assert any("phishing lure" in q.text for q in b.evidence)
    assert not _LINK.search(md) and not re.search(r"(?<!\\)!\[", md) and "<script>" not in md
    assert "\x1b" not in md and "\u202e" not in md
    assert not [line for line in md.splitlines() if line.startswith("#") and "heading" in line]
    assert assert_all_verbatim(md, b, searcher.store.page_text)
    page = render_html(b)
    assert "<script>" not in page and '<a href="evil' not in page and "<blockquote>" in page


def test_renderer_strips_controls_from_any_field():
    q = Quote(1, f"Evil {INJECTION}\nline", "d" * 64, 1)
    src = Source(1, "d" * 64, 1, "T <b>\x1b[2J", "f_[1]`.pdf", "P\u202e", "2020")
    b = Briefing(
        Question(INJECTION),
        TODAY,
        Filters(),
        1,
        (Statement(INJECTION, (1,)),),
        "1 document",
        (),
        (q,),
        (),
        (),
        (),
        (),
        (src,),
    )
    md = render_markdown(b)
    assert "\x1b" not in md and "\u202e" not in md and "<b>" not in md and not _LINK.search(md)
    assert "\n# heading" not in md and "\nline" not in md and "``" not in md


def test_deterministic_output(settings: Settings, markdown: str):
    s = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        again = render_markdown(build_briefing(s, TOPIC, Filters(), today=TODAY))
    finally:
        s.close()
    assert again == markdown


def test_filters_restrict_evidence(searcher: Searcher):
    b = build_briefing(searcher, TOPIC, Filters(actors=("RUS",), since="2022"), today=TODAY)
    assert b.judgments and {j.actor for j in b.judgments} == {"RUS"}
    assert all(s.published >= "2022" for s in b.sources)
    assert {x.actor for x in b.evidence} <= {"RUS", None}


def test_timeline_orders_dated_events():
    assert event_date("In mid-December 2020, the actors moved laterally.") == ("2020-12", "mid-December 2020")
    assert event_date("On April 15, 2021, the White House released a statement.") == ("2021-04-15", "April 15, 2021")
    assert event_date("Since 2018 the SVR has shifted to cloud resources.") == ("2018", "Since 2018")
    assert event_date("As reported (Smith, 2019), the group is active.") is None
    assert event_date("Planned for 2031.", latest_year=2025) is None


def test_timeline_of_the_briefing(briefing: Briefing):
    events = [e for e in briefing.timeline if e.kind == "event"]
    assert events and [e.date for e in events] == sorted(e.date for e in events)
    assert any(e.date == "2015-12" for e in events)  # "in December 2015", not the publication date


def test_source_kinds():
    assert publisher_kind("CISA / NSA / FBI + partners") == "government"
    assert publisher_kind("Citizen Lab, Univ. of Toronto") == "academic"
    assert publisher_kind("Kaspersky Lab") == "vendor"
    assert publisher_kind(None) is None


def test_json_is_the_model_the_markdown_renders(briefing: Briefing):
    data = json.loads(json.dumps(briefing.to_json()))
    assert data["question"]["text"] == TOPIC
    assert [j["actor"] for j in data["judgments"]] == [j.actor for j in briefing.judgments]
    assert data["judgments"][0]["quote"]["text"] == briefing.judgments[0].quote.text
    assert {"bluf", "evidence", "timeline", "gaps", "sources", "dropped"} <= set(data)


def test_cli_brief_json_and_html(settings: Settings, monkeypatch):
    from typer.testing import CliRunner

    from pipeline.cli import app

    monkeypatch.setattr("pipeline.index.search.MODEL_ID", FakeEmbedder().model_id)
    monkeypatch.setattr(
        "pipeline.index.search.Searcher.embed_query", lambda self, q: FakeEmbedder().embed_batch([q])[0]
    )
    args = ["brief", TOPIC, "--index", str(settings.index_dir), "--date", TODAY]
    out = CliRunner().invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["judgments"]  # stdout only: a test tagger's claims draw a stale-model warning
    out = CliRunner().invoke(app, [*args, "--format", "html"])
    assert out.exit_code == 0 and out.stdout.startswith("<!doctype html>") and "<h2>Bottom line</h2>" in out.stdout
    out = CliRunner().invoke(app, [*args, "--format", "pdf"])
    assert out.exit_code == 2  # a usage error


def test_without_claims_quotes_verified_sentences(tmp_path: Path):
    settings = _index(tmp_path, lambda doc: [])
    s = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        b = build_briefing(s, "Chinese hackers stole research data", Filters(), today=TODAY)
        md = render_markdown(b)
        assert b.evidence and not b.judgments
        assert "No key judgment" in md and "No document in the index makes an attributable claim" in md
        assert assert_all_verbatim(md, b, s.store.page_text) == len(b.evidence)
    finally:
        s.close()


def test_store_source_works_without_embedder(settings: Settings):
    from pipeline.index.store import Store

    with Store(settings.db_path) as store:
        b = build_briefing(store, TOPIC, Filters(), today=TODAY)
    assert b.judgments


def test_write_atomic_creates_folder(tmp_path: Path):
    target = tmp_path / "reports" / "x.md"
    write_atomic(target, "# hi\n")
    write_atomic(target, "# again\n")
    assert target.read_text() == "# again\n"
    assert [p.name for p in target.parent.iterdir()] == ["x.md"]


def test_cli_brief_help():
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["brief", "--help"])
    assert result.exit_code == 0
    for flag in (
        "--actor",
        "--capability",
        "--since",
        "--until",
        "--doc",
        "--publisher",
        "--index",
        "--output",
        "--date",
        "--json",
        "--format",
    ):
        assert flag in result.output


@pytest.mark.model
def test_sample_corpus_briefing_quotes_verbatim(sample_index: Path):
    if not sorted(SAMPLES.glob("*.pdf")):
        pytest.skip("no sample PDFs")
    s = Searcher.open(Settings(index_dir=sample_index))
    try:
        b = build_briefing(
            s,
            "How do China and Russia use AI for propaganda, censorship and surveillance abroad?",
            Filters(),
            today=TODAY,
        )
        md = render_markdown(b)
        assert b.judgments and b.sources and b.bluf
        with sqlite3.connect(sample_index / "threatbrief.db") as db:
            _PATHS.update(dict(db.execute("SELECT doc_id, path FROM documents")))
        assert assert_all_verbatim(md, b, s.store.page_text) >= len(b.judgments)
    finally:
        s.close()


def test_reporting_or_victim_states_are_not_actors():
    from pipeline.brief.evidence import reporting

    def row(sentence: str, mention: str) -> dict:
        return {"sentence": sentence, "actor_mention": mention}

    assert reporting(row("The U.S. and UK governments assess that the FSB ran the campaign.", "U.S."))
    assert reporting(row("Chinese actors aggressively target U.S. and allied networks.", "U.S."))
    assert not reporting(row("Russian intelligence services ran the campaign against Estonia.", "Russian"))
    sabotage = row("Israel tried to sabotage Iran's centrifuge program.", "Iran") | {
        "target": "Iran's centrifuge program"
    }
    assert reporting(sabotage)
    assert reporting(row("The Russian government views itself as the victim of the attacks on Estonia.", "Russian"))
    assert reporting(row("Russian government websites came under a denial of service attack.", "Russian"))
    assert not reporting(row("Russian operators stole data from the victims' mailboxes.", "Russian"))


def test_a_state_named_only_as_victim_ranks_below_one_acting():
    from pipeline.brief.evidence import Candidate, score

    q = parse_question("What cyber operations has Russia run against its neighbours?")
    acting = Candidate("d", 2, 0, 70, "Russian military hackers ran cyber operations against Georgian websites.", 3)
    victim = Candidate(
        "d", 2, 71, 140, "Russian government websites came under cyber operations from Georgian hackers.", 3
    )
    score([acting, victim], q, doc_rank={"d": 0})
    assert "RUS" in victim.named and "RUS" not in victim.actors
    assert acting.score > victim.score
    group = Candidate("d", 3, 0, 50, "APT29 has compromised several foreign ministries.", 3)
    score([group], q, doc_rank={"d": 0})
    assert "RUS" in group.actors  # a named group acts, whatever verb follows


def test_judgments_split_by_acting_service():
    from pipeline.brief.cluster import group_claims

    def claim(doc: str, organ: str | None, sentence: str) -> ScoredClaim:
        row = {"doc_id": doc, "actor": "RUS", "capability": "cyber_espionage", "organ": organ, "page_no": 1}
        row |= {"char_start": 0, "claim_id": doc + sentence, "sentence": sentence, "likelihood": None}
        return ScoredClaim(row, 0, frozenset(sentence.lower().split()))

    claims = [claim("a", "SVR", "The SVR phished think tanks."), claim("b", "FSB", "The FSB phished NGOs in London.")]
    assert len(group_claims(claims)) == 1
    assert sorted(g.organ or "" for g in group_claims(claims, by_organ=True)) == ["FSB", "SVR"]


def test_facet_searches_cover_each_part_of_the_question():
    from pipeline.brief.topic import facet_queries

    q = parse_question("How has Russia targeted governments and NGOs with espionage?")
    facets = facet_queries(q)
    assert any("Russia" in f and "governments" in f for f in facets)
    assert any("Russia" in f and "NGOs" in f for f in facets)
    assert q.text not in facets and len(facets) == len(set(facets))
    two = facet_queries(parse_question("How do China and Russia spread propaganda?"))
    assert any(f.startswith("China ") and "Russia" not in f for f in two)
    assert any(f.startswith("Russia ") and "China" not in f for f in two)


def test_briefing_keeps_the_top_search_hits(searcher: Searcher):
    from pipeline.brief.build import _hits

    q = parse_question(TOPIC)
    top = [h.chunk_id for h in searcher.search(TOPIC, 20, Filters())]
    got = [h.chunk_id for h in _hits(searcher, q, Filters(), 40)]
    assert got[: len(top)] == top and [h.rank for h in _hits(searcher, q, Filters(), 40)] == list(
        range(1, len(got) + 1)
    )


def test_unattributed_sentence_naming_the_asked_state_counts_for_it():
    from pipeline.brief.evidence import named_actor

    assert named_actor("State media in China and Russia now use AI tools to write news.", ("RUS",)) == (
        "RUS",
        "Russia",
    )
    assert named_actor("Hackers broke into networks in Russia last year.", ("RUS",)) is None  # acted on
    assert named_actor("State media in China now use AI tools.", ()) is None


def test_bluf_says_what_the_index_cannot_answer(searcher: Searcher):
    b = build_briefing(searcher, "Has Russia conducted cyber attacks against satellites?", Filters(), today=TODAY)
    assert b.judgments and 2 <= len(b.bluf) <= 4
    assert any("no document mentions satellites" in s.text for s in b.bluf)
    assert any(g.kind == "not_in_index" and g.what == "satellites" for g in b.gaps)


def test_judgments_off_the_asked_targets_give_way(searcher: Searcher):
    b = build_briefing(searcher, "What has Russia done against the power grid?", Filters(), today=TODAY)
    assert b.judgments[0].capability == "cyber_attack"
    assert all(j.actor == "RUS" for j in b.judgments)


def test_specific_dated_sentences_rank_above_generic_ones():
    from pipeline.brief.evidence import Candidate, score

    generic = Candidate("d", 1, 0, 40, "Russia ran cyber operations against Georgia.", 1)
    dated = Candidate(
        "d", 1, 41, 150, "In August 2008 Russia ran cyber operations against Georgia and its Parliament.", 1
    )
    asked = Candidate("d", 1, 151, 220, "What cyber operations has Russia run against Georgia?", 1)
    q = parse_question("Which cyber operations did Russia run against Georgia?")
    score([generic, dated, asked], q)
    assert dated.score > generic.score > asked.score
    dated = Candidate("d", 1, 0, 90, "On August 8th, 2008 a coordinated attack hit Georgian Government websites.", 1)
    assert event_date(dated.text) == ("2008-08-08", "August 8th, 2008")


def test_earlier_pages_and_earlier_reports_rank_first():
    from pipeline.brief.evidence import Candidate, score

    text = "In 2015 APT29 used HAMMERTOSS to hide commands in Twitter images against governments."
    early = Candidate("a", 2, 0, len(text), text, 5)
    late = Candidate("a", 40, 0, len(text), text, 5)
    other = Candidate("b", 2, 0, len(text), text, 5)
    q = parse_question("How does Russia hide command and control from governments?")
    score([early, late, other], q, doc_rank={"a": 0, "b": 12})
    assert early.score > late.score and early.score > other.score


def test_evidence_reads_across_reports_not_down_one(monkeypatch):
    from pipeline.brief import select
    from pipeline.brief.evidence import Candidate

    class AlwaysQuotable:
        def check(self, doc_id, page_no, start, end, text, *, independent=True):
            return VERIFIED

    q = parse_question("How does Russia hide command and control?")
    texts = [
        "Russian operators hid commands in Twitter images posted daily.",
        "The backdoor fetched encrypted instructions from GitHub repositories.",
        "Stolen files were uploaded to commercial cloud storage accounts.",
        "Operators worked only during Moscow office hours on weekdays.",
        "Each implant generated fresh handles with a seeded algorithm.",
        "Russian intelligence relayed traffic through hacked satellite links.",
    ]
    cands = [select.Candidate("a", 1, 100 * i, 100 * i + 80, t, 99) for i, t in enumerate(texts[:5])]
    cands.append(Candidate("b", 1, 0, 80, texts[5], 99))
    for i, c in enumerate(cands[:5]):
        c.score = 0.5 - 0.001 * i
    cands[5].score = 0.5 - select.DOCUMENT_DECAY * 1.5  # below the first report's first two quotes, above its third
    monkeypatch.setattr(select, "MAX_EVIDENCE", 3)
    monkeypatch.setattr(select, "REDUNDANCY", 0.0)  # the decay alone (words already quoted: the next test)
    picked = select.select_evidence(cands, q, AlwaysQuotable())
    assert sorted(c.doc_id for c, _ in picked) == ["a", "a", "b"]
    monkeypatch.setattr(select, "DOCUMENT_DECAY", 0.0)  # without the decay, the first report fills the list
    assert [c.doc_id for c, _ in select.select_evidence(cands, q, AlwaysQuotable())] == ["a", "a", "a"]


def test_timeline_dates_what_the_asked_state_did_with_its_own_sentence():
    from pipeline.brief.timeline import build_timeline

    q = parse_question("What cyber operations has Russia run against Georgia?")
    meta = {"d": {"publisher": "P"}}
    passage = "The campaign was long. In August 2008 Russian hackers defaced Georgian sites. It ended soon."
    quotes = [
        Quote(1, passage, "d", 3, actor="RUS"),
        Quote(2, "In 2003 Estonia proposed a cyber centre in Tallinn.", "d", 4, actor="EST"),
        Quote(3, "In 2009 an unnamed group attacked Kyrgyz servers.", "d", 5, actor=None),
    ]
    events = build_timeline(quotes, meta, TODAY, q)
    assert [(e.date, e.text) for e in events] == [("2008-08", "In August 2008 Russian hackers defaced Georgian sites.")]


def test_judgment_quote_says_the_capability_itself():
    from pipeline.brief.judge import says_capability

    assert says_capability("Russian hackers stole credentials with spearphishing e-mails.", "cyber_espionage")
    assert not says_capability("A Russian youth group protested outside the Estonian embassy.", "cyber_espionage")


def test_evidence_does_not_repeat_what_a_passage_or_judgment_quotes():
    from pipeline.brief.build import _without_repeats

    one = "SVR actors sprayed passwords slowly."
    two = "They then read the mail of the victims."
    three = "Another report saw the same group in Kyiv."
    passage, alone, other = Quote(1, f"{one} {two}", "d", 1), Quote(1, one, "d", 1), Quote(2, three, "e", 2)
    judged = Quote(3, "Russia ran the campaign.", "f", 3)
    kept = _without_repeats([passage, alone, other, judged, Quote(1, one, "d", 1)], [judged])
    assert [q.text for q in kept] == [passage.text, three]


def test_a_document_speaking_of_itself_ranks_below_what_happened(monkeypatch):
    from pipeline.brief import evidence

    q = parse_question("What cyber operations has Russia run against Estonia?")

    def scored() -> tuple[float, float]:
        meta = evidence.Candidate("d", 2, 0, 60, "This section will examine Russian cyber operations in Estonia.", 3)
        plain = evidence.Candidate("d", 2, 61, 130, "Russian hackers ran cyber operations in Estonia.", 3)
        evidence.score([meta, plain], q, doc_rank={"d": 0})
        return meta.score, plain.score

    meta, plain = scored()
    penalty = evidence.PENALTY_META
    monkeypatch.setattr(evidence, "PENALTY_META", 0.0)
    meta_unpenalised, plain_same = scored()
    assert penalty > 0 and plain == plain_same and meta == pytest.approx(meta_unpenalised - penalty)


def test_bluf_says_one_thing_once_per_actor_and_capability():
    from pipeline.brief.build import _merged
    from pipeline.brief.model import Judgment

    def j(organ: str, likelihood: str | None, publisher: str) -> Judgment:
        q = Quote(1, "x", "d" * 64, 1)
        return Judgment(
            "CHN", "cyber_espionage", None, False, likelihood, None, 1, 1, (publisher,), q, (1,), "t", organ
        )

    text, n = _merged([j("APT30", "likely", "FireEye"), j("Mustang Panda", None, "Citizen Lab")])
    assert "APT30 and Mustang Panda" in text and "likely" not in text and n == 2
    text, n = _merged([j("APT30", "likely", "FireEye"), j("APT3", "likely", "FireEye")])
    assert text.startswith("It is likely") and n == 1


def test_bluf_names_the_asked_targets_the_quotes_name(searcher: Searcher):
    b = build_briefing(searcher, "How have Chinese hackers targeted think tanks and universities?", Filters())
    line = next(s for s in b.bluf if s.text.startswith("Targets the quoted passages name"))
    assert "think tanks" in line.text and "universities" in line.text and line.refs


def test_judgment_wording_stays_within_its_sentence():
    from pipeline.brief import judge

    # a likelihood that hedges an attribute of a noun is not the claim's
    hedge = "Researchers profiled a group likely backed by the government that stole documents."
    assert judge.scoped_likelihood(hedge, "likely") is None
    assert judge.scoped_likelihood("The group likely stole documents from ministries.", "likely") == "likely"
    # surveillance products are not someone watching people
    assert not judge.watches_people("The actors could access camera surveillance systems at the sites.")
    assert judge.watches_people("The spyware enabled surveillance of the journalist's calls.")
    # a judgment names a group only as its sentence names it
    assert judge.organ_named("The actors used a new backdoor.", "RUS", "GRU") is None
    assert judge.organ_named("GRU officers used a new backdoor.", "RUS", "GRU") == "GRU"
    assert judge.target_of({"target": "not only Tibetan groups"}) == "Tibetan groups"


def test_judgment_quote_names_its_actor_and_group(briefing: Briefing):
    from pipeline.brief import judge

    assert briefing.judgments
    for j in briefing.judgments:
        assert judge.names_actor(j.quote.text, j.actor), j
        assert j.organ is None or j.organ.lower() in j.quote.text.lower(), j


def test_any_state_question_files_a_claim_under_the_state_named_as_doer():
    from pipeline.brief.evidence import named_actor

    assert named_actor("Syrian government hackers sent malware to the opposition.", None)[0] == "SYR"
    assert named_actor("Another UAE-based activist was also targeted.", None) is None  # where, not who
    assert named_actor("Researchers targeted Iranian hackers' servers.", ("IRN",)) is None  # acted on


def test_a_judgment_quote_names_the_doer_not_a_victim_demonym():
    from pipeline.brief import judge

    assert not judge.names_actor("Syrian activists continue to be targeted with online attacks.", "SYR")
    assert judge.names_actor("Syrian government hackers targeted activists.", "SYR")


def test_statements_on_different_things_are_no_conflict():
    from pipeline.brief.cluster import ScoredClaim, conflicting_pairs, content_words, group_claims

    def claim(i: int, doc: str, text: str, likelihood: str | None) -> ScoredClaim:
        row = {
            "claim_id": i,
            "doc_id": doc,
            "actor": "CHN",
            "capability": "cyber_espionage",
            "organ": None,
            "likelihood": likelihood,
            "stance": "fact",
            "sentence": text,
            "page_no": 1,
            "char_start": 0,
        }
        return ScoredClaim(row, i, content_words(text))

    a = claim(1, "d1", "Chinese operators sent espionage malware to Tibetan groups in 2015.", None)
    b = claim(2, "d2", "It is unlikely that the Chinese government will ban blogs permanently.", "unlikely")
    groups = group_claims([a, b])
    assert all(conflicting_pairs(g, 3) == [] for g in groups)


SCAN = CORPUS / "dev_sasc_2014_transcom-contractor-intrusions.pdf"  # MANIFEST layout "scan"


@pytest.mark.skipif(not SCAN.is_file(), reason="the corpus scan is not on this machine")
def test_quote_on_a_scanned_page_is_checked_by_a_second_ocr():
    import pypdfium2 as pdfium

    from pipeline.parse.ocr import OCR_DPI, ocr_page

    page_no = 12  # a prose page of the scan (no text layer)
    pdf = pdfium.PdfDocument(str(SCAN))
    try:
        page = pdf[page_no - 1]
        assert not page.get_textpage().get_text_range().strip()  # nothing for PDFium to read
        first = " ".join(w["text"] for w in ocr_page(page, dpi=OCR_DPI).words)  # what the parser stores
    finally:
        pdf.close()
    sentences = [first[a:b] for a, b in split_sentences(first)]
    sentences = [s for s in sentences if len(s) > 80 and s.endswith(".")]
    assert sentences
    forged = "Beijing installed a listening post on the moon in the spring of the same year."

    class ScanStore:
        def page_text(self, d: str, n: int) -> str:
            return first + " " + forged

        def documents(self, ids):
            return [{"path": str(SCAN)}]

    v = Verifier(ScanStore())
    assert [v.check("scan", page_no, s) for s in sentences[:3]] == [VERIFIED] * 3
    assert v.check("scan", page_no, forged) == NOT_INDEPENDENT  # in the stored text only
    assert len(v.ocr) == 1  # one second reading of the page, however many quotes
    assert not fuzzy_in_order([letters_key(sentences[0][::-1])], next(iter(v.ocr.values())) or "")


def test_a_how_question_gets_the_means_its_cited_passages_name():
    from pipeline.brief.means import asks_how, means_named, means_statement

    assert asks_how("How do they get in?") and not asks_how("Which states run influence operations?")
    assert means_named("They sent spear-phishing emails with malicious attachments.") == [
        "spear-phishing",
        "malicious links or attachments",
    ]  # spear-phishing is not counted again as phishing
    assert means_named("Officials described the attack surface of the ministry.") == []

    def quote(ref: int, text: str, actor: str | None) -> Quote:
        return Quote(ref=ref, text=text, doc_id="d", page_no=ref, actor=actor)

    j = Judgment(
        actor="RUS",
        capability="cyber_espionage",
        target=None,
        ai_enabled=False,
        likelihood=None,
        confidence=None,
        independent_sources=2,
        n_documents=2,
        publishers=(),
        quote=quote(1, "Russian actors conduct espionage against ministries.", "RUS"),
        refs=(1, 2, 3),
        text="Sources report that Russia (RUS) conducts cyber espionage.",
    )
    quotes = [
        quote(2, "The actors used password spraying against the ministries.", "RUS"),
        quote(3, "Chinese actors exploited a zero-day in the VPN appliance.", "CHN"),  # another actor
        quote(4, "The actors also used DDoS attacks.", "RUS"),  # a page the judgment does not cite
        quote(3, "They then brute-forced the passwords of the ministries.", None),
    ]
    how = means_statement([j], quotes)
    assert how is not None
    assert how.text.endswith(": password spraying and brute-force guessing of passwords.")
    assert set(how.refs) == {2, 3}
    assert means_statement([j], []) is None  # the judgment's own quote names no means: nothing invented


def test_a_state_the_question_names_as_target_is_not_also_reported():
    from pipeline.brief.build import _also_reported
    from pipeline.brief.evidence import Candidate

    class Refs:
        def ref(self, doc_id: str, page_no: int) -> int:
            return 1

    q = parse_question("What cyber operations has Russia run against Estonia?")
    assert "EST" in q.target_states

    def row(actor: str, sentence: str) -> dict[str, object]:
        return {"actor": actor, "capability": "cyber_attack", "sentence": sentence, "actor_mention": ""}

    cand = Candidate("d", 1, 0, 80, "text", 0)
    cand.claims = [row("EST", "Estonia came under attack."), row("CHN", "China attacked Estonian banks.")]
    also = {a.actor for a in _also_reported([cand], q, Refs())}  # type: ignore[arg-type]
    assert also == {"CHN"}


def test_judgments_on_one_actor_quote_different_sentences_even_with_links_elided(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = (
        "Iranian hackers ran cyber attacks and espionage: they stole mail and ran cyber attacks on the "
        "foreign ministry <https://example.org/advisory> in July 2022. "
        "Later the Iranian group also stole some files."
    )
    make_text_pdf(corpus / "e.pdf", [page], {"Title": "Report E", "Publisher": "CISA / FBI"})

    def two_capabilities(doc: ParsedDocument) -> list[Claim]:
        out = []
        for p in doc.pages:
            for s, e in split_sentences(p.text):
                if "Iranian" in p.text[s:e]:
                    for cap in ("cyber_espionage", "cyber_attack"):
                        out.append(Claim(cap, p.text[s:e], p.page_no, s, e, actor="IRN", doc_id=doc.meta.doc_id))
        return out

    settings = Settings(index_dir=tmp_path / "index")
    assert not ingest([corpus], settings, embedder=FakeEmbedder(), tagger=two_capabilities).failed
    s = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        b = build_briefing(s, "What cyber attacks and espionage have Iranian hackers run?", Filters(), today=TODAY)
    finally:
        s.close()
    quotes = [j.quote.text for j in b.judgments]
    assert len(quotes) == 2 and len(set(quotes)) == 2
