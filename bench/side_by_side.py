"""threatbrief and the LangChain peer on the same corpus in one run, then retrieval quality.

    .venv/bin/python bench/side_by_side.py --corpus /work/shared/corpus

Runs, one after the other (never two heavy steps at once): bench/ingest.py (threatbrief),
bench/peer_langchain.py (its own venv), and eval/retrieval.py for both; then prints both
tools' figures, the ratios, and each goal of issue 6 as met / not met. The scale goals
(100k-chunk query latency, 1M-chunk memory and recall) come from the latest
bench/results/query.json and scale.json unless --with-scale runs bench/query.py and
bench/scale.py here too. Writes bench/results/side_by_side.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import QUERIES, REPO, RESULTS, VENV_BIN, machine, offline_env, write_result

PY = str(VENV_BIN / "python")
KINDS = ("overall", "paraphrase", "exact", "broad")
METRICS = ("success@1", "success@5", "success@10", "recall@10", "mrr@10")


def step(name: str, cmd: list[str]) -> float:
    print(f"== {name}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO, env=offline_env())
    return round(time.perf_counter() - t0, 1)


def load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def goals(
    tb: dict[str, Any],
    peer: dict[str, Any],
    ret: dict[str, Any],
    query100k: dict[str, Any] | None,
    scale: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    ing = tb["ingest"]
    out = []

    def goal(name: str, met: bool | None, value: str) -> None:
        out.append({"goal": name, "met": met, "value": value})

    ratio = ing["pages_per_s"] / peer["ingest"]["pages_per_s"]
    goal(
        "ingest pages/s >= 2x peer, with claims",
        ratio >= 2 and ing["claims_on"],
        f"{ratio:.2f}x ({ing['pages_per_s']} vs {peer['ingest']['pages_per_s']} pages/s; "
        f"claims {'on' if ing['claims_on'] else 'off'})",
    )
    goal("whole ingest <= 1.3x bare embedding", tb["ingest_over_bare_embed"] <= 1.3, f"{tb['ingest_over_bare_embed']}x")
    goal("no-op re-run <= 2 ms/file", tb["noop"]["ms_per_file"] <= 2, f"{tb['noop']['ms_per_file']} ms/file")
    if query100k:
        p50 = query100k["warm_query"]["p50_ms"]
        goal(
            "warm query p50 <= 30 ms at 100k chunks",
            p50 <= 30,
            f"{p50} ms at {query100k['chunks']} chunks ({query100k.get('finished_at', '?')})",
        )
    else:
        goal("warm query p50 <= 30 ms at 100k chunks", None, "no bench/results/query.json")
    goal("cold search <= 2 s", tb["cold_search"]["median_s"] <= 2, f"{tb['cold_search']['median_s']} s median")
    big = {r["data"]: r for r in (scale or {}).get("runs", []) if r["n"] >= 1_000_000}
    if big:
        # clustered vectors stand in for text embeddings; uniform random ones have no neighbours to find
        row = big.get("clustered") or next(iter(big.values()))
        mem, rec = row["index_mb"], row["recall_at_10"]
        others = ", ".join(f"{d} {r['recall_at_10']}" for d, r in big.items() if r is not row)
        goal(
            "1M chunks: index <= 2 GB, recall@10 >= 0.95",
            mem <= 2048 and rec >= 0.95,
            f"{row['index_class']}: {mem} MB, recall@10 {rec} ({row['data']})" + (f"; {others}" if others else ""),
        )
    else:
        goal("1M chunks: index <= 2 GB, recall@10 >= 0.95", None, "no 1M row in scale.json")
    tbs = ret["systems"]["threatbrief"]["summary"]
    ps = ret["systems"]["peer"]["summary"]
    worse = [f"{kind} {m}" for kind in KINDS[1:] for m in ("success@10", "mrr@10") if not tbs[kind][m] > ps[kind][m]]
    goal(
        "success@10 and MRR@10 above the peer on every kind",
        not worse,
        "all above" if not worse else "not above on: " + ", ".join(worse),
    )
    return out


def render(tb: dict[str, Any], peer: dict[str, Any], ret: dict[str, Any], checks: list[dict[str, Any]]) -> str:
    ing, pi = tb["ingest"], peer["ingest"]
    pl = peer["query_latency"]
    rows = [
        ("pages", ing["pages"], pi["pages"]),
        ("chunks", ing["chunks"], pi["chunks"]),
        ("ingest wall s", ing["wall_s"], pi["total_ingest_s"]),
        ("ingest pages/s", ing["pages_per_s"], pi["pages_per_s"]),
        ("claims extracted", ing["claims"], 0),
        ("ingest / bare embed", tb["ingest_over_bare_embed"], None),
        ("no-op re-run ms/file", tb["noop"]["ms_per_file"], None),
        ("warm query p50 ms", tb["warm_query"]["p50_ms"], pl["p50_ms"]),
        ("warm query p95 ms", tb["warm_query"]["p95_ms"], pl["p95_ms"]),
        ("cold search s", tb["cold_search"]["median_s"], None),
        ("peak RSS MB (self)", ing["peak_rss_mb"]["self"], peer["peak_rss_mb"]["self"]),
    ]
    lines = [f"{'':<24}{'threatbrief':>14}{'peer':>12}{'tb/peer':>10}"]
    for name, a, b in rows:
        r = f"{a / b:.2f}x" if isinstance(b, (int, float)) and b else "-"
        lines.append(f"{name:<24}{a!s:>14}{'-' if b is None else str(b):>12}{r:>10}")
    lines.append("")
    tbs = ret["systems"]["threatbrief"]["summary"]
    ps = ret["systems"]["peer"]["summary"]
    lines.append(f"{'kind':<11}{'metric':<12}{'threatbrief':>12}{'peer':>8}{'tb/peer':>9}")
    for kind in KINDS:
        for m in METRICS:
            a, b = tbs[kind][m], ps[kind][m]
            r = f"{a / b:.2f}x" if b else ("=" if a == b else "inf")
            lines.append(f"{kind if m == METRICS[0] else '':<11}{m:<12}{a:>12.3f}{b:>8.3f}{r:>9}")
    lines.append("")
    for c in checks:
        mark = {True: "MET", False: "NOT MET", None: "n/a"}[c["met"]]
        lines.append(f"[{mark:>7}] {c['goal']}: {c['value']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--index", type=Path, default=Path("/tmp/tb_bench_index"))
    p.add_argument("--with-scale", action="store_true", help="also run query.py and scale.py")
    p.add_argument("--skip-peer", action="store_true", help="reuse bench/results/peer*.json")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    where = machine()
    walls = {}
    walls["threatbrief"] = step(
        "threatbrief ingest bench", [PY, "bench/ingest.py", "--corpus", str(args.corpus), "--index", str(args.index)]
    )
    peer_out, peer_hits = RESULTS / "peer.json", RESULTS / "peer_hits.jsonl"
    if not args.skip_peer:
        walls["peer"] = step(
            "LangChain peer",
            [
                PY,
                "bench/peer_langchain.py",
                "--corpus",
                str(args.corpus),
                "--queries",
                str(QUERIES),
                "--out",
                str(peer_out),
                "--hits",
                str(peer_hits),
            ],
        )
    walls["eval"] = step(
        "retrieval eval",
        [
            PY,
            "eval/retrieval.py",
            "--index",
            str(args.index),
            "--peer-results",
            str(peer_hits),
            "--json",
            str(RESULTS / "retrieval.json"),
        ],
    )
    if args.with_scale:
        walls["query"] = step("100k query bench", [PY, "bench/query.py", "--source", str(args.index)])
        walls["scale"] = step("scale bench", [PY, "bench/scale.py"])
    tb = load(RESULTS / "ingest.json")
    peer = load(peer_out)
    ret = load(RESULTS / "retrieval.json")
    assert tb and peer and ret
    checks = goals(tb, peer, ret, load(RESULTS / "query.json"), load(RESULTS / "scale.json"))
    text = render(tb, peer, ret, checks)
    print(text)
    path = write_result(
        "side_by_side",
        {
            "machine": where,
            "command": " ".join([".venv/bin/python", "bench/side_by_side.py", *sys.argv[1:]]),
            "step_wall_s": walls,
            "goals": checks,
            "threatbrief": {
                k: tb[k]
                for k in (
                    "ingest",
                    "bare_embed",
                    "ingest_over_bare_embed",
                    "noop",
                    "warm_query",
                    "cold_search",
                    "cold_search_torch",
                )
            },
            "peer": {k: peer[k] for k in ("ingest", "query_latency", "peak_rss_mb", "model_load_s")},
            "retrieval": {n: s["summary"] for n, s in ret["systems"].items()},
        },
    )
    print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
