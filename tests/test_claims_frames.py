"""The syntactic frame of a mention, named by word class, as the role head reads it."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.claims.extract import load_nlp
from pipeline.claims.frames import frame_features, noun_classes, verb_classes

pytestmark = pytest.mark.model


def _frame(sentence: str, mention: str, triggers: set[int] | None = None) -> list[str]:
    doc = load_nlp()(sentence)
    start = sentence.index(mention)
    span = doc.char_span(start, start + len(mention), alignment_mode="expand")
    assert span is not None
    return frame_features(span, triggers or set())


def _token(sentence: str, word: str) -> Any:
    return next(t for t in load_nlp()(sentence) if t.text == word)


@pytest.mark.parametrize(
    ("sentence", "mention", "expected", "absent"),
    [
        # a demonym on what it qualifies: an agent acts, an address places, a language is a topic
        ("Belgian hackers broke into the network.", "Belgian", "mod:agent", "mod:infra"),
        ("The beacon went to a Belgian IP address.", "Belgian", "mod:infra", "mod:agent"),
        ("The lure was written in the Belgian language.", "Belgian", "mod:language", "mod:agent"),
        # a possessor of an act and of what is attacked
        ("Chile's espionage campaign lasted a year.", "Chile", "poss:act", "poss:asset"),
        ("Chile's networks went dark for a day.", "Chile", "poss:asset", "poss:act"),
        # prepositional frames
        ("The intrusions were attributed to Peru last year.", "Peru", "fn:to_vlink", "fn:in_vhost"),
        ("The files sat on servers located in Peru.", "Peru", "fn:in_vhost", "fn:to_vlink"),
        ("The files sat on servers located in Peru.", "Peru", "fn:in_of_asset", "fn:to_vlink"),
        ("The emails were sent by Peru to several ministries.", "Peru", "fn:by", "fn:in"),
        # subjects of reporting and of acting verbs
        ("Norway assessed that the intrusion was contained.", "Norway", "fn:nsubj_vreport", "fn:nsubj_vuse"),
        ("Norway deployed a backdoor on the server.", "Norway", "fn:nsubj_vuse", "fn:nsubj_vreport"),
        # glued words and list membership
        ("The Kenya-backed group stole data.", "Kenya", "hyph:backed", "prehyph:pro"),
        ("Pro-Kenya accounts praised the ruling party.", "Kenya", "prehyph:pro", "hyph:backed"),
        ("Kenya, Chile and Peru signed the statement.", "Chile", "listed", "verbless"),
        # what the subject of "be" or "account for" is said to be
        ("Chile and Peru were among the worst perpetrators.", "Peru", "pred:culprit", "pred:answerable"),
        ("Chile was behind the outage at the port.", "Chile", "pred:answerable", "pred:culprit"),
        ("Chile accounted for a third of the intrusions.", "Chile", "pred:answerable", "pred:none"),
        ("Chile was sunny all week.", "Chile", "fn:nsubj_vbe", "pred:answerable"),
        # a possessor of an organ known by its name or acronym
        ("Chile's DINA followed the exiles.", "Chile", "poss:name", "poss:none"),
    ],
)
def test_frames_name_the_word_class_of_the_governor(sentence: str, mention: str, expected: str, absent: str) -> None:
    feats = _frame(sentence, mention)
    assert expected in feats
    assert absent not in feats


def test_a_mention_combines_how_it_attaches_with_its_phrase_function() -> None:
    feats = _frame("Belgian operators stole the credentials.", "Belgian")
    assert "mod:agent+fn:nsubj" in feats


def test_a_trigger_verb_is_named_as_such() -> None:
    sentence = "Belgian operators stole the credentials."
    doc = load_nlp()(sentence)
    verb = next(t.i for t in doc if t.text == "stole")
    span = doc.char_span(0, len("Belgian"))
    assert span is not None
    feats = frame_features(span, {verb})
    assert "fn:nsubj_vtrigger" in feats and "trig:same_clause" in feats
    assert "trig:none" in frame_features(span, set())


def test_word_classes_use_lemmas() -> None:
    assert "agent" in noun_classes(_token("The hackers left.", "hackers"))
    assert "infra" in noun_classes(_token("The addresses resolved.", "addresses"))
    assert noun_classes(_token("The weather was fine.", "weather")) == ["none"]
    assert "report" in verb_classes(_token("The agency assessed it.", "assessed"), set())
    assert "hostile" in verb_classes(_token("They compromised it.", "compromised"), set())


def test_the_role_head_reads_word_classes_and_what_it_was_told_to_keep() -> None:
    from pipeline.claims.model import load_heads
    from pipeline.claims.train import Config

    heads = load_heads()
    dropped = Config().role_drop
    if dropped:
        assert not [f for f in heads.ment_index if f.startswith(dropped)]
    assert any(f.startswith("fn:") for f in heads.ment_index)
    assert any(f.startswith("mod:") for f in heads.ment_index)
    if "verb:" not in dropped:
        assert any(f.startswith("verb:") for f in heads.ment_index)


def test_a_mention_knows_which_names_stand_beside_it() -> None:
    from pipeline.claims.extract import prepare_text

    _, items = prepare_text("APT28 sent phishing emails to diplomats in Poland.")
    feats = {c.mention.text: c.features for c in items[0].candidates}
    assert "first_party" in feats["APT28"] and "beside:state" in feats["APT28"]
    assert "beside:group" in feats["Poland"] and "first_party" not in feats["Poland"]
    _, items = prepare_text("Poland published the advisory.")
    assert "alone" in items[0].candidates[0].features
