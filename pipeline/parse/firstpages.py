"""The first pages' lines, as the title, date, number and issuer readers walk them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import TypeVar

T = TypeVar("T")


def first_lines(pages: Sequence[Sequence[T]], count: int | None = None) -> Iterator[T]:
    """Every line of the first `count` pages (of all of them when None), page after page."""
    return chain.from_iterable(pages[:count])


def with_next(lines: Sequence[T]) -> Iterator[tuple[T, T | None]]:
    """Each line of a page with the line after it (None after the last): a name, a date or a
    number is often broken over two lines."""
    following: list[T | None] = [*lines[1:], None] if lines else []
    return zip(lines, following, strict=True)
