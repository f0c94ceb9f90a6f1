"""What the learned heads see: rule signals of a sentence and the parse context of a mention.

The regex pass (features.py) and the dependency rules (roles.py, context.py) no longer decide;
they become features. A sentence is described by named signals (capability triggers, advice,
heading, estimative and stance cues) and its words; a candidate mention by its alias kind, the
rule's reading of its role, and its dependency context.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipeline.claims.context import is_attributed_to, is_reporter
from pipeline.claims.features import Features, Mention, get_matchers, heading_end, is_citation
from pipeline.claims.frames import frame_features
from pipeline.claims.lexicon import ACT, AGENT_NOUNS, NOT, VICTIM_VERBS
from pipeline.claims.nlp import with_entities
from pipeline.claims.roles import CONTENT_NOUNS, ambiguous_attack, is_criminal, mention_role, tokens_in
from pipeline.claims.taxonomy import Alias
from pipeline.claims.vocab import CAPABILITIES

ROLES = ("actor", "target", "victim", "reporter", "location", "vendor", "other")
STANCES = ("fact", "assessment", "reported", "negated", "hypothetical", "none")
_NER_STATE_LABELS = {"GPE", "NORP"}
_NOT_STATE_LABELS = {"PERSON", "WORK_OF_ART", "LAW", "PRODUCT"}
_THE = re.compile(r"^the\s+", re.I)
_KEY_SLACK = 12
_WORD = re.compile(r"[a-z][a-z’'-]*[a-z]|[a-z]")
_NEGATION = re.compile(
    r"\b(?:no (?:evidence|indication|sign)|not|never|den(?:y|ies|ied)|without|neither|nor|"
    r"rul(?:e|ed) out|refut\w*|reject\w*|false(?:ly)?)\b|n[’']t\b",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:could|may|might|would|if|possibl[ey]|potential(?:ly)?|can|whether|unless|scenario|"
    r"in the event|seek to|aim to|intend\w*|plan\w* to|capable of|capability to)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.I)
_BULLET = re.compile(r"^\s*(?:[•▪●◦\-–*]|\d{1,2}[.)]|[a-z][.)])\s")
_URLISH = re.compile(r"https?://|www\.|\[T\d{4}|<[^>]+>|\b[0-9a-f]{16,}\b", re.I)


def sentence_signals(sentence: str, feats: Features) -> dict[str, float]:
    """Named rule signals of one sentence (regex pass output plus surface cues)."""
    flat = sentence.replace("\n", " ")
    words = flat.split()
    cut = heading_end(sentence)
    m = get_matchers()
    out: dict[str, float] = {f"rule:{c}": 1.0 for c in feats.capabilities}
    out.update(
        {
            "ai_rule": float(feats.ai_enabled),
            "advice": float(feats.advice),
            "heading": float(cut == len(sentence)),
            "heading_prefix": float(0 < cut < len(sentence)),
            "citation": float(is_citation(sentence)),
            "likelihood": float(feats.likelihood is not None),
            "confidence": float(feats.confidence is not None),
            "stance_rule:" + feats.stance: 1.0,
            "negation": float(bool(_NEGATION.search(flat))),
            "hypothetical": float(bool(_HYPOTHETICAL.search(flat))),
            "first_person": float(bool(_FIRST_PERSON.search(flat))),
            "bullet": float(bool(_BULLET.match(sentence))),
            "urlish": float(bool(_URLISH.search(flat))),
            "ends_stop": float(flat.rstrip().endswith((".", ".”", '."', ".)"))),
            "short": float(len(words) < 8),
            "long": float(len(words) > 40),
            "digits": sum(ch.isdigit() for ch in flat) / max(len(flat), 1),
            "mentions": min(len(feats.mentions), 3) / 3,
            "group": float(any(x.alias.kind == "group" for x in feats.mentions)),
            "organ": float(any(x.alias.kind == "organ" for x in feats.mentions)),
            "state": float(any(x.alias.kind in ("state", "demonym") for x in feats.mentions)),
            "n_caps": min(len(feats.capabilities), 3) / 3,
        }
    )
    for c in CAPABILITIES:
        if c in feats.capabilities:
            # the same trigger inside a heading or an advice sentence means less: let the head learn it
            out[f"rule:{c}:advice"] = float(feats.advice)
    if m.ai_cs.search(flat):
        out["ai_acronym"] = 1.0
    return out


def sentence_words(sentence: str) -> list[str]:
    """Lowercased words and bigrams, digits dropped: the bag the sentence heads read. Long words
    also give their first six letters, so that "amplified", "amplifying" and "amplification" share
    a feature (grouped CV actors F1 0.564 -> 0.586, capabilities 0.603 -> 0.616; five letters:
    0.579 / 0.620; five and six: 0.576 / 0.610; see README, Evaluation)."""
    toks = _WORD.findall(sentence.lower().replace("’", "'"))
    return (
        [f"w:{t}" for t in toks]
        + [f"b:{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]
        + [f"p:{t[:6]}" for t in toks if len(t) >= 8]
    )


_LEMMA = re.compile(r"[a-z][a-z-]*[a-z]")
_OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd"})


def _lem(tok: Any) -> str | None:
    lemma = (tok.lemma_ or tok.lower_).lower()
    return lemma if _LEMMA.fullmatch(lemma) else None


def subject_words(doc: Any, mentions: list[Mention]) -> list[str]:
    """Who is the subject of a verb, in general terms: a named state, organ or group ("subj:group",
    "subj_verb:group_create") or an agent noun ("the attackers", "these actors": "subj:agent"). In
    "Kimsuky sent an email ..." or "the attacker uses social engineering ..." an acting subject
    makes an intrusion step an act (GUIDE, changes after adjudication, rule 5)."""
    out: list[str] = []
    subjects: dict[int, str] = {}
    for m in mentions:
        span = tokens_in(doc, m.start, m.end)
        if span is None:
            continue
        tok = span.root
        for _ in range(4):
            if tok.dep_ not in ("compound", "amod", "poss", "nmod", "appos") or tok.head.i == tok.i:
                break
            tok = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass"):
            subjects[tok.i] = m.alias.kind
    for tok in doc:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.i not in subjects and _lem(tok) in AGENT_NOUNS:
            subjects[tok.i] = "agent"
    for i, kind in subjects.items():
        verb = _lem(doc[i].head)
        voice = "pass" if doc[i].dep_ == "nsubjpass" else "act"
        out += [f"subj:{kind}", f"subj:{kind}_{voice}"]
        if verb is not None:
            out.append(f"subj_verb:{kind}_{verb}")
    return out


def parse_words(doc: Any) -> list[str]:
    """What the parse says is done, as spaCy lemmas: each verb ("v:target"), verb + object head
    ("vo:target_network", "vo:gain_access", "vo:spread_narrative"), verb + preposition + object
    ("vpo:gain_to_network"), subject head + verb ("sv:actor_target"), verb + open complement
    ("vx:seek_denigrate") and a negated verb ("vneg:target"). General phrasings of an act that the
    bag of words splits apart; the capability and stance heads read them beside the words."""
    out: list[str] = []
    for tok in doc:
        if tok.pos_ != "VERB":
            continue
        verb = _lem(tok)
        if verb is None:
            continue
        out.append(f"v:{verb}")
        for child in tok.children:
            dep = child.dep_
            lemma = _lem(child)
            if lemma is None:
                continue
            if dep in _OBJECT_DEPS:
                out.append(f"vo:{verb}_{lemma}")
            elif dep == "prep":
                for pobj in child.children:
                    obj = _lem(pobj) if pobj.dep_ == "pobj" else None
                    if obj is not None:
                        out.append(f"vpo:{verb}_{child.lower_}_{obj}")
            elif dep in ("nsubj", "nsubjpass"):
                out.append(f"sv:{lemma}_{verb}")
            elif dep == "xcomp":
                out.append(f"vx:{verb}_{lemma}")
            elif dep == "neg":
                out.append(f"vneg:{verb}")
    return out


def _entity_key(text: str) -> str:
    """How ner_mentions looks an entity's text up in the gazetteer."""
    return _THE.sub("", text.strip()).lower()


@lru_cache(maxsize=4)
def _openings(keys: frozenset[str]) -> tuple[frozenset[str], int]:
    """Every prefix of every key, and the longest run worth reading (the longest key and its slack)."""
    prefixes = frozenset(k[:n] for k in keys for n in range(1, len(k) + 1))
    return prefixes, max(map(len, keys), default=0) + _KEY_SLACK


def _may_name_state(doc: Any, taken: list[tuple[int, int]], keys: frozenset[str]) -> bool:
    """Whether a run of whole tokens outside `taken` reads as one of `keys` the way ner_mentions
    reads an entity (lower case, trailing s's dropped): where none does, no entity can add a
    mention and the NER need not run. A run that opens with "the" reads as the run after it, and a
    run reads as a key only if its first token opens one; runs longer than any key by more than a
    dozen s's are not read."""
    openings, longest = _openings(keys)
    text = doc.text  # lowered a slice at a time: lower() may change a text's length ("İ")
    for i, first in enumerate(doc):
        start = first.idx
        word = text[start : start + len(first)].lower()
        if word not in openings and word.rstrip("s") not in keys:
            continue
        for tok in doc[i:]:  # a run that starts inside `taken` stops at its first token
            end = tok.idx + len(tok)
            if end - start > longest or any(s < end and start < e for s, e in taken):
                break
            key = text[start:end].rstrip().lower()
            if key in keys or key.rstrip("s") in keys:
                return True
    return False


def ner_mentions(doc: Any, mentions: list[Mention]) -> list[Mention]:
    """States the gazetteer missed (case variants, odd spellings), from GPE/NORP entities."""
    matchers = get_matchers()
    taken = [(m.start, m.end) for m in mentions]
    if not _may_name_state(doc, taken, matchers.state_keys):
        return []
    extra: list[Mention] = []
    for ent in with_entities(doc).ents:
        if ent.label_ not in _NER_STATE_LABELS:
            continue
        if any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        key = _entity_key(ent.text)
        alias = matchers.alias_lower.get(key) or matchers.alias_lower.get(key.rstrip("s"))
        if alias is not None and alias.kind in ("state", "demonym"):
            extra.append(Mention(ent.start_char, ent.end_char, Alias(ent.text, alias.code, alias.kind)))
    return extra


def trigger_tokens(doc: Any, feats: Features) -> set[int]:
    """Token indices of the capability triggers (the verb, or the head noun of a noun trigger)."""
    out: set[int] = set()
    for spans in feats.capabilities.values():
        for s, e in spans:
            if (s, e) in feats.bought:
                continue  # a purchase: the buyer does no act by it
            span = tokens_in(doc, s, e)
            if span is None:
                continue
            verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
            out.add(verbs[-1].i if verbs and span[0].pos_ in ("NOUN", "PROPN") else span[0].i)
            if not any(t.pos_ in ("VERB", "AUX", "ADP") for t in span):
                out.add(span[-1].i)
    return out


def rule_role(doc: Any, m: Mention, feats: Features, mentions: list[Mention], triggers: set[int]) -> str:
    """The dependency rules' reading of a mention: act, not, attributed, reporter or unknown."""
    text = doc.text
    spans = [sp for trig in feats.capabilities.values() for sp in trig]
    if is_attributed_to(text, m):
        return "attributed"
    if is_reporter(text, m, mentions, spans):
        return "reporter"
    span = tokens_in(doc, m.start, m.end)
    if span is None:
        return "unknown"
    role = mention_role(span.root, triggers)
    if role is NOT and m.alias.kind == "group":
        root = span.root
        if root.dep_ == "nsubjpass" or (root.dep_ in ("dobj", "obj") and root.head.lemma_ in VICTIM_VERBS):
            return "not"
    if role is ACT and m.alias.kind != "group" and (is_criminal(span.root) or ambiguous_attack(span.root)):
        return "not"
    return "unknown" if role is None else ("act" if role is ACT else "not")


def act_features(features: list[str], acts: bool) -> list[str]:
    """Mention features conjoined with whether the sentence asserts a capability: a named group
    in a heading is a topic, the same group in a sentence that asserts an act is its actor."""
    if not acts:
        return features
    keep = [f for f in features if f.startswith(("kind:", "rule:", "dep:", "kind_rule:", "np_dep:", "np_verb:"))]
    return [*features, "acts", *(f"acts_{f}" for f in keep)]


def _around(doc: Any, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else "<edge>"


def entity_features(doc: Any, m: Mention) -> list[str]:
    """The feature that needs the NER: the mention lies inside a person's name, the title of a work
    or a law, or a product's name ("the Russia Today interview", "China's Cybersecurity Law")."""
    if tokens_in(doc, m.start, m.end) is None:
        return []
    ents = with_entities(doc).ents
    if any(e.label_ in _NOT_STATE_LABELS and e.start_char <= m.start and m.end <= e.end_char for e in ents):
        return ["in_non_state_ent"]
    return []


def mention_features(
    doc: Any, m: Mention, feats: Features, mentions: list[Mention], triggers: set[int], *, entities: bool = True
) -> list[str]:
    """Feature strings of one candidate mention in its parsed sentence; without `entities`, all but
    entity_features (read later where they decide something: extract.read_entities)."""
    text = doc.text  # spaCy joins the tokens on every access: once per mention
    rule = rule_role(doc, m, feats, mentions, triggers)
    out = [f"kind:{m.alias.kind}", f"rule:{rule}", f"kind_rule:{m.alias.kind}_{rule}"]
    if m.alias.organ:
        out.append("has_organ")
    if m.alias.text in get_matchers().tax.advisory:
        out.append("advisory")
    if feats.capabilities:
        out.append("sent_caps")
    if heading_end(text) == len(text):
        out.append("heading")
    if feats.advice:
        out.append("advice")
    span = tokens_in(doc, m.start, m.end)
    if span is None:
        return [*out, "nospan"]
    root = span.root
    head = root.head
    out += [
        f"dep:{root.dep_}",
        f"kind_dep:{m.alias.kind}_{root.dep_}",
        f"hdep:{head.dep_}",
        f"hlem:{head.lemma_.lower()}",
        f"hpos:{head.pos_}",
        f"dep_hlem:{root.dep_}_{head.lemma_.lower()}",
        f"prev:{_around(doc, span.start - 1)}",
        f"prev2:{_around(doc, span.start - 2)}",
        f"next:{_around(doc, span.end)}",
        f"next_lem:{doc[span.end].lemma_.lower() if span.end < len(doc) else '<edge>'}",
    ]
    # a root head is its own head ("gdep:ROOT"), and the path from a mention under a root that is
    # no verb repeats the root: the features the heads were fitted with (a root test here lowered
    # the unfitted corpus rows' actor F1 0.739 -> 0.718)
    out.append(f"gdep:{head.head.dep_}")
    out.append(f"glem:{head.head.lemma_.lower()}")
    tok = root
    path = []
    for _ in range(4):
        path.append(tok.dep_)
        if tok.i in triggers:
            out.append("path_trigger")
        tok = tok.head
        if tok.pos_ == "VERB":
            out.append(f"verb:{tok.lemma_.lower()}")
            out.append(f"verb_dep:{path[-1]}_{tok.lemma_.lower()}")
            break
    out.append("path:" + ">".join(path))
    if root.i in triggers or head.i in triggers:
        out.append("on_trigger")
    if m.end < len(text) and text[m.end : m.end + 2] in ("’s", "'s"):
        out.append("possessive")
    if text[m.end : m.end + 6].lower().startswith("-based"):
        out.append("based")
    if entities:
        out += entity_features(doc, m)
    if _in_content_clause(root):
        out.append("content_clause")
    if is_citation(text):
        out.append("citation")
    out += _phrase_features(root, triggers)
    out += frame_features(span, triggers)
    codes = {x.alias.code for x in mentions}
    out.append(f"n_states:{min(len(codes), 3)}")
    out += _company(m, mentions)
    return out


# Verbs whose subject reports, assesses or attributes rather than acts ("the FBI assesses ...")
_REPORT_VERBS = frozenset(
    "assess report warn observe note attribute find say believe identify judge publish release track "
    "detect discover reveal confirm state claim indicate conclude allege accuse name call refer "
    "describe document analyze analyse investigate recommend urge advise".split()
)
_MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod", "appos", "npadvmod", "nummod", "det"})


def _phrase_features(root: Any, triggers: set[int]) -> list[str]:
    """The grammatical function of the noun phrase a mention sits in: "DPRK cyber actors hacked"
    puts DPRK on the subject of an act verb, "targets in the United States" on a place, "attributed
    to the GRU" on the attributed party, "the FBI assesses" on a reporter verb."""
    tok = root
    for _ in range(4):
        if tok.dep_ not in _MODIFIER_DEPS or tok.head.i == tok.i:
            break
        tok = tok.head
    head = tok.head
    out = [f"np_dep:{tok.dep_}", f"np_head:{tok.lemma_.lower()}"]
    if tok.dep_ == "pobj":
        prep = head.lower_
        out += [f"np_prep:{prep}", f"np_prep_head:{prep}_{head.head.lemma_.lower()}"]
        if head.dep_ == "agent":
            out.append("np_agent")  # passive "by X"
            if head.head.i in triggers:
                out.append("np_agent_trigger")
    elif tok.dep_ in ("nsubj", "nsubjpass", "dobj", "obj", "attr", "appos"):
        out.append(f"np_verb:{tok.dep_}_{head.lemma_.lower()}")
        if tok.dep_ == "nsubj" and head.lemma_.lower() in _REPORT_VERBS:
            out.append("np_subj_report")
        if tok.dep_ == "nsubj" and head.i in triggers:
            out.append("np_subj_trigger")
        if tok.dep_ in ("dobj", "obj") and head.i in triggers:
            out.append("np_obj_trigger")
    if tok.i != root.i and tok.i in triggers:
        out.append("np_is_trigger")
    return out


def _in_content_clause(token: Any) -> bool:
    for anc in token.ancestors:
        if anc.dep_ in ("acl", "ccomp", "relcl") and anc.head.lemma_.lower() in CONTENT_NOUNS:
            return True
    return False


def _company(m: Mention, mentions: list[Mention]) -> list[str]:
    """Where the mention stands among the sentence's candidates of other states: alone, first
    (the first named party is most often the subject), and beside which kinds of names (a named
    group beside a state's name is most often the actor, the state its place or target)."""
    others = [x for x in mentions if x is not m and x.alias.code != m.alias.code]
    out: list[str] = []
    if not others:
        out.append("alone")
    elif all(m.start < x.start for x in others):
        out.append("first_party")
    kinds = {x.alias.kind for x in others}
    out += [f"beside:{k}" for k in sorted(kinds)]
    return out
