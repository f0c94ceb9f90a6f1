"""The NumPy query embedder gives sentence-transformers' vectors without importing torch."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

TEXTS = [
    "Kimsuky spear-phishing against South Korean think tanks",
    "AA23-341A",
    "143.244.38.60 thejoe.publicvm.com",
    "How does the PLA combine information warfare and electronic warfare (INEW)?",
    "two-step login bypass with EvilGinx",
    "",
    "Salt Typhoon telecom intrusions, CVE-2023-46604; WELLMESS & Win7Elevate.",
    "Ünïcödé naïve café — résumé 中文 テスト",
    "election interference " * 200,  # longer than the model's 256 tokens: truncated
    "x",
]


def test_erf_matches_math_erf() -> None:
    from pipeline.embed.query import erf

    x = np.linspace(-6, 6, 20001, dtype=np.float32)
    want = np.array([math.erf(float(v)) for v in x])
    assert np.abs(erf(x) - want).max() < 2e-7


def test_registered_by_name() -> None:
    from pipeline.embed.model import EMBEDDERS

    assert "minilm-numpy" in EMBEDDERS


def _run_python(code: str, cwd) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter, so sys.modules shows what it really imports."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, check=True, timeout=120
    )


@pytest.mark.model
def test_same_vectors_as_sentence_transformers() -> None:
    from pipeline.embed.model import get_embedder

    fast = get_embedder("minilm-numpy")
    ref = get_embedder("minilm")
    assert fast.model_id == ref.model_id and fast.dimension == ref.dimension == 384
    a = fast.embed_batch(TEXTS)
    b = ref.embed_batch(TEXTS)
    assert a.dtype == np.float32 and a.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cosines = (a * b).sum(axis=1)
    assert cosines.min() >= 0.9999, dict(zip(TEXTS, cosines.round(6).tolist(), strict=True))


@pytest.mark.model
def test_query_path_does_not_import_torch(tmp_path) -> None:
    code = (
        "import sys\n"
        "from pipeline.embed.model import get_embedder\n"
        "v = get_embedder('minilm-numpy').embed_batch(['state hackers and think tanks'])\n"
        "assert v.shape == (1, 384)\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers')\n"
        "bad = sorted(m for m in heavy if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = _run_python(code, tmp_path)
    assert out.stdout.strip() == "", f"imported {out.stdout.strip()}"


@pytest.mark.model
def test_searcher_default_path_does_not_import_torch(tmp_path) -> None:
    """Searcher.embed_query with no embedder given takes the NumPy path."""
    code = (
        "import sys\n"
        "from pipeline.index.search import Searcher\n"
        "from pipeline.settings import Settings\n"
        "s = Searcher(store=None, index=None, settings=Settings())\n"
        "assert s.embed_query('cyber espionage').shape == (384,)\n"
        "print('torch' in sys.modules)\n"
    )
    out = _run_python(code, tmp_path)
    assert out.stdout.strip() == "False"
