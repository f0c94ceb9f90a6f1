"""`threatbrief nightly`: ingest the corpora, prune, and a digest of what changed since last time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import PipelineError, UsageError
from pipeline.index.store import Store
from pipeline.ingest import writer_lock
from pipeline.models import Claim
from pipeline.nightly import run_nightly
from pipeline.settings import Settings, load_settings
from tests.conftest import BADPDFS, ROOT, FakeEmbedder

DAY = date(2025, 3, 1)
TEXTS = {
    "volt.pdf": ["Volt Typhoon actors pre-position in US water and energy networks for disruption."],
    "blizzard.pdf": ["Star Blizzard sends spearphishing emails to academics and think tanks."],
}


def tag_by_name(doc) -> list[Claim]:
    """One claim per document, actor from its text, quoting its first page."""
    text = doc.pages[0].text
    actor = "CHN" if "Volt" in text else "RUS"
    return [
        Claim(capability="cyber_espionage", sentence=text, page_no=1, char_start=0, char_end=len(text), actor=actor)
    ]


def _setup(tmp_path: Path, pdf_factory) -> tuple[Path, Settings]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, pages in TEXTS.items():
        pdf_factory(f"corpus/{name}", pages, {"Title": name.removesuffix(".pdf").title() + " report"})
    (corpus / "broken.pdf").write_bytes(b"<html>404 not found</html>")
    settings = Settings(index_dir=tmp_path / "index", reports_dir=tmp_path / "reports", parse_workers=2)
    return corpus, settings


def _nightly(settings: Settings, **kw):
    return run_nightly(settings, embedder=FakeEmbedder(), tagger=tag_by_name, today=DAY, **kw)


def test_digest_lists_what_changed_since_the_last_nightly_run(tmp_path: Path, pdf_factory):
    corpus, settings = _setup(tmp_path, pdf_factory)

    first = _nightly(settings, corpora=[corpus])
    assert first.exit_code == 3 and first.digest_path == settings.reports_dir / "digest-2025-03-01.md"
    text = first.digest_path.read_text()
    assert "## New and replaced documents (2)" in text
    assert "| new | Volt report | volt\\.pdf | 1 |" in text
    assert "### Volt report (volt\\.pdf): 1 claim" in text and "- **CHN × cyber\\_espionage** (1)" in text
    assert "- **RUS × cyber\\_espionage** (1)" in text
    assert "Volt Typhoon actors pre\\-position" in text and "\u201d (p. 1)" in text
    assert "## Quarantined files (1)" in text and "broken\\.pdf | not\\_pdf |" in text
    with Store(settings.db_path) as store:
        run = store.last_run("nightly")
        assert run and run["status"] == "partial" and run["run_id"] == first.report.run_id

    quiet = _nightly(settings, corpora=[corpus])  # nothing changed: no digest, still quarantined
    assert quiet.digest_path is None and quiet.exit_code == 3
    second = _nightly(settings, corpora=[corpus], always_digest=True)
    assert second.digest_path.name == "digest-2025-03-01-2.md" and second.since_run_id == quiet.report.run_id
    text = second.digest_path.read_text()
    assert "## New and replaced documents (0)" in text and "## New claims (0)" in text
    assert "## Quarantined files (1)" in text and second.exit_code == 3

    pdf_factory(
        "corpus/blizzard.pdf", ["Star Blizzard now targets NGOs with new lures in 2025."], {"Title": "Blizzard update"}
    )
    (corpus / "volt.pdf").unlink()
    (corpus / "broken.pdf").unlink()
    third = _nightly(settings, corpora=[corpus])
    text = third.digest_path.read_text()
    assert "| replaced | Blizzard update | blizzard\\.pdf | 1 |" in text
    assert "## Removed documents (1)" in text and "| Volt report | " in text
    assert "## New claims (1)" in text and "now targets NGOs" in text
    assert "## Quarantined files (0)" in text and third.exit_code == 0
    with Store(settings.db_path) as store:
        assert store.counts()["documents"] == 1 and store.failed_files() == []


def test_corpora_come_from_the_config_file(tmp_path: Path, pdf_factory):
    corpus, _ = _setup(tmp_path, pdf_factory)
    (corpus / "broken.pdf").unlink()
    config = tmp_path / "threatbrief.toml"
    config.write_text(
        f'[threatbrief]\ncorpora = ["{corpus}"]\nindex_dir = "{tmp_path / "idx"}"\nreports_dir = "{tmp_path / "rep"}"\n'
    )
    settings = load_settings(config)
    assert settings.corpora == (corpus,)
    result = _nightly(settings)
    assert result.exit_code == 0 and len(result.report.new) == 2
    assert result.digest_path.parent == tmp_path / "rep"


def test_missing_corpus_changes_nothing(tmp_path: Path, pdf_factory):
    corpus, settings = _setup(tmp_path, pdf_factory)
    _nightly(settings, corpora=[corpus])
    moved = tmp_path / "unmounted"
    shutil.move(corpus, moved)
    with pytest.raises(PipelineError, match="is missing"):
        _nightly(settings, corpora=[corpus])
    with Store(settings.db_path) as store:
        assert store.counts()["documents"] == 2  # not pruned
    with pytest.raises(UsageError, match="--corpus"):
        _nightly(Settings(index_dir=tmp_path / "other"))


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREATBRIEF_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "tests.helpers.fake_cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_exit_codes(tmp_path: Path, pdf_factory):
    corpus, settings = _setup(tmp_path, pdf_factory)
    args = [
        "nightly",
        "--corpus",
        str(corpus),
        "--index",
        str(settings.index_dir),
        "--reports",
        str(settings.reports_dir),
    ]
    out = _cli(*args)
    assert out.returncode == 3, out.stderr
    digest = Path(out.stdout.strip())
    assert digest.is_file() and "Quarantined files (1)" in digest.read_text()
    assert "1 quarantined" in out.stderr

    (corpus / "broken.pdf").unlink()
    out = _cli(*args, "--quiet")
    assert out.returncode == 0 and out.stdout == "" and out.stderr == "", out.stderr

    with writer_lock(settings.lock_path):
        out = _cli(*args)
    assert out.returncode == 75 and "another ingest" in out.stderr

    out = _cli("nightly", "--corpus", str(tmp_path / "nope"), "--index", str(settings.index_dir))
    assert out.returncode == 1 and out.stderr.startswith("Error:")
    out = _cli("nightly", "--corpus", str(corpus), "--index", str(settings.index_dir), "--bogus")
    assert out.returncode == 2 and "No such option" in out.stderr  # a broken command line is not a good night

    out = _cli("nightly", "--help")
    assert out.returncode == 0 and "--retry-failed" in out.stdout and "--corpus" in out.stdout


@pytest.mark.skipif(not BADPDFS.is_dir(), reason="needs ../shared/badpdfs")
def test_retry_failed_parses_quarantined_files_again(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("pdfminer__aes-128.pdf", "sample-files__smile.png.pdf"):
        shutil.copy(BADPDFS / name, corpus / name)
    settings = Settings(index_dir=tmp_path / "index", reports_dir=tmp_path / "reports")
    first = _nightly(settings, corpora=[corpus])
    assert {r for _, r, _ in first.quarantined} == {"encrypted", "not_pdf"}
    again = _nightly(settings, corpora=[corpus])
    assert again.report.skipped_failed == 2 and not again.report.failed
    forced = _nightly(settings, corpora=[corpus], retry_failed=True)
    assert len(forced.report.failed) == 2 and forced.exit_code == 3
