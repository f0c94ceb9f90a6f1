"""The CLI's contract (issue 14): every wrong input answered, every damaged index named, nothing silent.

Each test is one case from the issue's list, with its exit code and its message. Most run the
real click command in-process over a small index built with the fake embedder; the few that
depend on how the process meets the terminal (wrapping, plain usage errors) run a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
import typer.testing
from typer.testing import CliRunner

import pipeline.embed.model
import pipeline.index.search
from pipeline.cli import app, cli
from pipeline.errors import EXIT_ERROR, EXIT_LOCKED, EXIT_QUARANTINED, EXIT_USAGE
from pipeline.index.store import Store
from pipeline.ingest import ingest, writer_lock
from pipeline.models import Claim
from pipeline.nightly import CLAIMS_SHOWN, run_nightly
from pipeline.settings import Settings
from tests.conftest import ROOT, FakeEmbedder, make_text_pdf

PAGES = {
    "apt.pdf": (
        "Grey Bear report",
        [
            "Russian intelligence services ran a spearphishing campaign against ministries. "
            "The GRU stole diplomatic cables from embassies. Fancy Bear collected email from "
            "think tanks. Russian operators harvested credentials from parliaments. "
            "The Kremlin's hackers exfiltrated defence files."
        ],
    ),
    "volt.pdf": (
        "Typhoon advisory",
        ["Chinese state hackers pre-positioned in water utilities. They used living off the land techniques."],
    ),
}


def tagger(doc) -> list[Claim]:
    """One claim per sentence: RUS cyber_espionage in apt.pdf, CHN cyber_attack in volt.pdf."""
    out = []
    for page in doc.pages:
        actor, cap = ("CHN", "cyber_attack") if "Chinese" in page.text else ("RUS", "cyber_espionage")
        for m in re.finditer(r"[^.]+\.", page.text):
            start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            out.append(Claim(cap, page.text[start : m.end()], page.page_no, start, m.end(), actor=actor))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, (title, pages) in PAGES.items():
        make_text_pdf(folder / name, pages, {"Title": title})
    (folder / "MANIFEST.tsv").write_text(
        "file\ttitle\tpublisher\tdate\napt.pdf\tGrey Bear report\tNorthgate Centre\t2023-05-01\n"
        "volt.pdf\tTyphoon advisory\tHarbour Institute\t2024-02\n"
    )
    return folder


@pytest.fixture(scope="module")
def index(corpus: Path, tmp_path_factory) -> Path:
    settings = Settings(index_dir=tmp_path_factory.mktemp("idx") / "index", parse_workers=2)
    report = ingest([corpus], settings, embedder=FakeEmbedder(), tagger=tagger)
    assert len(report.new) == 2 and not report.failed
    return settings.index_dir


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    """The CLI embeds queries with the fake embedder and accepts its model id."""
    monkeypatch.setitem(pipeline.embed.model.EMBEDDERS, "minilm-numpy", lambda **kw: FakeEmbedder())
    monkeypatch.setattr(pipeline.index.search, "MODEL_ID", FakeEmbedder.model_id)
    for name in ("THREATBRIEF_INDEX", "THREATBRIEF_INDEX_DIR", "THREATBRIEF_REPORTS_DIR"):
        monkeypatch.delenv(name, raising=False)


def tb(*args: str, env: dict[str, str | None] | None = None, cwd: Path | None = None):
    """Run the CLI in-process; result has exit_code, stdout, stderr."""
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        # the command tree main() runs (help cleaned of Python types), not typer's default build
        with mock.patch.object(typer.testing, "_get_command", lambda _: cli()):
            return runner.invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(old)


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, result.stdout
    return lines[-1]


# -- 1. one settings path ---------------------------------------------------------
def test_threatbrief_index_is_read_and_the_old_name_warns(index: Path, tmp_path: Path):
    r = tb("status", "--json", env={"THREATBRIEF_INDEX": str(index)}, cwd=tmp_path)
    assert r.exit_code == 0 and json.loads(r.stdout)["index"] == str(index)
    old = tb("status", "--json", env={"THREATBRIEF_INDEX_DIR": str(index)}, cwd=tmp_path)
    assert old.exit_code == 0 and json.loads(old.stdout)["documents"] == 2
    assert "THREATBRIEF_INDEX_DIR is deprecated" in old.stderr
    flag = tb("status", "--json", "--index", str(index), env={"THREATBRIEF_INDEX": str(tmp_path / "x")})
    assert flag.exit_code == 0 and json.loads(flag.stdout)["documents"] == 2  # --index wins


def test_without_an_index_read_commands_say_so_and_create_nothing(tmp_path: Path):
    for args in (["status"], ["search", "x"], ["claims"], ["documents"]):
        r = tb(*args, cwd=tmp_path)
        assert r.exit_code == EXIT_ERROR, args
        assert error_line(r) == "Error: no index at index (run `threatbrief ingest`)"
    assert list(tmp_path.iterdir()) == []


# -- 2. exit codes ------------------------------------------------------------------
def test_exit_codes_are_distinct_and_documented(index: Path, tmp_path: Path, corpus: Path):
    assert tb("claims", "--bogus").exit_code == EXIT_USAGE
    broken = tmp_path / "in"
    broken.mkdir()
    (broken / "broken.pdf").write_bytes(b"<html>404</html>")
    r = tb("ingest", str(broken), "--index", str(tmp_path / "i"))
    assert r.exit_code == EXIT_QUARANTINED and "quarantined 1" in r.stderr
    with writer_lock(index / "ingest.lock"):
        assert tb("ingest", str(corpus), "--index", str(index)).exit_code == EXIT_LOCKED
    top = tb("--help").stdout
    assert "2 usage error" in top and "3 finished, but some files are quarantined" in top and "130" in top
    readme = (ROOT / "README.md").read_text()
    assert "SuccessExitStatus=3 75" in readme and "| 3 |" in readme


# -- 3. a damaged index is named -------------------------------------------------
@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_damaged_index_is_named_never_rebuilt(index: Path, tmp_path: Path, damage: str):
    import shutil

    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    db = copy / "threatbrief.db"
    if damage == "truncated":
        os.truncate(db, db.stat().st_size // 2)
    elif damage == "garbage":
        db.write_bytes(os.urandom(40_000))
    else:
        db.write_bytes(b"")
    size = db.stat().st_size
    for args in (["status"], ["search", "x"], ["claims"], ["documents"]):
        r = tb(*args, "--index", str(copy))
        assert r.exit_code == EXIT_ERROR, (args, r.stderr)
        line = error_line(r)
        assert line.startswith(f"Error: index at {copy} is damaged (") and "threatbrief repair" in line
        assert "Traceback" not in r.stderr
    assert db.stat().st_size == size  # a read-only command changed nothing
    if damage != "empty":  # ingest never builds a new index over a damaged file
        r = tb("ingest", str(tmp_path), "--index", str(copy), "--prune")
        assert r.exit_code == EXIT_ERROR and "is damaged" in error_line(r) and db.stat().st_size == size
        fixed = tb("repair", str(copy))
        assert fixed.exit_code == EXIT_ERROR and "cannot rebuild" in fixed.stderr and ".damaged" in fixed.stderr


def test_a_reader_waits_out_a_checkpoint_that_is_growing_the_file(index: Path, tmp_path: Path):
    # a running ingest's checkpoint writes page 1 (the new page count) before the pages that grow
    # the file; a reader that meets that moment waits while the writer lock is held
    import shutil
    import threading

    from pipeline.errors import IndexDamagedError
    from pipeline.index.health import open_index
    from pipeline.settings import Settings

    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    db = copy / "threatbrief.db"
    whole = db.read_bytes()
    settings = Settings(index_dir=copy)
    with writer_lock(settings.lock_path):
        os.truncate(db, len(whole) // 2)
        grow = threading.Timer(0.3, lambda: db.write_bytes(whole))
        grow.start()
        try:
            store = open_index(settings, wait_s=20)
            store.close()
        finally:
            grow.join()
    # with no writer, the same short file is damage at once
    os.truncate(db, len(whole) // 2)
    with pytest.raises(IndexDamagedError, match="is truncated"):
        open_index(settings, wait_s=20)


def test_repair_rebuilds_faiss_and_fts_from_sqlite(index: Path, tmp_path: Path):
    import shutil

    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    for f in (copy / "vectors").iterdir():
        f.unlink()
    before = json.loads(tb("status", "--index", str(copy), "--json").stdout)
    assert before["vector_index"]["file_present"] is False
    r = tb("repair", str(copy), "--json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0 and report["ok"] and any("vector index" in x for x in report["rebuilt"])
    after = json.loads(tb("status", "--index", str(copy), "--json").stdout)
    assert after["vector_index"]["file_present"] and after["vector_index"]["vectors"] == after["chunks"]
    assert after["integrity"] == "ok"


# -- 4. --index pointing at a file -------------------------------------------------
def test_index_that_is_a_file_is_a_usage_error(tmp_path: Path, corpus: Path):
    f = tmp_path / "afile"
    f.write_text("x")
    for args in (["ingest", str(corpus)], ["nightly", "--corpus", str(corpus)], ["status"]):
        r = tb(*args, "--index", str(f))
        assert r.exit_code == EXIT_USAGE, (args, r.stderr)
        assert (
            error_line(r)
            == f"Error: index {f} is a file, not a folder (--index names the folder that holds threatbrief.db)"
        )


# -- 5. wrong values are errors, not empty answers ----------------------------------
def test_actor_names_resolve_through_the_taxonomy(index: Path):
    by_code = json.loads(tb("claims", "--index", str(index), "--actor", "RUS", "--json").stdout)
    assert by_code["claims"]
    for name in ("Russia", "Fancy Bear", "Kremlin", "russian", "GRU"):
        r = tb("claims", "--index", str(index), "--actor", name, "--json")
        assert r.exit_code == 0 and json.loads(r.stdout) == by_code, name
    r = tb("search", "stolen cables", "--index", str(index), "--actor", "Kremlin", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)
    r = tb("claims", "--index", str(index), "--capability", "espionage", "--json")
    assert r.exit_code == 0 and {c["capability"] for c in json.loads(r.stdout)["claims"]} == {"cyber_espionage"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actor", "Rusia"], "Error: unknown actor 'Rusia'; did you mean Russia (RUS)"),
        (["--actor", "Narnia"], "Error: unknown actor 'Narnia'"),
        (["--capability", "cyber"], "did you mean cyber_espionage, cyber_attack?"),
        (["--doc", "no-such-report"], "Error: --doc 'no-such-report' matches no indexed document"),
        (["--publisher", "Northgate Center"], "did you mean 'Northgate Centre'?"),
        (["--since", "2024-13-45"], "Error: --since 2024-13-45: not a calendar date"),
        (["--until", "2023-02-30"], "Error: --until 2023-02-30: not a calendar date"),
        (["--since", "last week"], "is not YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--since", "2023", "--until", "2016"], "Error: --since 2023 is after --until 2016"),
    ],
)
def test_wrong_filter_values_are_usage_errors(index: Path, args: list[str], message: str):
    for command in (["claims"], ["search", "cables"], ["documents"]):
        if command == ["documents"] and args[0] in ("--actor", "--capability"):
            continue
        r = tb(*command, "--index", str(index), *args)
        assert r.exit_code == EXIT_USAGE, (command, args, r.stderr)
        assert message in error_line(r), error_line(r)
        assert r.stdout == ""


def test_filter_values_that_match_work(index: Path):
    for args in (["--doc", "apt.pdf"], ["--doc", "grey bear"], ["--publisher", "northgate"], ["--since", "2023-05"]):
        r = tb("claims", "--index", str(index), *args, "--json")
        assert r.exit_code == 0 and json.loads(r.stdout)["claims"], args
    doc_id = json.loads(tb("documents", "--index", str(index), "--json").stdout)[0]["doc_id"]
    r = tb("documents", "--index", str(index), "--doc", doc_id[:10], "--json")
    assert [d["doc_id"] for d in json.loads(r.stdout)] == [doc_id]


@pytest.mark.parametrize("value", ["0", "-1"])
def test_limits_below_one_are_usage_errors(index: Path, value: str):
    for command in (["search", "x"], ["claims"], ["documents"]):
        r = tb(*command, "--index", str(index), "-k", value)
        assert r.exit_code == EXIT_USAGE and "greater than or equal to 1" in r.stderr, (command, r.stderr)
    r = tb("claims", "--index", str(index), "--limit", "-1")
    assert r.exit_code == EXIT_USAGE


def test_limit_means_the_same_everywhere(index: Path):
    assert len(json.loads(tb("claims", "--index", str(index), "-k", "2", "--json").stdout)["claims"]) == 2
    assert len(json.loads(tb("claims", "--index", str(index), "--limit", "2", "--json").stdout)["claims"]) == 2
    assert len(json.loads(tb("search", "hackers", "--index", str(index), "-k", "1", "--json").stdout)) == 1
    assert len(json.loads(tb("documents", "--index", str(index), "--limit", "1", "--json").stdout)) == 1


def test_ingest_paths_are_checked_before_the_index_is_touched(tmp_path: Path):
    target = tmp_path / "index"
    r = tb("ingest", str(tmp_path / "nope"), "--index", str(target))
    assert r.exit_code == EXIT_USAGE
    assert error_line(r) == f"Error: no such file or folder: {tmp_path / 'nope'}; nothing was ingested"
    assert not target.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a pdf")
    r = tb("ingest", str(empty), "--index", str(target))
    assert r.exit_code == 0 and f"Warning: no PDF files in {empty}" in r.stderr
    assert "nothing to ingest; the index was not touched" in r.stderr and not target.exists()
    assert tb("ingest", str(empty), "--index", str(target), "--quiet").stderr == ""


# -- 6. file names never reach rich as markup ----------------------------------------
HOSTILE = ["[link=https://example.org]r.pdf", "[bold]x.pdf", "[/]", "a[/b]"]


def test_hostile_file_names_are_printed_as_written(tmp_path: Path):
    from rich.console import Console

    from pipeline.render import ingest_progress

    term = Console(file=open(os.devnull, "w"), force_terminal=True, record=True, width=200)  # noqa: SIM115
    for name in HOSTILE:
        with ingest_progress(True, term) as update:  # its last frame is drawn on leaving
            assert update is not None
            update(name, 1, 1)
    shown = term.export_text(styles=True, clear=False)
    assert "\x1b]8;" not in shown  # no OSC 8 hyperlink
    plain = term.export_text()
    assert all(name in plain for name in HOSTILE), plain

    link = "[link=https:example.org]"  # a file name cannot hold "/", a rich link target can do without
    folder = tmp_path / "[/]" / link
    folder.mkdir(parents=True)
    (folder / f"{link}r.pdf").write_bytes(b"not a pdf")
    (folder / "[bold]x.pdf").write_bytes(b"%PDF-1.4 broken")
    r = tb("ingest", str(tmp_path / "[/]"), "--index", str(tmp_path / "index"))
    assert r.exit_code == EXIT_QUARANTINED, r.stderr
    assert f"{folder}/{link}r.pdf" in r.stderr and f"{folder}/[bold]x.pdf" in r.stderr
    assert "\x1b" not in r.stderr
    status = tb("status", "--index", str(tmp_path / "index"))
    assert f"[/]/{link}/[bold]x.pdf" in status.stdout


# -- 7. taxonomy and nightly --------------------------------------------------------------
def test_taxonomy_shows_the_state_of_each_group():
    r = tb("taxonomy")
    row = next(line for line in r.stdout.splitlines() if "APT28" in line and "Fancy Bear" in line)
    assert "RUS" in row


def _nightly(settings: Settings, corpus: Path, **kw):
    return run_nightly(settings, corpora=[corpus], embedder=FakeEmbedder(), tagger=tagger, today=date(2025, 3, 1), **kw)


def test_nightly_summary_and_digest_agree_and_quiet_nights_write_nothing(tmp_path: Path, corpus: Path):
    settings = Settings(index_dir=tmp_path / "index", reports_dir=tmp_path / "reports", parse_workers=2)
    ingest([corpus / "volt.pdf"], settings, embedder=FakeEmbedder(), tagger=tagger)  # a manual run first
    first = _nightly(settings, corpus, index_arg=str(settings.index_dir))
    assert first.digest_path is not None
    digest = first.digest_path.read_text()
    counts = first.counts()
    assert counts["new"] == 2  # the manual run's document counts too: since the last nightly run
    assert f"{counts['new']} new, {counts['replaced']} replaced" in first.summary_line()
    assert f"| New documents | {counts['new']} |" in digest and f"| New claims | {counts['claims']} |" in digest

    # claims grouped per document, beyond CLAIMS_SHOWN collapsed behind a command with --index
    assert "### Grey Bear report (apt\\.pdf): 5 claims" in digest
    more = re.search(r"… (\d+) more: `(threatbrief claims [^`]+)`", digest)
    assert more and int(more.group(1)) == 5 - CLAIMS_SHOWN and f"--index {settings.index_dir}" in more.group(2)
    argv = more.group(2).split()[1:]
    shown = json.loads(tb(*argv, "--json").stdout)["claims"]
    assert len(shown) == 5 and {c["actor"] for c in shown} == {"RUS"}

    quiet = _nightly(settings, corpus)
    assert quiet.digest_path is None and "nothing changed, no digest written" in quiet.summary_line()
    assert len(list(settings.reports_dir.iterdir())) == 1
    forced = _nightly(settings, corpus, always_digest=True)
    assert forced.digest_path is not None and forced.digest_path.name == "digest-2025-03-01-2.md"


def test_nightly_cli_json_and_exit_code(tmp_path: Path, corpus: Path, monkeypatch):
    import pipeline.ingest

    monkeypatch.setattr(pipeline.ingest, "get_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr(pipeline.ingest, "MODEL_ID", FakeEmbedder.model_id)
    monkeypatch.setattr(pipeline.ingest, "Tagger", lambda: tagger)
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "apt.pdf").write_bytes((corpus / "apt.pdf").read_bytes())
    (folder / "broken.pdf").write_bytes(b"garbage")
    args = ["nightly", "--corpus", str(folder), "--index", str(tmp_path / "i"), "--reports", str(tmp_path / "r")]
    r = tb(*args, "--json")
    out = json.loads(r.stdout)
    assert r.exit_code == EXIT_QUARANTINED and out["exit_code"] == EXIT_QUARANTINED
    assert out["new"] == 1 and out["quarantined"] == 1 and Path(out["digest"]).is_file()
    again = tb(*args)
    assert again.exit_code == EXIT_QUARANTINED and again.stdout == ""
    assert "nothing changed, no digest written" in again.stderr and "1 quarantined" in again.stderr


# -- 8. help, version, documents, status, JSON, wrapping ---------------------------------
def test_help_has_no_python_types_and_common_options_are_everywhere():
    command = cli()
    leaves = []
    for name, sub in command.commands.items():
        children = getattr(sub, "commands", None)
        leaves += [((name, child), c) for child, c in children.items()] if children else [((name,), sub)]
    for path, sub in leaves:
        name = path[-1]
        text = tb(*path, "--help").stdout
        assert not re.search(r"<(list|bool|str|int|path|float)", text, re.I), (name, text)
        opts = {o for p in sub.params for o in getattr(p, "opts", [])}
        if name in ("search", "claims", "documents"):
            assert {"-k", "--limit"} <= opts, name
        if name in ("nightly", "documents", "taxonomy", "status", "search", "claims", "ingest", "repair"):
            assert "--json" in opts, name
        if name not in ("tag", "taxonomy", "brief"):
            assert "--quiet" in opts, name
    r = tb("--version")
    assert r.exit_code == 0 and re.fullmatch(r"threatbrief \d+\.\d+\.\d+\n", r.stdout)


def test_documents_lists_what_doc_accepts(index: Path):
    docs = json.loads(tb("documents", "--index", str(index), "--json").stdout)
    keys = {
        "doc_id",
        "file",
        "title",
        "publisher",
        "published",
        "pages",
        "chunks",
        "claims",
        "ocr_share",
        "last_ingest",
    }
    assert [d["file"] for d in docs] == ["apt.pdf", "volt.pdf"] and all(keys <= set(d) for d in docs)
    assert docs[0]["claims"] == 5 and docs[0]["publisher"] == "Northgate Centre" and docs[0]["chunks"] >= 1
    text = tb("documents", "--index", str(index)).stdout
    assert docs[0]["doc_id"][:12] in text and "Grey Bear report" in text


def test_status_in_human_units_and_json_fields(index: Path):
    info = json.loads(tb("status", "--index", str(index), "--json").stdout)
    assert isinstance(info["vector_index"], dict) and info["vector_index"]["kind"] == "flat"
    assert isinstance(info["size_bytes"], int) and info["integrity"] == "ok"
    text = tb("status", "--index", str(index)).stdout
    assert re.search(r"size on disk\s+[\d.,]+ (KiB|MiB)", text) and "bytes_" not in text


def test_json_ids_beyond_2_53_are_strings(index: Path):
    hits = json.loads(tb("search", "hackers", "--index", str(index), "--json").stdout)
    with Store(index / "threatbrief.db", readonly=True) as store:
        ids = [int(r[0]) for r in store.db.execute("SELECT chunk_id FROM chunks")]
    for h in hits:
        assert isinstance(h["chunk_id"], str if abs(int(h["chunk_id"])) > 2**53 - 1 else int)
    assert any(abs(i) > 2**53 for i in ids)


def test_stderr_is_not_wrapped_and_usage_errors_are_plain_when_piped(tmp_path: Path):
    deep = tmp_path / ("very-long-folder-name-" * 6) / "index"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    run = [sys.executable, "-m", "pipeline"]
    r = subprocess.run([*run, "status", "--index", str(deep)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == EXIT_ERROR
    assert r.stderr == f"Error: no index at {deep} (run `threatbrief ingest`)\n"
    r = subprocess.run([*run, "search", "x", "-k", "0"], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == EXIT_USAGE and "╭" not in r.stderr
    assert "Error: Invalid value for '-k' / '--limit'" in r.stderr


def test_an_older_schema_is_named_and_repair_upgrades_it(index: Path, tmp_path: Path):
    import shutil
    import sqlite3

    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    con = sqlite3.connect(copy / "threatbrief.db")  # as an index from before m002 would be
    con.execute("DROP TABLE chunks_vocab")
    con.execute("DELETE FROM migrations WHERE name = 'm002_fts_vocabulary'")
    con.commit()
    con.close()
    r = tb("search", "x", "--index", str(copy))
    assert r.exit_code == EXIT_ERROR
    assert error_line(r) == (
        f"Error: index at {copy} has an older schema (without m002_fts_vocabulary); "
        f"run `threatbrief repair {copy}` to upgrade it"
    )
    assert tb("repair", str(copy), "--quiet").exit_code == 0
    assert tb("search", "hackers", "--index", str(copy), "--json").exit_code == 0


def test_ctrl_c_exits_130(index: Path):
    import select
    import signal

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.fake_cli", "search", "-", "--index", str(index)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # a shell that starts jobs in the background ignores SIGINT for them; the child must not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        # interrupt only once the command is at work: it has answered one query from stdin
        # and waits for the next (a fixed sleep raced the imports on a loaded machine)
        proc.stdin.write("hackers\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 300)
        assert ready, "search - answered nothing within 300 s"
        first = proc.stdout.readline()
        assert first.strip(), proc.stderr.read() if proc.poll() is not None else "no answer"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    # the interrupted command left the index usable
    assert tb("search", "hackers", "--index", str(index), "--json").exit_code == 0


def test_nightly_refuses_to_prune_an_emptied_corpus_folder(tmp_path: Path, corpus: Path):
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "apt.pdf").write_bytes((corpus / "apt.pdf").read_bytes())
    settings = Settings(index_dir=tmp_path / "index", reports_dir=tmp_path / "reports", parse_workers=2)
    _nightly(settings, folder)
    (folder / "apt.pdf").unlink()  # the share is not mounted: its mount point is an empty folder
    with pytest.raises(Exception, match="holds no PDF files but 1 indexed documents came from it"):
        _nightly(settings, folder)
    with Store(settings.db_path) as store:
        assert store.counts()["documents"] == 1


def test_documents_reports_the_ocr_share_when_pages_have_a_source(index: Path, tmp_path: Path):
    import shutil
    import sqlite3

    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    con = sqlite3.connect(copy / "threatbrief.db")
    if "source" not in {r[1] for r in con.execute("PRAGMA table_info(pages)")}:  # m004 (OCR) adds it
        con.execute("ALTER TABLE pages ADD COLUMN source TEXT")
    con.execute(
        "UPDATE pages SET source = CASE WHEN doc_id = (SELECT MIN(doc_id) FROM pages) THEN 'ocr' ELSE 'text' END"
    )
    con.commit()
    con.close()
    docs = json.loads(tb("documents", "--index", str(copy), "--json").stdout)
    assert sorted(d["ocr_share"] for d in docs) == [0.0, 1.0]
