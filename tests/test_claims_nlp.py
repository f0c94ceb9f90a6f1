"""The NER runs only where a rule asks for entities, and finds what a run inside the parse finds."""

from __future__ import annotations

import re

import pytest
import spacy

from pipeline.claims.extract import analyse, claims_of, resolve_references
from pipeline.claims.features import get_matchers
from pipeline.claims.nlp import MODEL_NAME, load_nlp, mend_parse, with_entities
from pipeline.claims.signals import ner_mentions

pytestmark = pytest.mark.model

# invented; some name states only in spellings the case-sensitive gazetteer misses
SENTENCES = [
    "Hackers working for PERU's army defaced the Chilean senate website.",
    "The peruvian embassy in Santiago denied that its staff followed the journalists.",
    "Lima's cyber unit, trained by advisers from the U.S., watched exiles in Madrid.",
    "A report by the chilean government blamed the outage on a botched update.",
    "Accounts posing as Bolivians spread forged ballots before the vote in Cochabamba.",
    "The Ministry of the Interior of peru bought cameras from a firm in Shenzhen.",
    "Operation Andes targeted the mail servers of three ministries.",
]


@pytest.fixture(scope="module")
def full_nlp():  # type: ignore[no-untyped-def]
    """The same pipeline with its NER inside the parse: the reference."""
    return spacy.load(MODEL_NAME)


def _ents(doc):  # type: ignore[no-untyped-def]
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def test_the_parse_leaves_the_entities_for_later() -> None:
    doc = load_nlp()(SENTENCES[0])
    assert not doc.has_annotation("ENT_IOB")
    assert with_entities(doc).has_annotation("ENT_IOB")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_entities_found_late_are_those_found_in_the_parse(full_nlp, sentence: str) -> None:  # type: ignore[no-untyped-def]
    late = with_entities(load_nlp()(sentence))
    early = full_nlp(sentence)
    assert _ents(late) == _ents(early)
    assert [t.ent_type_ for t in late] == [t.ent_type_ for t in early]


def _reference_ner_mentions(doc, taken):  # type: ignore[no-untyped-def]
    """ner_mentions as it read every parse's entities, before the NER ran on demand."""
    matchers = get_matchers()
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "NORP") or any(s < ent.end_char and ent.start_char < e for s, e in taken):
            continue
        key = re.sub(r"^the\s+", "", ent.text.strip(), flags=re.I).lower()
        alias = matchers.alias_lower.get(key) or matchers.alias_lower.get(key.rstrip("s"))
        if alias is not None and alias.kind in ("state", "demonym"):
            out.append((ent.start_char, ent.end_char, alias.code))
    return out


@pytest.mark.parametrize("sentence", SENTENCES)
def test_states_the_gazetteer_missed_are_found_without_reading_every_parse(full_nlp, sentence: str) -> None:  # type: ignore[no-untyped-def]
    mentions = get_matchers().mentions(sentence)
    expected = _reference_ner_mentions(full_nlp(sentence), [(m.start, m.end) for m in mentions])
    got = [(m.start, m.end, m.alias.code) for m in ner_mentions(load_nlp()(sentence), mentions)]
    assert got == expected


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        (SENTENCES[1], "PER"),
        (SENTENCES[4], "BOL"),
        # a letter whose lower case is two characters does not shift what is read after it
        ("İİİ İstanbul police said the peruvian embassy hired the hackers.", "PER"),
    ],
)
def test_a_state_in_a_spelling_the_gazetteer_misses_is_found(sentence: str, code: str) -> None:
    mentions = get_matchers().mentions(sentence)
    assert code not in {m.alias.code for m in mentions}
    assert code in {m.alias.code for m in ner_mentions(load_nlp()(sentence), mentions)}


def test_a_sentence_naming_no_state_runs_no_ner() -> None:
    doc = load_nlp()(SENTENCES[-1])
    assert ner_mentions(doc, get_matchers().mentions(SENTENCES[-1])) == []
    assert not doc.has_annotation("ENT_IOB")


PAGE = [
    "Peruvian hackers working for the army breached the Chilean senate's mail server in May.",
    "The Peruvian delegation arrived in Santiago on Monday for the border talks.",
    "In an interview with Russia Today, the Peruvian minister denied any role in the breach.",
    "Lima's cyber unit later spread forged ballots among Chilean voters on Telegram.",
    "The group also defaced the websites of three Chilean ministries.",
]


def _claims(items):  # type: ignore[no-untyped-def]
    resolve_references(items)
    return [c.to_record() for a in items for c in claims_of(a, page_no=1, start=0, doc_id=None)]


def test_ingest_reads_entities_only_where_roles_decide_claims() -> None:
    lazy = analyse(PAGE)
    full = analyse(PAGE, parse_all=True)
    assert _claims(lazy) == _claims(full)
    assert _claims(lazy)  # the page asserts acts
    # "The Peruvian delegation arrived ...": no act, no trigger, no state media; no claim stands on
    # its roles, and its parse never ran the NER
    arrived = lazy[1]
    assert arrived.doc is not None and not arrived.capabilities
    assert arrived.entities_deferred and not arrived.doc.has_annotation("ENT_IOB")
    assert not full[1].entities_deferred


@pytest.mark.parametrize(
    "text",
    [
        "The campaign is a serious threat to think tanks in Lima.",
        "Peruvian hackers sent lures to think tanks and universities in Santiago.",
        "Think tanks were among the victims.",
    ],
)
def test_a_think_tank_is_a_noun(text: str) -> None:
    # the small parser reads "to think tanks" as an infinitive and its object
    doc = mend_parse(load_nlp()(text))
    think = next(t for t in doc if t.lower_ == "think")
    tanks = doc[think.i + 1]
    assert think.pos_ == "NOUN" and think.dep_ == "compound" and think.head.i == tanks.i
    assert tanks.dep_ != "dobj" or tanks.head.lower_ != "think"
    assert not any(t.pos_ == "VERB" and t.lower_ == "think" for t in doc)
    # everything else in the sentence keeps a head inside it, and the root stays the root
    roots = [t for t in doc if t.dep_ == "ROOT"]
    assert len(roots) == 1 and all(t.head.i < len(doc) for t in doc)
