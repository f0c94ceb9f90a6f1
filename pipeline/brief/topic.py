"""Actors and capabilities named in a briefing topic, through the claim extractor's own matchers.

The topic is matched with the same aliases, vendor naming families, capability triggers, deny
rules and ambiguous-alias rule as page text (pipeline.claims.features); a state named right
after "against", "targeting", "in"... is what the question is about being acted on, not an actor.
"""

from __future__ import annotations

import re

from pipeline.claims.context import document_codes, keep_mention
from pipeline.claims.features import get_matchers
from pipeline.claims.taxonomy import load_taxonomy

# A state named right after these words is the target of the activity, not its actor.
_TARGET_CUE = re.compile(
    r"\b(?:against|targeting|targets|target|into|on|toward|towards|inside|within|in|at|of)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def actor_name(code: str | None) -> str:
    """'China (CHN)' for a code; 'Unattributed' for none."""
    if not code:
        return "Unattributed"
    tax = load_taxonomy()
    name = tax.actors.get(code, {}).get("name") or (tax.countries.get(code) or [code])[0]
    return f"{name} ({code})" if name != code else code


def topic_tags(topic: str) -> tuple[dict[str, list[str]], str]:
    """Actors and capabilities named in `topic`, and how they were found."""
    matchers = get_matchers()
    mentions = matchers.mentions(topic)
    codes = document_codes(mentions, matchers.tax.ambiguous)
    actors = {
        m.alias.code
        for m in mentions
        if keep_mention(m, matchers.tax.ambiguous, codes) and not _TARGET_CUE.search(topic[: m.start])
    }
    capabilities = matchers.capabilities(topic, advice=False, mentions=mentions)
    return {"actors": sorted(actors), "capabilities": sorted(capabilities)}, "taxonomy matchers"
