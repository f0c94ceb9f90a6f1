"""Score retrieval against the labelled queries in eval/queries.jsonl.

    python eval/retrieval.py --index DIR [--peer-results FILE] [--k 10] [--json OUT]

Runs threatbrief through its machine contract (`threatbrief search - --json
--index DIR -k K`: one query per stdin line, one {"query", "hits"} JSON line
per query on stdout) and, optionally, scores a peer's saved hits of the same
shape. A hit is relevant when its doc is a gold doc and its
[page_start, page_end] range meets that doc's gold pages. Metrics, averaged
over queries, overall and per kind:

  success@n  the first relevant hit is at rank <= n
  recall@k   fraction of the query's gold docs with a relevant hit in the top k
             (equals success@k for single-doc queries)
  mrr@k      1 / rank of the first relevant hit, 0 if none in the top k

See eval/README.md for how the queries were written and labelled.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QUERIES = REPO / "eval" / "queries.jsonl"
KINDS = ("paraphrase", "exact", "broad")
METRICS = ("success@1", "success@5", "success@10", "recall@10", "mrr@10")


class EvalError(Exception):
    """A problem with the inputs or the system under test, reported in one line."""


@dataclass(frozen=True)
class Query:
    id: str
    kind: str
    text: str
    gold: dict[str, frozenset[int]]


@dataclass(frozen=True)
class Hit:
    doc: str
    page_start: int
    page_end: int


@dataclass(frozen=True)
class QueryScore:
    id: str
    kind: str
    first_rank: int | None
    gold_docs_found: int
    gold_docs: int


def load_queries(path: Path) -> list[Query]:
    """Labelled queries from a JSONL file."""
    queries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        gold = {g["doc"]: frozenset(int(p) for p in g["pages"]) for g in row["gold"]}
        if row["kind"] not in KINDS or not gold:
            raise EvalError(f"{path}:{n}: bad kind {row['kind']!r} or empty gold")
        queries.append(Query(row["id"], row["kind"], row["query"], gold))
    return queries


def parse_hit(raw: dict[str, Any]) -> Hit:
    """A hit from either contract: `doc` is the file name, else the name in `path`."""
    doc = raw.get("doc") or Path(str(raw.get("path", ""))).name
    start = int(raw["page_start"])
    return Hit(doc=doc, page_start=start, page_end=int(raw.get("page_end", start)))


def parse_results(lines: Iterable[str], source: str) -> dict[str, list[Hit]]:
    """{"query", "hits"} JSON lines keyed by query text."""
    results: dict[str, list[Hit]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            results[row["query"]] = [parse_hit(h) for h in row["hits"]]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise EvalError(f"{source} line {n}: not a {{query, hits}} record ({exc})") from exc
    return results


def default_system_cmd() -> list[str]:
    """The threatbrief executable next to this venv's python, else `python -m pipeline`."""
    for candidate in (
        REPO / ".venv" / "bin" / "threatbrief",
        Path(sys.executable).parent / "threatbrief",
    ):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("threatbrief")
    return [found] if found else [sys.executable, "-m", "pipeline"]


def build_system_cmd(override: str | None, index: Path, k: int) -> list[str]:
    """The search command; an override may use {index} and {k} placeholders."""
    if override:
        return shlex.split(override.format(index=shlex.quote(str(index)), k=k))
    return [*default_system_cmd(), "search", "-", "--json", "--index", str(index), "-k", str(k)]


def run_system(cmd: Sequence[str], queries: Sequence[Query]) -> tuple[dict[str, list[Hit]], float]:
    """Feed all queries on stdin in one call; return hits and wall seconds."""
    stdin = "".join(q.text + "\n" for q in queries)
    t0 = time.perf_counter()
    proc = subprocess.run(list(cmd), input=stdin, capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no stderr)"]
        raise EvalError(f"`{shlex.join(cmd)}` exited {proc.returncode}: {tail[0]}")
    return parse_results(proc.stdout.splitlines(), "system output"), elapsed


def is_relevant(hit: Hit, gold: dict[str, frozenset[int]]) -> bool:
    pages = gold.get(hit.doc, frozenset())
    return any(hit.page_start <= p <= hit.page_end for p in pages)


def score_query(query: Query, hits: Sequence[Hit], k: int) -> QueryScore:
    """Rank of the first relevant hit and gold docs covered, within the top k."""
    top = hits[:k]
    first = next((rank for rank, h in enumerate(top, 1) if is_relevant(h, query.gold)), None)
    found = {h.doc for h in top if is_relevant(h, query.gold)}
    return QueryScore(query.id, query.kind, first, len(found), len(query.gold))


def score_all(queries: Sequence[Query], results: dict[str, list[Hit]], k: int) -> list[QueryScore]:
    """Per-query scores; a query missing from results scores zero."""
    missing = [q.id for q in queries if q.text not in results]
    if missing:
        print(f"warning: no results for {len(missing)} queries: {', '.join(missing)}", file=sys.stderr)
    return [score_query(q, results.get(q.text, []), k) for q in queries]


def metric_values(score: QueryScore) -> dict[str, float]:
    rank = score.first_rank
    return {
        "success@1": float(rank is not None and rank <= 1),
        "success@5": float(rank is not None and rank <= 5),
        "success@10": float(rank is not None and rank <= 10),
        "recall@10": score.gold_docs_found / score.gold_docs,
        "mrr@10": 1.0 / rank if rank is not None and rank <= 10 else 0.0,
    }


def aggregate(scores: Sequence[QueryScore]) -> dict[str, float]:
    """Mean of each metric over the given queries."""
    if not scores:
        return {m: 0.0 for m in METRICS} | {"n": 0}
    rows = [metric_values(s) for s in scores]
    means = {m: round(sum(r[m] for r in rows) / len(rows), 4) for m in METRICS}
    return means | {"n": len(scores)}


def summarise(scores: Sequence[QueryScore]) -> dict[str, dict[str, float]]:
    """Aggregates overall and for each query kind."""
    groups = {"overall": list(scores)}
    groups |= {kind: [s for s in scores if s.kind == kind] for kind in KINDS}
    return {name: aggregate(group) for name, group in groups.items()}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else ("=" if a == b else "inf")


def render_table(summaries: dict[str, dict[str, dict[str, float]]]) -> str:
    """Side-by-side metrics per group; a ratio column when two systems are scored."""
    names = list(summaries)
    header = f"{'group':<11} {'metric':<11}" + "".join(f"{n:>13}" for n in names)
    if len(names) == 2:
        header += f"{names[0][:6] + '/' + names[1][:6]:>15}"
    lines = [header, "-" * len(header)]
    for group in summaries[names[0]]:
        lines.append(f"{group:<11} {'queries':<11}" + "".join(f"{summaries[n][group]['n']:>13}" for n in names))
        for metric in METRICS:
            values = [summaries[n][group][metric] for n in names]
            row = f"{'':<11} {metric:<11}" + "".join(f"{v:>13.3f}" for v in values)
            if len(values) == 2:
                row += f"{ratio(values[0], values[1]):>15}"
            lines.append(row)
    return "\n".join(lines)


def per_query_rows(scores: Sequence[QueryScore]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "kind": s.kind,
            "first_rank": s.first_rank,
            "gold_docs_found": s.gold_docs_found,
            "gold_docs": s.gold_docs,
        }
        for s in scores
    ]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Score threatbrief (and a peer) on eval/queries.jsonl.")
    parser.add_argument("--index", type=Path, help="threatbrief index folder to search")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="labelled queries JSONL")
    parser.add_argument("--peer-results", type=Path, help="peer hits JSONL ({query, hits} per line)")
    parser.add_argument("--system-results", type=Path, help="score saved threatbrief hits instead of running it")
    parser.add_argument("--system-cmd", help="override the search command; may use {index} and {k}")
    parser.add_argument("--no-system", action="store_true", help="score only the peer")
    parser.add_argument("--k", "-k", type=int, default=10, help="hits per query to score")
    parser.add_argument("--json", type=Path, dest="json_out", help="write all scores to this JSON file")
    args = parser.parse_args(argv)
    if not args.no_system and not args.system_results and not args.index:
        parser.error("--index is required unless --system-results or --no-system is given")
    if args.no_system and not args.peer_results:
        parser.error("--no-system needs --peer-results")
    return args


def system_results(args: argparse.Namespace, queries: Sequence[Query]) -> tuple[dict[str, list[Hit]], dict[str, Any]]:
    """Hits for threatbrief, from a saved file or a live run, plus run info."""
    if args.system_results:
        return parse_results(args.system_results.read_text(encoding="utf-8").splitlines(), str(args.system_results)), {
            "source": str(args.system_results)
        }
    cmd = build_system_cmd(args.system_cmd, args.index, args.k)
    hits, seconds = run_system(cmd, queries)
    return hits, {
        "command": shlex.join(cmd),
        "wall_s": round(seconds, 3),
        "ms_per_query": round(1000 * seconds / max(len(queries), 1), 1),
    }


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    queries = load_queries(args.queries)
    report: dict[str, Any] = {"k": args.k, "queries": len(queries), "systems": {}}
    if not args.no_system:
        hits, info = system_results(args, queries)
        scores = score_all(queries, hits, args.k)
        report["systems"]["threatbrief"] = {
            "run": info,
            "summary": summarise(scores),
            "per_query": per_query_rows(scores),
        }
    if args.peer_results:
        lines = args.peer_results.read_text(encoding="utf-8").splitlines()
        scores = score_all(queries, parse_results(lines, str(args.peer_results)), args.k)
        report["systems"]["peer"] = {
            "run": {"source": str(args.peer_results)},
            "summary": summarise(scores),
            "per_query": per_query_rows(scores),
        }
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        report = evaluate(args)
    except (EvalError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    summaries = {name: system["summary"] for name, system in report["systems"].items()}
    print(render_table(summaries))
    if "threatbrief" in report["systems"]:
        print(f"\nthreatbrief run: {json.dumps(report['systems']['threatbrief']['run'])}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
