"""Connect to the Ray cluster the settings name, or start one on this machine; size the pool."""

from __future__ import annotations

import logging
import math
import os
from typing import Any

from pipeline.errors import UsageError
from pipeline.settings import Settings

log = logging.getLogger(__name__)

LOCAL = "local"


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError('--ray needs Ray: pip install -e ".[ray]" (or pip install "ray>=2.40")') from None
    return ray


def connect(settings: Settings) -> bool:
    """Join the cluster at settings.ray_address ("local" starts one here); True if we must shut it down.

    A process that already called ray.init (a test, a notebook) keeps its connection.
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    address = settings.ray_address
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
        "configure_logging": False,
    }
    if address == LOCAL:
        # RAY_ADDRESS if set, else a new Ray here: not Ray's default of joining whatever
        # /tmp/ray/ray_current_cluster names, which may be a cluster that died
        address = os.environ.get("RAY_ADDRESS") or LOCAL
    try:
        ray.init(address=address, **kwargs)
    except ConnectionError as exc:
        raise UsageError(
            f"cannot reach a Ray cluster at {address!r} ({exc}); start one with `ray start --head` "
            "or give its address, e.g. --ray-address 10.0.0.5:6379"
        ) from exc
    log.info("ray: %s", ray.cluster_resources())
    return True


def worker_count(settings: Settings, resources: dict[str, float]) -> int:
    """settings.ray_workers, or as many workers as the cluster's CPUs (and GPUs, if asked) hold."""
    if resources.get("CPU", 0) < settings.ray_cpus_per_worker:
        raise UsageError(
            f"ray_cpus_per_worker = {settings.ray_cpus_per_worker} but the cluster has "
            f"{resources.get('CPU', 0):g} CPUs; no worker could start"
        )
    if settings.ray_workers > 0:
        return settings.ray_workers
    n = int(resources.get("CPU", 1) // max(settings.ray_cpus_per_worker, 1e-3))
    if settings.ray_gpus_per_worker > 0:
        n = min(n, int(resources.get("GPU", 0) / settings.ray_gpus_per_worker))
        if n == 0:
            raise UsageError(
                f"ray_gpus_per_worker = {settings.ray_gpus_per_worker} but the cluster has no GPU; "
                "set it to 0 to embed on CPUs"
            )
    return max(1, n)


def threads_per_worker(settings: Settings) -> int:
    return max(1, math.floor(settings.ray_cpus_per_worker))
