"""The fast first pass: sentence splitting and regex features of a sentence, no spaCy."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, overload

from pipeline.claims.taxonomy import (
    LIKELIHOOD_LEVELS,
    Alias,
    Taxonomy,
    compile_patterns,
    first_letters,
    load_taxonomy,
)

_URL = re.compile(r"<?\b(?:https?://|www\.)[^\s>]+>?")
_LINE_HYPHEN = re.compile(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])")
_TITLE_FUNCTION = {
    "from",
    "with",
    "into",
    "onto",
    "upon",
    "over",
    "under",
    "than",
    "that",
    "this",
    "their",
    "about",
    "after",
    "before",
    "between",
    "through",
    "against",
    "within",
    "without",
}
_SENT_END = re.compile(r"[.!?:;\"”’)\]]\d{0,3}\s*$")


def _title_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][\w’'-]*", text)
    return [w for w in words if len(w) > 3 and w.lower() not in _TITLE_FUNCTION]


def _title_case(text: str) -> bool:
    words = _title_words(text)
    return bool(words) and all(w[0].isupper() for w in words)


# A reference-list entry or a pointer to another text asserts nothing itself.
_CITATION = re.compile(
    r"^\s*(?:\d{1,3}\s+)?(?:[Ff]or (?:more|additional|further) (?:information|details|guidance)|"
    r"[Rr]efer to|[Aa]vailable (?:at|from)|[Rr]etrieved (?:from|on)|[Aa]ccessed (?:on|at)|[Ii]bid)\b"
    # "For more on Chinese espionage, see ...": a pointer whatever its topic
    r"|^\s*(?:\d{1,3}\s+|[Nn]ote:\s*)?[Ff]or (?:more(?!\s+than)|additional|further|details|information)\b"
    r"[^.;:]{0,120}?,\s*"
    r"(?:see|refer to|visit|read|consult)\b"
    r"|^\s*(?:\d{1,3}\s+)?(?:[Ss]ee(?: also)?)\s+(?:[A-Z“\"]|the\s+(?:\w+\s+){0,4}?"
    r"(?:report|advisory|guide|section|appendix|table|figure|page|webpage|website|article)s?\b)"
    # a numbered reference-list entry ("[10] PwC: Tracking ...", "References\n[1] ...")
    r"|^\s*(?:References?\s*\n\s*)?\[\d{1,3}\]\s*[A-Z]"
    r"|^\s*(?:\d{1,3}\s+)?[A-Z][\w'’-]+,\s+(?:[A-Z][a-z'’-]+\s+)?(?:[A-Z]\.\s*)+,"
    # a footnote: its number, maybe authors, a quoted title, then the source ("14 Jane Doe, “Title,”
    # Outlet, May 2, 2010.")
    r"|^\s*\d{1,3}\s+(?:(?:[A-Z][\w.'’-]*,?\s+|and\s+|&\s+){1,10}?[A-Z][\w.'’-]*,\s+)?[“\"][^”\"]{4,}[”\"]\s*[A-Z][^.]*\b(?:1[89]|20)\d\d\b"
    r"|\b(?:[Rr]etrieved from|[Aa]ccessed (?:on )?\w+ \d{1,2}, \d{4}|[Ii]bid)\b",
    re.DOTALL,
)


# a link's title: "[4] CISA Tip: Securing Network Infrastructure Devices <https://...>", "FBI's
# Update on Sony Investigation (Dec. 19, 2014) https://..."
_LINK = re.compile(r"<?\bhttps?://")
_ENTRY_NUMBER = re.compile(r"^\s*(?:\[\d{1,3}\]\s*|\d{1,3}\s+)?")
_TRAILING_DATE = re.compile(r"\s*\([^()]{3,40}\)\s*$")
_PROSE_STOP = re.compile(r"[a-z]{2}[.!?]\s")  # "... Energy Firms. See https://..." (not "U.S. Elections")


def _linked_title(sentence: str) -> bool:
    """The text before the sentence's first link is a Title Case title: a resource-list entry
    (in a sentence the words before a link are prose: "Kimsuky uses ... [TA0005 <https://...>]")."""
    link = _LINK.search(sentence)
    if link is None:
        return False
    title = _TRAILING_DATE.sub("", _ENTRY_NUMBER.sub("", sentence[: link.start()], count=1)).strip()
    if not title or title[-1] in ".!?;" or _PROSE_STOP.search(title):
        return False
    return len(_title_words(title)) >= 2 and _title_case(title)


@lru_cache(maxsize=4096)  # asked of one sentence by the regex pass, its signals, its heads and each mention
def is_citation(sentence: str) -> bool:
    """A reference entry ("Melvin, Ellis L., A Study of ..., 2005."), a linked title or a pointer
    ("See ...")."""
    return bool(_CITATION.search(sentence)) or _linked_title(sentence)


@lru_cache(maxsize=4096)
def heading_end(sentence: str) -> int:
    """Length of the title or running header a sentence starts with (the whole sentence if it is a
    heading: short, Title Case, no closing punctuation, or a citation); 0 if it starts with prose."""
    if is_citation(sentence):
        return len(sentence)
    body = re.sub(r"^[\W\d]*(?:\d+\.)*\s*", "", sentence.strip())
    if (
        not _SENT_END.search(sentence)
        and len(body.split()) <= 20
        and len(_title_words(body)) >= 2
        and _title_case(body)
    ):
        return len(sentence)
    # a running header glued to a sentence that goes on from the previous page
    lines = sentence.split("\n")
    pos = words = 0
    for i, line in enumerate(lines[:-1]):
        if not _title_case(line) or _SENT_END.search(line):
            break
        words += len(_title_words(line))
        pos += len(line) + 1
        if lines[i + 1].lstrip()[:1].islower() and words >= 5:
            return pos
    return 0


@dataclass
class Mention:
    """An actor alias found in a sentence; offsets are relative to the sentence."""

    start: int
    end: int
    alias: Alias

    @property
    def text(self) -> str:
        return self.alias.text


# "Vietnam's Ministry of Public Security", "the Laotian Ministry of Public Security": a state's
# possessive or demonym right before an organ's name says whose organ it is
_OWNER_GAP = re.compile(r"(?:['’]s)?\s+(?:own\s+)?")


def _owned_organs(sentence: str, found: list[Mention]) -> list[Mention]:
    """Organ mentions recoded to the state named right before them, where it differs: several
    states name an organ alike ("Ministry of Public Security", "Ministry of State Security"), and
    the gazetteer gives the name to one of them."""
    out = list(found)
    for i in range(1, len(out)):
        m, owner = out[i], out[i - 1]
        if m.alias.kind != "organ" or owner.alias.kind not in ("state", "demonym") or owner.alias.code == m.alias.code:
            continue
        if _OWNER_GAP.fullmatch(sentence, owner.end, m.start) is None:
            continue
        out[i] = Mention(m.start, m.end, Alias(m.alias.text, owner.alias.code, "organ"))
    return out


@dataclass
class Features:
    """What the regex pass found in one sentence."""

    capabilities: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    ai_enabled: bool = False
    likelihood: str | None = None
    likelihood_terms: list[tuple[str, str]] = field(default_factory=list)
    confidence: str | None = None
    confidence_terms: list[tuple[str, str]] = field(default_factory=list)
    stance: str = "fact"
    advice: bool = False
    # spans of purchase triggers among `capabilities`: a buyer's purchase, not an act the buyer
    # commits (GUIDE: a buyer that only buys is `other`), so no trigger for the role rules
    bought: list[tuple[int, int]] = field(default_factory=list)


_ADVICE = re.compile(
    r"^[\W\d]*(?:block|monitor|filter|implement|ensure|consider|use|enable|disable|restrict|review|"
    r"update|patch|apply|configure|deploy|audit|limit|require|maintain|establish|segment|disallow|"
    r"prohibit|prevent|avoid|keep|set|remove|isolate|investigate|educate|train|report|contact|look|"
    r"hunt|check|verify|validate|inspect|log|alert|detect|scan|enforce|follow|adopt|install|change|"
    r"reset|rotate|harden|back up|do not|don[’']t|create|develop|track|watch|secure|protect|"
    r"upgrade|replace|turn off|reduce|mitigate|minimize|delete|store|limit|whitelist|allowlist|"
    r"denylist|blacklist)\b|\b(?:should|are encouraged to|is encouraged to|are advised to|we recommend|"
    r"recommends?|it is (?:advisable|recommended)|best practices?|mitigations?|your|you)\b",
    re.IGNORECASE,
)


# A group name glued into a detection, file or site name ("Trojan.Turla", "HEUR:Backdoor.Win32.Turla",
# "apt28.dll", "DHS.gov") names a piece of malware or a file, not the group: rule 4 of GUIDE.md.
_NOT_IN_NAME = r"(?<!\w[.:])"
_NOT_FILE = r"(?!\.[A-Za-z]\w)"


def _names_alternation(texts: list[str], lookbehinds: tuple[str, ...], tail: Any = None) -> str:
    """A regex for the literal names `texts` (tried in their order) behind the negative
    lookbehinds `lookbehinds`, grouped by first character: the same matches as
    `(?<!lb)...(?:t1|t2|...)`, but the regex engine skips to the positions holding one of the
    names' first characters, and at each it tries only the names starting there (in their order).
    `tail(text)`: a suffix of one name's alternative."""
    groups: dict[str, list[str]] = {}
    for t in filter(None, texts):  # an empty name in a lexicon names nothing
        groups.setdefault(t[0], []).append(re.escape(t[1:]) + (tail(t) if tail else ""))
    parts = []
    for first, rests in groups.items():
        c = re.escape(first)
        # the lookbehinds, checked after the first character: `[\w-]c` behind c+1 is `[\w-]` behind c
        behind = "".join(f"(?<!{lb}{c})" for lb in lookbehinds)
        parts.append(f"{c}{behind}(?:{'|'.join(rests)})")
    return "|".join(parts)


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@overload
def _word_starts_only(pattern: re.Pattern[str]) -> re.Pattern[str]: ...
@overload
def _word_starts_only(pattern: re.Pattern[str] | None) -> re.Pattern[str] | None: ...
def _word_starts_only(pattern: re.Pattern[str] | None) -> re.Pattern[str] | None:
    r"""`\b(?:...)` whose every match starts with a word character can only match where a word
    starts: `\b(?=\w)(?:...)` finds the same matches without trying each word's end."""
    if pattern is None or not pattern.pattern.startswith("\\b"):
        return pattern
    try:
        letters, empty = first_letters(importlib.import_module("re._parser").parse(pattern.pattern, pattern.flags).data)
    except Exception:  # a Python whose regex internals differ: keep the pattern as it is
        return pattern
    # every match starts with an ASCII word character or one of its case variants
    ok = letters is not None and letters <= _WORD_CHARS and not empty
    return re.compile("\\b(?=\\w)" + pattern.pattern[2:], pattern.flags) if ok else pattern


def _within(m: Mention, span: tuple[int, int]) -> bool:
    """The mention lies inside a longer span."""
    return span[0] <= m.start and m.end <= span[1] and span != (m.start, m.end)


class Matchers:
    """Compiled regexes of a Taxonomy, built once."""

    def __init__(self, tax: Taxonomy) -> None:
        self.tax = tax
        aliases = sorted(tax.aliases, key=lambda a: -len(a.text))
        self.alias_by_text = {a.text: a for a in aliases}
        # a name of several words does not end inside a hyphenated word: in "Chinese state-sponsored
        # actors" the mention is "Chinese", not "Chinese state"
        body = _names_alternation(
            [a.text for a in aliases], (r"[\w-]", r"\w[.:]"), lambda t: r"(?!-\w)" if " " in t else ""
        )
        # (?<![\w-])(?<!\w[.:])(?:alias|...)(?!\w), the lookbehinds inside the groups
        self.alias_re = re.compile(rf"(?:{body})(?!\w){_NOT_FILE}")
        vendors = _names_alternation(sorted(tax.vendors, key=lambda v: -len(v)), (r"[\w-]",))
        self.vendor_re = re.compile(rf"(?:{vendors})(?!\w)") if vendors else None
        places = _names_alternation(sorted(tax.places, key=lambda p: -len(p)), (r"[\w-]",))
        self.place_re = re.compile(rf"(?:{places})(?!\w)") if places else None
        self.alias_lower = {a.text.lower(): a for a in aliases}
        # the lower-case names of states and peoples, for NER entities the gazetteer missed
        self.state_keys = frozenset(k for k, a in self.alias_lower.items() if a.kind in ("state", "demonym"))
        self.families = [
            (re.compile(rf"(?<![\w-]){_NOT_IN_NAME}(?:{pat})(?![\w-]){_NOT_FILE}"), code) for pat, code in tax.families
        ]
        self.caps = {}
        for code, r in tax.capabilities.items():
            self.caps[code] = (
                _word_starts_only(compile_patterns(r.triggers)),
                _word_starts_only(compile_patterns(r.weak)),
                _word_starts_only(compile_patterns(r.requires)),
                _word_starts_only(compile_patterns(r.deny)),
                [re.compile(p.replace("{W}", ""), re.I) for p in r.advice_deny],
                _word_starts_only(compile_patterns(r.contextual)),
                _word_starts_only(compile_patterns(r.context)),
                _word_starts_only(compile_patterns(r.victims)),
                r.via,
                _word_starts_only(compile_patterns(r.purchases)),
            )
        # goods an export trigger sells: with it they name the merchandise, not the buyer's act,
        # unless the sentence says the buyer put them to use
        self.products = {
            code: (pattern, _word_starts_only(compile_patterns(r.put_to_use)))
            for code, r in tax.capabilities.items()
            if (pattern := compile_patterns(r.products)) is not None
        }
        self.victim_in = {
            code: re.compile(
                rf"(?:{'|'.join(r.victims)})(?:\s+(?:who\s+(?:lives?|resides?)|living|based|residing))?\s+in\s+(?:the\s+)?$",
                re.I,
            )
            for code, r in tax.capabilities.items()
            if r.victims
        }
        self.ai_cs = re.compile("|".join(tax.ai.get("case_sensitive", [])))
        self.ai_ci = _word_starts_only(compile_patterns(tax.ai.get("patterns", [])))
        self.ai_deny = _word_starts_only(compile_patterns(tax.ai.get("deny", [])))
        lik = [(lvl, p) for lvl in LIKELIHOOD_LEVELS for p in tax.likelihood.get(lvl, [])]
        lik.sort(key=lambda lp: -len(lp[1]))
        self.lik_level = {f"l{i}": lvl for i, (lvl, _) in enumerate(lik)}
        self.lik_re = _word_starts_only(
            re.compile(r"\b(?:" + "|".join(f"(?P<l{i}>{p})" for i, (_, p) in enumerate(lik)) + r")\b", re.I)
        )
        self.lik_deny = compile_patterns(tax.likelihood_deny, bounded=False)
        self.conf = {lvl: _word_starts_only(compile_patterns(ps)) for lvl, ps in tax.confidence.items()}
        self.stance = {k: compile_patterns(ps, bounded=False) for k, ps in tax.stance.items()}

    def mentions(self, sentence: str) -> list[Mention]:
        """Gazetteer actor mentions in a sentence, then unlisted groups named by vendor convention."""
        found = [Mention(m.start(), m.end(), self.alias_by_text[m.group(0)]) for m in self.alias_re.finditer(sentence)]
        if self.place_re is not None and found:
            places = [m.span() for m in self.place_re.finditer(sentence)]
            # a state's name inside a place's ("Latin America") names the place; the state's own
            # longer name ("Papua New Guinea" over "New Guinea") still counts
            found = [f for f in found if not any(_within(f, span) for span in places)]
        for pattern, code in self.families:
            for m in pattern.finditer(sentence):
                if not any(f.start < m.end() and m.start() < f.end for f in found):
                    found.append(Mention(m.start(), m.end(), Alias(m.group(0), code, "group", m.group(0))))
        found.sort(key=lambda f: f.start)
        return _owned_organs(sentence, found)

    @cached_property
    def _anycase(self) -> list[tuple[re.Pattern[str], dict[str, str]]]:
        """The alias, vendor and place regexes matching whatever the case, with the spellings."""
        out = []
        for pattern, texts in (
            (self.alias_re, [a.text for a in self.tax.aliases]),
            (self.vendor_re, list(self.tax.vendors)),
            (self.place_re, list(self.tax.places)),
        ):
            if pattern is not None:
                spelling: dict[str, str] = {}
                # "Venomous Bear" over "VENOMOUS BEAR": the fewest capitals, but some
                for t in sorted(texts, key=lambda t: (t.islower(), sum(c.isupper() for c in t), t)):
                    spelling.setdefault(t.casefold(), t)
                out.append((re.compile(pattern.pattern, re.IGNORECASE), spelling))
        return out

    def names_anycase(self, sentence: str) -> list[tuple[int, int, str]]:
        """(start, end, spelling) of the names the taxonomy knows in a sentence, whatever their
        case ("RUSSIAN", "Kremlin-Backed"), and of the named groups it spells as written."""
        out = []
        for pattern, spelling in self._anycase:
            for m in pattern.finditer(sentence):
                text = spelling.get(m.group(0).casefold())
                if text is not None:
                    out.append((m.start(), m.end(), text))
        for pattern, _ in self.families:
            out.extend((m.start(), m.end(), m.group(0)) for m in pattern.finditer(sentence))
        return out

    def vendor_mentions(self, sentence: str) -> list[Mention]:
        """Private vendors named in a sentence (role `vendor`, no state: `alias.code` is empty)."""
        if self.vendor_re is None:
            return []
        return [Mention(m.start(), m.end(), Alias(m.group(0), "", "vendor")) for m in self.vendor_re.finditer(sentence)]

    def capabilities(
        self, sentence: str, advice: bool, mentions: list[Mention] | None = None
    ) -> dict[str, list[tuple[int, int]]]:
        """Capability code -> trigger spans, after deny, requires, context and advice rules."""
        return self._capabilities(sentence, advice, mentions)[0]

    def _capabilities(
        self, sentence: str, advice: bool, mentions: list[Mention] | None = None
    ) -> tuple[dict[str, list[tuple[int, int]]], list[tuple[int, int]]]:
        """`capabilities`, and the spans among them that a purchase triggered."""
        strong: dict[str, list[tuple[int, int]]] = {}
        weak: dict[str, list[tuple[int, int]]] = {}
        pending: list[tuple[str, list[tuple[int, int]], Any, Any, tuple[str, ...]]] = []
        bought: dict[str, list[tuple[int, int]]] = {}  # the purchases among `strong`
        for code, (trig, weak_re, req, deny, advice_deny, ctx_trig, ctx, victims, via, buys) in self.caps.items():
            if req is not None and not req.search(sentence):
                continue
            denied: list[tuple[int, int]] | None = None  # looked for once a trigger is found
            found: dict[str, list[tuple[int, int]]] = {}
            for pattern, bucket in ((trig, strong), (weak_re, weak), (ctx_trig, found), (buys, bought)):
                if pattern is None:
                    continue
                for m in pattern.finditer(sentence):
                    s, e = m.span()
                    if denied is None:
                        denied = [d.span() for d in deny.finditer(sentence)] if deny is not None else []
                    if any(ds < e and s < de for ds, de in denied):
                        continue
                    if advice and any(a.match(m.group(0)) for a in advice_deny):
                        continue
                    bucket.setdefault(code, []).append((s, e))
            if code in bought:
                strong.setdefault(code, []).extend(bought[code])
            if victims is not None:
                pending.append((code, found.get(code, []), ctx, victims, via))
            elif (
                found
                and ctx is not None
                and (
                    any(m.alias.kind == "group" for m in mentions or []) or self._in_context(ctx, sentence, found[code])
                )
            ):
                weak.setdefault(code, []).extend(found[code])
        for code, acts, ctx, victims, via in pending:
            # acts against victims beyond the state's borders (transnational repression)
            if not (acts or any(v in strong for v in via)):
                continue
            hits = [m.span() for m in victims.finditer(sentence)]
            if not hits:
                continue
            if (ctx is not None and ctx.search(sentence)) or self._foreign_victim(code, sentence, mentions or []):
                strong.setdefault(code, []).extend(acts or hits)
        for code, (products, put_to_use) in self.products.items():
            # a sale or purchase names the goods; the buyer's use of them ("..., which used it against
            # activists") leaves their words standing
            if code in strong and not (put_to_use is not None and put_to_use.search(sentence)):
                goods = [m.span() for m in products.finditer(sentence)]
                for other in [c for c in strong if c != code]:
                    kept = [(s, e) for s, e in strong[other] if not any(gs <= s and e <= ge for gs, ge in goods)]
                    if kept:
                        strong[other] = kept
                    else:
                        del strong[other]
        purchases = [span for spans in bought.values() for span in spans]
        return (strong, purchases) if strong else (weak, [])

    @staticmethod
    def _in_context(ctx: Any, sentence: str, spans: list[tuple[int, int]]) -> bool:
        """A context word besides the contextual triggers themselves ("malware" + "infected")."""
        return any(
            not any(s < ce and cs < e for s, e in spans) for cs, ce in (m.span() for m in ctx.finditer(sentence))
        )

    def _foreign_victim(self, code: str, sentence: str, mentions: list[Mention]) -> bool:
        """A victim "in"/"living in" a state other than another state the sentence names."""
        pattern = self.victim_in.get(code)
        if pattern is None:
            return False
        codes = {m.alias.code for m in mentions}
        return len(codes) > 1 and any(pattern.search(sentence[: m.start]) for m in mentions)

    def ai_enabled(self, sentence: str) -> bool:
        """True where the sentence ties the activity to AI, including OCR-noisy "Al-driven"."""
        if self.ai_cs.search(sentence):
            return True
        if self.ai_ci is None:
            return False
        hits = [m.start() for m in self.ai_ci.finditer(sentence)]
        if not hits:
            return False
        denied = [m.span() for m in self.ai_deny.finditer(sentence)] if self.ai_deny else []
        return any(not any(ds <= h < de for ds, de in denied) for h in hits)

    def likelihood_terms(self, sentence: str) -> list[tuple[str, str]]:
        """(level, term as written) for each estimative term, longest match first."""
        if self.lik_deny is not None and self.lik_deny.search(sentence):
            sentence = self.lik_deny.sub(lambda m: " " * len(m.group(0)), sentence)
        out = []
        for m in self.lik_re.finditer(sentence):
            group = next(k for k, v in m.groupdict().items() if v is not None)
            out.append((self.lik_level[group], m.group(0)))
        return out

    def confidence_terms(self, sentence: str) -> list[tuple[str, str]]:
        """(level, term) for each stated analytic confidence."""
        return [
            (lvl, m.group(0))
            for lvl, pattern in self.conf.items()
            if pattern is not None
            for m in pattern.finditer(sentence)
        ]

    def features(self, sentence: str, *, full: bool = True) -> Features:
        """Regex features of one sentence; with full=False stop when no capability fires."""
        # patterns use plain spaces; line breaks inside a sentence must not defeat them
        cut = heading_end(sentence)
        # a word hyphenated across a line break ("al-\nmost certain") for the offset-free terms
        joined = _LINE_HYPHEN.sub("", sentence[cut:]).replace("\n", " ").replace("\t", " ")
        sentence = " " * cut + sentence[cut:].replace("\n", " ").replace("\t", " ")
        # words inside URLs ("babyshark-malware-continues-to-target") assert nothing
        sentence = _URL.sub(lambda m: " " * len(m.group(0)), sentence)
        f = Features()
        f.advice = bool(_ADVICE.search(sentence))
        f.mentions = self.mentions(sentence)
        # a recommendation may still report what an actor does; only defensive verbs drop out
        f.capabilities, f.bought = self._capabilities(sentence, f.advice, f.mentions)
        if not full and not f.capabilities:
            return f
        f.ai_enabled = self.ai_enabled(joined)
        f.likelihood_terms = self.likelihood_terms(joined)
        f.likelihood = f.likelihood_terms[0][0] if f.likelihood_terms else None
        f.confidence_terms = self.confidence_terms(sentence)
        f.confidence = f.confidence_terms[0][0] if f.confidence_terms else None
        assess = self.stance.get("assessment")
        reported = self.stance.get("reported")
        if assess is not None and assess.search(sentence):
            f.stance = "assessment"
        elif reported is not None and reported.search(sentence):
            f.stance = "reported"
        elif f.likelihood or f.confidence:
            f.stance = "assessment"
        return f


@lru_cache(maxsize=1)
def get_matchers() -> Matchers:
    """The compiled matchers of the packaged taxonomy."""
    return Matchers(load_taxonomy())
