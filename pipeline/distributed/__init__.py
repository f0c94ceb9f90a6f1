"""Archive-scale ingest on Ray: the per-document stages on a cluster, the writes stay in the driver.

cluster.py  connect to a Ray cluster (or start one on this machine), size the worker pool
worker.py   DocumentWorker: parse (isolated child, same caps) -> chunk -> embed -> tag, per document
runner.py   ray_results: bounded in-flight dispatch, retry once, quarantine, results in a stream

Importing this package does not import Ray; calling ray_results does. Install with
`pip install -e ".[ray]"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.distributed.runner import ray_results

__all__ = ["ray_results"]


def __getattr__(name: str) -> Any:
    if name == "ray_results":
        from pipeline.distributed.runner import ray_results

        return ray_results
    raise AttributeError(name)
