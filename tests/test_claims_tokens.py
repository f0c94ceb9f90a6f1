"""Parse tokens are compared by position: spaCy makes a new Token object each time one is read."""

from __future__ import annotations

import ast
from pathlib import Path

from pipeline.claims.extract import _acts, acts_negated, load_nlp, main_clauses, prepare

CLAIMS = Path(__file__).resolve().parents[1] / "pipeline" / "claims"


def test_a_token_read_twice_is_two_objects() -> None:
    # the premise of the rule below: `tok.head is tok` never holds, not even at the root
    doc = load_nlp()("Russia hacked the grid.")
    root = next(t for t in doc if t.dep_ == "ROOT")
    assert root.head is not root and root.head.i == root.i


def test_no_token_or_its_head_is_compared_by_identity() -> None:
    found = []
    for path in sorted(CLAIMS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare) or not any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops):
                continue
            for o in (node.left, *node.comparators):
                heads = isinstance(o, ast.Subscript) and isinstance(o.value, ast.Name) and o.value.id == "heads"
                if heads or (isinstance(o, ast.Attribute) and o.attr == "head"):
                    found.append(f"{path.name}:{node.lineno}")
    assert not found, found


def test_an_act_word_in_the_first_main_clause_is_an_act() -> None:
    # "Once it had erased the backups, the wiper shut down the machines, so staff ... could not
    # work": the wiper's act is asserted; the negation reaches only the staff's work
    sentence = (
        "Once it had erased the backups, the wiper shut down the machines, so staff at the Slovak "
        "land registry could not work for a week."
    )
    a = prepare([sentence], parse_all=True)[0]
    heads = main_clauses(a.doc)
    assert len(heads) > 1
    first = {t.i for t in heads[0].subtree} - {t.i for h in heads[1:] for t in h.subtree}
    in_first = a.triggers & first
    assert in_first and in_first <= _acts(a, heads)
    assert not acts_negated(a)
