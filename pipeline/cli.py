"""typer app, thin: parse flags, call one library function, render with rich."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from pipeline.index.filters import Filters
    from pipeline.settings import Settings

EXIT_ERROR = 1
EXIT_QUARANTINED = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: another ingest holds the index

app = typer.Typer(
    help="threatbrief: an offline, cited evidence base over state-threat PDF reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

IndexOpt = Annotated[
    Path | None,
    typer.Option("--index", help="Index folder (default: ./index, or $THREATBRIEF_INDEX)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]
DocOpt = Annotated[
    list[str] | None, typer.Option("--doc", help="Only this document (file name, title words or doc id prefix).")
]
PublisherOpt = Annotated[str | None, typer.Option("--publisher", help="Only publishers matching this text.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Published on or after YYYY(-MM(-DD)).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Published on or before YYYY(-MM(-DD)).")]

T = TypeVar("T")


def _settings(index: Path | None, **overrides: Any) -> Settings:
    from pipeline.settings import load_settings

    return _run(lambda: load_settings(index_dir=index, **overrides), debug=False)


def _run(fn: Callable[[], T], debug: bool) -> T:
    """Known errors become one line on stderr and a non-zero exit."""
    from pipeline.errors import IndexLockedError, PipelineError

    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        return fn()
    except IndexLockedError as exc:
        _err(f"Error: {exc}")
        raise typer.Exit(EXIT_LOCKED) from None
    except PipelineError as exc:
        if debug:
            raise
        _err(f"Error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        _err("Interrupted; the index stays at its last committed state.")
        raise typer.Exit(130) from None


def _err(message: str) -> None:
    from rich.console import Console
    from rich.text import Text

    from pipeline.text import clean_text

    Console(stderr=True, highlight=False).print(Text(clean_text(message)))


def _stdout() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=True) + "\n")


def _filters(
    doc: list[str] | None = None,
    publisher: str | None = None,
    since: str | None = None,
    until: str | None = None,
    actor: list[str] | None = None,
    capability: list[str] | None = None,
    ai: bool | None = None,
    likelihood: str | None = None,
) -> Filters:
    from pipeline.claims.vocab import CAPABILITIES, LIKELIHOODS, check_date
    from pipeline.errors import UsageError
    from pipeline.index.filters import Filters

    caps = tuple(c.strip().lower() for c in capability or [])
    unknown = [c for c in caps if c not in CAPABILITIES]
    if unknown:
        raise UsageError(f"unknown capability {unknown[0]!r}; known: {', '.join(CAPABILITIES)}")
    if likelihood and likelihood not in LIKELIHOODS:
        raise UsageError(f"unknown likelihood {likelihood!r}; known: {', '.join(LIKELIHOODS)}")
    return Filters(
        docs=tuple(doc or ()),
        publisher=publisher,
        since=check_date(since),
        until=check_date(until),
        actors=tuple(a.strip().upper() for a in actor or []),
        capabilities=caps,
        ai_enabled=ai or None,
        likelihood=likelihood,
    )


# -- ingest -------------------------------------------------------------------
@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="PDF files and folders (searched recursively).")],
    index: IndexOpt = None,
    prune: Annotated[bool, typer.Option("--prune", help="Remove documents whose file is gone.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Parse quarantined files again.")] = False,
    parser: Annotated[
        str | None,
        typer.Option("--parser", help="PDF text backend: auto (PDFium, pdfplumber fallback), pdfium or pdfplumber."),
    ] = None,
    quiet: QuietOpt = False,
    json_out: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Index PDF reports: parse, chunk, embed, extract claims. Unchanged files are skipped."""
    from pipeline.discover import parse_paths
    from pipeline.ingest import ingest as run_ingest
    from pipeline.render import ingest_progress, render_ingest_summary

    settings = _settings(index, parser=parser)
    with ingest_progress(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = _run(
            lambda: run_ingest(parse_paths(paths), settings, prune=prune, retry_failed=retry_failed, progress=progress),
            debug,
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
    query: Annotated[str, typer.Argument(help="The question, or - to read one query per line from stdin.")],
    index: IndexOpt = None,
    k: Annotated[int, typer.Option("-k", "--top", help="Number of results.")] = 10,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Only passages with a claim by this state (ISO code, e.g. CHN).")
    ] = None,
    capability: Annotated[
        list[str] | None, typer.Option("--capability", help="Only passages with a claim of this capability.")
    ] = None,
    json_out: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Hybrid search (dense + BM25) over the indexed reports, with document and page."""
    from pipeline.index.search import Searcher
    from pipeline.render import render_hits

    settings = _settings(index)

    def go() -> None:
        f = _filters(doc, publisher, since, until, actor, capability)
        searcher = Searcher.open(settings)
        try:
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

    _run(go, debug)


# -- status -------------------------------------------------------------------
@app.command()
def status(index: IndexOpt = None, json_out: JsonOpt = False, debug: DebugOpt = False) -> None:
    """What the index holds: documents, pages, chunks, claims, failures, model, last run."""
    from pipeline.index.status import index_status
    from pipeline.render import render_status

    settings = _settings(index)
    info = _run(lambda: index_status(settings), debug)
    if json_out:
        _print_json(info)
    else:
        render_status(_stdout(), info)


# -- nightly ------------------------------------------------------------------
CorpusOpt = Annotated[
    list[Path] | None,
    typer.Option("--corpus", help="A folder of PDFs; repeat for more (default: corpora in the config)."),
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (default: ./threatbrief.toml).")]
ReportsOpt = Annotated[
    Path | None, typer.Option("--reports", help="Folder for digest-YYYY-MM-DD.md (default: ./reports).")
]


@app.command()
def nightly(
    corpus: CorpusOpt = None,
    config: ConfigOpt = None,
    index: IndexOpt = None,
    reports: ReportsOpt = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Parse quarantined files again.")] = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Unattended run (cron, systemd): ingest, prune vanished files, write a digest; exit 2 if files are quarantined."""
    from pipeline.nightly import run_nightly
    from pipeline.render import ingest_progress
    from pipeline.settings import load_settings

    def go() -> Any:
        settings = load_settings(config, index_dir=index, reports_dir=reports)
        with ingest_progress(enabled=not quiet and sys.stderr.isatty()) as progress:
            return run_nightly(settings, corpora=corpus or None, retry_failed=retry_failed, progress=progress)

    result = _run(go, debug)
    if not quiet:
        sys.stdout.write(f"{result.digest_path}\n")
        _err(result.summary_line())
    raise typer.Exit(result.exit_code)


# -- claims -------------------------------------------------------------------
@app.command()
def tag(
    text: Annotated[str | None, typer.Argument(help="Text to tag; omit or - to tag each line of stdin.")] = None,
    json_out: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Tag text with acting states, capabilities, AI, likelihood, confidence and stance."""
    from pipeline.claims.extract import highlight_spans, tag_text
    from pipeline.render import render_tag

    lines = [text] if text not in (None, "-") else (line.rstrip("\n") for line in sys.stdin)
    console = _stdout()
    for line in lines:
        if not line or not line.strip():
            continue
        result = _run(partial(tag_text, line), debug)
        if json_out:
            _print_json(result)
            sys.stdout.flush()
        else:
            render_tag(console, result, highlight_spans(line))


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
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Acting state, ISO alpha-3 (CHN, RUS, IRN, PRK...).")
    ] = None,
    capability: Annotated[
        list[str] | None, typer.Option("--capability", help="Capability code (see `threatbrief taxonomy`).")
    ] = None,
    ai: Annotated[bool, typer.Option("--ai", help="Only claims tied to AI or automated analytics.")] = False,
    likelihood: Annotated[
        str | None, typer.Option("--likelihood", help="ICD 203 level, e.g. likely, very_likely.")
    ] = None,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many claims (0: all).")] = 50,
    lint: Annotated[
        bool,
        typer.Option("--lint", help="ICD 203 lint: sentences mixing likelihood with confidence, or rows of the scale."),
    ] = False,
    json_out: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Claims extracted at ingest, with quote and page, and counts by actor x capability."""
    from pipeline.claims.query import lint_index, query_claims
    from pipeline.render import render_claims, render_lint

    settings = _settings(index)

    def go() -> None:
        f = _filters(doc, publisher, since, until, actor, capability, ai, likelihood)
        if lint:
            problems = lint_index(settings, f)
            if json_out:
                _print_json(problems)
            else:
                render_lint(_stdout(), problems)
            return
        result = query_claims(settings, f)
        if json_out:
            _print_json(result)
        else:
            render_claims(_stdout(), result, limit)

    _run(go, debug)


# -- brief --------------------------------------------------------------------
@app.command()
def brief(
    topic: Annotated[str, typer.Argument(help="The question the briefing answers, in plain words.")],
    index: IndexOpt = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Only claims by this state (ISO code, e.g. CHN); repeatable.")
    ] = None,
    capability: Annotated[
        list[str] | None, typer.Option("--capability", help="Only claims of this capability; repeatable.")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    doc: DocOpt = None,
    publisher: PublisherOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the briefing here instead of stdout.")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date printed as generated, YYYY-MM-DD [default: today].")
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
        searcher = Searcher.open(settings)
        try:
            b = build_briefing(searcher, topic, f, today)
        finally:
            searcher.close()
        if json_out:
            return json.dumps(b.to_json(), ensure_ascii=True, indent=1) + "\n"
        return render_html(b) if fmt == "html" else render_markdown(b)

    text = _run(go, debug)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
