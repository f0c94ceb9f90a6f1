"""A report's title: the PDF's Title field when it is one, else the largest type of the first pages.

The Title field is often a template name ("Heading 1"), a file name, the name of the site a
page was printed from, or a working title nobody printed; the cover's largest type is
often a logo's text, a slogan, a conference name or a classification banner. Both sources
are checked, and they confirm each other: the printed title wins where the two agree.

Candidates on a page are runs of lines of one type size that follow each other closely
(one block, joined across lines, never across columns: a run ends where the next line
starts above the previous one). Each is scored by its size against the body text, its
place on the page and what stands around it (a byline below, a kicker above, a subtitle
after a colon); fragments, section headings, dates, names, banners and issuer names are no titles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.parse.firstpages import first_lines
from pipeline.parse.layout import Line

MAX_TITLE_CHARS = 300
MAX_TITLE_WORDS = 32
MAX_TITLE_LINES = 6

# Kinds of block that never hold the title.
_NOT_TITLE_KINDS = {"footnote", "boilerplate", "toc", "references", "table", "caption"}
_BANNER = re.compile(
    r"https?://|www\.|\.(?:com|org|net|gov|edu)\b|@|^(?:unclassified|confidential|secret|top secret|restricted|"
    r"official|tlp\s*:|for official use|not for distribution|draft\b)|^\s*[\d\W]+\s*$|^page \d|\bpage \d+ of \d+\b|"
    r"\bfiled\s+\d|\bdocument\s*\d+\b.*\bfiled\b|^case\s+(?:no\.?\s*)?\d",
    re.I,
)
_BYLINE = re.compile(
    r"^(?:[Bb]y:?\s+(?=[A-Z])|BY\b|(?i:authors?\b|written by|prepared by|posted (?:on|by)|contributors?:|"
    r"with contributions))"
)
_SECTION_HEADING = re.compile(
    r"^(?:[\dIVX]+\.?\s*)?(?:introduction|executive summary|summary|abstract|contents|table of contents|overview|"
    r"(?:summary of )?key (?:findings|judgments|judgements|points|takeaways)|background|foreword|preface|"
    r"acknowledge?ments|about (?:the|this|us)\b.*|disclaimer|key points\b.*|highlights|in brief|at a glance|"
    r"recommendations|conclusions?|methodology|scope note|notes?|references|appendix\b.*|glossary|"
    r"archived content|related topics|technical details)\s*:?$",
    re.I,
)
# Words that label what a document is, not what it is about.
_LABEL_WORDS = (
    r"special|joint|cyber ?security|security|threat intelligence|intelligence|research|technical|policy|issue|"
    r"working|discussion|occasional|white|red|grey|gray|green|position|briefing|press|fact|public|"
    r"private industry|industry|flash|product|analytic|quarterly|monthly|weekly|interim"
)
_LABEL_NOUNS = (
    r"report|paper|brief|memorandum|memo|advisory|alert|bulletin|notice|notification|note|deck|presentation|"
    r"slides|conference|symposium|summit|workshop|newsletter|blog|release|sheet|series|update|"
    r"publication|edition|volume|issue|version|document|response|"
    r"intelligence|research|lab|labs|team|center|centre|unit|division|number|no"
)
_LABEL_WORD = re.compile(rf"(?:{_LABEL_WORDS})", re.I)
_LABEL = re.compile(rf"^(?:(?:{_LABEL_WORDS})\s+)*(?:{_LABEL_NOUNS})s?$", re.I)
_FILE_NAME = re.compile(
    r"\.(?:docx?|pdf|indd|rtf|pptx?|xlsx?|qxd|qxp|txt|tex|dvi|e?ps|odt|pages|html?|aspx?|php)\b"
    r"|^[\w.-]+_[\w.-]+$|://|\\|^[a-z]:/",
    re.I,
)
_TEMPLATE = re.compile(
    r"^(?:untitled|layout|document|doc|title|none|null|slide|print|presentation|template|normal|default|"
    r"heading|body text|subtitle|caption|header|footer|text|word document|new document|draft|"
    r"microsoft (?:word|powerpoint|excel)(?: document| presentation)?|powerpoint presentation|"
    r"presentation title|click to edit.*|insert title.*|your title.*|title here|enter title.*|"
    r"report title|document title|chapter \d+|section \d+|slide \d+|page \d+)[\s_-]*\d*$"
    r"|^microsoft (?:word|powerpoint|excel) -|^(?:adobe|acrobat)\b|^(?:users?|admin(?:istrator)?|owner)$",
    re.I,
)
# Words a title does not end on: it goes on in the next line or block.
_UNFINISHED = re.compile(
    r"(?:\b(?:[Aa]nd|[Oo]r|[Oo]f|[Tt]he|[Tt]o|[Ii]n|[Bb]y|[Ww]ith|[Ff]or|[Aa]n?|[Oo]n|[Ff]rom|[Aa]t|[Aa]s|vs?\.?)|[:,–—-])$"
)
# "Sandworm Briefing Deck", "Annual report FINAL v3": a working file's name, not what the cover says.
_WORKING_TITLE = re.compile(
    r"\b(?:deck|slides?|slideshow|template|draft|final|copy|rev(?:ision)?\s*\d+|v\d+(?:\.\d+)*)\W*$", re.I
)
_SITE_SEPARATOR = re.compile(r"^(.{8,}?)\s+(?:[|•·»]|[–—-]{1,2}|::)\s+([^|•·»–—]{2,60})$")
_SENTENCE_END = re.compile(r"[.;]$")
_ABBREVIATION_END = re.compile(r"\b(?:al|inc|ltd|corp|co|no|vol|jr|sr|st|u\.s|u\.k|e\.u)\.$", re.I)
_PERSON = r"(?:(?:Dr|Prof|Mr|Ms|Mrs)\.?\s)?[A-Z][\w'’.-]+(?:\s[A-Z]\.)?(?:\s[A-Z][\w'’-]+){1,2}"
# Two or more names with a comma or an ampersand ("A B, C D and E F"); "X Y and Z W" alone is as
# likely a title in title case.
_PEOPLE = re.compile(rf"^(?=.*[,&]){_PERSON}(?:\s*(?:,\s*(?:and\s+|&\s*)?|&|\band\b)\s*{_PERSON})+,?$")
_KICKER_MAX_WORDS = 4
_COURT_FILING = re.compile(
    r"^(?:superseding\s+)?(?:indictment|criminal complaint|complaint|information|affidavit\b.*|"
    r"criminal information|memorandum opinion|opinion and order|judgment|plea agreement)$",
    re.I,
)
_CAPTION_PARTY = re.compile(r"^\s*([A-Z][A-Z .,'’&-]{2,}?)\s*,?\s*(?:\||\)|$)")
_VERSUS = re.compile(r"^\s*(?:v\.|vs\.?|versus)\s*(?:\||\)|$)", re.I)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATELINE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d\b|\b\d{{1,2}}\s+(?:{_MONTHS})\.?\s+(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d-\d\d-\d\d\b",
    re.I,
)
_DATE_WORDS = re.compile(
    rf"\b(?:{_MONTHS})\.?\b|\b(?:19|20)\d\d\b|\b\d{{1,2}}(?:st|nd|rd|th)?\b|\b(?:spring|summer|autumn|fall|winter)\b",
    re.I,
)


@dataclass(frozen=True)
class _Run:
    """Consecutive lines of one size on one page: a title candidate."""

    page: int
    start: int  # index of the first line in the page's lines
    end: int  # index after the last line
    text: str
    size: float
    top: float
    kind: str


def pick_title(
    meta_title: str | None,
    first_pages: Sequence[Sequence[Line]],
    file_name: str = "",
    author: str | None = None,
    is_issuer: Callable[[str], bool] | None = None,
) -> str | None:
    """The report's title: the Title field when it passes the checks and the first pages print its
    words (or no clear title of their own), else the printed title; as printed where the two agree.

    `is_issuer(text)` says whether a line is only an organisation's name (a logo's text).
    """
    issuer = is_issuer or (lambda _text: False)
    court = _court_filing_title([list(p) for p in first_pages[:1]])
    if court:
        return court
    field = _clean_field_title(meta_title, file_name, issuer)
    pages = [list(p) for p in first_pages[:3]]
    running = _running_title(pages, issuer)
    words_on_pages = _page_words(pages)
    best = _best_printed(pages, author, issuer, field, running, words_on_pages)
    if best is not None and field and _similar(field, best[0]):
        return _case_like(best[0], field, pages)  # as printed
    if field and (best is None or not best[1] or _supported(field, words_on_pages)):
        return field
    if best is not None and best[1]:
        return _case_like(best[0], None, pages)
    return running or (best[0] if best else field)


_SMALL_WORDS = frozenset("a an and as at but by for in of on or the to vs via with from into".split())
_SHORT_WORDS = frozenset("of in on to a an at by".split())
_SITE = re.compile(r"\b(?:www\.|https?://)?([a-z0-9-]{3,})\.(?:org|com|net|gov|edu|int|io|info|[a-z]{2})\b", re.I)


def _case_like(printed: str, field: str | None, pages: list[list[Line]]) -> str:
    """An all-capitals cover title (or part before or after a colon) in the case the report writes
    its words elsewhere."""
    parts = printed.split(": ")
    if len(parts) > 1 and any(_all_caps(p) for p in parts) and not _all_caps(printed):
        return ": ".join(_case_like(p, None, pages) if _all_caps(p) else p for p in parts)
    if not _all_caps(printed):
        return printed
    if field and any(ch.islower() for ch in field):
        if _squash(field) == _squash(printed):
            return field
        main = field.split(": ")[0]
        if _squash(main) == _squash(printed.rstrip(":")):
            return main
    forms: dict[str, dict[str, int]] = {}
    for ln in first_lines(pages):
        if not any(ch.islower() for ch in ln.text):
            continue  # another all-capitals line says nothing about case
        for i, w in enumerate(re.findall(r"[^\W\d_][\w'’.-]*", ln.text)):
            if i == 0 and not w.isupper():
                continue  # a sentence's first word is capitalised anyway
            forms.setdefault(w.lower(), {}).setdefault(w, 0)
            forms[w.lower()][w] += 1

    def recase(match: re.Match[str]) -> str:
        word = match.group(0)
        seen = forms.get(word.lower())
        if seen:
            form = max(seen, key=lambda f: seen[f])
            if form.isupper() and len(form) > 1 or any(ch.isupper() for ch in form[1:]):
                return form  # an acronym or a name such as "KeyBoy"
        low = word.lower()
        if match.start() > 0 and low in _SMALL_WORDS:
            return low
        return low[:1].upper() + low[1:]

    return re.sub(r"[^\W\d_][\w'’]*", recase, printed)


def _all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) > 1 and not any(ch.islower() for ch in letters)


def _clean_field_title(title: str | None, file_name: str, issuer: Callable[[str], bool]) -> str | None:
    """The Title field without a site's name after a separator, or None when it is no title."""
    if not title:
        return None
    t = " ".join(title.split())
    m = _SITE_SEPARATOR.match(t)
    if m and (issuer(m.group(2)) or re.search(r"\b(?:blog|news|website|home|site)\b|\.\w{2,3}$", m.group(2), re.I)):
        t = m.group(1).strip()
    stem = Path(file_name).stem.lower() if file_name else ""
    letters = sum(ch.isalpha() for ch in t)
    if (
        letters < 3
        or _TEMPLATE.search(t)
        or _FILE_NAME.search(t)
        or t.lower() in {file_name.lower(), stem}
        or _squash(t) == _squash(stem)
        or t[:1].islower()
        or (not t[:1].isalnum() and t[:1] not in "\"'“‘(«")
        or (len(t.split()) == 1 and ("_" in t or t.count("-") >= 2))
        or (_UNFINISHED.search(t) and not t.endswith(("-", "–", "—")))
        or issuer(t)
        or _LABEL.match(t)
        or _WORKING_TITLE.search(t)
    ):
        return None
    return t[:MAX_TITLE_CHARS]


def _squash(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).lower())


def _similar(a: str, b: str) -> bool:
    """The same title, give or take a subtitle, an article or a letter."""
    sa, sb = _squash(a), _squash(b)
    if not sa or not sb:
        return False
    if sa in sb or sb in sa:
        return min(len(sa), len(sb)) >= 0.5 * max(len(sa), len(sb)) or min(len(sa), len(sb)) >= 12
    ta, tb = set(_tokens(a)), set(_tokens(b))
    return len(ta & tb) >= 0.7 * max(len(ta), len(tb))


def _page_words(pages: list[list[Line]]) -> set[str]:
    return {w for ln in first_lines(pages) for w in _tokens(ln.text)}


def _supported(title: str, words: set[str]) -> bool:
    """Most of the title's words are printed on the first pages."""
    tokens = [t for t in _tokens(title) if len(t) > 2]
    return bool(tokens) and sum(t in words for t in tokens) >= 0.75 * len(tokens)


def _body_size(pages: list[list[Line]]) -> float:
    weights: dict[float, int] = {}
    for ln in first_lines(pages):
        if ln.size > 0:
            key = round(ln.size * 2) / 2
            weights[key] = weights.get(key, 0) + len(ln.text)
    return max(weights, key=lambda k: weights[k]) if weights else 0.0


def _runs(lines: list[Line], page: int, author: str | None = None) -> list[_Run]:
    """Lines of one size that follow each other closely, within a block or across an unfinished line."""
    runs: list[_Run] = []
    i = 0
    while i < len(lines):
        first = lines[i]
        j = i + 1
        while j < len(lines) and j - i < MAX_TITLE_LINES + 1:
            prev, nxt = lines[j - 1], lines[j]
            if abs(nxt.size - first.size) > max(0.6, 0.06 * first.size) or nxt.kind != first.kind:
                break
            if _BYLINE.match(nxt.text) or _BYLINE.match(prev.text) or _is_author(nxt.text, author):
                break
            if _PEOPLE.match(prev.text.strip()) or _PEOPLE.match(nxt.text.strip()):
                break
            gap = nxt.top - prev.bottom
            if gap < -0.5 * max(prev.size, 1.0) or gap > 1.3 * max(first.size, 1.0):
                break  # back up the page (another column) or set apart
            if nxt.block != prev.block and not (_UNFINISHED.search(prev.text) or nxt.text[:1].islower()):
                break
            j += 1
        text = _join_lines([ln.text for ln in lines[i:j]])
        runs.append(_Run(page, i, j, text, first.size, first.top, first.kind))
        i = j
    return runs


def _join_lines(texts: list[str]) -> str:
    """Lines of a title joined; a line ending in a dash right after a letter goes on without a space."""
    out = ""
    for t in (t.strip() for t in texts):
        if out and re.search(r"[\w.][–—-]$", out):
            out += t
        else:
            out = f"{out} {t}" if out else t
    return out


def _is_author(text: str, author: str | None) -> bool:
    if not author or len(author) <= 3:
        return False
    return author.lower() in text.lower() and len(text) < 2 * len(author) + 10


def _clean(text: str) -> str:
    """Without OCR debris at its start, doubled spaces and a trailing page number."""
    text = " ".join(text.split())
    text = re.sub(r"^[^\w\"'“‘(«]+", "", text)
    text = re.sub(r"^[({\[|]\s+", "", text)
    return text.strip(" |•·")


def _content_words(text: str, issuer: Callable[[str], bool]) -> list[str]:
    """The words of a line that are not an issuer's name, a document-type label, a date or debris."""
    words = text.split()
    # drop the longest leading/trailing word spans that name an issuer
    for n in range(min(len(words), 6), 0, -1):
        if issuer(" ".join(words[:n])):
            words = words[n:]
            break
    for n in range(min(len(words), 6), 0, -1):
        if issuer(" ".join(words[-n:])):
            words = words[:-n]
            break
    rest = " ".join(words)
    rest = _DATE_WORDS.sub(" ", rest)
    kept = []
    for w in rest.split():
        bare = w.strip(".,:;–—-|()[]{}'\"“”‘’")
        if not bare or sum(ch.isdigit() for ch in bare) >= 2 or _LABEL.match(bare) or _LABEL_WORD.fullmatch(bare):
            continue
        if len(bare) <= 2 and not bare.isupper() and bare.lower() not in _SHORT_WORDS:
            continue  # OCR debris ("Bm", "Hl")
        kept.append(bare)
    return kept


def _rejected(run: _Run, author: str | None, issuer: Callable[[str], bool]) -> bool:
    text = run.text
    words = text.split()
    if run.kind in _NOT_TITLE_KINDS or not words or len(words) > MAX_TITLE_WORDS:
        return True
    if sum(ch.isalpha() for ch in text) < 3 or _BANNER.search(text) or _BYLINE.match(text):
        return True
    if _SECTION_HEADING.match(text) or _LABEL.match(text.strip(":")) or issuer(text.rstrip(":")):
        return True
    if _is_author(text, author):
        return True
    if _PEOPLE.match(text) and len(words) <= 16:
        return True
    if _DATELINE.search(text) and len(words) <= 8:
        return True  # "May 2013", "Research Brief Number 19 – June 2013"
    if sum(len(w) == 1 for w in words) > 0.5 * len(words) and len(words) > 3:
        return True  # letter-spaced text the vocabulary could not join
    if _SENTENCE_END.search(text) and not _ABBREVIATION_END.search(text) and len(words) > 3:
        return True  # a sentence of running text or a caption
    content = _content_words(text, issuer)
    return not content or (len(content) == 1 and len(content[0]) < 4)


def _best_printed(
    pages: list[list[Line]],
    author: str | None,
    issuer: Callable[[str], bool],
    field: str | None,
    running: str | None,
    words_on_pages: set[str],
) -> tuple[str, bool] | None:
    """The best-scoring title candidate on the first two pages, and whether it stands out clearly."""
    scored = _candidates(pages, author, issuer, field, running, words_on_pages)
    if not scored:
        return None
    score, text, strong = max(scored, key=lambda s: s[0])
    return text[:MAX_TITLE_CHARS], strong


def _printed_sites(pages: list[list[Line]]) -> set[str]:
    """Second-level names of the web addresses printed on the pages ("zeronights" from WWW.ZERONIGHTS.ORG)."""
    return {m.group(1).lower().replace("-", "") for ln in first_lines(pages) for m in _SITE.finditer(ln.text)}


def _candidates(
    pages: list[list[Line]],
    author: str | None,
    issuer: Callable[[str], bool],
    field: str | None,
    running: str | None,
    words_on_pages: set[str],
) -> list[tuple[float, str, bool]]:
    body = _body_size(pages) or 10.0
    sites = _printed_sites(pages)
    scored: list[tuple[float, str, bool]] = []
    for page, lines in enumerate(pages[:2]):
        if not lines:
            continue
        runs = [
            _Run(r.page, r.start, r.end, _despace(_clean(r.text), words_on_pages), r.size, r.top, r.kind)
            for r in _runs(lines, page, author)
        ]
        height = max(max(ln.bottom for ln in lines), 792.0)
        absorbed: set[int] = set()
        for k, run in enumerate(runs):
            if k in absorbed or _rejected(run, author, issuer):
                continue
            content = _content_words(run.text, issuer)
            if len(content) <= 2 and "".join(w.lower() for w in content) in sites:
                continue  # the name of the site or event the page advertises
            if len(run.text.split()) == 1 and run.text.lower().strip(":") not in _other_text(pages, run):
                continue  # a lone word the report never uses again: OCR debris or a logo
            text = _with_subtitle(run.text, run, runs[k + 1 :], issuer)
            if text != run.text:
                absorbed.add(k + 1)
            last = k + 1 if text != run.text else k
            text = _with_kicker(text, run, runs[:k], pages, issuer)
            ratio = (run.size / body) if run.size > 0 else 0.8
            score = 10.0 * min(ratio, 4.0)
            following = runs[last + 1 : last + 3]
            if any(_BYLINE.match(r.text) or _PEOPLE.match(r.text) or _is_author(r.text, author) for r in following):
                score += 6.0
            if ratio < 1.1 and len(run.text.split()) > 15:
                score -= 8.0  # a paragraph of body text
            if run.top > 0.78 * height:
                score -= 15.0  # a slogan or a date at the foot of a cover
            if page == 1:
                score -= 4.0
            if field and _similar(field, text):
                score += 5.0
            if running and _similar(running, text):
                score += 5.0
            if len(text.split()) == 1:
                score -= 3.0
            if len(text) > 160:
                score -= 5.0
            strong = ratio >= 1.3 or score >= 16.0
            scored.append((score, text, strong))
    return scored


def _other_text(pages: list[list[Line]], run: _Run) -> str:
    return " ".join(
        ln.text.lower()
        for p, lines in enumerate(pages)
        for i, ln in enumerate(lines)
        if not (p == run.page and run.start <= i < run.end)
    )


def _with_subtitle(text: str, run: _Run, after: list[_Run], issuer: Callable[[str], bool]) -> str:
    """'HAMMERTOSS:' and the smaller line below it; a short title and a subtitle set right under it."""
    if not after:
        return text
    nxt = after[0]
    close = 0 <= nxt.top - run.top <= 3.5 * max(run.size, 1.0) * (run.end - run.start)
    fits = (
        close
        and nxt.kind == run.kind
        and nxt.size >= (0.3 if text.endswith(":") else 0.45) * run.size
        and nxt.size < run.size + 0.5
        and len(nxt.text.split()) <= 16
        and not _SENTENCE_END.search(nxt.text)
        and not _BYLINE.match(nxt.text)
        and not _BANNER.search(nxt.text)
        and not _PEOPLE.match(nxt.text)
        and not _LABEL.match(nxt.text)
        and not issuer(nxt.text)
        and _content_words(nxt.text, issuer)
    )
    if not fits:
        return text
    if text.endswith(":"):
        return f"{text} {nxt.text}"
    if len(text.split()) <= 3 and nxt.text[:1].isupper() and nxt.size < run.size - 0.5:
        return f"{text}: {nxt.text}"
    return text


def _with_kicker(
    text: str, run: _Run, before: list[_Run], pages: list[list[Line]], issuer: Callable[[str], bool]
) -> str:
    """A short name set small right above the title ('SPAMOU-GABBING') is its first part."""
    if not before or ":" in text:
        return text
    prev = before[-1]
    kicker = prev.text.strip()
    words = kicker.split()
    if not (1 <= len(words) <= _KICKER_MAX_WORDS) or prev.size >= run.size:
        return text
    if not (0 <= run.top - pages[prev.page][prev.end - 1].bottom <= 1.2 * max(run.size, 1.0)):
        return text
    if (
        any(ch.isdigit() for ch in kicker)
        or _LABEL.match(kicker)
        or _BANNER.search(kicker)
        or _SECTION_HEADING.match(kicker)
        or _content_words(kicker, issuer) != [w.strip(".,:;'\"") for w in words]
    ):
        return text
    if len(words) == 1 and kicker.lower() not in _other_text(pages, prev):
        return text  # a lone word the report never repeats: OCR debris or a logo
    return f"{kicker.title() if kicker.isupper() else kicker}: {text}"


def _running_title(pages: list[list[Line]], issuer: Callable[[str], bool]) -> str | None:
    """A title-like line printed at the same place on the second and third pages (a running head)."""
    if len(pages) < 3:
        return None
    second = {(_clean(ln.text), round(ln.top)) for ln in pages[1]}
    for ln in pages[2]:
        text = _clean(re.sub(r"\s*\|?\s*(?:page\s*)?\d+\s*$", "", ln.text, flags=re.I))
        if not text or not any(t == text and abs(top - ln.top) <= 3 for t, top in second):
            continue
        run = _Run(2, 0, 1, text, ln.size, ln.top, "body")
        if len(text.split()) >= 2 and not _rejected(run, None, issuer) and not _DATE_WORDS.fullmatch(text):
            return text
    return None


def _court_filing_title(pages: list[list[Line]]) -> str | None:
    """'Indictment: United States of America v. Wang Dong et al.' from a court filing's caption."""
    if not pages:
        return None
    lines = pages[0]
    filing = next((ln.text.strip() for ln in lines if _COURT_FILING.match(ln.text.strip())), None)
    if not filing:
        return None
    parties: list[str] = []
    more = False
    for i, ln in enumerate(lines):
        if _VERSUS.match(ln.text):
            before = [m.group(1) for m in map(_CAPTION_PARTY.match, (x.text for x in lines[max(0, i - 3) : i])) if m]
            after = [m.group(1) for m in map(_CAPTION_PARTY.match, (x.text for x in lines[i + 1 : i + 40])) if m]
            after = [a for a in after if not a.lower().startswith(("a/k/a", "aka"))]
            if before and after:
                parties = [before[-1].strip(" ,"), after[0].strip(" ,")]
                more = len(after) > 1
            break
    name = filing.title()
    if not parties:
        return name

    def caption(p: str) -> str:
        return " ".join(w if w in {"of", "and"} else w.capitalize() for w in p.lower().split())

    return f"{name}: {caption(parties[0])} v. {caption(parties[1])}{' et al.' if more else ''}"


def _despace(text: str, vocabulary: set[str]) -> str:
    """Undo letter-spacing that split words ('Tar g eted c y ber' -> 'Targeted cyber') where the
    joined word is printed elsewhere on the first pages."""
    words = text.split()
    if len(words) < 2 or sum(len(w) <= 2 for w in words) < 2:
        return _join_stray_letters(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        best_j = i + 1
        for j in range(min(len(words), i + 12), i + 1, -1):
            piece = words[i:j]
            if sum(len(w) <= 2 for w in piece) == 0:
                continue
            joined = "".join(piece)
            if joined.lower().strip(".,:;!?'’\"()") in vocabulary and len(joined) >= 3:
                best_j = j
                break
        out.append("".join(words[i:best_j]))
        i = best_j
    return _join_stray_letters(" ".join(out))


def _join_stray_letters(text: str) -> str:
    """A single lower-case letter (not 'a') between two words is part of them: 'exam p les'."""
    words = text.split()
    out: list[str] = []
    glue = False
    for w in words:
        stray = len(w) == 1 and w.islower() and w != "a"
        if out and (stray or glue) and out[-1][-1:].isalpha() and w[:1].isalpha():
            out[-1] += w
        else:
            out.append(w)
        glue = stray
    return " ".join(out)
