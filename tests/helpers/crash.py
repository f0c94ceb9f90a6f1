"""Kill a real ingest with SIGKILL and check what it left behind; used by tests and bench."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.index import vectors
from pipeline.index.search import Searcher
from pipeline.index.store import Store
from pipeline.settings import Settings
from tests.conftest import FakeEmbedder, make_text_pdf

ROOT = Path(__file__).resolve().parents[2]
TOPICS = (
    "state-sponsored intrusion sets compromise edge routers and VPN appliances",
    "influence operations use generated images and fake personas on social media",
    "spearphishing against think tanks and journalists harvests webmail credentials",
    "wiper malware disrupted energy utilities and port logistics systems",
    "commercial spyware was sold to governments that target dissidents abroad",
    "cloud tenants were abused to stage data exfiltration from ministries",
)


def make_corpus(folder: Path, n_docs: int, pages: int = 3, start: int = 0) -> list[Path]:
    """`n_docs` small distinct text PDFs named doc-NN.pdf."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + n_docs):
        texts = [
            f"Report {i}, section {p + 1}. "
            + " ".join(f"Finding {i}.{p}.{k}: {TOPICS[(i + p + k) % len(TOPICS)]}." for k in range(12))
            for p in range(pages)
        ]
        out.append(make_text_pdf(folder / f"doc-{i:02d}.pdf", texts, {"Title": f"Report {i}"}))
    return out


def ingest_cmd(index_dir: Path, *paths: Path) -> list[str]:
    return [sys.executable, "-m", "tests.helpers.ingest_proc", str(index_dir), *map(str, paths)]


def proc_env(fault: str | None = None, save_interval_s: float = 0.0, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREATBRIEF_")}
    env["THREATBRIEF_VECTOR_SAVE_INTERVAL_S"] = str(save_interval_s)
    env["THREATBRIEF_PARSE_WORKERS"] = "2"
    env["PYTHONPATH"] = str(ROOT)
    if fault:
        env["THREATBRIEF_FAULT"] = fault
    env.update(extra)
    return env


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Its own process group, so the parse workers it leaves behind can be cleaned up."""
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def run(cmd: list[str], env: dict[str, str], timeout_s: float = 300) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=timeout_s)


def kill_after(cmd: list[str], env: dict[str, str], delay_s: float) -> int | None:
    """Start, SIGKILL the whole group after `delay_s`; the exit code if it finished first."""
    proc = start(cmd, env)
    deadline = time.monotonic() + delay_s
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    rc = proc.poll()
    kill_group(proc)
    return rc


def run_to_fault(cmd: list[str], env: dict[str, str], timeout_s: float = 300) -> int:
    """Run until the crash point kills it (returns -9) or it ends; then clean up its group."""
    proc = start(cmd, env)
    try:
        proc.wait(timeout=timeout_s)
    finally:
        kill_group(proc)
    return int(proc.returncode)


@dataclass(frozen=True)
class IndexState:
    documents: frozenset[str]
    chunks: frozenset[tuple[int, str]]  # (chunk_id, text)
    vectors: int


def check_index(index_dir: Path, embedder: object | None = None) -> IndexState | None:
    """The invariants that must hold after a kill at any moment; None if nothing was created."""
    settings = Settings(index_dir=index_dir)
    if not settings.db_path.exists():
        return None
    con = sqlite3.connect(str(settings.db_path))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "chunks" not in tables:
            return None
        chunks = frozenset((int(i), t) for i, t in con.execute("SELECT chunk_id, text FROM chunks"))
        docs = frozenset(r[0] for r in con.execute("SELECT doc_id FROM documents"))
        orphans = con.execute(
            "SELECT COUNT(*) FROM chunks WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        ).fetchone()[0]
        assert orphans == 0, f"{orphans} chunks without their document"
    finally:
        con.close()
    with Store(settings.db_path, readonly=True) as store:
        dim = int(store.get_meta("dimension") or 384)
        vi = vectors.open_for_read(store, settings.vectors_dir, dim, settings.flat_index_max)
        ids = [int(i) for i in vi.ids()]
    assert len(ids) == len(set(ids)), "duplicate vectors"
    assert set(ids) == {cid for cid, _ in chunks}, f"{len(ids)} vectors for {len(chunks)} chunks"
    if chunks:
        searcher = Searcher.open(settings, embedder=embedder or FakeEmbedder())  # type: ignore[arg-type]
        try:
            assert searcher.search("state-sponsored intrusion routers", 3)
        finally:
            searcher.close()
    return IndexState(docs, chunks, len(ids))


def check_committed_generation(index_dir: Path) -> None:
    """After a completed run the generation on disk alone holds exactly the committed chunks."""
    settings = Settings(index_dir=index_dir)
    with Store(settings.db_path, readonly=True) as store:
        gen = vectors.current_generation(store)
        assert gen is not None
        vi = vectors.load_generation(settings.vectors_dir, gen, int(store.get_meta("dimension") or 384))
        assert vi.ntotal == store.chunk_count() == gen.count
    leftovers = [p.name for p in settings.vectors_dir.iterdir() if p.name != gen.file]
    assert not leftovers, f"files left in {settings.vectors_dir}: {leftovers}"
