"""STIX 2.1 export: the mapping table, the objects a claim becomes, validity, stable ids, the CLI."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pipeline.claims.vocab import CAPABILITIES, LIKELIHOODS
from pipeline.export.mapping import load_mapping
from pipeline.export.stix import build_bundle, serialize_bundle
from tests.conftest import run_cli

DOC_A = "a" * 64
DOC_B = "b" * 64


def _doc(doc_id: str, **extra: Any) -> dict[str, Any]:
    doc = {
        "doc_id": doc_id,
        "file_name": f"{doc_id[:4]}.pdf",
        "path": f"/corpus/{doc_id[:4]}.pdf",
        "title": f"Report {doc_id[:4]}",
        "author": None,
        "publisher": "Example Institute",
        "published": "2024-05",
        "added_at": "2026-11-30T10:00:00+00:00",
    }
    doc.update(extra)
    return doc


def _claim(n: int, doc_id: str = DOC_A, **extra: Any) -> dict[str, Any]:
    row = {
        "claim_id": f"claim{n:019d}",
        "doc_id": doc_id,
        "chunk_id": n,
        "page_no": n,
        "char_start": 0,
        "char_end": 40,
        "sentence": f"Sentence number {n} says the state did it.",
        "actor": "CHN",
        "actor_mention": "China",
        "organ": None,
        "capability": "cyber_espionage",
        "target": None,
        "ai_enabled": 0,
        "likelihood": None,
        "confidence": None,
        "stance": "fact",
    }
    row.update(extra)
    return row


ROWS = [
    _claim(1, target="US targets", likelihood="likely"),
    _claim(2, actor="RUS", actor_mention="Fancy Bear", organ="GRU", capability="influence_operations"),
    _claim(3, actor_mention="Huawei", organ="Huawei", capability="technology_export", ai_enabled=1),
    _claim(4, actor="PRK", actor_mention="RGB", organ="RGB", capability="cyber_attack", target="banks"),
    _claim(5, actor=None, actor_mention=None, capability="surveillance"),
    _claim(6, doc_id=DOC_B, actor="IRN", actor_mention="Iran", target="attacks", likelihood="very_likely"),
]
DOCS = {DOC_A: _doc(DOC_A, publisher_kind="think tank", doc_number="AA24-001A"), DOC_B: _doc(DOC_B, publisher=None)}


def _export(rows=ROWS, docs=DOCS, **kw) -> tuple[list[dict[str, Any]], str, Any]:
    bundle, stats = build_bundle(rows, docs, **kw)
    text = serialize_bundle(bundle)
    return json.loads(text).get("objects", []), text, stats


def _by_id(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in objects}


def _refs(obj: Any) -> list[str]:
    """Every *_ref / *_refs value anywhere inside an object."""
    out: list[str] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key.endswith("_ref") and isinstance(value, str):
                out.append(value)
            elif key.endswith("_refs") and isinstance(value, list):
                out.extend(value)
            else:
                out.extend(_refs(value))
    elif isinstance(obj, list):
        for item in obj:
            out.extend(_refs(item))
    return out


def assert_valid_bundle(text: str) -> list[str]:
    """stix2-validator finds no error, every ref resolves, stix2.parse keeps every object; returns warnings."""
    import stix2
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    objects = json.loads(text).get("objects", [])
    ids = {o["id"] for o in objects}
    assert len(ids) == len(objects), "duplicate ids"
    missing = {r for o in objects for r in _refs(o)} - ids
    assert not missing, missing
    parsed = stix2.parse(text, allow_custom=False)
    assert sorted(o.id for o in parsed.objects) == sorted(ids)
    return [str(w) for w in result.warnings]


def test_every_capability_maps_to_framework_ids_with_names() -> None:
    m = load_mapping()
    id_shape = {
        "DISARM": re.compile(r"^(TA\d{2}|T\d{4}(\.\d{3})?)$"),
        "mitre-attack": re.compile(r"^(TA\d{4}|T\d{4}(\.\d{3})?)$"),
        "mitre-mobile-attack": re.compile(r"^(TA\d{4}|T\d{4}(\.\d{3})?)$"),
    }
    for cap in CAPABILITIES:
        refs = m.capabilities[cap]["refs"]
        assert refs, cap
        for r in refs:
            assert id_shape[r["framework"]].match(r["id"]) and r["name"].strip(), (cap, r)
    cited = {(cap, r["id"], r["name"]) for cap in CAPABILITIES for r in m.capabilities[cap]["refs"]}
    assert ("cyber_espionage", "TA0010", "Exfiltration") in cited
    assert ("cyber_espionage", "T1566", "Phishing") in cited
    assert ("cyber_attack", "TA0040", "Impact") in cited
    assert ("cyber_attack", "T1498", "Network Denial of Service") in cited
    assert ("synthetic_media", "T0086.002", "Develop AI-Generated Images (Deepfakes)") in cited
    assert ("propaganda", "T0002", "Facilitate State Propaganda") in cited


def test_icd203_likelihood_maps_onto_the_wep_scale() -> None:
    conf = load_mapping().confidence
    assert [conf[level] for level in LIKELIHOODS] == sorted(conf[level] for level in LIKELIHOODS)
    wep_values = {10, 30, 50, 70, 90}  # STIX 2.1 Appendix B rows strictly between Impossible and Certain
    assert {conf[level] for level in LIKELIHOODS} <= wep_values
    assert (conf["unlikely"], conf["roughly_even_chance"], conf["likely"], conf["very_likely"]) == (30, 50, 70, 90)


def test_claims_become_reports_actors_patterns_relationships_and_notes() -> None:
    objects, text, stats = _export()
    warnings = assert_valid_bundle(text)
    assert all("{103}" in w or "{302}" in w for w in warnings), warnings  # UUIDv5 ids; URLs without hashes
    by_id = _by_id(objects)
    named = {(o["type"], o.get("name")): o for o in objects}
    rels = [o for o in objects if o["type"] == "relationship"]
    uses = [r for r in rels if r["relationship_type"] == "uses"]
    notes = [o for o in objects if o["type"] == "note"]
    exported = [r for r in ROWS if r["actor"]]
    assert stats.claims == len(exported) == len(uses) == len(notes) and stats.skipped_no_actor == 1

    # a state: nation-state threat actor located at its country (ISO alpha-2, alpha-3 cited)
    china = named[("threat-actor", "China")]
    assert china["threat_actor_types"] == ["nation-state"]
    loc = by_id[
        next(r["target_ref"] for r in rels if r["relationship_type"] == "located-at" and r["source_ref"] == china["id"])
    ]
    assert loc["country"] == "CN" and loc["external_references"][0]["external_id"] == "CHN"
    # a group alias: the intrusion set acts, attributed to its state and to its organ
    apt28 = named[("intrusion-set", "APT28")]
    attributed = {
        by_id[r["target_ref"]]["name"]
        for r in rels
        if r["source_ref"] == apt28["id"] and r["relationship_type"] == "attributed-to"
    }
    assert attributed == {"Russia", "GRU"}
    assert any(u["source_ref"] == apt28["id"] for u in uses)
    # organs: an intelligence service acts as a threat actor; a company is an identity the note points at
    rgb = named[("threat-actor", "RGB")]
    assert any(u["source_ref"] == rgb["id"] for u in uses)
    huawei = named[("identity", "Huawei")]
    assert any(huawei["id"] in n["object_refs"] for n in notes)
    assert all(u["source_ref"] != huawei["id"] for u in uses)
    # targets: a country -> its location, a sector word -> a sector identity, anything else -> none
    targets = {by_id[r["target_ref"]]["name"] for r in rels if r["relationship_type"] == "targets"}
    assert targets == {"United States", "Financial services sector"} and stats.untargeted == 1
    # confidence from the ICD 203 likelihood; AI as a label
    assert {u.get("confidence") for u in uses} == {None, 70, 90}
    assert any("ai-enabled" in u["labels"] for u in uses)
    # the note quotes the sentence with document and page, and points at its relationship and report
    for row in exported:
        note = next(n for n in notes if row["sentence"] in n["content"])
        assert f"page {row['page_no']}" in note["content"] and row["doc_id"] in note["content"]
        kinds = {by_id[r]["type"] for r in note["object_refs"]}
        assert {"relationship", "report"} <= kinds
    # one report per document, citing its claims, with sha256 and doc number
    reports = {o["external_references"][0]["hashes"]["SHA-256"]: o for o in objects if o["type"] == "report"}
    assert set(reports) == {DOC_A, DOC_B}
    assert reports[DOC_A]["external_references"][0]["external_id"] == "AA24-001A"
    assert reports[DOC_A]["published"].startswith("2024-05-01")
    assert by_id[reports[DOC_A]["created_by_ref"]]["sectors"] == ["non-profit"]
    assert "created_by_ref" not in reports[DOC_B]
    assert {u["id"] for u in uses} <= set(reports[DOC_A]["object_refs"]) | set(reports[DOC_B]["object_refs"])


def test_ids_and_timestamps_are_stable_and_follow_the_stored_claim() -> None:
    _, first, _ = _export()
    _, again, _ = _export()
    assert first == again  # same index, same bytes
    objects = json.loads(first)["objects"]

    # the same claim with another likelihood keeps its ids; its document re-ingested moves `modified`
    rows = [dict(r, likelihood="almost_certain") if r is ROWS[0] else r for r in ROWS]
    docs = {**DOCS, DOC_A: dict(DOCS[DOC_A], added_at="2026-12-01T09:00:00+00:00")}
    changed, _, _ = _export(rows, docs)
    before, after = _by_id(objects), _by_id(changed)
    assert set(before) == set(after)
    for note in (o for o in changed if o["type"] == "note"):
        if DOC_A in note["content"]:
            assert note["modified"].startswith("2026-12-01T09:00:00.000")
            assert note["created"] == note["modified"]
        else:
            assert note == before[note["id"]]
    first_uses = next(
        o
        for o in changed
        if o["type"] == "relationship" and o["relationship_type"] == "uses" and "page 1." in o["description"]
    )
    assert first_uses["confidence"] == 90 and before[first_uses["id"]]["confidence"] == 70
    shared = [o for o in changed if o["type"] in ("threat-actor", "attack-pattern", "location", "intrusion-set")]
    assert all(o == before[o["id"]] for o in shared)


def test_filters_empty_results_and_min_likelihood() -> None:
    objects, text, stats = _export(min_likelihood="very_likely")
    assert stats.claims == 1 and stats.skipped_likelihood == 4
    assert_valid_bundle(text)
    empty, text, stats = _export(rows=[ROWS[4]])
    assert empty == [] and stats.claims == 0
    assert json.loads(text)["type"] == "bundle"


def test_cli_errors_are_one_line(tmp_path) -> None:
    proc = run_cli("export", "stix", "--index", str(tmp_path / "none"))
    assert proc.returncode == 1 and proc.stderr.startswith("Error:") and "ingest" in proc.stderr
    proc = run_cli("export", "stix", "--index", str(tmp_path), "--capability", "hacking")
    assert proc.returncode == 2 and "unknown capability" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("export", "stix", "--help")
    assert proc.returncode == 0 and "--min-likelihood" in proc.stdout


@pytest.mark.model
def test_export_of_the_sample_corpus(sample_index, tmp_path) -> None:
    out = tmp_path / "bundle.json"
    proc = run_cli("export", "stix", "--index", str(sample_index), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert_valid_bundle(text)
    objects = json.loads(text)["objects"]
    claims = json.loads(run_cli("claims", "--index", str(sample_index), "--json").stdout)["claims"]
    with_actor = [c for c in claims if c["actor"]]
    assert with_actor
    uses = [o for o in objects if o["type"] == "relationship" and o["relationship_type"] == "uses"]
    notes = [o for o in objects if o["type"] == "note"]
    assert len(uses) == len(notes) == len(with_actor)
    for c in with_actor:
        assert any(c["source"]["sentence"] in n["content"] for n in notes)
    # stdout gives the same bundle; a filter narrows it to one state
    assert run_cli("export", "stix", "--index", str(sample_index), "-q").stdout == text
    china = run_cli("export", "stix", "--index", str(sample_index), "--actor", "CHN", "-q").stdout
    assert_valid_bundle(china)
    actors = [o for o in json.loads(china)["objects"] if o["type"] in ("threat-actor", "intrusion-set")]
    assert actors and all("CHN" in a["description"] for a in actors)
