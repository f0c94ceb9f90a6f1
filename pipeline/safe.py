"""Text from a PDF never reaches a terminal or a Markdown file raw."""

from __future__ import annotations

import re
import unicodedata

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
