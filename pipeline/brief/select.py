"""Which retrieved sentences a briefing quotes: a passage from each top hit, then the best single sentences.

Every quote is a run of whole prose sentences from one page, verified twice (pipeline.brief.verify);
near-duplicates, sentences about states the question does not name, and more than
MAX_PER_DOCUMENT quotes from one document are left out.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable

from pipeline.brief.cluster import content_words
from pipeline.brief.evidence import Candidate, off_topic
from pipeline.brief.model import ELISION, Question, elide_links, join_parts, normalise_ws, page_parts, verify_quote
from pipeline.brief.prose import BlockKinds, is_prose, strip_bullet
from pipeline.brief.verify import NOT_ON_PAGE, VERIFIED, Verifier
from pipeline.index.store import Store

STORED_ONLY = "stored_only"  # passed the cheap checks; the independent one is still to run
MAX_EVIDENCE = 60  # quotes in the evidence appendix
DOCUMENT_DECAY = 0.005  # relevance a sentence gives up for each quote its document already has
PASSAGES = 40  # each of the top passages gets a quote around its best sentence first
ANCHORS_PER_PASSAGE = 2  # ... and around its next best, so that what search shows is quoted
PASSAGE_SENTENCES = 3
MAX_PER_DOCUMENT = 30  # the decay and REDUNDANCY spread the quotes; this only bounds one report's share
SAME_SENTENCE = 0.6  # word-set Jaccard at which two quotes say the same thing
REDUNDANCY = 0.3  # relevance a sentence gives up when every word it holds is already quoted


class Checker:
    """Quotability and double verification, with reasons for what is left out."""

    def __init__(self, store: Store) -> None:
        self.verifier = Verifier(store)
        self.blocks = BlockKinds(store)
        self.dropped: dict[str, int] = defaultdict(int)
        self.verdicts: dict[tuple[str, int, str], str] = {}

    def check(
        self, doc_id: str, page_no: int, start: int, end: int, text: str, *, independent: bool = True
    ) -> str | None:
        """The verification mark for a quotable sentence, or None (left out, counted).

        With independent=False only the cheap checks run (prose, block, stored page text); the
        PDF is re-read only for what is about to be shown.
        """
        linked = elide_links(text) != normalise_ws(text)
        text = elide_links(text)  # what the briefing shows: link targets elided
        key = (doc_id, page_no, text)
        v = self.verdicts.get(key)
        if v is None or (independent and v == STORED_ONLY):
            if not is_prose(text):
                v = "non_prose"
            elif not self.blocks.quotable(doc_id, page_no, start, end, linked=linked):
                v = "not_body_block"
            elif not independent:
                v = STORED_ONLY if verify_quote(self.verifier.page_text(doc_id, page_no), text) else NOT_ON_PAGE
            else:
                v = self.verifier.check(doc_id, page_no, text)
            self.verdicts[key] = v
            if not (v == VERIFIED or v == STORED_ONLY or v.startswith("unverifiable")):
                self.dropped[v] += 1
        return v if v == VERIFIED or v == STORED_ONLY or v.startswith("unverifiable") else None

    def check_run_on(self, c: Candidate) -> str | None:
        """The verification mark for a sentence that runs on to the next page (Candidate.tail), or None:
        each page's run must be a body block and verified on its own page."""
        assert c.tail is not None
        page = self.verifier.page_text(c.doc_id, c.page_no)
        after = self.verifier.page_text(c.doc_id, c.page_no + 1)
        head, tail = page_parts(page[c.start : c.end], after[c.tail[0] : c.tail[1]])
        key = (c.doc_id, c.page_no, join_parts(head, tail))
        v = self.verdicts.get(key)
        if v is None:
            if not is_prose(key[2]):
                v = "non_prose"
            elif not (
                self.blocks.quotable(c.doc_id, c.page_no, c.start, c.end, linked=ELISION in head)
                and self.blocks.quotable(c.doc_id, c.page_no + 1, *c.tail, linked=ELISION in tail)
            ):
                v = "not_body_block"
            else:
                v = self.verifier.check(c.doc_id, c.page_no, head)
                v = self.verifier.check(c.doc_id, c.page_no + 1, tail) if v == VERIFIED else v
            self.verdicts[key] = v
            if not (v == VERIFIED or v.startswith("unverifiable")):
                self.dropped[v] += 1
        return v if v == VERIFIED or v.startswith("unverifiable") else None


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _passage(
    anchor: Candidate, page: list[Candidate], q: Question, checker: Checker, taken: Callable[[Candidate], bool]
) -> tuple[Candidate, str] | None:
    """The anchor sentence with up to PASSAGE_SENTENCES - 1 quotable neighbours of its passage, verified whole."""
    i = page.index(anchor)
    lo, hi = i, i + 1
    while hi - lo < PASSAGE_SENTENCES:
        grown = False
        for j in (hi, lo - 1):
            if 0 <= j < len(page) and (j == hi or j == lo - 1) and hi - lo < PASSAGE_SENTENCES:
                c = page[j]
                if (
                    c.hit_rank == anchor.hit_rank
                    and c.tail is None
                    and not taken(c)
                    and not off_topic(c, q)
                    and is_prose(strip_bullet(c.text))
                ):
                    lo, hi = min(lo, j), max(hi, j + 1)
                    grown = True
        if not grown:
            break
    for a, b in ((lo, hi), (i, i + 1)):
        first, last = page[a], page[b - 1]
        text = strip_bullet(checker.verifier.page_text(first.doc_id, first.page_no)[first.start : last.end])
        mark = checker.check(first.doc_id, first.page_no, first.start, last.end, text) if b - a > 1 else None
        if b - a == 1:
            mark = checker.check(anchor.doc_id, anchor.page_no, anchor.start, anchor.end, strip_bullet(anchor.text))
        if mark is not None:
            merged = Candidate(first.doc_id, first.page_no, first.start, last.end, text, anchor.hit_rank)
            merged.claims = [r for c in page[a:b] for r in c.claims]
            merged.actors = set().union(*(c.actors for c in page[a:b]))
            merged.score = anchor.score
            return merged, mark
    return None


def select_evidence(cands: list[Candidate], q: Question, checker: Checker) -> list[tuple[Candidate, str]]:
    """Most relevant first: the best sentence of a top passage with its neighbours, else single sentences.

    Greedy on relevance less DOCUMENT_DECAY for each quote its document already has, so that the
    appendix reads across the reports that answer the question rather than down the first one, and less
    REDUNDANCY times the share of its words the quotes already chosen hold, so that a report's detail
    (the tool's name, what it records, the CVE) wins over its third restatement of who did it.
    """
    pages: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for c in sorted(cands, key=lambda c: (c.doc_id, c.page_no, c.start)):
        pages[(c.doc_id, c.page_no)].append(c)
    chosen: list[tuple[Candidate, str]] = []
    spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    per_doc: dict[str, int] = defaultdict(int)
    words: list[frozenset[str]] = []

    def overlaps(c: Candidate) -> bool:
        return any(a < c.end and c.start < b for a, b in spans[(c.doc_id, c.page_no)])

    said: set[str] = set()  # the content words the chosen quotes hold
    df: dict[str, int] = defaultdict(int)
    for c in cands:
        for w in content_words(c.text):
            df[w] += 1
    idf = {w: math.log((len(cands) + 1) / (n + 0.5)) for w, n in df.items()}

    def take(picked: tuple[Candidate, str]) -> None:
        c = picked[0]
        chosen.append(picked)
        per_doc[c.doc_id] += 1
        words.append(content_words(c.text))
        said.update(words[-1])
        spans[(c.doc_id, c.page_no)].append((c.start, c.end))

    def effective(c: Candidate) -> float:
        return c.score - DOCUMENT_DECAY * per_doc[c.doc_id] - REDUNDANCY * said_share(c)

    def said_share(c: Candidate) -> float:
        """The share of the sentence's words, weighted by rarity among the candidates, already quoted."""
        cw = content_words(c.text)
        total = sum(idf.get(w, 0.0) for w in cw)
        return sum(idf.get(w, 0.0) for w in cw & said) / total if total > 0 else 1.0

    done_hits: dict[int, int] = defaultdict(int)
    order = sorted(cands, key=lambda c: c.key)  # most relevant first
    heap = [(-c.score, i) for i, c in enumerate(order)]
    heapq.heapify(heap)
    while heap and len(chosen) < MAX_EVIDENCE:
        neg, i = heapq.heappop(heap)
        c = order[i]
        now = effective(c)
        if heap and now < -heap[0][0] - 1e-9 and now < -neg - 1e-9:
            heapq.heappush(heap, (-now, i))  # its document has gained quotes since: queue it again
            continue
        if overlaps(c) or per_doc[c.doc_id] >= MAX_PER_DOCUMENT or off_topic(c, q):
            continue
        text = strip_bullet(c.text)
        if any(_jaccard(content_words(text), x) >= SAME_SENTENCE for x in words):
            continue
        if c.tail is not None:  # a sentence that runs on to the next page: alone
            mark = checker.check_run_on(c)
            if mark is not None:
                take((c, mark))
            continue
        top = c.hit_rank <= PASSAGES  # the passages search shows first are quoted with some context
        if top and done_hits[c.hit_rank] < ANCHORS_PER_PASSAGE and is_prose(text):
            picked = _passage(c, pages[(c.doc_id, c.page_no)], q, checker, overlaps)
            if picked:
                done_hits[c.hit_rank] += 1
                take(picked)
            continue
        mark = checker.check(c.doc_id, c.page_no, c.start, c.end, text)
        if mark is not None:
            take((c, mark))
    return sorted(chosen, key=lambda cm: cm[0].key)
