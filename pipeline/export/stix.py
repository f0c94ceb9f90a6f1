"""Stored claims -> one STIX 2.1 bundle built with `stix2`, with deterministic ids and timestamps.

Ids are UUIDv5 of stable keys (a claim's id, a state's ISO code, a capability code, a document's
sha256), so a re-export of the same index gives the same ids and a platform updates objects
instead of duplicating them. Timestamps come from the index, never from the clock: objects that a
document owns (its report, each claim's relationships and note) are created and modified at the
document's `added_at` (claims are written with their document in one transaction and rewritten
only when it is re-ingested); shared objects carry `mapping_date` from stix.toml.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import stix2

from pipeline.export.keys import meets_likelihood, parse_timestamp, published_timestamp, stix_id
from pipeline.export.mapping import Group, StixMapping, framework_ref, load_mapping
from pipeline.index.filters import Filters
from pipeline.settings import Settings

log = logging.getLogger(__name__)

_TYPE_ORDER = ("identity", "location", "threat-actor", "intrusion-set", "attack-pattern", "report")


@dataclass
class ExportStats:
    """What one export wrote: claims, objects by type, and what it left out and why."""

    claims: int = 0
    skipped_no_actor: int = 0
    skipped_likelihood: int = 0
    targets: int = 0
    untargeted: int = 0
    objects: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "skipped_no_actor": self.skipped_no_actor,
            "skipped_likelihood": self.skipped_likelihood,
            "targets": self.targets,
            "targets_not_resolved": self.untargeted,
            "objects": dict(sorted(self.objects.items())),
        }


class BundleBuilder:
    """Collects STIX objects once each, and for each object the objects it stands on."""

    def __init__(self, mapping: StixMapping) -> None:
        self.m = mapping
        self.shared_ts = parse_timestamp(mapping.mapping_date)
        self.objects: dict[str, Any] = {}
        self.closure: dict[str, set[str]] = {}  # id -> ids a report citing it must also cite

    def _add(self, obj: Any, needs: Iterable[str] = ()) -> str:
        self.objects[obj.id] = obj
        self.closure[obj.id] = {obj.id, *(i for n in needs for i in self.closure.get(n, {n}))}
        return str(obj.id)

    def _rel(self, kind: str, source: str, target: str, description: str | None = None) -> str:
        rid = stix_id("relationship", kind, source, target)
        if rid not in self.objects:
            rel = stix2.Relationship(
                id=rid,
                relationship_type=kind,
                source_ref=source,
                target_ref=target,
                description=description,
                created=self.shared_ts,
                modified=self.shared_ts,
            )
            self._add(rel, (source, target))
        return rid

    # -- shared objects -------------------------------------------------------
    def location(self, code: str) -> str | None:
        lid = stix_id("location", "country", code)
        if lid in self.objects:
            return lid
        alpha2 = self.m.alpha2.get(code)
        if alpha2 is None:
            return None
        loc = stix2.Location(
            id=lid,
            name=self.m.state_name(code),
            country=alpha2,
            external_references=[{"source_name": "ISO 3166-1 alpha-3", "external_id": code}],
            created=self.shared_ts,
            modified=self.shared_ts,
        )
        return self._add(loc)

    def state(self, code: str) -> str:
        tid = stix_id("threat-actor", "state", code)
        if tid in self.objects:
            return tid
        name = self.m.state_name(code)
        actor = stix2.ThreatActor(
            id=tid,
            name=name,
            threat_actor_types=["nation-state"],
            resource_level="government",
            description=f"The state of {name} (ISO 3166-1 {code}) acting through its government and organs.",
            created=self.shared_ts,
            modified=self.shared_ts,
        )
        self._add(actor)
        loc = self.location(code)
        if loc:
            self.closure[tid] |= self.closure[self._rel("located-at", tid, loc)]
        return tid

    def organ(self, code: str, organ: str) -> tuple[str, bool]:
        """The organ's id, and whether it is a threat-actor (else an identity), per stix.toml's rule."""
        state_name = self.m.state_name(code)
        is_actor = organ in self.m.organ_threat_actors
        kind = "threat-actor" if is_actor else "identity"
        oid = stix_id(kind, "organ", code, organ)
        if oid in self.objects:
            return oid, is_actor
        # generic organ names ("state media") are labels: qualify them with the state
        name = organ if organ[:1].isupper() else f"{state_name} {organ}"
        aliases = [a for a in self.m.states.get(code, {}).get("organs", {}).get(organ, []) if a != name]
        common = {"id": oid, "name": name, "created": self.shared_ts, "modified": self.shared_ts}
        description = f"Organ of {state_name} ({code})."
        if is_actor:
            obj = stix2.ThreatActor(
                threat_actor_types=["nation-state"],
                resource_level="government",
                aliases=aliases or None,
                description=description,
                **common,
            )
        else:
            obj = stix2.Identity(
                identity_class="organization",
                sectors=self.m.organ_sectors.get(organ),
                description=description,
                **common,
            )
        self._add(obj)
        loc = self.location(code)
        if loc:
            self.closure[oid] |= self.closure[self._rel("located-at", oid, loc)]
        if is_actor:
            state = self.state(code)
            rel = self._rel("related-to", oid, state, f"{name} is an organ of {state_name}.")
            self.closure[oid] |= self.closure[rel]
        return oid, is_actor

    def group(self, g: Group) -> str:
        gid = stix_id("intrusion-set", g.name.casefold())
        if gid in self.objects:
            return gid
        state_name = self.m.state_name(g.state)
        obj = stix2.IntrusionSet(
            id=gid,
            name=g.name,
            aliases=list(g.aliases) or None,
            description=f"Named group attributed to {state_name} ({g.state}).",
            created=self.shared_ts,
            modified=self.shared_ts,
        )
        self._add(obj)
        state = self.state(g.state)
        self.closure[gid] |= self.closure[self._rel("attributed-to", gid, state)]
        if g.organ and g.organ in self.m.organ_threat_actors:
            organ, _ = self.organ(g.state, g.organ)
            self.closure[gid] |= self.closure[self._rel("attributed-to", gid, organ)]
        return gid

    def attack_pattern(self, capability: str) -> str:
        aid = stix_id("attack-pattern", capability)
        if aid in self.objects:
            return aid
        spec = self.m.capabilities.get(capability, {})
        refs = [{"source_name": "threatbrief", "external_id": capability}]
        refs += [framework_ref(r["framework"], r["id"], r["name"]) for r in spec.get("refs", [])]
        obj = stix2.AttackPattern(
            id=aid,
            name=spec.get("name", capability),
            description=f"threatbrief capability `{capability}` (TAXONOMY.md).",
            external_references=refs,
            created=self.shared_ts,
            modified=self.shared_ts,
        )
        return self._add(obj)

    def sector(self, sector: str, label: str) -> str:
        sid = stix_id("identity", "sector", sector, label)
        if sid not in self.objects:
            obj = stix2.Identity(
                id=sid,
                name=f"{label} sector",
                identity_class="class",
                sectors=[sector],
                created=self.shared_ts,
                modified=self.shared_ts,
            )
            self._add(obj)
        return sid

    def publisher(self, name: str, kind: str | None) -> str:
        pid = stix_id("identity", "publisher", " ".join(name.casefold().split()))
        if pid not in self.objects:
            obj = stix2.Identity(
                id=pid,
                name=name,
                identity_class="organization",
                sectors=self.m.publisher_sectors.get(kind) if kind else None,
                description="Publisher of indexed reports" + (f" (kind: {kind})." if kind else "."),
                created=self.shared_ts,
                modified=self.shared_ts,
            )
            self._add(obj)
        return pid

    # -- what a document says -------------------------------------------------
    def claim(self, row: dict[str, Any], doc: dict[str, Any], report_id: str, stats: ExportStats) -> set[str]:
        """A claim's `uses` (and `targets`) relationship and its note; returns the ids its report cites."""
        source, organ_id = self._source(row)
        pattern = self.attack_pattern(row["capability"])
        cites = self.closure[source] | self.closure[pattern]
        ts = parse_timestamp(doc.get("added_at")) or self.shared_ts
        publisher = (doc.get("publisher") or "").strip()
        author = self.publisher(publisher, doc.get("publisher_kind")) if publisher else None
        if author:
            cites.add(author)
        title = (doc.get("title") or doc["file_name"]).strip()
        cap_name = self.m.capabilities.get(row["capability"], {}).get("name", row["capability"])
        who = self.objects[source].name
        mention = row.get("actor_mention")
        labels = [f"capability:{row['capability']}", f"stance:{row['stance']}"]
        if row["ai_enabled"]:
            labels.insert(0, "ai-enabled")
        if row.get("likelihood"):
            labels.append(f"icd203:{row['likelihood']}")
        if row.get("confidence"):
            labels.append(f"analytic-confidence:{row['confidence']}")
        common = {
            "created": ts,
            "modified": ts,
            "created_by_ref": author,
            "confidence": self.m.confidence.get(row.get("likelihood") or ""),
            "labels": labels,
        }
        where = f'{publisher + ", " if publisher else ""}"{title}", page {row["page_no"]}'
        # a state's own names and demonyms ("Chinese") add nothing; group and organ aliases do
        said = f' (named as "{mention}")' if mention and mention != who and mention not in self.m.country_codes else ""
        uses = stix2.Relationship(
            id=stix_id("relationship", "uses", row["claim_id"], source, pattern),
            relationship_type="uses",
            source_ref=source,
            target_ref=pattern,
            description=f"{who}{said} — {cap_name}. {where}.",
            **common,
        )
        refs = [self._add(uses, (source, pattern))]
        target = (row.get("target") or "").strip()
        if target:
            target_id = self._target(target)
            if target_id is None:
                stats.untargeted += 1
            else:
                stats.targets += 1
                targets = stix2.Relationship(
                    id=stix_id("relationship", "targets", row["claim_id"], source, target_id),
                    relationship_type="targets",
                    source_ref=source,
                    target_ref=target_id,
                    description=f'{who} — {cap_name} against "{target}". {where}.',
                    **common,
                )
                refs.append(self._add(targets, (source, target_id)))
        cites.update(i for r in refs for i in self.closure[r])
        note_refs = [*refs, report_id]
        if organ_id and organ_id != source:
            note_refs.append(organ_id)
            cites |= self.closure[organ_id]
        note = stix2.Note(
            id=stix_id("note", row["claim_id"]),
            abstract=f"{title}, p. {row['page_no']}",
            content=f'"{row["sentence"]}"\n\n— {where} ({doc["file_name"]}, sha256 {doc["doc_id"]}).',
            authors=[publisher] if publisher else None,
            object_refs=note_refs,
            created=ts,
            modified=ts,
            created_by_ref=author,
            labels=labels,
            external_references=[{"source_name": "threatbrief", "external_id": row["claim_id"]}],
        )
        self._add(note)
        return cites

    def _source(self, row: dict[str, Any]) -> tuple[str, str | None]:
        """Who acts in a claim (its named group, else its organ if a threat actor, else its state),
        and the claim's organ when that is not a group."""
        code = row["actor"]
        group = self.m.group_for(row.get("actor_mention"), row.get("organ"))
        organ_id, organ_acts = None, False
        if row.get("organ") and self.m.group_for(row["organ"]) is None:
            organ_id, organ_acts = self.organ(code, row["organ"])
        if group is not None and group.state == code:
            return self.group(group), organ_id
        if organ_id is not None and organ_acts:
            return organ_id, organ_id
        return self.state(code), organ_id

    def _target(self, target: str) -> str | None:
        code = self.m.target_country(target)
        if code is not None:
            return self.location(code)
        sector = self.m.target_sector(target)
        return self.sector(*sector) if sector else None

    def report(self, doc: dict[str, Any], report_id: str, cites: set[str]) -> str:
        added = parse_timestamp(doc.get("added_at")) or self.shared_ts
        publisher = (doc.get("publisher") or "").strip()
        author = self.publisher(publisher, doc.get("publisher_kind")) if publisher else None
        ref: dict[str, Any] = {
            "source_name": publisher or "threatbrief",
            "description": f"{doc['file_name']} (sha256 {doc['doc_id']})",
            "hashes": {"SHA-256": doc["doc_id"]},
        }
        if doc.get("doc_number"):
            ref["external_id"] = str(doc["doc_number"])
        report = stix2.Report(
            id=report_id,
            name=(doc.get("title") or doc["file_name"]).strip(),
            description=f"{doc['file_name']}" + (f" by {doc['author']}" if doc.get("author") else ""),
            report_types=["threat-report"],
            published=published_timestamp(doc.get("published")) or added,
            object_refs=sorted(cites - {report_id}),
            external_references=[ref],
            created=added,
            modified=added,
            created_by_ref=author,
        )
        return self._add(report)

    def bundle(self) -> stix2.Bundle:
        """All objects, shared ones first, in a stable order; the bundle id derives from them."""
        rank = {t: i for i, t in enumerate(_TYPE_ORDER)}
        objects = sorted(self.objects.values(), key=lambda o: (rank.get(o.type, len(rank)), o.type, o.id))
        digest = hashlib.sha256("\n".join(o.id for o in objects).encode()).hexdigest()
        return stix2.Bundle(id=stix_id("bundle", digest), objects=objects or None)


def build_bundle(
    rows: list[dict[str, Any]],
    documents: dict[str, dict[str, Any]],
    min_likelihood: str | None = None,
    mapping: StixMapping | None = None,
) -> tuple[stix2.Bundle, ExportStats]:
    """Stored claim rows (with their documents by doc_id) -> a bundle (without objects when none qualify)."""
    builder = BundleBuilder(mapping or load_mapping())
    stats = ExportStats()
    cites: dict[str, set[str]] = {}
    for row in rows:
        if not row.get("actor"):
            stats.skipped_no_actor += 1
            continue
        if not meets_likelihood(row.get("likelihood"), min_likelihood):
            stats.skipped_likelihood += 1
            continue
        doc = documents[row["doc_id"]]
        report_id = stix_id("report", doc["doc_id"])
        cites.setdefault(doc["doc_id"], set()).update(builder.claim(row, doc, report_id, stats))
        stats.claims += 1
    for doc_id, refs in cites.items():
        builder.report(documents[doc_id], stix_id("report", doc_id), refs)
    bundle = builder.bundle()
    stats.objects = Counter(o.type for o in bundle.get("objects", []))
    return bundle, stats


def serialize_bundle(bundle: stix2.Bundle) -> str:
    """The bundle as indented JSON, properties in spec order (stix2's fast path, ASCII-safe)."""
    return str(bundle.serialize(indent=2, ensure_ascii=True)) + "\n"


def export_stix(settings: Settings, f: Filters, min_likelihood: str | None = None) -> tuple[str, ExportStats]:
    """The stored claims passing the filters as one STIX 2.1 bundle (JSON text), and what it holds."""
    from pipeline.index.health import open_index

    with open_index(settings) as store:
        rows = store.claims(f)
        documents = {d["doc_id"]: d for d in store.documents({r["doc_id"] for r in rows})}
    bundle, stats = build_bundle(rows, documents, min_likelihood)
    log.info("stix export: %s", stats.to_json())
    return serialize_bundle(bundle), stats
