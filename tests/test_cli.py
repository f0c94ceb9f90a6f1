import json

import pytest

from pipeline.cli import app
from tests.conftest import run_cli


def _commands() -> list[str]:
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_every_command_has_help():
    names = _commands()
    assert {"ingest", "search", "status"} <= set(names)
    for name in names:
        proc = run_cli(name, "--help")
        assert proc.returncode == 0, (name, proc.stderr)
        assert "--help" in proc.stdout


def test_help_does_not_import_the_heavy_stack():
    import subprocess
    import sys

    code = (
        "import sys; from pipeline.cli import app; "
        "print(','.join(m for m in ('torch','spacy','faiss','pdfplumber','sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_search_without_an_index_is_a_clear_error(tmp_path):
    proc = run_cli("search", "anything", "--index", str(tmp_path / "none"))
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error:") and "ingest" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_filter_values_are_usage_errors(tmp_path):
    proc = run_cli("search", "x", "--index", str(tmp_path), "--since", "last week")
    assert proc.returncode == 2 and "YYYY" in proc.stderr


@pytest.mark.model
def test_end_to_end_with_the_real_model(sample_index):
    proc = run_cli(
        "search",
        "hackers hiding in critical infrastructure networks",
        "--index",
        str(sample_index),
        "-k",
        "3",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert 1 <= len(hits) <= 3
    keys = {"rank", "score", "chunk_id", "doc_id", "doc", "path", "title", "page_start", "page_end", "text"}
    assert all(keys <= set(h) for h in hits)
    assert hits[0]["doc"].startswith("sample_infrastructure")
    assert proc.stderr == ""  # quiet when piped

    proc = run_cli(
        "search",
        "-",
        "--json",
        "--index",
        str(sample_index),
        "-k",
        "2",
        input="facial recognition exports\n\nstate media propaganda\n",
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["facial recognition exports", "state media propaganda"]
    assert all(len(line["hits"]) == 2 for line in lines)

    status = json.loads(run_cli("status", "--index", str(sample_index), "--json").stdout)
    assert status["documents"] == 3 and status["chunks"] > 0 and status["failed_files"] == 0
    assert status["model"] == "sentence-transformers/all-MiniLM-L6-v2"

    again = run_cli("ingest", "corpora", "--index", str(sample_index), "--json")
    assert again.returncode == 0
    assert json.loads(again.stdout)["unchanged"] == 3


def test_bad_settings_are_one_line_errors(tmp_path):
    proc = run_cli("ingest", str(tmp_path), "--index", str(tmp_path / "i"), "--parser", "foo")
    assert proc.returncode == 2 and proc.stderr.startswith("Error: unknown parser")
    proc = run_cli("status", "--index", str(tmp_path), env={"THREATBRIEF_MAX_PAGES": "many"})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
