"""One Settings object: defaults, THREATBRIEF_* environment variables, optional TOML file."""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pipeline.dense import EMBED_MODES
from pipeline.errors import UsageError

log = logging.getLogger(__name__)

CONFIG_FILE_NAMES = ("threatbrief.toml",)
INDEX_ENV = "THREATBRIEF_INDEX"  # what --help and the README name
OLD_INDEX_ENV = "THREATBRIEF_INDEX_DIR"  # deprecated alias, still read
PARSERS = ("auto", "pdfium", "pdfplumber")
OCR_POLICIES = ("auto", "always", "never")


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("index")
    embedder: str = "minilm"
    max_tokens: int = 200  # word pieces per chunk, special tokens excluded
    overlap_tokens: int = 40
    embed_blocks: str = "prose"  # prose: no vector for chunks wholly footnote/references/toc/boilerplate; all
    embed_batch_size: int = 0  # 0 = by device: 32 on CPU, 256 on CUDA
    embed_device: str = "auto"  # auto = cuda when torch sees a GPU, else cpu
    parse_workers: int = max(1, min(4, os.cpu_count() or 1))
    parse_timeout_s: float = 300.0
    parse_memory_mb: int = 2048
    max_file_mb: int = 300
    max_pages: int = 3000
    parser: str = "auto"  # PDF text backend: auto (pdfium, pdfplumber fallback), pdfium, pdfplumber
    ocr: str = "auto"  # OCR pages: auto (those without usable text), always, never
    vector_save_interval_s: float = 60.0
    flat_index_max: int = 200_000  # above this the index switches to HNSW
    reports_dir: Path = Path("reports")
    corpora: tuple[Path, ...] = field(default_factory=tuple)
    # [ray] in threatbrief.toml, --ray on `ingest`: "" = no Ray, "local" = RAY_ADDRESS or a new Ray here,
    # "auto" = the cluster `ray start` joined, "HOST:PORT" / "ray://HOST:PORT" = that cluster
    ray_address: str = ""
    ray_workers: int = 0  # document workers; 0 = one per ray_cpus_per_worker CPUs in the cluster
    ray_cpus_per_worker: float = 1.0
    ray_gpus_per_worker: float = 0.0  # e.g. 0.25: four workers share one GPU
    ray_max_in_flight: int = 0  # documents sent and not yet committed; 0 = 2 x workers

    @property
    def db_path(self) -> Path:
        return self.index_dir / "threatbrief.db"

    @property
    def vectors_dir(self) -> Path:
        return self.index_dir / "vectors"

    @property
    def lock_path(self) -> Path:
        return self.index_dir / "ingest.lock"


def _coerce(name: str, raw: Any, current: Any) -> Any:
    try:
        if isinstance(current, bool):
            return str(raw).lower() in {"1", "true", "yes", "on"}
        if isinstance(current, int):
            return int(raw)
        if isinstance(current, float):
            return float(raw)
        if isinstance(current, Path):
            return Path(raw).expanduser()
        if isinstance(current, tuple):
            items = raw if isinstance(raw, list) else str(raw).split(os.pathsep)
            return tuple(Path(str(p)).expanduser() for p in items if str(p))
    except (TypeError, ValueError) as exc:
        raise UsageError(f"setting {name}: cannot use {raw!r} ({exc})") from exc
    return str(raw)


def _index_from_env(warn: Callable[[str], None]) -> str | None:
    """$THREATBRIEF_INDEX, else the deprecated $THREATBRIEF_INDEX_DIR with a warning."""
    new = os.environ.get(INDEX_ENV) or None
    old = os.environ.get(OLD_INDEX_ENV) or None
    if old is not None and new is None:
        warn(f"${OLD_INDEX_ENV} is deprecated; set ${INDEX_ENV} instead")
        return old
    if old is not None and old != new:
        warn(f"${OLD_INDEX_ENV} is deprecated and ignored; using ${INDEX_ENV}={new}")
    return new


def load_settings(
    config: Path | None = None, *, warn: Callable[[str], None] | None = None, **overrides: Any
) -> Settings:
    """Defaults, then the TOML file, then THREATBRIEF_* variables, then explicit overrides.

    The index folder: --index, then $THREATBRIEF_INDEX, then index_dir in the file, then ./index.
    """
    settings = Settings()
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = config
    if path is None:
        path = next((Path(n) for n in CONFIG_FILE_NAMES if Path(n).is_file()), None)
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"config {path}: {exc}") from exc
        section = dict(data.get("threatbrief", data))
        ray = section.pop("ray", None) or data.get("ray") or {}
        ray = ray if isinstance(ray, dict) else {"address": ray}  # ray = "auto" is short for [ray] address
        section.update({f"ray_{k}": v for k, v in ray.items()})  # [ray] address = "auto" -> ray_address
        for key, raw in section.items():
            if key not in names:
                raise UsageError(f"config {path}: unknown setting {key!r}")
            values[key] = raw
    for name in names - {"index_dir"}:
        env = os.environ.get(f"THREATBRIEF_{name.upper()}")
        if env is not None:
            values[name] = env
    index_env = _index_from_env(warn or log.warning)
    if index_env is not None:
        values["index_dir"] = index_env
    values.update({k: v for k, v in overrides.items() if v is not None})
    coerced = {k: _coerce(k, v, getattr(settings, k)) for k, v in values.items()}
    out = replace(settings, **coerced)
    if out.parser not in PARSERS:
        raise UsageError(f"unknown parser {out.parser!r}; known: {', '.join(PARSERS)}")
    if out.ocr not in OCR_POLICIES:
        raise UsageError(f"unknown OCR policy {out.ocr!r}; known: {', '.join(OCR_POLICIES)}")
    if out.embed_blocks not in EMBED_MODES:
        raise UsageError(f"unknown embed_blocks {out.embed_blocks!r}; known: {', '.join(EMBED_MODES)}")
    return out
