"""Score the claim tagger on the by-publisher labelled splits (and the older 457 sentences).

    python eval/claims_eval.py                      # train, dev and test; per field
    python eval/claims_eval.py --split test --detail  # + per capability, per role, role confusion
    python eval/claims_eval.py --save NAME          # store predictions in eval/claims/results/
    python eval/claims_eval.py --from NAME          # score stored predictions (e.g. `rules`, the
                                                    # extractor before the learned heads)
    python eval/claims_eval.py --old                # eval/claims/{tune,test,fresh}.jsonl
    python eval/claims_eval.py --unfitted           # labelled rows no head is fitted on (train-e, dev-c)
    python eval/claims_eval.py --probe dev          # invented sentences in the styles the corpus lacks
                                                    # (eval/claims/probe/README.md); never fitted on;
                                                    # `dev-2` to `dev-10` are later development sets;
                                                    # `holdout-39` is scored at the start and the end of a
                                                    # round (`holdout` to `holdout-4`, `holdout-6`,
                                                    # `holdout-9` to `holdout-34`, `-37` and `-38` are
                                                    # spent; `holdout-5`, `-7`, `-8`, `-35`, `-36` and
                                                    # `neg-dev`, a set for negation, are development
                                                    # sets now)
    python eval/claims_eval.py --probe dev --probe dev-2  # several sets, scored as one pool
    python eval/claims_eval.py --cv 5 --actor-threshold 0.4  # any reading, with the heads' actor
                                                    # threshold replaced (the fit does not read it)
    python eval/claims_eval.py --split dev --held-out  # heads fit on train only: the honest dev
                                                    # figure (the shipped heads are fit on train,
                                                    # dev and test; test is always scored by heads
                                                    # fit on train + dev, never the shipped ones)
    python eval/claims_eval.py --split dev --errors # + sentences whose actor set is wrong
    python eval/claims_eval.py --cv 5 [--detail]    # grouped cross-validation over train + dev:
                                                    # publishers are dealt to 5 folds (none in two),
                                                    # heads are fit on 4 folds (with the train-c
                                                    # rows of their publishers) and tag the fifth;
                                                    # mean of the fold figures (and pooled roles).
                                                    # Design decisions are made on this figure.

Sentence fields: actors and capabilities (micro P/R/F1 over sets), ai_enabled (P/R/F1),
likelihood, confidence and stance (accuracy). Roles: every labelled mention with a state is
matched to a tagged mention overlapping it; role accuracy is over matched mentions (7 roles),
`actor vs not` over all labelled state mentions (an unmatched one counts as "not actor").
`negated as fact`: sentences labelled negated for which the tagger still reports a claim.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.claims.dataset import load_old, load_probe, load_split, load_unfitted, probe_names  # noqa: E402
from pipeline.claims.signals import ROLES  # noqa: E402
from pipeline.claims.vocab import CAPABILITIES  # noqa: E402

if TYPE_CHECKING:
    from pipeline.claims.model import Heads

RESULTS = Path(__file__).parent / "claims" / "results"


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _spans(text: str, mentions: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Character spans of labelled mentions, found in order in the sentence."""
    out = []
    pos: dict[str, int] = {}
    for m in mentions:
        t = m["text"]
        i = text.find(t, pos.get(t, 0))
        if i < 0:
            i = text.find(t)
        if i < 0:
            continue
        pos[t] = i + len(t)
        out.append((i, i + len(t), m))
    return out


def score(rows: list[dict[str, Any]], preds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """All figures for one split."""
    counts = {k: [0, 0, 0] for k in ("actors", "capabilities", "ai_enabled")}
    per_cap = {c: [0, 0, 0] for c in CAPABILITIES}
    acc = Counter[str]()
    confusion: Counter[tuple[str, str]] = Counter()
    roles_seen = binary_ok = state_mentions = 0
    negated = negated_fact = 0
    for row in rows:
        gold, out = row["label"], preds[row["id"]]
        for key in ("actors", "capabilities"):
            g, p = set(gold[key]), set(out[key])
            counts[key][0] += len(g & p)
            counts[key][1] += len(p - g)
            counts[key][2] += len(g - p)
        for c in CAPABILITIES:
            g_c, p_c = c in gold["capabilities"], c in out["capabilities"]
            per_cap[c][0] += g_c and p_c
            per_cap[c][1] += p_c and not g_c
            per_cap[c][2] += g_c and not p_c
        g_ai, p_ai = bool(gold["ai_enabled"]), bool(out["ai_enabled"])
        counts["ai_enabled"][0] += g_ai and p_ai
        counts["ai_enabled"][1] += p_ai and not g_ai
        counts["ai_enabled"][2] += g_ai and not p_ai
        for f in ("likelihood", "confidence", "stance"):
            acc[f] += gold[f] == out.get(f)
        if gold["stance"] == "negated":
            negated += 1
            negated_fact += bool(out["claims"]) and out.get("stance") != "negated"
        tagged = out.get("mentions", [])
        for s, e, m in _spans(row["text"], gold["mentions"]):
            if not m.get("state"):
                continue
            state_mentions += 1
            hit = next((t for t in tagged if t["start"] < e and s < t["end"]), None)
            pred_role = hit["role"] if hit else None
            binary_ok += (m["role"] == "actor") == (pred_role == "actor")
            if hit is not None and pred_role in ROLES:
                roles_seen += 1
                confusion[(m["role"], pred_role)] += 1
    n = len(rows)
    matched_ok = sum(v for (g, p), v in confusion.items() if g == p)
    return {
        "n": n,
        **{k: _prf(*v) for k, v in counts.items()},
        "per_capability": {c: (*_prf(*v), v[0] + v[2]) for c, v in per_cap.items()},
        **{f"{f}_acc": acc[f] / n for f in ("likelihood", "confidence", "stance")},
        "role_acc": matched_ok / roles_seen if roles_seen else None,
        "roles_matched": roles_seen,
        "state_mentions": state_mentions,
        "actor_vs_not_acc": binary_ok / state_mentions if state_mentions else None,
        "confusion": confusion,
        "negated": negated,
        "negated_as_fact": negated_fact,
    }


def predict(rows: list[dict[str, Any]], tagger: Callable[[str], dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: tagger(r["text"]) for r in rows}


def _fmt(v: Any) -> str:
    if v is None:
        return "   -  "
    if isinstance(v, tuple):
        return "/".join(f"{x:.3f}" for x in v[:3])
    return f"{v:.3f}"


def report(name: str, res: dict[str, Any], detail: bool) -> None:
    print(f"\n== {name}: {res['n']} sentences")
    for key in ("actors", "capabilities", "ai_enabled"):
        print(f"  {key:<22} P/R/F1 {_fmt(res[key])}")
    for key in ("likelihood_acc", "confidence_acc", "stance_acc"):
        print(f"  {key:<22} {_fmt(res[key])}")
    print(
        f"  {'role_acc':<22} {_fmt(res['role_acc'])} over {res['roles_matched']} matched of "
        f"{res['state_mentions']} labelled state mentions"
    )
    print(f"  {'actor_vs_not_acc':<22} {_fmt(res['actor_vs_not_acc'])}")
    print(f"  {'negated as fact':<22} {res['negated_as_fact']} of {res['negated']} negated sentences")
    if not detail:
        return
    print("  per capability (P/R/F1, gold count):")
    for c, (p, r, f, n) in res["per_capability"].items():
        print(f"    {c:<26} {p:.3f}/{r:.3f}/{f:.3f}  n={n}")
    conf: Counter[tuple[str, str]] = res["confusion"]
    if conf:
        print("  per role (P/R, gold count) and confusion (rows gold, columns tagged):")
        for role in ROLES:
            tp = conf[(role, role)]
            gold_n = sum(v for (g, _), v in conf.items() if g == role)
            pred_n = sum(v for (_, p), v in conf.items() if p == role)
            prec, rec = tp / pred_n if pred_n else 0.0, tp / gold_n if gold_n else 0.0
            print(f"    {role:<10} P {prec:.3f}  R {rec:.3f}  n={gold_n}")
        print("    " + " " * 10 + "".join(f"{r[:8]:>9}" for r in ROLES))
        for g in ROLES:
            print(f"    {g:<10}" + "".join(f"{conf[(g, p)]:>9}" for p in ROLES))


def publisher_folds(rows: list[dict[str, Any]], k: int) -> dict[str, int]:
    """Deal the train + dev publishers of splits.toml to `k` folds, largest first, each to the
    fold with the fewest sentences so far (ties: lowest fold): deterministic, no publisher in two."""
    splits = tomllib.loads((Path(__file__).parent / "claims" / "splits.toml").read_text(encoding="utf-8"))
    pubs = [p for s in ("train", "dev") for p in splits[s]["publishers"]]
    sizes = Counter(r["publisher"] for r in rows)
    totals = [0] * k
    fold = {}
    for p in sorted(pubs, key=lambda p: (-sizes[p], p)):
        f = min(range(k), key=lambda i: (totals[i], i))
        fold[p] = f
        totals[f] += sizes[p]
    return fold


def with_threshold(heads: Heads, actor_threshold: float | None) -> Heads:
    """`heads` tagging with another actor threshold (None: as they are). The threshold is read
    only when tagging, so one fit serves every setting."""
    return heads if actor_threshold is None else dataclasses.replace(heads, actor_threshold=actor_threshold)


def cross_validate(
    k: int, actor_threshold: float | None = None
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Rows of train + dev, their out-of-fold predictions, and the figures of each fold."""
    from pipeline.claims import extract
    from pipeline.claims.train import Config, featurise, train

    rows = load_split("train") + load_split("dev")
    ids = {r["id"] for r in rows}
    # labelled parts outside the pools (train-c): fitted on, by fold, never scored here
    extra = [r for s in ("train", "dev") for r in load_split(s, pending=True) if r["id"] not in ids]
    items = featurise(rows + extra)  # parsed once; train() only reads the features
    tagged = [extract.prepare_text(r["text"]) for r in rows]  # parsed once; each fold decides again
    fold = publisher_folds(rows, k)  # the same folds as before train-c joined the fit
    every = rows + extra
    preds: dict[str, dict[str, Any]] = {}
    per_fold = []
    for f in range(k):
        # invented sentences (no corpus publisher) are fitted on in every fold, never scored
        fit = [i for i, r in enumerate(every) if fold.get(r["publisher"], -1) != f]
        held = [i for i, r in enumerate(rows) if fold[r["publisher"]] == f]
        heads = with_threshold(train([every[i] for i in fit], [items[i] for i in fit], Config()), actor_threshold)
        fold_preds = {rows[i]["id"]: extract.tag_prepared(rows[i]["text"], *tagged[i], heads) for i in held}
        preds.update(fold_preds)
        per_fold.append(score([rows[i] for i in held], fold_preds))
    return rows, preds, per_fold


def cv_mean(per_fold: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean over folds of every P/R/F1 and accuracy figure."""
    out: dict[str, Any] = {"n": sum(f["n"] for f in per_fold), "folds": len(per_fold)}
    for key in ("actors", "capabilities", "ai_enabled"):
        out[key] = tuple(sum(f[key][i] for f in per_fold) / len(per_fold) for i in range(3))
    for key in ("likelihood_acc", "confidence_acc", "stance_acc", "role_acc", "actor_vs_not_acc"):
        vals = [f[key] for f in per_fold if f[key] is not None]
        out[key] = sum(vals) / len(vals) if vals else None
    return out


def _old_rows(name: str) -> list[dict[str, Any]]:
    rows = []
    for i, r in enumerate(load_old(name)):
        label = {"actors": r["actors"], "capabilities": r["capabilities"], "ai_enabled": r["ai_enabled"]}
        label.update({"likelihood": r["likelihood"], "confidence": None, "stance": None, "mentions": []})
        rows.append({"id": f"{name}-{i}", "text": r["text"], "label": label})
    return rows


def print_actor_errors(rows: list[dict], preds: dict[str, dict]) -> None:
    """Sentences whose tagged actor set differs from the gold one."""
    for r in rows:
        gold, got = set(r["label"]["actors"]), set(preds[r["id"]]["actors"])
        if gold != got:
            print(f"  {r['id']} gold {sorted(gold)} got {sorted(got)}: {r['text'][:160]!r}")


def save_predictions(preds: dict[str, dict], path: Path) -> None:
    keep = ("actors", "capabilities", "ai_enabled", "likelihood", "confidence", "stance", "mentions", "claims")
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(json.dumps({"id": i, **{k: p.get(k) for k in keep}}) + "\n" for i, p in preds.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["train", "dev", "test"], action="append")
    parser.add_argument("--detail", action="store_true", help="per capability, per role, role confusion")
    parser.add_argument("--save", metavar="NAME", help="store the predictions under eval/claims/results/")
    parser.add_argument("--from", dest="source", metavar="NAME", help="score stored predictions instead")
    parser.add_argument("--old", action="store_true", help="score the earlier tune/test/fresh sets")
    parser.add_argument("--held-out", action="store_true", help="score dev with heads fit on the train split only")
    parser.add_argument("--errors", action="store_true", help="list sentences whose actor set is wrong")
    parser.add_argument("--unfitted", action="store_true", help="score the labelled rows kept out of the fit")
    parser.add_argument("--cv", type=int, metavar="K", help="grouped K-fold cross-validation over train + dev")
    parser.add_argument(
        "--probe",
        choices=probe_names(),
        action="append",
        help="score the invented phrasing probe (given more than once: the sets pooled)",
    )
    parser.add_argument(
        "--actor-threshold",
        type=float,
        metavar="T",
        help="tag with this actor threshold instead of the heads' own",
    )
    args = parser.parse_args()
    if args.source and args.actor_threshold is not None:
        parser.error("--actor-threshold tags afresh; --from scores stored predictions")
    if args.cv:
        rows, preds, per_fold = cross_validate(args.cv, args.actor_threshold)
        mean = cv_mean(per_fold)
        print(f"\n== cv {args.cv} folds by publisher, mean of fold figures ({mean['n']} sentences)")
        for key in ("actors", "capabilities", "ai_enabled"):
            print(f"  {key:<22} P/R/F1 {_fmt(mean[key])}   folds F1 " + " ".join(f"{f[key][2]:.3f}" for f in per_fold))
        for key in ("likelihood_acc", "confidence_acc", "stance_acc", "role_acc", "actor_vs_not_acc"):
            print(f"  {key:<22} {_fmt(mean[key])}")
        report(f"cv {args.cv} folds pooled", score(rows, preds), args.detail)
        if args.errors:
            print_actor_errors(rows, preds)
        if args.save:
            save_predictions(preds, RESULTS / f"{args.save}-cv.jsonl")
        return
    if args.old:
        sets = {name: _old_rows(name) for name in ("tune", "test", "fresh")}
    elif args.unfitted:
        sets = {"unfitted": load_unfitted()}
    elif args.probe:
        sets = {"probe-" + "+".join(args.probe): [r for name in args.probe for r in load_probe(name)]}
    else:
        sets = {s: load_split(s) for s in (args.split or ["train", "dev", "test"])}
    if not args.source:
        from pipeline.claims import extract
        from pipeline.claims.train import SELECT_SPLITS, fit_on, held_out_heads

        # the shipped heads are fit on every split: test is scored by heads fit on train + dev,
        # and dev with --held-out by heads fit on train alone
        heads_for = dict.fromkeys(sets, extract.get_heads())
        if not args.old and "test" in sets:
            heads_for["test"] = held_out_heads()
        if not args.old and args.held_out and "dev" in sets:
            heads_for["dev"] = fit_on(SELECT_SPLITS)
        heads_for = {name: with_threshold(h, args.actor_threshold) for name, h in heads_for.items()}

        def tagger_for(name: str) -> Callable[[str], dict[str, Any]]:
            return lambda text: extract.tag_prepared(text, *extract.prepare_text(text), heads_for[name])

    for name, rows in sets.items():
        path = RESULTS / f"{args.source or args.save}-{name}.jsonl"
        if args.source:
            preds = {r["id"]: r for r in (json.loads(x) for x in path.read_text().splitlines())}
        else:
            preds = predict(rows, tagger_for(name))
        res = score(rows, preds)
        report(name, res, args.detail)
        if args.errors:
            print_actor_errors(rows, preds)
        if args.save:
            save_predictions(preds, path)


if __name__ == "__main__":
    main()
