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

from pipeline.parse.firstpages import first_lines, with_next
from pipeline.parse.phrases import PhraseMatcher

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
    r"produced by|issued by|\b(?:released|published|issued)\b[^.]{0,40}\bby\b|"
    r"^\s*(?-i:By|BY|Authors?|AUTHORS?|Written by)\b|\bvol(?:ume)?\.?\s*\d+\s*,\s*(?:no|issue)\b|"
    r"^\s*an? [\w&.-]+(?: [\w&.-]+){0,3} (?:overview|report|analysis|white ?paper|publication)\s*$",
    re.I,
)
# A commissioned study is issued by whoever it was prepared for.
_COMMISSION_LINE = re.compile(
    r"^\W*(?:(?:a )?(?:report |study )?(?:prepared|written|produced|submitted) (?:for|to)|commissioned by|"
    r"on behalf of)\b",
    re.I,
)
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
    strong: PhraseMatcher
    weak: PhraseMatcher | None
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
    return _Catalogue(PhraseMatcher(strong), PhraseMatcher(weak) if weak else None, by_variant, by_squashed)


def lookup(name: str | None) -> Publisher | None:
    """The catalogue entry one of whose variants is exactly `name`."""
    return _catalogue().by_variant.get(_key(name)) if name else None


_ORG_AFFIXES = re.compile(
    r"^(?:the|an?)\s+|[\s,]+(?:inc|ltd|llc|corp|corporation|co|gmbh|ag|sa|ab|as|plc|pty ltd|pty|"
    r"labs?|research|team|group|security|securitylabs|blog|\.com|\.org)\.?$|[\s,.:;|®™©]+$|,\s*[^,]{2,24}$",
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
    """The issuing organisation from the first pages' lines (the cover first) and the PDF info fields.

    An organisation's name standing on a line of its own (a logo's text, a masthead, a
    byline's affiliation), in a copyright or "prepared by/for" line, in the author fields or
    after the site separator of the Title field ("... | CISA") is the issuer's mark; a name
    inside running text or a list ("Media coverage: AP, Forbes") is a mention, worth little.
    """
    scores = _scores(first_pages, fields)
    best = max(scores, key=lambda p: scores[p]) if scores else None  # dicts keep the order names were first seen
    if best is not None and scores[best] >= 1.0:
        return best
    return _copyright_holder(first_pages)


_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©|\(c\))?\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?,?\s*)?(?:by\s+)?"
    r"(?P<name>[A-Z][\w&'’.-]*(?:[ ,]+(?:[A-Z][\w&'’.-]*|&|and|of|for|the)){0,7})",
)
_ORG_NAME = re.compile(
    r"\b(?:inc|ltd|llc|corp|corporation|company|co|group|institute|institution|foundation|center|centre|"
    r"university|college|labs?|laboratory|security|technologies|technology|agency|council|association|"
    r"society|gmbh|ag|sa|ab|as|oy|plc|network|networks|software|systems|research|ministry|department|office)\b\.?",
    re.I,
)


def _copyright_holder(first_pages: list[list[str]]) -> Publisher | None:
    """An issuer the catalogue does not know, from a copyright line ("© 2021 Example Security Ltd."):
    its name as printed, its kind unknown."""
    for line in first_lines(first_pages):
        m = _COPYRIGHT.search(line)
        if not m:
            continue
        name = re.split(r"\.\s|,?\s+all rights reserved|\s+[|•]\s", m.group("name"), flags=re.I)[0]
        name = name.strip(" ,.")
        if _ORG_NAME.search(name) and 3 <= len(name) <= 80:
            return Publisher(name, "")
    return None


def _scores(first_pages: list[list[str]], fields: dict[str, str]) -> dict[Publisher, float]:
    cat = _catalogue()
    scores: dict[Publisher, float] = {}
    mentions: dict[Publisher, int] = {}

    def add(pub: Publisher, weight: float) -> None:
        scores[pub] = scores.get(pub, 0.0) + weight

    for key, weight in _FIELD_WEIGHTS.items():
        value = fields.get(key, "")
        if not value or (key in ("Creator", "Producer") and _SOFTWARE.search(value)):
            continue
        for pub in _names_in(value, cat, weak_too=True):
            add(pub, weight)
    site = _SITE_SUFFIX.match(" ".join(fields.get("Title", "").split()))
    if site:
        for pub in _names_in(site.group(1), cat, weak_too=True):
            add(pub, 6.0)
    for page_index, lines in enumerate(first_pages):
        cover = page_index == 0
        if cover and _prosecution_caption(lines):
            prosecutor = lookup("U.S. Department of Justice")
            if prosecutor is not None:
                add(prosecutor, 14.0)
        for text, names in _page_matches(lines, cat):
            context = _context(text, names, cat)
            for pub in names:
                if context == "commission":
                    add(pub, 9.0)
                elif context == "issuer":
                    add(pub, 6.0 if cover else 4.0)
                elif context == "standalone":
                    add(pub, 6.0 if cover else 1.5)
                elif context == "self":
                    mentions[pub] = mentions.get(pub, 0) + 1
                    if mentions[pub] <= 4:
                        add(pub, 1.5 if cover else 0.5)
                else:
                    mentions[pub] = mentions.get(pub, 0) + 1
                    if mentions[pub] <= 3:
                        add(pub, 0.8 if cover else 0.3)
        for line in lines:
            if re.match(r"^\s*\d+\s", line):
                continue  # a numbered note or reference
            for m in _DOMAIN.finditer(line):
                owner = cat.by_squashed.get(m.group(1).lower().replace("-", ""))
                if owner is None:
                    continue
                alone = len(line.split()) <= 3 and line.strip().lower().startswith(("http", "www", m.group(0).lower()))
                add(owner, (5.0 if cover else 1.0) if alone else 0.3)
    return scores


_SITE_SUFFIX = re.compile(r"^.{8,}?\s+(?:[|•·»]|[–—-]{1,2}|::)\s+([^|•·»–—]{2,60})$")
_LIST_LABEL = re.compile(
    r"^(?:media coverage|see also|related|sources?|references?|partners?|with (?:the )?(?:collaboration|support|help)"
    r"|thanks|acknowledge?ments?|in collaboration|cc|contacts?|tags?|topics?|categories|filed under|share)\b",
    re.I,
)
_PROSECUTION = re.compile(r"^\W*united states of america\W*(?:\|.*)?$", re.I)
_VERSUS_LINE = re.compile(r"^\W*(?:v\.?|vs\.?|versus)\W*(?:\|.*)?$", re.I)


def _prosecution_caption(lines: list[str]) -> bool:
    """A U.S. criminal filing's caption ("UNITED STATES OF AMERICA v. ..."): the prosecutor filed it."""
    for i, line in enumerate(lines[:60]):
        if _PROSECUTION.match(line) and any(_VERSUS_LINE.match(x) for x in lines[i + 1 : i + 4]):
            return True
    return False


def _names_in(text: str, cat: _Catalogue, *, weak_too: bool) -> list[Publisher]:
    found: list[Publisher] = []
    for pat in (cat.strong, cat.weak if weak_too else None):
        for m in pat.finditer(text) if pat else ():
            pub = cat.by_variant[_key(m.group(0))]
            if pub not in found:
                found.append(pub)
    return found


def _page_matches(lines: list[str], cat: _Catalogue) -> list[tuple[str, list[Publisher]]]:
    """For each line, the organisations named in it (a name broken over two lines counts on the first)."""
    out: list[tuple[str, list[Publisher]]] = []
    for line, nxt in with_next(lines):
        names: list[Publisher] = []
        spans: list[tuple[int, int]] = []
        for m in cat.strong.finditer(line):
            names.append(cat.by_variant[_key(m.group(0))])
            spans.append(m.span())
        if nxt is not None and nxt.strip():
            joined = f"{line} {nxt}"
            for m in cat.strong.finditer(joined):
                if m.start() < len(line) < m.end():
                    pub = cat.by_variant[_key(m.group(0))]
                    # the longer name across the break wins over its part on this line
                    names = [n for n, (a, _b) in zip(names, spans, strict=True) if a < m.start()] + [pub]
                    line = joined
        if cat.weak is not None:
            for m in cat.weak.finditer(line):
                if len(m.group(0)) >= 3 and (_ORG_WORDS.match(line[m.end() :]) or _ISSUER_LINE.search(line)):
                    names.append(cat.by_variant[_key(m.group(0))])
        unique = list(dict.fromkeys(names))
        if unique:
            out.append((line, unique))
    return out


def _context(line: str, names: list[Publisher], cat: _Catalogue) -> str:
    """commission, issuer, standalone or mention: what the line says about the names in it."""
    if _COMMISSION_LINE.search(line):
        return "commission"
    if _ISSUER_LINE.search(line):
        return "issuer"
    if _LIST_LABEL.match(line) or len(names) > 2 or re.match(r"^\s*\d+\s", line):
        return "mention"  # a list of names, or a numbered note or reference
    rest = cat.strong.sub(" ", line)
    if cat.weak is not None:
        rest = cat.weak.sub(" ", rest)
    rest_words = [w for w in re.findall(r"[^\W\d_]+", rest) if len(w) > 1]
    if all(_FILLER.fullmatch(w.removesuffix("TM")) for w in rest_words) and not re.search(r"[.!?]\s*$", line.strip()):
        return "standalone"
    if _SELF_REFERENCE.search(line):
        return "self"
    return "mention"


# Words that stand beside an organisation's name in a logo, masthead or affiliation line.
_FILLER = re.compile(
    r"(?i:the|an?|of|and|for|inc|ltd|llc|corp|corporation|co|pty|gmbh|ag|sa|ab|as|asa|oy|bv|nv|plc|srl|spa|"
    r"labs?|securitylabs|research|team|threat|threats|intelligence|security|cyber|global|response|center|centre|"
    r"unit|group|division|department|report|paper|white|red|special|overview|analysis|brief|technical|blog|"
    r"cert|csirt|usa|us|uk|eu|www|com|org|net|research center|insights?|advisory|services|partners|"
    r"counter|operations|ops|hunting|lab)"
)
# "Volexity has been tracking ...": a web post's issuer speaks of itself in the third person.
_SELF_REFERENCE = re.compile(
    r"\b(?:has|have|had)?\s*(?:also\s+|recently\s+|been\s+)*(?:track|observ|discover|identif|analy[sz]|detect|"
    r"found|assess|encounter|refer|investigat|uncover)\w*\b|\bresearchers\b",
    re.I,
)
