"""One Ray actor per worker slot: a document's path in, its rows and vectors out.

The actor keeps the embedder (and spaCy, via the tagger) loaded between documents; it
parses through the same entry point as the single-machine path, so each PDF still opens
in a fresh child process under the memory cap and time budget of the settings. It never
touches the index: the driver is the one writer.
"""

from __future__ import annotations

import resource
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pipeline.embed.model import Embedder
from pipeline.parse.isolate import ParseOutcome
from pipeline.prepare import Failed, Prepared, Tag, load_embedder, prepare
from pipeline.settings import Settings


class DocumentWorker:
    """Parse -> chunk -> embed -> tag for one document at a time (run as a Ray actor)."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None,
        tag: Tag,
        parse: Callable[[Path, Settings], ParseOutcome],
        num_threads: int,
    ) -> None:
        self._settings = settings
        self._embedder = embedder
        self._tag = tag
        self._parse = parse
        self._num_threads = num_threads

    def _model(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self._settings, num_threads=self._num_threads)
        return self._embedder

    def ready(self) -> str:
        """Load the model before the first document arrives; where this worker runs."""
        import ray

        self._model()
        return f"{socket.gethostname()}/{ray.get_runtime_context().get_node_id()[:8]}"

    def process(self, path: str, sha256: str) -> Prepared | Failed:
        cpu0 = _cpu_seconds()
        outcome = self._parse(Path(path), self._settings)
        result = prepare(outcome, Path(path), sha256, self._model, self._tag, self._settings)
        if isinstance(result, Prepared):
            # CPU time (this worker and its parse child) is what sizes a cluster, whatever the load
            cpu = _cpu_seconds() - cpu0
            result = replace(result, seconds={**result.seconds, "parse": outcome.seconds, "worker_cpu": cpu})
        return result


def _cpu_seconds() -> float:
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime
