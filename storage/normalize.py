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
    normal = unicodedata.normalize("NFC", text)
    kept = "".join(
        char
        for char in normal
        if (keep_newlines and char == "\n") or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    if not keep_newlines:
        return " ".join(kept.split())
    lines = (" ".join(line.split()) for line in kept.split("\n"))
    return "\n".join(lines).strip()
