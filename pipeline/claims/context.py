"""Sentence-level rules on top of the parse: reporters, attribution and ambiguous aliases.

The small parser often misreads long attribution sentences ("the governments of the UK, Canada
and the US attributed intrusions ... to APT 29"); these rules read the surface text instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pipeline.claims.features import Mention
from pipeline.claims.taxonomy import Taxonomy

# Verbs whose subject reports, judges or attributes a threat rather than performing it.
_REPORT_VERB = re.compile(
    r"\b(?:attribut(?:e|es|ed|ing)|assess(?:es|ed)?|report(?:s|ed)?|warn(?:s|ed)?|publish(?:es|ed)?|"
    r"recommend(?:s|ed)?|advis(?:e|es|ed)|releas(?:e|es|ed)|issu(?:e|es|ed)|announc(?:e|es|ed)|"
    r"judge[sd]?|said|says|stated|accus(?:e|es)|blam(?:e|es)|"
    # the reduced passive of a headline is the accused: "Ankara accused of hunting critics abroad"
    r"accused(?!\s+of\b)|blamed(?!\s+for\b)|condemn(?:s|ed)|concluded?|"
    r"co-?authored|authored|urge[sd]?|encourage[sd]?)\b(?!\s+by\b)",
    re.I,
)
# Report verbs that also make things: their subject acts when the object is a capability trigger.
_MAKING_VERBS = ("publish", "releas", "issu")
# up to two words between such a verb and a trigger, none a preposition ("a statement on ...")
_OBJECT_GAP = re.compile(r"\s*(?:(?!(?:on|about|into|of|for|with|regarding|concerning)\b)[\w’'-]+\s+){0,2}", re.I)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s*$", re.I)
_GAP_FILLER = re.compile(
    r"\b(?:and|or|the|of|its|their|governments?|authoring|cybersecurity|"
    r"partner|agencies|authorities|officials|government|also|jointly|has|have|"
    r"publicly|previously|formally)\b|[,\s]",
    re.I,
)
_ATTRIBUTED_TO = re.compile(
    r"\battribut(?:e|es|ed|ing|able)\b(?:(?!\bto\b|\battribut)[^;,:])*\bto\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}$", re.I
)


def _strip(text: str, spans: Iterable[tuple[int, int]], offset: int) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(s - offset, 0), min(e - offset, len(chars))):
            chars[i] = " "
    return "".join(chars)


def is_reporter(sentence: str, m: Mention, mentions: list[Mention], triggers: list[tuple[int, int]]) -> bool:
    """True when the mention (with the states listed beside it) is the subject of a verb of
    reporting, assessing or attributing: "the U.S. authoring agencies assess", "the governments of
    the UK, Canada and the US attributed"."""
    if sentence[m.end : m.end + 2] in ("’s", "'s"):
        return False
    for v in _REPORT_VERB.finditer(sentence, m.end):
        gap = sentence[m.end : v.start()]
        if len(gap) > 80 or any(m.end < e and s < v.start() for s, e in triggers):
            return False
        if _PASSIVE_BEFORE.search(gap):
            return False
        if v.group(0).lower().startswith(_MAKING_VERBS) and any(
            s >= v.end() and _OBJECT_GAP.fullmatch(sentence[v.end() : s]) for s, _ in triggers
        ):
            return False  # "Iran published fake articles": what is published is the act
        rest = _strip(gap, [(o.start, o.end) for o in mentions], m.end)
        return not _GAP_FILLER.sub("", rest)
    return False


def is_attributed_to(sentence: str, m: Mention) -> bool:
    """ "... attributing the activity to the SVR": the object of attribution acts."""
    return bool(_ATTRIBUTED_TO.search(sentence[: m.start]))


def document_codes(mentions: Iterable[Mention], ambiguous: frozenset[str]) -> set[str]:
    """States a document names with an unambiguous alias."""
    return {m.alias.code for m in mentions if m.alias.text not in ambiguous}


# what follows a sentence-initial group name that is also a word, when it is used as the name:
# "Bitter sent ...", "Patchwork's lures", "Bitter, which ...", "Bitter APT" (not a present tense in
# -s, which reads like a plural: "Bitter disputes continue")
_NAME_USE = re.compile(
    r"(?:['’]s\b|,|\s+(?:APT|operators?|actors?|group|hackers?|cluster|team)\b|\s+(?:has|have|had|is|was|will|would|"
    r"may|might|can|could|also|then|now|again|sent|stole|sought|ran|began|took|made|used|hit|kept|built|wrote|"
    r"went|got|gave|set|put|(?:[a-z]+-)?[a-z]+ed)\b)"
)


def used_as_name(sentence: str, m: Mention) -> bool:
    """The sentence uses a group name that is also an English word as a name: capitalised in the
    middle of the sentence, or at its start before what a name takes (a verb, "'s", a comma)."""
    if sentence[: m.start].strip(" \t\n\"'‘“(["):
        return True
    return bool(_NAME_USE.match(sentence, m.end))


# what names an acronym as an outlet: the noun before it ("the state broadcaster CCTV", "outlets such
# as RT"), another outlet of the gazetteer beside it ("Sputnik and RT", "RT, Sputnik"), or after it
# "'s", an edition or a verb of publishing ("RT published ...")
_OUTLET_NOUN = (
    r"\b(?:broadcasters?|outlets?|agency|agencies|channels?|media|television|TV|radio)"
    r"(?:\s+(?:such as|including|like))?"
)
_EDITIONS = (
    r"Arabic|French|Spanish|German|English|Balkan|Africa|Afrique|Afrika|America|UK|DE|France|World|en Español|"
    r"International|Documentary|Mundo|Srbija"
)
_PUBLISHES = (
    r"\s+(?:now\s+|also\s+|later\s+|then\s+|again\s+|still\s+|has\s+|have\s+|had\s+)?(?:aired|airs|broadcast|"
    r"broadcasts|published|publishes|ran|runs|carried|carries|reported|reports|claimed|claims|portrayed|portrays|"
    r"presented|presents|framed|frames|relaunched|launched|launches|paid|pays|posted|posts|amplified|amplifies|pushed|"
    r"pushes|spread|spreads|recycled|recycles|republished|republishes)\b"
)


@lru_cache(maxsize=2)
def _outlet_cues(outlets: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The cues before and after an acronym that name it as an outlet, with `outlets` (the
    gazetteer's state media) as the outlets beside it."""
    names = r"\b(?:" + "|".join(re.escape(n) for n in sorted(outlets, key=len, reverse=True)) + r")\b"
    before = re.compile(r"(?:" + _OUTLET_NOUN + r"|" + names + r"(?:,|\s+and|\s+or))\s+$")
    after = re.compile(
        r"(?:['’]s\b|\s+(?:" + _EDITIONS + r")\b|(?:,|\s+and|\s+or)\s+" + names + r"|" + _PUBLISHES + ")"
    )
    return before, after


# an acronym used as the common term: "CCTV cameras", "CCTV footage", "a CCTV network"
_AS_TERM = re.compile(
    r"\s+(?:cameras?|footage|poles?|systems?|networks?|surveillance|monitoring|feeds?|installations?|coverage|"
    r"operators?|recordings?|images?)\b"
)


def named_as_outlet(sentence: str, m: Mention, tax: Taxonomy) -> bool:
    """The sentence names a state-media acronym ("RT", "CCTV") as an outlet."""
    before, after = _outlet_cues(tax.state_media)
    return bool(before.search(sentence, 0, m.start) or after.match(sentence, m.end))


def keep_mention(m: Mention, tax: Taxonomy, codes: set[str], *, sentence: str = "") -> bool:
    """An ambiguous short alias ("SEA", "RT", "IRA") counts only where its state is named otherwise;
    a group name that is also a word ("Bitter", "Patchwork") also where `sentence` uses it as a name,
    and a state-media acronym ("RT", "CCTV") where it names it as an outlet."""
    if m.alias.text not in tax.ambiguous:
        return True
    if sentence and m.alias.text in tax.ambiguous_outlets:
        if _AS_TERM.match(sentence, m.end):
            return False  # "CCTV cameras", whatever else the document names
        if named_as_outlet(sentence, m, tax):
            return True
    if m.alias.code in codes:
        return True
    return bool(sentence) and m.alias.text in tax.ambiguous_words and used_as_name(sentence, m)
