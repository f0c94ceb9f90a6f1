"""The question a briefing answers: actors, capabilities, targets and time window named in the topic.

Actors and capabilities are found through the claim extractor's own matchers.

The topic is matched with the same aliases, vendor naming families, capability triggers, deny
rules and ambiguous-alias rule as page text (pipeline.claims.features); a state named right
after "against", "targeting", "in"... is what the question is about being acted on, not an actor.
"""

from __future__ import annotations

import re

from pipeline.brief.model import Question
from pipeline.claims.context import document_codes, keep_mention
from pipeline.claims.features import get_matchers
from pipeline.claims.taxonomy import load_taxonomy
from pipeline.index.filters import Filters

# A state named right after these words is the target of the activity, not its actor.
TARGET_CUE = re.compile(
    r"\b(?:against|targeting|targets|targeted|target|attacked|attacks|attacking|hacked|compromised|breached|"
    r"infiltrated|into|on|toward|towards|inside|within|in|at|of)"
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


def actor_plain_name(code: str) -> str:
    """'China' for CHN: the words a document would use."""
    tax = load_taxonomy()
    return str(tax.actors.get(code, {}).get("name") or (tax.countries.get(code) or [code])[0])


# Who or what is acted on: sectors and groups a question names (matched as words, shown as written).
_TARGET_WORDS = re.compile(
    r"\b(?:governments?|think[- ]tanks?|NGOs?|non-governmental organi[sz]ations?|journalists?|dissidents?|"
    r"activists?|human rights defenders?|diaspora|critics?|elections?|voters?|(?:critical |national )?infrastructure|"
    r"telecommunications?|telecoms?|energy|power grids?|water|transport(?:ation)?|financial|banks?|"
    r"defen[cs]e|military|health(?:care)?|universit(?:y|ies)|academi[ac]|research(?:ers)?|companies|"
    r"businesses|media|embassies|diplomats?|politicians?|parliaments?|minorities|Uyghurs?|Tibetans?|"
    r"Hong Kong|pro-democracy|satellites?|cloud|supply chains?|social media|platforms?)\b",
    re.IGNORECASE,
)
_LIST_GLUE = re.compile(r"^\s*(?:,|,?\s*(?:and|or))\s*(?:the\s+)?$")
_ACTED_ON = re.compile(r"\b(?:against|target\w*|surveil\w*|spy on|attack\w*|on|of|at|to|into)\b", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:been|be|are|were|is|was)\s+(?:target|surveil|attack|hack|spied)\w*", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19[89]\d|20[0-4]\d)\b")
_SINCE = re.compile(r"\b(?:since|after|from)\s+((?:19[89]|20[0-4])\d)\b", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:before|until|up to|through)\s+((?:19[89]|20[0-4])\d)\b", re.IGNORECASE)


def parse_question(topic: str, filters: Filters | None = None) -> Question:
    """The actors, capabilities, targets and time window a question names, plus explicit filters."""
    filters = filters or Filters()
    matchers = get_matchers()
    mentions = matchers.mentions(topic)
    codes = document_codes(mentions, matchers.tax.ambiguous)
    actors: set[str] = set(filters.actors)
    targets: list[str] = []
    target_states: set[str] = set()
    last_target = -1
    for m in mentions:
        if not keep_mention(m, matchers.tax, codes):
            continue
        listed = last_target >= 0 and _LIST_GLUE.match(topic[last_target : m.start])
        if listed or TARGET_CUE.search(topic[: m.start]):
            targets.append(topic[m.start : m.end])
            target_states.add(m.alias.code)
            last_target = m.end
        else:
            actors.add(m.alias.code)
    cue = _ACTED_ON.search(topic)
    passive = _PASSIVE.search(topic)  # "groups been targeted": the subject is acted on
    for w in _TARGET_WORDS.finditer(topic):
        if (passive or (cue and w.start() > cue.start())) and w.group(0).lower() not in (t.lower() for t in targets):
            targets.append(w.group(0))
    caps = set(filters.capabilities) | set(matchers.capabilities(topic, advice=False, mentions=mentions))
    years = sorted(_YEAR.findall(topic))
    since_m, until_m = _SINCE.search(topic), _UNTIL.search(topic)
    since = filters.since or (since_m.group(1) if since_m else None)
    until = filters.until or (until_m.group(1) if until_m else None)
    if not since and not until and len(years) == 1 and re.search(rf"\bin {years[0]}\b", topic):
        since = until = years[0]
    return Question(
        text=topic.strip(),
        actors=tuple(sorted(actors)),
        capabilities=tuple(sorted(caps)),
        targets=tuple(targets),
        target_states=tuple(sorted(target_states - actors)),
        since=since,
        until=until,
        ai=bool(filters.ai_enabled) or matchers.ai_enabled(topic),
    )


MAX_FACETS = 6
_QUESTION_WORDS = re.compile(
    r"\b(?:how|what|which|who|whom|when|where|why|do|does|did|have|has|had|are|is|was|were|been|the|and|or|"
    r"such as|in other countries|against whom|state|states|actors?)\b|[?,()]",
    re.IGNORECASE,
)


def _without_states(text: str) -> str:
    """The question's words with the states it names, and question words, cut out."""
    matchers = get_matchers()
    for m in sorted(matchers.mentions(text), key=lambda m: -m.start):
        text = text[: m.start] + " " + text[m.end :]
    return " ".join(_QUESTION_WORDS.sub(" ", text).split())


def facet_queries(q: Question) -> list[str]:
    """Narrower searches on the question's parts (actor x capability, actor x target, each actor alone),
    so that a broad question's overview pages do not crowd out the passages behind each part."""
    names = " ".join(actor_plain_name(a) for a in q.actors)
    caps = [cap.replace("_", " ") for cap in q.capabilities]
    out = [f"{names} {cap}" for cap in caps] if names else []
    out += [f"{names or (caps[0] if caps else '')} {t}".strip() for t in q.targets]
    if len(q.actors) > 1:
        rest = _without_states(q.text)
        out += [f"{actor_plain_name(a)} {rest}" for a in q.actors]
    seen = {q.text.lower()}
    facets = []
    for x in out:
        if len(x.split()) > 1 and x.lower() not in seen:
            seen.add(x.lower())
            facets.append(x)
    return facets[:MAX_FACETS]
