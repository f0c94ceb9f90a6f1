"""typer app, thin: parse flags, check them, call one library function, render with rich."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline import console
from pipeline.cliargs import (
    ActorOpt,
    CapabilityOpt,
    DebugOpt,
    DocOpt,
    IndexOpt,
    JsonOpt,
    LimitOpt,
    PublisherOpt,
    QuietOpt,
    SinceOpt,
    UntilOpt,
    plain_help,
)
from pipeline.cliargs import build_filters as _filters
from pipeline.cliargs import check_matches as _check_matches
from pipeline.cliargs import checked_filters as _checked_filters
from pipeline.cliargs import pdfs_to_ingest as _pdfs_to_ingest
from pipeline.cliargs import warn_stale_claims as _warn_stale_claims
from pipeline.errors import EXIT_QUARANTINED, UsageError

if TYPE_CHECKING:
    from pipeline.settings import Settings

EXIT_CODES = (
    "Exit codes: 0 ok; 1 error; 2 usage error (bad command line, option value or setting); "
    "3 finished, but some files are quarantined; 75 another ingest holds the index; 130 interrupted."
)

app = typer.Typer(
    help="threatbrief: an offline, cited evidence base over state-threat PDF reports.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from pipeline import __version__

        sys.stdout.write(f"threatbrief {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_version, help="Print the version and exit.")
    ] = False,
) -> None:
    """threatbrief: an offline, cited evidence base over state-threat PDF reports."""


# -- shared helpers (kept under these names for the other commands) -------------
_err = console.err
_stdout = console.stdout
_print_json = console.print_json


def _run(fn: Any, debug: bool, settings: Settings | None = None) -> Any:
    return console.run(fn, debug, settings.index_dir if settings else None)


def _settings(index: Path | None, quiet: bool = False, **overrides: Any) -> Settings:
    from pipeline.settings import load_settings

    return _run(lambda: load_settings(index_dir=index, warn=partial(console.warn, quiet=quiet), **overrides), False)


# -- ingest -------------------------------------------------------------------
@app.command(epilog=EXIT_CODES)
def ingest(
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH...", help="PDF files and folders (searched recursively).")
    ],
    index: IndexOpt = None,
    prune: Annotated[bool, typer.Option("--prune", help="Remove documents whose file is gone.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Parse quarantined files again.")] = False,
    parser: Annotated[
        str | None,
        typer.Option(
            "--parser", metavar="NAME", help="PDF text backend: auto (PDFium, pdfplumber fallback), pdfium, pdfplumber."
        ),
    ] = None,
    ray: Annotated[
        bool,
        typer.Option(
            "--ray",
            help="Parse, embed and tag on Ray: the cluster in RAY_ADDRESS, else a new one on this machine. "
            'Needs pip install ".\\[ray]".',
        ),
    ] = False,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            metavar="ADDRESS",
            help="The Ray cluster to use: HOST:PORT, or auto for the one `ray start` joined; implies --ray.",
        ),
    ] = None,
    ocr: Annotated[
        str | None,
        typer.Option("--ocr", help="OCR pages: auto (pages without usable text), always or never."),
    ] = None,
    quiet: QuietOpt = False,
    json_out: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Index PDF reports: parse, chunk, embed, extract claims. Unchanged files are skipped."""
    from dataclasses import replace

    from pipeline.index.health import check_index_dir
    from pipeline.render import ingest_progress, render_ingest_summary

    settings = _settings(index, quiet, parser=parser, ray_address=ray_address, ocr=ocr)
    if ray and not settings.ray_address:  # [ray] address in threatbrief.toml, else RAY_ADDRESS or a new local Ray
        settings = replace(settings, ray_address="local")
    _run(lambda: check_index_dir(settings.index_dir), debug, settings)
    pdfs = _run(lambda: _pdfs_to_ingest(paths, quiet), debug, settings)
    if not pdfs and not prune:
        console.warn("nothing to ingest; the index was not touched", quiet)
        if json_out:
            from pipeline.ingest import IngestReport

            _print_json(IngestReport().summary())
        return
    from pipeline.ingest import ingest as run_ingest

    with ingest_progress(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = _run(
            lambda: run_ingest(
                [Path(p) for p in paths], settings, prune=prune, retry_failed=retry_failed, progress=progress
            ),
            debug,
            settings,
        )
    if json_out:
        _print_json(report.summary())
    elif not quiet:
        render_ingest_summary(report)
    if report.failed:
        raise typer.Exit(EXIT_QUARANTINED)


# -- search -------------------------------------------------------------------
@app.command()
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="The question, or - to read one query per line.")],
    index: IndexOpt = None,
    limit: LimitOpt = None,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    actor: ActorOpt = None,
    capability: CapabilityOpt = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Hybrid search (dense + BM25) over the indexed reports, with document and page (10 results unless -k)."""
    from pipeline.index.search import Searcher
    from pipeline.render import render_hits

    settings = _settings(index, quiet)
    k = limit or 10
    if query != "-" and not query.strip():
        _run(partial(_raise, UsageError("the query is empty")), debug)

    def go() -> None:
        f = _filters(doc, publisher, since, until, actor, capability)
        searcher = Searcher.open(settings)
        try:
            _check_matches(searcher.store, f)
            if query == "-":
                for line in sys.stdin:
                    q = line.strip()
                    if not q:
                        continue
                    hits = searcher.search(q, k, f)
                    _print_json({"query": q, "hits": [h.to_json() for h in hits]})
                    sys.stdout.flush()
                return
            hits = searcher.search(query, k, f)
            if json_out:
                _print_json([h.to_json() for h in hits])
            else:
                render_hits(_stdout(), query, hits)
        finally:
            searcher.close()

    _run(go, debug, settings)


def _raise(exc: Exception) -> None:
    raise exc


# -- status, documents, repair ---------------------------------------------------
@app.command()
def status(index: IndexOpt = None, json_out: JsonOpt = False, quiet: QuietOpt = False, debug: DebugOpt = False) -> None:
    """What the index holds: documents, pages, chunks, claims, failures, models, integrity, last run."""
    from rich.text import Text

    from pipeline.index.status import index_status
    from pipeline.render import render_status
    from pipeline.text import terminal_text

    settings = _settings(index, quiet)
    info = _run(lambda: index_status(settings), debug, settings)
    if json_out:
        _print_json(info)
    else:
        out = _stdout()
        render_status(out, info)
        stale = int(info["claims_stale_documents"])
        value = info["claims_model"] + (
            f"; claims of {stale:,} documents decided by another model, run `threatbrief repair {info['index']}`"
            if stale
            else ""
        )
        out.print(Text(f"{'claims model':<13} ", style="bold").append(terminal_text(value), style=""))


@app.command()
def documents(
    index: IndexOpt = None,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """The indexed documents: doc id, file, title, publisher, date, pages, chunks, claims, OCR share."""
    from pipeline.index.status import list_documents
    from pipeline.render import render_documents

    settings = _settings(index, quiet)

    def go() -> list[dict[str, Any]]:
        f = _checked_filters(settings, doc=doc, publisher=publisher, since=since, until=until)
        return list_documents(settings, f, limit)

    docs = _run(go, debug, settings)
    if json_out:
        _print_json(docs)
    else:
        render_documents(_stdout(), docs)


@app.command(epilog=EXIT_CODES)
def repair(
    index_dir: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]", help="The index folder (default: --index, else $THREATBRIEF_INDEX, else ./index)."
        ),
    ] = None,
    index: IndexOpt = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Rebuild what SQLite can rebuild (schema upgrade, FTS, FAISS generations, stale claims); name what it cannot.

    Claims an older claims model decided are re-extracted from the stored pages (no parsing, no embedding).
    """
    from pipeline.index.health import repair_index
    from pipeline.render import ingest_progress, render_repair

    settings = _settings(index_dir or index, quiet)
    with ingest_progress(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = _run(lambda: repair_index(settings, progress), debug, settings)
    if json_out:
        _print_json(report.to_json())
    elif not quiet or not report.ok:
        render_repair(console.stderr(), report)
    if not report.ok:
        raise typer.Exit(1)


# -- nightly ------------------------------------------------------------------
@app.command(epilog=EXIT_CODES)
def nightly(
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            "--corpus", metavar="DIR", help="A folder of PDFs; repeat for more (default: corpora in the config)."
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", metavar="FILE", help="Settings file (default: ./threatbrief.toml).")
    ] = None,
    index: IndexOpt = None,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", metavar="DIR", help="Folder for digest-YYYY-MM-DD.md (default: ./reports)."),
    ] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Parse quarantined files again.")] = False,
    always_digest: Annotated[
        bool, typer.Option("--always-digest", help="Write a digest even when nothing changed.")
    ] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Unattended run (cron, systemd): ingest, prune vanished files, write a digest if anything changed."""
    from pipeline.index.health import check_index_dir
    from pipeline.nightly import run_nightly
    from pipeline.render import ingest_progress, render_nightly
    from pipeline.settings import load_settings

    def go() -> Any:
        settings = load_settings(config, warn=partial(console.warn, quiet=quiet), index_dir=index, reports_dir=reports)
        check_index_dir(settings.index_dir)
        index_arg = str(index) if index else None
        with ingest_progress(enabled=not quiet and sys.stderr.isatty()) as progress:
            return run_nightly(
                settings,
                corpora=corpus or None,
                retry_failed=retry_failed,
                progress=progress,
                always_digest=always_digest,
                index_arg=index_arg,
            )

    result = _run(go, debug)
    if json_out:
        _print_json(result.to_json())
    elif not quiet:
        if result.digest_path:
            sys.stdout.write(f"{result.digest_path}\n")
        render_nightly(console.stderr(), result)
    raise typer.Exit(result.exit_code)


# -- claims -------------------------------------------------------------------
@app.command()
def tag(
    text: Annotated[
        str | None, typer.Argument(metavar="[TEXT]", help="Text to tag; omit or - for each stdin line.")
    ] = None,
    json_out: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Tag text with acting states, capabilities, AI, likelihood, confidence and stance."""
    from pipeline.claims.extract import highlight_spans, tag_text
    from pipeline.render import render_tag

    lines = [text] if text not in (None, "-") else (line.rstrip("\n") for line in sys.stdin)
    out = _stdout()
    for line in lines:
        if not line or not line.strip():
            continue
        result = _run(partial(tag_text, line), debug)
        if json_out:
            _print_json(result)
            sys.stdout.flush()
        else:
            render_tag(out, result, highlight_spans(line))


@app.command()
def taxonomy(json_out: JsonOpt = False, debug: DebugOpt = False) -> None:
    """Show the actors, aliases, groups and capability patterns the tagger uses."""
    from pipeline.claims.taxonomy import TAXONOMY_DIR, load_taxonomy
    from pipeline.render import render_taxonomy

    data = _run(lambda: load_taxonomy().to_dict(), debug)
    if json_out:
        _print_json(data)
    else:
        render_taxonomy(_stdout(), data, TAXONOMY_DIR)


@app.command()
def claims(
    index: IndexOpt = None,
    actor: ActorOpt = None,
    capability: CapabilityOpt = None,
    ai: Annotated[bool, typer.Option("--ai", help="Only claims tied to AI or automated analytics.")] = False,
    likelihood: Annotated[
        str | None, typer.Option("--likelihood", metavar="LEVEL", help="ICD 203 level, e.g. likely, very_likely.")
    ] = None,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "-k", "--limit", min=1, metavar="N", help="At most N claims (default: 50 shown; all with --json)."
        ),
    ] = None,
    lint: Annotated[
        bool,
        typer.Option("--lint", help="ICD 203 lint: sentences mixing likelihood with confidence, or rows of the scale."),
    ] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Claims extracted at ingest, with quote and page, and counts by actor x capability."""
    from pipeline.claims.query import lint_index, query_claims
    from pipeline.render import render_claims, render_lint

    settings = _settings(index, quiet)

    def go() -> None:
        f = _checked_filters(
            settings,
            doc=doc,
            publisher=publisher,
            since=since,
            until=until,
            actor=actor,
            capability=capability,
            ai=ai,
            likelihood=likelihood,
        )
        _warn_stale_claims(settings, quiet)
        if lint:
            problems = lint_index(settings, f)
            if json_out:
                _print_json(problems[:limit] if limit else problems)
            else:
                render_lint(_stdout(), problems)
            return
        result = query_claims(settings, f)
        if json_out:
            if limit:
                result["claims"] = result["claims"][:limit]
            _print_json(result)
        else:
            render_claims(_stdout(), result, limit or 50)

    _run(go, debug, settings)


# -- brief --------------------------------------------------------------------
@app.command()
def brief(
    topic: Annotated[
        str, typer.Argument(metavar="QUESTION", help="The question the briefing answers, in plain words.")
    ],
    index: IndexOpt = None,
    actor: ActorOpt = None,
    capability: CapabilityOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the briefing here instead of stdout."),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="Date printed as generated, YYYY-MM-DD (default: today)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="markdown or html (a standalone page).")] = "markdown",
    json_out: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """A cited briefing that answers the question: bottom line, key judgments, verified quotes, timeline, gaps."""
    import datetime

    from pipeline.brief.build import build_briefing
    from pipeline.brief.render import render_html, render_markdown
    from pipeline.claims.vocab import check_date
    from pipeline.errors import UsageError
    from pipeline.index.search import Searcher
    from pipeline.text import write_atomic

    settings = _settings(index)

    def go() -> str:
        if fmt not in ("markdown", "html"):
            raise UsageError(f"unknown format {fmt!r}; known: markdown, html")
        f = _filters(doc, publisher, since, until, actor, capability)
        today = check_date(date) or datetime.date.today().isoformat()
        _warn_stale_claims(settings)
        searcher = Searcher.open(settings)
        try:
            _check_matches(searcher.store, f)
            b = build_briefing(searcher, topic, f, today)
        finally:
            searcher.close()
        if json_out:
            import json

            return json.dumps(console.jsonable(b.to_json()), ensure_ascii=True, indent=1) + "\n"
        return render_html(b) if fmt == "html" else render_markdown(b)

    text = _run(go, debug, settings)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


app.add_typer(__import__("pipeline.export.cli", fromlist=["app"]).app, name="export")  # pipeline/export/cli.py


# -- entry point ----------------------------------------------------------------
def cli() -> Any:
    """The click command tree of `app` (sub-apps included), with help cleaned of Python types."""
    command: Any = typer.main.get_command(app)
    plain_help(command)
    if not sys.stderr.isatty():
        command.rich_markup_mode = None  # usage errors as plain `Error: …` lines in logs and cron mail
    return command


def main() -> None:
    cli()(prog_name="threatbrief")


if __name__ == "__main__":
    main()
