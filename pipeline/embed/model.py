"""Chunks -> vectors. One small contract per backend, a registry picks by name."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from pipeline.embed.constants import DIMENSION, MAX_SEQ_TOKENS, MODEL_ID, model_dir
from pipeline.errors import UsageError

log = logging.getLogger(__name__)


class Embedder(Protocol):
    model_id: str
    dimension: int

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


# Texts per forward pass. On CPU larger batches only pad more; a GPU needs them to be busy.
BATCH_SIZE_BY_DEVICE = {"cpu": 32, "cuda": 256}


def pick_device(requested: str = "auto") -> str:
    """ "cuda" when torch sees a GPU, else "cpu"; an explicit device ("cpu", "cuda:1") is kept."""
    if requested != "auto":
        return requested
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def batch_size_for(device: str) -> int:
    return BATCH_SIZE_BY_DEVICE.get(device.split(":")[0], BATCH_SIZE_BY_DEVICE["cpu"])


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded offline from the package.

    On CUDA when torch sees a GPU (`device="auto"`); the vectors match the CPU's to cosine
    >= 0.9999, so one index can hold both.
    """

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self, batch_size: int | None = None, device: str = "auto", num_threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        # a Ray worker passes the CPUs it was given, so workers on one node do not oversubscribe
        torch.set_num_threads(num_threads or max(1, os.cpu_count() or 1))
        self.device = pick_device(device)
        self.batch_size = batch_size or batch_size_for(self.device)
        self._model = SentenceTransformer(str(model_dir()), device=self.device)
        self._model.max_seq_length = MAX_SEQ_TOKENS

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vecs = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def _numpy_query_embedder(**kwargs: Any) -> Embedder:
    from pipeline.embed.query import NumpyQueryEmbedder  # noqa: I001

    return NumpyQueryEmbedder(**kwargs)


EMBEDDERS: dict[str, Callable[..., Embedder]] = {
    "minilm": SentenceTransformerEmbedder,
    "minilm-numpy": _numpy_query_embedder,  # same vectors, no torch: for queries
}


def get_embedder(name: str = "minilm", **kwargs: object) -> Embedder:
    """The embedder registered under `name`."""
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        known = ", ".join(sorted(EMBEDDERS))
        raise UsageError(f"unknown embedder {name!r}; known: {known}") from None
    return factory(**kwargs)


@lru_cache(maxsize=1)
def load_tokenizer():  # type: ignore[no-untyped-def]
    """The model's own word-piece tokenizer (Rust `tokenizers`, no torch import)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def count_tokens(texts: Sequence[str]) -> list[int]:
    """Word pieces per text, special tokens excluded."""
    if not texts:
        return []
    encs = load_tokenizer().encode_batch(list(texts), add_special_tokens=False)
    return [len(e.ids) for e in encs]
