"""Text folding shared by every lookup that must ignore case, accents and punctuation."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def strip_accents(text: str) -> str:
    """'Ñaña Ávila' -> 'Nana Avila'. Decomposes and drops combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """A comparison key: lower case, no accents, words separated by single spaces."""
    plain = strip_accents(text).casefold()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def clean_text(text: str, *, keep_newlines: bool = False) -> str:
    """User-typed text as we store it: NFC, no control or invisible characters, tidy spaces."""
    normal = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    if normal.isprintable():  # no control, invisible or odd space characters: the fast path
        return " ".join(normal.split())
    kept = "".join(_kept_char(char, keep_newlines) for char in normal)
    if not keep_newlines:
        return " ".join(kept.split())
    lines = (" ".join(line.split()) for line in kept.split("\n"))
    return "\n".join(lines).strip()


def _kept_char(char: str, keep_newlines: bool) -> str:
    """Line breaks and tabs become spaces (or stay, for multi-line text); invisible
    characters such as zero-width spaces, bidi overrides and NULs are dropped."""
    if char == "\n" and keep_newlines:
        return char
    if char.isspace():
        return " "
    return "" if unicodedata.category(char) in _DROPPED_CATEGORIES else char
