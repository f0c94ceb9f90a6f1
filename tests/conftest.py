"""Shared fixtures: a fake embedder for logic tests, small generated PDFs, paths."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
BADPDFS = SHARED / "badpdfs"
SAMPLES = ROOT / "corpora"


class FakeEmbedder:
    """Hashed bag of words: similar wording gives similar vectors. For logic tests only."""

    model_id = "test/fake-bow"
    dimension = 384

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
                out[i, h % self.dimension] += 1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def make_text_pdf(path: Path, pages: Sequence[str], metadata: dict[str, str] | None = None) -> Path:
    """A simple one-column PDF, one string per page, wrapped at 10 pt Helvetica."""
    from tests.helpers.pdfgen import layout_paragraph, write_pdf

    rendered = []
    for text in pages:
        items = []
        y = 720.0
        for para in text.split("\n\n"):
            lines, y = layout_paragraph(para, 72, y, 468, size=10)
            items.extend(lines)
            y -= 8
        rendered.append(items)
    write_pdf(path, rendered, metadata=metadata)
    return path


@pytest.fixture
def pdf_factory(tmp_path: Path):
    def make(name: str, pages: Sequence[str], metadata: dict[str, str] | None = None) -> Path:
        return make_text_pdf(tmp_path / name, pages, metadata)

    return make


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 600):
    """Run `python -m pipeline ARGS` as a new process, as an analyst would."""
    import subprocess
    import sys

    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=str(ROOT),
    )


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The shipped sample corpus ingested with the real model and spaCy pipeline."""
    pdfs = sorted(SAMPLES.glob("*.pdf"))
    if not pdfs:
        pytest.skip("no sample PDFs in corpora/ (run corpora/make_samples.py)")
    index = tmp_path_factory.mktemp("sample") / "index"
    proc = run_cli("ingest", str(SAMPLES), "--index", str(index), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return index
