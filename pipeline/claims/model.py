"""The learned heads: linear models over rule signals, words and parse context, in NumPy.

Three heads, trained by `python -m pipeline.claims.train` from eval/claims/labels:
- capabilities (multi-label): score(s, c) = shared.x + W[:, c].x + u.pair(s, c) + b[c], where
  pair(s, c) are the rule signals of capability c in sentence s. The shared and pair weights let
  what is learned about well-labelled capabilities (is a trigger an asserted act here?) carry
  over to rarely labelled ones. Averaged with a head of one hidden ReLU layer over the same
  sentence vector and the flattened rule signals (cap_w1, cap_p1, cap_b1, cap_w2, cap_b2) when the
  heads were trained with `cap_hidden`;
- stance (6 classes) over the same sentence vector;
- role (7 classes) of each candidate mention over its parse-context features: a linear head,
  averaged with a head of one hidden ReLU layer (role_w1, role_b1, role_w2, role_b2) when the
  heads were trained with `role_hidden`.
A hidden head may be the mean of K such heads fit from K seeds (train.Config.role_seeds and
cap_seeds), stored as one: their first layers side by side, their output layers stacked.
Weights live in data/heads.npz (arrays) and data/heads.json (vocabularies, thresholds, the hash
of the training data); no pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.claims.signals import ROLES, STANCES
from pipeline.claims.vocab import CAPABILITIES

DATA_DIR = Path(__file__).parent / "data"
WEIGHTS = DATA_DIR / "heads.npz"
META = DATA_DIR / "heads.json"
PAIR_KEYS = ("rule", "rule_advice", "rule_heading", "rule_citation", "rule_none")


def _quiet() -> Any:
    # NumPy 2 with OpenBLAS may warn "invalid value encountered in matmul" on float32 rows whose
    # results are all finite (checked over the corpus); the results are cleaned anyway
    return np.errstate(invalid="ignore", over="ignore")


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def encode(feats: list[str] | dict[str, float], index: dict[str, int]) -> np.ndarray:
    """A dense row over a vocabulary; unknown features are dropped."""
    x = np.zeros(len(index), dtype=np.float32)
    # the largest value per column, gathered in Python and written at once (float32 of the maximum
    # is the maximum of the float32s: the same row as writing max(x[j], v) one at a time)
    best = _best(feats, index)
    if best:
        x[list(best)] = list(best.values())
    return x


@dataclass(frozen=True)
class Rows:
    """Sparse rows over a vocabulary (column indices, values, row starts): a sentence names a few
    dozen of ~30,000 features, and stacking dense rows cost more than the heads themselves."""

    cols: np.ndarray
    vals: np.ndarray
    starts: np.ndarray  # n + 1 offsets into cols/vals

    @classmethod
    def encode(cls, rows: Sequence[list[str] | dict[str, float]], index: dict[str, int]) -> Rows:
        cols: list[int] = []
        vals: list[float] = []
        starts = [0]
        for feats in rows:
            best = _best(feats, index)
            cols += best.keys()
            vals += best.values()
            starts.append(len(cols))
        return cls(np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=np.float32), np.asarray(starts))

    def dot(self, w: np.ndarray) -> np.ndarray:
        """The rows times `w` (V,) or (V, K), as a dense (n,) or (n, K) array."""
        n = len(self.starts) - 1
        out = np.zeros((n, *w.shape[1:]), dtype=np.float32)
        begin, end = self.starts[:-1], self.starts[1:]
        nonempty = begin < end
        if nonempty.any():
            part = w[self.cols] * (self.vals if w.ndim == 1 else self.vals[:, None])
            out[nonempty] = np.add.reduceat(part, begin[nonempty], axis=0)
        return out


def _best(feats: list[str] | dict[str, float], index: dict[str, int]) -> dict[int, float]:
    # the largest value per column, over 0
    items = feats.items() if isinstance(feats, dict) else ((f, 1.0) for f in feats)
    best: dict[int, float] = {}
    for f, v in items:
        j = index.get(f)
        if j is not None and v > best.get(j, 0.0):
            best[j] = v
    return best


def pair_features(signals: dict[str, float]) -> np.ndarray:
    """(n_capabilities, len(PAIR_KEYS)): the rule signals of each capability in one sentence."""
    out = np.zeros((len(CAPABILITIES), len(PAIR_KEYS)), dtype=np.float32)
    for i, c in enumerate(CAPABILITIES):
        fired = signals.get(f"rule:{c}", 0.0)
        out[i] = (
            fired,
            fired * signals.get("advice", 0.0),
            fired * signals.get("heading", 0.0),
            fired * signals.get("citation", 0.0),
            fired * signals.get("stance_rule:none", 0.0),
        )
    return out


_HIDDEN = ("role_w1", "role_b1", "role_w2", "role_b2")
_CAP_HIDDEN = ("cap_w1", "cap_p1", "cap_b1", "cap_w2", "cap_b2")


@dataclass(frozen=True)
class Heads:
    """Trained weights and the vocabularies they index."""

    sent_index: dict[str, int]
    ment_index: dict[str, int]
    cap_shared: np.ndarray  # (V,)
    cap_w: np.ndarray  # (V, C)
    cap_u: np.ndarray  # (P,)
    cap_b: np.ndarray  # (C,)
    stance_w: np.ndarray  # (V, S)
    stance_b: np.ndarray  # (S,)
    role_w: np.ndarray  # (M, R)
    role_b: np.ndarray  # (R,)
    cap_threshold: float
    actor_threshold: float
    meta: dict[str, Any]
    # the hidden-layer heads, if there are: K heads of H units each, fit from K seeds and averaged
    # (their first layers side by side; K = 1 may also be written without its axis: (H, R), (R,))
    role_w1: np.ndarray | None = None  # (M, K * H)
    role_b1: np.ndarray | None = None  # (K * H,)
    role_w2: np.ndarray | None = None  # (K, H, R)
    role_b2: np.ndarray | None = None  # (K, R)
    cap_w1: np.ndarray | None = None  # (V, K * H)
    cap_p1: np.ndarray | None = None  # (C * P, K * H)
    cap_b1: np.ndarray | None = None  # (K * H,)
    cap_w2: np.ndarray | None = None  # (K, H, C)
    cap_b2: np.ndarray | None = None  # (K, C)

    def capability_probs(self, x: np.ndarray | Rows, pairs: np.ndarray) -> np.ndarray:
        """(n, C) probabilities; x is (n, V) or its sparse rows, pairs (n, C, P)."""
        with _quiet():
            z = _dot(x, self.cap_shared)[:, None] + _dot(x, self.cap_w) + pairs @ self.cap_u + self.cap_b
            p = sigmoid(np.nan_to_num(z))
            w1, p1, b1, w2, b2 = self.cap_w1, self.cap_p1, self.cap_b1, self.cap_w2, self.cap_b2
            if w1 is None or p1 is None or b1 is None or w2 is None or b2 is None:
                return p
            flat = pairs.reshape(len(pairs), -1)
            h = np.maximum(_dot(x, w1) + flat @ p1 + b1, 0.0)
            return (p + sigmoid(np.nan_to_num(_per_head(h, w2, b2))).mean(axis=1)) / 2

    def stance_probs(self, x: np.ndarray | Rows) -> np.ndarray:
        with _quiet():
            z = _dot(x, self.stance_w) + self.stance_b
        return softmax(np.nan_to_num(z))

    def role_probs(self, m: np.ndarray) -> np.ndarray:
        with _quiet():
            p = softmax(np.nan_to_num(m @ self.role_w + self.role_b))
            if self.role_w1 is None or self.role_b1 is None or self.role_w2 is None or self.role_b2 is None:
                return p
            h = np.maximum(m @ self.role_w1 + self.role_b1, 0.0)
            return (p + softmax(np.nan_to_num(_per_head(h, self.role_w2, self.role_b2))).mean(axis=1)) / 2

    def arrays(self) -> dict[str, np.ndarray]:
        linear = ("cap_shared", "cap_w", "cap_u", "cap_b", "stance_w", "stance_b", "role_w", "role_b")
        names = linear + _HIDDEN + _CAP_HIDDEN
        return {k: getattr(self, k) for k in names if getattr(self, k) is not None}

    def save(self, weights: Path = WEIGHTS, meta: Path = META) -> None:
        """Write the .npz arrays and the JSON vocabularies and metadata (byte-stable)."""
        import io

        buf = io.BytesIO()
        arrays: dict[str, Any] = {k: v.astype(np.float32) for k, v in self.arrays().items()}
        np.savez_compressed(buf, **arrays)
        weights.write_bytes(buf.getvalue())
        doc = {
            **self.meta,
            "cap_threshold": self.cap_threshold,
            "actor_threshold": self.actor_threshold,
            "capabilities": list(CAPABILITIES),
            "stances": list(STANCES),
            "roles": list(ROLES),
            "sentence_features": sorted(self.sent_index, key=self.sent_index.__getitem__),
            "mention_features": sorted(self.ment_index, key=self.ment_index.__getitem__),
        }
        meta.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _per_head(h: np.ndarray, w2: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """(n, K, out) outputs of K hidden heads whose units lie side by side in `h` (n, K * H): `w2` is
    (K, H, out) and `b2` (K, out), or (H, out) and (out,) for a single head."""
    w2 = w2.reshape(-1, *w2.shape[-2:])
    k, width = w2.shape[0], w2.shape[1]
    return np.einsum("nkh,kho->nko", h.reshape(len(h), k, width), w2) + b2.reshape(k, -1)


def _dot(x: np.ndarray | Rows, w: np.ndarray) -> np.ndarray:
    return x.dot(w) if isinstance(x, Rows) else x @ w


def load_heads(weights: Path = WEIGHTS, meta: Path = META) -> Heads:
    """Read the shipped weights (allow_pickle off)."""
    doc = json.loads(meta.read_text(encoding="utf-8"))
    with np.load(weights, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    if doc["capabilities"] != list(CAPABILITIES) or doc["roles"] != list(ROLES) or doc["stances"] != list(STANCES):
        raise ValueError(f"{meta}: label sets differ from the code's; rebuild with `python -m pipeline.claims.train`")
    return Heads(
        sent_index={f: i for i, f in enumerate(doc["sentence_features"])},
        ment_index={f: i for i, f in enumerate(doc["mention_features"])},
        cap_threshold=float(doc["cap_threshold"]),
        actor_threshold=float(doc["actor_threshold"]),
        meta={k: v for k, v in doc.items() if k not in ("sentence_features", "mention_features")},
        **arrays,
    )


@lru_cache(maxsize=1)
def get_heads() -> Heads:
    """The packaged heads, loaded once."""
    return load_heads()
