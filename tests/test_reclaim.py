"""Claims that an older claims model decided: named by `status`, re-extracted from the stored pages.

`repair`, `ingest` and `nightly` bring them up to date without parsing or embedding again;
the rows they write are those a fresh ingest of the same file writes.
"""

from __future__ import annotations

import ast
import json
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

import pipeline.ingest
from pipeline.claims import identity
from pipeline.claims.identity import DECIDING_MODULES, claims_model_id, compute_claims_model_id, deciding_files
from pipeline.errors import PipelineError
from pipeline.index.health import open_index, repair_index
from pipeline.index.reclaim import reextract_claims, stored_document
from pipeline.index.status import index_status
from pipeline.index.store import CLAIM_COLUMNS, Store
from pipeline.ingest import Tagger, ingest
from pipeline.models import Claim, ParsedDocument
from pipeline.nightly import run_nightly
from pipeline.settings import Settings
from tests.conftest import CORPUS, FakeEmbedder
from tests.helpers import crash

SHORT_REPORT = CORPUS / "dev_cisa_aa21-116a_russian-svr-cyber-operations.pdf"  # 10 pages


@dataclass(frozen=True)
class VersionTagger:
    """A claims model named `model_id`: v1 finds one claim a page, v2 also a second one on page 1."""

    model_id: str

    def __call__(self, doc: ParsedDocument) -> list[Claim]:
        out = []
        for page in doc.pages:
            end = min(len(page.text), 60)
            out.append(
                Claim("cyber_espionage", page.text[:end], page.page_no, 0, end, actor="RUS", doc_id=doc.meta.doc_id)
            )
            if self.model_id == "v2" and page.page_no == 1:
                out.append(Claim("influence_operations", page.text[:end], 1, 0, end, doc_id=doc.meta.doc_id))
        return out


def claim_rows(db: Path) -> list[tuple]:
    """Every stored claim row apart from the run that wrote it, in a total order."""
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute(f"SELECT {CLAIM_COLUMNS} FROM claims"))  # noqa: S608
    finally:
        con.close()


def doc_models(db: Path) -> dict[str, str | None]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT doc_id, claims_model FROM documents"))
    finally:
        con.close()


def _settings(index_dir: Path, **kw) -> Settings:
    return Settings(index_dir=index_dir, reports_dir=index_dir.parent / "reports", parse_workers=2, **kw)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    crash.make_corpus(folder, 3, pages=2)
    return folder


def _ingest(index_dir: Path, corpus: Path, tagger) -> pipeline.ingest.IngestReport:
    return ingest([corpus], _settings(index_dir), embedder=FakeEmbedder(), tagger=tagger)


# -- the identity -------------------------------------------------------------------
def test_identity_is_stable_and_changes_with_any_deciding_file(tmp_path: Path):
    assert claims_model_id() == compute_claims_model_id() == compute_claims_model_id(deciding_files())
    assert claims_model_id().startswith("claims-") and len(claims_model_id()) == len("claims-") + 16
    names = {p.name for p in deciding_files()}
    assert {"heads.npz", "heads.json", "actors.toml", "capabilities.toml", "extract.py"} <= names
    copies = []
    for p in deciding_files():
        copies.append(tmp_path / p.name)
        shutil.copyfile(p, copies[-1])
    base = compute_claims_model_id(copies)
    assert compute_claims_model_id(copies) == base
    for target in ("heads.json", "actors.toml", "roles.py"):
        path = tmp_path / target
        saved = path.read_bytes()
        path.write_bytes(saved + b"\n")
        assert compute_claims_model_id(copies) != base, target
        path.write_bytes(saved)


def test_identity_covers_every_module_the_extractor_imports():
    """A rule module extract.py reaches (directly or not) but the digest skips would make stale claims silent."""
    package = Path(identity.__file__).parent
    todo, seen = ["extract"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((package / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline.claims."):
                todo.append(node.module.rsplit(".", 1)[1])
    assert {f"{n}.py" for n in seen} <= set(DECIDING_MODULES)


# -- ingest, status ---------------------------------------------------------------
def test_ingest_records_the_model_and_reextracts_unchanged_stale_documents(tmp_path: Path, corpus: Path):
    index = tmp_path / "index"
    first = _ingest(index, corpus, VersionTagger("v1"))
    db = index / "threatbrief.db"
    assert len(first.new) == 3 and first.reclaimed == 0 and set(doc_models(db).values()) == {"v1"}
    v1_runs = dict(sqlite3.connect(db).execute("SELECT claim_id, run_id FROM claims"))

    no_identity = _ingest(index, corpus, lambda d: [])  # a tagger that names no model changes nothing
    assert no_identity.reclaimed == 0 and set(doc_models(db).values()) == {"v1"}

    second = _ingest(index, corpus, VersionTagger("v2"))
    assert second.unchanged == 3 and not second.new and second.reclaimed == 3
    assert second.summary()["reclaimed"] == 3 and set(doc_models(db).values()) == {"v2"}
    fresh = tmp_path / "fresh"
    _ingest(fresh, corpus, VersionTagger("v2"))
    assert claim_rows(db) == claim_rows(fresh / "threatbrief.db")
    # a claim both models decide keeps the run that first wrote it; only the new decisions are new
    runs = dict(sqlite3.connect(db).execute("SELECT claim_id, run_id FROM claims"))
    assert {runs[c] for c in v1_runs} == set(v1_runs.values())
    assert {r for c, r in runs.items() if c not in v1_runs} == {second.run_id}

    assert _ingest(index, corpus, VersionTagger("v2")).reclaimed == 0


def test_status_names_the_claims_model_and_the_stale_documents(tmp_path: Path, corpus: Path):
    index = tmp_path / "index"
    _ingest(index, corpus, VersionTagger(claims_model_id()))
    info = index_status(_settings(index))
    assert info["claims_model"] == claims_model_id() and info["claims_stale_documents"] == 0
    con = sqlite3.connect(index / "threatbrief.db")
    con.execute("UPDATE documents SET claims_model = 'claims-0000000000000000' WHERE rowid = 1")
    con.execute("UPDATE documents SET claims_model = NULL WHERE rowid = 2")
    con.commit()
    con.close()
    assert index_status(_settings(index))["claims_stale_documents"] == 2


def test_nightly_reextracts_stale_claims_and_says_how_many(tmp_path: Path, corpus: Path):
    settings = _settings(tmp_path / "index")
    day = date(2025, 3, 1)
    run = run_nightly(settings, corpora=[corpus], embedder=FakeEmbedder(), tagger=VersionTagger("v1"), today=day)
    assert run.counts()["reclaimed"] == 0 and "re-extracted" not in run.summary_line()
    again = run_nightly(settings, corpora=[corpus], embedder=FakeEmbedder(), tagger=VersionTagger("v2"), today=day)
    assert again.counts()["reclaimed"] == 3 and again.to_json()["reclaimed"] == 3
    assert "claims of 3 re-extracted" in again.summary_line()
    assert again.counts()["claims"] == 3  # the one new decision per document, not every claim again
    assert again.digest_path and "| Documents with claims re-extracted (new claims model) | 3 |" in (
        again.digest_path.read_text()
    )


# -- repair: the real extractor on a real report ----------------------------------------
@pytest.mark.model
@pytest.mark.corpus
@pytest.mark.skipif(not SHORT_REPORT.is_file(), reason="needs ../shared/corpus")
def test_repair_reextracts_stale_claims_equal_to_a_fresh_ingest(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SHORT_REPORT.name).symlink_to(SHORT_REPORT)
    fresh = tmp_path / "fresh"
    report = ingest([folder], _settings(fresh), embedder=FakeEmbedder())  # the real Tagger
    assert len(report.new) == 1 and report.claims > 0
    db = fresh / "threatbrief.db"
    assert set(doc_models(db).values()) == {claims_model_id()}
    want = claim_rows(db)
    with Store(db, readonly=True) as store:
        doc = stored_document(store, next(iter(doc_models(db))))
    assert any(b.kind != "body" for p in doc.pages for b in p.blocks)  # blocks must come back too

    stale = tmp_path / "stale"
    shutil.copytree(fresh, stale)
    con = sqlite3.connect(stale / "threatbrief.db")  # as an older model would have left it
    con.execute("UPDATE documents SET claims_model = 'claims-0000000000000000'")
    con.execute("DELETE FROM claims WHERE rowid IN (SELECT rowid FROM claims ORDER BY claim_id LIMIT 3)")
    con.execute("UPDATE claims SET capability = 'censorship', chunk_id = NULL")
    con.execute(
        "INSERT INTO claims(claim_id, doc_id, page_no, char_start, char_end, sentence, capability, ai_enabled,"
        " stance) SELECT 'old-only', doc_id, 1, 0, 1, 'x', 'propaganda', 0, 'fact' FROM documents"
    )
    con.commit()
    con.close()
    assert index_status(_settings(stale))["claims_stale_documents"] == 1

    fixed = repair_index(_settings(stale))
    assert fixed.ok and fixed.to_json()["reclaimed"] == 1
    assert fixed.claims and fixed.claims["claims_after"] == len(want)
    assert any("re-extracted" in line for line in fixed.rebuilt)
    assert claim_rows(stale / "threatbrief.db") == want
    assert index_status(_settings(stale))["claims_stale_documents"] == 0
    assert repair_index(_settings(stale)).to_json()["reclaimed"] == 0  # nothing stale: nothing done


# -- crash safety, old indexes --------------------------------------------------------
RECLAIM_PROC = """
import sys
from pathlib import Path
from pipeline.index.reclaim import reextract_claims
from pipeline.index.store import Store
from tests.test_reclaim import VersionTagger
with Store(Path(sys.argv[1])) as store:
    reextract_claims(store, VersionTagger("v2"), "v2", store.start_run("repair"))
"""


def test_a_killed_reextraction_leaves_each_document_old_or_new_and_resumes(tmp_path: Path, corpus: Path):
    index = tmp_path / "index"
    _ingest(index, corpus, VersionTagger("v1"))
    db = index / "threatbrief.db"
    v1 = claim_rows(db)
    env = crash.proc_env("claims.after_doc", THREATBRIEF_FAULT_SKIP="1")  # killed after the 2nd commit
    rc = crash.run_to_fault([sys.executable, "-c", RECLAIM_PROC, str(db)], env)
    assert rc == -9, "the crash point was never reached"

    crash.check_index(index)
    with open_index(_settings(index)) as store:  # opens, current schema, readable
        assert store.integrity_ok()
    models = doc_models(db)
    assert sorted(models.values(), key=str) == ["v1", "v2", "v2"]
    rows = claim_rows(db)
    by_doc: dict[str, set[str]] = {}
    for row in rows:
        by_doc.setdefault(row[1], set()).add(row[10])
    for doc_id, model in models.items():  # no document half re-extracted
        assert by_doc[doc_id] == ({"cyber_espionage", "influence_operations"} if model == "v2" else {"cyber_espionage"})
    assert len(rows) == len(v1) + 2

    resumed = _ingest(index, corpus, VersionTagger("v2"))
    assert resumed.reclaimed == 1 and set(doc_models(db).values()) == {"v2"}
    fresh = tmp_path / "fresh"
    _ingest(fresh, corpus, VersionTagger("v2"))
    assert claim_rows(db) == claim_rows(fresh / "threatbrief.db")


def test_an_index_from_before_the_claims_model_column_upgrades_and_is_reextracted(
    tmp_path: Path, corpus: Path, monkeypatch
):
    index = tmp_path / "index"
    _ingest(index, corpus, VersionTagger("v1"))
    db = index / "threatbrief.db"
    con = sqlite3.connect(db)  # as an index written before m005 would be
    con.execute("ALTER TABLE documents DROP COLUMN claims_model")
    con.execute("DELETE FROM migrations WHERE name = 'm005_claims_model'")
    con.commit()
    con.close()
    with pytest.raises(PipelineError, match="older schema .without m005_claims_model"):
        open_index(_settings(index), wait_s=0)

    monkeypatch.setattr(pipeline.ingest, "Tagger", lambda: VersionTagger("v2"))
    fixed = repair_index(_settings(index))
    assert fixed.ok and fixed.to_json()["reclaimed"] == 3  # claims of unknown origin count as stale
    assert set(doc_models(db).values()) == {"v2"}
    with open_index(_settings(index)) as store:
        assert store.stale_claims_documents("v2") == []


def test_reextract_only_touches_the_documents_asked_for(tmp_path: Path, corpus: Path):
    index = tmp_path / "index"
    _ingest(index, corpus, VersionTagger("v1"))
    db = index / "threatbrief.db"
    with Store(db) as store:
        first = store.stale_claims_documents("v2")[0]
        done = reextract_claims(store, VersionTagger("v2"), "v2", None, [first, "not-a-document"])
    assert done.documents == [first] and done.claims_after == done.claims_before + 1
    assert sorted(v for v in doc_models(db).values()) == ["v1", "v1", "v2"]


def test_the_real_tagger_names_the_installed_model():
    assert Tagger().model_id == claims_model_id()


def test_a_warmed_tagger_tags_as_a_cold_one():
    from pipeline.models import DocumentMeta, Page

    text = "Russian GRU hackers compromised the networks of Ukrainian energy firms in 2022."
    doc = ParsedDocument(DocumentMeta("d" * 64, "/x.pdf", "x.pdf", 1, 1), [Page(1, text)])
    warm = Tagger()
    warm.warm()
    warm.warm()  # a second call starts nothing new
    got = warm(doc)
    assert got == Tagger()(doc)
    assert {(c.actor, c.capability) for c in got} == {("RUS", "cyber_espionage")}


def test_cli_status_and_repair_report_stale_claims(tmp_path: Path, corpus: Path, monkeypatch):
    from typer.testing import CliRunner

    from pipeline.cli import app

    index = tmp_path / "index"
    _ingest(index, corpus, VersionTagger("v1"))
    runner = CliRunner()
    text = runner.invoke(app, ["status", "--index", str(index)]).stdout
    assert f"claims model  {claims_model_id()}; claims of 3 documents decided by another model" in text
    assert f"run `threatbrief repair {index}`" in text

    monkeypatch.setattr(pipeline.ingest, "Tagger", lambda: VersionTagger(claims_model_id()))
    quiet = runner.invoke(app, ["repair", str(index), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    info = json.loads(runner.invoke(app, ["status", "--index", str(index), "--json"]).stdout)
    assert info["claims_model"] == claims_model_id() and info["claims_stale_documents"] == 0
    text = runner.invoke(app, ["status", "--index", str(index)]).stdout
    assert f"claims model  {claims_model_id()}\n" in text

    con = sqlite3.connect(index / "threatbrief.db")
    con.execute("UPDATE documents SET claims_model = NULL WHERE rowid = 1")
    con.commit()
    con.close()
    done = runner.invoke(app, ["repair", str(index), "--json"])
    report = json.loads(done.stdout)
    assert done.exit_code == 0 and report["reclaimed"] == 1 and report["claims"]["documents"] == 1


def test_commands_that_answer_from_claims_warn_while_claims_are_stale(tmp_path: Path, corpus: Path, monkeypatch):
    from typer.testing import CliRunner

    from pipeline.cli import app

    index = tmp_path / "index"
    _ingest(index, corpus, VersionTagger("v1"))
    runner = CliRunner()
    for args in (["claims", "--json"], ["export", "stix"]):
        result = runner.invoke(app, [*args, "--index", str(index)])
        assert result.exit_code == 0, result.output
        assert "claims of 3 documents were decided by another claims model" in result.stderr
        assert f"threatbrief repair {index}" in result.stderr
        json.loads(result.stdout)  # stdout stays machine-readable
        quiet = runner.invoke(app, [*args, "--index", str(index), "--quiet"])
        assert quiet.exit_code == 0 and "claims model" not in quiet.stderr

    monkeypatch.setattr(pipeline.ingest, "Tagger", lambda: VersionTagger(claims_model_id()))
    assert runner.invoke(app, ["repair", str(index), "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["claims", "--json", "--index", str(index)])
    assert result.exit_code == 0 and "claims model" not in result.stderr
