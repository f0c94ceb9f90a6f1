"""Shared bits for the bench scripts: machine facts, timing summaries, results files."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
QUERIES = REPO / "eval" / "queries.jsonl"
VENV_BIN = REPO / ".venv" / "bin"

if str(REPO) not in sys.path:  # run as `python bench/x.py` from anywhere
    sys.path.insert(0, str(REPO))


def machine() -> dict[str, Any]:
    """nproc, CPU model, RAM, load: where a figure came from."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
    }


def load_avg() -> float:
    return round(os.getloadavg()[0], 2)


def eval_queries(path: Path = QUERIES) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean/max in milliseconds."""
    ms = sorted(s * 1000.0 for s in seconds)
    p95 = statistics.quantiles(ms, n=100)[94] if len(ms) >= 2 else ms[0]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(p95, 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(ms[-1], 2),
    }


def peak_rss_mb() -> dict[str, float]:
    """Peak RSS of this process and of the largest waited-for child (getrusage)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "largest_child": round(kids, 1)}


def rss_mb() -> float:
    """Current resident set size of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds() -> dict[str, float]:
    """User+system CPU of this process and of its waited-for children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"self": own.ru_utime + own.ru_stime, "children": kids.ru_utime + kids.ru_stime}


def time_to_first_line(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds from spawning `cmd` to its first line on stdout; the process then finishes."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    rest, err = proc.communicate(timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-500:]}")
    return elapsed, first


def write_result(name: str, data: dict[str, Any], out: Path | None = None) -> Path:
    """Write `data` (with a timestamp and the machine) as JSON under bench/results/."""
    path = out or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dict(data)
    where = data.pop("machine", None) or machine()  # pass machine() taken at the start
    where["load_avg_1m_at_end"] = load_avg()
    payload = {
        "bench": name,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": where,
        **data,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


def offline_env() -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
