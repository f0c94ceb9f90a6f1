"""--ray: the per-document stages on a Ray cluster, the driver the one writer.

The cluster tests share one simulated two-node cluster (ray.cluster_utils.Cluster, two
raylets on this machine, one CPU each); the test that removes a node runs last.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import pipeline.distributed
from pipeline.distributed.runner import PoolStats
from pipeline.index.search import Searcher
from pipeline.index.store import Store
from pipeline.ingest import ingest
from pipeline.settings import Settings, load_settings
from tests.conftest import CORPUS, ROOT, FakeEmbedder

VOLATILE = {"run_id", "added_at", "updated_at", "seq", "vector"}
SHORT_REPORTS = (  # 6 pages each: the shortest reports of the corpus
    "dev_crowdstrike_2014_deep-in-thought-think-tanks.pdf",
    "dev_netresec_2014_chinese-mitm-on-google.pdf",
)
TEXTS = [
    ["APT29 sends spearphishing emails to diplomats.", "The lure carries a loader."],
    ["Volt Typhoon lives off the land in US critical infrastructure."],
    ["Sandworm deploys wiper malware against Ukrainian energy companies."],
    ["Star Blizzard targets academics and think tanks with credential phishing."],
    ["APT41 exploits web applications of state governments."],
    ["Lazarus steals cryptocurrency to fund weapons programmes."],
]


# -- without a cluster ---------------------------------------------------------
def test_plain_ingest_and_cli_do_not_import_ray(tmp_path: Path, pdf_factory):
    pdf = pdf_factory("a.pdf", TEXTS[0])
    script = (
        "import sys\n"
        "import tests.helpers.fake_cli as f\n"
        f"sys.argv = ['threatbrief', 'ingest', {str(pdf)!r}, '--index', {str(tmp_path / 'index')!r}, '--quiet']\n"
        "try:\n"
        "    f.main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "assert 'pipeline.ingest' in sys.modules and 'pipeline.distributed' not in sys.modules\n"
        "print('ray' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
    with Store(tmp_path / "index" / "threatbrief.db") as st:
        assert st.counts()["documents"] == 1


def test_ray_settings_from_toml_and_cli(tmp_path: Path, monkeypatch, pdf_factory):
    toml = tmp_path / "threatbrief.toml"
    toml.write_text('[threatbrief]\nindex_dir = "idx"\n\n[ray]\naddress = "auto"\nworkers = 4\ngpus_per_worker = 0.5\n')
    s = load_settings(toml)
    assert (s.ray_address, s.ray_workers, s.ray_gpus_per_worker) == ("auto", 4, 0.5)
    assert load_settings().ray_address == ""

    from typer.testing import CliRunner

    import pipeline.ingest as ingest_module
    from pipeline.cli import app

    seen: list[str] = []
    monkeypatch.setattr(ingest_module, "ingest", lambda paths, settings, **kw: seen.append(settings.ray_address))
    monkeypatch.setattr("pipeline.render.render_ingest_summary", lambda report: None)
    (tmp_path / "elsewhere").mkdir()
    pdf = pdf_factory("x.pdf", TEXTS[0])
    for folder, args in (
        ("elsewhere", ["--ray"]),
        ("elsewhere", ["--ray-address", "10.0.0.5:6379"]),
        ("elsewhere", []),
        (".", ["--ray"]),  # threatbrief.toml here names the cluster
    ):
        monkeypatch.chdir(tmp_path / folder)
        CliRunner().invoke(app, ["ingest", str(pdf), "--index", str(tmp_path / "i"), "--quiet", *args])
    assert seen == ["local", "10.0.0.5:6379", "", "auto"]


def test_pool_size_follows_cluster_resources():
    from pipeline.distributed.cluster import worker_count
    from pipeline.errors import UsageError

    assert worker_count(Settings(), {"CPU": 8.0}) == 8
    assert worker_count(Settings(ray_workers=3), {"CPU": 8.0}) == 3
    assert worker_count(Settings(ray_gpus_per_worker=0.25), {"CPU": 16.0, "GPU": 1.0}) == 4  # 4 share the GPU
    with pytest.raises(UsageError, match="no GPU"):
        worker_count(Settings(ray_gpus_per_worker=0.5), {"CPU": 8.0})
    with pytest.raises(UsageError, match="no worker could start"):  # instead of waiting forever
        worker_count(Settings(ray_cpus_per_worker=4), {"CPU": 2.0})


# -- on a simulated two-node cluster -------------------------------------------
@pytest.fixture(scope="module")
def cluster():
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    node_args = {"num_cpus": 1, "object_store_memory": 100 * 2**20}
    head_args = {
        **node_args,
        "include_dashboard": False,
        # a lost node is declared dead in ~3 s instead of ~15 s
        "_system_config": {"health_check_period_ms": 1000, "health_check_failure_threshold": 3},
    }
    for attempt in (1, 2):
        c = Cluster(initialize_head=False)
        try:  # Ray gives a raylet 30 s to register: not always enough on a busy 2-core machine
            c.add_node(**head_args)
            worker = c.add_node(**node_args)
            c.wait_for_nodes()
            break
        except Exception as exc:  # noqa: BLE001 - Ray raises a bare Exception here
            c.shutdown()
            if attempt == 2:
                pytest.skip(f"Ray could not start a two-node cluster on this machine: {exc}")
    ray.init(address=c.address, log_to_driver=False, include_dashboard=False)
    yield c, worker
    ray.shutdown()
    c.shutdown()


def _rows(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    out = {}
    for table in ("documents", "pages", "chunks", "claims"):
        rows = [dict(r) for r in con.execute(f"SELECT * FROM {table}")]  # noqa: S608 - fixed names
        out[table] = sorted((tuple(sorted((k, v) for k, v in r.items() if k not in VOLATILE)) for r in rows), key=repr)
    out["vectors"] = sorted((r[0], r[1]) for r in con.execute("SELECT chunk_id, vector FROM chunks"))
    con.close()
    return out


def _captured_stats(monkeypatch) -> PoolStats:
    stats = PoolStats()
    from pipeline.distributed.runner import ray_results

    monkeypatch.setattr(pipeline.distributed, "ray_results", lambda *a, **kw: ray_results(*a, **kw, stats=stats))
    return stats


@pytest.mark.model
@pytest.mark.corpus
def test_ray_index_equals_plain_index(cluster, tmp_path: Path, monkeypatch):
    files = [CORPUS / name for name in SHORT_REPORTS]
    if not all(f.is_file() for f in files):
        pytest.skip("../shared/corpus is not here")
    plain = Settings(index_dir=tmp_path / "plain")
    on_ray = Settings(index_dir=tmp_path / "ray", ray_address="local")
    stats = _captured_stats(monkeypatch)
    r_ray = ingest(files, on_ray)
    r_plain = ingest(files, plain)
    assert not r_plain.failed and not r_ray.failed
    assert (r_ray.pages, r_ray.chunks, r_ray.claims) == (r_plain.pages, r_plain.chunks, r_plain.claims)
    assert stats.workers == 2 and len(stats.nodes) == 2  # one worker on each node
    a, b = _rows(plain.db_path), _rows(on_ray.db_path)
    for table in ("documents", "pages", "chunks", "claims"):
        assert a[table] == b[table], table
    assert [cid for cid, _ in a["vectors"]] == [cid for cid, _ in b["vectors"]]
    va = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in a["vectors"]])
    vb = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in b["vectors"]])
    cos = (va * vb).sum(1) / (np.linalg.norm(va, axis=1) * np.linalg.norm(vb, axis=1))
    assert cos.min() >= 0.9999
    with Store(on_ray.db_path) as st:
        assert Searcher.open(on_ray).index.ntotal == st.chunk_count() == r_plain.chunks


def _flaky_tagger(marker: Path):
    """Raises on 'bad' documents every time, on 'flaky' ones the first time only."""

    def tag(doc):
        if "bad" in doc.meta.file_name:
            raise RuntimeError("tagger exploded")
        if "flaky" in doc.meta.file_name and not marker.exists():
            marker.write_text("failed once")
            raise RuntimeError("transient")
        return []

    return tag


def test_worker_error_retried_once_then_quarantined(cluster, tmp_path: Path, pdf_factory, monkeypatch):
    (tmp_path / "corpus").mkdir()
    names = ["a.pdf", "flaky.pdf", "bad.pdf", "b.pdf", "c.pdf", "d.pdf"]
    for name, text in zip(names, TEXTS, strict=True):
        pdf_factory(f"corpus/{name}", text)
    s = Settings(index_dir=tmp_path / "index", ray_address="local", ray_max_in_flight=2)
    stats = _captured_stats(monkeypatch)
    report = ingest([tmp_path / "corpus"], s, embedder=FakeEmbedder(), tagger=_flaky_tagger(tmp_path / "marker"))
    assert sorted(Path(p).name for p in report.new) == ["a.pdf", "b.pdf", "c.pdf", "d.pdf", "flaky.pdf"]
    assert [(Path(p).name, r) for p, r, _ in report.failed] == [("bad.pdf", "worker_error")]
    assert "tagger exploded" in report.failed[0][2]
    assert stats.retried == 2  # flaky once, bad once
    assert 1 <= stats.peak_in_flight <= 2  # backpressure: never more than ray_max_in_flight sent
    with Store(s.db_path) as st:
        assert [(r.reason) for r in st.failed_files()] == ["worker_error"]
        assert st.counts()["documents"] == 5
    again = ingest([tmp_path / "corpus"], s, embedder=FakeEmbedder(), tagger=lambda d: [])
    assert again.unchanged == 5 and again.skipped_failed == 1 and not again.new


def test_worker_node_removed_mid_ingest(cluster, tmp_path: Path, pdf_factory, monkeypatch):
    """Run last: the cluster loses its second node while documents are on it."""
    c, worker_node = cluster
    (tmp_path / "corpus").mkdir()
    for i, text in enumerate(TEXTS):
        pdf_factory(f"corpus/r{i}.pdf", text)
    s = Settings(index_dir=tmp_path / "index", ray_address="local")
    stats = _captured_stats(monkeypatch)

    def slow_tag(doc):
        time.sleep(0.5)  # keep both workers busy when the node goes
        return []

    def remove_node_once(name: str, done: int, total: int) -> None:
        if done == 2:
            c.remove_node(worker_node, allow_graceful=False)

    report = ingest([tmp_path / "corpus"], s, embedder=FakeEmbedder(), tagger=slow_tag, progress=remove_node_once)
    assert len(report.new) == len(TEXTS) and not report.failed
    assert stats.replaced_workers >= 1  # the worker on the lost node was noticed and replaced
    if len(stats.nodes) == 2:  # it had started (on a busy machine it may still be loading): its documents
        assert stats.retried >= 1  # were sent again
    with Store(s.db_path) as st:
        ids = [r[0] for r in st.db.execute("SELECT chunk_id FROM chunks")]
        assert len(ids) == len(set(ids)) == Searcher.open(s, embedder=FakeEmbedder()).index.ntotal
        assert st.counts()["documents"] == len(TEXTS)
    again = ingest([tmp_path / "corpus"], s, embedder=FakeEmbedder(), tagger=slow_tag)
    assert again.unchanged == len(TEXTS) and not again.new
