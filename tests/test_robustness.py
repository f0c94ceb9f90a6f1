"""Hostile PDFs, crashes at any moment, one writer with many readers, hostile text and queries."""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from pipeline.errors import QUARANTINE_REASONS
from pipeline.index.search import Searcher
from pipeline.index.store import Store
from pipeline.ingest import ingest
from pipeline.nightly import run_nightly
from pipeline.parse.isolate import parse_isolated
from pipeline.settings import Settings
from pipeline.testhooks import POINTS
from tests.conftest import BADPDFS, ROOT, FakeEmbedder
from tests.helpers import crash

PY = sys.executable


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- isolation and quarantine ---------------------------------------------------
@pytest.mark.skipif(not BADPDFS.is_dir(), reason="needs ../shared/badpdfs")
def test_every_hostile_pdf_is_indexed_or_quarantined_with_a_reason(tmp_path: Path):
    inputs = sorted(p.resolve() for p in BADPDFS.glob("*.pdf"))
    settings = Settings(
        index_dir=tmp_path / "index",
        reports_dir=tmp_path / "reports",
        parse_workers=2,
        parse_timeout_s=60,
        parse_memory_mb=1024,
    )
    before = _rss_mb()
    result = run_nightly(settings, corpora=[BADPDFS], embedder=FakeEmbedder(), tagger=lambda d: [])
    growth = _rss_mb() - before
    with Store(settings.db_path) as store:
        files = {r.path: r for r in store.file_records()}
        assert store.integrity_ok()
    assert set(files) == {str(p) for p in inputs}  # indexed + quarantined == input
    failed = [r for r in files.values() if r.status == "failed"]
    indexed = [r for r in files.values() if r.status == "indexed"]
    assert len(failed) + len(indexed) == len(inputs) and indexed and failed
    assert {r.reason for r in failed} <= set(QUARANTINE_REASONS)
    assert all(r.detail for r in failed)
    assert {p for p, _, _ in result.quarantined} == {r.path for r in failed}
    assert result.exit_code == 3
    assert growth < 300, f"the parent grew by {growth:.0f} MB"
    digest = result.digest_path.read_text(encoding="utf-8")
    assert f"## Quarantined files ({len(failed)})" in digest
    by_name = {Path(r.path).name: r.reason for r in failed}
    assert by_name.get("pdfminer__aes-128.pdf") == "encrypted"
    assert by_name.get("sample-files__smile.png.pdf") == "not_pdf"
    assert by_name.get("sample-files__grayscale-image.pdf") == "no_text"

    # quarantined files are not retried until they change, unless asked
    calls: list[str] = []

    def counting(path: Path, s: Settings):
        calls.append(path.name)
        return parse_isolated(path, s)

    report = ingest([BADPDFS], settings, embedder=FakeEmbedder(), tagger=lambda d: [], parse=counting)
    assert calls == [] and report.skipped_failed == len(failed)


def test_parent_never_imports_the_pdf_stack(tmp_path: Path, pdf_factory):
    pdf = pdf_factory("a.pdf", ["Volt Typhoon actors compromise small office routers in the US."])
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from pipeline.ingest import ingest\nfrom pipeline.settings import Settings\n"
        "from tests.conftest import FakeEmbedder\n"
        f"r = ingest([Path({str(pdf)!r})], Settings(index_dir=Path({str(tmp_path / 'i')!r})),"
        " embedder=FakeEmbedder(), tagger=lambda d: [])\n"
        "assert len(r.new) == 1, r.summary()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('pdfminer', 'pdfplumber', 'pypdfium2')))\n"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def _pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _zero_page_pdf(path: Path) -> Path:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    path.write_bytes(_pdf_bytes(objects))
    return path


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("not_pdf", "not_pdf"),
        ("size", "too_large"),
        ("pages", "too_many_pages"),
        ("page_size", "too_large"),
        ("zero_pages", "zero_pages"),
        ("scan", "no_text"),
        ("slow", "timeout"),
    ],
)
def test_prechecks_and_limits_quarantine_with_their_reason(tmp_path: Path, case: str, reason: str):
    from tests.helpers.pdfgen import Rect, TextItem, write_pdf

    text = [TextItem(72, 720, "Sandworm deployed wiper malware against Ukrainian utilities.")]
    path = tmp_path / f"{case}.pdf"
    settings = Settings(index_dir=tmp_path / "index", parse_timeout_s=60)
    if case == "not_pdf":
        path.write_bytes(b"<!doctype html><title>404</title>")
    elif case == "size":
        path.write_bytes(b"%PDF-1.4\n" + b"0" * (1 << 20) + b"\n%%EOF\n")
        settings = Settings(index_dir=tmp_path / "index", max_file_mb=1)
    elif case == "pages":
        write_pdf(path, [text, text, text])
        settings = Settings(index_dir=tmp_path / "index", max_pages=2)
    elif case == "page_size":
        write_pdf(path, [text], page_size=(50_000, 50_000))
    elif case == "zero_pages":
        _zero_page_pdf(path)
    elif case == "scan":
        write_pdf(path, [[Rect(72, 72, 400, 600, fill=True)]])  # a page with no text layer
    elif case == "slow":
        write_pdf(path, [text])
        settings = Settings(index_dir=tmp_path / "index", parse_timeout_s=0.05)
    outcome = parse_isolated(path, settings)
    assert outcome.doc is None and outcome.reason == reason, outcome
    assert outcome.detail


def _flate_bomb(path: Path, levels: int = 4, inflated_mb: int = 1024) -> Path:
    """A page whose content stream inflates through `levels` FlateDecode filters to 1 GiB."""
    block = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(block) + comp.flush(zlib.Z_SYNC_FLUSH)
    steady = comp.compress(block) + comp.flush(zlib.Z_SYNC_FLUSH)  # same bytes for every block now
    adler = 1
    for _ in range(inflated_mb):
        adler = zlib.adler32(block, adler)
    data = b"\x78\xda" + first + steady * (inflated_mb - 1) + comp.flush() + adler.to_bytes(4, "big")
    for _ in range(levels - 1):
        data = zlib.compress(data, 9)
    filters = b" ".join([b"/FlateDecode"] * levels)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [%s] >>\nstream\n%s\nendstream" % (len(data), filters, data),
    ]
    path.write_bytes(_pdf_bytes(objects))
    return path


def test_flate_bomb_is_quarantined_under_the_memory_cap(tmp_path: Path):
    bomb = _flate_bomb(tmp_path / "bomb.pdf")
    assert bomb.stat().st_size < 10_000
    settings = Settings(index_dir=tmp_path / "index", parse_memory_mb=400, parse_timeout_s=60)
    t0 = time.monotonic()
    outcome = parse_isolated(bomb, settings)
    assert outcome.doc is None and outcome.reason in ("memory_cap", "timeout"), outcome
    assert time.monotonic() - t0 < 60


# -- crash safety -----------------------------------------------------------------
@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory):
    """Corpus A + B, the index of an uninterrupted run over both, and one of A alone."""
    base = tmp_path_factory.mktemp("kill")
    corpus = base / "corpus"
    crash.make_corpus(corpus / "a", 3)
    crash.make_corpus(corpus / "b", 3, start=3)
    t0 = time.monotonic()
    done = crash.run(crash.ingest_cmd(base / "full", corpus), crash.proc_env())
    seconds = time.monotonic() - t0
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    full = crash.check_index(base / "full")
    assert full is not None and len(full.documents) == 6
    half = crash.run(crash.ingest_cmd(base / "a_only", corpus / "a"), crash.proc_env())
    assert half.returncode == 0, half.stderr.decode()[-2000:]
    return base, corpus, full, seconds


def _finish_and_compare(index: Path, corpus: Path, full: crash.IndexState) -> None:
    done = crash.run(crash.ingest_cmd(index, corpus), crash.proc_env())
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert crash.check_index(index) == full  # nothing lost, nothing duplicated
    crash.check_committed_generation(index)


@pytest.mark.parametrize("fault", POINTS)
def test_sigkill_at_each_crash_point_loses_nothing(kill_setup, tmp_path: Path, fault: str):
    base, corpus, full, _ = kill_setup
    index = tmp_path / "index"
    shutil.copytree(base / "a_only", index)  # a committed generation exists: faults hit mid-run
    rc = crash.run_to_fault(crash.ingest_cmd(index, corpus), crash.proc_env(fault))
    assert rc == -9, f"{fault} was never reached"
    state = crash.check_index(index)
    assert state is not None and state.documents < full.documents
    _finish_and_compare(index, corpus, full)


def test_sigkill_at_random_moments_loses_nothing(kill_setup, tmp_path: Path):
    base, corpus, full, seconds = kill_setup
    rng = random.Random(20240601)
    for i in range(3):
        index = tmp_path / f"index{i}"
        delay = rng.uniform(0.5, max(1.0, seconds))
        crash.kill_after(crash.ingest_cmd(index, corpus), crash.proc_env(), delay)
        crash.check_index(index)
        _finish_and_compare(index, corpus, full)


@pytest.mark.model
def test_sigkill_of_the_real_cli_ingest_loses_nothing(kill_setup, tmp_path: Path):
    base, corpus, full, _ = kill_setup
    index = tmp_path / "index"
    cmd = [PY, "-m", "pipeline", "ingest", str(corpus), "--index", str(index), "--quiet"]
    rc = crash.run_to_fault(cmd, crash.proc_env("ingest.after_doc"), timeout_s=400)
    assert rc == -9
    with Store(index / "threatbrief.db", readonly=True) as store:
        assert store.integrity_ok() and 0 < store.counts()["documents"] < len(full.documents)
    done = crash.run(cmd, crash.proc_env(), timeout_s=400)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    with Store(index / "threatbrief.db", readonly=True) as store:
        chunks = {(int(i), t) for i, t in store.db.execute("SELECT chunk_id, text FROM chunks")}
    assert chunks == set(full.chunks)  # chunk ids and text do not depend on the embedder
    crash.check_committed_generation(index)
    out = crash.run(
        [PY, "-m", "pipeline", "search", "edge routers", "--index", str(index), "--json"],
        crash.proc_env(),
        timeout_s=400,
    )
    assert out.returncode == 0 and json.loads(out.stdout), out.stderr.decode()[-2000:]


# -- one writer, many readers -------------------------------------------------------
def test_second_writer_exits_75_and_readers_never_fail(tmp_path: Path):
    corpus = tmp_path / "corpus"
    crash.make_corpus(corpus, 8)
    index, stop = tmp_path / "index", tmp_path / "stop"
    env = crash.proc_env()
    writer = crash.start(crash.ingest_cmd(index, corpus), env)
    reader = crash.start([PY, "-m", "tests.helpers.search_proc", str(index), str(stop)], env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and writer.poll() is None:
            if (index / "threatbrief.db").exists():
                con = sqlite3.connect(str(index / "threatbrief.db"), timeout=30)
                try:
                    running = con.execute("SELECT COUNT(*) FROM runs WHERE status = 'running'").fetchone()[0]
                except sqlite3.OperationalError:
                    running = 0
                finally:
                    con.close()
                if running:
                    break
            time.sleep(0.05)
        assert writer.poll() is None, "the first ingest ended before the second could start"
        t0 = time.monotonic()
        second = crash.run([PY, "-m", "pipeline", "ingest", str(corpus), "--index", str(index)], env)
        assert second.returncode == 75, second.stderr.decode()[-2000:]
        assert b"another ingest" in second.stderr and time.monotonic() - t0 < 30
        assert writer.wait(timeout=300) == 0, writer.stderr.read().decode()[-2000:] if writer.stderr else ""
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=120)
        crash.kill_group(writer)
    tally = json.loads(out.decode().strip().splitlines()[-1])
    assert tally["errors"] == [] and tally["inconsistent"] == []
    assert tally["rounds"] > 0 and tally["hits"] > 0
    assert crash.check_index(index) is not None


# -- hostile text ---------------------------------------------------------------------
HOSTILE = (
    "Chinese state hackers [click me](http://evil.example/a) ![pixel](http://evil.example/p.png) "
    "<script>alert(1)</script> <img src=x onerror=alert(1)> \x1b[31mRED\x1b[0m "
    "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \u202eevil reversed\u202c zero\u200bwidth\u200d "
    "# Heading *bold* `code` | pipe |"
)
LONG_LINE = "Russian operators used AI tools. " + "x" * (1 << 20)


def _fake_parse(path: Path, settings: Settings):
    """Raw hostile pages, as if a parser let everything through."""
    from pipeline.models import DocumentMeta, Page, ParsedDocument
    from pipeline.parse.isolate import ParseOutcome

    meta = DocumentMeta(doc_id="", path=str(path), file_name=path.name, size_bytes=1, page_count=2, title=HOSTILE[:120])
    return ParseOutcome(path, ParsedDocument(meta, [Page(1, HOSTILE), Page(2, LONG_LINE)]))


def _hostile_tagger(doc):
    from pipeline.models import Claim

    return [
        Claim(
            capability="cyber_espionage", sentence=HOSTILE, page_no=1, char_start=0, char_end=len(HOSTILE), actor="CHN"
        ),
        Claim(
            capability="influence_operations",
            sentence=LONG_LINE,
            page_no=2,
            char_start=0,
            char_end=len(LONG_LINE),
            actor="RUS",
        ),
    ]


def _assert_inert(data: bytes) -> None:
    assert b"\x1b" not in data
    for ch in ("\u202e", "\u202c", "\u200b", "\u200d"):
        assert ch.encode() not in data


@pytest.mark.parametrize("route", ["pdf", "raw"])
def test_hostile_text_never_reaches_the_terminal_or_the_digest(tmp_path: Path, route: str):
    from tests.helpers.pdfgen import TextItem, write_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf = corpus / "hostile.pdf"
    write_pdf(
        pdf,
        [[TextItem(72, 720, HOSTILE, 8)], [TextItem(72, 720, "Filler text " * 8, 8)]],
        metadata={"Title": "[t](http://x) \u202e\x1b[2J " + "y" * (1 << 20)},
    )
    settings = Settings(index_dir=tmp_path / "index", reports_dir=tmp_path / "reports")
    result = run_nightly(
        settings,
        corpora=[corpus],
        embedder=FakeEmbedder(),
        tagger=_hostile_tagger,
        parse=_fake_parse if route == "raw" else None,
    )
    assert result.report.new, result.report.summary()
    digest = result.digest_path.read_bytes()
    _assert_inert(digest)
    text = digest.decode()
    # every Markdown/HTML opener that came from the PDF is escaped (preceded by a backslash)
    for raw in (r"(?<!\\)<", r"(?<!\\)\]\(", r"(?<!\\)!\[", r"(?<!\\)\[click"):
        assert not re.search(raw, text), raw
    assert max(len(line) for line in text.splitlines()) < 5000  # the 1 MB line is cut

    env = {k: v for k, v in crash.proc_env().items() if k not in ("FORCE_COLOR", "TERM")}
    base = [
        PY,
        "-m",
        "tests.helpers.fake_cli",
        "search",
        "state hackers click evil",
        "--index",
        str(settings.index_dir),
    ]
    shown = crash.run(base, env, timeout_s=120)
    assert shown.returncode == 0 and b"hackers" in shown.stdout, shown.stderr.decode()[-2000:]
    _assert_inert(shown.stdout)
    _assert_inert(shown.stderr)
    as_json = crash.run([*base, "--json"], env, timeout_s=120)
    assert as_json.returncode == 0 and as_json.stdout.isascii()
    assert json.loads(as_json.stdout)


HOSTILE_QUERIES = [
    '"unbalanced',
    "NEAR(a b",
    "col:x",
    "*",
    "AND OR NOT",
    "'); DROP TABLE chunks;--",
    "text:evil",
    "a NEAR/3 b",
    "^start",
    "\x00",
    "(((",
    '""',
    "-",
    "chunks_fts MATCH 'x'",
]


def test_hostile_query_syntax_is_inert(tmp_path: Path, pdf_factory):
    pdf = pdf_factory("a.pdf", ["Star Blizzard sends spearphishing emails to academics and NGOs."])
    settings = Settings(index_dir=tmp_path / "index")
    ingest([pdf], settings, embedder=FakeEmbedder(), tagger=lambda d: [])
    searcher = Searcher.open(settings, embedder=FakeEmbedder())
    try:
        for q in HOSTILE_QUERIES:
            assert isinstance(searcher.search(q, 5), list)
            assert isinstance(searcher.store.fts_search(q, 5), list)
        assert searcher.store.chunk_count() > 0  # nothing was dropped
        assert searcher.search("spearphishing academics", 5)
    finally:
        searcher.close()


# -- no unsafe deserialisation or dynamic code ------------------------------------------
UNSAFE = [
    (re.compile(r"^\s*(import|from)\s+(pickle|cPickle|dill|marshal|shelve)\b", re.M), "pickle-like import"),
    (re.compile(r"\b(pickle|marshal|shelve|dill)\.\w+\("), "pickle-like call"),
    (re.compile(r"(?<![\w.])eval\("), "eval("),
    (re.compile(r"(?<![\w.])exec\("), "exec("),
    (re.compile(r"yaml\.load\((?![^)]*SafeLoader)"), "yaml.load without SafeLoader"),
    (re.compile(r"torch\.load\((?![^)]*weights_only\s*=\s*True)"), "torch.load without weights_only"),
]


def test_no_pickle_eval_exec_or_unsafe_yaml():
    me = Path(__file__).resolve()
    found = []
    for folder in ("pipeline", "bench", "eval", "tests", "corpora"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.resolve() == me or ".peer-venv" in path.parts or "results" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for pattern, what in UNSAFE:
                for m in pattern.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


# -- readers and the generation files ---------------------------------------------------
def test_reader_survives_the_writer_replacing_the_generation_mid_load(tmp_path: Path, pdf_factory, monkeypatch):
    from pipeline.index import vectors

    pdf = pdf_factory("a.pdf", ["Volt Typhoon actors compromise small office routers."])
    settings = Settings(index_dir=tmp_path / "index")
    ingest([pdf], settings, embedder=FakeEmbedder(), tagger=lambda d: [])
    real_read = Path.read_bytes

    def read_then_writer_unlinks(self: Path) -> bytes:
        data = real_read(self)
        if self.suffix == ".faiss":
            self.unlink()  # the writer committed the next generation and removed this one
        return data

    monkeypatch.setattr(Path, "read_bytes", read_then_writer_unlinks)
    with Store(settings.db_path, readonly=True) as store:
        vi = vectors.open_for_read(store, settings.vectors_dir, 384, settings.flat_index_max)
        assert vi.ntotal == store.chunk_count() > 0


def test_a_tampered_generation_is_never_loaded(tmp_path: Path, pdf_factory):
    from pipeline.errors import IndexCorruptError
    from pipeline.index import vectors

    pdf = pdf_factory("a.pdf", ["Volt Typhoon actors compromise small office routers."])
    settings = Settings(index_dir=tmp_path / "index")
    ingest([pdf], settings, embedder=FakeEmbedder(), tagger=lambda d: [])
    with Store(settings.db_path, readonly=True) as store:
        gen = vectors.current_generation(store)
        path = settings.vectors_dir / gen.file
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF
        path.write_bytes(bytes(data))
        with pytest.raises(IndexCorruptError, match="checksum"):
            vectors.load_generation(settings.vectors_dir, gen, 384)
        vi = vectors.open_for_read(store, settings.vectors_dir, 384, settings.flat_index_max)
        assert vi.ntotal == store.chunk_count()  # rebuilt from the vectors kept in SQLite
