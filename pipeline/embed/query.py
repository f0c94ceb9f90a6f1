"""all-MiniLM-L6-v2 in NumPy for short query texts: no torch import, so a cold search starts fast.

The forward pass is the stock BERT encoder (6 layers, 12 heads, exact erf GELU) followed by
sentence-transformers' mean pooling and L2 normalisation. Ingest keeps the torch path, which is
faster for large batches; this one is for a handful of short queries per process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np

from pipeline.embed.constants import DIMENSION, MAX_SEQ_TOKENS, MODEL_ID, model_dir

_N_LAYERS = 6
_N_HEADS = 12
_LN_EPS = 1e-12


# Numerical Recipes' erfc fit: erfc(z) = t * exp(-z^2 + sum(c_i t^i)), t = 1 / (1 + z/2)
_ERFC_COEFFS = (
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
)  # fmt: skip


def erf(x: np.ndarray) -> np.ndarray:
    """erf to float32 accuracy (fractional error < 1.2e-7); NumPy has none."""
    z = np.abs(x).astype(np.float64)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.zeros_like(z)
    for c in reversed(_ERFC_COEFFS):
        poly = poly * t + c
    r = 1.0 - t * np.exp(poly - z * z)
    return np.where(x >= 0, r, -r).astype(x.dtype)


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _LN_EPS) * weight + bias


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _blas_controller() -> Any:
    """threadpoolctl's controller when it is installed (scikit-learn brings it), else None."""
    try:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]
    except ImportError:
        return None
    return ThreadpoolController()


class NumpyQueryEmbedder:
    """all-MiniLM-L6-v2 queries embedded with NumPy; same vectors as sentence-transformers."""

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self, max_tokens: int = MAX_SEQ_TOKENS, **_: Any) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = model_dir()
        # a tokenizer of our own: pipeline.embed.model.load_tokenizer is shared and has no truncation
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=max_tokens)
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if (cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["hidden_size"]) != (
            _N_LAYERS,
            _N_HEADS,
            DIMENSION,
        ):
            raise ValueError(f"{folder} is not the all-MiniLM-L6-v2 shape this code implements")
        w = load_file(str(folder / "model.safetensors"))
        self._w = {k.removeprefix("bert."): v for k, v in w.items()}
        # pre-transposed and fused weights so each layer is three matmuls plus the MLP
        self._layers = []
        for i in range(_N_LAYERS):
            p = f"encoder.layer.{i}."
            g = self._w.__getitem__
            qkv_w = np.concatenate([g(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T.copy()
            qkv_b = np.concatenate([g(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self._layers.append(
                (
                    qkv_w,
                    qkv_b,
                    g(p + "attention.output.dense.weight").T.copy(),
                    g(p + "attention.output.dense.bias"),
                    g(p + "attention.output.LayerNorm.weight"),
                    g(p + "attention.output.LayerNorm.bias"),
                    g(p + "intermediate.dense.weight").T.copy(),
                    g(p + "intermediate.dense.bias"),
                    g(p + "output.dense.weight").T.copy(),
                    g(p + "output.dense.bias"),
                    g(p + "output.LayerNorm.weight"),
                    g(p + "output.LayerNorm.bias"),
                )
            )

        self._blas = _blas_controller()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._one_blas_thread():
            for i, text in enumerate(texts):
                out[i] = self._embed_one(text)
        return out

    def _one_blas_thread(self) -> AbstractContextManager[object]:
        # matrices this small gain nothing from BLAS threads, and on a busy machine the
        # threads' spin-waits made a query 5-10x slower (165 ms vs 22 ms p50 under load)
        return self._blas.limit(limits=1, user_api="blas") if self._blas else nullcontext()

    def _embed_one(self, text: str) -> np.ndarray:
        ids = np.asarray(self._tok.encode(text, add_special_tokens=True).ids, dtype=np.int64)
        w = self._w
        n = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head = DIMENSION // _N_HEADS
        scale = np.float32(1.0 / np.sqrt(head))
        for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, f_w, f_b, ln2_w, ln2_b in self._layers:
            qkv = x @ qkv_w + qkv_b  # (n, 3*384)
            q, k, v = (
                qkv[:, j * DIMENSION : (j + 1) * DIMENSION].reshape(n, _N_HEADS, head).transpose(1, 0, 2)
                for j in range(3)
            )
            attn = _softmax((q @ k.transpose(0, 2, 1)) * scale)  # (heads, n, n); one text, no padding
            ctx = (attn @ v).transpose(1, 0, 2).reshape(n, DIMENSION)
            x = layer_norm(ctx @ o_w + o_b + x, ln1_w, ln1_b)
            x = layer_norm(gelu(x @ i_w + i_b) @ f_w + f_b + x, ln2_w, ln2_b)
        pooled = x.mean(axis=0)  # every token is real: mean pooling over the attention mask
        norm = float(np.linalg.norm(pooled))
        return (pooled / norm if norm > 0 else pooled).astype(np.float32)
