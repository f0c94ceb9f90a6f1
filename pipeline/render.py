"""rich rendering for the CLI. Every PDF-supplied string goes through pipeline.safe first."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.ingest import IngestReport, Progress
from pipeline.models import Hit
from pipeline.safe import terminal_text

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
    table.add_column("pages", width=9)
    table.add_column("passage", ratio=5)
    for h in hits:
        label = Text(terminal_text(h.title or h.doc, 90))
        label.append("\n" + terminal_text(h.doc, 90), style="dim")
        table.add_row(str(h.rank), label, _pages(h.page_start, h.page_end), snippet(h.text, query))
    console.print(table)


@contextmanager
def ingest_progress(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=terminal_text(name, 60))

        yield update


def render_ingest_summary(report: IngestReport) -> None:
    console = Console(stderr=True, highlight=False)
    s = report.summary()
    console.print(
        Text(
            f"new {s['new']}, replaced {s['replaced']}, unchanged {s['unchanged']}, "
            f"quarantined {s['failed']}" + (f" (+{s['skipped_failed']} known)" if s["skipped_failed"] else "")
            + (f", pruned {s['pruned']}" if s["pruned"] else "")
            + f" | {s['pages']} pages, {s['chunks']} chunks, {s['claims']} claims"
            f" in {report.seconds.get('total', 0):.1f} s"
        )
    )
    for path, reason, detail in report.failed:
        console.print(Text(f"  failed {terminal_text(path)}: {reason}", style="red").append(
            f" ({terminal_text(detail, 200)})" if detail else "", style="dim"))


def render_status(console: Console, info: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for key, value in info.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = "\n".join(terminal_text(str(v)) for v in value) or "-"
        table.add_row(key.replace("_", " "), Text(terminal_text(str(value)) if "\n" not in str(value) else str(value)))
    console.print(table)
