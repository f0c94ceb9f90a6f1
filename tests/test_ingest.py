import os
from pathlib import Path

import pytest

from pipeline.errors import IndexLockedError, IndexMismatchError
from pipeline.index.search import Searcher
from pipeline.index.store import Store
from pipeline.ingest import ingest, writer_lock
from pipeline.parse.isolate import parse_isolated
from pipeline.settings import Settings
from tests.conftest import FakeEmbedder

TEXT_A = [
    "Volt Typhoon actors live off the land inside US critical infrastructure networks.",
    "They compromise small office routers to hide their traffic.",
]
TEXT_B = ["Star Blizzard sends spearphishing emails to academics and think tanks."]


def _settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", parse_workers=2, parse_timeout_s=60)


class CountingParse:
    def __init__(self):
        self.calls: list[str] = []

    def __call__(self, path, settings):
        self.calls.append(Path(path).name)
        return parse_isolated(path, settings)


def _run(paths, settings, **kw):
    parse = CountingParse()
    report = ingest(paths, settings, embedder=FakeEmbedder(), tagger=lambda d: [], parse=parse, **kw)
    return report, parse.calls


def test_incremental_skip_replace_prune(tmp_path: Path, pdf_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    a = pdf_factory("corpus/a.pdf", TEXT_A)
    b = pdf_factory("corpus/b.pdf", TEXT_B)
    s = _settings(tmp_path)

    report, calls = _run([corpus], s)
    assert sorted(calls) == ["a.pdf", "b.pdf"] and len(report.new) == 2 and not report.failed
    with Store(s.db_path) as st:
        first = st.counts()
    assert first["documents"] == 2 and first["pages"] == 3

    import json

    manifest = json.loads((s.index_dir / "manifest.json").read_text())
    assert (
        manifest["model_id"] == FakeEmbedder.model_id and manifest["vectors"]["count"] == manifest["counts"]["chunks"]
    )

    report, calls = _run([corpus], s)
    assert calls == [] and report.unchanged == 2

    os.utime(a, ns=(1, 1))  # touched but same bytes: hashed, not parsed
    report, calls = _run([corpus], s)
    assert calls == [] and report.unchanged == 2

    pdf_factory("corpus/b.pdf", ["Star Blizzard now also targets NGOs with new lures."])
    report, calls = _run([corpus], s)
    assert calls == ["b.pdf"] and report.replaced == [str(b.resolve())]
    with Store(s.db_path) as st:
        assert st.counts()["documents"] == 2
        texts = " ".join(r[0] for r in st.db.execute("SELECT text FROM chunks"))
    assert "NGOs" in texts and "academics" not in texts

    b.unlink()
    report, calls = _run([corpus], s, prune=True)
    assert report.pruned == [str(b.resolve())]
    with Store(s.db_path) as st:
        assert st.counts()["documents"] == 1
        assert st.chunk_count() == Searcher.open(s, embedder=FakeEmbedder()).index.ntotal


def test_failed_files_are_recorded_and_not_retried_until_changed(tmp_path: Path, pdf_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf_factory("corpus/good.pdf", TEXT_A)
    bad = corpus / "notes.pdf"
    bad.write_bytes(b"this is not a pdf at all")
    s = _settings(tmp_path)

    report, _ = _run([corpus], s)
    assert [(Path(p).name, r) for p, r, _ in report.failed] == [("notes.pdf", "not_pdf")]
    report, calls = _run([corpus], s)
    assert calls == [] and report.skipped_failed == 1 and not report.failed
    report, calls = _run([corpus], s, retry_failed=True)
    assert calls == ["notes.pdf"] and len(report.failed) == 1
    with Store(s.db_path) as st:
        assert [(Path(r.path).name, r.reason) for r in st.failed_files()] == [("notes.pdf", "not_pdf")]


def test_nothing_indexed_is_lost_when_a_file_turns_bad(tmp_path: Path, pdf_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    a = pdf_factory("corpus/a.pdf", TEXT_A)
    s = _settings(tmp_path)
    _run([corpus], s)
    a.write_bytes(b"%PDF-1.4 truncated garbage")
    report, _ = _run([corpus], s)
    assert len(report.failed) == 1
    with Store(s.db_path) as st:
        assert st.counts()["documents"] == 1  # the last good version stays searchable


def test_same_bytes_under_two_names_are_indexed_once(tmp_path: Path, pdf_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    a = pdf_factory("corpus/a.pdf", TEXT_A)
    (corpus / "copy.pdf").write_bytes(a.read_bytes())
    s = _settings(tmp_path)
    report, calls = _run([corpus], s)
    with Store(s.db_path) as st:
        assert st.counts()["documents"] == 1
    assert len(calls) == 1 and report.unchanged == 1


def test_second_writer_is_refused_at_once(tmp_path: Path):
    s = _settings(tmp_path)
    with writer_lock(s.lock_path):
        with pytest.raises(IndexLockedError):
            _run([tmp_path], s)


def test_index_from_another_model_is_refused(tmp_path: Path, pdf_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf_factory("corpus/a.pdf", TEXT_A)
    s = _settings(tmp_path)
    _run([corpus], s)

    class Other(FakeEmbedder):
        model_id = "someone/else"

    with pytest.raises(IndexMismatchError):
        ingest([corpus], s, embedder=Other(), tagger=lambda d: [])
    with pytest.raises(IndexMismatchError):
        Searcher.open(s, embedder=Other())


def test_catalogue_beside_the_pdfs_sets_title_publisher_and_date(tmp_path: Path, pdf_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf_factory("corpus/a.pdf", TEXT_A)
    (corpus / "MANIFEST.tsv").write_text("file\ttitle\tpublisher\tyear\na.pdf\tA Title\tCISA\t2024\n")
    s = _settings(tmp_path)
    _run([corpus], s)
    with Store(s.db_path) as st:
        doc = st.documents()[0]
    assert (doc["title"], doc["publisher"], doc["published"]) == ("A Title", "CISA", "2024")
