"""Which chunks get a vector: with `embed_blocks = "prose"`, only those with prose in them.

A chunk whose characters all lie in footnote, references, toc or boilerplate blocks is
kept in the chunks table and the BM25 index (an exact look-up of a cited title or a URL
still finds it) but is not embedded: such text seldom answers a question in its own
words, and embedding is most of an ingest's time. Prose is body, heading, caption and
table text, and any text on a page without blocks (pages stored before blocks existed)
or between blocks, so nothing of unknown type loses its vector.
Measured on eval/queries.jsonl with bench/dense_prose.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pipeline.models import Chunk, Page

EMBED_MODES = ("prose", "all")
PROSE_KINDS = frozenset({"body", "heading", "caption", "table"})


def chunk_spans(chunk: Chunk, pages: Mapping[int, Page]) -> Iterator[tuple[Page, int, int]]:
    """(page, start, end) of each page slice the chunk covers."""
    for page_no in range(chunk.page_start, chunk.page_end + 1):
        page = pages.get(page_no)
        if page is None:
            continue
        start = chunk.char_start if page_no == chunk.page_start else 0
        end = chunk.char_end if page_no == chunk.page_end else len(page.text)
        if end > start:
            yield page, start, end


def _has_prose(page: Page, start: int, end: int) -> bool:
    """Whether any non-space character of page.text[start:end] is prose or of no known type."""
    if not page.blocks:
        return True
    text = page.text
    covered = bytearray(end - start)  # 1 where a non-prose block covers the character
    for b in page.blocks:
        lo, hi = max(b.start, start), min(b.end, end)
        if lo >= hi:
            continue
        if b.kind in PROSE_KINDS:
            if text[lo:hi].strip():
                return True
        else:
            covered[lo - start : hi - start] = b"\x01" * (hi - lo)
    return any(not covered[i] and not text[start + i].isspace() for i in range(end - start))


def needs_vector(chunk: Chunk, pages: Mapping[int, Page]) -> bool:
    """False only for a chunk made wholly of footnote, references, toc or boilerplate text."""
    spans = list(chunk_spans(chunk, pages))
    return not spans or any(_has_prose(page, s, e) for page, s, e in spans)


def embed_mask(chunks: Sequence[Chunk], pages: Sequence[Page], mode: str) -> list[bool]:
    """One flag per chunk: whether it is embedded under `mode` ("prose" or "all")."""
    if mode not in EMBED_MODES:
        raise ValueError(f"unknown embed_blocks {mode!r}; known: {', '.join(EMBED_MODES)}")
    if mode == "all":
        return [True] * len(chunks)
    by_no = {p.page_no: p for p in pages}
    return [needs_vector(c, by_no) for c in chunks]
