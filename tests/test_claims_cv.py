"""Grouped cross-validation of eval/claims_eval.py: folds by publisher, none in two folds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from pipeline.claims.dataset import load_split

ROOT = Path(__file__).resolve().parents[1]


def _claims_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("claims_eval", ROOT / "eval" / "claims_eval.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("claims_eval", mod)
    spec.loader.exec_module(mod)
    return mod


def test_publisher_folds_cover_train_and_dev_with_no_publisher_in_two_folds() -> None:
    ev = _claims_eval()
    rows = load_split("train") + load_split("dev")
    fold = ev.publisher_folds(rows, 5)
    assert {r["publisher"] for r in rows} <= set(fold)
    assert set(fold.values()) == set(range(5))  # every fold holds out something
    assert {r["publisher"] for r in load_split("test")}.isdisjoint(fold)  # test never enters CV
    assert ev.publisher_folds(rows, 5) == fold  # deterministic


def test_cv_mean_averages_fold_figures() -> None:
    ev = _claims_eval()
    folds = [
        {
            "n": 2,
            "actors": (1.0, 0.5, 0.6),
            "capabilities": (0.0, 0.0, 0.0),
            "ai_enabled": (1.0, 1.0, 1.0),
            "likelihood_acc": 1.0,
            "confidence_acc": 1.0,
            "stance_acc": 0.5,
            "role_acc": None,
            "actor_vs_not_acc": 1.0,
        },
        {
            "n": 3,
            "actors": (0.0, 0.5, 0.2),
            "capabilities": (1.0, 1.0, 1.0),
            "ai_enabled": (1.0, 1.0, 1.0),
            "likelihood_acc": 0.0,
            "confidence_acc": 1.0,
            "stance_acc": 1.0,
            "role_acc": 0.4,
            "actor_vs_not_acc": 0.0,
        },
    ]
    mean = ev.cv_mean(folds)
    assert mean["n"] == 5
    assert mean["actors"] == (0.5, 0.5, 0.4)
    assert mean["stance_acc"] == 0.75
    assert mean["role_acc"] == 0.4  # a fold without matched roles is left out of the mean


def test_pending_train_labels_come_from_train_publishers_and_name_what_the_sentence_says() -> None:
    import tomllib

    splits = tomllib.loads((ROOT / "eval" / "claims" / "splits.toml").read_text(encoding="utf-8"))
    train_pubs = set(splits["train"]["publishers"])
    held = {p for s in ("dev", "test") for p in splits[s]["publishers"]}
    base = load_split("train")
    fitted = [r for r in load_split("train", pending=True) if r["id"] not in {b["id"] for b in base}]
    invented = [r for r in fitted if r["doc"].startswith("invented:")]
    pending = [r for r in fitted if r not in invented]
    assert pending and invented  # the pending part is there and joined with its labels
    assert {r["publisher"] for r in pending} <= train_pubs and not train_pubs & held
    # invented sentences name no corpus publisher, so no CV fold ever scores them
    assert not {r["publisher"] for r in invented} & (train_pubs | held)
    assert not {r["doc"] for r in pending} & {r["doc"] for s in ("dev", "test") for r in load_split(s)}
    for r in pending + invented:
        lab = r["label"]
        assert all(m["text"] in r["text"] for m in lab["mentions"]), r["id"]  # as stored: train finds it
        acting = {m["state"] for m in lab["mentions"] if m["role"] == "actor" and m["capabilities"] and m["state"]}
        assert lab["actors"] == sorted(acting), r["id"]
        assert set(lab["capabilities"]) >= {c for m in lab["mentions"] for c in m["capabilities"]}, r["id"]
        assert lab["stance"] != "negated" or not lab["capabilities"], r["id"]


def test_an_actor_threshold_given_to_the_evaluation_changes_only_who_is_read_as_acting() -> None:
    from pipeline.claims import extract

    ev = _claims_eval()
    shipped = extract.get_heads()
    assert ev.with_threshold(shipped, None) is shipped
    strict = ev.with_threshold(shipped, 1.01)  # above every probability
    assert strict.actor_threshold == 1.01 and strict.role_w is shipped.role_w and strict.meta is shipped.meta
    text = "Russian military intelligence hacked the email accounts of German lawmakers in 2015."
    as_shipped = extract.tag_prepared(text, *extract.prepare_text(text), shipped)
    assert as_shipped["actors"] == ["RUS"]
    out = extract.tag_prepared(text, *extract.prepare_text(text), strict)
    assert "actor" not in {m["role"] for m in out["mentions"]} and out["actors"] == []
    assert out["capabilities"] == as_shipped["capabilities"]  # the sentence's decisions stay
