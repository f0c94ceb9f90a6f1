"""The unattended run: ingest the configured corpora, prune vanished files, write a digest.

The digest says what changed since the last nightly run that finished: documents added,
replaced or removed, new claims by actor x capability with their quotes, and every file
that is quarantined now, with its reason. Everything that came out of a PDF passes
through `md_inline`, so a hostile file cannot put links, images or HTML into the report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.embed.model import Embedder
from pipeline.errors import PipelineError, UsageError
from pipeline.index.store import Store
from pipeline.ingest import IngestReport, Progress, ingest
from pipeline.models import Claim, ParsedDocument
from pipeline.parse.isolate import ParseOutcome, parse_isolated
from pipeline.settings import Settings
from pipeline.text import md_inline, write_atomic

log = logging.getLogger(__name__)

KIND = "nightly"
FINISHED = ("ok", "partial")  # a run that got to the end; "partial" = some files quarantined
TITLE_CHARS = 160
QUOTE_CHARS = 400
DETAIL_CHARS = 200


@dataclass
class NightlyResult:
    """What one nightly run did and where its digest is."""

    report: IngestReport
    digest_path: Path
    since_run_id: int
    documents: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, detail)
    removed: list[dict[str, Any]] = field(default_factory=list)  # documents whose file is gone

    @property
    def exit_code(self) -> int:
        """0 when every file is indexed, 2 when some are quarantined (the CLI's EXIT codes)."""
        return 2 if self.quarantined else 0

    def summary_line(self) -> str:
        r = self.report
        return (
            f"nightly run {r.run_id}: {len(r.new)} new, {len(r.replaced)} replaced, "
            f"{len(self.removed)} removed, {len(self.claims)} new claims, "
            f"{len(self.quarantined)} quarantined; digest {self.digest_path}"
        )


def corpus_dirs(settings: Settings, corpora: Sequence[Path] | None = None) -> list[Path]:
    """The folders to ingest: `corpora` if given, else Settings.corpora; all must exist."""
    dirs = [Path(p).expanduser() for p in (corpora or settings.corpora)]
    if not dirs:
        raise UsageError(
            "no corpus folders: pass --corpus DIR or set corpora = [...] under [threatbrief] in threatbrief.toml"
        )
    missing = [str(d) for d in dirs if not d.is_dir()]
    if missing:
        # pruning with an unmounted share would drop every document in it
        raise PipelineError(f"corpus folder {missing[0]} is missing; nothing was changed (is it mounted?)")
    return dirs


def last_finished_run_id(store: Store) -> int:
    """The id of the latest nightly run that got to the end, 0 if none."""
    runs = [store.last_run(KIND, status) for status in FINISHED]
    return max((int(r["run_id"]) for r in runs if r), default=0)


def run_nightly(
    settings: Settings,
    *,
    corpora: Sequence[Path] | None = None,
    retry_failed: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    tagger: Callable[[ParsedDocument], list[Claim]] | None = None,
    today: date | None = None,
    parse: Callable[[Path, Settings], ParseOutcome] | None = None,
) -> NightlyResult:
    """Ingest and prune the corpora, then write reports/digest-YYYY-MM-DD.md."""
    dirs = corpus_dirs(settings, corpora)
    with Store(settings.db_path) as store:
        since = last_finished_run_id(store)
        docs_before = {d["doc_id"]: d for d in store.documents()}
        indexed_before = {r.path: r.doc_id for r in store.file_records() if r.status == "indexed"}
    report = ingest(
        dirs,
        settings,
        prune=True,
        retry_failed=retry_failed,
        progress=progress,
        embedder=embedder,
        tagger=tagger,
        kind=KIND,
        parse=parse or parse_isolated,
    )
    with Store(settings.db_path) as store:
        documents = [d for d in store.documents() if (d.get("run_id") or 0) > since]
        ocr = store.ocr_pages(d["doc_id"] for d in documents)
        documents = [{**d, "ocr_pages": len(ocr.get(d["doc_id"], ()))} for d in documents]
        claims = store.claims_since_run(since)
        quarantined = [(r.path, r.reason or "parse_error", r.detail or "") for r in store.failed_files()]
        run = store.last_run(KIND)
    known = {p for p, _, _ in quarantined}
    quarantined += [f for f in report.failed if f[0] not in known]  # e.g. unreadable paths
    quarantined.sort()
    removed = [
        docs_before.get(indexed_before[p] or "") or {"path": p, "file_name": Path(p).name, "page_count": 0}
        for p in report.pruned
        if p in indexed_before
    ]
    result = NightlyResult(report, Path(), since, documents, claims, quarantined, removed)
    text = render_digest(result, run, today or date.today())
    result.digest_path = write_digest(settings.reports_dir, today or date.today(), text)
    log.info("%s", result.summary_line())
    return result


def write_digest(folder: Path, day: date, text: str) -> Path:
    """Write atomically to digest-YYYY-MM-DD.md, or -2, -3 ... when the day has one already."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"digest-{day.isoformat()}"
    path = folder / f"{stem}.md"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.md"
        n += 1
    write_atomic(path, text)
    return path


def render_digest(result: NightlyResult, run: dict[str, Any] | None, day: date) -> str:
    """The digest as Markdown; PDF-derived text and file names are made inert."""
    r = result.report
    replaced = set(r.replaced)
    out = [f"# threatbrief nightly digest, {day.isoformat()}", ""]
    since = f"run {result.since_run_id}" if result.since_run_id else "the first nightly run"
    status = run["status"] if run else "unknown"
    out += [
        f"Run {r.run_id} ({status}). Changes since {since}.",
        "",
        "| | |",
        "|---|---|",
        f"| New or replaced documents | {len(result.documents)} |",
        f"| Removed documents | {len(result.removed)} |",
        f"| New claims | {len(result.claims)} |",
        f"| Quarantined files | {len(result.quarantined)} |",
        f"| Unchanged files skipped | {r.unchanged} |",
        "",
        f"## New and replaced documents ({len(result.documents)})",
        "",
    ]
    if result.documents:
        out += ["| Change | Title | File | Pages |", "|---|---|---|---|"]
        for d in sorted(result.documents, key=lambda d: (d["file_name"], d["doc_id"])):
            change = "replaced" if d["path"] in replaced else "new"
            title = md_inline(d.get("title") or d["file_name"], TITLE_CHARS)
            pages = f"{int(d['page_count'])}" + (f" ({int(d['ocr_pages'])} OCR)" if d.get("ocr_pages") else "")
            out.append(f"| {change} | {title} | {md_inline(d['file_name'])} | {pages} |")
    else:
        out.append("None.")
    out += ["", f"## Removed documents ({len(result.removed)})", ""]
    if result.removed:
        out += ["| Title | File | Pages |", "|---|---|---|"]
        for d in sorted(result.removed, key=lambda d: d["path"]):
            title = md_inline(d.get("title") or d["file_name"], TITLE_CHARS)
            out.append(f"| {title} | {md_inline(d['path'])} | {int(d['page_count'])} |")
    else:
        out.append("None.")
    out += ["", f"## New claims ({len(result.claims)})", ""]
    out += _claims_section(result.claims) or ["None."]
    out += ["", f"## Quarantined files ({len(result.quarantined)})", ""]
    if result.quarantined:
        out += [
            "These files are not indexed and are not retried until they change (`--retry-failed` forces it).",
            "",
            "| File | Reason | Detail |",
            "|---|---|---|",
        ]
        for path, reason, detail in result.quarantined:
            out.append(f"| {md_inline(path)} | {md_inline(reason)} | {md_inline(detail, DETAIL_CHARS)} |")
    else:
        out.append("None.")
    return "\n".join(out) + "\n"


UNATTRIBUTED_SHOWN = 5


def _claims_section(claims: list[dict[str, Any]]) -> list[str]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in claims:
        groups.setdefault((c.get("actor") or "", c["capability"]), []).append(c)
    out: list[str] = []
    # states first; capability mentions without an acting state are context, so only a sample
    for (actor, capability), items in sorted(groups.items(), key=lambda kv: (not kv[0][0], kv[0])):
        heading = f"{md_inline(actor) if actor else 'No acting state'} × {md_inline(capability)}"
        out += [f"### {heading} ({len(items)})", ""]
        shown = items if actor else items[:UNATTRIBUTED_SHOWN]
        for c in shown:
            source = md_inline(c.get("title") or c["file_name"], TITLE_CHARS)
            out.append(
                f"- \u201c{md_inline(c['sentence'], QUOTE_CHARS)}\u201d: {source} "
                f"({md_inline(c['file_name'])}, p. {int(c['page_no'])})"
            )
        if len(shown) < len(items):
            out.append(f"- … {len(items) - len(shown)} more (`threatbrief claims --capability {capability}`)")
        out.append("")
    return out[:-1] if out else out
