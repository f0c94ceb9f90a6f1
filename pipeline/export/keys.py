"""Deterministic STIX ids and timestamps from stable data, and the ICD 203 likelihood order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pipeline.claims.vocab import LIKELIHOODS

# Fixed namespace of threatbrief's STIX ids: changing it changes every id.
NAMESPACE = uuid.UUID("2f0c8e4e-5b6a-5d0e-9a51-746872656174")


def stix_id(kind: str, *key: str) -> str:
    """`kind--uuid5(key)`: the same key always gives the same id."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join((kind, *key)))}"


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO timestamp from the index as an aware UTC datetime, or None."""
    if not value:
        return None
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def published_timestamp(published: str | None) -> datetime | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as midnight UTC of its first day, or None."""
    if not published:
        return None
    parts = published.strip()[:10].split("-")
    try:
        nums = [int(p) for p in parts]
        return datetime(nums[0], nums[1] if len(nums) > 1 else 1, nums[2] if len(nums) > 2 else 1, tzinfo=UTC)
    except (ValueError, IndexError):
        return None


def meets_likelihood(likelihood: str | None, minimum: str | None) -> bool:
    """True when no minimum is asked for, or the claim's ICD 203 level is at least `minimum`."""
    if minimum is None:
        return True
    if likelihood not in LIKELIHOODS:
        return False
    return LIKELIHOODS.index(likelihood) >= LIKELIHOODS.index(minimum)
