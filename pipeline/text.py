"""Text helpers every stage shares: cleaning, sentence splitting, hashing, atomic writes.

PDF text never reaches a terminal or a Markdown file raw: `clean_text`/`terminal_text` for the
terminal, `md_inline` (everything escaped) or `md_text` (readable prose) for Markdown.
`clean_pdf_text` normalises what a parser extracted.
`split_sentences` is the one sentence splitter (chunking, claims, briefings, evaluation).
`ocr_aliases` shows matchers the taxonomy terms behind known OCR confusions ("AL driven").
"""

from __future__ import annotations

import hashlib
import os
import re
import statistics
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

# C0/C1 controls except tab and newline; bidi embeddings/overrides/isolates; zero-width marks.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&^$])")


def clean_text(text: str, *, max_chars: int | None = None, keep_newlines: bool = True) -> str:
    """Drop ANSI escape sequences, control, bidi and zero-width characters."""
    text = _ANSI.sub("", text)
    text = _UNSAFE.sub("", text)
    if not keep_newlines:
        text = re.sub(r"\s+", " ", text).strip()
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return text


def terminal_text(text: str, max_chars: int | None = None) -> str:
    """One line, safe to print; rich markup is not interpreted when passed as rich.text.Text."""
    return clean_text(text, max_chars=max_chars, keep_newlines=False)


_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=www)(\.)")


def md_inline(text: str, max_chars: int | None = None) -> str:
    """Plain text made inert in Markdown: no links (bare URLs included), images, HTML, headings or emphasis."""
    text = unicodedata.normalize("NFC", clean_text(text, max_chars=max_chars, keep_newlines=False))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # GitHub-style viewers link bare URLs; a character reference breaks the pattern, not the words
    return _AUTOLINK.sub(lambda m: "&#58;" if m.group(1) else "&#46;", text)


_MD_ALWAYS = re.compile(r"([\\`*\[\]|<~$])")
_MD_LEADING = re.compile(r"^(?:([#>+=])|([-*_])(?=\s|$|[-*_]{2})|(\d{1,9})([.)])(?=\s|$))")
_MD_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_EMAIL = re.compile(r"(?<=\w)@(?=\w[\w-]*\.\w)")


def md_text(text: str, max_chars: int | None = None) -> str:
    """Plain text made inert in Markdown with as few escapes as possible: readable prose.

    Escaped: what could open a link, image, footnote, HTML, code, emphasis, strike-through,
    math or a table cell (``[ ] < ` * ~ $ |``, ``_`` at word edges, entities), bare URLs and
    e-mail addresses (made inert with a character reference), and a leading ``#``, ``>``,
    ``+``, ``-``, ``1.``. Periods, hyphens, parentheses and apostrophes stay as they are.
    """
    text = unicodedata.normalize("NFC", clean_text(text, max_chars=max_chars, keep_newlines=False))
    text = _MD_ENTITY.sub("&amp;", text)
    text = _MD_ALWAYS.sub(lambda m: "&lt;" if m.group(1) == "<" else "\\" + m.group(1), text)
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    text = _MD_LEADING.sub(
        lambda m: "\\" + (m.group(1) or m.group(2)) if m.group(3) is None else m.group(3) + "\\" + m.group(4),
        text,
    )
    text = _MD_EMAIL.sub("&#64;", text)
    return _AUTOLINK.sub(lambda m: "&#58;" if m.group(1) else "&#46;", text)


# -- PDF text -----------------------------------------------------------------------------

_DROP_CHARS = dict.fromkeys([*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x00AD])
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SPACES = re.compile(r"[ \t\r\f\v\u2028\u2029]+")
_CID = re.compile(r"\(cid:\d+\)")


def clean_pdf_text(text: str) -> str:
    """NFKC-normalise and drop control, zero-width and bidi characters; collapse spaces."""
    text = text.translate(_DROP_CHARS)
    text = unicodedata.normalize("NFKC", text)
    text = _CID.sub("", text)
    text = _CONTROL.sub("", text)
    return SPACES.sub(" ", text).strip()


# -- sentences ----------------------------------------------------------------------------

_PARA = re.compile(r"\n[ \t]*\n\s*")
# Bullet glyphs, symbol-font bullets (private use U+F0xx: Wingdings/Symbol) included.
_BULLET_CHARS = "•▪●◦■□➢►‣⁃·▸✓\uf000-\uf0ff"
# A portion marking: "(U)", "(C)", "(S//NF)", "(U//FOUO)", "(TS//SI//NF)", "(S//REL TO USA, FVEY)".
PORTION_MARK = r"\((?:U|C|S|TS|FOUO|CUI)(?:\s?//?\s?[A-Z0-9][A-Z0-9 ,/-]*)?\)"
_BULLET = re.compile(
    rf"(?:^|\n|(?<=\s))[ \t]*(?=[{_BULLET_CHARS}]\s?)"
    rf"|\n[ \t]*(?=(?:[-*–>]|\(?\d{{1,2}}[.)]|\(?[a-z][.)])\s+\S|{PORTION_MARK}\s)"
)
# A sentence ends at . ! ? (maybe closing quotes/brackets, a footnote mark and a glued
# footnote number) before a capital, a digit or a bullet.
_CLOSERS = "\"”’')\\]*†‡"
_END = re.compile(rf"[.!?][{_CLOSERS}]*(?:\d{{1,3}}(?:,\d{{1,3}})*)?(?=\s+[\"“‘'(\[]?[A-Z0-9{_BULLET_CHARS}])")
# Words that open sentences far more often than they follow an abbreviation: after "U.S.",
# "Inc." or an initial, one of these starts a new sentence.
_STARTERS = frozenset(
    """a according after all also although an and another as at based because before both but
    by despite during each finally first for from further furthermore given he her here his
    however i if in instead it its many meanwhile moreover most next now once one our overall
    second she similarly since so some such that the their then there these they this those
    though thus to today unlike until using we when where whereas which while who with yet""".split()
)
# Two sentences glued by the extraction, no space after the stop: "powershell.exe.The decrypted ..."
_GLUED = re.compile(r"(?<=[a-z0-9)\]”’\"])[.!?](?=([A-Z][a-z]*)\s)")
# A numeric citation closing a sentence whose full stop the page leaves out ("entities [8, 54–56]
# Some of these"): an end before a sentence starter.
_CITATION_END = re.compile(r"\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\](?=[ \t]+([A-Z][a-z]*)\s)")
# Abbreviations that never end a sentence ("e.g. Google", "vs. Russia").
_NEVER_END = frozenset({"e.g", "i.e", "a.k.a", "eg", "ie", "cf", "viz", "vs", "v", "ca", "approx"})
# Titles before a name: never a sentence end in mixed-case text.
_TITLES = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt adm maj rep sen gov st rev hon amb pres supt insp cpl pvt brig cmdr".split()
)
# Abbreviations that end a sentence only when a sentence starter follows ("Microsoft Corp. The"),
# and never before a number ("No. 5", "Fig. 3", "Jan. 12").
_ABBREV = frozenset(
    """no nos fig figs al inc vs jan feb mar apr jun jul aug sep sept oct nov dec ltd co corp dept
    p pp vol vols art sec ch ed eds est jr sr op cit ibid para paras nr tel ext mt ft approx
    assn univ intl natl govt""".split()
)
# Names that end in "!" ("Yahoo! Mail").
_BANG_NAMES = frozenset({"yahoo", "jeopardy"})
# A dotted abbreviation: "U.S", "U.K", "e.g", "Ph.D", "a.m", "D.C".
_DOTTED_ABBREV = re.compile(r"^(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}$")
_TOKEN_BEFORE = re.compile(rf"(\S+?)[{_CLOSERS}]*$")
_NEXT_WORD = re.compile(r"\s+[\"“‘'(\[]*(\S*)")
_LEAD_TRIM = re.compile(r"^[\"“‘'(\[<{]+")

# Not part of the sentence it precedes: portion markings, and OCR debris before the first
# word -- a junk symbol ("«", "|"), short letters ahead of junk ("HE «"), or a stray
# non-word of one or two letters ahead of a sentence starter ("Hl The", "Wg In").
_JUNK = r"[^\w\s\"“‘'(\[{<>*•▪●◦■□➢►‣⁃·▸✓\uf000-\uf0ff$£€#@%&.…–-]{1,3}(?=\s)"
_LEAD_DEBRIS = re.compile(
    rf"(?:{PORTION_MARK}|(?:[A-Za-z]{{1,3}}\s+)?{_JUNK}|[A-Za-z]{{1,2}}(?=\s+([A-Z][a-z]+)\b))[ \t]*\n?[ \t]*"
)
_SHORT_WORDS = frozenset(
    """a i an as at be by do go he if in is it me my no of oh on or so to up us we ok al ed mr ms
    dr st co jr sr id ex re vs li wu xu ma hu lu yu su fu gu ye jo bo""".split()
)
_FUNCTION_END = re.compile(
    r"\b(?:and|or|of|the|to|in|by|with|for|a|an|as|at|on|from|that|its|their|is|are|was|were)$", re.I
)
MAX_SENTENCE_CHARS = 1200
# Bullets the extraction put on lines of their own, apart from their items (slides, some
# producers): with this many on a page, each capitalised line is taken as an item.
_ORPHAN_BULLET = re.compile(rf"(?m)^[ \t]*[{_BULLET_CHARS}–»-]+[ \t]*$")
ORPHAN_BULLETS_FOR_ITEMS = 3
# A paragraph's first line (or one after such a line) of at most this many words that stops this
# far short of the lines after it, before a capital, is a heading or a list item of its own.
HEADING_MAX_WORDS = 8
HARD_BREAK_SHARE = 0.8


def _is_heading(line: str) -> bool:
    line = line.strip()
    if not line or line[-1] in ".:;,!?" or len(line.split()) > 10 or _FUNCTION_END.search(line):
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", line) if len(w) > 3]
    return bool(words) and (line.isupper() or all(w[0].isupper() for w in words))


_DAY_END = re.compile(r"\b(?:on|of|by|from|to|since|until|before|after)\s+\d{1,2}$", re.I)
_OPEN_END = re.compile(r"[,;:(/&–-]$")
_CAPITAL_START = re.compile(r"[\"“‘']?[A-Z]")


def _heading_first_line(line: str, nxt: str, width: int) -> bool:
    """A short first line of a paragraph that stops well short of the lines after it (`width`:
    the longest of them), before a capital: a sentence-case heading ("On blame shifting") or a
    list item without its bullet, not the start of a wrapped sentence."""
    line = line.strip()
    words = line.split()
    if not words or len(words) > HEADING_MAX_WORDS or not _CAPITAL_START.match(nxt):
        return False
    if _OPEN_END.search(line) or _FUNCTION_END.search(line) or line[-1] in ".!?":
        return False
    return len(line) + 1 + len(nxt.split(maxsplit=1)[0]) <= HARD_BREAK_SHARE * width


def _item_end(line: str, nxt: str, width: int) -> bool:
    """On a page whose bullets came out apart from their items: a line ends an item when the
    next line's first word would have fitted on it and nothing shows the sentence running on
    (a comma, a function word, a lowercase next line)."""
    line = line.strip()
    if not line or not _CAPITAL_START.match(nxt) or _OPEN_END.search(line) or _FUNCTION_END.search(line):
        return False
    if _DAY_END.search(line):  # "registered on 14\nApril 2011"
        return False
    return len(line) + 1 + len(nxt.split(maxsplit=1)[0]) <= width


def _split_lines(text: str, start: int, end: int, *, every: bool = False, items: bool = False) -> list[tuple[int, int]]:
    """Split at single line breaks that follow a heading-like line, or an item's line on a page
    of detached bullets (`items`), or at every one (`every`)."""
    if every:
        out = []
        seg_start = start
        for m in re.finditer("\n", text[start:end]):
            out.append((seg_start, start + m.start()))
            seg_start = start + m.end()
        return [*out, (seg_start, end)]
    lines = text[start:end].split("\n")
    if len(lines) == 1:
        return [(start, end)]
    lengths = [len(ln.strip()) for ln in lines]
    rest_width = lengths[:]  # the longest line from each line on
    for i in range(len(lines) - 2, -1, -1):
        rest_width[i] = max(lengths[i], rest_width[i + 1])
    width = rest_width[0]
    # a paragraph's usual line length from each line on (its last, short line left out): a line
    # that a mended hyphen made twice as long does not set it
    usual = [statistics.median_low(lengths[i:-1]) if len(lengths) - i > 2 else rest_width[i] for i in range(len(lines))]
    out = []
    seg_start = pos = start
    for i, line in enumerate(lines[:-1]):
        nl = pos + len(line)
        nxt = lines[i + 1].lstrip()
        # a heading stands first or after a finished sentence, not inside a running one
        after_end = pos == seg_start or lines[i - 1].rstrip()[-1:] in ".!?:"
        if (
            (after_end and _is_heading(line) and nxt[:1].isupper())
            or (pos == seg_start and _heading_first_line(line, nxt, usual[i + 1]))
            or (items and _item_end(line, nxt, width))
        ):
            out.append((seg_start, nl))
            seg_start = nl + 1
        pos = nl + 1
    out.append((seg_start, end))
    return out


def _starts_sentence(word: str) -> bool:
    head = re.match(r"[A-Za-z]+", word)
    return head is not None and word[:1].isupper() and head.group(0).lower() in _STARTERS


def _ends_sentence(text: str, seg_start: int, stop: int, match_end: int) -> bool:
    """Whether the stop at `stop` ("." "!" "?") ends a sentence, judged by the token before it
    and the word after the match."""
    mark = text[stop]
    before = _TOKEN_BEFORE.search(text, seg_start, stop)
    token = _LEAD_TRIM.sub("", before.group(1)) if before else ""
    nxt_m = _NEXT_WORD.match(text, match_end)
    nxt = nxt_m.group(1) if nxt_m else ""
    starter = _starts_sentence(nxt)
    if mark == "?":
        return True
    if mark == "!":
        return token.lower() not in _BANG_NAMES or starter
    if not token:
        return True
    # a number broken across a line ("192.168.\n0.200", "NT 5.\n1;SV1"): not an end
    if token[-1].isdigit() and re.match(r"\d+[.;:,/)]\S", nxt):
        return False
    low = token.lower()
    if low in _NEVER_END:
        return False
    if "." in token:
        if _DOTTED_ABBREV.match(token):  # "U.S", "e.g": an end only before a sentence starter
            return starter
        return True  # an IP address, file, domain or version number ending a sentence
    if not token.isalpha():
        return True
    caps = token.isupper() and len(token) > 1
    if caps and not (nxt[:2].isupper() or nxt[:1].isdigit()):
        return True  # "the Chengdu MR.92 The awards": an acronym, not "Mr."
    if low in _TITLES:
        return False
    if low in _ABBREV:
        return starter and not nxt[:1].isdigit()
    if len(token) == 1 and token.isupper():  # an initial ("J. Smith") or "Plan B. The ..."
        return starter or "\n" in text[stop : match_end + 2]
    return True


def _split_punct(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts: list[int] = []
    seg_start = start
    for m in _END.finditer(text, start, end):
        if _ends_sentence(text, seg_start, m.start(), m.end()):
            cuts.append(m.end())
            seg_start = m.end()
    for m in _GLUED.finditer(text, start, end):
        if m.group(1).lower() in _STARTERS:
            cuts.append(m.end())
    for m in _CITATION_END.finditer(text, start, end):
        if m.group(1).lower() in _STARTERS and m.group(1) != "I":
            cuts.append(m.end())
    cuts.sort()
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def skip_lead_debris(text: str, s: int, e: int) -> int:
    """Where the sentence starting at `s` (and ending by `e`) really starts: past portion
    markings and OCR debris ahead of its first word ("(U)", "Hl", "HE «")."""
    while s < e:
        m = _LEAD_DEBRIS.match(text, s, e)
        if not m or m.end() >= e:
            return s
        head = text[s : m.end()].split()[0]
        if m.group(1) is not None:  # a stray one- or two-letter token: debris only before a starter
            acronym = len(head) > 1 and head.isupper()  # "IT", "EU"
            if acronym or head.lower() in _SHORT_WORDS or m.group(1).lower() not in _STARTERS:
                return s
        rest = text[m.end() : m.end() + 1]
        if not (rest.isupper() or rest in "\"“‘'(["):
            return s
        s = m.end()
    return s


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of a page, surrounding whitespace excluded.

    Portion markings and OCR debris ahead of a sentence are left out of its span.
    """
    blocks: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, len(text)))
    items = len(_ORPHAN_BULLET.findall(text)) >= ORPHAN_BULLETS_FOR_ITEMS
    spans: list[tuple[int, int]] = []
    for b_start, b_end in blocks:
        cuts = [b_start] + [m.start() for m in _BULLET.finditer(text, b_start, b_end)] + [b_end]
        for p_start, p_end in zip(cuts, cuts[1:], strict=False):
            for l_start, l_end in _split_lines(text, p_start, p_end, items=items):
                for s0, e0 in _split_punct(text, l_start, l_end):
                    long = e0 - s0 > MAX_SENTENCE_CHARS
                    for s, e in _split_lines(text, s0, e0, every=True) if long else [(s0, e0)]:
                        while s < e and text[s].isspace():
                            s += 1
                        while e > s and text[e - 1].isspace():
                            e -= 1
                        s = skip_lead_debris(text, s, e)
                        if e - s >= 3 and re.search(r"[A-Za-z]{2}", text[s:e]):
                            spans.append((s, e))
    return spans


# -- OCR confusions, for matching only ---------------------------------------------------

# "AI" read as "AL"/"Al"/"A1" by OCR, where the next word shows it is AI ("AL driven analytics").
_OCR_AI = re.compile(
    r"(?<![\w.])(?:AL|Al|A1|Al)(?=[- ](?:driven|enabled|powered|generated|based|assisted|augmented|"
    r"tools?|systems?|models?|technolog\w*|capabilit\w*|analytics|algorithms?|applications?|"
    r"chatbots?|content|surveillance|agents?|products|software|platforms?)\b)"
)


def ocr_aliases(text: str) -> str:
    """`text` with known OCR confusions of taxonomy terms read as the terms, for matching only.

    Same length as `text`, so offsets found in the result index the verbatim text; stored
    text and quotes stay as the page has them.
    """
    return _OCR_AI.sub("AI", text)


# -- files --------------------------------------------------------------------------------


def sha256_stream(fh: BinaryIO) -> str:
    """sha256 of an open binary file, read from the start in 1 MiB blocks."""
    h = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes (the `doc_id` of a PDF)."""
    with open(path, "rb") as fh:
        return sha256_stream(fh)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, fsync and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
