"""How they do it: the means the quoted judgments name, for a question that asks how.

A question that asks how (or by what techniques, methods, tools) is answered in the bottom line
by a sentence naming the techniques that the key judgments' quotations, and the quoted passages
on the pages those judgments cite, mention: the most often named first, then strongest judgment first, each cited by the
references of the quotations that name it. The
names come from a fixed, topic-neutral vocabulary of intrusion and influence techniques matched
on the quoted sentences; nothing is named that no cited quotation says.
"""

from __future__ import annotations

import re

from pipeline.brief.model import Judgment, Quote, Statement

__all__ = ["asks_how", "means_statement"]

MAX_MEANS = 5
_ASKS_HOW = re.compile(
    r"\bhow\b|\b(?:techniques?|methods?|tactics?|ttps|tradecraft|by what means|what (?:do|does|did) the tools? do)\b",
    re.IGNORECASE,
)
# label -> pattern, checked in this order; a later label whose words an earlier one took is skipped
_MEANS: tuple[tuple[str, str], ...] = (
    ("spear-phishing", r"spear[- ]?phish\w*"),
    ("phishing", r"phish\w*"),
    ("password spraying", r"password[- ]spray\w*"),
    ("brute-force guessing of passwords", r"brute[- ]forc\w*"),
    (
        "stolen or harvested credentials",
        r"(?:steal\w*|stole|stolen|harvest\w*|dump\w*|theft of|compromised|valid) (?:\w+ ){0,2}credentials?"
        r"|credential (?:theft|harvesting|dumping|access)",
    ),
    ("zero-click exploits", r"zero[- ]click"),
    ("zero-day exploits", r"zero[- ]days?|0-days?"),
    (
        "exploited software vulnerabilities",
        r"exploit\w* (?:\w+ ){0,4}(?:vulnerabilit\w*|flaws?|bugs?|weakness\w*)|CVE-\d{4}-\d+|unpatched",
    ),
    ("supply-chain compromise", r"supply[- ]chain"),
    ("watering-hole websites", r"watering[- ]holes?|strategic web compromise"),
    ("malicious links or attachments", r"malicious (?:links?|attachments?|documents?|files?|macros?|urls?)"),
    ("compromised routers and edge devices", r"(?:soho|small office|home office|edge|network) (?:routers?|devices?)"),
    ("living off the land (built-in tools)", r"living[- ]off[- ]the[- ]land|\blotl\b|built-in (?:\w+ ){0,3}tools"),
    ("access to cloud and email accounts", r"(?:cloud|e-?mail|webmail|office 365) (?:accounts?|tenants?)"),
    ("spyware", r"spyware"),
    ("malware and implants", r"malware|implants?|backdoors?|remote access (?:trojans?|tools?)|\brats?\b"),
    ("social engineering and fake personas", r"social engineering|(?:fake|false|fictitious) personas?|impersonat\w*"),
    ("inauthentic accounts", r"inauthentic|fake (?:accounts?|profiles?)|sock ?puppets?|troll farms?|\bbots?\b"),
    ("AI-generated content", r"(?:ai|artificial intelligence)[- ]generated|deep ?fakes?|generative (?:ai|models?)"),
    ("denial-of-service attacks", r"\bd?dos\b|denial[- ]of[- ]service"),
    ("destructive wipers", r"\bwipers?\b"),
)
_COMPILED = tuple((label, re.compile(rf"\b(?:{pat})", re.IGNORECASE)) for label, pat in _MEANS)


def asks_how(question: str) -> bool:
    """The question asks how something is done, or by what techniques or tools."""
    return bool(_ASKS_HOW.search(question))


def means_named(text: str) -> list[str]:
    """The vocabulary's labels whose words occur in `text`, each span counted once (spear-phishing
    is not also phishing)."""
    taken: list[tuple[int, int]] = []
    out = []
    for label, rx in _COMPILED:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            if label not in out:
                out.append(label)
    return out


def means_statement(judgments: list[Judgment], quotes: list[Quote]) -> Statement | None:
    """One sentence naming the means that the judgments' quotations, and the quoted passages their
    references cite, mention: strongest judgment first; None when they name none."""
    by_ref: dict[int, list[Quote]] = {}
    for x in quotes:
        by_ref.setdefault(x.ref, []).append(x)
    refs: dict[str, list[int]] = {}
    for j in judgments:
        said = [j.quote] + [x for r in j.refs for x in by_ref.get(r, []) if x.actor in (None, j.actor)]
        for x in said:
            for label in means_named(x.text):
                refs.setdefault(label, []).append(x.ref)
    if not refs:
        return None
    # most often named first (distinct references), then the order of the judgments
    labels = sorted(refs, key=lambda label: -len(set(refs[label])))[:MAX_MEANS]
    listed = ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]
    cited = tuple(dict.fromkeys(r for label in labels for r in refs[label]))
    return Statement(f"How, as the cited passages describe it: {listed}.", cited)
