"""Which sentences a briefing may quote: the pages around a hit, sentence ends hidden by footnotes, redundancy."""

from __future__ import annotations

from pipeline.brief import select
from pipeline.brief.evidence import Candidate, footnote_breaks, gather
from pipeline.brief.topic import parse_question
from pipeline.brief.verify import VERIFIED
from pipeline.models import Hit
from pipeline.text import split_sentences

PAGE = (
    "The group sent spearphishing e-mails to policy researchers. "
    "It then read their mail for months. "
    "The implant was written in the Go programming language and focused on vaccine research."
)


def _hit(rank: int, start: int, end: int) -> tuple[Hit, dict[int, dict[str, int]]]:
    hit = Hit(rank, 1.0, 7, "doc", "doc.pdf", "/x/doc.pdf", "Doc", 1, 1, PAGE[start:end])
    return hit, {7: {"char_start": start, "char_end": end}}


def test_whole_page_of_a_top_hit_is_read_beside_its_passage():
    hit, chunks = _hit(1, 0, PAGE.index("The implant"))  # the passage that matched holds the first two sentences
    narrow = gather([hit], chunks, [], lambda d, p: PAGE if p == 1 else "")
    assert not any("Go programming" in c.text for c in narrow)
    wide = gather([hit], chunks, [], lambda d, p: PAGE if p == 1 else "", whole_pages=1)
    detail = [c for c in wide if "Go programming" in c.text]
    assert len(detail) == 1 and detail[0].outside and detail[0].hit_rank == 1
    assert not any(c.outside for c in wide if "spearphishing" in c.text)  # the passage's own sentences
    hit2, _ = _hit(2, 0, len(PAGE))
    beyond = gather([hit2], chunks, [], lambda d, p: PAGE if p == 1 else "", whole_pages=1)
    assert len(beyond) == len(narrow)  # only the first `whole_pages` hits are read whole


def test_footnote_link_after_a_period_ends_the_sentence():
    text = (
        "Officers were indicted for accessing e-mail accounts of journalists.[9 <https://example.org/pr/x>] "
        "More recently, officers gained remote access to energy sector networks."
    )
    spans = footnote_breaks(text, split_sentences(text))
    parts = [text[s:e] for s, e in spans]
    assert parts == [
        "Officers were indicted for accessing e-mail accounts of journalists.",
        "More recently, officers gained remote access to energy sector networks.",
    ]
    plain = "One sentence here. Another one follows."
    assert footnote_breaks(plain, split_sentences(plain)) == split_sentences(plain)


class _AlwaysQuotable:
    def check(self, doc_id, page_no, start, end, text, *, independent=True):
        return VERIFIED


def test_a_sentence_that_only_repeats_what_is_quoted_gives_way(monkeypatch):
    q = parse_question("How did the spyware vendor's tool watch the activist?")
    texts = [
        "The activist was targeted with spyware sold by the vendor to a government.",
        "The spyware the vendor sold to the government reached the activist through links in 2016.",
        "The implant could record calls, switch on the camera and microphone, and track location.",
    ]
    cands = [Candidate(d, 1, 0, 90, t, 50) for d, t in zip("abc", texts, strict=True)]
    for c, s in zip(cands, (0.6, 0.55, 0.5), strict=True):
        c.score = s
    monkeypatch.setattr(select, "MAX_EVIDENCE", 2)
    picked = [c.text for c, _ in select.select_evidence(cands, q, _AlwaysQuotable())]
    assert texts[2] in picked and texts[1] not in picked
    monkeypatch.setattr(select, "REDUNDANCY", 0.0)  # without it, the restatement outranks the new detail
    assert texts[1] in [c.text for c, _ in select.select_evidence(cands, q, _AlwaysQuotable())]


def test_the_sources_own_judgment_ranks_above_a_plain_statement():
    from pipeline.brief.evidence import assessed, score

    q = parse_question("What has Iran done against other countries' networks?")
    plain = Candidate("a", 1, 0, 90, "The operation has stayed unseen for most of its existence.", 5)
    judged = Candidate("b", 1, 0, 90, "We believe the operation has stayed unseen for most of its existence.", 5)
    score([plain, judged], q)
    assert assessed(judged.text) and not assessed(plain.text)
    assert assessed("The group is almost certainly subordinate to the service.")
    assert assessed("To date, the state's involvement has never been proven.")  # the source weighing the evidence
    assert judged.score > plain.score


def test_a_sentence_where_the_asked_state_acts_ranks_higher_without_a_claim(monkeypatch):
    from pipeline.brief import evidence

    q = parse_question("What cyber operations does North Korea conduct?")

    def gap() -> float:
        acting = Candidate("a", 1, 0, 90, "North Korean hackers broke into bank servers in Bangladesh.", 5)
        other = Candidate("b", 1, 0, 90, "The bank servers in Bangladesh were broken into by North Korea's rivals.", 5)
        evidence.score([acting, other], q)
        assert acting.actors == {"PRK"} and not other.actors & {"PRK"}
        return acting.score - other.score

    with_bonus = gap()
    monkeypatch.setattr(evidence, "BONUS_ACTING", 0.0)
    assert with_bonus - gap() > 0.04


def _claim(doc: str, sentence: str, actor: str | None = None, target: str | None = None) -> dict:
    mention = {"IRN": "Iran"}.get(actor or "", None)
    return {"doc_id": doc, "sentence": sentence, "actor": actor, "actor_mention": mention, "target": target}


def test_a_report_on_acts_against_the_asked_state_is_not_evidence_of_its_acts():
    from pipeline.brief.build import _against
    from pipeline.brief.evidence import off_topic

    q = parse_question("What have Iranian state cyber actors done against elections in other countries?")
    worm = [
        _claim("worm", f"The worm hit Iran's plant number {i}.", target=f"Iran's plant number {i}") for i in range(4)
    ]
    worm.append(_claim("worm", "Iran shut down its facility for a few days.", actor="IRN"))
    advisory = [_claim("adv", f"Iran scanned election website {i}.", actor="IRN") for i in range(4)]
    advisory.append(_claim("adv", "Iran targeted the site of Iran's rivals.", actor="IRN", target="Iran's rivals"))
    assert _against(worm + advisory, q) == {("worm", "IRN")}
    assert _against(worm[:2] + worm[4:], q) == set()  # two such sentences are not a report about it
    other_q = parse_question("What has China done against Tibetan groups?")  # a target the question names
    tibet = [_claim("t", f"Attack {i} on Tibet.", target="Tibet") for i in range(4)]
    assert _against(tibet, other_q) == set()

    c = Candidate("worm", 1, 0, 60, "Modern critical infrastructure relies on control software.", 3)
    c.against = True
    assert off_topic(c, q)


def test_a_report_on_other_states_acts_is_not_evidence_for_the_asked_state():
    from pipeline.brief.build import _about_others

    q = parse_question("What have Iranian state cyber actors done against elections in other countries?")
    russia = [_claim("ru", f"Russia hacked network {i}.", actor="RUS") for i in range(5)]
    for r in russia:
        r["actor_mention"] = "Russia"
    mixed = [dict(r, doc_id="mix") for r in russia] + [_claim("mix", "Iran scanned election sites.", actor="IRN")]
    assert _about_others(russia + mixed, q) == {"ru"}  # a report that also files Iran acting stays
    assert _about_others(russia[:4], q) == set()  # too few to say what the report is about
    assert _about_others(russia, parse_question("Which states hack networks?")) == set()  # any state is asked


def test_advice_and_the_report_speaking_of_itself_rank_below_what_happened():
    from pipeline.brief.evidence import is_advice, is_meta, score

    assert is_advice("Disable unused or unnecessary network ports and protocols.")
    assert is_advice("CISA recommends organizations apply the patches within days.")
    assert is_meta("For more information on these actors, see the joint advisory.")
    assert not is_advice("The actors disabled logging on the routers they compromised.")
    assert not is_meta("The actors disabled logging on the routers they compromised.")
    q = parse_question("What did the actors do to the routers?")
    advice = Candidate("a", 1, 0, 90, "Disable logging on routers only after the actors are removed.", 5)
    act = Candidate("b", 1, 0, 90, "The actors disabled logging on routers after they got in.", 5)
    score([advice, act], q)
    assert act.score > advice.score


def test_a_hedge_on_the_asked_states_involvement_is_not_taken_for_the_state_acted_on():
    from pipeline.brief.evidence import score

    q = parse_question("What cyber operations has Russia conducted against Estonia?")
    hedge = Candidate("a", 1, 0, 90, "To date, Russian involvement in the attacks on Estonia has never been proven.", 5)
    plain = Candidate("b", 1, 0, 90, "To date, Russian involvement in the attacks on Estonia has been discussed.", 5)
    score([hedge, plain], q)
    assert "RUS" in hedge.named and not hedge.actors  # named, not as the doer
    assert hedge.score - plain.score > 0.2  # the plain one is taken as naming Russia only as acted on
