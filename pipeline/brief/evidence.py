"""Candidate sentences for a question: every sentence of the best passages, scored for relevance.

A sentence's relevance combines how much of the question's vocabulary it holds (weighted by how
rare each word is among the candidates), how high its passage ranked in hybrid search (dense +
BM25 over the question), and whether a claim on it names a requested actor, capability or target.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pipeline.brief.model import Question, join_parts, page_parts
from pipeline.brief.prose import is_prose
from pipeline.brief.topic import TARGET_CUE
from pipeline.claims.context import document_codes, keep_mention
from pipeline.claims.features import get_matchers
from pipeline.models import Hit
from pipeline.text import split_sentences

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_STOP = frozenset(
    "the and for that with this from are was were has have had its their they them which who whom "
    "been also into than then such these those other more most over can could would should may might "
    "will not but all any our out use used using how what when where does did done do why whose "
    "about against there here some many much very what's get gets got run runs ran conduct conducted "
    "conducts state states actor actors activity activities operation operations".split()
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "s")
_REPORTS = re.compile(
    r"[^.;:]{0,60}?\b(?:assess|believe|judge|attribut|report|warn|indict|charg|condemn|identif|observ|releas|"
    r"said|stat(?:e[sd]\b|ing\b|ement)|publish|sanction|recommend|urge|encourage|concern|disrupt|accus|denounc|allege|"
    r"claim|indicat|suggest|characteri[sz]|den(?:y|ie)|acknowledg)",
    re.IGNORECASE,
)
# A state named right before these words is the one attacked ("the Russian government views itself as
# the victim", "Georgia came under a denial of service attack").
_VICTIM = re.compile(
    r"[^.;:]{0,40}?\b(?:is|are|was|were|been|being|as)\s+(?:(?:the|a|also|one of the|among the)\s+)*victims?\b|"
    r"[^.;:]{0,30}?\b(?:came|come|comes|coming)\s+under\b|"
    r"(?:'s|’s)?\s+(?:[a-z]+\s+){0,3}(?:was|were|has been|have been|had been)\s+"
    r"(?:attacked|targeted|hacked|breached)\b",
    re.IGNORECASE,
)
# A state named right before these words is the one acting.
_DOER = re.compile(
    r"(?:'s|’s)?\s+(?:state[- ]sponsored\s+|state\s+|government\s+|military\s+|intelligence\s+)?"
    r"(?:hackers?|actors?|APTs?|operators?|intelligence|military|government|state[- ]sponsored|spies|services?|"
    r"cyber\s+(?:actors?|operations?|units?|espionage)|groups?|campaigns?|operations?|agents?|forces?)\b",
    re.IGNORECASE,
)
# Names, codes, numbers and dates: what makes a sentence say something specific.
_SPECIFIC = re.compile(
    r"\b(?:CVE-\d{4}-\d+|[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9-]*|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*|(?:19|20)\d\d|\d[\d,.]*\d)\b"
)
SPECIFIC_FULL = 4  # distinct specifics at which a sentence counts as fully specific


@lru_cache(maxsize=50_000)
def mentions_of(text: str) -> tuple[Any, ...]:
    """The extractor's state and group mentions in a sentence (cached: a briefing asks for the same
    sentences several times, and a warm process for the same reports again)."""
    return tuple(get_matchers().mentions(text))


def doer_follows(text: str, at: int) -> bool:
    """The words at `at` make the state named just before them the one acting ("'s hackers", " cyber actors")."""
    return bool(_DOER.match(text, at))


def specificity(text: str) -> float:
    """0..1: how many distinct names, codes, numbers and years the sentence holds (its first word aside)."""
    first = re.match(r"\W*\w+", text)
    found = {m.group(0) for m in _SPECIFIC.finditer(text, first.end() if first else 0)}
    return min(len(found), SPECIFIC_FULL) / SPECIFIC_FULL


# Weights of the relevance score (set on the rubric questions, checked leaving each question out in turn).
W_LEXICAL = 0.55  # the question's words the sentence holds, weighted by rarity among the candidates
W_RANK = 0.2  # the rank of its passage among the hits
W_DENSE = 0.15  # its passage's cosine to the question, scaled over the passages found
RANK_HALF = 8  # the hit rank at which the rank score halves
BONUS_WANTED = 0.15  # a claim by an asked actor on an asked capability
BONUS_ESTIMATIVE = 0.06  # ... in the source's estimative words
BONUS_ASSESSED = 0.06  # the source's own judgment ("we assess", "almost certainly"), whoever it is about
BONUS_CAPABILITY = 0.05  # a claim on an asked capability, whoever acts
BONUS_ACTING = 0.05  # an asked state (or a group the taxonomy ties to it) is the doer in the sentence
BONUS_TARGET = 0.04
BONUS_AI = 0.15  # = BONUS_WANTED: for a question about AI, the tie to AI is what is asked
BONUS_SPECIFIC = 0.3  # at full specificity: names, codes, numbers and dates say what happened
PENALTY_PAGE = 0.3  # at page 30 and later: reports state their findings first
PENALTY_DOCUMENT = 0.5  # for the 20th document and later, in the order the searches found them
PENALTY_QUESTION = 0.1
PENALTY_NOT_ACTING = 0.25
PENALTY_META = 0.15
# A document describing itself ("this section will examine", "will also be noted") says nothing that happened.
_META = re.compile(
    r"\b(?:this|the present|the following|the next|our) (?:paper|study|article|section|chapter|thesis|essay)\b|"
    r"\bwill (?:also )?be (?:noted|discussed|examined|described|analy[sz]ed|presented|explored|reviewed)\b|"
    r"\b(?:were|was|are|is) used to analy[sz]e\b|"
    r"\b(?:this|the) (?:advisory|report|alert|CSA|document|post|blog|bulletin) (?:uses|provides|describes|contains|"
    r"includes|outlines|details)\b|\b(?:for more information|to report (?:an )?(?:incident|intrusion|suspicious)|"
    r"(?:see|refer to) (?:the )?(?:appendix|table|figure|section))\b|^\W*(?:Section \d+|Note:)",
    re.IGNORECASE,
)
# What defenders should do ("Disable unused ports.", "CISA recommends organizations ..."): advice, not an act.
_ADVICE = re.compile(
    r"^\W*(?:Disable|Enable|Use|Apply|Require|Implement|Enforce|Update|Patch|Monitor|Review|Restrict|Limit|Block|"
    r"Ensure|Consider|Maintain|Configure|Install|Keep|Avoid|Remove|Audit|Segment|Change|Reset|Report|Contact|Verify|"
    r"Prioritize|Train|Educate|Deploy|Establish|Identify|Isolate|Back up|Micro-segment\w*|Enforcing|Implementing|"
    r"Adopt|Do not|Don’t|Don't|Properly|Regularly|Always|Never|Harden|Encrypt|Rotate|Upgrade|Follow|Leverage)\b|"
    r"\b(?:recommends?|urges?|encourages?)\s+(?:that\s+)?(?:all\s+)?(?:organizations|network defenders|users|"
    r"administrators|critical infrastructure|entities|owners|vendors)\b",
)
SPAN_PAGES = 30
SPAN_DOCUMENTS = 20


def stem(word: str) -> str:
    """A crude stem: enough to match 'campaigns' with 'campaign' and 'targeting' with 'targeted'."""
    w = word.lower().strip("'’-")
    for sfx in _SUFFIXES:
        if w.endswith(sfx) and len(w) - len(sfx) >= 4:
            return w[: -len(sfx)]
    return w


@lru_cache(maxsize=50_000)
def stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _WORD.findall(text) if len(w) >= 3 and w.lower() not in _STOP)


@dataclass
class Candidate:
    """A sentence of a retrieved passage, with the claims extracted from it."""

    doc_id: str
    page_no: int
    start: int
    end: int
    text: str
    hit_rank: int
    claims: list[dict[str, Any]] = field(default_factory=list)
    words: frozenset[str] = frozenset()
    score: float = 0.0
    actors: set[str] = field(default_factory=set)  # states acting in the sentence
    named: set[str] = field(default_factory=set)  # states it names, acting or not
    tail: tuple[int, int] | None = None  # where the sentence runs on at the top of the next page
    outside: bool = False  # on the page of a hit, outside the passage that matched
    against: bool = False  # in a report about acts against an asked state or on others' acts; no asked state acts here

    @property
    def key(self) -> tuple[Any, ...]:
        return (-self.score, self.hit_rank, self.doc_id, self.page_no, self.start)


def gather(
    hits: list[Hit],
    chunks: dict[int, dict[str, Any]],
    claims: list[dict[str, Any]],
    page_text: Any,
    whole_pages: int = 0,
) -> list[Candidate]:
    """The sentences of the hit passages (each once, at its best rank), claims attached. For the first
    `whole_pages` hits, every sentence of the pages the passage lies on: a report's detail often sits
    beside the passage that matched the question, on the same page."""
    found: dict[tuple[str, int, int], Candidate] = {}
    sentences: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for h in hits:
        c = chunks.get(h.chunk_id)
        if c is None:
            continue
        whole = h.rank <= whole_pages
        for page_no in range(h.page_start, h.page_end + 1):
            text = page_text(h.doc_id, page_no)
            lo = int(c["char_start"]) if page_no == h.page_start and not whole else 0
            hi = int(c["char_end"]) if page_no == h.page_end and not whole else len(text)
            spans = sentences.get((h.doc_id, page_no)) or sentences.setdefault(
                (h.doc_id, page_no), footnote_breaks(text, split_sentences(text))
            )
            for s, e in spans:
                if e <= lo or s >= hi or (s < lo and lo - s > (e - s) // 2):
                    continue
                key = (h.doc_id, page_no, s)
                inside = (
                    not whole
                    or not (page_no == h.page_start and e <= int(c["char_start"]))
                    and not (page_no == h.page_end and s >= int(c["char_end"]))
                )
                if key in found and inside and found[key].outside:
                    del found[key]  # a later hit's own passage: there it is inside
                if key not in found:
                    found[key] = Candidate(h.doc_id, page_no, s, e, text[s:e], h.rank, outside=not inside)
                    if (s, e) == spans[-1]:
                        _run_on(found[key], page_text(h.doc_id, page_no + 1))
    by_page: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for cand in found.values():
        by_page[(cand.doc_id, cand.page_no)].append(cand)
    for row in claims:
        for cand in by_page.get((row["doc_id"], int(row["page_no"])), []):
            if cand.start <= int(row["char_start"]) < cand.end:
                cand.claims.append(row)
                break
    return sorted(found.values(), key=lambda c: (c.hit_rank, c.doc_id, c.page_no, c.start))


# A sentence's end hidden by the footnote link that follows it ("...government.[9 <https://…>] More
# recently, ..."): the splitter sees no space after the period, so two sentences come as one.
_FOOTNOTE_END = re.compile(r"(?<=[.!?])([\"”’)]?)\[[^\[\]<>]{0,24}<(?:https?://|/)[^<>]*>\]\s+(?=[\"“(]?[A-Z])")


def footnote_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentence spans, each also split where a footnote link closes a sentence (the link left out)."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        at = s
        for m in _FOOTNOTE_END.finditer(text, s, e):
            out.append((at, m.start() + len(m.group(1))))  # the sentence, without its footnote
            at = m.end()
        out.append((at, e))
    return out


_CONTINUES = re.compile(r"[a-z(]|[^\s<>]*>")  # a page that opens mid-sentence (or mid link target)


def _run_on(cand: Candidate, next_page: str) -> None:
    """A page's last sentence cut off at the page's end and finished at the top of the next page: the
    candidate becomes the whole sentence, each page's run verified on its own page."""
    if not next_page or is_prose(cand.text) or cand.text.rstrip()[-1:] in ".!?":
        return
    first = split_sentences(next_page)[:1]
    if not first or not _CONTINUES.match(next_page, first[0][0]):
        return
    start, end = first[0]
    head, tail = page_parts(cand.text, next_page[start:end])
    joined = join_parts(head, tail)
    if is_prose(joined):
        cand.text, cand.tail = joined, (start, end)


def reporting(row: dict[str, Any]) -> bool:
    """The claim's state reports or assesses ("FBI and CISA assess...") or is acted on, rather than acting."""
    mention = row.get("actor_mention") or ""
    at = row["sentence"].find(mention) if mention else -1
    if at < 0:
        return False
    acted_on = TARGET_CUE.search(row["sentence"][:at])  # "target U.S. and allied networks": a victim
    acted_on = acted_on or _VICTIM.match(row["sentence"], at + len(mention))  # "Russia ... saw itself as the victim"
    own_target = mention.lower() in str(row.get("target") or "").lower()  # "against Iran's centrifuges"
    return bool(acted_on or own_target or _REPORTS.match(row["sentence"], at + len(mention)))


def acting_states(cand: Candidate, targets: tuple[str, ...]) -> set[str]:
    """States acting in the sentence: its claims' actors, else states named as the doer ("Chinese hackers").
    Sets cand.named to the states the sentence names in any role."""
    actors = {r["actor"] for r in cand.claims if r["actor"] and not reporting(r)}
    if actors or any(r["actor"] for r in cand.claims):
        cand.named = {r["actor"] for r in cand.claims if r["actor"]}
        return actors
    matchers = get_matchers()
    mentions = mentions_of(cand.text)
    codes = document_codes(mentions, matchers.tax.ambiguous)
    wanted_targets = {t.lower() for t in targets}
    kept = [m for m in mentions if keep_mention(m, matchers.tax, codes, sentence=cand.text)]
    cand.named = {m.alias.code for m in kept}
    return {
        m.alias.code
        for m in kept
        if (_DOER.match(cand.text, m.end) or m.alias.kind == "group")  # a named group is an actor by nature
        and not TARGET_CUE.search(cand.text[: m.start])  # "targeting Indian military institutions": a victim
        and not _VICTIM.match(cand.text, m.end)
        and cand.text[m.start : m.end].lower() not in wanted_targets
    }


def named_actor(sentence: str, wanted: tuple[str, ...] | None) -> tuple[str, str] | None:
    """A requested state (None: any state named as the doer) the sentence names as doing something (not
    acted on, not reporting), with its words.

    For claims the extractor left unattributed because the sentence names several states ("state media
    in China and Russia now use..."): a question about one of them still gets the judgment.
    """
    if wanted is not None and not wanted:
        return None
    matchers = get_matchers()
    mentions = mentions_of(sentence)
    codes = document_codes(mentions, matchers.tax.ambiguous)
    for m in mentions:
        if (wanted is not None and m.alias.code not in wanted) or not keep_mention(
            m, matchers.tax, codes, sentence=sentence
        ):
            continue
        if TARGET_CUE.search(sentence[: m.start]) or _REPORTS.match(sentence, m.end):
            continue
        if wanted is None and not _DOER.match(sentence, m.end):
            continue  # any state: only one named as the doer ("Syrian government hackers"), not "UAE-based"
        return m.alias.code, sentence[m.start : m.end]
    return None


def score(
    cands: list[Candidate],
    q: Question,
    chunk_similarity: dict[int, float] | None = None,
    chunk_of_rank: dict[int, int] | None = None,
    doc_rank: dict[str, int] | None = None,
) -> None:
    """Relevance of each candidate to the question, in place.

    What it says (the question's words, specifics, a claim by an asked actor on an asked
    capability), where it sits (the rank of its passage and that passage's cosine to the question,
    how early in its report, how early its report came in the searches).
    """
    terms = stems(q.text)
    n = len(cands) or 1
    for c in cands:
        c.words = stems(c.text)
        c.actors = acting_states(c, q.targets)
    df: dict[str, int] = defaultdict(int)
    for c in cands:
        for t in terms & c.words:
            df[t] += 1
    idf = {t: math.log((n + 1) / (df.get(t, 0) + 0.5)) for t in terms}
    total = sum(idf.values()) or 1.0
    target_words = [t.lower() for t in q.targets]
    sims = chunk_similarity or {}
    of_rank = chunk_of_rank or {}
    docs = doc_rank or {}
    lo, hi = (min(sims.values()), max(sims.values())) if sims else (0.0, 0.0)
    matchers = get_matchers()
    for c in cands:
        lexical = sum(idf[t] for t in terms & c.words) / total
        rank = 1.0 / (1.0 + (c.hit_rank - 1) / RANK_HALF)
        sim = sims.get(of_rank.get(c.hit_rank, -1))
        dense = (sim - lo) / (hi - lo) if sim is not None and hi > lo else rank
        dense = 0.0 if c.outside else dense  # beside the passage that matched: not what the question's embedding found
        bonus = 0.0
        for r in c.claims:
            actor_ok = q.all_actors or r["actor"] in q.actors
            cap_ok = not q.capabilities or r["capability"] in q.capabilities
            if actor_ok and cap_ok and r["actor"] and not reporting(r):
                bonus = max(bonus, BONUS_WANTED + (BONUS_ESTIMATIVE if r["likelihood"] else 0.0))
            elif q.capabilities and r["capability"] in q.capabilities:
                bonus = max(bonus, BONUS_CAPABILITY)
        if c.actors & set(q.actors):
            bonus = max(bonus, BONUS_ACTING)  # an asked state or its named group acts, claim or no claim
        if assessed(c.text):
            bonus += BONUS_ASSESSED  # what the authors conclude, not only what they saw
        if q.ai and (any(r["ai_enabled"] for r in c.claims) or matchers.ai_enabled(c.text)):
            bonus += BONUS_AI  # the question asks about AI, the sentence ties the activity to it
        if is_meta(c.text) or is_advice(c.text):
            bonus -= PENALTY_META  # the document speaking of itself or advising defenders, not what happened
        if acted_on(c, q) and not _HEDGE.search(c.text):  # "its involvement never proven": still about its acts
            bonus -= PENALTY_NOT_ACTING  # the asked state is only reporting or acted on ("Iran's centrifuges")
        if c.text.rstrip().endswith("?"):
            bonus -= PENALTY_QUESTION  # a rhetorical question answers nothing
        lower = c.text.lower()
        if target_words and any(t in lower for t in target_words):
            bonus += BONUS_TARGET
        where = PENALTY_PAGE * min(c.page_no, SPAN_PAGES) / SPAN_PAGES
        where += PENALTY_DOCUMENT * min(docs.get(c.doc_id, SPAN_DOCUMENTS), SPAN_DOCUMENTS) / SPAN_DOCUMENTS
        near = W_LEXICAL * lexical + W_RANK * rank + W_DENSE * dense
        c.score = near + bonus + BONUS_SPECIFIC * specificity(c.text) - where


# The authors concluding: "we assess/believe/judge…", "…, we suspect".
_WE_JUDGE = re.compile(
    r"\b(?:we|I)\s+(?:also\s+|now\s+|still\s+|further\s+)?(?:assess|believe|judge|suspect|conclude|estimate)\b",
    re.IGNORECASE,
)


# The source weighing what is known: "never been proven", "allegedly", "no evidence", "could not confirm".
_HEDGE = re.compile(
    r"\b(?:(?:never|not)\s+(?:been\s+)?proven|without\s+proven|unproven|alleged(?:ly)?|reportedly|"
    r"no (?:clear |direct |conclusive )?evidence|(?:cannot|could not|unable to) (?:be )?(?:confirm|verif|attribut)\w*|"
    r"has not been (?:confirmed|attributed)|unconfirmed|unsubstantiated)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=50_000)
def assessed(text: str) -> bool:
    """The sentence states the source's own judgment: its authors assess, it uses estimative words, or it
    weighs the evidence ("never been proven", "allegedly")."""
    if _WE_JUDGE.search(text) or _HEDGE.search(text):
        return True
    matchers = get_matchers()
    return bool(matchers.likelihood_terms(text) or matchers.confidence_terms(text))


def is_meta(text: str) -> bool:
    """The document speaking of itself ("this section will examine", "for more information")."""
    return bool(_META.search(text))


def is_advice(text: str) -> bool:
    """Advice to defenders ("Disable unused ports.", "CISA recommends organizations ...")."""
    return bool(_ADVICE.search(text))


def acted_on(c: Candidate, q: Question) -> bool:
    """The sentence names an asked state, but only reporting or acted on (needs `score` to have run)."""
    return bool(q.actors) and bool(c.named & set(q.actors)) and not (c.actors & set(q.actors))


def off_topic(c: Candidate, q: Question) -> bool:
    """The sentence is about states the question does not name (and none it names): states acting in it,
    or the actors of its claims (an assessment about another state is still about that state); or it
    sits in a report about acts against an asked state, or about other states' acts, and an asked state
    does not act in it."""
    if c.against:
        return True  # an asked state as the one acted on, in a report about acts against it
    named = c.actors | {r["actor"] for r in c.claims if r["actor"]}
    others = named - set(q.target_states)
    return not q.all_actors and bool(others) and not (named & set(q.actors))
