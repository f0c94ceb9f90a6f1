"""The embedder picks CUDA when torch sees a GPU, sizes its batches by device, and the
vectors do not depend on the batch size (so CPU and GPU runs can fill one index)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pipeline.embed import model as embed_model
from pipeline.settings import Settings


def test_device_and_batch_size_follow_torch(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert embed_model.pick_device() == "cuda"
    assert embed_model.pick_device("cpu") == "cpu"  # an explicit device is kept
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert embed_model.pick_device() == "cpu"
    assert embed_model.batch_size_for("cuda:1") > embed_model.batch_size_for("cpu") == 32


def test_embedder_loads_on_the_gpu_when_there_is_one(monkeypatch):
    import sentence_transformers

    loaded: list[str] = []

    class FakeST:
        def __init__(self, path: str, device: str) -> None:
            loaded.append(device)

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", FakeST)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    gpu = embed_model.get_embedder("minilm")
    assert loaded == ["cuda"] and gpu.batch_size == embed_model.BATCH_SIZE_BY_DEVICE["cuda"]  # type: ignore[attr-defined]
    pinned = embed_model.get_embedder("minilm", device="cpu", batch_size=8)
    assert loaded[-1] == "cpu" and pinned.batch_size == 8  # type: ignore[attr-defined]
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    from pipeline.prepare import load_embedder

    load_embedder(Settings())  # the settings' defaults: auto device, batch size by device
    assert loaded[-1] == "cpu"


@pytest.mark.model
def test_vectors_do_not_depend_on_the_batch_size():
    """The GPU's batch of 256 pads differently from the CPU's 32: same vectors to cos >= 0.9999."""
    emb = embed_model.get_embedder("minilm", device="cpu")
    texts = [f"Report {i}: " + "state actors use AI-enabled phishing and malware. " * (1 + i % 9) for i in range(48)]
    emb.batch_size = 32  # type: ignore[attr-defined]
    small = emb.embed_batch(texts)
    emb.batch_size = embed_model.BATCH_SIZE_BY_DEVICE["cuda"]  # type: ignore[attr-defined]
    large = emb.embed_batch(texts)
    assert small.shape == large.shape == (48, embed_model.DIMENSION)
    assert float(np.min(np.sum(small * large, axis=1))) >= 0.9999
