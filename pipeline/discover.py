"""What a run is given: PDF files under paths, and the catalogue files that override their metadata."""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.models import DocumentMeta

log = logging.getLogger(__name__)


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """PDF files under the given files and folders (recursive), and paths that don't exist."""
    found: dict[str, Path] = {}
    missing: list[tuple[str, str, str]] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.is_file() and sub.suffix.lower() == ".pdf":
                    found[str(sub.resolve())] = sub.resolve()
        elif p.is_file():
            found[str(p.resolve())] = p.resolve()
        else:
            missing.append((str(p), "parse_error", "no such file or folder"))
    return sorted(found.values()), missing


@lru_cache(maxsize=64)
def _catalogue(folder: Path) -> dict[str, dict[str, str]]:
    """Optional MANIFEST.tsv / catalogue.tsv beside the PDFs: file, title, publisher, year|date."""
    for name in ("catalogue.tsv", "MANIFEST.tsv", "manifest.tsv"):
        path = folder / name
        if path.is_file():
            try:
                with open(path, encoding="utf-8", newline="") as fh:
                    rows = list(csv.DictReader(fh, delimiter="\t"))
            except (OSError, csv.Error, UnicodeDecodeError) as exc:
                log.warning("ignoring %s: %s", path, exc)
                return {}
            return {r["file"]: r for r in rows if r.get("file")}
    return {}


def apply_catalogue(meta: DocumentMeta, path: Path) -> DocumentMeta:
    """Title, publisher (and its kind), date and doc_number from a catalogue row override the PDF's."""
    row = _catalogue(path.parent).get(path.name)
    if not row:
        return meta
    published = (row.get("date") or row.get("published") or row.get("year") or "").strip()
    publisher = (row.get("publisher") or "").strip()
    kind = (row.get("kind") or row.get("publisher_kind") or "").strip()
    if publisher and not kind:
        from pipeline.parse.publishers import lookup  # data only: no PDF stack in the parent

        known = lookup(publisher)
        kind = known.kind if known else ""
    return replace(
        meta,
        title=(row.get("title") or "").strip() or meta.title,
        publisher=publisher or meta.publisher,
        published=published or meta.published,
        publisher_kind=(kind or None) if publisher else meta.publisher_kind,
        doc_number=(row.get("doc_number") or "").strip() or meta.doc_number,
    )


def parse_paths(values: Sequence[str]) -> list[Path]:
    if not values:
        raise UsageError("give at least one PDF file or folder")
    return [Path(v) for v in values]
