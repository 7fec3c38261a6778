"""The compiled regular expressions, over normalised text, that find each kind of piece.

Kept apart from the builders so the grammar reads in one place.
"""

from __future__ import annotations

import re
from typing import Final

from bot.domain.dates.vocabulary import (
    _MONTHS,
    _RELATIVE_DAYS,
    _UNIT_DAYS,
    _UNIT_MINUTES,
    _UNIT_MONTHS,
    _WEEKDAYS,
    _alternation,
)

_SUFFIX = r"(?:am|pm|h|m)\b"
_PART = (
    r"(?:(?:de|por|en)\s+la\s+(?:manana|tarde|noche|madrugada)|del\s+mediodia"
    r"|in\s+the\s+(?:morning|afternoon|evening)|at\s+night)"
)
_FRACTION = r"(?:\s+y\s+(?:media|cuarto|\d{1,2})|\s+menos\s+(?:cuarto|\d{1,2}))"
_CLOCK_ANY = (
    rf"\d{{1,2}}(?!\d)(?:[:.]\d{{2}}(?::\d{{2}})?)?{_FRACTION}?(?:\s*{_SUFFIX})?(?:\s+{_PART})?"
)
# A clock that cannot be a day or a count: it has minutes, a suffix or "y media"...
# "10.30" and "15.30" are clocks; "10.05" could be 10 May, so dotted minutes 01-12 need more.
_CLOCK_MARKED = (
    rf"\d{{1,2}}(?::\d{{2}}(?::\d{{2}})?(?:\s*{_SUFFIX})?|(?:\.\d{{2}})?\s*{_SUFFIX}"
    rf"|\.(?:00|1[3-9]|[2-5]\d)(?![\d.:/-])"
    rf"|(?:\s+y\s+(?:media|cuarto|[1-5]\d)|\s+menos\s+(?:cuarto|[1-5]\d|[1-9]))"
    rf"(?![\d:/.-])(?:\s*{_SUFFIX})?)(?:\s+{_PART})?"
)
# ...or a part of day ("3 de la tarde"), unless a day comes first ("el 5 por la tarde").
_CLOCK_PARTED = rf"\d{{1,2}}{_FRACTION}?\s+{_PART}"
_CLOCK_STRONG = rf"{_CLOCK_MARKED}|{_CLOCK_PARTED}"
_CLOCK_TEXT_RE: Final = re.compile(
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})(?::\d{2})?)?"
    r"(?:\s+y\s+(?P<plus>media|cuarto|\d{1,2})|\s+menos\s+(?P<minus>cuarto|\d{1,2}))?"
    r"(?:\s*(?P<suffix>am|pm|h|m))?"
    rf"(?:\s+(?P<part>{_PART}))?"
)
_NOON = r"(?:mediodia|noon|midday)"
_MONTH_WORDS = _alternation(_MONTHS)
_NOT_A_TIME_AHEAD = r"(?!\s*(?:am|pm|h)\b)"
_PART_AHEAD_RE: Final = re.compile(rf"\s+{_PART}")

# Spans of days, cut before single dates so "del 13 al 15 de julio" is not 15 July at 13:00.
_SPAN_FROM = r"(?:(?:del?|desde\s+el|entre\s+el)\s+)?"
_SPAN_TO = r"\s*(?:-|al?\b|hasta\s+el\b)\s*"
_SPAN_YEAR = r"(?:\s+(?:de\s+|del\s+)?(?P<year>\d{4})\b)?"
_SPAN_IN_MONTH_RE: Final = re.compile(
    rf"(?<![\d:/.-])\b{_SPAN_FROM}(?P<first>\d{{1,2}}){_SPAN_TO}(?P<day>\d{{1,2}})"
    rf"\s*(?:de\s+)?(?P<month>{_MONTH_WORDS})\b(?!\s+\d{{1,2}}\b){_SPAN_YEAR}"
)  # not "de 1 a 2 enero 5": hours 1 to 2 on 5 January
_SPAN_ACROSS_MONTHS_RE: Final = re.compile(
    rf"(?<![\d:/.-])\b{_SPAN_FROM}(?P<first>\d{{1,2}})\s*(?:de\s+)?(?P<first_month>{_MONTH_WORDS})"
    rf"{_SPAN_TO}(?:el\s+)?(?P<day>\d{{1,2}})\s*(?:de\s+)?(?P<month>{_MONTH_WORDS})\b{_SPAN_YEAR}"
)
_SPAN_NUMERIC_RE: Final = re.compile(
    rf"(?<![\d:/.-])\b{_SPAN_FROM}(?P<first>\d{{1,2}}){_SPAN_TO}(?P<day>\d{{1,2}})"
    r"/(?P<month>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?(?![\d:/-])"
)
_SPAN_WEEKDAYS_RE: Final = re.compile(
    rf"\b(?:del?|desde\s+el)\s+(?P<first>{_alternation(_WEEKDAYS)})\s+(?:al?|hasta\s+el)\s+"
    rf"(?P<last>{_alternation(_WEEKDAYS)})\b"
)
_ISO_DATE_RE: Final = re.compile(
    r"(?<![\d/.-])(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?![\d/-])"
)
# "15/12", "15-12", "15/12/26"; but "de 9-11" and "9-11am" are ranges of hours.
_NUMERIC_DATE_RE: Final = re.compile(
    r"(?<![\d:/.-])(?<!\bde )(?<!\bdesde )(?<!\bfrom )(?P<day>\d{1,2})[/-](?P<month>\d{1,2})"
    rf"(?:[/-](?P<year>\d{{4}}|\d{{2}}))?(?![\d:/-]){_NOT_A_TIME_AHEAD}"
)
_DOTTED_DATE_RE: Final = re.compile(  # "15.12.2026": needs the year, or "9.30" would be a date
    r"(?<![\d:/.-])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})(?![\d.])"
)
# Not after "a", "las", "at": in "de 1 a 2 enero 5" and "a las 1 enero 24" the 1 and 2 are hours.
_DAY_MONTH_RE: Final = re.compile(
    r"(?<![\d:/.-])(?<!\ba )(?<!\bto )(?<!\bla )(?<!\blas )(?<!\bat )"
    rf"\b(?P<day>\d{{1,2}})\s*(?:de\s+|of\s+)?(?P<month>{_MONTH_WORDS})\b"
    r"(?:\s+(?:de\s+|del\s+)?(?P<year>\d{4})\b)?"
)
_MONTH_DAY_RE: Final = re.compile(
    rf"\b(?P<month>{_MONTH_WORDS})\s+(?P<day>\d{{1,2}})(?![\d:.]){_NOT_A_TIME_AHEAD}"
    r"(?:\s+(?:de\s+|del\s+)?(?P<year>\d{4})\b)?"
)
_UNIT_WORDS = _alternation([*_UNIT_DAYS, *_UNIT_MONTHS, *_UNIT_MINUTES])
_IN_UNITS_RE: Final = re.compile(
    rf"\b(?:(?:en|in|dentro\s+de)\s+(?P<count>\d{{1,3}}|an?)\s*(?P<unit>{_UNIT_WORDS})"
    rf"|(?P<count_from>\d{{1,3}}|an?)\s*(?P<unit_from>{_UNIT_WORDS})\s+from\s+(?:now|today))\b"
)
_RANGE_SEPARATOR = r"(?:\s*-\s*|\s+(?:a|hasta|to|until|till|y|and)\s+(?:las?\s+)?)"
_KEYWORD_RANGE_RE: Final = re.compile(
    rf"\b(?:de|desde|entre|from|between)\s+(?:las?\s+)?(?P<start>{_CLOCK_ANY})"
    rf"{_RANGE_SEPARATOR}(?P<end>{_CLOCK_ANY})"
)
# Without a keyword, "el 1 a las 3" is a day and a time, not a range from 1 to 3.
_PLAIN_RANGE_RE: Final = re.compile(
    r"(?<![\d:/.-])(?<!\bel )(?<!\bdia )(?<!\bthe )"
    rf"(?P<start>{_CLOCK_ANY})(?:\s*-\s*|\s+(?:a(?!\s+las?\b)|hasta|to|until|till)\s+(?:las?\s+)?)"
    rf"(?P<end>{_CLOCK_ANY})"
)
_STRONG_CLOCK_RE: Final = re.compile(_CLOCK_STRONG)
_UNTIL_PREFIX = r"(?:hasta|until|till|to)\s+(?:(?:las?|el|al|the)\s+)?"
_UNTIL_RE: Final = re.compile(rf"\b{_UNTIL_PREFIX}(?P<clock>{_CLOCK_ANY}|{_NOON}\b)")
_CLOCK_RE: Final = re.compile(
    rf"\b(?:a\s+las?|at|las|desde\s+las?|from)\s+(?P<led>{_CLOCK_ANY})"
    rf"|(?<![\d:/.-])(?P<marked>{_CLOCK_MARKED})"
    rf"|(?<![\d:/.-])(?<!\bel )(?<!\bdia )(?<!\bthe )(?P<parted>{_CLOCK_PARTED})"
)
_NOON_RE: Final = re.compile(rf"\b{_NOON}\b")
_MIDNIGHT_RE: Final = re.compile(r"\b(?:(?:a|at)\s+)?(?:medianoche|midnight)\b")
_PART_OF_DAY_RE: Final = re.compile(
    r"\b(?:(?P<this>esta|this)\s+(?:manana|tarde|noche|morning|afternoon|evening)"
    r"|(?P<tonight>tonight)|(?:por|en|de)\s+la\s+(?:manana|tarde|noche)|de\s+noche"
    r"|(?:in\s+the\s+)?(?:morning|afternoon|evening)|(?:at\s+)?night)\b"
)
_RELATIVE_DAY_RE: Final = re.compile(rf"\b(?:{_alternation(_RELATIVE_DAYS)})\b")
_NEXT_WEEK = (
    r"(?:de\s+la\s+(?:proxima|siguiente|otra)\s+semana|de\s+la\s+semana\s+que\s+viene"
    r"|(?:of\s+)?next\s+week)"
)
_WEEKDAY_RE: Final = re.compile(
    rf"\b(?:(?P<next>proximo|proxima|siguiente|next|coming)\s+)?"
    rf"(?P<weekday>{_alternation(_WEEKDAYS)})\b"
    rf"(?:\s+(?P<coming>proximo|que\s+viene)\b|\s+(?P<next_week>{_NEXT_WEEK}))?"
    r"(?:\s+(?P<day>\d{1,2})(?![\d:/.-]))?"
)
_BARE_DAY_RE: Final = re.compile(
    r"\b(?:el\s+(?:dia\s+)?|dia\s+|(?:on\s+)?the\s+)(?P<day>\d{1,2})(?![\d:/.-])"
)
_BARE_NUMBER_RE: Final = re.compile(r"(?<![\w:/.-])(?P<number>\d{1,2})(?![\w:/.-])")
_VAGUE_PERIOD_RE: Final = re.compile(
    r"\b(?:semanas?|weeks?|weekend|mes|meses|months?|anos?|years?|quincena|fin)\b"
)
_HAS_LETTER_RE: Final = re.compile(r"[a-z]{2,}")
