"""Text -> one canonical form (case, accents, "a. m.", number words, ordinals) before any pattern.

Doing it once here keeps every pattern simple: they never see accents or "p. m." spellings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final

from bot.domain.dates.vocabulary import _NUMBER_WORDS, _alternation

_Replacement = str | Callable[[re.Match[str]], str]
_NORMALISE_STEPS: Final[tuple[tuple[re.Pattern[str], _Replacement], ...]] = (
    (re.compile(r"(?<![a-z])([ap])\s*\.?\s*m\b\.?"), r" \1m "),  # "a. m.", "p.m", "PM" -> am/pm
    (re.compile(r"\bmedio\s+dia\b"), "mediodia"),
    (re.compile(r"\bo\s*['’]?\s*clock\b"), " "),
    (re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)"), r"\1 "),  # ISO "2026-12-15T10:00"
    (
        re.compile(rf"\b(?:{_alternation(_NUMBER_WORDS)})\b"),
        lambda m: str(_NUMBER_WORDS[" ".join(m.group(0).split())]),
    ),
    (re.compile(r"(\d)(?:st|nd|rd|th|ero|er|ro|do|to|vo|mo|no|o|°|ª)(?![a-z])"), r"\1"),
    (re.compile(r"(\d)\s*(?:hrs?|horas?|hs)\b"), r"\1h"),  # "15 hrs", "15:00 horas" -> 15h
    (re.compile(r"(\d)\s+en\s+punto\b"), r"\1"),  # "a las 9 en punto": exactly 9
    (re.compile(r"(?<!\d)\.|\.(?!\d)"), " "),  # dots only matter inside "9.30"
    (re.compile(r"[^a-z0-9:/.\- ]+"), " "),
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for pattern, replacement in _NORMALISE_STEPS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())
