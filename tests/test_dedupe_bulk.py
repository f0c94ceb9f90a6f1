"""The bulk test in front of dedupe_chars never changes which chars it keeps."""

from __future__ import annotations

import random

from pipeline.parse.layout import _dedupe_scan, _may_repeat, dedupe_chars


def _char(text: str, x0: float, top: float, width: float = 5.0) -> dict[str, object]:
    return {"text": text, "x0": x0, "x1": x0 + width, "top": top}


def _random_page(rng: random.Random, n: int) -> list[dict[str, object]]:
    chars = []
    for _ in range(n):
        roll = rng.random()
        if chars and roll < 0.15:  # a doubled layer or fake bold: the same glyph a little off
            src = rng.choice(chars)
            chars.append(
                _char(
                    str(src["text"]),
                    float(src["x0"]) + rng.uniform(-1.2, 1.2),
                    float(src["top"]) + rng.uniform(-1.2, 1.2),
                )
            )
        elif chars and roll < 0.2:  # a ligature's parts: the next char with the very same box
            src = chars[-1]
            chars.append(dict(src))
        else:
            chars.append(_char(rng.choice("abcde"), round(rng.uniform(0, 60), 1), round(rng.uniform(0, 30), 1)))
    return chars


def test_bulk_test_keeps_what_the_scan_keeps() -> None:
    rng = random.Random(7)
    skipped = 0
    for _ in range(400):
        chars = _random_page(rng, rng.randint(0, 25))
        kept = dedupe_chars(chars)
        assert kept == _dedupe_scan(chars, 1.0)
        skipped += not _may_repeat(chars, 1.0)
    assert skipped > 20  # the bulk test did skip pages, so both paths were compared


def test_close_repeat_found_across_a_line() -> None:
    chars = [_char("a", 10.0, 10.0), _char("b", 20.0, 10.0), _char("a", 10.6, 10.4)]
    assert _may_repeat(chars, 1.0)
    assert [c["text"] for c in dedupe_chars(chars)] == ["a", "b"]
    apart = [_char("a", 10.0, 10.0), _char("a", 11.5, 10.0), _char("a", 10.0, 11.5)]
    assert not _may_repeat(apart, 1.0)
    assert dedupe_chars(apart) == apart
