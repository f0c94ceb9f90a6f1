"""Key judgments: who does what to whom, with AI or not, how likely, from how many independent sources.

A judgment is one actor x capability group of verified claims. Its wording is composed from the
claims' structured fields; its likelihood and confidence are the words of its representative
quote (the sources' own ICD 203 terms, never inferred); independence counts a lead publisher
once and a near-identical statement once, so reprints and joint advisories do not add up.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.brief.cluster import ClaimGroup, ScoredClaim
from pipeline.brief.evidence import mentions_of
from pipeline.brief.model import is_affirmative, is_negative, level_label
from pipeline.brief.sources import publisher_key
from pipeline.brief.topic import actor_name
from pipeline.claims.vocab import LIKELIHOODS

CAPABILITY_VERBS = {
    "propaganda": "spreads propaganda",
    "influence_operations": "runs influence operations",
    "censorship": "censors information",
    "surveillance": "conducts surveillance",
    "cyber_espionage": "conducts cyber espionage",
    "cyber_attack": "conducts disruptive cyber attacks",
    "data_exploitation": "collects and exploits personal data",
    "synthetic_media": "uses synthetic media",
    "transnational_repression": "targets critics and diaspora abroad",
    "technology_export": "exports surveillance and cyber technology",
}
_GOOD_TARGET = re.compile(
    r"[A-Z]|\b(?:government|think|ngo|journalist|dissident|activist|infrastructure|diaspora|critic|user|voter)"
)
_VAGUE_TARGET = re.compile(
    r"^(?:(?:this|that|these|those|its|their|his|her|our|such|targeted|the internet)\b|"
    r"(?:it|them|data|information|networks?|systems?|access|attacks?|malware|internet)$)",
    re.I,
)
# The sources' estimative words, and the participles after which one only hedges an attribute of a noun
# ("a group likely backed by the government"): the estimate is then not the claim's.
_ESTIMATIVE = re.compile(
    r"\b(?:likely|probabl[ey]|almost certain(?:ly)?|unlikely|improbabl[ey]|remote(?:ly)?|even chance)\b", re.I
)
_ATTRIBUTIVE = re.compile(
    r"\s+(?:[\w-]+[- ])?(?:backed|sponsored|linked|affiliated|associated|tied|connected|operated|supported|"
    r"based|controlled|directed|related|aligned)\b",
    re.I,
)
# "surveillance" naming a product or system ("camera surveillance systems", "surveillance software"),
# not someone watching people.
_SURVEILLANCE_THING = re.compile(
    r"\bsurveil\w*\s+(?:system|camera|equipment|software|tool|technolog|product|market|industr|vendor|"
    r"compan|capabilit|suite|platform|device)",
    re.I,
)
_TARGET_LEAD = re.compile(
    r"^(?:of|on|against|not only|not just|both|including|such as|especially|particularly)\s+", re.I
)
_ABBREVIATION_END = re.compile(r"\b[A-Z]\.$")  # "U.S.", "U.K."
# The words just before a state's name that make it the object of the clause, not its doer: "pledged
# support for the Russian government", "attacks against Russia", "since Russia's invasion".
_OBJECT_LEAD = re.compile(
    r"\b(?:for|against|to|towards?|on|at|with|from|into|over|about|upon|since|after|before|during|amid|"
    r"behalf of|support of|favou?r of|support(?:s|ed|ing)?|back(?:s|ed|ing)|defend(?:s|ed|ing)?|"
    r"side with|sided with)\s+(?:(?:the|a|an|its|their)\s+)?(?:pro-)?$",
    re.I,
)
# ... except where the preposition attributes the act to the state: "attributed to Russia", "by Russia".
_AGENT_LEAD = re.compile(
    r"\b(?:attribut\w+|traced(?: back)?|linked|tied|connected|blamed|pinned|credited|assigned)\s+"
    r"(?:\w+\s+){0,2}(?:to|on)\s+(?:(?:the|a|an)\s+)?$",
    re.I,
)
# A sentence about the report itself ("The intent of this joint advisory is to warn..."), not the actor.
_ABOUT_REPORT = re.compile(
    r"^(?:the (?:intent|purpose|goal|aim|objective)s? of this|this (?:joint )?(?:[\w-]+ )?"
    r"(?:advisory|report|paper|document|alert|csa|publication|analysis|study|blog|post)\b)",
    re.I,
)
# A capability or a possibility, not an act: "have demonstrated capabilities to", "could expose".
_POTENTIAL = re.compile(
    r"\b(?:capabilit(?:y|ies) to|(?:is|are) capable of|(?:the )?ability to|could|might|may)\b", re.I
)
_VERB_NEAR = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|may|might|can|could|likely|probably|almost|"
    r"[a-z]{3,}(?:ed|es))\b"
)
EXPLICIT_WEIGHT = 0.08  # per level: confidence or assessment, then an ICD 203 term
POTENTIAL_WEIGHT = 0.06  # (subtracted) what the actor can or could do, not what it did
SUBJECT_WEIGHT = 0.06  # the actor is the subject of the sentence: it says who does the act
TARGET_WEIGHT = 0.04  # a sentence that names whom the actor acts on
ASKED_TARGET_WEIGHT = 0.1  # ... and one the question asks about
CORROBORATION_WEIGHT = 0.02  # per further document making the same statement


def independent_sources(group: ClaimGroup) -> int:
    """Documents counted once per lead publisher, and once per near-identical statement."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    by_key: dict[str, str] = {}
    for c in group.claims:
        k = publisher_key(c.row.get("publisher"), c.doc_id)
        union(c.doc_id, by_key.setdefault(k, c.doc_id))
    for docs in group.findings_docs.values():
        first = sorted(docs)[0]
        for d in docs:
            union(d, first)
    return len({find(c.doc_id) for c in group.claims})


def ranked(group: ClaimGroup, taken: set[str] | None = None, targets: tuple[str, ...] = ()) -> list[ScoredClaim]:
    """Candidates to represent the group, best first: most relevant to the question, preferring sentences
    on the asked targets, the sources' own estimates and corroborated findings; `taken` sentences left out."""

    affirmed = any(is_affirmative(c.row["likelihood"], c.row["stance"], c.row["sentence"]) for c in group.claims)

    def key(c: ScoredClaim) -> tuple[Any, ...]:
        r = c.row
        explicit = 2 if r["likelihood"] else 1 if r["stance"] == "assessment" or r["confidence"] else 0
        if affirmed and is_negative(r["likelihood"], r["sentence"]):
            explicit = -2  # a doubt does not lead a judgment other sources affirm (Conflicts shows both)
        weight = float(r.get("_score", 0.0)) + EXPLICIT_WEIGHT * explicit
        weight += CORROBORATION_WEIGHT * (len(group.findings_docs[c.finding]) - 1)
        weight += TARGET_WEIGHT if target_of(r) else 0.0  # says to whom
        weight += ASKED_TARGET_WEIGHT if asked_target(r["sentence"], targets) else 0.0
        weight += SUBJECT_WEIGHT if actor_is_subject(r["sentence"], group.actor) else 0.0
        weight -= POTENTIAL_WEIGHT if _POTENTIAL.search(r["sentence"]) and not r["likelihood"] else 0.0
        about_report = bool(_ABOUT_REPORT.match(r["sentence"]))  # last: it speaks of the report, not the act
        return (about_report, -round(weight, 4), c.key)

    return sorted((c for c in group.claims if c.row["sentence"] not in (taken or set())), key=key)


def target_of(row: dict[str, Any]) -> str | None:
    """The claim's target as written, when it names someone or something specific."""
    t = _TARGET_LEAD.sub("", str(row.get("target") or "").strip().rstrip(",;:"))
    if t.endswith(".") and not re.search(r"\b[A-Z]\.$", t):  # keep "U.S."
        t = t[:-1]
    if not t or len(t) > 60 or _VAGUE_TARGET.match(t) or not _GOOD_TARGET.search(t):
        return None
    return t


def scoped_likelihood(sentence: str, likelihood: str | None) -> str | None:
    """The sentence's likelihood, unless every estimative word in it hedges an attribute of a noun."""
    if not likelihood:
        return None
    words = list(_ESTIMATIVE.finditer(sentence))
    if words and all(_ATTRIBUTIVE.match(sentence, m.end()) for m in words):
        return None
    return likelihood


def says_capability(sentence: str, capability: str) -> bool:
    """The sentence itself has the words of the capability (the extractor's triggers): a judgment's
    quote must say what the judgment says, not only sit near it."""
    from pipeline.claims.features import get_matchers

    found = get_matchers().capabilities(sentence, advice=False, mentions=list(mentions_of(sentence)))
    return capability in found


def watches_people(sentence: str) -> bool:
    """A surveillance claim's sentence speaks of watching someone, not only of surveillance products."""
    uses = re.findall(r"\bsurveil\w*", sentence, re.I)
    return not uses or len(_SURVEILLANCE_THING.findall(sentence)) < len(uses)


def names_actor(sentence: str, actor: str | None) -> bool:
    """The sentence itself names the state or one of its services or groups (a judgment's quote must)."""
    if actor is None:
        return True
    from pipeline.brief.evidence import doer_follows  # evidence imports this module's neighbours

    return any(
        m.alias.code == actor and (m.alias.kind != "demonym" or doer_follows(sentence, m.end))
        for m in mentions_of(sentence)
    )  # "Syrian activists" names victims, "Syrian hackers" the doer


def _acting_mentions(sentence: str, actor: str | None) -> list[Any]:
    """The actor's mentions (state, service or group) that are not the object of a preposition or of
    support ("pledged support for the Russian government", "against Russia")."""
    from pipeline.brief.evidence import doer_follows

    out = []
    for m in mentions_of(sentence):
        if m.alias.code != actor or (m.alias.kind == "demonym" and not doer_follows(sentence, m.end)):
            continue
        before = sentence[: m.start]
        if _OBJECT_LEAD.search(before) and not _AGENT_LEAD.search(before):
            continue
        out.append(m)
    return out


def acts_in(sentence: str, actor: str | None) -> bool:
    """The sentence names the state (or one of its services or groups) as the one acting, not only as
    the object or beneficiary of someone else's act."""
    return actor is None or bool(_acting_mentions(sentence, actor))


def actor_is_subject(sentence: str, actor: str | None) -> bool:
    """The actor is named before the main clause's verb: the sentence says who does the act."""
    if actor is None:
        return False
    for m in _acting_mentions(sentence, actor):
        head = sentence[: m.start]
        clause = head.rsplit(",", 1)[-1] if head.count(",") == 1 and len(head) < 60 else head  # "In 2018, GRU..."
        if not _VERB_NEAR.search(clause) and len(clause.split()) <= 6:
            return True
    return False


def organ_named(sentence: str, actor: str | None, organ: str | None) -> str | None:
    """The service or group to name in a judgment, as the sentence names it: the organ when the sentence
    names it, else a group of the actor the sentence names ("APT30"), else none."""
    if organ and re.search(rf"\b{re.escape(organ)}\b", sentence, re.I):
        return organ
    for m in mentions_of(sentence):
        if m.alias.code == actor and m.alias.kind in ("organ", "group"):
            return sentence[m.start : m.end]
    return None


def asked_target(sentence: str, targets: tuple[str, ...]) -> str | None:
    """The first target the question names that the sentence itself names (as a word), as asked."""
    for t in targets:
        if re.search(rf"\b{re.escape(t)}", sentence, re.IGNORECASE):
            return t
    return None


def compose(
    actor: str | None,
    capability: str,
    target: str | None,
    organ: str | None,
    ai: bool,
    likelihood: str | None,
    confidence: str | None,
    stance: str | None,
) -> str:
    """One sentence: the sources' estimate, who, does what, to whom, with AI or not."""
    who = actor_name(actor) + (f", through {organ}," if organ else "")
    clause = f"{who} {CAPABILITY_VERBS.get(capability, capability.replace('_', ' '))}"
    if target:
        clause += f" against {target}"
    if ai:
        clause += ", using AI or automated analytics"
    if likelihood in LIKELIHOODS:
        lead = (
            "There is a roughly even chance"
            if likelihood == "roughly_even_chance"
            else f"It is {level_label(likelihood)}"
        )
        text = f"{lead} that {clause}"
    elif stance == "assessment":
        text = f"Sources assess that {clause}"
    else:
        text = f"Sources report that {clause}"
    if confidence:
        text += f" ({confidence} confidence)"
    return text if _ABBREVIATION_END.search(text) else text + "."


def sentence_body(text: str) -> str:
    """A composed sentence without its closing period (an abbreviation's period stays)."""
    return text if _ABBREVIATION_END.search(text) else text.removesuffix(".")
