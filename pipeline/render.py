"""rich rendering for the CLI. Every PDF-supplied string goes through pipeline.text first."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.models import Hit
from pipeline.text import clean_text, terminal_text

if TYPE_CHECKING:  # pipeline.ingest is not needed to render search hits
    from pipeline.ingest import IngestReport, Progress

_WORD = re.compile(r"\w{3,}")


def _pages(start: int, end: int) -> str:
    return f"p. {start}" if start == end else f"pp. {start}-{end}"


def snippet(text: str, query: str, width: int = 320) -> Text:
    """A window of the chunk around the first query term, with query terms highlighted."""
    flat = terminal_text(text)
    terms = {t.lower() for t in _WORD.findall(query)}
    lower = flat.lower()
    first = min((lower.find(t) for t in terms if t in lower), default=0)
    start = max(0, first - width // 3)
    piece = ("…" if start else "") + flat[start : start + width] + ("…" if start + width < len(flat) else "")
    out = Text(piece)
    for t in terms:
        out.highlight_regex(re.compile(rf"(?i)\b{re.escape(t)}\w*"), "bold yellow")
    return out


def render_hits(console: Console, query: str, hits: Sequence[Hit]) -> None:
    if not hits:
        console.print(Text("No results.", style="dim"))
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("document", ratio=2, overflow="fold")
    table.add_column("pages", width=12)
    table.add_column("passage", ratio=5)
    for h in hits:
        label = Text(terminal_text(h.title or h.doc, 90))
        label.append("\n" + terminal_text(h.doc, 90), style="dim")
        pages = _pages(h.page_start, h.page_end) + (", OCR" if h.ocr else "")
        table.add_row(str(h.rank), label, pages, snippet(h.text, query))
    console.print(table)


@contextmanager
def ingest_progress(enabled: bool, console: Console | None = None) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),  # file names are data, never markup
        console=console or Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=terminal_text(name, 60))

        yield update


def render_ingest_summary(report: IngestReport) -> None:
    console = Console(stderr=True, highlight=False, soft_wrap=not sys.stderr.isatty())
    s = report.summary()
    console.print(
        Text(
            f"new {s['new']}, replaced {s['replaced']}, unchanged {s['unchanged']}, "
            f"quarantined {s['failed']}"
            + (f" (+{s['skipped_failed']} known)" if s["skipped_failed"] else "")
            + (f", pruned {s['pruned']}" if s["pruned"] else "")
            + f" | {s['pages']} pages, {s['chunks']} chunks, {s['claims']} claims"
            f" in {report.seconds.get('total', 0):.1f} s"
        )
    )
    for path, reason, detail in report.failed:
        console.print(
            Text(f"  failed {terminal_text(path)}: {reason}", style="red").append(
                f" ({terminal_text(detail, 200)})" if detail else "", style="dim"
            )
        )


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size):,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{n:,} bytes"


def render_status(console: Console, info: dict[str, Any]) -> None:
    """`status` in human units, one line a field (greppable, never wrapped when piped)."""
    vi = info["vector_index"]
    last = info["last_run"]
    rows: list[tuple[str, str]] = [
        ("index", info["index"]),
        ("documents", f"{info['documents']:,}"),
        ("pages", f"{info['pages']:,}"),
        ("chunks", f"{info['chunks']:,}"),
        ("claims", f"{info['claims']:,}"),
        ("failed files", f"{info['failed_files']:,}"),
        ("model", f"{info['model'] or '-'}" + (f" ({info['dimension']} dimensions)" if info["dimension"] else "")),
        (
            "vector index",
            f"{vi['kind']} ({'exact' if vi['exact'] else 'approximate'}), generation {vi['generation']}, "
            f"{vi['vectors']:,} vectors; HNSW above {vi['hnsw_above_chunks']:,} chunks"
            + ("" if vi["file_present"] else f"; FILE MISSING, run `threatbrief repair {info['index']}`"),
        ),
        ("size on disk", _human_bytes(int(info["size_bytes"]))),
        ("integrity", info["integrity"]),
        (
            "last run",
            f"#{last['run_id']} {last['kind']}, {last['status']}, finished {last['finished_at'] or '-'}"
            if last
            else "-",
        ),
    ]
    for i, f in enumerate(info["failed"]):
        detail = f" ({f['detail']})" if f.get("detail") else ""
        rows.append(("quarantined" if i == 0 else "", f"{f['path']}: {f['reason']}{detail}"))
    for key, value in rows:
        console.print(Text(f"{key:<13} ", style="bold").append(terminal_text(value), style=""))


def render_documents(console: Console, docs: list[dict[str, Any]]) -> None:
    """Two lines a document: id prefix, file, date and counts; then title and publisher."""
    if not docs:
        console.print(Text("No documents match.", style="dim"))
        return
    for d in docs:
        counts = f"{d['pages']} pages, {d['chunks']} chunks, {d['claims']} claims"
        if d["ocr_share"] is not None:
            counts += f", OCR {d['ocr_share']:.0%}"
        head = Text(d["doc_id"][:12] + "  ", style="cyan")
        head.append(terminal_text(d["file"], 100), style="bold")
        head.append(f"  {terminal_text(d['published'] or 'undated', 10)}  {counts}")
        console.print(head)
        about = " · ".join(terminal_text(x, 120) for x in (d["title"], d["publisher"]) if x)
        if about:
            console.print(Text("              " + about, style="dim"))
    noun = "document" if len(docs) == 1 else "documents"
    console.print(Text(f"{len(docs)} {noun}; --doc takes a file name, a doc id prefix or title words", style="dim"))


def render_repair(console: Console, report: Any) -> None:
    for line in report.rebuilt:
        console.print(Text(f"rebuilt: {terminal_text(line)}"))
    for line in report.unrecoverable:
        console.print(Text(f"cannot rebuild: {terminal_text(line)}", style="red"))
    verdict = "index repaired" if report.ok else "index NOT repaired"
    console.print(Text(f"{verdict}: {terminal_text(str(report.index_dir))}", style="bold"))


_SPAN_STYLE = {"actor": "bold red", "capability": "bold cyan"}


def render_tag(console: Console, result: dict[str, Any], spans: list[tuple[int, int, str]]) -> None:
    """The text with actor and capability spans highlighted, then the tags and claims."""
    raw = result["text"]

    def piece(a: int, b: int) -> str:
        return clean_text(raw[a:b]).replace("\n", " ")

    text = Text()
    pos = 0
    for start, end, kind in spans:
        if start < pos:
            continue
        text.append(piece(pos, start))
        text.append(piece(start, end), style=_SPAN_STYLE.get(kind, "bold"))
        pos = end
    text.append(piece(pos, len(raw)))
    console.print(text)
    facts = Text("  ")
    for label, value in (
        ("actors", ", ".join(result["actors"]) or "-"),
        ("capabilities", ", ".join(result["capabilities"]) or "-"),
        ("ai", "yes" if result["ai_enabled"] else "no"),
        ("likelihood", result["likelihood"] or "-"),
        ("confidence", result["confidence"] or "-"),
        ("stance", result["stance"]),
    ):
        facts.append(f"{label}: ", style="dim").append(str(value) + "  ")
    console.print(facts)
    for claim in result["claims"]:
        console.print(
            Text(
                f"  claim: {claim['actor'] or '-'} {claim['capability']}"
                + (f" -> {terminal_text(claim['target'], 60)}" if claim.get("target") else "")
                + (f" [{terminal_text(claim['actor_mention'], 40)}]" if claim.get("actor_mention") else ""),
                style="green",
            )
        )


def render_taxonomy(console: Console, data: dict[str, Any], folder: Any) -> None:
    actors = Table(title="Actors (aliases resolve to the state they serve)", expand=True)
    actors.add_column("code", width=5)
    actors.add_column("aliases", ratio=1, overflow="fold")
    for code, info in sorted(data.get("actors", {}).items()):
        names: list[str] = []
        for value in info.values():
            if isinstance(value, list):
                names += [str(v["name"]) if isinstance(v, dict) and "name" in v else str(v) for v in value]
        actors.add_row(Text(code), Text(", ".join(names)))
    console.print(actors)
    groups = Table(title="Named groups and organs", expand=True)
    groups.add_column("name", ratio=1)
    groups.add_column("state", width=5)
    groups.add_column("aliases", ratio=2, overflow="fold")
    for g in data.get("groups", []):
        groups.add_row(
            Text(str(g.get("name", ""))),
            Text(str(g.get("state", g.get("actor", "")))),
            Text(", ".join(str(a) for a in g.get("aliases", []))),
        )
    console.print(groups)
    caps = Table(title="Capabilities", expand=True)
    caps.add_column("code", width=25)
    caps.add_column("covers", ratio=1)
    caps.add_column("patterns", width=9, justify="right")
    for code, rules in data.get("capabilities", {}).items():
        caps.add_row(
            Text(code),
            Text(str(rules.get("covers", ""))),
            str(len(rules.get("triggers", [])) + len(rules.get("weak", []))),
        )
    console.print(caps)
    console.print(Text(f"Data files: {folder} (edit them to add an alias or a group)", style="dim"))


def render_nightly(console: Console, result: Any) -> None:
    console.print(Text(terminal_text(result.summary_line())))
    for path, reason, detail in result.report.failed:
        console.print(
            Text(f"  failed {terminal_text(path)}: {reason}", style="red").append(
                f" ({terminal_text(detail, 200)})" if detail else "", style="dim"
            )
        )


def render_claims(console: Console, result: dict[str, Any], limit: int) -> None:
    """At most `limit` claims with their quotes, then the actor x capability table of all of them."""
    claims = result["claims"]
    shown = claims[:limit]
    for c in shown:
        src = c["source"]
        head = Text(f"{c['actor'] or '-'} · {c['capability']}", style="bold")
        extra = [
            x
            for x in (
                c["likelihood"],
                c["confidence"] and f"{c['confidence']} confidence",
                c["stance"],
                "AI" if c["ai_enabled"] else None,
            )
            if x
        ]
        head.append("  " + ", ".join(extra), style="dim")
        head.append(f"  {terminal_text(src['doc'], 80)}, p. {src['page']}", style="cyan")
        console.print(head)
        console.print(Text("  “" + terminal_text(src["sentence"], 400) + "”"))
    if len(claims) > limit:
        console.print(Text(f"… {len(claims) - limit} more (raise --limit, or use --json for all)", style="dim"))
    if not claims:
        console.print(Text("No claims match.", style="dim"))
        return
    counts = result["counts"]
    actors = sorted({r["actor"] for r in counts})
    caps = sorted({r["capability"] for r in counts})
    table = Table(title="Claims by actor × capability")
    table.add_column("capability")
    for a in actors:
        table.add_column(a, justify="right")
    cell = {(r["actor"], r["capability"]): r["claims"] for r in counts}
    for cap in caps:
        table.add_row(cap, *[str(cell.get((a, cap), "")) for a in actors])
    console.print(table)


def render_lint(console: Console, problems: list[dict[str, Any]]) -> None:
    if not problems:
        console.print(Text("No ICD 203 problems found.", style="green"))
        return
    for p in problems:
        label = "likelihood with confidence" if p["problem"] == "likelihood_with_confidence" else "mixed scale"
        console.print(
            Text(f"{terminal_text(p['doc'], 80)}, p. {p['page']}: {label} ({', '.join(p['terms'])})", style="yellow")
        )
        console.print(Text("  “" + terminal_text(p["sentence"], 400) + "”"))
    console.print(Text(f"{len(problems)} sentences flagged", style="bold"))
