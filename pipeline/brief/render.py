"""A Briefing as Markdown. Every PDF-derived string goes through pipeline.text.md_inline."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.brief.model import Briefing, EvidenceGroup, Quote, capability_label, level_label
from pipeline.brief.topic import actor_name
from pipeline.text import md_inline

# Labels built from the taxonomy; anything else is escaped like PDF text.
_PLAIN = re.compile(r"^(?:[^\W_]|[ .,;:'’()\-—–/])*$")


def _label(text: str) -> str:
    return text if _PLAIN.match(text) else md_inline(text)


def _cite(refs: Iterable[int]) -> str:
    return " ".join(f"[{r}]" for r in refs)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _scope(b: Briefing) -> list[str]:
    f = b.filters
    parts = [f"topic “{md_inline(b.topic)}”"]
    if f.actors:
        parts.append("actors " + ", ".join(_label(actor_name(a)) for a in f.actors))
    if f.capabilities:
        parts.append("capabilities " + ", ".join(_label(capability_label(c)) for c in f.capabilities))
    if f.publisher:
        parts.append(f"publisher matching “{md_inline(f.publisher)}”")
    if f.docs:
        parts.append("documents " + ", ".join(md_inline(d) for d in f.docs))
    if f.since:
        parts.append(f"published since {_label(f.since)}")
    if f.until:
        parts.append(f"published until {_label(f.until)}")
    if f.ai_enabled:
        parts.append("AI-enabled claims only")
    if f.likelihood:
        parts.append(f"likelihood {_label(level_label(f.likelihood))}")
    parts.append(f"{_plural(b.documents_searched, 'document')} searched")
    parts.append(f"generated {_label(b.today)}" if b.today else "undated")
    lines = ["**Scope:** " + "; ".join(parts) + "."]
    named = [_label(actor_name(a)) for a in b.topic_actors]
    named += [_label(capability_label(c)) for c in b.topic_capabilities]
    if named:
        lines.append(f"**Named in the topic:** {', '.join(named)} (found by {_label(b.tagging)}).")
    lines.append(
        "**Method:** extractive. Judgments are templated from the claims extracted from the "
        "documents; every quotation is verbatim from the page it cites; no language model."
    )
    return lines


def _quote(q: Quote) -> str:
    return f"> {md_inline(q.text)} [{q.ref}]"


def _group_title(g: EvidenceGroup) -> str:
    text = f"{capability_label(g.capability).capitalize()} — {_plural(g.n_documents, 'document')}"
    if g.strongest:
        text += f"; strongest estimative language: {level_label(g.strongest)}"
    return _label(text)


def _evidence(b: Briefing) -> list[str]:
    out: list[str] = []
    actors: list[str | None] = []
    for g in b.evidence:
        if g.actor not in actors:
            actors.append(g.actor)
    for actor in actors:
        out += [f"### {_label(actor_name(actor))}", ""]
        for g in (g for g in b.evidence if g.actor == actor):
            out += [f"#### {_group_title(g)}", ""]
            for q in g.quotes:
                out += [_quote(q), ""]
            if len(g.quotes) < g.n_documents:
                out += [
                    f"*{_plural(g.n_documents - len(g.quotes), 'further document')} not quoted.*",
                    "",
                ]
    if b.uncategorised:
        out += [
            "### Uncategorised evidence",
            "",
            "*No claims were extracted from the most relevant passages; these are their "
            "sentences closest to the topic, unclassified.*",
            "",
        ]
        for q in b.uncategorised:
            out += [_quote(q), ""]
    if not out:
        out = ["No passage in the documents searched matches the topic.", ""]
    return out


def _corroboration(b: Briefing) -> list[str]:
    out = ["### Supported by several documents", ""]
    multi = [g for g in b.evidence if g.n_documents >= 2]
    for g in multi:
        line = f"- {_label(actor_name(g.actor))} — {_label(capability_label(g.capability))}: "
        line += f"{_plural(g.n_documents, 'document')} {_cite(q.ref for q in g.quotes)}"
        out.append(line)
        for refs in g.corroborated_findings:
            out.append(f"  - near-identical statement in {_plural(len(refs), 'document')}: {_cite(refs)}")
    if not multi:
        out.append("- None: no actor and capability is supported by more than one document.")
    out += ["", "### Resting on a single source", ""]
    for g in b.single_source:
        out.append(
            f"- {_label(actor_name(g.actor))} — {_label(capability_label(g.capability))}: "
            f"{_cite(q.ref for q in g.quotes)}"
        )
    if not b.single_source:
        out.append("- None.")
    out += ["", "### Conflicting statements", ""]
    for c in b.conflicts:
        head_a = _label(level_label(c.a.likelihood) if c.a.likelihood else c.a.stance or "stated")
        head_b = _label(level_label(c.b.likelihood) if c.b.likelihood else c.b.stance or "stated")
        out += [
            f"**{_label(actor_name(c.actor))} — {_label(capability_label(c.capability))}** ({_label(c.kind)}):",
            "",
            f"| {head_a} [{c.a.ref}] | {head_b} [{c.b.ref}] |",
            "| --- | --- |",
            f"| {md_inline(c.a.text)} | {md_inline(c.b.text)} |",
            "",
        ]
    if not b.conflicts:
        out += [
            "- None found: no two documents give different likelihoods for the same actor and "
            "capability, and none doubts what another asserts.",
            "",
        ]
    return out


def _timeline(b: Briefing) -> list[str]:
    out = []
    for e in b.timeline:
        title = md_inline(e.title or e.file_name)
        pub = f" ({md_inline(e.publisher)})" if e.publisher else ""
        out.append(f"- **{_label(e.published or 'undated')}** — {title}{pub}: {_cite(e.refs)}")
    return out or ["- No documents cited."]


def _gaps(b: Briefing) -> list[str]:
    lines = [f"- {_label(g.text)}" for g in b.gaps]
    if b.dropped_quotes:
        lines.append(
            f"- {_plural(b.dropped_quotes, 'extracted claim')} left out: not found verbatim "
            "on their page, too long to quote, or a heading or table fragment."
        )
    if not b.judgments:
        lines.append("- No key judgment: the evidence found carries no attributed claim.")
    return lines or ["- None: every actor and capability requested or named in the topic has evidence."]


def _sources(b: Briefing) -> list[str]:
    out = []
    for s in b.sources:
        title = md_inline(s.title or s.file_name)
        extra = ", ".join(x for x in (s.publisher and md_inline(s.publisher), s.published and _label(s.published)) if x)
        out.append(f"- [{s.ref}] {title} — {md_inline(s.file_name)}, p. {s.page_no}" + (f" ({extra})" if extra else ""))
    return out or ["- None."]


def render_markdown(b: Briefing) -> str:
    """The briefing as Markdown: judgments first, then evidence, corroboration, timeline, gaps."""
    out = [f"# Briefing: {md_inline(b.topic)}", "", *_scope(b), "", "## Key judgments", ""]
    for i, j in enumerate(b.judgments, 1):
        out.append(f"{i}. {_label(j.text)} {_cite(j.refs)}")
    if not b.judgments:
        out.append("No key judgment can be made: no attributed claim was found for this topic.")
    out += ["", "## Evidence", "", *_evidence(b)]
    out += ["## Corroboration and disagreement", "", *_corroboration(b)]
    out += ["## Timeline", "", *_timeline(b), "", "## Gaps", "", *_gaps(b), ""]
    out += ["## Sources", "", *_sources(b), ""]
    return "\n".join(out)
