"""`threatbrief export ...`: the evidence base in formats other tools import (typer sub-app, thin)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    help="Export claims, actors and sources for threat intelligence platforms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str) -> NoReturn:
    from rich.console import Console
    from rich.text import Text

    from pipeline.text import clean_text

    Console(stderr=True, highlight=False).print(Text(f"Error: {clean_text(message)}"))
    raise typer.Exit(1)


@app.command("stix")
def stix(
    index: Annotated[
        Path | None, typer.Option("--index", help="Index folder (default: ./index, or $THREATBRIEF_INDEX).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the bundle here (atomically) instead of stdout.")
    ] = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Acting state, ISO alpha-3 (CHN, RUS...); repeatable.")
    ] = None,
    capability: Annotated[
        list[str] | None, typer.Option("--capability", help="Capability code (see `threatbrief taxonomy`).")
    ] = None,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Only this document (file name, title words or doc id prefix).")
    ] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Only publishers matching this text.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Published on or after YYYY(-MM(-DD)).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Published on or before YYYY(-MM(-DD)).")] = None,
    min_likelihood: Annotated[
        str | None,
        typer.Option("--min-likelihood", help="Only claims at least this ICD 203 likely, e.g. likely."),
    ] = None,
    ai: Annotated[bool, typer.Option("--ai", help="Only claims tied to AI or automated analytics.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """One STIX 2.1 bundle of the stored claims (reports, actors, attack patterns, notes with quotes)."""
    import logging

    from pipeline.claims.vocab import CAPABILITIES, LIKELIHOODS, check_date
    from pipeline.errors import PipelineError
    from pipeline.index.filters import Filters
    from pipeline.settings import load_settings

    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    try:
        caps = tuple(c.strip().lower() for c in capability or [])
        unknown = [c for c in caps if c not in CAPABILITIES]
        if unknown:
            _fail(f"unknown capability {unknown[0]!r}; known: {', '.join(CAPABILITIES)}")
        if min_likelihood is not None and min_likelihood not in LIKELIHOODS:
            _fail(f"unknown likelihood {min_likelihood!r}; known: {', '.join(LIKELIHOODS)}")
        f = Filters(
            docs=tuple(doc or ()),
            publisher=publisher,
            since=check_date(since),
            until=check_date(until),
            actors=tuple(a.strip().upper() for a in actor or []),
            capabilities=caps,
            ai_enabled=ai or None,
        )
        from pipeline.export.stix import export_stix
        from pipeline.text import write_atomic

        text, stats = export_stix(load_settings(index_dir=index), f, min_likelihood)
        if output is None:
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
    except PipelineError as exc:
        if debug:
            raise
        _fail(str(exc))
    if not quiet:
        counts = ", ".join(f"{n} {t}" for t, n in stats.objects.items())
        left = f"; left out {stats.skipped_no_actor} without an acting state" if stats.skipped_no_actor else ""
        sys.stderr.write(f"{stats.claims} claims -> {counts or 'no objects'}{left}\n")
