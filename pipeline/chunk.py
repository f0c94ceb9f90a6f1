"""Pages -> chunks: sentence-aware spans that fit the embedding model, with a small overlap."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.models import Chunk, Page
from pipeline.text import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class Segment:
    page_no: int
    start: int
    end: int
    n_tokens: int = 0


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _split_long(text: str, seg: Segment, max_tokens: int) -> list[Segment]:
    """Cut a sentence longer than the model's input at word boundaries, by token offsets."""
    from pipeline.embed.model import load_tokenizer

    piece = text[seg.start : seg.end]
    enc = load_tokenizer().encode(piece, add_special_tokens=False)
    offsets = enc.offsets
    out: list[Segment] = []
    i = 0
    while i < len(offsets):
        j = min(i + max_tokens, len(offsets))
        if j < len(offsets):
            # step back to a token that starts a new word so no word is cut in two
            k = j
            while k > i + max_tokens // 2 and offsets[k][0] == offsets[k - 1][1]:
                k -= 1
            j = k if k > i + max_tokens // 2 else j
        start = offsets[i][0]
        end = offsets[j - 1][1]
        span = _trimmed(text, seg.start + start, seg.start + end)
        if span:
            out.append(Segment(seg.page_no, span[0], span[1], j - i))
        i = j
    return out


def chunk_pages(
    pages: Sequence[Page],
    doc_id: str,
    *,
    max_tokens: int,
    overlap_tokens: int,
    count_tokens: TokenCounter,
) -> list[Chunk]:
    """Pack sentences into chunks of at most `max_tokens` word pieces; never truncates."""
    texts = {p.page_no: p.text for p in pages}
    raw = [Segment(p.page_no, s, e) for p in pages for s, e in split_sentences(p.text)]
    counts = count_tokens([texts[s.page_no][s.start : s.end] for s in raw])
    segs: list[Segment] = []
    for seg, n in zip(raw, counts, strict=True):
        seg = Segment(seg.page_no, seg.start, seg.end, n)
        segs.extend(_split_long(texts[seg.page_no], seg, max_tokens) if n > max_tokens else [seg])

    groups: list[list[Segment]] = []
    current: list[Segment] = []
    total = 0
    for seg in segs:
        if current and total + seg.n_tokens > max_tokens:
            groups.append(current)
            current = _overlap_tail(current, overlap_tokens, max_tokens - seg.n_tokens)
            total = sum(s.n_tokens for s in current)
        current.append(seg)
        total += seg.n_tokens
    if current:
        groups.append(current)

    chunks = [_make_chunk(texts, g) for g in groups]
    actual = count_tokens([c[0] for c in chunks])
    out: list[Chunk] = []
    for (text, group), n in zip(chunks, actual, strict=True):
        if n > max_tokens and len(group) > 1:
            # joins are not always additive in word pieces; halve rather than truncate
            half = len(group) // 2
            for part in (group[:half], group[half:]):
                ptext, _ = _make_chunk(texts, part)
                out.append(_chunk(doc_id, len(out), ptext, part, count_tokens([ptext])[0]))
        else:
            out.append(_chunk(doc_id, len(out), text, group, n))
    return out


def _chunk(doc_id: str, ord: int, text: str, group: list[Segment], n_tokens: int) -> Chunk:
    first, last = group[0], group[-1]
    return Chunk(
        doc_id=doc_id,
        ord=ord,
        text=text,
        page_start=first.page_no,
        page_end=last.page_no,
        char_start=first.start,
        char_end=last.end,
        n_tokens=n_tokens,
    )


def _overlap_tail(group: list[Segment], overlap_tokens: int, room: int) -> list[Segment]:
    tail: list[Segment] = []
    total = 0
    for seg in reversed(group[1:]):
        if total + seg.n_tokens > min(overlap_tokens, room):
            break
        tail.insert(0, seg)
        total += seg.n_tokens
    return tail


def _make_chunk(texts: dict[int, str], group: list[Segment]) -> tuple[str, list[Segment]]:
    """The chunk's text: verbatim page slices, joined by a newline across page breaks."""
    parts: list[str] = []
    run_start = prev = group[0]
    for seg in group[1:]:
        if seg.page_no != prev.page_no:
            parts.append(texts[prev.page_no][run_start.start : prev.end])
            run_start = seg
        prev = seg
    parts.append(texts[prev.page_no][run_start.start : prev.end])
    return "\n".join(parts), group
