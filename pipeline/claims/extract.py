"""Sentences -> claims: who (state) does what (capability) to whom, with ICD 203 signals.

Candidates come from the regex pass (gazetteer aliases, vendor naming families) and spaCy's
GPE/NORP entities. The decisions are learned (model.py): per sentence the capabilities and the
stance, per candidate mention its role. Rules stay as hard constraints only where they are right
by definition: a negated act carries no capability, a recommendation or a reference entry
asserts nothing of an actor, and likelihood/confidence are the ICD 203 words of the claim's clause.
Only sentences with a candidate mention are parsed (tag parses all).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from pipeline.claims.context import document_codes, keep_mention
from pipeline.claims.features import Features, Mention, get_matchers, is_citation
from pipeline.claims.model import Heads, Rows, encode, get_heads, pair_features
from pipeline.claims.nlp import find_entities, load_nlp, mend_parse, with_entities
from pipeline.claims.recase import sentence_case
from pipeline.claims.roles import (
    acted_on,
    acts_through_others,
    answerable_for,
    answers_accusation,
    buys_only,
    companion_of,
    content_source,
    contrasted,
    counters,
    denied_party,
    find_target,
    in_said_clause,
    judging_subject,
    list_acts,
    listed_member,
    outlet_messaging,
    owner_reports,
    owns_a_thing,
    partisans_place,
    persona_nationality,
    phrase_head,
    place_role,
    qualifies_the_act,
    receives_only,
    ruled_out,
    seat_of_subject,
    speaks_of,
    state_owned_firm,
    subject_of_an_act,
    takes_down_crime,
    tokens_in,
)
from pipeline.claims.signals import (
    ROLES,
    STANCES,
    act_features,
    entity_features,
    mention_features,
    ner_mentions,
    parse_words,
    sentence_signals,
    sentence_words,
    subject_words,
    trigger_tokens,
)
from pipeline.claims.taxonomy import Alias, Taxonomy, load_taxonomy
from pipeline.claims.vocab import CAPABILITIES
from pipeline.models import Claim, Page
from pipeline.text import split_sentences

__all__ = [
    "Taxonomy",
    "analyse",
    "extract_claims",
    "extract_claims_pages",
    "highlight_spans",
    "lint_text",
    "load_nlp",
    "load_taxonomy",
    "tag_text",
]

log = logging.getLogger(__name__)

BATCH_SIZE = 64
_TARGET_RE = re.compile(
    r"\b(?:against|targeting|targeted|targets|target)\s+((?:the\s+)?[^,.;:()\n]{2,80}?)"
    r"(?=[,.;:()]|\s+(?:with|in|by|to|and|through|using|via|from|for|since|who|that|which)\b|$)",
    re.I,
)
# A recommendation addressed to defenders asserts nothing of an actor (TAXONOMY: advice carries
# no capability): an imperative defensive verb first, or an explicit "should"/"are urged to".
_RECOMMENDATION = re.compile(
    # an imperative at the start, after at most one adverb ("Routinely audit ...", "Be vigilant against ...")
    r"^[\W\d]*(?:\w+ly,? )?(?P<imperative>block|monitor|filter|implement|ensure|consider|enable|disable|restrict|"
    r"review|update|patch|provide|visit|be (?:vigilant|aware|alert|cautious|careful|wary|prepared)|use(?! of\b)|"
    r"deploy|store|encrypt|"
    r"document|develop|conduct|plan|prioriti[sz]e|perform|create|look for|search for|scan|investigate|identify|"
    r"apply|configure|audit|limit|require|maintain|establish|segment|prohibit|prevent|avoid|keep|remove|isolate|"
    r"educate|train|report|contact|hunt|check|verify|validate|inspect|enforce|follow|adopt|install|change|reset|"
    r"rotate|harden|back up|do not|don[’']t|upgrade|replace|turn off|reduce|mitigate|minimize|delete|whitelist|"
    r"allowlist|denylist|blacklist)\b"
    # not a label ("Report: ...", "Document name: ...") nor a name that reports ("Check Point observed")
    r"(?!(?:\s+\w+)?\s*:)(?!(?-i:\s+(?:[A-Z][\w&.-]*\s+){1,3})(?:said|says|found|observed|reported|attribut\w+|"
    r"assess\w*|identified|track\w*|not\w+|detected|discovered|linked|links|traced|wrote|published|warn\w*|stat\w+|"
    r"believ\w+)\b)"
    r"|\b(?:organi[sz]ations|defenders|administrators|users|entities|agencies|companies|you|operators of \w+)"
    r"\s+(?P<modal>should|must|are (?:encouraged|advised|urged) to)\b"
    r"|\b(?:we|the \w+(?: \w+)?) (?P<advise>recommend|urge|encourage)s?\b(?! that \w+ (?:actors|hackers))",
    re.IGNORECASE,
)
# a recommendation's subject after a clause of its own: "..., so defenders should", "...; we recommend"
_AFTER_CLAUSE = re.compile(
    r"^(?![\W\d]*(?:to|in|for|given|as|if|when|where|because|since|until|once|based|following|after|before)\b)"
    r"(?:\S+\s+){6,}?\S*(?:[,;]\s*(?:(?:so|and|but|yet|thus|hence|while|whereas)\s+)?|\s(?:so|and|but|yet|thus|hence)\s+)$",
    re.IGNORECASE,
)
# Advice in a parsed sentence: a main verb under "should" or "ought to" ("Host states should refuse
# ...", "Washington and its allies should coordinate export controls ..."), whoever is advised.
_ADVISING = frozenset({"should", "ought"})
_ADVICE_HINT = re.compile(r"\b(?:" + "|".join(sorted(_ADVISING)) + r")\b", re.IGNORECASE)
# main verbs under which what follows is still said to be true ("should be aware that Beijing buys
# ...") or that speak of the text itself ("Russia and China, it should be stressed, do not ...")
_STILL_SAID = frozenset(
    "be know note recognise recognize understand realise realize remember stress emphasise emphasize add say "
    "point underline repeat recall admit acknowledge".split()
)
# clauses of the main verb's own beside it ("they could forge tokens ..., so customers should rotate keys")
_OWN_CLAUSES = frozenset({"ccomp", "parataxis", "conj"})


def gives_advice(doc: Any, text: str) -> bool:
    """The sentence's main clause gives advice: its verb carries "should" or "ought" after its
    subject (not "should Washington impose sanctions", a condition, nor "should have", a past that
    did not happen, nor the expletive "it should be stressed"), is not a verb under which the rest
    holds true, and follows no clause of its own ("..., so customers should rotate keys" leaves the
    first clause's act to the heads)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return False
    # "ought" heads its clause, the advised verb its complement ("Platforms ought to refuse ...")
    verb = next((c for c in root.children if c.dep_ == "xcomp"), None) if root.lower_ == "ought" else root
    if verb is None or verb.lemma_.lower() in _STILL_SAID:
        return False
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    modal = root if verb is not root else next((c for c in auxes if c.lower_ in _ADVISING), None)
    if modal is None or any(c.lemma_ == "have" for c in auxes):
        return False
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    subject = subjects[-1] if subjects else None
    if subject is None or subject.i > modal.i or subject.lower_ == "it":
        return False
    start = subject.left_edge
    if any(c.dep_ in _OWN_CLAUSES and c.i < start.i for c in root.children):
        return False
    return not _AFTER_CLAUSE.search(text, 0, start.idx)


# not after "not"/"never": "did not deny that" asserts the act
_NOT_NEGATED = r"(?<!not )(?<!n't )(?<!n’t )(?<!never )"
# "retracted its attribution", "withdrew the claims", "the attribution was later withdrawn"
_RETRACT = r"\bretract(?:s|ed|ing)? (?:\w+ ){0,3}?"
_WITHDRAW = r"\bwithdr[ae]w(?:n|s)? (?:\w+ ){0,3}?"
_TAKEN_BACK = r"\b(?:was|were|has been|have been|had been) (?!not |never )(?:\w+ )?"
# "none" or "none of them" said to show no trace of an act ("none showed signs of ...", "none could
# show evidence of ...") or to be tied to no one ("none could be linked to ...", "none has been traced to ...")
_NONE_OF = r"\bnone (?:of (?:them|these|those|it) )?"
_NONE_DENIES = (
    _NONE_OF + r"(?:(?:could|can|would|did) )?(?:shows?|showed|has|had|have|bears?|bore|carried|contained|produced?|"
    r"offer(?:s|ed)?) (?:any )?(?:signs?|traces?|evidence|indications?|hallmarks?|proof)\b"
    r"|" + _NONE_OF + r"(?:could|can|has|have|had|was|were|is|are) (?:yet )?(?:be |been )?"
    r"(?:\w+ly )?(?:linked|tied|traced|attributed)\b"
)
# "as first feared", "as several politicians had claimed": whoever blamed the act set aside
_BLAMED = (
    r"as\s+(?:[\w-]+\s+){0,4}(?:feared|claimed|suspected|alleged|reported|assumed|thought|believed|said|suggested)"
)
# ", not a deepfake made by Chinese state media": who the ruled-out thing would have come from
_MADE_BY = (
    r"\s+(?:made|run|produced|created|operated|ordered|directed|sponsored|backed|orchestrated|controlled|"
    r"carried out|conducted) by\s+(?:[\w-]+\s+){0,3}[\w-]+"
)
# "the outage was traced to a misconfigured upgrade, not to any cyber attack", "..., not to Russian
# hackers as first feared", "the video was authentic, not a deepfake made by ...": the act the
# sentence ends on is the one it rules out (an act a named party does before the comma stands:
# `_ruled_out_tail`)
_NOT_TAIL_PATTERN = (
    r",\s+not\s+(?:(?:(?:to|by|from|through)\s+)?(?:any|an?)\s+(?:[\w-]+\s+){0,3}[\w-]+"
    r"(?:\s+" + _BLAMED + r"|" + _MADE_BY + r")?"
    r"|(?:to|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}[\w-]+\s+" + _BLAMED + r")\s*[.;]?\s*$"
)
_NOT_TAIL = re.compile(_NOT_TAIL_PATTERN, re.IGNORECASE)
# What a denial dismisses, and the words it dismisses it with
_CHARGES = r"(?:allegations?|accusations?|charges?|reports?|claims?|findings?|stor(?:y|ies))"
_FALSE = (
    r"(?:groundless|baseless|false|unfounded|fabricated|absurd|lies|nonsense|slander(?:ous)?|smears?|"
    r"politically motivated)"
)
# the report after the dismissal's words: "... 'fabricated' a report", "'absurd' Ottawa's accusation"
_DISMISSED = r"['’\"”]? (?:the |these |such |those |an? |\w+['’]s )?(?:[\w-]+ )?" + _CHARGES + r"\b"
# Words that refute what went before in the sentence ("but found no evidence", "show no disruption").
_REFUTED = (
    r"\b(?:no evidence|nothing\b|found no|finds? no|show(?:s|ed)? no|saw no|see no|no sign|no trace|no indication)"
)
# A denied act is no claim whatever the stance head says: "denied that Beijing censors ...".
_DENIAL = re.compile(
    _NOT_NEGATED + r"\b(?:den(?:y|ies|ied|ying)|refut(?:e|es|ed)|dismiss(?:es|ed)?|rejec(?:t|ts|ted)|"
    r"debunk(?:s|ed|ing)?|disprov(?:e|es|ed|en|ing))['’\"”]?,?\s+"
    r"(?:that|any|having|all|\w+ing|(?:the\s+|these\s+|such\s+)?(?:claims?|allegations?|accusations?|reports?|charges?|"
    r"findings?))\b"
    r"|" + _NOT_NEGATED + r"\bden(?:y|ies|ied|ying)(?:\s+\w+){1,3}?\s+that\b"
    r"|\bno (?:direct |clear |conclusive |hard |credible |further |public |concrete |firm )?"
    r"(?:evidence|proof|indications?|signs?|information|reporting|intelligence|record|basis|trace|"
    r"reason to (?:believe|think|suspect|assume|conclude))\b"
    # "show no sign of slowing": what is denied is an end to the act
    r"(?! of (?:\w+ )?(?:slow|abat|stop|let|eas|relent|wan|declin|diminish|decreas|subsid|ceas|end|halt)\w*)"
    r"|\b(?:little|scant|scarce|slim|few) (?:direct |clear |hard |credible |public )?"
    r"(?:evidence|proof|indications?|signs?)\b"
    r"|\bno (?:known |direct |clear |established |proven )?"
    r"(?:(?:links?|ties?)(?: \w+)? (?:between|to|with)|connection between)\b"
    # "the accounts showed no connection to Venezuelan state media" (not a network connection:
    # "the implant makes no connection to the server")
    r"|\b(?:show(?:s|ed|ing)?|ha[sd]|have|having|bears?|bore|found|finds?) no (?:known |direct |clear |proven )?"
    r"connections? (?:\w+ )?(?:to|with) (?!(?:the |a |an |its |any )?(?:[\w-]+ )?(?:servers?|internet|networks?|hosts?|"
    r"c2|c&c|command|domains?|ip|ports?|devices?|machines?|computers?)\b)"
    # "we know of no case in which ...", "no documented instance of ..."
    r"|\bno (?:known |documented |confirmed |reported |recorded |verified )?(?:cases?|instances?|examples?) "
    r"(?:of|in which|where)\b"
    r"|\b(?:found|find|finds|saw|seen|see|observed|detected|identified|uncovered) (?:no|nothing|none)\b"
    # not "denied involvement": labelled sentences that say it mostly assert the act as well
    # ("will continue to deny involvement in the attacks", "lets it deny involvement")
    r"|\b(?:call(?:s|ed|ing)?|label(?:s|led|ed)?|describ(?:e|es|ed)|dismiss(?:es|ed)?|brand(?:s|ed)?|"
    r"wav(?:e|es|ed|ing)|brush(?:es|ed|ing)?) "
    r"(?:the |these |such |those )?(?:[\w-]+ )?" + _CHARGES + r"\b[^.;]{0,80}?"
    r"(?:\b(?:groundless|baseless|false|unfounded|"
    r"fabricated|fabrications?|absurd|lies|a lie|a hoax|slander(?:ous)?|(?:a )?smears?|nonsense|"
    r"politically motivated)\b"
    # "dismissed the report as 'Armenian propaganda'", "called the story 'Western fiction'": the
    # words of a dismissal, after "as" or inside quotation marks
    r"|(?:\bas |['‘\"“])(?:an? )?(?:[\w-]+ ){0,2}(?:propaganda|disinformation|fiction|fantas(?:y|ies)|"
    r"inventions?|provocations?|hysteria|fake news|fakes?)\b)"
    r"|\b(?:dismiss(?:es|ed|ing)?|reject(?:s|ed|ing)?|den(?:y|ies|ied|ying)) as ['‘\"“]?(?:\w+ )?" + _FALSE + r"\b"
    # "brushed off a report that ...", "waved away the allegations"
    r"|\b(?:brush(?:es|ed|ing)?|wav(?:e|es|ed|ing)|laugh(?:s|ed|ing)?) (?:off|aside|away) "
    r"(?:the |these |such |those |an? )?(?:[\w-]+ )?(?:" + _CHARGES + r"|suggestions?)\b"
    # "labelled as 'fabricated' a report that ...": the dismissal's words before what they dismiss
    r"|\b(?:call(?:s|ed|ing)?|label(?:s|led|ed|ling)?|brand(?:s|ed|ing)?|describ(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?|"
    r"reject(?:s|ed|ing)?) as ['‘\"“]?(?:\w+ )?(?:"
    + _FALSE
    + r"|fabrications?|fake)"
    + _DISMISSED
    # "Contrary to earlier reports, the government did not ...": the sentence corrects a report
    + r"|^\W*(?:contrary to (?:[\w-]+ ){0,3}(?:reports?|claims?|allegations?|accusations?|rumou?rs?|speculation|"
    r"suggestions?|assertions?)|despite what (?:[\w-]+ ){0,3}(?:reported|claimed|alleged|suggested|said))\b"
    r"[^.;]{0,150}?(?:\b(?:not|never|no)\b|n[’']t\b)"
    r"|\bno (?!doubt|question)(?:\w+ ){0,3}involvement\b"
    r"|\b(?:played|plays|play|had|has|have) no (?:\w+ )?(?:role|part) in\b"
    r"|\bnothing to do['’\"”]? with\b"
    # "called 'absurd' Ottawa's accusation that ...": the adjective before what it qualifies
    r"|\b(?:call(?:s|ed|ing)?|label(?:s|led|ed)?|brand(?:s|ed)?) ['‘\"“]?"
    r"(?:groundless|baseless|false|unfounded|fabricated|absurd|nonsense|slanderous|ridiculous|preposterous)"
    + _DISMISSED
    # "has no code in common with Iranian tooling", "shares no infrastructure with ..."
    + r"|\b(?:has|have|had) no (?:\w+ ){0,2}?in common with\b|\bshar(?:e|es|ed|ing) no (?:\w+ ){0,2}?with\b"
    # "none showed signs of GAN generation", "none could be linked to the military"
    + r"|"
    + _NONE_DENIES
    + r"|\b(?:was|were|is|are|been) not (?:\w+ly )?involved\b"
    r"|\byet to (?:find|identify|establish|confirm|uncover)\b"
    # "has yet to be tied to the bot network", "said it had no knowledge of any ..."
    r"|\byet to be (?:publicly |conclusively |formally |firmly |credibly )?"
    r"(?:tied|linked|connected|attributed|traced)\b"
    r"|\b(?:had|has|have|having) no knowledge of any\b"
    r"|\black(?:s|ed|ing)?(?: of)? (?:any |the |hard |clear |firm |sufficient |enough )?"
    r"(?:evidence|proof|information)\b"
    # "has so far refrained from hack-and-leak operations" (not "will not refrain from")
    r"|" + _NOT_NEGATED + r"\brefrain(?:s|ed|ing)? from\b"
    r"|\bnot a single (?!(?:day|week|month|year)\b|one of (?:which|whom)\b)"
    # "APT3 no longer targets ...": the act is said not to happen; "no longer limited to" asserts more
    r"|\bno longer (?!(?:limited|confined|restricted|just|only|merely|simply|needs?|bothers?|hides?|pretends?)\b)"
    r"\w+(?:s|ed)\b(?! (?:\w+ )?(?:only|solely|exclusively|just|merely|entirely)\b)"
    r"|^\W*(?:at no (?:point|time)|in no case|none of|not one of|not a single one of)\b"
    # "ruled out Iranian involvement", but not "cannot rule out" or "does not rule out"
    r"|(?<!not )(?<!n't )(?<!cannot )(?<!yet )(?<!never )(?<!neither can )(?<!nor can )\brul(?:e|es|ed|ing) out\b"
    # "claims that ... remain unverified", "Quito's role in the attacks remains unproven"
    r"|\b(?:(?:claims?|allegations?|accusations?|reports?|role|involvement|complicity|responsibility|links?|ties)\b"
    # "the rumour that ... turned out to be false" (only with "that": "rumours spread by X were
    # false" tells of X's act)
    r"|(?:rumou?rs?|stor(?:y|ies)|theor(?:y|ies)|suggestions?|notion) that\b)"
    r"[^.;]{0,120}?\b(?:remains?|are|is|were|was|proved|proven|turned out to be|"
    r"(?:was|were|has been|have been) (?:shown|found) to be)"
    r" (?:still |so far |entirely |largely )?['‘\"“]?(?:unverified|unconfirmed|unsubstantiated|unproven|unfounded|"
    r"baseless|fabricated|groundless|untrue|false|a fabrication|lies)\b"
    r"|\b(?:been|was|were|is|are) (?:\w+ly )?debunked\b"
    r"|" + _NOT_NEGATED + _RETRACT + r"(?:attribution|claims?|allegations?|accusations?|assessment|findings?)\b"
    r"|" + _NOT_NEGATED + _WITHDRAW + r"(?:attribution|claims?|allegations?|accusations?|charges?)\b"
    r"|\bclear(?:s|ed|ing)? (?:\w+ ){0,5}?of (?:any |all )?(?:involvement|wrongdoing|responsibility|role|part|charges?|"
    r"allegations?|\w+ing)\b"
    r"|\bit (?:is|was) (?:false|untrue|not true|incorrect|a myth|a fiction|a fabrication) (?:to say )?that\b"
    # "it remains unproven that Honduras commissioned the deepfake"
    r"|\bit (?:is|was|remains|remained) (?:still |as yet )?(?:unproven|unconfirmed|unverified|unsubstantiated|"
    r"not (?:proven|established|confirmed)) that\b"
    r"|\b(?:none|neither) of\b[^.;]{0,60}?\b(?:shows?|showed|has|have|had|bears?|bore|carr(?:y|ies|ied)|contains?|"
    r"reveals?|revealed) (?:any )?(?:links?|ties|connections?|signs?|traces?|evidence|indications?)\b"
    r"|\b(?:attribution|claims?|allegations?|accusations?|charges?)\b[^.;]{0,60}?" + _TAKEN_BACK + r"(?:withdrawn|"
    r"retracted|dropped|abandoned)\b"
    # refused requests (TAXONOMY: refused acts carry no capability) and nothing gained
    r"|" + _NOT_NEGATED + r"\b(?:refus(?:e|es|ed|ing)|declin(?:e|es|ed|ing)) (?:\w+ ){0,3}?"
    r"(?:requests?|prompts?|queries)\b"
    r"|\b(?:obtain|gain|get|got|achiev|receiv)(?:s|ed|ing|e|es)? no\b"
    # "Officials blamed foreign hackers for the blackout, but engineers found no evidence of an
    # attack", "Although outlets linked the outage to Russian intelligence, the logs show nothing":
    # others' blame or suspicion that the sentence itself refutes (not "reported ..., but found no
    # link to ...", whose report stands)
    r"|\b(?:blamed|suggest(?:s|ed)?|feared|alleged|claimed)\b[^.;]{0,160}?,\s*(?:but|yet)\b[^.;]{0,120}?"
    + _REFUTED
    + r"|^\W*(?:although|though|while)\b[^.;]{0,160}?\b(?:blamed|linked|attributed|tied|pinned)\b[^.;]{0,160}?,"
    r"[^.;]{0,120}?" + _REFUTED +
    # "was first blamed on Iranian hackers, but investigators later found ...": the blame was revised
    r"|\b(?:first|initially|originally|at first|wrongly|mistakenly|prematurely) (?:blamed on|attributed to|pinned on|"
    r"ascribed to)\b[^.;]{0,120}?,? but\b"
    # "the deepfake was falsely attributed to Haitian state media"
    r"|\b(?:falsely|wrongly|mistakenly|erroneously|incorrectly) (?:blamed on|attributed to|pinned on|ascribed to|"
    r"linked to|tied to)\b"
    r"|\bnothing\b[^.;:]{0,40}?\b(?:shows?|showed|shown|showing|pointing|indicat\w+|suggest\w*|ties|tied|tying|"
    r"link(?:s|ed|ing)?|connect(?:s|ed|ing)?|point(?:s|ed)? to)\b"
    r"|\b(?:could not|cannot|can ?not|were unable to|was unable to|failed to) (?:tie|link|attribute|confirm|verify|"
    r"establish|corroborate|substantiate|determine|find)\b"
    r"|\b(?:did|does|do|have|has|had) not (?:allege|claim|find|found|conclude|concluded|assess|judge|believe|say|said|"
    r"show|shown|"
    r"indicate|observe|observed|see|seen|detect|detected|identify|identified|attribute|attributed)\w* (?:that|any)\b"
    + r"|"
    + _NOT_TAIL_PATTERN
    # "have not observed these actors disrupting ...": no one saw the act
    + r"|\b(?:did|does|do|have|has|had)(?: not|n't) (?:yet |so far |ever |\w+ly )?(?:observed?|seen|see|witnessed?)\b",
    re.IGNORECASE,
)
# A withdrawn or retracted attribution (a subset of the denials above)
_WITHDRAWAL = re.compile(
    _NOT_NEGATED + r"(?:" + _WITHDRAW + "|" + _RETRACT + r")attributions?\b"
    r"|\battributions?\b[^.;]{0,60}?" + _TAKEN_BACK + r"(?:withdrawn|retracted)\b",
    re.IGNORECASE,
)
# Every `_DENIAL` alternative needs one of these words: a sentence without any is no denial (the
# full pattern costs ten times as much; tests/test_claims.py checks the labelled sentences).
_DENIAL_HINT = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|refut|dismiss|rejec|debunk|disprov|no|yet|lack|rul(?:e|es|ed|ing)\b|"
    r"little|scant|scarce|slim|few|"
    r"unverified|unconfirmed|unsubstantiated|unproven|unfounded|baseless|retract|withdr|clear|false|untrue|"
    r"fabricat|groundless|lies|"
    r"incorrect|cannot|unable|failed|call|label|describ|first|initially|originally|wrongly|mistakenly|prematurely|"
    r"refus|declin|brand|wav|brush|laugh|contrary|despite|refrain|myth|fiction|erroneous)",
    re.IGNORECASE,
)
# TAXONOMY: definitions assert nothing ("Propaganda, in this report, refers to ..."). In the labelled
# corpus sentences, 0 of 16 definitions carry a capability. A short figure or table caption ("Figure
# 4: Internet shutdowns per year") is a fragment: it asserts an act only where it names a state or
# group and the head is sure ("Figure 3. Sandworm attacks on Ukrainian substations"; 2 of 30).
_DEFINITION = re.compile(
    r"\b(?:refers? to|we mean|(?:is|are) defined as|we define|we use the term|the term \S+ (?:means|describes))\b"
    r"|[‘'\"“][^’'\"”]{1,40}[’'\"”],? (?:means|denotes|stands for)\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"^\s*(?:figure|fig\.|table|chart|exhibit|graph|map)\s*\d+\s*[:.\-–—]", re.IGNORECASE)
_CAPTION_WORDS = 20
# Clauses with their own subject: "China censors at home, while Russia runs campaigns abroad".
_CLAUSE_BREAK = re.compile(r";|,\s+(?:while|whereas|but|although|though)\s+", re.IGNORECASE)


@dataclass
class Candidate:
    """A mention that may name a state acting; `role` is the role head's decision."""

    mention: Mention
    features: list[str] = field(default_factory=list)
    role: str = "other"
    p_actor: float = 0.0
    # the parser's contextual vectors of the mention's head word and of its governor (mention_vector)
    dense: np.ndarray | None = None


@dataclass
class Analysed:
    """One sentence with its regex features, learned decisions and candidates."""

    sentence: str
    feats: Features
    signals: dict[str, float]
    words: list[str]
    capabilities: list[str] = field(default_factory=list)
    cap_probs: dict[str, float] = field(default_factory=dict)
    stance: str = "none"
    stance_probs: Any = None
    # lemma features of the parse (signals.parse_words); empty for a sentence that is not parsed
    parse_words: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    doc: Any = None
    # token indices of the capability triggers in the parse (signals.trigger_tokens), with `doc`
    triggers: set[int] = field(default_factory=set)
    # the parse holds no verb: a heading, a table cell, a list of names (with `doc`)
    verbless: bool = False
    # private vendors named in the sentence: role `vendor`, no state, never an actor
    vendors: list[Mention] = field(default_factory=list)
    # the sentence as written, where `sentence` is a headline read in sentence case (recase.py);
    # quotes come from it, offsets are shared
    written: str | None = None
    # the candidates still lack entity_features (extract.read_entities adds them)
    entities_deferred: bool = False
    _denies: tuple[Any, bool] | None = field(default=None, repr=False, compare=False)

    def quote(self, start: int = 0, end: int | None = None) -> str:
        """The sentence (or its characters start:end) as written."""
        return (self.written or self.sentence)[start:end]

    def mention_text(self, m: Mention) -> str:
        """A mention as the sentence writes it."""
        return self.quote(m.start, m.end) if self.written else m.text

    @property
    def denies(self) -> bool:
        """The sentence words a report denial ("found no", "denied that", "could not tie") that
        covers its acts: in a parsed sentence, a denial inside a relative or adverbial clause ("X,
        which denies the allegations, hacked ...") or beside a clause that asserts an act of its own
        ("... found no evidence that ..., but it was run by ...") denies nothing."""
        if self._denies is None or self._denies[0] is not self.doc:
            cues = self.denial_cues
            # a withdrawn or retracted attribution takes back the sentence's act, whatever clause says it
            # ("... was planted, and we withdraw that attribution")
            withdrawn = bool(cues) and bool(_WITHDRAWAL.search(self._flat))
            self._denies = (self.doc, bool(cues) and (withdrawn or self.doc is None or acts_negated(self, cues)))
        return self._denies[1]

    @cached_property
    def _flat(self) -> str:
        """The sentence on one line (same offsets)."""
        return self.sentence.replace("\n", " ")

    @cached_property
    def denial_cues(self) -> list[int]:
        """Where `_DENIAL` matches in the sentence (character offsets)."""
        text = self._flat
        if not _DENIAL_HINT.search(text):
            return []  # four sentences in five hold none of the words a denial needs
        return [m.start() for m in _DENIAL.finditer(text)]

    @cached_property
    def _form_asserts_nothing(self) -> bool:
        """A reference entry, definition, short caption or recommendation, by its wording."""
        text = self._flat
        if is_citation(text) or _DEFINITION.search(text):
            return True
        m = _RECOMMENDATION.search(text)
        if m is None:
            return False
        # advice after a clause of its own ("... are all harvesting credentials, so defenders should
        # not assume ...") leaves that clause's act to the heads
        return m.lastgroup == "imperative" or not _AFTER_CLAUSE.search(text, 0, m.start())

    @property
    def fragment(self) -> bool:
        """A short caption or a verbless fragment (a heading, a table row, a list of names)."""
        text = self._flat
        return self.verbless or bool(_CAPTION.match(text) and len(text.split()) <= _CAPTION_WORDS)

    @property
    def gives_advice(self) -> bool:
        """The parse finds advice in the main clause (`gives_advice`); the parse may come after the
        sentence heads, so this is not cached."""
        return self.doc is not None and bool(_ADVICE_HINT.search(self._flat)) and gives_advice(self.doc, self._flat)

    @property
    def asserts_nothing(self) -> bool:
        """Recommendations, reference entries, definitions, captions, verbless fragments and negated
        acts carry no capability."""
        return self.stance == "negated" or self.denies or self._form_asserts_nothing or self.gives_advice


# "In our judgement Beijing is ...": without its comma the parser takes the subject for part of the
# opener ("judgement Beijing"), and the state for where the judgement is
_OPENER = re.compile(
    r"^(\W*in (?:our|my|the) (?:judge?ment|assessment|view|estimation|opinion|analysis))\s(?=[A-Z])", re.IGNORECASE
)


def _normalise(sentence: str) -> str:
    # same length as the original, so parse offsets are sentence offsets
    return _OPENER.sub(r"\1,", sentence.replace("\n", " ").replace("\t", " "))


def _parse(texts: Sequence[str]) -> Iterable[Any]:
    return (mend_parse(doc) for doc in load_nlp().pipe([_normalise(t) for t in texts], batch_size=BATCH_SIZE))


def _features(sentence: str) -> Features:
    return get_matchers().features(sentence)


def sentence_vector(a: Analysed) -> dict[str, float]:
    """The named features the sentence heads read: rule signals, words and parse lemmas."""
    return {**a.signals, **dict.fromkeys(a.words, 1.0), **dict.fromkeys(a.parse_words, 1.0)}


# the fit's feature on invented rows (train.Config.domain_feature), which no report carries: it
# takes up how the invented sets' labels lean (more claims, more actors) apart from the words
DOMAIN = "@invented"


def domain_flag(heads: Heads) -> float:
    """The value the tagger gives the invented rows' feature: the heads' `domain_at_tag` (0: off)."""
    return float(_config(heads, "domain_at_tag") or 0.0)


def decide_sentences(items: list[Analysed], heads: Heads) -> None:
    """Fill capabilities and stance of each sentence from the sentence heads."""
    if not items:
        return
    vectors = [sentence_vector(a) for a in items]  # fresh dicts: the flag may go into them
    if value := domain_flag(heads):
        for v in vectors:
            v[DOMAIN] = value
    x = Rows.encode(vectors, heads.sent_index)
    pairs = np.stack([pair_features(a.signals) for a in items])
    caps = heads.capability_probs(x, pairs)
    stances = heads.stance_probs(x)
    fallback = set(heads.meta.get("rule_fallback", ()))
    # a capability whose rule triggers fired needs less from the head (threshold chosen on dev)
    rule_threshold = heads.meta.get("config", {}).get("rule_threshold") or heads.cap_threshold
    # a capability whose trigger did not fire, in a sentence where an information-space one did
    # ("accounts posted comments ..."), needs more from the head: the labels are mostly intrusion
    # reports, and the head's pull towards espionage there is the labels' prior, not the sentence
    cross = _config(heads, "cross_threshold")
    info_space = set(_config(heads, "cross_caps") or ())
    means_floor = _config(heads, "means_floor")
    fragment_threshold = _config(heads, "fragment_threshold")
    for a, p, s in zip(items, caps, stances, strict=True):
        a.stance = STANCES[int(np.argmax(s))]
        a.stance_probs = s
        # the head reads a negation word, but no negation in the parse reaches an act of the sentence
        # ("Hong Kong police, who deny targeting critics abroad, offered bounties ...")
        if a.stance == "negated" and a.doc is not None and not _negation_reaches_acts(a):
            a.stance = _likeliest_stance(s, without=("negated",))
        a.cap_probs = {c: float(v) for c, v in zip(CAPABILITIES, p, strict=True)}
        fired = set(a.feats.capabilities)
        untriggered = cross if cross is not None and fired & info_space else heads.cap_threshold
        # a capability the labels barely cover is decided by its triggers, the rest by the head
        a.capabilities = [
            c
            for c, v in a.cap_probs.items()
            if (c in fired if c in fallback else v >= (rule_threshold if c in fired else untriggered))
        ]
        if means_floor is not None:
            a.capabilities += _as_means(a, means_floor)
        a.capabilities += _coordinated(a)
        if a.fragment and not a.asserts_nothing:
            # of the 543 labelled corpus sentences the parser finds no verb in, 8 carry a capability:
            # a fragment asserts one only where it names a state or group and the head is sure
            sure = fragment_threshold if a.feats.mentions else None
            a.capabilities = [c for c in a.capabilities if sure is not None and a.cap_probs[c] >= sure]
        if a.asserts_nothing:
            a.capabilities = []
            if a.denies:
                a.stance = "negated"
        elif a.capabilities and a.stance == "none":
            _take_stance_of_an_act(a, s)
        if a.capabilities and a.stance == "fact" and a.feats.stance in ("assessment", "reported"):
            # TAXONOMY defines these by their words: "we assess", "according to", "researchers said"
            a.stance = a.feats.stance


def _negation_reaches_acts(a: Analysed) -> bool:
    """A negation in the parse reaches an act of the sentence; with denial cues, `denies` is that test."""
    return a.denies if a.denial_cues else acts_negated(a)


def _likeliest_stance(probs: np.ndarray, *, without: tuple[str, ...]) -> str:
    """The stance head's likeliest stance other than those `without` names."""
    masked = [-1.0 if st in without else float(p) for st, p in zip(STANCES, probs, strict=True)]
    return STANCES[int(np.argmax(masked))]


def _take_stance_of_an_act(a: Analysed, probs: np.ndarray) -> None:
    """The sentence asserts an act after all (the head read no stance): the likeliest stance of an
    act, and `negated` only where a negation reaches its acts, as for the head's own reading; a
    negated sentence then asserts nothing."""
    a.stance = _likeliest_stance(probs, without=("none",))
    if a.stance != "negated":
        return
    if a.doc is not None and _negation_reaches_acts(a):
        a.capabilities = []
    else:
        a.stance = _likeliest_stance(probs, without=("negated", "none"))


# Capability words joined by "and" / "or" share their act (TAXONOMY: "target ... with propaganda or
# censorship" carries both); the first may end in its head noun and the second start with a
# modifier ("disinformation campaigns and cyber espionage")
_COORDINATION = re.compile(r"\s*(?:[\w-]+\s*)?(?:,\s*)?(?:and/or|and|or|,)\s*(?:[\w-]+\s+)?", re.IGNORECASE)


# "target individuals abroad with propaganda", "flooded the feeds with deepfakes": a capability
# word as the means of a hostile verb is the act the sentence asserts
_MEANS_OF = re.compile(
    r"\b(?:target|attack|flood|harass|intimidate|bombard|inundate|saturate|hit|smear|silence|pressure)\w*\b"
    r"[^.;:]{0,60}?\b(?:with|using|through|via|by means of)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


def _as_means(a: Analysed, floor: float) -> list[str]:
    """Capabilities (head probability >= floor) whose trigger is the means of a hostile verb."""
    out = []
    for c, spans in a.feats.capabilities.items():
        if c in a.capabilities or a.cap_probs.get(c, 0.0) < floor:
            continue
        if any(_MEANS_OF.search(a.sentence, max(0, s - 120), s) for s, _ in spans):
            out.append(c)
    return out


def _coordinated(a: Analysed) -> list[str]:
    """Capabilities whose trigger is coordinated with the trigger of one the sentence asserts."""
    spans = a.feats.capabilities
    held = [span for c in a.capabilities for span in spans.get(c, [])]
    out = []
    for c, own in spans.items():
        if c in a.capabilities:
            continue
        gaps = [(he, s) if he <= s else (e, hs) for s, e in own for hs, he in held if he <= s or e <= hs]
        if any(_COORDINATION.fullmatch(a.sentence, start, end) for start, end in gaps):
            out.append(c)
    return out


def find_candidates(a: Analysed, doc: Any, *, entities: bool = True) -> None:
    """Candidate mentions of a parsed sentence, with their role features (without `entities`, all
    but the NER's: read_entities adds them)."""
    a.doc = doc
    a.verbless = not any(t.pos_ in ("VERB", "AUX") for t in doc)
    mentions = [*a.feats.mentions, *ner_mentions(doc, a.feats.mentions)]
    a.parse_words = parse_words(doc) + subject_words(doc, mentions)
    a.triggers = trigger_tokens(doc, a.feats)
    a.candidates = [
        Candidate(
            m, mention_features(doc, m, a.feats, mentions, a.triggers, entities=entities), dense=mention_vector(doc, m)
        )
        for m in mentions
    ]
    a.entities_deferred = not entities


def read_entities(a: Analysed) -> None:
    """Add the NER's features to the candidates of a sentence found without them."""
    if a.entities_deferred:
        for c in a.candidates:
            c.features += entity_features(a.doc, c.mention)
        a.entities_deferred = False


def _config(heads: Heads, key: str) -> Any:
    return heads.meta.get("config", {}).get(key)


def _may_rescue(a: Analysed, heads: Heads) -> bool:
    """A sentence with no capability above threshold whose likeliest one is above the floor, that
    names a candidate and is not a recommendation, reference or denial: its actor may carry it."""
    floor = _config(heads, "actor_cap_floor")
    if floor is None or a.capabilities or not a.cap_probs or a.asserts_nothing or a.fragment:
        return False
    return max(a.cap_probs.values()) >= floor and bool(a.feats.mentions)


_COPULAS = frozenset({"be", "remain", "become", "seem"})


# "attributes this activity to APT40", "tied to the Chinese Ministry of Public Security", "Kimsuky
# is also tracked as Emerald Sleet": the party something is put down to, or a name it goes by
_PUT_DOWN_TO = frozenset({"to", "as"})


def _described(a: Analysed, m: Mention) -> bool:
    """The mention is the subject of a copula ("APT28 is one of ...", "the group remains
    active"), the subject of a passive ("Gamaredon was linked to ..."), or what something is
    attributed or tied to or known as: the sentence describes it, it does not say it acts."""
    span = tokens_in(a.doc, m.start, m.end) if a.doc is not None else None
    if span is None:
        return False
    tok = phrase_head(span.root)
    if tok.dep_ == "pobj" and tok.head.lower_ in _PUT_DOWN_TO:
        # not the state of a subject tied to it: "Hackers tied to the GRU took over ..."
        tie = tok.head.head
        return not (tie.dep_ == "acl" and tie.head.dep_ == "nsubj")
    return tok.dep_ == "nsubjpass" or (tok.dep_ == "nsubj" and tok.head.lemma_.lower() in _COPULAS)


def rescue_by_actor(items: list[Analysed], heads: Heads) -> None:
    """A named state that the role head reads as acting, with high probability, in a sentence whose
    likeliest capability is just under the threshold ("FBI and CISA assess that Chinese
    state-sponsored actors target US telecommunications networks"): the sentence asserts that
    capability, and those whose triggers are coordinated with its own. Both thresholds are chosen
    on cross-validation (pipeline/claims/train.py)."""
    strong = _config(heads, "actor_alone")
    todo = [a for a in items if strong is not None and a.candidates and _may_rescue(a, heads)]
    cands = [(a, c) for a in todo for c in a.candidates if not _described(a, c.mention)]
    if not cands:
        return
    rows = np.stack([encode(act_features(c.features, True), heads.ment_index) for _, c in cands])
    probs = heads.role_probs(_flagged(rows, heads.ment_index, domain_flag(heads)))
    actor = ROLES.index("actor")
    best: dict[int, float] = {}
    for (a, _), p in zip(cands, probs, strict=True):
        best[id(a)] = max(best.get(id(a), 0.0), float(p[actor]))
    for a in todo:
        if best.get(id(a), 0.0) >= strong:
            # and those whose triggers are coordinated with its own ("disinformation campaigns and cyber espionage")
            a.capabilities = [max(a.cap_probs, key=a.cap_probs.__getitem__)]
            a.capabilities += _coordinated(a)
            if a.stance == "none" and a.stance_probs is not None:
                _take_stance_of_an_act(a, a.stance_probs)
            if a.stance == "fact" and a.feats.stance in ("assessment", "reported"):
                a.stance = a.feats.stance


# "Russian-language content", "Persian speakers": a language, not its state
_LANGUAGE_AFTER = re.compile(r"(?:-|\s)(?:language|speaking|speakers?)\b", re.IGNORECASE)


def _names_language(sentence: str, m: Mention) -> bool:
    """ "Russian-language", "Persian speakers", or a gloss in brackets: "Groundbait (Russian: ...)"."""
    if m.alias.kind != "demonym":
        return False
    if _LANGUAGE_AFTER.match(sentence, m.end):
        return True
    return sentence[: m.start].rstrip().endswith("(") and sentence[m.end :].lstrip().startswith(":")


# how the demonyms of states end ("French", "Chinese", "Turkish", "Farsi", "Tajik"), which their
# capitals mostly do not
_DEMONYM_ENDINGS = ("an", "ese", "h", "i", "ic", "ek", "ik", "ot", "er", "ss")  # "h": "French", "Turkish"
# verbs whose object, a demonym standing alone, is a language: "spoke Russian", "use Ukrainian"
_LANGUAGE_VERBS = frozenset("speak write translate use read understand learn teach".split())


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """The states' own names ("Tajikistan", "Russia"): never a language."""
    tax = load_taxonomy()
    return frozenset(names[0] for names in tax.countries.values() if names) | frozenset(
        n for a in tax.actors.values() for n in a["names"]
    )


def _language_in_parse(a: Analysed, m: Mention) -> bool:
    """A demonym standing alone as what a text is in ("articles in French", "written in Russian",
    "translated into Arabic") or what someone speaks ("people in the east use Russian"): a language,
    not the state."""
    if m.alias.kind not in ("demonym", "state") or a.doc is None or m.alias.text in _country_names():
        return False
    if not m.alias.text.endswith(_DEMONYM_ENDINGS):
        return False  # "Santiago", "Paris": a capital, and no need to run the entity recogniser
    span = tokens_in(a.doc, m.start, m.end)
    if span is None or len(span) != 1:
        return False
    word = head = span.root
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head  # "in French, German and Italian"
    if head.dep_ == "pobj":
        placed = head.head.lower_ in ("in", "into")
    else:
        placed = head.dep_ == "dobj" and head.head.lemma_.lower() in _LANGUAGE_VERBS
    # the entity recogniser tells a people's or language's name ("Russian") from a state's ("Russia")
    return placed and with_entities(a.doc)[word.i].ent_type_ in ("NORP", "LANGUAGE")


def mention_vector(doc: Any, m: Mention) -> np.ndarray | None:
    """The tok2vec rows of the mention's root and of its governor, end to end, to two decimals
    (the last bits of the parser's floats differ between CPUs; the fit should not)."""
    span = tokens_in(doc, m.start, m.end)
    tensor = getattr(doc, "tensor", None)
    if span is None or tensor is None or len(tensor) != len(doc):
        return None
    return np.round(np.concatenate([tensor[span.root.i], tensor[span.root.head.i]]).astype(np.float32), 2)


def vector_names(width: int) -> tuple[list[str], list[str]]:
    """Feature names of the positive and negative parts of each element of a mention vector
    (the heads' features are non-negative)."""
    half = width // 2
    base = [f"{'r' if i < half else 'g'}{i % half}" for i in range(width)]
    return [f"{b}+" for b in base], [f"{b}-" for b in base]


def role_rows(cands: list[tuple[Candidate, bool]], index: dict[str, int], scale: float) -> np.ndarray:
    """The role head's input rows (the fit's and the tagger's): each candidate's feature strings,
    conjoined with whether its sentence asserts a capability, and, at `scale`, the positive and
    negative parts of its parse vector (the heads' features are non-negative)."""
    rows = np.stack([encode(act_features(c.features, acts), index) for c, acts in cands])
    if not scale:
        return rows
    columns: tuple[np.ndarray, np.ndarray] | None = None
    for row, (c, _) in zip(rows, cands, strict=True):
        if c.dense is None:
            continue
        if columns is None:
            pos_names, neg_names = vector_names(len(c.dense))
            columns = (
                np.array([index.get(n, -1) for n in pos_names]),
                np.array([index.get(n, -1) for n in neg_names]),
            )
        for cols, part in zip(columns, (c.dense > 0, c.dense < 0), strict=True):
            keep = part & (cols >= 0)
            row[cols[keep]] = np.abs(c.dense[keep]) * np.float32(scale)
    return rows


def _flagged(rows: np.ndarray, index: dict[str, int], value: float) -> np.ndarray:
    """Mention rows with the invented rows' feature at `value` (as they are where it is off)."""
    if value and DOMAIN in index:
        rows[:, index[DOMAIN]] = value
    return rows


_NAMING = frozenset({"know", "call", "name", "track", "refer", "dub", "designate", "label"})


def names_only(a: Analysed) -> bool:
    """The sentence only names or describes a party, with no capability word: every root is a
    copula with a noun complement ("VENOMOUS BEAR is one of several names vendors use for this
    group") or a passive naming verb ("is also known as", "is tracked as") whose subject is the
    named party, with no clause of its own under it. Naming a group asserts none of its acts."""
    if a.doc is None or a.feats.capabilities or a.triggers:
        return False
    named = set()
    for c in a.candidates:
        span = tokens_in(a.doc, c.mention.start, c.mention.end)
        if span is not None:
            named.add(phrase_head(span.root).i)
    roots = [t for t in a.doc if t.dep_ == "ROOT"]
    for root in roots:
        kids = {c.dep_ for c in root.children}
        if kids & {"xcomp", "ccomp", "advcl", "conj"}:
            return False
        subjects = _subjects(root)
        if not subjects or any(s.i not in named for s in subjects):
            return False  # the party named is the subject, not "Beijing's promotion of ..."
        lemma = root.lemma_.lower()
        if not ((lemma in _COPULAS and "attr" in kids) or (lemma in _NAMING and subjects[0].dep_ == "nsubjpass")):
            return False
    return bool(roots)


# In a denied act the party the denial is about is its actor, with no capability (GUIDE, worked
# example 4), yet the role head, which weighs the act words a denial takes away, gives it less
# weight: on the invented development sets, mentions of negated sentences with p(actor) between 0.1
# and 0.3 were labelled actor 28 times in 41 (and were tagged `other`); below 0.1, 11 in 104.
NEGATED_ACTOR_FLOOR = 0.1


def decide_roles(items: list[Analysed], heads: Heads) -> None:
    """Fill the role of every candidate from the role head."""
    rescue_by_actor(items, heads)
    for a in items:
        if a.capabilities and names_only(a):
            a.capabilities = []
            a.stance = "none"
    cands = [(c, bool(a.capabilities)) for a in items for c in a.candidates]
    if cands:
        rows = role_rows(cands, heads.ment_index, float(_config(heads, "role_vectors") or 0.0))
        probs = heads.role_probs(_flagged(rows, heads.ment_index, domain_flag(heads)))
        actor = ROLES.index("actor")
        others = np.array([i != actor for i in range(len(ROLES))])
        for (c, _), p in zip(cands, probs, strict=True):
            c.p_actor = float(p[actor])
            best_other = ROLES[int(np.argmax(np.where(others, p, -1.0)))]
            c.role = "actor" if c.p_actor >= heads.actor_threshold else best_other
    for a in items:
        for c in a.candidates:
            if (
                c.mention.alias.text.endswith("-speaking")
                or _names_language(a.sentence, c.mention)
                or _language_in_parse(a, c.mention)
            ):
                c.role = "other"  # a language or its speakers, not the state (TAXONOMY: named actors only)
            elif a.doc is not None and (span := tokens_in(a.doc, c.mention.start, c.mention.end)) is not None:
                # other states' acting mentions, read by the two rules below that need them
                foreign_actors = _foreign_tokens(a, c, role="actor") if c.role == "actor" else set()
                if judging_subject(span.root):
                    c.role = "reporter"  # who attributes or assesses an act is not its actor (GUIDE)
                elif c.role == "actor" and owner_reports(span.root, a.triggers):
                    c.role = "reporter"  # "Latvia's CERT.LV observed a DDoS campaign by ...": its organ reports
                elif c.role == "actor" and speaks_of(span.root, foreign_actors):
                    c.role = "reporter"  # "Tehran claimed that Israeli hackers ...": it reports (GUIDE)
                elif c.role == "actor" and counters(span.root, _foreign_tokens(a, c)):
                    c.role = "reporter"  # "Washington sanctioned four Iranian firms": it answers the act
                elif c.role == "actor" and answers_accusation(span.root, foreign_actors):
                    c.role = "reporter"  # "Police in Oslo arrested two men accused of acting for Eritrea's embassy"
                elif c.role == "actor" and partisans_place(span.root):
                    c.role = "location"  # "pro-government outlets in Havana amplified ...": not the state
                elif in_said_clause(span.root):
                    c.role = "other"  # the topic of a narrative ("claims that Ukraine ...")
                elif (
                    c.role == "actor"
                    and c.mention.alias.kind in ("state", "demonym")
                    and persona_nationality(span.root)
                ):
                    c.role = "other"  # "fake French activist personas run by ...": the mask, not a state
                elif (
                    c.role != "actor"
                    and a.capabilities
                    and qualifies_the_act(span.root, a.triggers)
                    and not any(o.role == "actor" for o in a.candidates if o is not c)
                ):
                    # "details Chinese espionage against universities"; beside another actor the
                    # adjective names the place ("Russian volunteers joined the Latvian cyber attacks")
                    c.role = "actor"
                elif c.role != "actor" and a.capabilities and acts_through_others(span.root, a.triggers):
                    c.role = "actor"  # "Police in Tehran paired cameras ...", "Moscow's troll farms spread ..."
                elif (
                    c.role != "actor"
                    and a.capabilities
                    and seat_of_subject(span.root, a.triggers) == "actor"
                    and not any(o.role == "actor" for o in a.candidates if o is not c)
                ):
                    c.role = "actor"  # "In Nicaragua, police have seized the houses of exiled critics"
                elif (
                    c.mention.alias.organ == "state media"
                    and not a.asserts_nothing
                    and a.stance not in ("negated", "hypothetical")
                    and outlet_messaging(span.root)
                ):
                    # "KCNA published a commentary blaming Seoul ...": state media's messaging is
                    # propaganda (TAXONOMY), whatever else the sentence asserts
                    c.role = "actor"
                    _assert_capabilities(a, {"propaganda"})
                elif (pinned := _caps_pinned(a, span.root)) and not a.asserts_nothing:
                    # "North Korea, Iran and China were behind 72 percent of the intrusions": what
                    # the sentence pins on the state is its act, whatever the heads' doubt
                    c.role = "actor"
                    _assert_capabilities(a, pinned)
                elif c.role in ("vendor", "other") and a.capabilities and state_owned_firm(span.root):
                    c.role = "actor"  # "a Chilean state-owned company sold spyware to ...": the state's own firm
                elif (hit := acted_on(span.root)) is not None:
                    c.role = hit  # on the receiving end in the parse: "sabotage Iran's programme"
                elif c.role == "actor" and c.mention.alias.kind == "state" and owns_a_thing(span.root, a.triggers):
                    c.role = "other"  # "Iran's enrichment facilities seem a likely target"
                elif c.role == "actor" and takes_down_crime(span.root):
                    c.role = "other"  # police taking down a botnet's servers is law enforcement
                elif c.role in ("actor", "target") and receives_only(span.root):
                    c.role = "other"  # sold or given the kit; the sentence says no use of it
                elif (
                    c.role == "actor"
                    and buys_only(span.root)
                    and not any(o.mention.alias.code == c.mention.alias.code for o in a.candidates if o is not c)
                ):
                    # bought the kit; the sentence says no use of it (nor names the state's organ
                    # again: "should Tehran acquire face recognition, the IRGC could ...")
                    c.role = "other"
                elif (
                    c.role == "actor"
                    and c.mention.alias.text in get_matchers().tax.advisory
                    and not subject_of_an_act(span.root, a.triggers)
                ):
                    # an agency that issues advisories reports what it describes (GUIDE); it acts
                    # only as the subject of the act ("the NSA hacked the carrier")
                    c.role = "reporter"
        share_conjunct_roles(a)
        share_listed_roles(a)
        for c, span in candidate_spans(a):
            if c.role != "other" and ruled_out(span.root):
                c.role = "other"  # set aside by the sentence: "Chilean hackers, not Peruvian ones, ..."
            elif (
                c.role == "actor"
                and contrasted(span.root)
                and any(o.role == "actor" and o.mention.alias.code != c.mention.alias.code for o in a.candidates)
            ):
                c.role = "other"  # "Unlike Beijing, Ankara ...": the foil of another party's act
            elif c.role == "actor" and content_source(span.root):
                c.role = "other"  # "the network repackaged articles by Sputnik": the source reposted
            elif c.mention.alias.kind == "place":
                # a city names where, not who: it acts, or reports, only as the seat of an organ
                # that does ("police in Istanbul detained ...", "prosecutors in Texas allege ...");
                # otherwise it is where the act happened or what it hit
                seat = place_role(span.root, a.triggers)
                c.role = seat or (c.role if c.role in ("target", "victim", "location") else "location")
        every = denies_every_actor(a)
        negated = acts_negated(a) or every
        denied = negated and bool(a.triggers)
        if negated and _estimative_negation(a):
            # "Tehran probably will not conduct ...": the negation is the ICD 203 term `unlikely`,
            # an assessed act with its likelihood, not a denied one (TAXONOMY, estimative language)
            negated = denied = False
        if a.capabilities and negated:
            a.capabilities = []
            a.stance = "negated"
        elif not a.capabilities and not a.asserts_nothing and (denied or (negated and every)):
            # every act word of the sentence is denied ("does not wipe disks"), or a denial reaches
            # every actor ("we found no link to Riyadh"): the head asserting no capability does not
            # make the sentence neutral
            a.stance = "negated"
        elif a.capabilities and states_no_act(a):
            a.capabilities = []  # GUIDE: "X has developed tools", "X poses a threat": an actor, no capability
        elif a.capabilities and a.stance == "fact" and main_verb_is_possible(a):
            a.stance = "hypothetical"  # GUIDE: "could be used to", "may seek": a possibility
        elif a.capabilities and a.stance == "fact" and third_party_reports(a):
            a.stance = "reported"  # GUIDE: "Citizen Lab found", "Meta attributed", "... officials said"
        if a.stance == "negated":
            for c, span in candidate_spans(a):
                if c.role == "other" and (c.p_actor >= NEGATED_ACTOR_FLOOR or denied_party(span.root)):
                    c.role = "actor"  # the party a denial is about: "Beijing denied that it censors ..."


# Verbs of ending: "did not stop spreading" asserts the spreading
_ENDING = frozenset("stop cease halt abandon end refrain relent desist".split())
# Verbs whose negation asserts the act: "did not stop spreading", "cannot rule out that APT40
# compromised ...", "did not disclose that they had bought ...", "never bothered to hide".
_ASSERTED_WHEN_NEGATED = _ENDING | frozenset(
    {
        "hesitate",
        "rule",
        "exclude",
        "deny",
        "dispute",
        "doubt",
        "disclose",
        "admit",
        "acknowledge",
        "reveal",
        "hide",
        "conceal",
        "bother",
        "deter",
        "dissuade",
        "discourage",
        "prevent",
        "withdraw",
        "retract",
        "recant",
    }
)
# Factive verbs: their negation leaves what they report true ("none of the victims noticed that
# Kimsuky had set up forwarding rules", "the ministry did not realise its mail had been read").
_FACTIVE = frozenset({"notice", "realise", "realize", "regret", "forget", "overlook"})
# Reporting verbs: in "X said it had never ordered ...", the act is the reported clause.
_SAY = frozenset(
    {
        "say",
        "tell",
        "conclude",
        "report",
        "add",
        "note",
        "state",
        "write",
        "claim",
        "insist",
        "maintain",
        "explain",
        "announce",
        "confirm",
        "stress",
        "assess",
        "judge",
        "believe",
        "think",
        "find",
        "show",
        "suggest",
        "indicate",
        "allege",
        "argue",
        "warn",
        "determine",
        "estimate",
        "observe",
        "know",
        "rule",
        "testify",
        "concede",
        "agree",
        "acknowledge",
        "admit",
        "assert",
        "declare",
        "contend",
        "reiterate",
    }
)
# Speech acts about an act ("called the report groundless", "rejected the findings", "accused
# Moscow of ..."): their clause is no act of its own.
_SPEECH = frozenset(
    {
        "call",
        "describe",
        "label",
        "brand",
        "term",
        "reject",
        "dismiss",
        "deny",
        "refute",
        "reply",
        "respond",
        "comment",
        "accuse",
        "blame",
        "condemn",
    }
)
_CLAUSE_DEPS = frozenset({"conj", "parataxis"})
_SEARCH = frozenset({"look", "search", "check", "seek", "hunt", "examine", "review", "scan", "comb"})
_NOBODY = frozenset({"none", "nobody", "neither"})
# Verbs that take a stand against an act: "China firmly opposes all forms of hacking", "the
# ministry condemned cyberattacks on civilian infrastructure". Their object is no act of theirs.
# ("We banned accounts that ...", in a platform's report, is no such stand: bans are left out.)
_OPPOSE = frozenset("oppose condemn denounce decry deplore abhor renounce".split())


# A negated act said to be improbable ("Russia probably would not conduct a destructive attack")
# keeps the act with its likelihood (TAXONOMY: "probably not" is `unlikely`); one withheld unless
# a demand is met ("consulates would not renew passports unless activists signed pledges") is a
# threat, and the pressure is the act.
_HEDGES = frozenset({"probably", "likely"})


def _hedged_or_conditional(verb: Any) -> bool:
    """The verb carries an estimative adverb or a clause opened by "unless"."""
    for child in verb.children:
        if child.dep_ == "advmod" and child.lower_ in _HEDGES:
            return True
        if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in child.children):
            return True
    return False


def _negated_verb(token: Any) -> bool:
    """The first verb above `token` (or the token itself) carries a negation ("did not hack",
    "has never been linked"); "not only"/"not just" do not negate."""
    for t in [token, *token.ancestors]:
        if t.pos_ in ("VERB", "AUX"):
            if t.lemma_.lower() in _ASSERTED_WHEN_NEGATED:
                return False
            if t.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ == "nor" for c in (*t.children, *t.head.children)):
                return True  # the "nor" conjunct of "China neither hacked ... nor stole ..."
            if _hedged_or_conditional(t):
                return False
            for child in t.children:
                if child.dep_ == "preconj" and child.lower_ == "neither":
                    return True  # "China neither hacked ... nor stole ..."
                if child.dep_ == "neg":
                    nxt = child.doc[child.i + 1].lower_ if child.i + 1 < len(child.doc) else ""
                    if nxt not in ("only", "just", "merely", "simply"):
                        return True
            return False
    return False


_ADVISED = frozenset(
    "defender organization organisation administrator user entity agency company operator reader analyst you we".split()
)


def _advises(verb: Any) -> bool:
    """The verb is advice to defenders ("so defenders should not assume ..."): its negation denies no act."""
    modal = any(c.dep_ == "aux" and c.lower_ in ("should", "must") for c in verb.children)
    return modal and any(c.dep_ == "nsubj" and c.lemma_.lower() in _ADVISED for c in verb.children)


def main_clauses(doc: Any) -> list[Any]:
    """Heads of the sentence's main clauses: each root and the verbs coordinated with it or set
    beside it ("... did not need exploits: it compromised the routers"; "... was not a deepfake; it
    was authentic audio", where the parser hangs the clause before the semicolon on the verb after
    it)."""
    heads = [t for t in doc if t.dep_ == "ROOT"]
    todo = list(heads)
    while todo:
        t = todo.pop()
        for c in t.children:
            after = c.left_edge.i > 0 and doc[c.left_edge.i - 1].text in (":", ";", "—", "–")
            beside = c.dep_ == "ccomp" and (after or _before_semicolon(c))
            if (c.dep_ in _CLAUSE_DEPS or beside) and c.pos_ in ("VERB", "AUX") and c not in heads:
                heads.append(c)
                todo.append(c)
    return heads


def _before_semicolon(verb: Any) -> bool:
    """A clause before a semicolon that the parser hung on the next clause's verb ("there is no
    evidence that ...; the outage came from ...", "... was not a deepfake; it was authentic audio"):
    a main clause of its own."""
    head = verb.head
    return verb.dep_ == "ccomp" and verb.i < head.i and _last_semicolon(verb.doc, verb.i, head.i) is not None


def _subjects(verb: Any) -> list[Any]:
    """The subjects of a verb, active or passive."""
    return [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]


def _verb_of(token: Any) -> Any:
    """The verb whose clause holds `token` (the main verb for an auxiliary; the root when none)."""
    for t in [token, *token.ancestors]:
        if t.pos_ in ("VERB", "AUX"):
            return t.head if t.dep_ in ("aux", "auxpass") else t
    return token.sent.root


def _reported(verb: Any) -> list[Any]:
    """What a main verb stands for: a reporting verb ("X said ...") or a factive one, negated or not
    ("none of the victims noticed that ..."), for the clauses it reports."""
    lemma = verb.lemma_.lower()
    factive = lemma in _FACTIVE
    if not factive and (lemma not in _SAY or _negated_verb(verb)):
        return [verb]
    said = [c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
    if factive:
        return said or [verb]
    # "the GRU officers are alleged to have stolen ..."; a bare "Thai police now say" reports nothing
    return said or [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]


def _last_semicolon(doc: Any, start: int, end: int) -> int | None:
    """The index of the last ";" among the tokens start:end, None if they hold none (the parser
    may hang the clause before a semicolon on the verb after it)."""
    return max((t.i for t in doc[start:end] if t.text == ";"), default=None)


def _coverage(verb: Any, heads: list[Any]) -> set[int]:
    """Tokens a verb's negation reaches: its subtree, less the main clauses coordinated under it,
    what a factive verb reports and what comes before a semicolon ahead of the verb ("A DDoS took
    the site down; no one has claimed it": the parser may hang the first clause on the second's
    verb)."""
    inside = {t.i for t in verb.subtree}
    cut = _last_semicolon(verb.doc, verb.left_edge.i, verb.i)
    if cut is not None:
        inside = {i for i in inside if i > cut}
    for h in heads:
        if h.i != verb.i and h.i in inside and verb in h.ancestors:
            inside -= {t.i for t in h.subtree}
    if verb.lemma_.lower() in _FACTIVE:
        for c in verb.children:
            if c.dep_ == "ccomp":
                inside -= {t.i for t in c.subtree}
    return inside


def _named_tokens(a: Analysed) -> set[int]:
    """Token indices of the sentence's candidate mentions."""
    return {t.i for c in a.candidates if (span := tokens_in(a.doc, c.mention.start, c.mention.end)) for t in span}


# who stands for the actor named elsewhere in the sentence: "it", "they", "the actors"; not "the
# operators" or "its operators", which mostly stand for a network's own ("... could not attribute the
# bot network to any state, and its operators may have been commercially motivated")
_REFERRING_NOUNS = frozenset("actor attacker hacker intruder adversary".split())


def _refers_to_actor(subject: Any) -> bool:
    """The subject stands for an actor named elsewhere in the sentence."""
    if subject.lower_ in ("it", "they"):
        return True
    if subject.lemma_.lower() not in _REFERRING_NOUNS:
        return False
    return any(c.dep_ == "det" and c.lower_ in ("the", "these") for c in subject.children)


def _contradicts_named(head: Any, named: set[int]) -> bool:
    """A main clause joined by "but" or "yet" to a clause whose subject names a candidate: there,
    "its", "their" and "both" stand for that subject ("Rwanda denied spying ..., but a leaked list
    shows its intelligence service selected ..."; not "we cannot say whether ..., but its registrant
    ...")."""
    if head.dep_ != "conj" or not any(
        c.dep_ == "cc" and c.lower_ in ("but", "yet") and c.i < head.i for c in (*head.children, *head.head.children)
    ):
        return False
    return any(named & {t.i for t in c.subtree} for c in _subjects(head.head))


# words by which a subject stands for, or belongs to, the parties named before it
_OWNERS = frozenset({"its", "their", "both"})


def _owned(subject: Any) -> bool:
    """The subject stands for, or is owned by, the parties named before it: "both", "its
    intelligence service", "their agents", "both governments' media offices"."""
    if subject.lower_ == "both":
        return True
    for c in subject.children:
        if c.dep_ in ("poss", "det", "predet") and c.lower_ in _OWNERS:
            return True
        if c.dep_ == "poss" and any(d.dep_ in ("det", "predet") and d.lower_ == "both" for d in c.children):
            return True
    return False


def _stands_for_actor(subject: Any, contradicts: bool) -> bool:
    """A subject that names nobody yet acts for the actor named elsewhere: a pronoun or "the
    actors" ("...; instead it ordered app stores to ..."), or, in a clause that contradicts a
    denial (_contradicts_named), what the actor owns ("..., but leaked minutes show its centre
    sent ...")."""
    return _refers_to_actor(subject) or (contradicts and _owned(subject))


# verbs of being and having: a clause of them with no act word in it says what its subject is
_STATIVE = frozenset({"be", "have"})


def _stative(verb: Any, heads: list[Any], triggers: set[int]) -> bool:
    """A clause of being or having with no act word and no other verb in it ("is likely to adopt
    ..." governs one)."""
    if verb.lemma_.lower() not in _STATIVE:
        return False  # most verbs: no need to find their clause
    clause = _coverage(verb, heads)
    if triggers & clause:
        return False
    doc = verb.doc
    # a verb that only describes a noun ("it was authentic audio trimmed to change its meaning") is
    # part of what the subject is
    described = {t.i for i in clause if doc[i].dep_ in ("acl", "relcl") for t in doc[i].subtree}
    return not any(
        doc[i].pos_ == "VERB" and doc[i].dep_ not in ("amod", "compound") for i in clause - described if i != verb.i
    )


def _added_fact(verb: Any, heads: list[Any], triggers: set[int]) -> bool:
    """A clause added by "and" that holds no act word: a further fact beside the sentence's act ("We
    found no evidence that ..., and Belgian police have closed the case"), not an act of its own as
    a clause set against a denial by "but" is ("..., but it was run by ...")."""
    if verb.dep_ != "conj" or _negated_verb(verb) or triggers & _coverage(verb, heads):
        return False
    return any(c.dep_ == "cc" and c.lower_ == "and" and c.i < verb.i for c in (*verb.children, *verb.head.children))


def _acting_clauses(a: Analysed, heads: list[Any], named: set[int]) -> set[int]:
    """Main clauses (or the clauses reporting verbs report) whose subject or agent names a
    candidate or stands for an actor: the verbs that carry an act of someone the sentence names."""
    triggers = set(a.triggers)
    acting: set[int] = set()
    for h in heads:
        contrasted = _contradicts_named(h, named)
        for v in _reported(h):
            if v.lemma_.lower() in _SPEECH:
                continue
            if _stative(v, heads, triggers):
                continue  # "India is the most capable state ..., yet nothing suggests ...": what it is
            if _added_fact(v, heads, triggers):
                continue
            holders = [v, v.head] if v.dep_ == "xcomp" else [v]
            subjects = [c for x in holders for c in x.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
            if any(_stands_for_actor(c, contrasted) or named & {t.i for t in c.subtree} for c in subjects):
                acting.add(v.i)
    return acting


def _acts(a: Analysed, heads: list[Any], named: set[int] | None = None) -> set[int]:
    """Tokens that carry the sentence's acts: its capability triggers and every main clause (or the
    clause a reporting verb reports) whose subject or agent names a candidate ("Hong Kong police,
    who deny targeting critics abroad, offered bounties ...", "..., yet Chinese authorities used
    ..."); the root (or what it reports) when there is none. A trigger in a further main clause that
    names nobody ("..., and malware is offered for sale") is no act of the sentence's actors.
    `named`: the tokens of the candidates, where the caller has them (_named_tokens)."""
    if named is None:
        named = _named_tokens(a)
    acting = _acting_clauses(a, heads, named)
    acts = set(acting)
    triggers = {i for i in a.triggers if not _put_down_to(a.doc[i], named)}
    for i in triggers:
        clause = next((t for t in [a.doc[i], *a.doc[i].ancestors] if t in heads), heads[0])
        first = clause.i == heads[0].i or (clause.head.i == heads[0].i and _before_semicolon(clause))
        if first or named & _coverage(clause, heads) or clause.i in acting:
            acts.add(i)
    return acts or triggers or {v.i for v in _reported(heads[0])} or {heads[0].i}


# verbs that give an event its cause: "the outage came from a misconfigured update", "the leak was
# caused by a misconfigured server"
_CAUSE_VERBS = frozenset("come stem result arise originate cause trace".split())


def _put_down_to(trigger: Any, named: set[int]) -> bool:
    """The trigger names an event whose cause the sentence gives, and the cause names no candidate:
    it asserts no act ("the outage came from a misconfigured update"; not "the outage came from a
    DDoS by Russian hackers")."""
    verb = trigger.head
    if verb.lemma_.lower() not in _CAUSE_VERBS or trigger.dep_ not in ("nsubj", "nsubjpass", "dobj"):
        return False
    if trigger.dep_ == "dobj":
        if verb.lemma_.lower() != "cause":
            return False
        causes = [c for c in verb.children if c.dep_ == "nsubj"]  # "a faulty update caused the outage"
    else:
        causes = [c for c in verb.children if c.i > verb.i and c.dep_ in ("prep", "agent")]
    return bool(causes) and not named & {t.i for c in causes for t in c.subtree}


def _next_word(tok: Any) -> str:
    return tok.doc[tok.i + 1].lower_ if tok.i + 1 < len(tok.doc) else ""


def _opposed(a: Analysed) -> list[Any]:
    """Verbs of opposition whose object holds a trigger and names nobody who does it: "opposes all
    forms of hacking" asserts no hacking; "condemned Russia's cyberattacks" (a possessor) and
    "condemned attacks by Iranian hackers" (an agent) assert the act of someone else."""
    doc = a.doc
    named = _named_tokens(a)
    out = []
    for i in a.triggers:
        prev = doc[i]
        for anc in doc[i].ancestors:
            if prev.dep_ in ("relcl", "acl"):
                break  # "condemned the accounts that spread ...": what the accounts did stands
            if anc.pos_ in ("VERB", "AUX"):
                if anc.lemma_.lower() in _OPPOSE and prev.dep_ in ("dobj", "obj", "prep", "xcomp", "pcomp"):
                    # what the verb governs, less its subject and the clauses coordinated with it ("by ..."
                    # may hang on the verb)
                    subjects = {
                        t.i for c in anc.children if c.dep_ in ("nsubj", "nsubjpass", "conj") for t in c.subtree
                    }
                    inside = ({t.i for t in anc.subtree} - subjects) & named
                    doers = [doc[j] for j in inside if doc[j].dep_ in ("poss", "amod", "compound", "nmod")]
                    doers += [doc[j] for j in inside if any(x.lower_ in ("by", "from") for x in doc[j].ancestors)]
                    if not doers:
                        out.append(anc)
                break
            prev = anc
    return out


def _negation_anchors(a: Analysed, heads: list[Any]) -> list[Any]:
    """Verbs whose negation reaches part of the sentence: negated main verbs (a reporting verb
    stands for what it reports), the verbs above negated triggers, the verb of a subject quantified
    by "no"/"neither" or that is "none", and the verb of an actor so quantified or negated. "No
    other state has ..." compares; it does not deny."""
    doc = a.doc
    anchors = [
        v for h in heads if h.pos_ in ("VERB", "AUX") for v in _reported(h) if _negated_verb(v) and not _advises(v)
    ]
    anchors += [_verb_of(doc[i]) for i in a.triggers if _negated_verb(doc[i])]
    anchors += _opposed(a)
    for tok in doc:
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        quantified = any(
            ch.dep_ in ("det", "preconj") and ch.lower_ in ("no", "neither") and _next_word(ch) != "other"
            for ch in tok.children
        )
        if not (quantified or (tok.lower_ in _NOBODY and _next_word(tok) != "other")):
            continue
        verb = _verb_of(tok)
        if verb.lemma_.lower() not in _ASSERTED_WHEN_NEGATED:  # "Neither ... nor ... stopped the operation"
            anchors.append(verb)
    for c in a.candidates:
        if c.role != "actor":
            continue
        span = tokens_in(doc, c.mention.start, c.mention.end)
        if span is None:
            continue
        root = span.root
        noun = root.head if root.dep_ in ("amod", "compound", "poss") else root
        first = noun
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head  # "Neither China nor Russia": "neither" hangs on the first conjunct
        if (
            any(ch.dep_ == "det" and ch.lower_ == "no" for ch in noun.children)
            or any(ch.dep_ in ("det", "preconj") and ch.lower_ == "neither" for ch in first.children)
            or _negated_verb(noun)
        ):
            anchors.append(_verb_of(noun))
    return [v for v in anchors if not _denies_means(v) and not _denies_an_end(v)]


# Verbs of ending under a negated verb: "we do not expect the IRGC to halt its hack-and-leak
# operations" expects them to go on
_END_VERBS = _ENDING | {"quit", "forgo"}


def _denies_an_end(verb: Any) -> bool:
    """`verb` is negated and governs a verb of ending: what is denied is an end to the act. "Stopped a
    voter from casting a ballot" prevents; it ends nothing."""
    return any(
        c.dep_ in ("xcomp", "ccomp")
        and c.lemma_.lower() in _END_VERBS
        and not any(p.dep_ == "prep" and p.lower_ == "from" for p in c.children)
        for c in verb.children
    )


# Verbs of need: "Nicaragua did not need bots: party youth posted the slogans themselves" denies a
# means and says in the next clause how the act was done
_NEED_VERBS = frozenset({"need", "rely", "depend"})


def _denies_means(verb: Any) -> bool:
    """`verb` is a negated verb of need whose noun complement closes its clause before a colon or a
    semicolon that more words follow."""
    if verb.lemma_.lower() not in _NEED_VERBS:
        return False
    nouns = [c for c in verb.children if c.dep_ == "dobj"]
    nouns += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    doc = verb.doc
    for noun in nouns:
        after = noun.right_edge.i + 1
        if after + 1 < len(doc) and doc[after].text in (":", ";") and not doc[after + 1].is_punct:
            return True
    return False


def _cue_verb(doc: Any, start: int) -> Any:
    """The verb whose clause holds the denial cue at character `start`; None off the parse."""
    cue = tokens_in(doc, start, start + 1)
    return _verb_of(cue[0]) if cue else None


def _names_subject(tok: Any) -> bool:
    """`tok` is a subject or agent, or a word of its name ("Iranian operators", "Russia's GRU"), not
    a word inside a phrase that qualifies it ("the blackout at the Chilean port")."""
    while tok.dep_ in ("amod", "compound", "poss", "nmod", "det") and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass") or (tok.dep_ == "pobj" and tok.head.dep_ == "agent")


def _ruled_out_tail(a: Analysed, start: int, heads: list[Any]) -> set[int] | None:
    """What the denial cue at `start` reaches when it is a tail ("..., not a deepfake made by X."):
    its clause, less a named party's own act before it ("Russia ran the campaign through paid
    influencers, not a bot network" asserts Russia's act; "the outage was caused by a hardware
    fault, not a cyber attack" asserts none). None for any other cue."""
    if a.doc is None or not _NOT_TAIL.match(a._flat, start):
        return None
    verb = _cue_verb(a.doc, start)
    # the parser may hang the tail on a relative clause ("traced the outage that grounded flights to
    # a faulty update, not to Russian hackers"): it rules out what the clause above it says
    while verb is not None and verb.dep_ in ("relcl", "acl"):
        verb = next((t for t in verb.ancestors if t.pos_ in ("VERB", "AUX")), None)
    reach = _coverage(heads[0] if verb is None else verb, heads)
    doers = {i for i in _named_tokens(a) if a.doc[i].idx < start and _names_subject(a.doc[i])}
    for i in _acting_clauses(a, heads, doers):
        v = a.doc[i]
        if v.idx < start:  # the act and who does it stand
            subjects = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
            reach -= {i} | {t.i for c in subjects for t in c.subtree if t.idx < start}
    return reach


def acts_negated(a: Analysed, cues: Sequence[int] = ()) -> bool:
    """Every act of the parsed sentence sits where a negation reaches: a denial cue (character
    offsets of `_DENIAL` matches) or a negated verb. "X, which denies the allegations, hacked ...",
    "found no evidence that ..., but it was run by ..." and "APT28 did not need exploits: it
    compromised the routers" assert the act."""
    if a.doc is None:
        return False
    heads = main_clauses(a.doc)
    anchors = _negation_anchors(a, heads)
    reach: set[int] = set()
    for start in cues:
        tail = _ruled_out_tail(a, start, heads)
        if tail is not None:
            reach |= tail
            continue
        found = _cue_verb(a.doc, start)
        verb = heads[0] if found is None else found
        anchors.append(verb)
        if verb.dep_ == "conj":
            # "looked for signs of X ... and found none": none of what was sought (the parser may
            # hang "found" on a verb inside the search)
            sought = next((t for t in [verb.head, *verb.head.ancestors] if t.lemma_.lower() in _SEARCH), None)
            if sought is not None:
                anchors.append(sought)
    if not anchors and not reach:
        return False
    named = _named_tokens(a)
    for v in anchors:
        reach |= _coverage(v, heads) - _source_denied_of(v, named)
    return _acts(a, heads, named) <= reach


# verbs whose negation denies where an act came from or who did it, not that it happened: "the
# campaign was not the work of hacktivists", "the operation did not originate in Russia"
_SOURCE_VERBS = frozenset("be originate come stem emanate".split())
_AUTHOR_NOUNS = frozenset("work handiwork product doing creation".split())


def _source_denied_of(verb: Any, named: set[int]) -> set[int]:
    """What a negated verb of origin or of authorship ("was not the work of ...") leaves standing:
    its subject, and a verb of origin itself. "The phishing campaign was not the work of
    hacktivists" and "the operation did not originate in Russia" assert the campaign and the
    operation; "the recording was not a deepfake" denies the deepfake, and "the intrusion was not
    the work of Russia" denies Russia's act."""
    lemma = verb.lemma_.lower()
    if lemma not in _SOURCE_VERBS or not any(c.dep_ == "neg" for c in verb.children):
        return set()
    subject = {t.i for c in verb.children if c.dep_ == "nsubj" for t in c.subtree}
    if lemma != "be":
        return subject | {verb.i}
    # "was not the work of hacktivists": who did it is denied; "was not part of this network" denies
    # the subject's part in it
    authored = any(c.dep_ == "attr" and c.lemma_.lower() in _AUTHOR_NOUNS for c in verb.children)
    return subject if authored and not named & ({t.i for t in verb.subtree} - subject) else set()


# What a party is or has, not what it does (GUIDE, adjudication rule 1): "APT29 poses a serious
# threat to diplomats", "MuddyWater has developed PowerShell backdoors", "We attribute this cluster
# to APT42", "OilRig has been attributed to Iran's MOIS".
_THREAT_VERBS = frozenset("pose present represent constitute".split())
_THREAT_NOUNS = frozenset("threat risk danger menace".split())
_MAKE_VERBS = frozenset("develop build create write maintain possess".split())
_TOOL_NOUNS = frozenset(
    "tool toolset toolkit malware backdoor implant arsenal variant version loader dropper framework".split()
)
_ATTRIBUTE_VERBS = frozenset("attribute link tie".split())
_NEUTRAL_NOUNS = frozenset("activity cluster network set group actor persona it this them".split())
# "a series of backdoors", "a suite of tools": the noun the quantity stands for
_QUANTITY_NOUNS = frozenset("series number range set suite array variety family kind type".split())
# verbs that name or cite, beside such a statement: "OilRig, also tracked as APT34, ...", "based on ..."
_NAMING_VERBS = frozenset("track know call dub name refer base include label".split())


def _object_of(verb: Any) -> Any:
    """A verb's object (or passive subject), through "a series of ..."; None without one."""
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
    if obj is not None and obj.lemma_.lower() in _QUANTITY_NOUNS:
        inner = [
            g for p in obj.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"
        ]
        obj = inner[0] if inner else obj
    return obj


# How a party sees something ("Tehran views influence operations as a low-cost way to retaliate",
# "Moscow regards the diaspora as a sphere of its influence"): an outlook, not an act
_ATTITUDE_VERBS = frozenset("view regard see treat perceive".split())


def _attitude(verb: Any) -> bool:
    """`verb` says how its (active, not first-person) subject sees something: "X views Y as Z"."""
    return (
        verb.lemma_.lower() in _ATTITUDE_VERBS
        and any(c.dep_ == "prep" and c.lower_ == "as" for c in verb.children)
        and any(c.dep_ == "nsubj" and c.lower_ not in _FIRST_PERSON for c in verb.children)
    )


def _what_is_seen(verb: Any) -> set[int]:
    """Infinitives and gerunds with no subject of their own inside what an outlook is about and
    what it is seen as ("as a way to scale content", "as a means of cutting costs"): parts of the
    outlook, not acts ("as a routine companion to pressure, often using criminal forums" tells of one)."""
    parts = [c for c in verb.children if c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ == "as")]
    return {
        t.i
        for part in parts
        for t in part.subtree
        if t.pos_ == "VERB"
        and (
            t.dep_ in ("xcomp", "pcomp")
            or (t.dep_ in ("acl", "relcl") and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in t.children))
        )
        and not any(ch.dep_ in ("nsubj", "nsubjpass") for ch in t.children)
    }


# Umbrella terms carry no capability (TAXONOMY): "Kimsuky has conducted cyber activity against
# ...", "Russia's cyber operations against Ukraine have continued since 2022"
_GENERIC_VERBS = frozenset("conduct run sustain continue rise increase grow expand persist".split())
_UMBRELLA_NOUNS = frozenset("activity operation".split())
_UMBRELLA_WORDS = frozenset("cyber cyberspace computer network".split())
_NOT_UMBRELLA = frozenset("offensive destructive disruptive sabotage".split())


def _umbrella(noun: Any) -> bool:
    """ "cyber activity", "computer network operations": no act of any kind named (not "offensive
    cyber operations", which TAXONOMY counts as attacks)."""
    words = {c.lower_ for c in noun.children if c.dep_ in ("amod", "compound")}
    return noun.lemma_.lower() in _UMBRELLA_NOUNS and bool(words & _UMBRELLA_WORDS) and not words & _NOT_UMBRELLA


def _generic_act(verb: Any, triggers: set[int]) -> bool:
    """Nothing but an umbrella term done, run or going on, in a sentence with no act word."""
    if triggers or verb.lemma_.lower() not in _GENERIC_VERBS:
        return False
    return any(_umbrella(c) for c in verb.children if c.dep_ in ("dobj", "nsubj"))


def _states_what_it_is(verb: Any, named: set[int], triggers: set[int]) -> bool:
    """The verb says what its subject is, has made or is linked to, how it sees something, or that
    it carries out an umbrella term's worth of activity: not what it does."""
    if _attitude(verb) or _generic_act(verb, triggers):
        return True
    lemma, obj = verb.lemma_.lower(), _object_of(verb)
    noun = obj.lemma_.lower() if obj is not None else None
    if lemma in _THREAT_VERBS:
        return noun in _THREAT_NOUNS
    if lemma in _MAKE_VERBS:
        return noun in _TOOL_NOUNS or noun == "capability"
    # what is attributed is nothing, a neutral noun or a named group ("Gamaredon has been linked to
    # the FSB"); "linked the covert network to ..." names an act in its words
    if obj is not None and triggers & {t.i for t in obj.subtree}:
        return False
    return lemma in _ATTRIBUTE_VERBS and (obj is None or noun in _NEUTRAL_NOUNS or obj.i in named)


def states_no_act(a: Analysed) -> bool:
    """Every clause the sentence asserts says what a party is, has made or is linked to, and no
    other verb tells of an act: its actor acts with no capability."""
    if a.doc is None:
        return False
    heads = main_clauses(a.doc)
    said = [v for h in heads for v in _reported(h) if v.lemma_.lower() not in _NAMING_VERBS]
    named = _named_tokens(a)
    triggers = set(a.triggers)
    if not said or not all(_states_what_it_is(v, named, triggers) for v in said):
        return False
    allowed = {t.i for t in [*heads, *said]}
    allowed |= {i for v in said if _attitude(v) for i in _what_is_seen(v)}
    return not any(
        t.pos_ == "VERB"
        and t.dep_ not in ("amod", "compound")  # "shared hosting patterns"
        and t.lower_ != "according"  # "according to ...": who says it, no act
        and t.i not in allowed
        and t.lemma_.lower() not in _NAMING_VERBS
        and not _negated_verb(t)
        for t in a.doc
    )


def denies_every_actor(a: Analysed) -> bool:
    """A denial reaches a mention of every state the sentence makes an actor, whatever else it
    asserts: "the accounts raise questions, but we found no link to Riyadh", "none of the accounts
    shows any link to the Iranian state; most were run by an agency in Lahore". What the sentence
    asserts besides is no act of a state it names."""
    if a.doc is None or not a.denial_cues:
        return False
    acting = [span for c, span in candidate_spans(a) if c.role == "actor"]
    if not acting:
        return False
    heads = main_clauses(a.doc)
    said = [v for h in heads for v in _reported(h)]  # "the ministry said claims that ... were false"
    reach: set[int] = set()
    for start in a.denial_cues:
        tail = _ruled_out_tail(a, start, heads)
        if tail is not None:
            reach |= tail
            continue
        verb = _cue_verb(a.doc, start)
        # a denial in a main clause; inside a relative or adverbial clause it qualifies what the
        # sentence asserts ("a technique we have not seen from groups linked to Tehran")
        if verb is not None and (verb in heads or verb in said):
            reach |= _coverage(verb, heads)
    # "...; they copied subscriber metadata only": a subject outside the denial acts for the actor
    # (in a clause that contradicts the denial, also the subject of what that clause reports)
    named = _named_tokens(a)
    for h in heads:
        if h.i in reach:
            continue
        subjects = _subjects(h)
        contrasted = _contradicts_named(h, named)
        if contrasted:
            subjects += [c for v in _reported(h) if v is not h for c in _subjects(v)]
        if any(_stands_for_actor(c, contrasted) for c in subjects):
            return False
    return all(span.root.i in reach for span in acting)


_POSSIBLE = frozenset({"could", "may", "might"})
# Verbs by which someone other than the author tells of an act: with a clause ("Rappler found
# that ...", "..., former staff said") or attributing it ("traced the sites to ...", "blamed the
# GRU for ...", "sanctioned a company for ...").
_TELLS = frozenset(
    "say tell report find conclude note document describe reveal show allege claim state write confirm testify "
    "observe detect discover uncover warn estimate".split()
)
_ATTRIBUTES = frozenset("attribute trace link tie pin blame accuse charge indict sanction name connect".split())
_FIRST_PERSON = frozenset({"we", "us", "i", "our"})


def third_party_reports(a: Analysed) -> bool:
    """A main verb of the sentence is a report or an attribution by a third party: its subject is
    not the author ("we") and it carries a clause, or an object it attributes."""
    if a.doc is None:
        return False
    for verb in main_clauses(a.doc):
        lemma = verb.lemma_.lower()
        if lemma not in _TELLS and lemma not in _ATTRIBUTES:
            continue
        subjects = _subjects(verb)
        if not subjects or any(s.lower_ in _FIRST_PERSON for s in subjects) or _negated_verb(verb):
            continue
        if subjects[0].dep_ == "nsubjpass" and not any(c.dep_ == "agent" for c in verb.children):
            continue  # "the campaign was attributed to ..." by nobody named: left to the head
        kids = {c.dep_ for c in verb.children}
        if lemma in _TELLS and kids & {"ccomp", "xcomp"}:
            return True
        if lemma in _ATTRIBUTES and kids & {"dobj", "prep", "agent"}:
            return True
    return False


def main_verb_is_possible(a: Analysed) -> bool:
    """The main verb carries "could", "may" or "might" ("Tehran could use cyberattacks to ...")."""
    if a.doc is None:
        return False
    roots = [t for t in a.doc if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX")]
    # GUIDE: "cannot rule out that ..." leaves the act open
    open_ = [r for r in roots if r.lemma_.lower() in ("rule", "exclude") and any(c.dep_ == "neg" for c in r.children)]
    return bool(open_) or any(c.dep_ == "aux" and c.lower_ in _POSSIBLE for r in roots for c in r.children)


_NEGATION_WORD = re.compile(r"\b(?:not|won.t|cannot|can.t|didn.t|doesn.t)\b", re.IGNORECASE)


def _estimative_negation(a: Analysed) -> bool:
    """The sentence's negation is part of an ICD 203 term ("probably not", "probably will not",
    "not likely"), and nothing in it is a report denial."""
    if a.denies:
        return False
    terms = [t for lvl, t in a.feats.likelihood_terms if lvl in ("unlikely", "very_unlikely", "almost_no_chance")]
    if not any(_NEGATION_WORD.search(t) for t in terms):
        return False
    # every negation of the sentence sits inside such a term
    inside = sum(len(_NEGATION_WORD.findall(t)) for t in terms)
    return len(_NEGATION_WORD.findall(a.sentence)) <= inside


def _conjunct_head(doc: Any, token: Any) -> Any:
    """The first conjunct of the coordination `token` belongs to ("China, Iran, and Russia" -> China)."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def candidate_spans(a: Analysed) -> list[tuple[Candidate, Any]]:
    """Each candidate with the parse tokens it covers (none without a parse)."""
    if a.doc is None:
        return []
    spans = ((c, tokens_in(a.doc, c.mention.start, c.mention.end)) for c in a.candidates)
    return [(c, span) for c, span in spans if span is not None]


def share_conjunct_roles(a: Analysed) -> None:
    """Coordinated mentions share the role of the coordination's head: in "China, Iran, and Russia
    denigrated ..." the parser hangs Iran and Russia off China, so only China sits on the verb; in
    "servers in Peru, Chile and Bolivia" all three are where the servers are."""
    if a.doc is None or len(a.candidates) < 2:
        return
    roots = [(c, span.root) for c, span in candidate_spans(a)]
    by_root: dict[int, Candidate] = {}
    for c, root in roots:
        by_root.setdefault(root.i, c)
    for c, root in roots:
        if root.dep_ != "conj":
            continue
        head = by_root.get(_conjunct_head(a.doc, root).i)
        if head is not None and head is not c and head.role in ("actor", "target", "victim", "reporter", "location"):
            c.role = head.role
            c.p_actor = max(c.p_actor, head.p_actor) if head.role == "actor" else c.p_actor


def _caps_pinned(a: Analysed, token: Any) -> set[str]:
    """The capabilities a sentence pins on the mention by saying it was behind, responsible for or
    accounted for an act ("North Korea, Iran and China were behind 72 percent of the intrusions"):
    those whose triggers sit outside the mention's own phrase. Empty when it says no such thing."""
    act = answerable_for(token)
    if act is None or any(t.lower_ in ("no", "none") for t in act.subtree):
        return set()  # "was behind none of the intrusions"
    # the act may be named outside the phrase ("Of the 212 incidents of repression ..., China and
    # Turkey were responsible for more than half"), but not inside the subject's own phrase
    subject = phrase_head(token, ("conj", "compound", "amod", "appos", "poss"))
    start, end = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
    return {cap for cap, spans in a.feats.capabilities.items() if any(e0 <= start or s0 >= end for s0, e0 in spans)}


def _assert_capabilities(a: Analysed, caps: set[str]) -> None:
    """A rule finds `caps` asserted whatever the heads' doubt: they join the sentence's capabilities
    (in CAPABILITIES order), and a sentence read as asserting nothing now states a fact."""
    a.capabilities = [cap for cap in CAPABILITIES if cap in caps or cap in a.capabilities]
    a.stance = "fact" if a.stance == "none" else a.stance


def _foreign_tokens(a: Analysed, c: Candidate, role: str | None = None) -> set[int]:
    """Token indices of the sentence's candidates of states other than `c`'s (in `role`, if given)."""
    return {
        t.i
        for other, span in candidate_spans(a)
        if other.mention.alias.code != c.mention.alias.code and role in (None, other.role)
        for t in span
    }


def share_listed_roles(a: Analysed) -> None:
    """States listed under a noun of states act as the list does ("more than ten governments,
    including Azerbaijan, Rwanda and Vietnam, are likely to hire ..."), and a party said to act
    along with or like another shares its role ("Along with Moscow and Tehran, Beijing is named as
    a source of ...", "Israel, like the UAE, has exported ...")."""
    if a.doc is None or not a.capabilities:
        return
    spans = candidate_spans(a)
    by_token: dict[int, Candidate] = {}
    for c, span in spans:
        by_token.setdefault(span.root.i, c)
        by_token.setdefault(phrase_head(span.root).i, c)
    for c, span in spans:
        group = listed_member(span.root)
        if group is not None:
            if list_acts(group, a.triggers):
                c.role = "actor"
            elif c.role == "actor":
                # listed under a noun that does not act: "supplied cameras to 14 governments,
                # including Kenya, ...", "victims in 14 countries, including Brazil, ..."
                c.role = "other"
            continue
        mate = companion_of(span.root)
        other = by_token.get(mate.i) if mate is not None else None
        if other is not None and other is not c and other.role in ("actor", "target", "victim"):
            c.role = other.role


def vendor_mentions(sentence: str) -> list[Mention]:
    """Private vendors named in a sentence (TAXONOMY: not their home state acting)."""
    return get_matchers().vendor_mentions(_normalise(sentence))


def read_sentence(sentence: str) -> Analysed:
    """A sentence's regex features, signals and words; a headline is read in sentence case."""
    matchers = get_matchers()
    text = sentence_case(sentence, matchers.names_anycase)
    feats = _features(text)
    written = None
    if text != sentence:
        written = sentence
        # "AI" and "GANs" are matched as written
        feats.ai_enabled = feats.ai_enabled or matchers.ai_enabled(_normalise(sentence))
    return Analysed(
        text, feats, sentence_signals(text, feats), sentence_words(text), vendors=vendor_mentions(text), written=written
    )


def prepare(sentences: Sequence[str], *, parse_all: bool = False, codes: set[str] | None = None) -> list[Analysed]:
    """Regex features and signals of each sentence (and, with `parse_all`, the parse and the
    candidate mentions): everything that does not depend on the heads."""
    tax = get_matchers().tax
    items = []
    for s in sentences:
        a = read_sentence(s)
        if codes is not None:
            a.feats.mentions = [m for m in a.feats.mentions if keep_mention(m, tax, codes, sentence=s)]
        items.append(a)
    if parse_all:
        for a, doc in zip(items, _parse([a.sentence for a in items]), strict=True):
            find_candidates(a, doc)
    return items


def _roles_may_claim(a: Analysed, heads: Heads) -> bool:
    """The roles of the sentence's candidates may decide a claim: it asserts a capability, its actor
    may rescue one (rescue_by_actor), a trigger fired that a mention may be pinned with
    (_caps_pinned), or it names state media whose messaging is propaganda (decide_roles)."""
    return (
        bool(a.capabilities or a.feats.capabilities)
        or _may_rescue(a, heads)
        or any(c.mention.alias.organ == "state media" for c in a.candidates)
    )


def decide(items: list[Analysed], heads: Heads, *, parse_all: bool = False) -> None:
    """The heads' decisions on prepared sentences; without `parse_all` only sentences that name a
    candidate are parsed (prepared parses are reused)."""
    for a in items:
        # a rerun (cross-validation) starts again from the candidates the parse found
        a.candidates = [c for c in a.candidates if c.mention.alias.kind != "reference"]
    # a sentence that names a candidate is parsed first: its parse lemmas feed the sentence heads
    fresh = [a for a in items if a.doc is None and (parse_all or a.feats.mentions)]
    for a, doc in zip(fresh, _parse([a.sentence for a in fresh]), strict=True):
        find_candidates(a, doc, entities=parse_all)
    decide_sentences(items, heads)
    # Without `parse_all` (ingest) only claims are kept, and a candidate's role can decide a claim
    # only in some sentences: the NER (half the parse's time) runs for their role features alone.
    # `tag` reads every role.
    deferred = [a for a in items if a.entities_deferred and _roles_may_claim(a, heads)]
    find_entities([a.doc for a in deferred], BATCH_SIZE)
    for a in deferred:
        read_entities(a)
    decide_roles([a for a in items if a.doc is not None], heads)


def analyse(
    sentences: Sequence[str],
    *,
    parse_all: bool = False,
    codes: set[str] | None = None,
    heads: Heads | None = None,
) -> list[Analysed]:
    """Features, decisions and candidates for each sentence. Without `parse_all` only sentences
    that name a candidate are parsed. `codes`: states the document
    names unambiguously (short aliases such as "RT" count only then)."""
    items = prepare(sentences, codes=codes)
    decide(items, heads or get_heads(), parse_all=parse_all)
    return items


def acting(a: Analysed) -> list[Mention]:
    """The mentions whose state performs the sentence's capabilities."""
    if not a.capabilities:
        return []
    return [c.mention for c in a.candidates if c.role == "actor"]


def _pair_by_clause(
    sentence: str, actors: list[Mention], capabilities: dict[str, list[tuple[int, int]]]
) -> set[tuple[str, str]] | None:
    """Which (actor, capability) pairs a sentence of several clauses supports; None: all of them."""
    codes = {m.alias.code for m in actors}
    bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence) + 1]
    if len(codes) < 2 or len(bounds) < 3:
        return None
    pairs: set[tuple[str, str]] = set()
    paired: set[str] = set()
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        here_codes = {m.alias.code for m in actors if lo <= m.start < hi}
        here_caps = {c for c, spans in capabilities.items() if any(lo <= s < hi for s, _ in spans)}
        if here_codes and here_caps:
            pairs |= {(x, c) for x in here_codes for c in here_caps}
            paired |= here_caps
    # a capability in a clause of its own goes with every actor
    pairs |= {(x, c) for x in codes for c in set(capabilities) - paired}
    return pairs


def _clause_of(sentence: str, pos: int) -> tuple[int, int]:
    bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        if lo <= pos < hi:
            return lo, hi
    return 0, len(sentence)


def _estimative(sentence: str, pos: int | None) -> tuple[str | None, str | None]:
    """ICD 203 likelihood and confidence of the clause holding `pos` (the whole sentence if None)."""
    m = get_matchers()
    lo, hi = (0, len(sentence)) if pos is None else _clause_of(sentence, pos)
    clause = sentence[lo:hi].replace("\n", " ")
    lik = m.likelihood_terms(clause) or ([] if pos is None else m.likelihood_terms(sentence.replace("\n", " ")))
    conf = m.confidence_terms(clause) or ([] if pos is None else m.confidence_terms(sentence.replace("\n", " ")))
    return (lik[0][0] if lik else None), (conf[0][0] if conf else None)


def _target(a: Analysed) -> str | None:
    if a.doc is not None:
        found = find_target(a.doc, a.triggers)
        if found:
            # the parse reads the sentence-case text of a headline: quote what is written
            at = _normalise(a.sentence).find(found) if a.written else -1
            return a.quote(at, at + len(found)) if at >= 0 else found
    m = _TARGET_RE.search(a.sentence)
    return a.quote(*m.span(1)).strip() if m else None


# "The group", "these actors", "the threat actor" as the subject of a sentence: a reference to the
# actor named just before, resolved within the passage (labels stay per sentence: GUIDE.md).
_REFERENCE = re.compile(
    r"^\W*(?:(?:in|since|on|during|after)\b[^,]{0,60},\s*)?"
    r"((?:the|these|this|those)\s+(?:same\s+|threat\s+|malicious\s+|cyber\s+|state-sponsored\s+|APT\s+)?"
    r"(?:group|groups|actors?|attackers?|hackers?|operators?|adversar(?:y|ies)|intruders?|operatives?))\b",
    re.IGNORECASE,
)
REFERENCE_WINDOW = 3


def resolve_references(items: Sequence[Analysed]) -> None:
    """Give a sentence whose subject is "the group" or "these actors" (and which asserts a
    capability with no named actor) the actor of the nearest earlier sentence of the passage
    that named exactly one acting state."""
    recent: list[tuple[int, Candidate]] = []
    for i, a in enumerate(items):
        actors = [c for c in a.candidates if c.role == "actor"] if a.capabilities else []
        if not actors and a.capabilities and not a.asserts_nothing:
            m = _REFERENCE.match(a.sentence.replace("\n", " "))
            near = [c for j, c in recent if i - j <= REFERENCE_WINDOW]
            if m and near and len({c.mention.alias.code for c in near}) == 1:
                src = near[-1].mention.alias
                alias = Alias(a.sentence[m.start(1) : m.end(1)], src.code, "reference", src.organ)
                a.candidates.append(Candidate(Mention(m.start(1), m.end(1), alias), ["reference"], "actor", 1.0))
                continue
        if actors:
            recent = [(i, c) for c in actors]


def claims_of(a: Analysed, *, page_no: int, start: int, doc_id: str | None) -> list[Claim]:
    """The claim records of one analysed sentence."""
    if not a.capabilities:
        return []
    actors = acting(a)
    by_code: dict[str, Mention] = {}
    for m in actors:
        by_code.setdefault(m.alias.code, m)
    organs: dict[str, str | None] = {}
    for m in actors:
        organs[m.alias.code] = organs.get(m.alias.code) or m.alias.organ
    spans = {c: a.feats.capabilities.get(c, []) for c in a.capabilities}
    pairs = _pair_by_clause(a.sentence, actors, spans)
    target = _target(a)
    rows: list[tuple[Mention | None, str]] = [
        (m, c) for m in by_code.values() for c in a.capabilities if pairs is None or (m.alias.code, c) in pairs
    ] or [(None, c) for c in a.capabilities]
    out = []
    for who, cap in rows:
        likelihood, confidence = _estimative(a.sentence, who.start if who is not None else None)
        out.append(
            Claim(
                capability=cap,
                sentence=a.quote(),
                page_no=page_no,
                char_start=start,
                char_end=start + len(a.sentence),
                actor=who.alias.code if who else None,
                actor_mention=a.mention_text(who) if who else None,
                organ=organs.get(who.alias.code) if who else None,
                target=target,
                ai_enabled=a.feats.ai_enabled,
                likelihood=likelihood,
                confidence=confidence,
                stance=a.stance if a.stance in ("assessment", "reported") else "fact",
                doc_id=doc_id,
            )
        )
    return out


# Block types (pipeline/parse/kinds.py) whose text asserts nothing: a table row, a contents
# line, a reference entry, a banner or a heading is never a claim's sentence.
NOT_ASSERTING = frozenset({"table", "toc", "references", "boilerplate", "heading"})


def _block_kind(page: Page, start: int) -> str | None:
    """The type of the parser's block holding offset `start` (None for pages stored without blocks)."""
    for block in page.blocks:
        if block.start <= start < block.end:
            return block.kind
    return None


def extract_claims_pages(pages: list[Page], doc_id: str | None) -> list[Claim]:
    """All claims of a document's pages; offsets index each page's text.

    Sentences in non-asserting blocks (tables, contents, references, boilerplate, headings)
    still name the states a document is about, but yield no claim.
    """
    matchers = get_matchers()
    ambiguous = matchers.tax.ambiguous
    where: list[tuple[Page, int]] = []
    sentences: list[str] = []
    codes: set[str] = set()
    for page in pages:
        for s, e in split_sentences(page.text):
            sentence = page.text[s:e]
            codes |= document_codes(matchers.mentions(sentence), ambiguous)
            if _block_kind(page, s) in NOT_ASSERTING:
                continue
            where.append((page, s))
            sentences.append(sentence)
    claims: list[Claim] = []
    items = analyse(sentences, codes=codes)
    resolve_references(items)
    for (page, start), a in zip(where, items, strict=True):
        claims.extend(claims_of(a, page_no=page.page_no, start=start, doc_id=doc_id))
    log.debug("%s: %d sentences, %d claims", doc_id, len(sentences), len(claims))
    return claims


def extract_claims(text: str, *, page_no: int = 1, doc_id: str | None = None) -> list[Claim]:
    """Claims of one page of text."""
    return extract_claims_pages([Page(page_no=page_no, text=text)], doc_id)


def prepare_text(text: str) -> tuple[list[tuple[int, int]], list[Analysed]]:
    """The sentence spans of a text and their prepared (parsed) sentences, as `tag` reads them."""
    spans = split_sentences(text)
    sentences = [text[s:e] for s, e in spans]
    matchers = get_matchers()
    # an ambiguous short alias ("IRA", "RT") counts only where the text names its state otherwise
    codes: set[str] = set()
    for sentence in sentences:
        codes |= document_codes(matchers.mentions(sentence), matchers.tax.ambiguous)
    return spans, prepare(sentences, parse_all=True, codes=codes)


def tag_prepared(text: str, spans: list[tuple[int, int]], items: list[Analysed], heads: Heads) -> dict[str, Any]:
    """`tag`'s answer for a prepared text under the given heads."""
    decide(items, heads, parse_all=True)
    resolve_references(items)
    claims = [c for (s, _), a in zip(spans, items, strict=True) for c in claims_of(a, page_no=1, start=s, doc_id=None)]
    stances = [a.stance for a in items]
    capabilities = sorted({c for a in items for c in a.capabilities})
    likelihood = next((a.feats.likelihood for a in items if a.feats.likelihood), None)
    confidence = next((a.feats.confidence for a in items if a.feats.confidence), None)
    stance = next((s for s in ("negated", "assessment", "reported", "hypothetical", "fact") if s in stances), "none")
    return {
        "text": text,
        "actors": sorted({c.actor for c in claims if c.actor}),
        "capabilities": capabilities,
        "ai_enabled": any(a.feats.ai_enabled and a.capabilities for a in items),
        "likelihood": likelihood,
        "confidence": confidence,
        "stance": stance,
        "mentions": [
            {
                "text": a.mention_text(m),
                "start": s + m.start,
                "end": s + m.end,
                "state": m.alias.code or None,
                "role": role,
            }
            for (s, _), a in zip(spans, items, strict=True)
            for m, role in sorted(
                [(c.mention, c.role) for c in a.candidates] + [(v, "vendor") for v in a.vendors],
                key=lambda mr: mr[0].start,
            )
        ],
        "claims": [c.to_record() for c in claims],
    }


def tag_text(text: str) -> dict[str, Any]:
    """Actors acting, capabilities, AI, likelihood, confidence, stance, mentions with roles, claims."""
    spans, items = prepare_text(text)
    return tag_prepared(text, spans, items, get_heads())


def lint_text(text: str) -> list[dict[str, Any]]:
    """ICD 203 lint: likelihood mixed with confidence, or two rows of the likelihood scale."""
    matchers = get_matchers()
    problems: list[dict[str, Any]] = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        lik = matchers.likelihood_terms(sentence)
        conf = matchers.confidence_terms(sentence)
        base = {"sentence": sentence, "char_start": s, "char_end": e}
        if lik and conf:
            terms = [t for _, t in lik] + [t for _, t in conf]
            problems.append({**base, "problem": "likelihood_with_confidence", "terms": terms})
        if len({lvl for lvl, _ in lik}) > 1:
            problems.append({**base, "problem": "mixed_scale", "terms": [t for _, t in lik]})
    return problems


def highlight_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of actor mentions ("actor") and capability triggers ("capability")."""
    matchers = get_matchers()
    spans: list[tuple[int, int, str]] = []
    for s, e in split_sentences(text):
        feats = matchers.features(text[s:e], full=False)
        spans.extend((s + m.start, s + m.end, "actor") for m in feats.mentions)
        for trig in feats.capabilities.values():
            spans.extend((s + a, s + b, "capability") for a, b in trig)
    return sorted(set(spans))
