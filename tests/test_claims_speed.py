"""The regex pass's faster forms find exactly what the plain regexes find."""

from __future__ import annotations

import re

import pytest

from pipeline.claims.features import (
    _NOT_FILE,
    _NOT_IN_NAME,
    _names_alternation,
    _word_starts_only,
    get_matchers,
)

# Edges of the name lookbehinds and lookaheads: start and end of text, a hyphen or a dot before
# ("anti-China", "Trojan.Turla", "HEUR:APT28"), a file or site suffix after ("apt28.dll"), a
# hyphenated word after a name of several words ("North Korea-based", "North Korean-backed").
TEXTS = [
    "China",
    "China, Russia and Iran.",
    "anti-China protests and pro-Russia posts",
    "Trojan.Turla and HEUR:Backdoor.Win32.Turla and Win32:APT28 and apt28.dll, APT28.",
    "North Korea-based actors; North Korean-backed actors; North Korean actors.",
    "the Chinese state-sponsored actors and the Chinese state media",
    "Iranian\u2019s and Iran's and (Russian: \u0440\u0443\u0441) and Russian-language",
    "CHINA china Chinas Russia\u2019s x-Russia _Russia Russia_ 1Russia",
    "Fancy Bear, Cozy Bear, Volt Typhoon, VOLT TYPHOON, Charming Kitten and Lazarus Group.",
    "Kaspersky Lab, FireEye and Microsoft said; the State of Israel and Latin America.",
]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], str, dict[str, str | None]]]:
    return [(m.span(), m.group(0), m.groupdict()) for m in pattern.finditer(text)]


def test_names_grouped_by_first_letter_match_as_the_plain_alternation() -> None:
    m = get_matchers()
    aliases = sorted(m.tax.aliases, key=lambda a: -len(a.text))
    body = "|".join(re.escape(a.text) + (r"(?!-\w)" if " " in a.text else "") for a in aliases)
    plain = re.compile(rf"(?<![\w-]){_NOT_IN_NAME}(?:{body})(?!\w){_NOT_FILE}")
    sentences = [*TEXTS, " ".join(a.text for a in aliases), "-".join(a.text for a in aliases[:200])]
    sentences += [f"x.{a.text}.dll {a.text}-based ({a.text})" for a in aliases[::7]]
    for text in sentences:
        assert _spans(m.alias_re, text) == _spans(plain, text)
    vendors = "|".join(re.escape(v) for v in sorted(m.tax.vendors, key=lambda v: -len(v)))
    plain_vendors = re.compile(rf"(?<![\w-])(?:{vendors})(?!\w)")
    assert m.vendor_re is not None
    for text in [*TEXTS, " ".join(m.tax.vendors), "-".join(m.tax.vendors)]:
        assert _spans(m.vendor_re, text) == _spans(plain_vendors, text)


def test_name_alternation_keeps_the_order_of_names() -> None:
    # the first listed name that fits wins, as in a plain alternation
    pattern = re.compile(_names_alternation(["ab", "abc", "b"], (r"[\w-]",)))
    assert [m.group(0) for m in pattern.finditer("abc -b xb b")] == ["ab", "b"]


@pytest.mark.parametrize(
    ("pattern", "rewritten"),
    [
        (r"\b(?:(?:spy\w*)|(?:d?dos)|(?:(?:covert )?influence ops))\b", True),
        (r"\b(?:(?-i:CNE)|(?:[a-z]+ware)|(?:wip(?:e|es)))\b", True),
        # a match may start with a non-word character or be empty: left as it is
        (r"\b(?:(?:\u2019s)|(?:spy))\b", False),
        (r"\b(?:(?:[\w.-]+ware)|(?:spy))\b", False),
        (r"\b(?:(?:x?)|(?:spy))\b", False),
        (r"\b(?:(?:.spy)|(?:spy))\b", False),
        (r"(?:spy)\b", False),
    ],
)
def test_word_start_rewrite_only_where_every_match_starts_a_word(pattern: str, rewritten: bool) -> None:
    original = re.compile(pattern, re.IGNORECASE)
    fast = _word_starts_only(original)
    assert (fast.pattern != original.pattern) is rewritten
    for text in [*TEXTS, "spyware DDoS dos influence ops covert influence ops CNE cne x.spy \u2019s wipes"]:
        assert _spans(fast, text) == _spans(original, text)


def test_capability_and_estimative_regexes_match_as_compiled() -> None:
    from pipeline.claims.taxonomy import compile_patterns

    m = get_matchers()
    text = " ".join(TEXTS) + (
        " Russia hacked the networks and spread disinformation; we assess with high confidence that"
        " China almost certainly conducted cyber espionage against dissidents abroad using AI-generated"
        " deepfakes, and likely sold surveillance technology."
    )
    for code, rules in m.tax.capabilities.items():
        trig, plain = m.caps[code][0], compile_patterns(rules.triggers)
        assert trig is not None and plain is not None
        assert _spans(trig, text) == _spans(plain, text)
    assert m.features(text).capabilities
    assert m.likelihood_terms(text) and m.confidence_terms(text)


def _plain(patterns: list[str]) -> re.Pattern[str]:
    """compile_patterns as one alternation in written order, without the grouping by first letter."""
    from pipeline.claims.taxonomy import FILLER

    parts = [p.replace("{W}", FILLER) for p in patterns]
    parts = [f"(?-i:{p})" if re.match(r"^[A-Z]{2,}", p) else p for p in parts]
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in parts) + r")\b", re.IGNORECASE)


def test_patterns_grouped_by_first_letter_match_as_the_plain_alternation() -> None:
    from pipeline.claims.taxonomy import compile_patterns

    # an earlier pattern wins where two fit; one that fails the closing \b gives way to a later
    # one; patterns under several letters, of unreadable first letters, empty or with a group
    patterns = [
        "ab",
        r"abc\w*",
        "GRU",
        r"[\d,.]+ records",
        "b(?:x|y)?",
        r"[a-c]at",
        r"\u00e9\w+",
        "(?:x?)",
        "a(b)c",
        r"k\w+",
        r"(?:wipe|erase)s? {W}data",
        "s",
        "ab c",
    ]
    grouped, plain = compile_patterns(patterns), _plain(patterns)
    assert grouped is not None and grouped.pattern != plain.pattern
    texts = [
        *TEXTS,
        "ab abc abcd ABC Abx gru GRU 1,200 records .5 records bx by b bat cat Cat \u00e9migr\u00e9 \u00c9migr\u00e9 x",
        "abc-d \u212aelvin kelvin \u017f s S wipes all data erased the data ab c abc ab",
    ]
    for text in texts:
        assert _spans(grouped, text) == _spans(plain, text)


def test_capability_patterns_match_as_the_plain_alternation_on_labelled_sentences() -> None:
    from pipeline.claims.dataset import load_split
    from pipeline.claims.taxonomy import compile_patterns, load_taxonomy

    texts = [row["text"] for row in load_split("train")[:1500]]
    tax = load_taxonomy()
    lists = [p for r in tax.capabilities.values() for p in (r.triggers, r.deny, r.contextual, r.context, r.victims)]
    lists += [tax.ai.get("patterns", []), *tax.confidence.values()]
    checked = 0
    for patterns in lists:
        if len(patterns) >= 8:
            grouped, plain = compile_patterns(patterns), _plain(list(patterns))
            assert grouped is not None
            checked += 1
            for text in texts:
                assert _spans(grouped, text) == _spans(plain, text)
    assert checked >= 10 and len(texts) > 500
