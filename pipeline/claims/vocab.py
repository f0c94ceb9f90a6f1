"""The closed vocabularies of TAXONOMY.md and date checking, shared by CLI and library."""

from __future__ import annotations

import re

from pipeline.errors import UsageError

CAPABILITIES = (
    "propaganda",
    "influence_operations",
    "censorship",
    "surveillance",
    "cyber_espionage",
    "cyber_attack",
    "data_exploitation",
    "synthetic_media",
    "transnational_repression",
    "technology_export",
)
LIKELIHOODS = (
    "almost_no_chance",
    "very_unlikely",
    "unlikely",
    "roughly_even_chance",
    "likely",
    "very_likely",
    "almost_certain",
)
CONFIDENCES = ("low", "moderate", "high")
STANCES = ("assessment", "reported", "fact")

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(value: str | None) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD, else a UsageError."""
    if value is None:
        return None
    value = value.strip()
    if not _DATE.match(value):
        raise UsageError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return value
