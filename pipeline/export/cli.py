"""`threatbrief export ...`: the evidence base in formats other tools import (typer sub-app, thin)."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline import console
from pipeline.cliargs import (
    ActorOpt,
    CapabilityOpt,
    DebugOpt,
    DocOpt,
    IndexOpt,
    PublisherOpt,
    QuietOpt,
    SinceOpt,
    UntilOpt,
)

if TYPE_CHECKING:
    from pipeline.export.stix import ExportStats

app = typer.Typer(
    help="Export claims, actors and sources for threat intelligence platforms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("stix")
def stix(
    index: IndexOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the bundle here (atomically) instead of stdout."),
    ] = None,
    actor: ActorOpt = None,
    capability: CapabilityOpt = None,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_likelihood: Annotated[
        str | None,
        typer.Option(
            "--min-likelihood", metavar="LEVEL", help="Only claims at least this ICD 203 likely, e.g. likely."
        ),
    ] = None,
    ai: Annotated[bool, typer.Option("--ai", help="Only claims tied to AI or automated analytics.")] = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """One STIX 2.1 bundle of the stored claims (reports, actors, attack patterns, notes with quotes)."""
    from pipeline.claims.vocab import LIKELIHOODS
    from pipeline.cliargs import checked_filters, warn_stale_claims
    from pipeline.errors import UsageError
    from pipeline.settings import load_settings

    def go() -> ExportStats:
        if min_likelihood is not None and min_likelihood not in LIKELIHOODS:
            raise UsageError(f"unknown likelihood {min_likelihood!r}; known: {', '.join(LIKELIHOODS)}")
        settings = load_settings(index_dir=index, warn=partial(console.warn, quiet=quiet))
        f = checked_filters(
            settings, doc=doc, publisher=publisher, since=since, until=until, actor=actor, capability=capability, ai=ai
        )
        warn_stale_claims(settings, quiet)
        from pipeline.export.stix import export_stix
        from pipeline.text import write_atomic

        text, stats = export_stix(settings, f, min_likelihood)
        if output is None:
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
        return stats

    stats = console.run(go, debug, index)
    if not quiet:
        counts = ", ".join(f"{n} {t}" for t, n in stats.objects.items())
        left = f"; left out {stats.skipped_no_actor} without an acting state" if stats.skipped_no_actor else ""
        console.err(f"{stats.claims} claims -> {counts or 'no objects'}{left}")
