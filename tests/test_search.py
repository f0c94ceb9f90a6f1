import pytest

from pipeline.index.filters import Filters
from pipeline.index.search import Searcher, rrf_fuse
from pipeline.ingest import ingest
from pipeline.models import Claim, ParsedDocument
from pipeline.settings import Settings
from tests.conftest import FakeEmbedder

DOCS = {
    "volt.pdf": (
        [
            "Volt Typhoon compromised routers in US critical infrastructure to pre-position.",
            "The water sector and energy grid were affected by living off the land techniques.",
        ],
        {"Title": "PRC actors in critical infrastructure", "CreationDate": "D:20240207000000Z"},
    ),
    "blizzard.pdf": (
        ["Star Blizzard spearphishing targets academics, think tanks and NGOs in the UK."],
        {"Title": "Star Blizzard spearphishing", "CreationDate": "D:20231207000000Z"},
    ),
    "nso.pdf": (
        ["Pegasus spyware from NSO Group was used against a human rights defender in the UAE."],
        {"Title": "Million dollar dissident", "CreationDate": "D:20160824000000Z"},
    ),
}


def _tagger(doc: ParsedDocument) -> list[Claim]:
    page = doc.pages[0]
    if "Star Blizzard" in page.text:
        end = page.text.index(".") + 1
        return [Claim("cyber_espionage", page.text[:end], 1, 0, end, actor="RUS", doc_id=doc.meta.doc_id)]
    return []


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    from tests.conftest import make_text_pdf

    root = tmp_path_factory.mktemp("search")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, (pages, meta) in DOCS.items():
        make_text_pdf(corpus / name, pages, meta)
    settings = Settings(index_dir=root / "index")
    report = ingest([corpus], settings, embedder=FakeEmbedder(), tagger=_tagger)
    assert not report.failed
    s = Searcher.open(settings, embedder=FakeEmbedder())
    yield s
    s.close()


def test_rrf_rewards_agreement():
    fused = rrf_fuse([([1, 2, 3], 1.0), ([3, 1, 4], 1.0)])
    assert [cid for cid, _ in fused][:2] == [1, 3]


def test_hybrid_search_finds_the_right_document_and_page(searcher: Searcher):
    hits = searcher.search("living off the land in the energy grid", k=3)
    assert hits[0].doc == "volt.pdf"
    assert hits[0].page_start <= 2 <= hits[0].page_end
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_exact_name_search(searcher: Searcher):
    assert searcher.search("Pegasus", k=1)[0].doc == "nso.pdf"


def test_filters_restrict_before_ranking(searcher: Searcher):
    hits = searcher.search("Volt Typhoon routers", k=5, filters=Filters(until="2020"))
    assert {h.doc for h in hits} == {"nso.pdf"}
    hits = searcher.search("Volt Typhoon routers", k=5, filters=Filters(docs=("blizzard.pdf",)))
    assert {h.doc for h in hits} == {"blizzard.pdf"}
    hits = searcher.search("routers", k=5, filters=Filters(actors=("RUS",)))
    assert {h.doc for h in hits} == {"blizzard.pdf"}
    assert searcher.search("routers", k=5, filters=Filters(actors=("PRK",))) == []
    hits = searcher.search("spyware", k=5, filters=Filters(since="2023-12"))
    assert {h.doc for h in hits} <= {"blizzard.pdf", "volt.pdf"}


def test_hit_json_contract(searcher: Searcher):
    hit = searcher.search("Star Blizzard", k=1)[0].to_json()
    for key in ("rank", "score", "chunk_id", "doc_id", "doc", "path", "title", "page_start", "page_end", "text"):
        assert key in hit
    assert hit["doc"] == "blizzard.pdf" and hit["title"] == "Star Blizzard spearphishing"
