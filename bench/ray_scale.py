"""Ingest throughput with and without Ray, driver overhead and memory, and a projection to 10^6 pages.

    .venv/bin/python bench/ray_scale.py --corpus /work/shared/corpus [--pages 120] [--memory-docs 120]

Each configuration runs in a fresh process on the same corpus subset (reports of <= 40
pages, by file name, until --pages pages), real model and claims, fresh index:

  plain      pipeline.ingest.ingest without Ray (parse children + one embedder, all cores)
  ray-1      a local Ray, one worker of 1 CPU       ray-2  a local Ray, two workers of 1 CPU
  cluster-2  ray.cluster_utils.Cluster: two raylets of 1 CPU each on this machine

Figures per configuration: wall time, start-up (to the first committed document),
steady pages/s (pages after the first document / time from first to last commit),
driver CPU seconds per document, peak RSS of the driver, of each Ray worker and of the
parse children. --memory-docs N ingests N tiny generated PDFs on ray-2 with the fake
embedder and records the driver's RSS after every commit (flat = no growth with N).
The projection uses the measured per-worker rate; the GPU rows are projections (no GPU
here) from stated assumptions. Writes bench/results/ray_scale.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import REPO, load_avg, machine, rss_mb, write_result

CONFIGS = ("plain", "ray-1", "ray-2", "cluster-2")
PAGES = 1_000_000


def pick_files(corpus: Path, pages: int) -> list[Path]:
    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh, delimiter="\t"), key=lambda r: r["file"])
    out, total = [], 0
    for r in rows:
        if int(r["pages"]) <= 40 and (corpus / r["file"]).is_file():
            out.append(corpus / r["file"])
            total += int(r["pages"])
            if total >= pages:
                break
    return out


class WorkerSampler(threading.Thread):
    """Peak RSS of Ray worker processes and parse children, sampled from /proc every 0.25 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.25):
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit() or int(proc.name) == os.getpid():
                    continue
                try:
                    cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    status = (proc / "status").read_text()
                except OSError:
                    continue
                if "DocumentWorker" in cmd:
                    kind = "ray_worker"
                elif "pipeline.parse.worker" in cmd:
                    kind = "parse_child"
                else:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak[kind] = max(self.peak.get(kind, 0.0), int(line.split()[1]) / 1024)


def run_one(config: str, files: list[Path], memory_docs: int) -> dict[str, Any]:
    """One configuration in this process; returns its figures."""
    sys.path.insert(0, str(REPO))
    from pipeline.index.store import Store
    from pipeline.ingest import ingest
    from pipeline.settings import Settings

    cluster = None
    if config != "plain":
        import ray

        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        t_ray = time.perf_counter()
        if config == "cluster-2":
            from ray.cluster_utils import Cluster

            cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
            cluster.add_node(num_cpus=1)
            cluster.wait_for_nodes()
            ray.init(address=cluster.address, log_to_driver=False)
        else:
            ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
        ray_start_s = time.perf_counter() - t_ray
    workers = 1 if config == "ray-1" else 2
    index = Path(tempfile.mkdtemp(prefix=f"tb_ray_{config}_"))
    settings = Settings(index_dir=index, ray_address="" if config == "plain" else "local", ray_workers=workers)
    sampler = WorkerSampler()
    sampler.start()
    marks: list[tuple[float, float, float, float]] = []  # (wall, driver cpu, rss, parse-children cpu)

    def progress(name: str, done: int, total: int) -> None:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        marks.append((time.perf_counter(), time.process_time(), rss_mb(), kids.ru_utime + kids.ru_stime))

    kwargs: dict[str, Any] = {}
    if memory_docs:
        from tests.conftest import FakeEmbedder, make_text_pdf

        folder = index.parent / f"{index.name}_pdfs"
        folder.mkdir()
        files = [
            make_text_pdf(folder / f"m{i:05d}.pdf", [f"Report {i}: APT{i} uses phishing against ministry {i}."])
            for i in range(memory_docs)
        ]
        kwargs = {"embedder": FakeEmbedder(), "tagger": lambda d: []}
    if config == "raydata-2":
        return run_ray_data(files, settings, kwargs, marks, progress)
    t0 = time.perf_counter()
    report = ingest(files, settings, progress=progress, **kwargs)
    wall = time.perf_counter() - t0
    sampler.stop.set()
    with Store(settings.db_path) as st:
        page_counts = [int(r[0]) for r in st.db.execute("SELECT page_count FROM documents")]
    if cluster is not None:
        import ray

        ray.shutdown()
        cluster.shutdown()
    elif config != "plain":
        import ray

        ray.shutdown()
    first_pages = page_counts[0] if page_counts else 0
    steady_pages = max(1, report.pages - first_pages)
    steady_s = marks[-1][0] - marks[0][0] if len(marks) > 1 else wall
    driver_cpu = marks[-1][1] - marks[0][1] if len(marks) > 1 else 0.0
    # CPU seconds per page: robust to other load on the machine, unlike wall time. Plain: this
    # process and its parse children between the first and last commit; Ray: each worker's
    # own count per document (itself + its parse child) plus the driver's.
    if config == "plain":
        cpu_per_page = (driver_cpu + marks[-1][3] - marks[0][3]) / steady_pages
        cores = os.cpu_count() or 1
    else:
        cpu_per_page = report.seconds.get("worker_cpu", 0.0) / max(1, report.pages) + driver_cpu / steady_pages
        cores = workers
    out: dict[str, Any] = {
        "config": config,
        "documents": len(report.new),
        "failed": len(report.failed),
        "pages": report.pages,
        "chunks": report.chunks,
        "claims": report.claims,
        "wall_s": round(wall, 2),
        "startup_s": round(marks[0][0] - t0, 2) if marks else None,
        "pages_per_s_wall": round(report.pages / wall, 2),
        "pages_per_s_steady": round((report.pages - first_pages) / steady_s, 2) if steady_s else None,
        "docs_per_s_steady": round((len(marks) - 1) / steady_s, 2) if steady_s else None,
        "cpu_s_per_page": round(cpu_per_page, 4),
        "cores": cores,
        "pages_per_s_idle_from_cpu": round(cores / cpu_per_page, 2) if cpu_per_page else None,
        "driver_cpu_s_per_doc": round(driver_cpu / max(1, len(marks) - 1), 4),
        "driver_store_index_s_per_doc": round(
            (report.seconds.get("store", 0) + report.seconds.get("index", 0)) / max(1, len(report.new)), 4
        ),
        "peak_rss_mb": {
            "driver": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            **{k: round(v, 1) for k, v in sampler.peak.items()},
        },
        "stage_seconds": report.seconds,
        "load_avg_1m_at_end": load_avg(),
    }
    if config != "plain":
        out["ray_start_s"] = round(ray_start_s, 2)
        out["workers"] = workers
    if memory_docs:
        rss = [m[2] for m in marks]
        n = len(rss)
        half = n // 2
        out["driver_rss_mb"] = {
            "after_doc_1": round(rss[0], 1),
            f"after_doc_{half}": round(rss[half - 1], 1),
            f"after_doc_{n}": round(rss[-1], 1),
            "growth_2nd_half_kb_per_doc": round((rss[-1] - rss[half - 1]) * 1024 / max(1, n - half), 2),
        }
    return out


def run_ray_data(files: list[Path], settings: Any, kwargs: dict[str, Any], marks: list, progress: Any) -> dict:
    """The same per-document work as a Ray Data pipeline (actor-pool map), results to the driver."""
    import ray

    from pipeline.distributed.worker import DocumentWorker
    from pipeline.parse.isolate import parse_isolated
    from pipeline.text import sha256_file

    args = (settings, kwargs.get("embedder"), kwargs.get("tagger"), parse_isolated, 1)

    class Udf:
        def __init__(self) -> None:
            self.worker = DocumentWorker(*args)

        def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
            return {"path": row["path"], "result": self.worker.process(row["path"], row["sha256"])}

    t0 = time.perf_counter()
    items = [{"path": str(f), "sha256": sha256_file(f)} for f in files]
    ds = ray.data.from_items(items, override_num_blocks=len(items)).map(Udf, concurrency=2, num_cpus=1)
    n = 0
    for row in ds.iter_rows():
        n += 1
        progress(row["path"], n, len(items))
    wall = time.perf_counter() - t0
    ray.shutdown()
    steady = marks[-1][0] - marks[0][0]
    return {
        "config": "raydata-2",
        "documents": n,
        "wall_s": round(wall, 2),
        "startup_s": round(marks[0][0] - t0, 2),
        "docs_per_s_steady": round((n - 1) / steady, 2) if steady else None,
        "driver_cpu_s_per_doc": round((marks[-1][1] - marks[0][1]) / max(1, n - 1), 4),
        "peak_rss_mb": {"driver": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)},
    }


def project(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Time for 10^6 pages from the measured CPU cost per page (CPU rows) and stated assumptions (GPU)."""
    one, two = results["ray-1"], results["ray-2"]
    per_worker = one["pages_per_s_idle_from_cpu"]  # one worker on one dedicated core
    efficiency = min(1.0, one["cpu_s_per_page"] / two["cpu_s_per_page"])  # CPU per page, 2 workers vs 1
    pages_per_doc = one["pages"] / max(1, one["documents"])
    driver_s_per_doc = max(r["driver_cpu_s_per_doc"] for r in (one, two))
    driver_ceiling = pages_per_doc / driver_s_per_doc if driver_s_per_doc else float("inf")
    st = one["stage_seconds"]
    stages = {k: st.get(k, 0.0) for k in ("parse", "chunk", "embed", "claims")}
    embed_share = stages["embed"] / max(1e-9, sum(stages.values()))
    cpu_non_embed = one["cpu_s_per_page"] * (1 - embed_share)
    chunks_per_page = one["chunks"] / one["pages"]
    rows: dict[str, Any] = {}

    def row(name: str, rates: dict[str, float]) -> None:
        bound = min(rates, key=lambda k: rates[k])
        rate = rates[bound]
        rows[name] = {
            "pages_per_s": round(rate, 1),
            "hours": round(PAGES / rate / 3600, 2),
            "bound": bound,
            "pages_per_s_by_part": {k: round(v, 1) for k, v in rates.items()},
        }

    for nodes, cores in ((8, 2), (32, 2), (8, 8), (32, 8)):
        workers = nodes * cores
        row(
            f"{nodes} CPU nodes x {cores} cores ({workers} workers)",
            {"workers": workers * per_worker * efficiency, "driver": driver_ceiling},
        )
    # GPU: ASSUMPTIONS, not measured here. all-MiniLM-L6-v2 encodes ~5,000 chunks/s of <=256 word
    # pieces on one datacenter GPU at batch 256 (conservative against sbert.net's ~14,000 short
    # sentences/s on a V100); each GPU node has 16 cores for parse, chunk and claims.
    gpu_chunks_per_s, cores_per_gpu_node = 5000.0, 16
    for gpus in (1, 4):
        row(
            f"PROJECTION {gpus} GPU node(s), 1 GPU + {cores_per_gpu_node} cores each",
            {
                "gpu embed": gpus * gpu_chunks_per_s / chunks_per_page,
                "cpu stages": gpus * cores_per_gpu_node / cpu_non_embed * efficiency,
                "driver": driver_ceiling,
            },
        )
    return {
        "per_worker_pages_per_s_idle": per_worker,
        "two_worker_cpu_efficiency": round(efficiency, 3),
        "pages_per_doc": round(pages_per_doc, 1),
        "driver_ceiling_pages_per_s": round(driver_ceiling, 1),
        "embed_share_of_worker_time": round(embed_share, 3),
        "cpu_s_per_page_without_embed": round(cpu_non_embed, 4),
        "chunks_per_page": round(chunks_per_page, 2),
        "assumptions": "CPU rows: one worker per core at the measured CPU seconds per page (ray-1), times the "
        "2-worker CPU efficiency, capped by the driver's measured CPU per document. GPU rows are PROJECTIONS: "
        "5,000 chunks/s per GPU (assumed, not measured), 16 cores per GPU node doing parse/chunk/claims at "
        "the measured CPU cost per page less the embedder's share.",
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--pages", type=int, default=120)
    ap.add_argument("--memory-docs", type=int, default=120)
    ap.add_argument("--configs", nargs="*", default=list(CONFIGS))
    ap.add_argument("--project-only", action="store_true", help="recompute the projection from the results file")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs="*", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--memory", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.files or [], args.memory)))
        return
    if args.project_only:
        saved = json.loads((REPO / "bench" / "results" / "ray_scale.json").read_text())
        saved["projection"] = project(saved["results"])
        write_result("ray_scale", saved)
        print(json.dumps(saved["projection"], indent=1))
        return
    files = pick_files(args.corpus, args.pages)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    results: dict[str, dict[str, Any]] = {}
    runs = [(c, 0) for c in args.configs]
    if args.memory_docs:  # engine overhead per document: tiny PDFs, fake embedder, no claims
        runs += [("ray-2", args.memory_docs), ("raydata-2", args.memory_docs)]
    for config, memory in runs:
        cmd = [sys.executable, __file__, "--one", config, "--memory", str(memory), "--files", *map(str, files)]
        print(f"-- {config}{' (memory)' if memory else ''} (load {load_avg()})", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{config} failed")
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results[f"{config}-memory" if memory else config] = res
        print(json.dumps(res, indent=1), file=sys.stderr, flush=True)
    out: dict[str, Any] = {"machine": machine(), "files": [f.name for f in files], "results": results}
    if {"plain", "ray-1", "ray-2"} <= results.keys():
        plain = results["plain"]["pages_per_s_steady"]
        out["ray2_vs_plain_wall"] = round(results["ray-2"]["pages_per_s_steady"] / plain, 3)
        out["ray2_vs_plain_cpu"] = round(results["plain"]["cpu_s_per_page"] / results["ray-2"]["cpu_s_per_page"], 3)
        out["projection"] = project(results)
    out["load_avg_1m_at_end"] = load_avg()
    write_result("ray_scale", out)
    print(json.dumps({k: v for k, v in out.items() if k != "results"}, indent=1))


if __name__ == "__main__":
    main()
