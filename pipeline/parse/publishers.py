"""Who issued a report: issuing organisations (publishers.toml) matched on the first pages and PDF fields.

Each organisation has a canonical name, a kind (government, intelligence, think tank,
academic, NGO, vendor, platform, media) and spelling variants. Strong variants count
anywhere; weak ones ("RAND", "NCSC") only in PDF author fields, beside words such as
"Inc." or "Labs", or when nothing strong matched. Matches weigh by where they stand:
PDF author/company fields and the cover page most, copyright and "prepared by" lines
more, later pages and running text little, since reports name many agencies and vendors.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

KINDS = ("government", "intelligence", "think tank", "academic", "NGO", "vendor", "platform", "media")
# PDF fields that name an organisation, and their weights; producer/creator only when
# they are not the software that wrote the file.
_FIELD_WEIGHTS = {"Author": 6.0, "Publisher": 6.0, "Company": 3.0, "Subject": 2.0, "Creator": 0.5, "Producer": 0.5}
_SOFTWARE = re.compile(
    r"word|powerpoint|excel|office|acrobat|distiller|pdf|indesign|quartz|writer|latex|\btex\b|print|"
    r"chrom|skia|wkhtml|safari|mac os|library|ghostscript|framemaker|illustrator|publisher \d|cairo|qt\b",
    re.I,
)
_ORG_WORDS = re.compile(
    r"^\s*(?:inc\b|ltd\b|llc\b|labs?\b|research\b|team\b|corp|corporation\b|security\b|group\b|intelligence\b)", re.I
)
_ISSUER_LINE = re.compile(
    r"©|\(c\)\s*\d{4}|copyright|all rights reserved|prepared by|published by|a report (?:by|from)|"
    r"produced by|issued by|research brief|white ?paper",
    re.I,
)
# A commissioned study is issued by whoever it was prepared for.
_COMMISSION_LINE = re.compile(r"prepared for|submitted to|commissioned by|on behalf of", re.I)
# A printed web address names the site: "citizenlab.org/2016/08/...", "www.fireeye.com".
_DOMAIN = re.compile(
    r"\b(?:https?://)?(?:www\.|[\w-]+\.)?([a-z0-9-]{3,})\.(?:org|com|net|gov|edu|int|io|co|ca|uk|de)\b", re.I
)


@dataclass(frozen=True)
class Publisher:
    name: str
    kind: str
    short: str | None = None


@dataclass(frozen=True)
class _Catalogue:
    strong: re.Pattern[str]
    weak: re.Pattern[str] | None
    by_variant: dict[str, Publisher]
    by_squashed: dict[str, Publisher]  # "citizenlab", "paloaltonetworks": how a domain spells a name


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@functools.lru_cache(maxsize=1)
def _catalogue() -> _Catalogue:
    data = tomllib.loads(resources.files("pipeline.parse").joinpath("publishers.toml").read_text("utf-8"))
    by_variant: dict[str, Publisher] = {}
    by_squashed: dict[str, Publisher] = {}
    strong: list[str] = []
    weak: list[str] = []
    for entry in data.get("publisher", []):
        pub = Publisher(str(entry["name"]), str(entry["kind"]), entry.get("short"))
        for v in entry.get("variants", []):
            if _key(v) not in by_variant:
                by_variant[_key(v)] = pub
                strong.append(v)
            squashed = re.sub(r"[^a-z0-9]", "", v.lower())
            if len(squashed) >= 4:
                by_squashed.setdefault(squashed, pub)
        for v in entry.get("weak_variants", []):
            if _key(v) not in by_variant:
                by_variant[_key(v)] = pub
                weak.append(v)
    return _Catalogue(_alternation(strong), _alternation(weak) if weak else None, by_variant, by_squashed)


def _alternation(variants: list[str]) -> re.Pattern[str]:
    # longest first, so the alternation prefers "European Council on Foreign Relations"
    parts = [r"\s+".join(re.escape(w) for w in v.split()) for v in sorted(set(variants), key=len, reverse=True)]
    return re.compile(r"(?<![\w&-])(?:" + "|".join(parts) + r")(?![\w&-])", re.I)


def lookup(name: str | None) -> Publisher | None:
    """The catalogue entry one of whose variants is exactly `name`."""
    return _catalogue().by_variant.get(_key(name)) if name else None


_ORG_AFFIXES = re.compile(
    r"^(?:the|an?)\s+|[\s,]+(?:inc|ltd|llc|corp|corporation|co|gmbh|ag|sa|ab|as|plc|pty ltd|pty|"
    r"labs?|research|team|group|security|securitylabs|blog|\.com|\.org)\.?$|[\s,.:;|®™©]+$",
    re.I,
)


def is_issuer_name(text: str | None) -> bool:
    """Whether a line is only an organisation's name (a logo's text, "Kaspersky Lab, USA" aside)."""
    if not text:
        return False
    name = " ".join(text.split())
    for _ in range(3):
        if lookup(name) is not None:
            return True
        stripped = _ORG_AFFIXES.sub("", name).strip()
        if stripped == name or not stripped:
            break
        name = stripped
    return lookup(name) is not None


def find_publisher(first_pages: list[list[str]], fields: dict[str, str]) -> Publisher | None:
    """The issuing organisation from the first pages' lines and the PDF info fields, or None."""
    cat = _catalogue()
    scores: dict[Publisher, float] = {}
    first_seen: dict[Publisher, int] = {}
    order = 0

    def add(pub: Publisher, weight: float) -> None:
        nonlocal order
        scores[pub] = scores.get(pub, 0.0) + weight
        first_seen.setdefault(pub, order)
        order += 1

    for key, weight in _FIELD_WEIGHTS.items():
        value = fields.get(key, "")
        if not value or (key in ("Creator", "Producer") and _SOFTWARE.search(value)):
            continue
        for pat in (cat.strong, cat.weak):
            for m in pat.finditer(value) if pat else ():
                add(cat.by_variant[_key(m.group(0))], weight)
    weak_hits: list[tuple[Publisher, float]] = []
    for page_index, lines in enumerate(first_pages):
        page_weight = 3.0 if page_index == 0 else 1.0
        seen_on_page: dict[Publisher, int] = {}
        for line in lines:
            bonus = 3.0 if _COMMISSION_LINE.search(line) else 2.0 if _ISSUER_LINE.search(line) else 0.0
            for m in _DOMAIN.finditer(line):
                site = cat.by_squashed.get(m.group(1).lower().replace("-", ""))
                if site is not None:
                    add(site, page_weight + 2.0)
            for m in cat.strong.finditer(line):
                pub = cat.by_variant[_key(m.group(0))]
                seen_on_page[pub] = seen_on_page.get(pub, 0) + 1
                # repeated mentions in running text add little
                add(pub, (page_weight if seen_on_page[pub] <= 2 else 0.2) + bonus)
            if cat.weak is not None:
                for m in cat.weak.finditer(line):
                    pub = cat.by_variant[_key(m.group(0))]
                    if _ORG_WORDS.match(line[m.end() :]) or bonus:
                        add(pub, page_weight + bonus)
                    else:
                        weak_hits.append((pub, 0.5 * page_weight))
    if not scores:
        for pub, weight in weak_hits:
            add(pub, weight)
    if not scores:
        return None
    return max(scores, key=lambda p: (scores[p], -first_seen[p]))
