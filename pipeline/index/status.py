"""What an index holds, for `threatbrief status` and `threatbrief documents`: fields, not sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.claims.identity import claims_model_id
from pipeline.index import vectors
from pipeline.index.filters import Filters
from pipeline.index.health import integrity_problems, open_index
from pipeline.index.reclaim import claims_model_status
from pipeline.settings import Settings


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def index_status(settings: Settings) -> dict[str, Any]:
    """Counts, model, vector index, integrity, failures and the last run, read-only."""
    with open_index(settings) as store:
        counts = store.counts()
        ocr = store.ocr_summary()
        gen = vectors.current_generation(store)
        last = store.last_run()
        failed = [{"path": r.path, "reason": r.reason, "detail": r.detail} for r in store.failed_files()]
        model = store.get_meta("model_id")
        dim = store.get_meta("dimension")
        # chunks wholly footnote/references/toc/boilerplate have no vector by design (pipeline/dense.py)
        embed_blocks = store.get_meta("embed_blocks") or "all"
        embedded = store.vector_count()
        problems = integrity_problems(store)
        schema = [r[0] for r in store.db.execute("SELECT name FROM migrations ORDER BY name")]
        claims = claims_model_status(store, claims_model_id())
    kind = gen.kind if gen else "flat"
    return {
        "index": str(settings.index_dir),
        **counts,
        "ocr": ocr,
        "model": model,
        "dimension": int(dim) if dim else None,
        "vector_index": {
            "kind": kind,
            "exact": kind == "flat",
            "generation": gen.number if gen else 0,
            "vectors": gen.count if gen else 0,
            "embed_blocks": embed_blocks,
            "chunks_without_vector": counts["chunks"] - embedded,
            "hnsw_above_chunks": settings.flat_index_max,
            # search rebuilds a missing file in memory on every start; `repair` writes it again
            "file_present": gen is None or (settings.vectors_dir / gen.file).is_file(),
        },
        "size_bytes": _size(settings.index_dir),
        "integrity": "ok" if not problems else "; ".join(problems[:3]),
        # documents whose claims another claims model decided; `repair` re-extracts them
        **claims,
        "schema": schema,
        "last_run": (
            {
                "run_id": last["run_id"],
                "kind": last["kind"],
                "status": last["status"],
                "started_at": last["started_at"],
                "finished_at": last["finished_at"],
            }
            if last
            else None
        ),
        "failed": failed,
    }


def list_documents(settings: Settings, f: Filters, limit: int | None = None) -> list[dict[str, Any]]:
    """The indexed documents passing the document filters, with their counts, oldest first."""
    with open_index(settings) as store:
        ids = store.document_ids(f)[:limit] if limit else store.document_ids(f)
        docs = {d["doc_id"]: d for d in store.documents(ids)}
        pages_cols = {r[1] for r in store.db.execute("PRAGMA table_info(pages)")}
        ocr_sql = "SUM(source = 'ocr')" if "source" in pages_cols else "NULL"  # pages.source: m004 (OCR)
        per_doc = _counts(store.db, ids, ocr_sql)
        ingested = {
            r[0]: r[1]
            for r in store.db.execute(
                "SELECT doc_id, MAX(updated_at) FROM files WHERE status = 'indexed' GROUP BY doc_id"
            )
        }
    out = []
    for doc_id in ids:
        d = docs[doc_id]
        n_pages, n_ocr, n_chunks, n_claims = per_doc.get(doc_id, (0, None, 0, 0))
        out.append(
            {
                "doc_id": doc_id,
                "file": d["file_name"],
                "path": d["path"],
                "title": d["title"],
                "publisher": d["publisher"],
                "published": d["published"],
                "pages": int(d["page_count"]),
                "chunks": n_chunks,
                "claims": n_claims,
                "ocr_share": round(n_ocr / n_pages, 3) if n_ocr is not None and n_pages else None,
                "last_ingest": ingested.get(doc_id) or d["added_at"],
            }
        )
    return out


def _counts(db: Any, ids: list[str], ocr_sql: str) -> dict[str, tuple[int, int | None, int, int]]:
    """(pages stored, OCR pages or None, chunks, claims) per document."""
    out: dict[str, tuple[int, int | None, int, int]] = {}
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        pages = {
            r[0]: (int(r[1]), None if r[2] is None else int(r[2]))
            for r in db.execute(
                f"SELECT doc_id, COUNT(*), {ocr_sql} FROM pages WHERE doc_id IN ({marks}) GROUP BY doc_id",  # noqa: S608
                part,
            )
        }
        chunks = dict(
            db.execute(f"SELECT doc_id, COUNT(*) FROM chunks WHERE doc_id IN ({marks}) GROUP BY doc_id", part)  # noqa: S608
        )
        claims = dict(
            db.execute(f"SELECT doc_id, COUNT(*) FROM claims WHERE doc_id IN ({marks}) GROUP BY doc_id", part)  # noqa: S608
        )
        for d in part:
            n_pages, n_ocr = pages.get(d, (0, None))
            out[d] = (n_pages, n_ocr, int(chunks.get(d, 0)), int(claims.get(d, 0)))
    return out
