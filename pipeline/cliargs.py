"""Command-line values checked and turned into library values: shared options, filters, paths, help.

Every filter value is validated before anything is searched: names resolve through the
taxonomy, dates are calendar dates with since <= until, `--doc` and `--publisher` must
match an indexed document, ingest paths must exist. A wrong value is a UsageError (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline import console
from pipeline.errors import UsageError

if TYPE_CHECKING:
    from pipeline.index.filters import Filters
    from pipeline.index.store import Store
    from pipeline.settings import Settings

IndexOpt = Annotated[
    Path | None,
    typer.Option("--index", metavar="DIR", help="Index folder (default: $THREATBRIEF_INDEX, else ./index)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stderr but errors.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
LimitOpt = Annotated[int | None, typer.Option("-k", "--limit", min=1, metavar="N", help="At most N results.")]
DocOpt = Annotated[
    list[str] | None,
    typer.Option("--doc", metavar="DOC", help="Only this document: file name, doc id prefix or title words."),
]
PublisherOpt = Annotated[
    str | None, typer.Option("--publisher", metavar="TEXT", help="Only publishers (or authors) containing this.")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="Published on or after YYYY, YYYY-MM or YYYY-MM-DD.")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="Published on or before YYYY, YYYY-MM or YYYY-MM-DD.")
]
ActorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--actor", metavar="NAME", help="Acting state: name, alias, group or ISO code (Russia, Fancy Bear, RUS)."
    ),
]
CapabilityOpt = Annotated[
    list[str] | None,
    typer.Option("--capability", metavar="NAME", help="Capability code or word (cyber_espionage, espionage)."),
]


def check_date_value(value: str | None, option: str) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD that exists in the calendar."""
    import datetime

    from pipeline.claims.vocab import check_date

    value = check_date(value)
    if value is None:
        return None
    parts = [int(p) for p in value.split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise UsageError(f"{option} {value}: not a calendar date ({exc})") from None
    return value


def build_filters(
    doc: list[str] | None = None,
    publisher: str | None = None,
    since: str | None = None,
    until: str | None = None,
    actor: list[str] | None = None,
    capability: list[str] | None = None,
    ai: bool | None = None,
    likelihood: str | None = None,
) -> Filters:
    """Filter values checked and resolved: names to codes, real dates, since <= until."""
    from pipeline.claims.names import resolve_actors, resolve_capabilities
    from pipeline.claims.vocab import LIKELIHOODS
    from pipeline.index.filters import Filters

    if likelihood and likelihood not in LIKELIHOODS:
        raise UsageError(f"unknown likelihood {likelihood!r}; known: {', '.join(LIKELIHOODS)}")
    lo, hi = check_date_value(since, "--since"), check_date_value(until, "--until")
    if lo and hi and lo[: len(hi)] > hi[: len(lo)]:
        raise UsageError(f"--since {lo} is after --until {hi}")
    docs = tuple(d.strip() for d in doc or () if d.strip())
    if doc and len(docs) < len(doc):
        raise UsageError("--doc needs a file name, a doc id prefix or title words")
    return Filters(
        docs=docs,
        publisher=(publisher or "").strip() or None,
        since=lo,
        until=hi,
        actors=resolve_actors(actor),
        capabilities=resolve_capabilities(capability),
        ai_enabled=ai or None,
        likelihood=likelihood,
    )


def check_matches(store: Store, f: Filters) -> None:
    """A --doc or --publisher value that matches no indexed document is an error, not an empty answer."""
    from pipeline.index.filters import Filters as F

    for d in f.docs:
        if not store.count_documents(F(docs=(d,))):
            raise UsageError(f"--doc {d!r} matches no indexed document (`threatbrief documents` lists them)")
    if f.publisher and not store.count_documents(F(publisher=f.publisher)):
        import difflib

        known = sorted({str(d["publisher"]) for d in store.documents() if d["publisher"]})
        near = difflib.get_close_matches(f.publisher, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise UsageError(f"--publisher {f.publisher!r} matches no indexed document{hint}")


def checked_filters(settings: Settings, **values: Any) -> Filters:
    from pipeline.index.health import open_index

    f = build_filters(**values)
    if f.docs or f.publisher:
        with open_index(settings) as store:
            check_matches(store, f)
    return f


def pdfs_to_ingest(paths: list[str], quiet: bool) -> list[Path]:
    """The given paths, checked before any index is touched; folders without PDFs get a warning."""
    from pipeline.discover import discover, parse_paths

    given = parse_paths(paths)
    missing = [str(p) for p in given if not p.expanduser().exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}; nothing was ingested")
    found = []
    for p in given:
        files, _ = discover([p])
        if not files and p.expanduser().is_dir():
            console.warn(f"no PDF files in {p}", quiet)
        found += files
    return found


def plain_help(command: Any) -> None:
    """Help shows metavars (DIR, N, TEXT), never Python types such as <list[Path]> or <bool>."""
    for param in command.params:
        kind = getattr(param, "param_type_name", "")
        if kind == "option" and getattr(param, "is_flag", False):
            param.metavar = ""
        elif kind == "option" and param.metavar is None:
            param.metavar = "VALUE"
        elif kind == "argument":
            setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010
            setattr(param, "display_type", lambda ctx: "")  # noqa: B010
    help_option = command.get_help_option

    def plain_help_option(ctx: Any) -> Any:
        option = help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option

    setattr(command, "get_help_option", plain_help_option)  # noqa: B010
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)


def warn_stale_claims(settings: Settings, quiet: bool = False) -> None:
    """Warn when some documents' claims were decided by another claims model than this tool's."""
    from pipeline.claims.identity import claims_model_id
    from pipeline.index.health import open_index

    with open_index(settings) as store:
        stale = len(store.stale_claims_documents(claims_model_id()))
    if stale:
        console.warn(
            f"the claims of {stale:,} documents were decided by another claims model; "
            f"run `threatbrief repair {settings.index_dir}` to re-extract them",
            quiet,
        )
