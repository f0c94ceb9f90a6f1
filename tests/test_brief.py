"""brief: cited extractive briefings — structure, document counts, conflicts, gaps, safety."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from pipeline.brief.build import build_briefing, render_markdown, verify_quote, write_atomic
from pipeline.brief.model import Briefing, Quote, Source, normalise_ws
from pipeline.index.filters import Filters
from pipeline.index.search import Searcher
from pipeline.ingest import ingest
from pipeline.models import Claim, ParsedDocument
from pipeline.settings import Settings
from pipeline.text import split_sentences
from tests.conftest import SAMPLES, FakeEmbedder, make_text_pdf

TODAY = "2025-01-31"
INJECTION = "[x](http://evil) ![i](y) <script> # heading \x1b[31m \u202e"
REPEATED = "Chinese state hackers likely stole data from think tanks in Washington during 2021."
DOCS = {
    "a.pdf": (
        [
            f"{REPEATED} Russia almost certainly runs propaganda networks that target audiences abroad.",
            f"Annex. {REPEATED}",
        ],
        {"Title": "Report A", "CreationDate": "D:20210301000000Z"},
    ),
    "b.pdf": (
        [
            "Chinese state hackers likely stole data from think tanks in Washington in 2021 "
            "and 2022. "
            "Russia almost certainly runs propaganda networks aimed at audiences in Africa."
        ],
        {"Title": "Report B", "CreationDate": "D:20220301000000Z"},
    ),
    "c.pdf": (
        [
            "Chinese hackers very likely stole research data from universities across Europe. "
            "Russian state media spread propaganda about the war to viewers in Latin America. "
            "It is unlikely that Russia conducted the cyber attack on the regional power grid."
        ],
        {"Title": "Report C", "CreationDate": "D:20230301000000Z"},
    ),
    "d.pdf": (
        [
            "Russia almost certainly conducted the cyber attack on the regional power grid "
            "last winter. "
            "Iran surveils dissidents abroad with commercial spyware and hired informants. "
            f"Iranian hackers sent a phishing lure reading {INJECTION} to exiled journalists."
        ],
        {"Title": "Report D", "CreationDate": "D:20240301000000Z"},
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


def _unescape(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def rendered_quotes(markdown: str) -> list[tuple[str, int]]:
    """(quote, ref) of every blockquote and conflict-table cell."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("> "):
            m = re.match(r"^> (.*) \[(\d+)\]$", line)
            assert m, line
            out.append((_unescape(m.group(1)), int(m.group(2))))
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        heads = re.findall(r"\[(\d+)\] \|", line)
        if line.startswith("| ") and len(heads) == 2 and lines[i + 1].startswith("| ---"):
            cells = re.split(r"(?<!\\)\|", lines[i + 2])[1:-1]
            out += [(_unescape(c.strip()), int(r)) for c, r in zip(cells, heads, strict=True)]
    return out


def assert_all_verbatim(markdown: str, b: Briefing, page_text) -> int:
    by_ref = {s.ref: s for s in b.sources}
    quotes = rendered_quotes(markdown)
    for quote, ref in quotes:
        src = by_ref[ref]
        assert quote in normalise_ws(page_text(src.doc_id, src.page_no)), (quote, ref)
    return len(quotes)


def test_verify_quote_normalises_whitespace_only():
    page = "Beijing  runs\nthe   Great Firewall.\tIt filters content."
    assert verify_quote(page, "runs the Great\n Firewall.")
    assert not verify_quote(page, "runs the Great Wall.")
    assert not verify_quote(page, "   ")


def test_sections_present_in_order(markdown: str):
    heads = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert heads == [
        "## Key judgments",
        "## Evidence",
        "## Corroboration and disagreement",
        "## Timeline",
        "## Gaps",
        "## Sources",
    ]
    assert markdown.startswith("# Briefing: ")
    assert f"generated {TODAY}" in markdown and "4 documents searched" in markdown


def test_key_judgments_count_documents_not_sentences(briefing: Briefing):
    assert 3 <= len(briefing.judgments) <= 7
    by_key = {(j.actor, j.capability): j for j in briefing.judgments}
    chn = by_key[("CHN", "cyber_espionage")]
    assert chn.n_documents == 3  # a.pdf says it twice; b.pdf and c.pdf once each
    assert chn.strongest == "very_likely"
    assert chn.text == (
        "China (CHN) — cyber espionage: reported by 3 documents; strongest estimative language: very likely (ICD 203)."
    )
    assert len(set(chn.refs)) == 3
    assert by_key[("RUS", "propaganda")].n_documents == 3
    assert briefing.judgments[0].n_documents >= briefing.judgments[-1].n_documents


def test_near_duplicates_cluster_across_documents(briefing: Briefing):
    group = next(g for g in briefing.evidence if (g.actor, g.capability) == ("CHN", "cyber_espionage"))
    assert any(len(refs) == 2 for refs in group.corroborated_findings)  # a.pdf and b.pdf


def test_conflicting_likelihoods_side_by_side(briefing: Briefing, markdown: str):
    conflict = next(c for c in briefing.conflicts if (c.actor, c.capability) == ("RUS", "cyber_attack"))
    assert {conflict.a.likelihood, conflict.b.likelihood} == {"almost_certain", "unlikely"}
    assert conflict.a.doc_id != conflict.b.doc_id
    assert f"| almost certain [{conflict.a.ref}] | unlikely [{conflict.b.ref}] |" in markdown


def test_gaps_name_requested_actor_without_evidence(briefing: Briefing, markdown: str, searcher):
    assert "PRK" in briefing.topic_actors
    gaps = markdown.split("## Gaps")[1].split("## Sources")[0]
    assert "North Korea (PRK): no evidence in the documents searched." in gaps
    b = build_briefing(searcher, "surveillance of dissidents", Filters(actors=("SAU",)), today=TODAY)
    assert [g.text for g in b.gaps if g.capability is None] == [
        "Saudi Arabia (SAU): no evidence in the documents searched."
    ]
    assert not b.judgments


def test_every_quote_verbatim_on_its_cited_page(briefing: Briefing, markdown: str, searcher):
    assert assert_all_verbatim(markdown, briefing, searcher.store.page_text) >= 6
    sources = markdown.split("## Sources")[1]
    assert re.search(r"^- \[1\] Report \w — \w\\\.pdf, p\. \d \(20\d\d-03-01\)$", sources, re.M)
    assert len({(s.doc_id, s.page_no) for s in briefing.sources}) == len(briefing.sources)


def test_injection_from_pdf_is_inert(searcher):
    b = build_briefing(searcher, "Iranian phishing lure sent to exiled journalists", Filters(), today=TODAY)
    md = render_markdown(b)
    assert any("phishing lure" in q.text for g in b.evidence for q in g.quotes)
    assert "](http" not in md and "![" not in md and "<script>" not in md
    assert "\x1b" not in md and "\u202e" not in md
    assert not [line for line in md.splitlines() if line.startswith("#") and "heading" in line]
    assert r"\[x\]\(http&#58;//evil\)" in md
    assert assert_all_verbatim(md, b, searcher.store.page_text)


def test_renderer_strips_controls_from_any_field():
    q = Quote(1, f"Evil {INJECTION}\nline", "d" * 64, 1)
    src = Source(1, "d" * 64, 1, "T <b>\x1b[2J", "f_[1].pdf", "P\u202e", "2020")
    b = Briefing(INJECTION, TODAY, Filters(), 1, (), (), "test", (), (), (q,), (), (), (), (), (src,), 0)
    md = render_markdown(b)
    assert "\x1b" not in md and "\u202e" not in md and "<b>" not in md and "](http" not in md
    assert "\n# heading" not in md and "\nline" not in md


def test_deterministic_output(settings: Settings, markdown: str):
    s = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        again = render_markdown(build_briefing(s, TOPIC, Filters(), today=TODAY))
    finally:
        s.close()
    assert again == markdown


def test_filters_restrict_evidence(searcher):
    b = build_briefing(searcher, TOPIC, Filters(actors=("RUS",), since="2022"), today=TODAY)
    assert b.evidence and {g.actor for g in b.evidence} == {"RUS"}
    assert all(s.published >= "2022" for s in b.sources)
    assert "CHN" in {g.actor for g in b.gaps} or all(g.actor != "CHN" for g in b.evidence)


def test_timeline_sorted_by_publication(briefing: Briefing):
    dates = [e.published for e in briefing.timeline]
    assert dates == sorted(dates) and len(dates) == 4


def test_without_claims_falls_back_to_verified_sentences(tmp_path: Path):
    settings = _index(tmp_path, lambda doc: [])
    s = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        b = build_briefing(s, "Chinese hackers stole research data", Filters(), today=TODAY)
        md = render_markdown(b)
        assert b.uncategorised and not b.judgments
        assert "### Uncategorised evidence" in md
        assert assert_all_verbatim(md, b, s.store.page_text) == len(b.uncategorised)
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
        "--publisher",
        "--index",
        "--output",
        "--date",
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
        assert b.judgments and b.sources
        assert assert_all_verbatim(md, b, s.store.page_text) >= len(b.judgments)
    finally:
        s.close()
