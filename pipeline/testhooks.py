"""Test-only crash points for the crash-safety tests: SIGKILL this process at a chosen moment.

Set THREATBRIEF_FAULT to a point's name (e.g. `vectors.before_rename`) and the process
kills itself when it reaches that point, after THREATBRIEF_FAULT_SKIP earlier hits
(default 0). Unset, a crash point costs one environment lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "THREATBRIEF_FAULT"
SKIP_ENV = "THREATBRIEF_FAULT_SKIP"
POINTS = (
    "vectors.after_tmp_write",  # the temp file is written, not yet fsynced
    "vectors.before_rename",  # fsynced, not yet renamed into place
    "vectors.before_commit",  # renamed, the SQLite rows naming it not yet committed
    "ingest.after_doc",  # a document's transaction has committed
)
_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    """SIGKILL this process when THREATBRIEF_FAULT equals `name`; otherwise do nothing."""
    if os.environ.get(ENV) != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] > int(os.environ.get(SKIP_ENV) or 0):
        os.kill(os.getpid(), signal.SIGKILL)
