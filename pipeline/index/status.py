"""What an index holds, for `threatbrief status`."""

from __future__ import annotations

from typing import Any

from pipeline.errors import PipelineError
from pipeline.index import vectors
from pipeline.index.store import Store
from pipeline.settings import Settings


def _size(folder) -> int:  # type: ignore[no-untyped-def]
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def index_status(settings: Settings) -> dict[str, Any]:
    """Counts, model, vector index kind and generation, failures and the last run."""
    if not settings.db_path.is_file():
        raise PipelineError(f"no index at {settings.index_dir}; run `threatbrief ingest PATH` first")
    with Store(settings.db_path) as store:
        counts = store.counts()
        ocr = store.ocr_summary()
        gen = vectors.current_generation(store)
        last = store.last_run()
        failed = [f"{r.path}: {r.reason}" for r in store.failed_files()]
        model = store.get_meta("model_id")
        dim = store.get_meta("dimension")
    kind = gen.kind if gen else "flat"
    return {
        "index": str(settings.index_dir),
        **counts,
        "ocr": ocr,
        "model": model,
        "dimension": int(dim) if dim else None,
        "vector_index": (
            f"{kind} ({'exact' if kind == 'flat' else 'approximate'}; switches to HNSW above "
            f"{settings.flat_index_max:,} chunks), generation {gen.number if gen else 0}, "
            f"{gen.count if gen else 0} vectors"
        ),
        "index_bytes": _size(settings.index_dir),
        "last_run": (
            {
                "run_id": last["run_id"],
                "kind": last["kind"],
                "status": last["status"],
                "finished_at": last["finished_at"],
            }
            if last
            else None
        ),
        "failed": failed,
    }
