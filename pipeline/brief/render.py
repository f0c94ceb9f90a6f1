"""A Briefing as Markdown (or a standalone HTML page). Every string goes through pipeline.text.md_text.

md_text escapes only what would change the rendering in context (link and image syntax, HTML,
code, emphasis, table pipes, a leading # > - + or 1.), so PDF text can never inject a link, HTML
or a heading, and prose stays readable: no escaped periods or hyphens.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from pipeline.brief.model import Briefing, Judgment, Quote, Source, capability_label, level_label
from pipeline.brief.topic import actor_name
from pipeline.text import md_text


def _cite(refs: Iterable[int]) -> str:
    return " ".join(f"[{r}]" for r in refs)


def _quote_refs(x: Quote) -> str:
    """A quote's page, and the next page where its sentence runs on."""
    return _cite([x.ref] + ([x.ref_next] if x.ref_next else []))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _question(b: Briefing) -> list[str]:
    q, f = b.question, b.filters
    asked = [
        "actors " + (", ".join(actor_name(a) for a in q.actors) if q.actors else "any"),
        "capabilities " + (", ".join(capability_label(c) for c in q.capabilities) if q.capabilities else "any"),
    ]
    if q.targets:
        asked.append("targets " + ", ".join(q.targets))
    if q.since or q.until:
        asked.append(f"window {q.since or '…'} to {q.until or '…'}")
    scope = [f"{_plural(b.documents_searched, 'document')} searched"]
    if f.publisher:
        scope.append(f"publisher matching “{f.publisher}”")
    if f.docs:
        scope.append("documents " + ", ".join(f.docs))
    if f.since or f.until:
        scope.append(f"published {f.since or '…'} to {f.until or '…'}")
    scope.append(f"generated {b.today}" if b.today else "undated")
    return [
        md_text(f"Question as parsed: {'; '.join(asked)}."),
        "",
        md_text(f"Scope: {'; '.join(scope)}."),
    ]


def _quote_line(x: Quote, indent: str = "") -> str:
    mark = "" if x.verification == "verified" else f" ({x.verification})"
    return f"{indent}> {md_text(x.text)} {_quote_refs(x)}{md_text(mark)}"


def _judgment(i: int, j: Judgment) -> list[str]:
    kinds = f"{_plural(j.independent_sources, 'independent source')} ({_plural(j.n_documents, 'document')})"
    return [f"{i}. {md_text(j.text)} {md_text(kinds)} {_cite(j.refs)}", "", _quote_line(j.quote, "   "), ""]


def _evidence(b: Briefing) -> list[str]:
    """The appendix: every further verified passage, most relevant first, one table row each."""
    if not b.evidence:
        return [md_text("No further passage in the documents searched bears on the question."), ""]
    out = [
        md_text(f"{_plural(len(b.evidence), 'further passage')} on the question, most relevant first:"),
        "",
        "| # | Passage | Source |",
        "| --- | --- | --- |",
    ]
    for i, x in enumerate(b.evidence, 1):
        mark = "" if x.verification == "verified" else f" ({x.verification})"
        out.append(f"| {i} | {md_text(x.text)} | {_quote_refs(x)}{md_text(mark)} |")
    return [*out, ""]


def _also(b: Briefing) -> list[str]:
    if not b.also_reported:
        return []
    out = [
        "## Also reported",
        "",
        md_text("States the question does not name, in the passages retrieved (not quoted):"),
        "",
    ]
    for a in b.also_reported:
        caps = ", ".join(capability_label(c) for c in a.capabilities)
        line = f"{actor_name(a.actor)}: {caps}; {_plural(a.n_documents, 'document')}"
        out.append(f"- {md_text(line)} {_cite(a.refs)}")
    return [*out, ""]


def _conflicts(b: Briefing) -> list[str]:
    if not b.conflicts:
        return []  # the body stays short: no section saying there is nothing
    out = ["## Conflicting statements", ""]
    for c in b.conflicts:
        head_a = level_label(c.a.likelihood) if c.a.likelihood else c.a.stance or "stated"
        head_b = level_label(c.b.likelihood) if c.b.likelihood else c.b.stance or "stated"
        out += [
            f"**{md_text(actor_name(c.actor))} — {md_text(capability_label(c.capability))}** ({md_text(c.kind)}):",
            "",
            f"| {md_text(head_a)} [{c.a.ref}] | {md_text(head_b)} [{c.b.ref}] |",
            "| --- | --- |",
            f"| {md_text(c.a.text)} | {md_text(c.b.text)} |",
            "",
        ]
    return out


def _timeline(b: Briefing) -> list[str]:
    out = []
    for e in b.timeline:
        label = "published" if e.kind == "published" else e.date_text
        who = f" ({e.publisher})" if e.publisher else ""
        out.append(f"- **{md_text(e.date)}** {md_text(f'({label}){who}')}: {md_text(e.text)} [{e.ref}]")
    if b.timeline and b.timeline[0].kind == "published":
        out.insert(0, md_text("No quoted sentence dates an event; publication dates instead:"))
    return out or ["- No dated event in the quoted sentences."]


def _gaps(b: Briefing) -> list[str]:
    lines = [f"- {md_text(g.text)}" for g in b.gaps]
    return lines or ["- " + md_text("None: every actor, capability and target the question names has evidence.")]


def _method(b: Briefing) -> list[str]:
    n_quotes = len(b.judgments) + len(b.evidence)
    lines = [
        "Extractive, no language model. Each quotation is a whole sentence found verbatim on the page it "
        "cites, in the stored text and again in an independent extraction of the PDF page (PDFium's own "
        "text, compared letter by letter; for a scanned page without a text layer, a second OCR "
        "reading at another resolution, compared with OCR's tolerance); headings, tables of contents, "
        "table rows and references are "
        f"not quoted. {_plural(n_quotes, 'quotation')} shown."
    ]
    reasons = {
        "not_independent": "in our text but not in the independent extraction (or second OCR) of the page",
        "not_on_page": "not verbatim on the cited page",
        "non_prose": "a heading, table row, list fragment or reference",
        "not_body_block": "outside the body text blocks of the page",
    }
    for key, n in b.dropped.items():
        lines.append(f"{_plural(n, 'candidate sentence')} left out: {reasons.get(key, key)}.")
    if b.unverifiable:
        lines.append(
            f"{_plural(b.unverifiable, 'quotation')} could not be checked independently (file gone, or no "
            "time left for a second OCR reading); each is marked."
        )
    return [f"- {md_text(x)}" for x in lines]


def _source(s: Source) -> str:
    parts = [s.title or s.file_name]
    who = ", ".join(x for x in (s.publisher, s.kind) if x)
    if who:
        parts.append(who)
    if s.published:
        parts.append(s.published)
    if s.doc_number:
        parts.append(s.doc_number)
    page = f"p. {s.page_no}" + (" (OCR)" if s.ocr else "")
    name = s.file_name.replace("`", "'")
    return f"- [{s.ref}] {md_text(' — '.join(parts))}; `{name}`, {page}"


def render_markdown(b: Briefing) -> str:
    """The briefing as Markdown: a short body (bottom line, key judgments each with one quote, also
    reported, conflicts, timeline, gaps), then the further evidence as a compact appendix, method, sources."""
    out = [f"# Briefing: {md_text(b.topic)}", "", *_question(b), "", "## Bottom line", ""]
    out += [" ".join(f"{md_text(s.text)} {_cite(s.refs)}".rstrip() for s in b.bluf) or md_text("No answer."), ""]
    out += [f"**Source mix:** {md_text(b.source_mix)}.", "", "## Key judgments", ""]
    for i, j in enumerate(b.judgments, 1):
        out += _judgment(i, j)
    if not b.judgments:
        out += [md_text("No key judgment: no attributable claim in the passages found answers the question."), ""]
    out += [*_also(b), *_conflicts(b)]
    out += ["## Timeline of events", "", *_timeline(b), "", "## Gaps", "", *_gaps(b), ""]
    out += ["## Appendix: evidence", "", *_evidence(b)]
    out += ["## Method and verification", "", *_method(b), "", "## Sources", ""]
    out += [_source(s) for s in b.sources] or ["- None."]
    return "\n".join(out) + "\n"


def render_html(b: Briefing) -> str:
    """A standalone HTML page of the Markdown briefing (raw HTML in it is escaped, never passed through)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").render(render_markdown(b))
    title = html.escape(b.topic, quote=True)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Briefing: {title}</title>"
        "<style>body{max-width:52rem;margin:2rem auto;font:16px/1.5 system-ui,sans-serif;padding:0 1rem}"
        "blockquote{border-left:3px solid #999;margin:0.5rem 0;padding-left:0.8rem;color:#333}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:0.3rem;vertical-align:top}</style>"
        f"</head><body>\n{body}</body></html>\n"
    )
