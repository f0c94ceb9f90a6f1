"""The PDFium backend: chars with boxes from PDFium's text page, words built like pdfplumber.

Words come out in the same shape as pdfplumber's extract_words (text, x0, x1, top,
bottom, size), so rows, columns, running lines and cleaning are shared with the
reference backend. PDFium is C++ and about an order of magnitude faster than pdfminer.
"""

from __future__ import annotations

import ctypes
import math
import statistics
import struct
from itertools import groupby
from operator import itemgetter
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.parse.kinds import Section
from pipeline.parse.layout import Line, Rulings, dedupe_chars, layout_page

NAME = "pdfium"
X_TOLERANCE = 3.0  # pdfplumber's defaults
Y_TOLERANCE = 3.0
# PDFium also generates spaces inside letter-spaced text; only a visible gap counts.
GAP_SPACE_EM = 0.1
EXTRA_META_KEYS = ("Publisher", "Company")
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
# PDFium reports a line-end hyphen as U+FFFE or U+0002; U+00AD is left to the shared code.
_HYPHENS = {0xFFFE: "-", 0x0002: "-"}


def _per_char(function: Any, restype: Any) -> Any:
    """A PDFium function without declared argument types, called with a c_void_p handle, ints and
    ctypes buffers, which ctypes passes as they are: the per-char calls run about half again as
    fast as through pypdfium2's typed bindings, which check and convert every argument."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value or 0)


# The text object's address as an int, for caching per text object (pypdfium2's binding
# returns a pointer object that is neither hashable by address nor cheap).
_GET_TEXT_OBJECT = _per_char(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)
_GET_UNICODE = _per_char(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_IS_GENERATED = _per_char(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
_GET_LOOSE_BOX = _per_char(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
# and once per text object
_GET_MATRIX = _per_char(pdfium_c.FPDFText_GetMatrix, ctypes.c_int)
_GET_FONT_SIZE = _per_char(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_GET_FONT_WEIGHT = _per_char(pdfium_c.FPDFText_GetFontWeight, ctypes.c_int)
_GET_CHAR_ORIGIN = _per_char(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int)
# FS_RECTF's four floats in one call
_UNPACK_BOX = struct.Struct("4f").unpack_from
_UNPACK_MATRIX = struct.Struct("6f").unpack_from
_UNSEEN: Any = object()
_SIZE = itemgetter("size")
_X0 = itemgetter("x0")
_TOP = itemgetter("top")
_BOTTOM = itemgetter("bottom")
_TEXT = itemgetter("text")
# a PDFium char is one code point: mapping each char is translating the joined text
_LIGATURE_TABLE = str.maketrans(_LIGATURES)
_PASSWORD_ERRORS = (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)


class PdfiumOpenError(Exception):
    """PDFium could not open the file; `code` is FPDF_GetLastError()."""

    def __init__(self, code: int) -> None:
        self.code = code
        names = {
            pdfium_c.FPDF_ERR_SUCCESS: "no pages",
            pdfium_c.FPDF_ERR_UNKNOWN: "unknown error",
            pdfium_c.FPDF_ERR_FILE: "file not found or could not be opened",
            pdfium_c.FPDF_ERR_FORMAT: "not a PDF or corrupted",
            pdfium_c.FPDF_ERR_PASSWORD: "password required or incorrect",
            pdfium_c.FPDF_ERR_SECURITY: "unsupported security scheme",
            pdfium_c.FPDF_ERR_PAGE: "page not found or content error",
        }
        super().__init__(f"PDFium cannot open the file: {names.get(code, code)} (code {code})")


def is_encrypted_error(exc: BaseException) -> bool:
    return isinstance(exc, PdfiumOpenError) and exc.code in _PASSWORD_ERRORS


class PdfiumDoc:
    """An open PDF as the shared parse loop sees it: page count, page lines, metadata."""

    name = NAME

    def __init__(self, path: str) -> None:
        # The raw call tells "no pages" (a loaded document) from "cannot load".
        raw = pdfium_c.FPDF_LoadDocument((path + "\x00").encode("utf-8", "surrogateescape"), None)
        if not raw:
            raise PdfiumOpenError(pdfium_c.FPDF_GetLastError())
        self._pdf = pdfium.PdfDocument(raw)
        self._section = Section()

    def __enter__(self) -> PdfiumDoc:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pdf.close()

    @property
    def page_count(self) -> int:
        return len(self._pdf)

    def page_lines(self, index: int, *, with_size: bool) -> list[Line]:
        page = self._pdf[index]
        try:
            left, bottom, right, top = page.get_bbox()
            textpage = page.get_textpage()
            try:
                chars = _page_chars(textpage, left, top)
            finally:
                textpage.close()
            words = chars_to_words(dedupe_chars(chars), with_size=with_size)
            return layout_page(
                words,
                right - left,
                lambda: _rulings(page, left, top, top - bottom),
                page_height=top - bottom,
                section=self._section,
            )
        finally:
            page.close()

    def metadata(self) -> dict[str, Any]:
        meta = {k: v for k, v in self._pdf.get_metadata_dict(skip_empty=True).items()}
        for key in EXTRA_META_KEYS:
            value = self._pdf.get_metadata_value(key)
            if value:
                meta[key] = value
        return meta


def _page_chars(textpage: Any, left: float, top: float) -> list[dict[str, Any]]:
    """Upright chars in top-based page coordinates, boxes shaped like pdfminer's.

    x0/x1 come from PDFium's loose (advance-width) box. Its height follows each font's
    ascent, so tops of two fonts on one line differ; as pdfminer does, a char is
    `size` high above its descent line (the loose box bottom).
    """
    raw = textpage.raw
    get_unicode, is_generated, get_box, get_object = _GET_UNICODE, _IS_GENERATED, _GET_LOOSE_BOX, _GET_TEXT_OBJECT
    handle = ctypes.cast(raw, ctypes.c_void_p)
    # one preallocated box, read back in one unpack (left, top, right, bottom)
    box = (ctypes.c_float * 4)()
    read_box = _UNPACK_BOX
    # text object -> (effective font size, baseline above the loose box bottom, bold), None: rotated
    objects: dict[int, tuple[float, float, bool] | None] = {}
    ox, oy = ctypes.c_double(), ctypes.c_double()
    origin = (ctypes.byref(ox), ctypes.byref(oy))
    matrix = (ctypes.c_float * 6)()
    chars: list[dict[str, Any]] = []
    append = chars.append
    hyphens = _HYPHENS
    font_keys: dict[tuple[float, float], tuple[float, float]] = {}  # (size, loose box height) -> font
    # gaps between adjacent chars of one font on one line (see _fit_widths)
    overlaps: dict[tuple[float, float], list[float]] = {}
    fonts: list[tuple[float, float]] = []  # each char's (size, box height)
    p_font: tuple[float, float] | None = None
    p_top = p_x1 = 0.0
    p_space = True
    gap = False  # PDFium generated a space or line break before the next char
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = get_unicode(handle, i)
        if code in hyphens:
            text, space = hyphens[code], False
        elif code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            continue
        else:
            text = chr(code)
            space = text.isspace()
            # PDFium adds spaces and line breaks where glyphs are set apart without a
            # space char (common in browser-printed PDFs): a word break like a real space.
            if space and is_generated(handle, i):
                gap = True
                continue
        obj = get_object(handle, i) or 0
        font = objects.get(obj, _UNSEEN)
        if font is _UNSEEN:
            first_size = _char_size(handle, i, matrix)
            bold = _GET_FONT_WEIGHT(handle, i) >= 600
            font = objects[obj] = None if first_size is None else (first_size, -1.0, bold)
        if font is None or not get_box(handle, i, box):
            continue
        x0, y1, x1, y0 = read_box(box)
        size, rise, bold = font  # type: ignore[misc]
        if rise < 0.0:
            # the baseline sits a font's descent above the loose box: the same for every
            # char of one text object, and what lines of mixed fonts share
            _GET_CHAR_ORIGIN(handle, i, *origin)
            rise = max(oy.value - y0, 0.0)
            objects[obj] = (size, rise, bold)
        bottom = top - y0
        ch_top = bottom - size
        x0 -= left
        x1 -= left
        height = y1 - y0
        # one (size, rounded height) tuple per font and height, not one per char
        font_key = font_keys.get((size, height))
        if font_key is None:
            font_key = font_keys[size, height] = (size, round(height, 1))
        if not gap and p_font == font_key and abs(p_top - ch_top) < 0.5 and not p_space and not space:
            values = overlaps.get(font_key)
            if values is None:
                values = overlaps[font_key] = []
            values.append(x0 - p_x1)
        p_font, p_top, p_x1, p_space = font_key, ch_top, x1, space
        fonts.append(font_key)
        append(
            {
                "text": text,
                "x0": x0,
                "x1": x1,
                "top": ch_top,
                "bottom": bottom,
                "base": bottom - rise,
                "bold": bold,
                "size": size,
                "idx": len(chars),
                "gap": gap,
            }
        )
        gap = False
    _fit_widths(chars, fonts, overlaps)
    return chars


def _fit_widths(
    chars: list[dict[str, Any]], fonts: list[tuple[float, float]], overlaps: dict[tuple[float, float], list[float]]
) -> None:
    """Shrink boxes of fonts whose loose boxes overlap their neighbours', in place.

    PDFium's loose box takes a glyph's width from the font program; where the PDF's
    /Widths are narrower (seen in browser-printed PDFs), every box overlaps the next
    by the same amount and a word gap looks smaller than it is. `fonts` holds each
    char's (size, loose box height); `overlaps`, per font, the gaps between adjacent
    non-space chars on one line (no generated space between). The typical overlap is
    taken off each char's right edge.
    """
    shrink = {}
    for font, values in overlaps.items():
        if len(values) >= 5:
            typical = statistics.median(values)
            if typical < -0.5:
                shrink[font] = typical
    if shrink:
        for ch, font in zip(chars, fonts, strict=True):
            delta = shrink.get(font)
            if delta is not None:
                ch["x1"] = max(ch["x0"] + 0.1, ch["x1"] + delta)


def _char_size(handle: Any, index: int, matrix: Any) -> float | None:
    """Effective font size of a char, or None for rotated text (pdfminer's upright test).

    `handle` is the text page as a c_void_p, `matrix` a buffer of six floats.
    """
    if not _GET_MATRIX(handle, index, matrix):
        return None
    a, b, c, d, _, _ = _UNPACK_MATRIX(matrix)
    # Rotated text (e.g. a vertical side tab) would read reversed.
    if not (a * d > 0 and b * c <= 0):
        return None
    size = round(_GET_FONT_SIZE(handle, index) * math.hypot(c, d), 3)
    return size if size > 0 else 1.0


def chars_to_words(chars: list[dict[str, Any]], *, with_size: bool) -> list[dict[str, Any]]:
    """pdfplumber's extract_words (default tolerances, upright text) on char dicts."""
    words: list[dict[str, Any]] = []
    groups = (list(g) for _, g in groupby(chars, key=_SIZE)) if with_size else [chars]
    for group in groups:
        for line in _cluster_lines(group):
            line.sort(key=_X0)
            current: list[dict[str, Any]] = []
            prev: dict[str, Any] = {}
            p_x0 = p_x1 = p_top = p_size = 0.0  # prev's, read once
            for ch in line:
                text = ch["text"]
                if text.isspace():
                    if current:
                        words.append(_merge(current, with_size))
                    current = []
                    continue
                x0, x1, top, size = ch["x0"], ch["x1"], ch["top"], ch["size"]
                if current and (
                    (ch["gap"] and prev["idx"] == ch["idx"] - 1 and x0 - p_x1 > GAP_SPACE_EM * size)
                    or x0 < p_x0
                    # a raised note number set tight against the next word ("specialists3and")
                    or (size > 1.25 * p_size and prev["text"].isdigit() and text.isalpha())
                    or x0 > p_x1 + X_TOLERANCE
                    or abs(top - p_top) > Y_TOLERANCE
                ):
                    words.append(_merge(current, with_size))
                    current = []
                current.append(ch)
                prev, p_x0, p_x1, p_top, p_size = ch, x0, x1, top, size
            if current:
                words.append(_merge(current, with_size))
    return words


def _cluster_lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Chars grouped by `top`, chaining values within Y_TOLERANCE (pdfplumber's cluster_objects)."""
    if not chars:
        return []
    cluster_of: dict[float, int] = {}
    last: float | None = None
    n = -1
    for value in sorted(set(map(_TOP, chars))):
        if last is None or value > last + Y_TOLERANCE:
            n += 1
        cluster_of[value] = n
        last = value
    lines: list[list[dict[str, Any]]] = [[] for _ in range(n + 1)]
    for ch in chars:
        lines[cluster_of[ch["top"]]].append(ch)
    return lines


def _merge(chars: list[dict[str, Any]], with_size: bool) -> dict[str, Any]:
    first = chars[0]
    if len(chars) == 1:
        text = first["text"]
        word = {
            "text": _LIGATURES.get(text, text),
            "x0": first["x0"],
            "x1": first["x1"],
            "top": first["top"],
            "bottom": first["bottom"],
            "upright": True,
            "size": first["size"],
        }
        if "base" in first:
            word["base"] = first["base"]
            word["bold"] = first["bold"]
        return word
    # chars come left to right, so the ends give x0 and x1 (a ligature's parts share one box)
    word = {
        "text": "".join(map(_TEXT, chars)).translate(_LIGATURE_TABLE),
        "x0": first["x0"],
        "x1": max(chars[-1]["x1"], first["x1"]),
        "top": min(map(_TOP, chars)),
        "bottom": max(map(_BOTTOM, chars)),
        "upright": True,
    }
    sizes = list(map(_SIZE, chars))
    big = max(sizes)
    if "base" in first:
        # a raised footnote marker glued to a word does not move the word's baseline
        word["base"] = first["base"] if first["size"] == big else chars[sizes.index(big)]["base"]
        word["bold"] = first["bold"] and chars[-1]["bold"]
    # Every word carries a size (block types compare it with the body's); words split
    # at size changes only where asked, so superscript markers otherwise stay glued.
    word["size"] = first["size"] if with_size else big
    return word


def _rulings(page: Any, left: float, top: float, height: float) -> Rulings:
    """Horizontal rules (x0, y, x1) from simple path objects: lines and rectangles.

    The page's top-level objects through PDFium's own calls: pypdfium2's get_objects wraps
    every object (text runs and images too) in a Python object first.
    """
    rules: list[tuple[float, float, float]] = []
    raw = page.raw
    count = pdfium_c.FPDFPage_CountObjects(raw)
    if count < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    bounds = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(b) for b in bounds]
    for i in range(count):
        obj = pdfium_c.FPDFPage_GetObject(raw, i)
        if not obj:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_UNKNOWN:
            raise pdfium.PdfiumError("Failed to determine pageobject type.")
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH or pdfium_c.FPDFPath_CountSegments(obj) > 5:
            continue  # text, images, forms; curves and outlines are no rules
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        x0, y0, x1, y1 = (b.value for b in bounds)
        x0, x1, obj_top, obj_bottom = x0 - left, x1 - left, top - y1, top - y0
        if obj_bottom - obj_top < 2:
            rules.append((x0, obj_top, x1))
        elif obj_bottom - obj_top <= 0.5 * height:
            rules.append((x0, obj_top, x1))
            rules.append((x0, obj_bottom, x1))
    return rules
