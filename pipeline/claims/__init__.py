"""Sentences -> claims: who acts, with which capability, against whom, how likely.

features.py  the fast regex pass: actor mentions, capability triggers, AI, ICD 203 terms
roles.py     spaCy dependency rules: does a mentioned state act, or is it a target/place
context.py   surface rules that back the parse (reporters, "attributed to", ambiguous aliases)
extract.py   the two passes together: extract_claims_pages, tag_text, lint_text
taxonomy.py  loads data/*.toml (actors, countries, capabilities, estimative language)
vocab.py     the closed vocabularies of TAXONOMY.md
query.py     claims stored in an index, with filters; the lint report
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.claims.extract import extract_claims, extract_claims_pages, highlight_spans, lint_text, tag_text

__all__ = ["extract_claims", "extract_claims_pages", "highlight_spans", "lint_text", "tag_text"]


def __getattr__(name: str) -> Any:
    # spaCy loads only when a claim is extracted, not when the vocabularies are read
    if name in __all__:
        from pipeline.claims import extract

        return getattr(extract, name)
    raise AttributeError(name)
