"""Chunks -> vectors.

constants.py  model id, dimension, where the packaged weights live
model.py      the Embedder contract, sentence-transformers backend, registry
query.py      a NumPy encoder for short queries (cold search without torch)
"""

from __future__ import annotations

from pipeline.embed.constants import DIMENSION, MAX_SEQ_TOKENS, MODEL_ID, model_dir
from pipeline.embed.model import Embedder, count_tokens, get_embedder, load_tokenizer

__all__ = [
    "DIMENSION",
    "MAX_SEQ_TOKENS",
    "MODEL_ID",
    "Embedder",
    "count_tokens",
    "get_embedder",
    "load_tokenizer",
    "model_dir",
]
