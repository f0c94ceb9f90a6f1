"""The unattended run: ingest the configured corpora, prune vanished files, write a digest.

The digest says what changed since the last nightly run that finished: documents added,
replaced or removed, new claims by actor x capability with their quotes, and every file
that is quarantined now, with its reason. Everything that came out of a PDF passes
through `md_inline`, so a hostile file cannot put links, images or HTML into the report.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.embed.model import Embedder
from pipeline.errors import EXIT_QUARANTINED, PipelineError, UsageError
from pipeline.index.store import Store
from pipeline.ingest import IngestReport, Progress, ingest
from pipeline.models import Claim, ParsedDocument
from pipeline.parse.isolate import ParseOutcome, parse_isolated
from pipeline.settings import Settings
from pipeline.text import clean_text, md_inline, write_atomic

log = logging.getLogger(__name__)

KIND = "nightly"
FINISHED = ("ok", "partial")  # a run that got to the end; "partial" = some files quarantined
TITLE_CHARS = 160
QUOTE_CHARS = 400
DETAIL_CHARS = 200


@dataclass
class NightlyResult:
    """What changed since the last finished nightly run; the summary line, the JSON and the digest all read it."""

    report: IngestReport
    digest_path: Path | None
    since_run_id: int
    documents: list[dict[str, Any]] = field(default_factory=list)  # new or replaced since `since_run_id`
    claims: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, detail)
    removed: list[dict[str, Any]] = field(default_factory=list)  # documents whose file is gone
    replaced_paths: frozenset[str] = frozenset()

    @property
    def exit_code(self) -> int:
        """0 when every file is indexed, EXIT_QUARANTINED when some are quarantined."""
        return EXIT_QUARANTINED if self.quarantined else 0

    @property
    def changed(self) -> bool:
        """Anything to report: documents in or out, claims, or files that failed in this run."""
        return bool(self.documents or self.removed or self.claims or self.report.failed)

    def counts(self) -> dict[str, int]:
        replaced = sum(1 for d in self.documents if d["path"] in self.replaced_paths)
        return {
            "new": len(self.documents) - replaced,
            "replaced": replaced,
            "removed": len(self.removed),
            "claims": len(self.claims),
            "quarantined": len(self.quarantined),
            "failed_this_run": len(self.report.failed),
            "unchanged": self.report.unchanged,
            "reclaimed": self.report.reclaimed,
        }

    def summary_line(self) -> str:
        c = self.counts()
        since = f"since run {self.since_run_id}" if self.since_run_id else "first nightly run"
        digest = f"digest {self.digest_path}" if self.digest_path else "nothing changed, no digest written"
        reclaimed = f", claims of {c['reclaimed']} re-extracted (new claims model)" if c["reclaimed"] else ""
        return (
            f"nightly run {self.report.run_id} ({since}): {c['new']} new, {c['replaced']} replaced, "
            f"{c['removed']} removed{reclaimed}, {c['claims']} new claims, {c['quarantined']} quarantined; {digest}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.report.run_id,
            "since_run_id": self.since_run_id,
            **self.counts(),
            "digest": str(self.digest_path) if self.digest_path else None,
            "quarantined_files": [{"path": p, "reason": r, "detail": d} for p, r, d in self.quarantined],
            "exit_code": self.exit_code,
        }


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


def _refuse_empty_mounts(dirs: Sequence[Path], indexed: dict[str, str | None]) -> None:
    """A folder that now holds no PDF but fed the index is most likely an unmounted share."""
    for d in dirs:
        if any(p.suffix.lower() == ".pdf" for p in d.rglob("*")):
            continue
        root = d.resolve()
        fed = [p for p in indexed if Path(p).is_relative_to(root)]
        if fed:
            raise PipelineError(
                f"corpus folder {d} holds no PDF files but {len(fed)} indexed documents came from it; "
                "nothing was changed (is it mounted? to drop them, run `threatbrief ingest DIR --prune`)"
            )


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
    always_digest: bool = False,
    index_arg: str | None = None,
) -> NightlyResult:
    """Ingest and prune the corpora, then write reports/digest-YYYY-MM-DD.md if anything changed.

    `index_arg` is the --index the digest's "show the rest" commands repeat.
    """
    dirs = corpus_dirs(settings, corpora)
    with Store(settings.db_path) as store:
        since = last_finished_run_id(store)
        docs_before = {d["doc_id"]: d for d in store.documents()}
        indexed_before = {r.path: r.doc_id for r in store.file_records() if r.status == "indexed"}
    _refuse_empty_mounts(dirs, indexed_before)
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
    replaced = frozenset(report.replaced) | {
        d["path"] for d in documents if indexed_before.get(d["path"]) not in (None, d["doc_id"])
    }
    result = NightlyResult(report, None, since, documents, claims, quarantined, removed, frozenset(replaced))
    if result.changed or always_digest:
        text = render_digest(result, run, today or date.today(), index_arg)
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


def render_digest(result: NightlyResult, run: dict[str, Any] | None, day: date, index_arg: str | None = None) -> str:
    """The digest as Markdown; PDF-derived text and file names are made inert."""
    r = result.report
    replaced = result.replaced_paths
    c = result.counts()
    out = [f"# threatbrief nightly digest, {day.isoformat()}", ""]
    since = f"run {result.since_run_id}" if result.since_run_id else "the first nightly run"
    status = run["status"] if run else "unknown"
    out += [
        f"Run {r.run_id} ({status}). Changes since {since}.",
        "",
        "| | |",
        "|---|---|",
        f"| New documents | {c['new']} |",
        f"| Replaced documents | {c['replaced']} |",
        f"| Removed documents | {c['removed']} |",
        f"| New claims | {c['claims']} |",
        f"| Quarantined files | {c['quarantined']} |",
        f"| Unchanged files skipped | {c['unchanged']} |",
        f"| Documents with claims re-extracted (new claims model) | {c['reclaimed']} |",
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
    out += _claims_section(result.claims, index_arg) or ["None."]
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


CLAIMS_SHOWN = 3  # quotes per document x actor x capability; the rest behind a command


def _code(text: str) -> str:
    """An inline code span that holds `text` whatever backticks it contains."""
    text = clean_text(text, keep_newlines=False)
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def more_command(doc_id: str, actor: str, capability: str, index_arg: str | None) -> str:
    """The command that lists every claim of one document x actor x capability."""
    parts = ["threatbrief", "claims"]
    if index_arg:
        parts += ["--index", index_arg]
    parts += ["--doc", doc_id[:16]]
    if actor:
        parts += ["--actor", actor]
    parts += ["--capability", capability]
    return shlex.join(parts)


def _claims_section(claims: list[dict[str, Any]], index_arg: str | None = None) -> list[str]:
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        by_doc.setdefault(c["doc_id"], []).append(c)
    out: list[str] = []
    for doc_id, items in sorted(by_doc.items(), key=lambda kv: (kv[1][0]["file_name"], kv[0])):
        first = items[0]
        title = md_inline(first.get("title") or first["file_name"], TITLE_CHARS)
        noun = "claim" if len(items) == 1 else "claims"
        out += [f"### {title} ({md_inline(first['file_name'])}): {len(items)} {noun}", ""]
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for c in items:
            groups.setdefault((c.get("actor") or "", c["capability"]), []).append(c)
        # states first; capability mentions without an acting state are context
        for (actor, capability), group in sorted(groups.items(), key=lambda kv: (not kv[0][0], kv[0])):
            who = md_inline(actor) if actor else "No acting state"
            out.append(f"- **{who} × {md_inline(capability)}** ({len(group)})")
            group.sort(key=lambda c: (int(c["page_no"]), int(c["char_start"])))
            for c in group[:CLAIMS_SHOWN]:
                out.append(f"  - \u201c{md_inline(c['sentence'], QUOTE_CHARS)}\u201d (p. {int(c['page_no'])})")
            if len(group) > CLAIMS_SHOWN:
                cmd = more_command(doc_id, actor, capability, index_arg)
                out.append(f"  - … {len(group) - CLAIMS_SHOWN} more: {_code(cmd)}")
        out.append("")
    return out[:-1] if out else out
