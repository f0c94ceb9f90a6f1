from pipeline.chunk import chunk_pages
from pipeline.embed.model import count_tokens
from pipeline.models import Page
from pipeline.text import split_sentences


def test_sentence_spans_split_on_sentences_bullets_and_paragraphs_not_line_breaks():
    text = (
        "The first sentence runs\nacross a line break. The second one ends here.\n\n"
        "• A bullet point\n• Another bullet.12 Then a sentence after a footnote marker."
    )
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "The first sentence runs\nacross a line break.",
        "The second one ends here.",
        "• A bullet point",
        "• Another bullet.12",
        "Then a sentence after a footnote marker.",
    ]


def _pages() -> list[Page]:
    para = " ".join(f"Sentence number {i} talks about state hackers and propaganda." for i in range(60))
    long_sentence = "word " * 700 + "end."
    return [Page(1, para), Page(2, "A short page."), Page(3, long_sentence), Page(4, "")]


def test_chunks_fit_the_model_and_never_truncate():
    pages = _pages()
    chunks = chunk_pages(pages, "d" * 64, max_tokens=120, overlap_tokens=20, count_tokens=count_tokens)
    assert chunks
    counts = count_tokens([c.text for c in chunks])
    assert all(n <= 120 for n in counts)
    assert [c.n_tokens for c in chunks] == counts
    # every word of every page is in some chunk: nothing is dropped
    covered = " ".join(c.text for c in chunks)
    for page in pages:
        for word in set(page.text.split()):
            assert word in covered


def test_chunk_offsets_point_into_page_text_and_pages_are_tracked():
    pages = _pages()
    texts = {p.page_no: p.text for p in pages}
    chunks = chunk_pages(pages, "d" * 64, max_tokens=120, overlap_tokens=20, count_tokens=count_tokens)
    for c in chunks:
        assert 1 <= c.page_start <= c.page_end <= 3
        first_part = c.text.split("\n")[0]
        assert texts[c.page_start][c.char_start :].startswith(first_part[:30])
        assert texts[c.page_end][: c.char_end].endswith(c.text.split("\n")[-1][-30:])
    assert {c.page_start for c in chunks} >= {1, 3}
    assert [c.ord for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_consecutive_chunks_overlap_by_a_sentence():
    pages = _pages()[:1]
    chunks = chunk_pages(pages, "d" * 64, max_tokens=120, overlap_tokens=20, count_tokens=count_tokens)
    assert len(chunks) > 2
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert b.char_start < a.char_end  # the next chunk starts inside the previous one
