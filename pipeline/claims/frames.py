"""The syntactic frame of a candidate mention, in general terms, for the role head.

A mention's role follows from the frame it sits in more than from its words: "Russian hackers"
(a demonym on an agent noun) act, "Russian IP addresses" (on an infrastructure noun) place,
"Russian language" names a language; "Russia's campaign" (possessor of an act) acts, "Ukraine's
networks" (possessor of what is attacked) is attacked; "attributed to X", "backed by X" act,
"servers in X" place, "attacks against X" aim at X; the subject of "assess" reports. The
features below name those frames by word class (nouns and verbs grouped by what they denote),
so that what is learned from one report carries over to the phrasings of another.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.claims.lexicon import (
    ACCUSE_VERBS,
    ACTIVITY_NOUNS,
    AGENT_NOUNS,
    ANSWERABLE_WORDS,
    ATTACK_NOUNS,
    CRIMINAL_NOUNS,
    HOSTILE_NOUNS,
    LINK_WORDS,
    PERCEPTION_VERBS,
    REPORT_VERBS,
    VICTIM_NOUNS,
    VICTIM_VERBS,
)

# What a noun denotes; a noun may belong to several classes.
NOUN_CLASSES: dict[str, frozenset[str]] = {
    "agent": frozenset(AGENT_NOUNS),
    "hostile": frozenset(HOSTILE_NOUNS),
    "act": frozenset(ACTIVITY_NOUNS | {a.rstrip("s") for a in ATTACK_NOUNS} | {"incident", "breach", "hack"}),
    "crime": frozenset(CRIMINAL_NOUNS),
    # what is attacked or harmed
    "asset": frozenset(
        "network system website site server computer infrastructure organization organisation institution "
        "company firm sector industry entity facility ministry embassy account email device".split()
    )
    | frozenset(VICTIM_NOUNS),
    # people on the receiving end
    "people": frozenset(
        "citizen dissident activist journalist official user national people community diaspora minority "
        "expert researcher student resident refugee critic opposition voter population individual".split()
    ),
    # where something is hosted or comes from
    "infra": frozenset(
        "ip address domain host hosting space infrastructure provider isp registrar vps node proxy "
        "datacenter telemetry range asn location origin registration ip-address".split()
    ),
    "place": frozenset("country region city territory province area border soil state nation capital".split()),
    "language": frozenset(
        "language speaker text word translation character keyboard locale script dialect name slang".split()
    ),
    # who investigates, publishes or advises
    "authority": frozenset(
        "agency authority government department bureau ministry office command service police court "
        "administration official cert centre center council committee partner".split()
    ),
    "document": frozenset(
        "report advisory statement release analysis investigation assessment publication press blog "
        "whitepaper paper document alert warning indictment guidance bulletin reporting article".split()
    ),
    # who is answerable for an act: "Egypt and Rwanda were among the most frequent perpetrators"
    "culprit": frozenset("perpetrator culprit orchestrator instigator mastermind architect author".split()),
    # what is talked about
    "topic": frozenset(
        "war conflict relation relationship policy issue interest election politics economy history "
        "revolution turmoil crisis invasion tension holiday culture news affair development region".split()
    ),
}

VERB_CLASSES: dict[str, frozenset[str]] = {
    "report": frozenset(REPORT_VERBS | PERCEPTION_VERBS | {"coauthor", "co-author", "author", "develop"}),
    "hostile": frozenset(VICTIM_VERBS),
    "link": frozenset(LINK_WORDS | ACCUSE_VERBS),
    "suffer": frozenset({"suffer", "face", "experience", "receive", "endure", "sustain", "fall"}),
    "use": frozenset(
        "use employ deploy leverage conduct carry launch run send create build develop spread operate "
        "seek try attempt continue aim plan intend".split()
    ),
    "host": frozenset("host locate register base originate reside resolve situate route".split()),
    "be": frozenset({"be", "become", "remain", "seem", "appear"}),
}

# Words glued after a mention with a hyphen: "Russia-based", "Iranian-backed", "China-nexus".
_HYPHEN_AFTER = re.compile(r"[-‐‑–](\w+)")
# What a glued word says of the state: tied to it ("Kremlin-backed", "CCP-run", "Tehran-directed")
# or only its place ("Russia-based", "China-hosted"); the class carries over to words the labels lack
_HYPHEN_CLASSES = {
    "tie": frozenset(
        "backed linked sponsored run controlled funded owned directed aligned affiliated nexus supported "
        "organised organized tied connected allied installed managed operated financed paid steered".split()
    ),
    "origin": frozenset("based origin hosted located registered speaking born headquartered".split()),
}
# Words glued before a mention: "pro-Russian", "anti-Chinese", "non-Iranian".
_HYPHEN_BEFORE = re.compile(r"\b(pro|anti|non|ex|post|pre|sino|russo)[-‐‑–]$", re.I)
_IP = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b|\b[0-9a-f]{32,64}\b", re.I)
_MOD_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "flat", "nummod", "det", "appos"})


def _lemma(tok: Any) -> str:
    return (tok.lemma_ or tok.lower_).lower()


def noun_classes(tok: Any) -> list[str]:
    """Word classes of a noun (its lemma and its lowercased form); ["name"] for a proper name or an
    acronym with none ("Venezuela's SEBIN", "Russia's Rostec"), ["none"] for any other."""
    words = {_lemma(tok), tok.lower_}
    out = [c for c, ws in NOUN_CLASSES.items() if words & ws]
    return out or (["name"] if tok.pos_ == "PROPN" or (tok.text.isupper() and len(tok.text) > 1) else ["none"])


def verb_classes(tok: Any, triggers: set[int]) -> list[str]:
    """Word classes of a verb; "trigger" when it is a capability trigger of the sentence."""
    lemma = _lemma(tok)
    out = [c for c, ws in VERB_CLASSES.items() if lemma in ws]
    if tok.i in triggers:
        out.append("trigger")
    return out or ["none"]


def _is_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _head_classes(tok: Any, triggers: set[int]) -> list[str]:
    if _is_verb(tok):
        return [f"v{c}" for c in verb_classes(tok, triggers)]
    out = [f"n{c}" for c in noun_classes(tok)]
    if tok.i in triggers:
        out.append("ntrigger")
    return out


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8+"


def _noun_phrase(root: Any) -> tuple[Any, list[str]]:
    """The head of the noun phrase a mention sits in (through modifiers and coordination), and
    how the mention attaches on the way ("mod:agent" for "Russian hackers", "poss:act" for
    "Russia's campaign", "conj" for the second state of a list)."""
    tok = root
    out: list[str] = []
    for step in range(6):
        head = tok.head
        if head.i == tok.i:
            break
        dep = tok.dep_
        if dep == "conj" and not _is_verb(head):
            out.append("conj")
            tok = head
            continue
        if dep == "poss":
            if step == 0 or out == ["conj"]:
                out += [f"poss:{c}" for c in noun_classes(head)]
            tok = head
            continue
        if dep in _MOD_DEPS:
            if step == 0 or out == ["conj"]:
                out += [f"mod:{c}" for c in noun_classes(head)]
            tok = head
            continue
        break
    return tok, out


def _function(np: Any, triggers: set[int]) -> list[str]:
    """What the noun phrase is to its governor: subject, object, object of a preposition, ..."""
    head = np.head
    dep = np.dep_
    if head.i == np.i or dep == "ROOT":
        return ["fn:root"]
    if dep == "pobj" and head.dep_ in ("prep", "agent"):
        prep = "by" if head.dep_ == "agent" else head.lower_
        gov = head.head
        out = [f"fn:{prep}_{c}" for c in _head_classes(gov, triggers)]
        out.append(f"fn:{prep}")
        if gov.dep_ in ("acl", "amod", "relcl") and gov.head.i != gov.i:
            # "servers located in X", "hackers backed by X": what the participle describes
            out += [f"fn:{prep}_of_{c}" for c in noun_classes(gov.head)]
        return out
    if dep in ("nsubj", "nsubjpass", "csubj", "dobj", "obj", "dative", "attr", "oprd", "appos"):
        name = {"csubj": "nsubj", "obj": "dobj", "dative": "dobj"}.get(dep, dep)
        out = [f"fn:{name}_{c}" for c in _head_classes(head, triggers)]
        out.append(f"fn:{name}")
        if name == "nsubj" and any(c.i in triggers for c in head.children if c.dep_ in ("dobj", "obj", "xcomp")):
            out.append("fn:nsubj_of_trigger_object")  # "X used spearphishing", "X seeks to hack"
        if name in ("nsubj", "nsubjpass") and any(c.dep_ == "neg" for c in head.children):
            out.append("fn:negated_verb")
        return out
    return [f"fn:other_{dep}"]


# What makes the subject of "be" answerable for an act: "X was behind", "X is responsible for",
# "X accounted for 38 percent of the intrusions".
_ANSWERABLE = ANSWERABLE_WORDS | {"behind"}


def _predicate(np: Any) -> list[str]:
    """What a subject is said to be, for the subject of "be" or "account for": the classes of the
    noun it is equated with ("X is a threat actor", "X was among the perpetrators"), or
    "pred:answerable" ("X was behind / responsible for ...")."""
    verb = np.head
    if np.dep_ != "nsubj" or verb.i == np.i:
        return []
    lemma = _lemma(verb)
    kids = list(verb.children)
    if lemma == "account" and any(k.dep_ == "prep" and k.lower_ == "for" for k in kids):
        return ["pred:answerable"]
    if lemma not in VERB_CLASSES["be"]:
        return []
    out: list[str] = []
    for k in kids:
        if k.dep_ in ("attr", "acomp") or (k.dep_ == "prep" and k.lower_ == "behind"):
            if k.lower_ in _ANSWERABLE:
                out.append("pred:answerable")
            elif k.dep_ == "attr":
                out += [f"pred:{c}" for c in noun_classes(k)]
        elif k.dep_ == "prep" and k.lower_ == "among":
            out += [f"pred:{c}" for o in k.children if o.dep_ == "pobj" for c in noun_classes(o)]
    return out


def _trigger_relation(root: Any, np: Any, triggers: set[int]) -> list[str]:
    """Where the nearest capability trigger is, in the tree and in the text."""
    if not triggers:
        return ["trig:none"]
    doc = root.doc
    near = min(triggers, key=lambda i: abs(i - root.i))
    out = [f"trig_dist:{_bucket(abs(near - root.i))}", "trig:after" if near > root.i else "trig:before"]
    anc = {t.i for t in root.ancestors}
    if anc & triggers:
        out.append("trig:governs")  # the mention sits under a trigger ("attacks by X", "hacked X")
    if any(t.i in triggers for t in root.subtree):
        out.append("trig:inside")  # "X's hacking campaign" parsed with X as head
    # the clause verb of the mention and of the trigger
    verb = next((t for t in [np, *np.ancestors] if _is_verb(t)), None)
    if verb is not None:
        tverbs = {next((t.i for t in [doc[i], *doc[i].ancestors] if _is_verb(t)), -1) for i in triggers}
        if verb.i in tverbs:
            out.append("trig:same_clause")
    return out


def _shape(tok: Any | None) -> str:
    if tok is None:
        return "edge"
    t = tok.text
    if any(ch.isdigit() for ch in t):
        return "num"
    if not any(ch.isalpha() for ch in t):
        return "punct"
    return "cap" if t[:1].isupper() else "low"


# (doc, text, holds an IOC, verbless) of the last sentence seen: `Doc.text` joins every token
# anew, and the mentions of a sentence are featured one after another
_last_doc: tuple[Any, str, bool, bool] = (None, "", False, False)


def _sentence_facts(doc: Any) -> tuple[str, bool, bool]:
    """The text of a parsed sentence, whether it holds an IP address or hash, whether it is verbless."""
    global _last_doc
    last = _last_doc
    if last[0] is not doc:
        text = doc.text
        last = _last_doc = (doc, text, bool(_IP.search(text)), not any(_is_verb(t) for t in doc))
    return last[1], last[2], last[3]


def frame_features(span: Any, triggers: set[int]) -> list[str]:
    """Frame features of a mention (a span of the parsed sentence)."""
    root = span.root
    doc = root.doc
    text, ioc, verbless = _sentence_facts(doc)
    np, attach = _noun_phrase(root)
    func = _function(np, triggers)
    out = [*attach, *func, *_predicate(np)]
    # the frame with the way the mention attaches: "mod:agent+fn:nsubj_vtrigger"
    for a in attach or ["self"]:
        if a != "conj":
            out += [f"{a}+{f}" for f in func]
    if np.i != root.i:
        out += [f"np_cls:{c}" for c in noun_classes(np)]
    out += _trigger_relation(root, np, triggers)
    if m := _HYPHEN_AFTER.match(text, span.end_char):
        glued = m.group(1).lower()
        out.append(f"hyph:{glued}")
        out += [f"hyph_cls:{c}" for c, words in _HYPHEN_CLASSES.items() if glued in words]
    if m := _HYPHEN_BEFORE.search(text[: span.start_char]):
        out.append(f"prehyph:{m.group(1).lower()}")
    if root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children):
        out.append("listed")
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    out += [f"prev_shape:{_shape(prev)}", f"next_shape:{_shape(nxt)}"]
    if ioc:
        out.append("ioc_sentence")
    if verbless:
        out.append("verbless")
    return out
