"""Send documents to a pool of Ray workers, at most N at a time; stream the results back.

The driver (pipeline/ingest.py) consumes the stream and commits each document in its own
transaction, so the flock, the one-writer rule and the crash-safety of the store and the
FAISS generations are the single-machine path's own. Here: backpressure (at most
`ray_max_in_flight` documents sent and not yet handed to the writer), and failures: a
document whose worker raised or died is sent once more, then quarantined with a reason.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.distributed.cluster import connect, import_ray, threads_per_worker, worker_count
from pipeline.distributed.worker import DocumentWorker
from pipeline.embed.model import Embedder
from pipeline.errors import PipelineError
from pipeline.parse.isolate import ParseOutcome
from pipeline.prepare import Failed, Prepared, Tag
from pipeline.settings import Settings

log = logging.getLogger(__name__)

ATTEMPTS = 2  # the first try and one retry
Item = tuple[Path, str]  # (path, sha256)


@dataclass
class PoolStats:
    """What a run did on the cluster, for tests and the bench."""

    workers: int = 0
    limit: int = 0
    peak_in_flight: int = 0
    retried: int = 0
    replaced_workers: int = 0
    nodes: set[str] = field(default_factory=set)  # host/node id of each worker that started


class _Pool:
    def __init__(self, ray: Any, settings: Settings, args: tuple[Any, ...], stats: PoolStats) -> None:
        self.ray = ray
        self.stats = stats
        self.n = worker_count(settings, ray.cluster_resources())
        self.limit = settings.ray_max_in_flight or 2 * self.n
        self.per_worker = max(1, -(-self.limit // self.n))  # one queued behind the running one
        self.cls = ray.remote(DocumentWorker).options(
            num_cpus=settings.ray_cpus_per_worker,
            num_gpus=settings.ray_gpus_per_worker,
            max_restarts=0,
            max_task_retries=0,
            scheduling_strategy="SPREAD",
        )
        self.args = args
        self.actors: dict[int, Any] = {}
        self.load: dict[int, int] = {}  # only workers that answered ready()
        self.starting: dict[Any, int] = {}  # ready() ref -> worker key
        self.next_key = 0
        self.max_replacements = 4 * self.n
        stats.workers, stats.limit = self.n, self.limit
        for _ in range(self.n):
            self._start()

    def _start(self) -> None:
        key, self.next_key = self.next_key, self.next_key + 1
        actor = self.cls.remote(*self.args)
        self.actors[key] = actor
        self.starting[actor.ready.remote()] = key

    def replace(self, key: int) -> None:
        """Drop a dead worker and start another (it waits for resources if its node is gone)."""
        if key not in self.actors:
            return
        self.ray.kill(self.actors.pop(key), no_restart=True)
        self.load.pop(key, None)
        self.stats.replaced_workers += 1
        if self.stats.replaced_workers > self.max_replacements:
            raise PipelineError(f"Ray workers keep dying ({self.stats.replaced_workers} so far); see the Ray logs")
        self._start()

    def pick(self) -> int | None:
        """The least busy ready worker with room in its queue."""
        free = [k for k, n in self.load.items() if n < self.per_worker]
        return min(free, key=lambda k: self.load[k]) if free else None

    def started(self, ref: Any) -> None:
        key = self.starting.pop(ref)
        try:
            self.stats.nodes.add(self.ray.get(ref))
        except self.ray.exceptions.RayTaskError as exc:
            raise PipelineError(f"a Ray worker could not load the pipeline: {exc}") from exc
        except self.ray.exceptions.RayError:
            self.replace(key)
            return
        self.load[key] = 0

    def close(self) -> None:
        for actor in self.actors.values():
            self.ray.kill(actor, no_restart=True)
        self.actors.clear()


def ray_results(
    items: Sequence[Item],
    settings: Settings,
    *,
    embedder: Embedder | None,
    tagger: Tag,
    parse: Callable[[Path, Settings], ParseOutcome],
    timers: dict[str, float],
    stats: PoolStats | None = None,
) -> Iterator[Prepared | Failed]:
    """Each item's Prepared (or Failed) as workers finish them, in no fixed order."""
    if not items:
        return
    ray = import_ray()
    stats = stats if stats is not None else PoolStats()
    ours = connect(settings)
    pool: _Pool | None = None
    try:
        t0 = time.perf_counter()
        pool = _Pool(ray, settings, (settings, embedder, tagger, parse, threads_per_worker(settings)), stats)
        yield from _dispatch(ray, pool, deque(items), timers, stats)
        timers["ray_total"] = timers.get("ray_total", 0.0) + time.perf_counter() - t0
    finally:
        if pool is not None:
            pool.close()
        if ours:
            ray.shutdown()


def _dispatch(
    ray: Any, pool: _Pool, queue: deque[Item], timers: dict[str, float], stats: PoolStats
) -> Iterator[Prepared | Failed]:
    in_flight: dict[Any, tuple[Item, int]] = {}
    attempts: dict[Item, int] = {}
    while queue or in_flight:
        while queue and len(in_flight) < pool.limit and (key := pool.pick()) is not None:
            item = queue.popleft()
            ref = pool.actors[key].process.remote(str(item[0]), item[1])
            in_flight[ref] = (item, key)
            pool.load[key] += 1
        stats.peak_in_flight = max(stats.peak_in_flight, len(in_flight))
        waiting = [*in_flight, *pool.starting]
        if not waiting:
            raise PipelineError("no Ray worker could be started; check the cluster's resources (ray status)")
        t0 = time.perf_counter()
        done, _ = ray.wait(waiting, num_returns=1)
        timers["ray_wait"] = timers.get("ray_wait", 0.0) + time.perf_counter() - t0
        ref = done[0]
        if ref in pool.starting:
            pool.started(ref)
            continue
        item, key = in_flight.pop(ref)
        if key in pool.load:
            pool.load[key] -= 1
        try:
            result = ray.get(ref)
        except ray.exceptions.RayTaskError as exc:
            failure = ("worker_error", f"{type(exc.cause).__name__}: {exc.cause}"[:300])
        except ray.exceptions.RayError as exc:
            pool.replace(key)
            failure = ("worker_lost", f"the worker died ({type(exc).__name__})")
        else:
            if isinstance(result, Prepared):
                for name, value in result.seconds.items():
                    timers[name] = timers.get(name, 0.0) + value
            yield result
            continue
        attempts[item] = attempts.get(item, 0) + 1
        if attempts[item] < ATTEMPTS:
            log.warning("%s: %s (%s); trying once more", item[0], *failure)
            stats.retried += 1
            queue.appendleft(item)
        else:
            yield Failed(str(item[0]), *failure)
