"""bot.domain.dates: phrases as teachers in Peru type them, with a fixed ``now``, property tests."""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.dates import (
    LIMA,
    MAX_INPUT_CHARS,
    DateFlag,
    ParsedWhen,
    format_when,
    parse_until,
    parse_when,
    warm_up,
)

# Thursday 26 November 2026, 10:00 in Lima. Fri 27, Sat 28, Sun 29, Mon 30 Nov, Tue 1 Dec...
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=LIMA)

NO_TIME = DateFlag.NO_TIME
NO_DATE = DateFlag.NO_DATE
PM = DateFlag.ASSUMED_PM
AM = DateFlag.ASSUMED_AM
PART = DateFlag.PART_OF_DAY
BARE = DateFlag.BARE_DAY
NEXT_YEAR = DateFlag.NEXT_YEAR
MISMATCH = DateFlag.WEEKDAY_MISMATCH
PAST = DateFlag.IN_PAST
FAR = DateFlag.FAR_FUTURE
FALLBACK = DateFlag.FALLBACK
DAY_OR_HOUR = DateFlag.DAY_OR_HOUR
THIS_WEEK = DateFlag.THIS_WEEK
FROM_NOW = DateFlag.FROM_NOW


@dataclass(frozen=True)
class Case:
    phrase: str
    start: str  # "YYYY-MM-DD HH:MM", Lima
    flags: frozenset[DateFlag] = frozenset()
    end: str | None = None


def case(phrase: str, start: str, *flags: DateFlag, end: str | None = None) -> Case:
    return Case(phrase, start, frozenset(flags), end)


CASES: tuple[Case, ...] = (
    # The phrases from the issue that dateparser alone gets wrong or misses.
    case("el próximo lunes a las 3 de la tarde", "2026-11-30 15:00"),
    case("pasado mañana", "2026-11-28 09:00", NO_TIME),
    case("en dos semanas", "2026-12-10 09:00", NO_TIME),
    case("el 5 a las 10", "2026-12-05 10:00", BARE, AM),
    case("sábado por la mañana", "2026-11-28 09:00", PART),
    case("mañana a las 9", "2026-11-27 09:00", AM),
    case("15 de diciembre a las 10", "2026-12-15 10:00", AM),
    # Weekdays: the next such day strictly after today (today is Thursday).
    case("lunes", "2026-11-30 09:00", NO_TIME),
    case("el lunes", "2026-11-30 09:00", NO_TIME),
    case("este lunes", "2026-11-30 09:00", NO_TIME),
    case("  el   proximo   lunes  ", "2026-11-30 09:00", NO_TIME),
    case("el lunes que viene a las 10", "2026-11-30 10:00", AM),
    case("el miércoles que viene a las 3", "2026-12-02 15:00", PM),
    case("jueves", "2026-12-03 09:00", NO_TIME),
    case("el jueves de la próxima semana", "2026-12-03 09:00", NO_TIME),
    case("el lunes de la semana que viene", "2026-11-30 09:00", NO_TIME),
    case("viernes 8:30", "2026-11-27 08:30", AM),
    case("miercoles 15:00", "2026-12-02 15:00"),
    case("Sabado a las 11am", "2026-11-28 11:00"),
    case("domingo en la tarde", "2026-11-29 15:00", PART),
    case("a las 10 del lunes", "2026-11-30 10:00", AM),
    case("el día lunes a las 4", "2026-11-30 16:00", PM),
    case("lunes 30", "2026-11-30 09:00", NO_TIME),  # the 30th is a Monday: a date
    case("lunes 9", "2026-11-30 09:00", AM, DAY_OR_HOUR),  # no 9th soon is a Monday: ask
    case("jueves 17", "2026-12-17 09:00", NO_TIME),  # the 17th is a Thursday: the day
    case("viernes 15", "2027-01-15 09:00", NO_TIME),  # the next 15th that is a Friday
    case("jueves 31", "2026-12-31 09:00", NO_TIME),
    case("jueves 17 por la tarde", "2026-12-17 15:00", PART),  # the 17th, not 17:00 on the 3rd
    case("jueves 15 por la tarde", "2026-12-03 15:00", DAY_OR_HOUR),
    case("el lunes 7", "2026-12-07 09:00", NO_TIME),
    case("martes 1 de diciembre", "2026-12-01 09:00", NO_TIME),
    case("viernes 1 de diciembre", "2026-12-01 09:00", NO_TIME, MISMATCH),
    case("mañana viernes", "2026-11-27 09:00", NO_TIME),
    case("mañana sábado", "2026-11-27 09:00", NO_TIME, MISMATCH),
    # Relative days.
    case("hoy a las 4pm", "2026-11-26 16:00"),
    case("hoy 4pm", "2026-11-26 16:00"),
    case("hoy a las 8", "2026-11-26 08:00", AM, PAST),
    case("hoy", "2026-11-26 11:00", NO_TIME),  # 09:00 has gone: the next full hour
    case("mañana", "2026-11-27 09:00", NO_TIME),
    case("MAÑANA A LAS 9", "2026-11-27 09:00", AM),
    case("manana 9am", "2026-11-27 09:00"),
    case("mañana 9", "2026-11-27 09:00", AM),
    case("Mañana   a las  9:30", "2026-11-27 09:30", AM),
    case("el día de mañana a las 10", "2026-11-27 10:00", AM),
    case("pasado manana a las 3", "2026-11-28 15:00", PM),
    case("ayer", "2026-11-25 09:00", NO_TIME, PAST),
    case("en 3 días", "2026-11-29 09:00", NO_TIME),
    case("en tres dias a las 10", "2026-11-29 10:00", AM),
    case("dentro de una semana", "2026-12-03 09:00", NO_TIME),
    case("en 2 semanas a las 15h", "2026-12-10 15:00"),
    case("en un mes", "2026-12-26 09:00", NO_TIME),
    case("en 30 minutos", "2026-11-26 10:30", FROM_NOW),
    # Dates, day first.
    case("15/12", "2026-12-15 09:00", NO_TIME),
    case("15-12 10:00", "2026-12-15 10:00", AM),
    case("15/12/2026 10:00", "2026-12-15 10:00", AM),
    case("15/12/26", "2026-12-15 09:00", NO_TIME),
    case("15.12.2026", "2026-12-15 09:00", NO_TIME),
    case("5/12", "2026-12-05 09:00", NO_TIME),
    case("12/01/2027", "2027-01-12 09:00", NO_TIME),
    case("15 de dic", "2026-12-15 09:00", NO_TIME),
    case("dic 15", "2026-12-15 09:00", NO_TIME),
    case("15 dic 9:30", "2026-12-15 09:30", AM),
    case("1ro de diciembre", "2026-12-01 09:00", NO_TIME),
    case("miércoles 2 de diciembre a las 10:30", "2026-12-02 10:30", AM),
    case("2026-12-15", "2026-12-15 09:00", NO_TIME),
    case("2026-12-15 14:30", "2026-12-15 14:30"),
    case("2026-12-15T10:00", "2026-12-15 10:00", AM),
    case("el 5 de enero de 2027 a las 8:00 a.m.", "2027-01-05 08:00"),
    case("5 de enero del 2027", "2027-01-05 09:00", NO_TIME),
    # Dates without a year: the next occurrence, flagged when it moves to next year.
    case("1 de enero", "2027-01-01 09:00", NO_TIME, NEXT_YEAR),
    case("primero de enero", "2027-01-01 09:00", NO_TIME, NEXT_YEAR),
    case("5 de setiembre", "2027-09-05 09:00", NO_TIME, NEXT_YEAR),
    case("20 de noviembre", "2027-11-20 09:00", NO_TIME, NEXT_YEAR),
    case("26 de noviembre a las 3", "2026-11-26 15:00", PM),  # today stays today
    case("29 de febrero", "2028-02-29 09:00", NO_TIME, NEXT_YEAR, FAR),
    # Explicit years are kept, never silently.
    case("15 de diciembre de 2025", "2025-12-15 09:00", NO_TIME, PAST),
    case("15 de diciembre de 2028", "2028-12-15 09:00", NO_TIME, FAR),
    # Bare day of month.
    case("el día 5", "2026-12-05 09:00", NO_TIME, BARE),
    case("el 26 a las 3", "2026-11-26 15:00", BARE, PM),
    case("el 31", "2026-12-31 09:00", NO_TIME, BARE),  # November has no 31st
    # Times.
    case("a las 3", "2026-11-26 15:00", NO_DATE, PM),
    case("a la 1", "2026-11-26 13:00", NO_DATE, PM),
    case("a las 9", "2026-11-27 09:00", NO_DATE, AM),  # 9:00 today has gone
    case("3pm", "2026-11-26 15:00", NO_DATE),
    case("12:30", "2026-11-26 12:30", NO_DATE),
    case("por la tarde", "2026-11-26 15:00", NO_DATE, PART),
    case("esta noche", "2026-11-26 19:00", PART),
    case("esta tarde a las 4", "2026-11-26 16:00"),
    case("3 de la tarde", "2026-11-26 15:00", NO_DATE),
    case("mañana 3 de la tarde", "2026-11-27 15:00"),
    case("mañana en la mañana", "2026-11-27 09:00", PART),
    case("mañana por la mañana a las 10", "2026-11-27 10:00"),
    case("mañana a las 9 de la noche", "2026-11-27 21:00"),
    case("mañana a las 3 de la madrugada", "2026-11-27 03:00"),
    case("mañana a las 12", "2026-11-27 12:00"),
    case("mañana a las 12 de la noche", "2026-11-28 00:00"),  # the midnight ending Friday
    case("mañana 12 m.", "2026-11-27 12:00"),
    case("mañana al mediodía", "2026-11-27 12:00"),
    case("mañana a medio dia", "2026-11-27 12:00"),
    case("mañana a las 9 y media", "2026-11-27 09:30", AM),
    case("mañana a las 10 y cuarto", "2026-11-27 10:15", AM),
    case("mañana a las 9 y 30", "2026-11-27 09:30", AM),
    case("mañana a las 10 menos cuarto", "2026-11-27 09:45", AM),
    case("mañana 15:00 hrs", "2026-11-27 15:00"),
    case("mañana 7 a. m.", "2026-11-27 07:00"),
    case("mañana 7 p.m.", "2026-11-27 19:00"),
    case("mañana a las 7", "2026-11-27 07:00", AM),  # school days start at 7-8
    case("mañana a las 09:00", "2026-11-27 09:00"),  # a leading zero is 24-hour
    case("mañana a las 3:00 pm", "2026-11-27 15:00"),
    case("mañana a la una de la tarde", "2026-11-27 13:00"),
    case("hoy 9 pm", "2026-11-26 21:00"),
    case("hoy a medianoche", "2026-11-27 00:00"),  # the midnight ending today
    case("el 5 por la tarde", "2026-12-05 15:00", BARE, PART),  # "el 5" is a day...
    case("5 por la tarde", "2026-11-26 17:00", NO_DATE),  # ...a lone 5 is the hour
    # Ranges.
    case("mañana de 9 a 11", "2026-11-27 09:00", AM, end="2026-11-27 11:00"),
    case("el lunes de 3 a 5 de la tarde", "2026-11-30 15:00", end="2026-11-30 17:00"),
    case("viernes de 10 a 1", "2026-11-27 10:00", AM, end="2026-11-27 13:00"),
    case("mañana 10:00-12:00", "2026-11-27 10:00", AM, end="2026-11-27 12:00"),
    case("mañana desde las 9 hasta las 12", "2026-11-27 09:00", AM, end="2026-11-27 12:00"),
    case("mañana a las 9 hasta las 12", "2026-11-27 09:00", AM, end="2026-11-27 12:00"),
    case("mañana entre las 2 y las 4", "2026-11-27 14:00", PM, end="2026-11-27 16:00"),
    case("mañana 8:00 am a 10:00 am", "2026-11-27 08:00", end="2026-11-27 10:00"),
    case("lunes 7 pm hasta las 9", "2026-11-30 19:00", end="2026-11-30 21:00"),
    case("de 11 a 1 pm", "2026-11-26 11:00", NO_DATE, AM, end="2026-11-26 13:00"),
    case("de 9-11", "2026-11-27 09:00", NO_DATE, AM, end="2026-11-27 11:00"),
    case("mañana 9-11 de la mañana", "2026-11-27 09:00", end="2026-11-27 11:00"),
    case("1-3 en la noche", "2027-03-01 19:00", NEXT_YEAR, PART),  # 1 a.m.-3 a.m. "de la noche"?
    case("lunes 9 hasta las 11", "2026-11-30 09:00", AM, end="2026-11-30 11:00"),
    # English.
    case("tomorrow 9am", "2026-11-27 09:00"),
    case("next monday at 3pm", "2026-11-30 15:00"),
    case("monday next week", "2026-11-30 09:00", NO_TIME),
    case("in 2 weeks", "2026-12-10 09:00", NO_TIME),
    case("dec 15 10:00", "2026-12-15 10:00", AM),
    case("Dec 15, 2026 10:00", "2026-12-15 10:00", AM),
    case("December 15th, 2026 at 10am", "2026-12-15 10:00"),
    case("today at noon", "2026-11-26 12:00"),
    case("friday morning", "2026-11-27 09:00", PART),
    case("tonight at 8", "2026-11-26 20:00"),
    case("the day after tomorrow at 4:30 pm", "2026-11-28 16:30"),
    case("on the 5th", "2026-12-05 09:00", NO_TIME, BARE),
    case("3 days from now", "2026-11-29 09:00", NO_TIME),
    case("in an hour", "2026-11-26 11:00", FROM_NOW),
    case("from 9 to 11", "2026-11-27 09:00", NO_DATE, AM, end="2026-11-27 11:00"),
    case("9am-11am", "2026-11-27 09:00", NO_DATE, end="2026-11-27 11:00"),
    case("between 2 and 4 pm", "2026-11-26 14:00", NO_DATE, end="2026-11-26 16:00"),
    # Times as Peruvians write them (issue 13).
    case("el lunes 10.30", "2026-11-30 10:30", AM),
    case("15.30", "2026-11-26 15:30", NO_DATE),
    case("15.30 h", "2026-11-26 15:30", NO_DATE),
    case("mañana 15.30 hrs", "2026-11-27 15:30"),
    case("a las 9 en punto", "2026-11-27 09:00", NO_DATE, AM),  # 9:00 today has gone
    case("el viernes a las 8 en punto de la mañana", "2026-11-27 08:00"),
    case("11 y 45", "2026-11-26 11:45", NO_DATE, AM),
    case("las once y cuarenta y cinco", "2026-11-26 11:45", NO_DATE, AM),
    case("mañana a las cuatro y treinta y cinco", "2026-11-27 16:35", PM),
    case("10 y media", "2026-11-26 10:30", NO_DATE, AM),
    case("3 y cuarto", "2026-11-26 15:15", NO_DATE, PM),
    case("9 menos cuarto", "2026-11-27 08:45", NO_DATE, AM),
    case("lunes a las 7", "2026-11-30 07:00", AM),  # school days start at 7-8
    case("a las 10.05", "2026-11-26 10:05", NO_DATE, AM),
    # "el próximo sábado" on a Thursday: this week's Saturday, said so (many mean next week's).
    case("el próximo sábado", "2026-11-28 09:00", NO_TIME, THIS_WEEK),
    case("el sábado que viene a las 10", "2026-11-28 10:00", AM, THIS_WEEK),
    case("sábado a las 10", "2026-11-28 10:00", AM),  # no "próximo": no doubt
    case("dentro de 3 horas", "2026-11-26 13:00", FROM_NOW),
    case("ayer de noche", "2026-11-25 19:00", PART, PAST),
    # Read by dateparser, flagged as such.
    case("hace 2 días", "2026-11-24 09:00", FALLBACK, NO_TIME, PAST),
    case("in a fortnight", "2026-12-10 09:00", FALLBACK, NO_TIME),
)

NOT_UNDERSTOOD = (
    "",
    "   ",
    "asdf",
    "el día que sea",
    "9",  # an hour or a day? no date next to it to tell
    "31/02",
    "30 de febrero",
    "a las 25",
    "mañana 25:00",
    "15 am",
    "mañana 5 m",
    "hasta las 12",  # an end without a start
    "next week",
    "la próxima semana",
    "fin de mes",
    "el otro lunes",
    "mañana o el lunes",
    "mañana 15 de diciembre",  # two different days
    "a las 3 a las 5",
    "de 5 pm a 3 pm",
    "mañana a las 2 de la noche",
    "mañana a las 9 en el colegio",
    "x" * 5000,
    "10.05",  # 10:05 or 10 May? a dot with minutes 01-12 needs "a las"
)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LIMA)


@pytest.fixture(scope="module", autouse=True)
def _warm_dateparser() -> None:
    warm_up()


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 50
    assert len({c.phrase for c in CASES}) == len(CASES)


@pytest.mark.parametrize("expected", CASES, ids=lambda c: c.phrase.strip())
def test_phrase(expected: Case) -> None:
    result = parse_when(expected.phrase, now=NOW)
    assert result is not None
    assert result.start == at(expected.start)
    assert result.end == (at(expected.end) if expected.end else None)
    assert result.flags == expected.flags
    assert result.start.tzinfo == LIMA


def test_weekday_and_an_hour_or_a_day_offers_both_readings() -> None:
    """'jueves 15' when no 15th in the next three months is a Thursday: 15:00 or the 15th?"""
    result = parse_when("jueves 15", now=NOW)
    assert result is not None and result.alternative is not None
    assert (result.start, result.flags) == (at("2026-12-03 15:00"), {DAY_OR_HOUR})
    other = result.alternative
    assert other.start == at("2026-12-15 09:00")  # a Tuesday
    assert other.flags == {DAY_OR_HOUR, MISMATCH, BARE, NO_TIME}
    assert result.needs_confirmation and other.needs_confirmation


def test_a_weekday_with_a_day_that_matches_has_one_reading() -> None:
    for phrase in ("jueves 17", "el jueves 17", "lunes 30"):
        result = parse_when(phrase, now=NOW)
        assert result is not None and result.alternative is None, phrase


# Several days: (phrase, start, end on the first day, last day, flags). Now is Thu 26 Nov 2026.
SPANS = [
    ("del 13 al 15 de julio", "2027-07-13 09:00", None, "2027-07-15", {NO_TIME, NEXT_YEAR}),
    ("13 al 15 de julio", "2027-07-13 09:00", None, "2027-07-15", {NO_TIME, NEXT_YEAR}),
    ("13-15/7", "2027-07-13 09:00", None, "2027-07-15", {NO_TIME, NEXT_YEAR}),
    ("13 al 15/7", "2027-07-13 09:00", None, "2027-07-15", {NO_TIME, NEXT_YEAR}),
    ("del lunes al miércoles", "2026-11-30 09:00", None, "2026-12-02", {NO_TIME}),
    ("de lunes a viernes de 8 a 1", "2026-11-30 08:00", "2026-11-30 13:00", "2026-12-04", {AM}),
    ("del 13 al 15 de julio de 9 a 13", "2027-07-13 09:00", "2027-07-13 13:00", "2027-07-15",
     {AM, NEXT_YEAR}),
    ("del 21 de diciembre al 6 de enero", "2026-12-21 09:00", None, "2027-01-06", {NO_TIME}),
    ("del 28 al 30 de noviembre a las 8am", "2026-11-28 08:00", None, "2026-11-30", set()),
    ("10 - 22 agosto 2027", "2027-08-10 09:00", None, "2027-08-22", {NO_TIME}),
]  # fmt: skip


@pytest.mark.parametrize(("phrase", "start", "end", "last", "flags"), SPANS)
def test_spans_of_days(
    phrase: str, start: str, end: str | None, last: str, flags: set[DateFlag]
) -> None:
    result = parse_when(phrase, now=NOW, spans=True)
    assert result is not None
    assert (result.start, result.flags) == (at(start), flags)
    assert result.end == (at(end) if end else None)
    assert result.last_day is not None and result.last_day.isoformat() == last
    assert not result.too_long


def test_a_span_over_31_days_is_read_but_marked_too_long() -> None:
    result = parse_when("del 1 de marzo al 15 de abril de 2027", now=NOW, spans=True)
    assert result is not None and result.span_days == 46 and result.too_long
    month = parse_when("del 1 al 31 de marzo", now=NOW, spans=True)
    assert month is not None and month.span_days == 31 and not month.too_long


@pytest.mark.parametrize(
    "phrase", ["del 15 al 13 de julio", "del lunes al lunes", "del 13 al 45 de julio"]
)
def test_impossible_spans_are_refused(phrase: str) -> None:
    assert parse_when(phrase, now=NOW, spans=True) is None


@pytest.mark.parametrize("phrase", [span[0] for span in SPANS])
def test_a_caller_that_cannot_show_spans_never_gets_the_first_day_alone(phrase: str) -> None:
    assert parse_when(phrase, now=NOW) is None


def test_one_day_has_no_last_day() -> None:
    result = parse_when("15 de julio", now=NOW)
    assert result is not None and result.last_day is None and result.span_days == 1


@pytest.mark.parametrize("phrase", NOT_UNDERSTOOD, ids=lambda p: p[:30] or "empty")
def test_not_understood(phrase: str) -> None:
    assert parse_when(phrase, now=NOW) is None


def test_long_input_is_refused_quickly() -> None:
    started = clock.perf_counter()
    assert parse_when("mañana " * 1000, now=NOW) is None
    assert parse_when("a" * (MAX_INPUT_CHARS + 1), now=NOW) is None
    assert clock.perf_counter() - started < 0.01


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        parse_when("mañana", now=datetime(2026, 11, 26, 10, 0))


def test_now_in_utc_means_the_same_lima_moment() -> None:
    # 03:00 UTC on the 27th is still 22:00 on the 26th in Lima: "mañana" is the 27th.
    late_evening_in_utc = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    result = parse_when("mañana a las 9", now=late_evening_in_utc)
    assert result is not None
    assert result.start == at("2026-11-27 09:00")


@pytest.mark.parametrize(
    ("now", "phrase", "expected"),
    [
        (at("2026-11-29 10:00"), "el próximo lunes", "2026-11-30 09:00"),  # on a Sunday
        (at("2026-11-29 10:00"), "este lunes", "2026-11-30 09:00"),
        (at("2026-11-29 10:00"), "el lunes de la próxima semana", "2026-11-30 09:00"),
        (at("2026-11-30 10:00"), "lunes", "2026-12-07 09:00"),  # on a Monday
        (at("2026-11-30 10:00"), "el lunes que viene", "2026-12-07 09:00"),
        (at("2026-11-28 10:00"), "el lunes de la próxima semana", "2026-11-30 09:00"),
        (at("2026-12-31 10:00"), "mañana a las 8", "2027-01-01 08:00"),
        (at("2026-12-31 10:00"), "el viernes", "2027-01-01 09:00"),
        (at("2028-02-28 10:00"), "mañana", "2028-02-29 09:00"),
        (at("2028-02-29 10:00"), "en un mes", "2028-03-29 09:00"),
        (at("2027-01-31 10:00"), "en un mes", "2027-02-28 09:00"),
        (at("2026-12-20 10:00"), "el 5", "2027-01-05 09:00"),
        (at("2026-11-26 23:30"), "hoy", "2026-11-27 00:00"),
    ],
)
def test_calendar_edges(now: datetime, phrase: str, expected: str) -> None:
    result = parse_when(phrase, now=now)
    assert result is not None
    assert result.start == at(expected)
    assert DateFlag.IN_PAST not in result.flags


def test_year_end_dates_roll_into_next_year_with_a_flag() -> None:
    result = parse_when("15 de enero", now=at("2026-12-31 10:00"))
    assert result is not None
    assert result.start == at("2027-01-15 09:00")
    assert DateFlag.NEXT_YEAR in result.flags


def test_other_time_zone() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    result = parse_when("mañana a las 10", now=NOW, tz=madrid)
    assert result is not None
    assert result.start == datetime(2026, 11, 27, 10, 0, tzinfo=madrid)


def test_properties() -> None:
    sure = ParsedWhen(at("2026-11-27 09:00"), None, frozenset({AM}))
    vague = ParsedWhen(at("2026-11-27 09:00"), None, frozenset({NO_TIME}))
    old = ParsedWhen(at("2026-11-20 09:00"), None, frozenset({PAST}))
    assert not sure.needs_confirmation and not sure.needs_time and not sure.is_past
    assert vague.needs_confirmation and vague.needs_time
    assert old.is_past and old.needs_confirmation


# --- parse_until --------------------------------------------------------------------------

START = at("2026-11-27 09:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hasta las 12", "2026-11-27 12:00"),
        ("12", "2026-11-27 12:00"),
        ("hasta las 3 de la tarde", "2026-11-27 15:00"),
        ("until 5pm", "2026-11-27 17:00"),
        ("hasta las 11", "2026-11-27 11:00"),
        ("hasta las 2", "2026-11-27 14:00"),
        ("hasta las 8", "2026-11-27 20:00"),  # 8 a.m. is before the start
        ("Hasta el mediodía", "2026-11-27 12:00"),
        ("a las 10:30", "2026-11-27 10:30"),
        ("- 11:00", "2026-11-27 11:00"),
        ("hasta las 12 de la noche", "2026-11-28 00:00"),
    ],
)
def test_parse_until(text: str, expected: str) -> None:
    assert parse_until(text, START) == at(expected)


@pytest.mark.parametrize("text", ["hasta las 8 am", "asdf", "", "hasta las 25", "mañana"])
def test_parse_until_refuses(text: str) -> None:
    assert parse_until(text, START) is None


def test_parse_until_stays_on_the_same_day() -> None:
    assert parse_until("hasta las 2", at("2026-11-27 20:00")) is None


# --- format_when --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "spanish", "english"),
    [
        (
            at("2026-11-30 09:00"),
            "lunes 30 de noviembre de 2026, 9:00 a. m.",
            "Monday, 30 November 2026, 9:00 AM",
        ),
        (
            at("2026-09-05 15:05"),
            "sábado 5 de setiembre de 2026, 3:05 p. m.",
            "Saturday, 5 September 2026, 3:05 PM",
        ),
        (
            at("2026-12-02 12:00"),
            "miércoles 2 de diciembre de 2026, 12:00 p. m.",
            "Wednesday, 2 December 2026, 12:00 PM",
        ),
        (
            datetime(2026, 12, 2, 5, 30, tzinfo=UTC),  # 00:30 in Lima
            "miércoles 2 de diciembre de 2026, 12:30 a. m.",
            "Wednesday, 2 December 2026, 12:30 AM",
        ),
    ],
)
def test_format_when(moment: datetime, spanish: str, english: str) -> None:
    assert format_when(moment, "es") == spanish
    assert format_when(moment, "en") == english


# --- properties ---------------------------------------------------------------------------

EDGE_NOWS = [
    at("2026-11-26 10:00"),
    at("2026-12-31 23:59"),
    at("2027-01-01 00:00"),
    at("2024-02-29 08:00"),
    at("2024-02-29 23:59"),
    at("2028-02-28 12:00"),
    at("2026-11-29 07:00"),  # a Sunday
    at("2026-01-31 18:00"),
    at("2099-12-31 22:00"),
]
nows = st.one_of(
    st.sampled_from(EDGE_NOWS),
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(LIMA)
    ),
)
WEEKDAY_WORDS = ["lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado"]
WEEKDAY_WORDS += ["sabado", "domingo", "Monday", "friday"]
MONTH_WORDS = ["enero", "febrero", "marzo", "setiembre", "septiembre", "dic", "dec", "Diciembre"]
numbers = st.integers(0, 40).map(str) | st.sampled_from(["dos", "tres", "una", "quince"])
date_phrases = st.one_of(
    st.just(""),
    st.sampled_from(["hoy", "mañana", "manana", "pasado mañana", "tomorrow", "today", "ayer"]),
    st.builds(
        "{} {}".format,
        st.sampled_from(["", "el", "el próximo", "este", "next", "proximo"]),
        st.sampled_from(WEEKDAY_WORDS),
    ),
    st.builds("el {} que viene".format, st.sampled_from(WEEKDAY_WORDS)),
    st.builds("{} de la próxima semana".format, st.sampled_from(WEEKDAY_WORDS)),
    st.builds("en {} {}".format, numbers, st.sampled_from(["días", "dias", "semanas", "meses"])),
    st.builds("el {}".format, st.integers(1, 31)),
    st.builds("{}/{}".format, st.integers(1, 28), st.integers(1, 12)),
    st.builds("{}-{}".format, st.integers(1, 31), st.sampled_from([1, 3, 5, 7, 8, 10, 12])),
    st.builds("{} de {}".format, st.integers(1, 28), st.sampled_from(MONTH_WORDS)),
    st.builds("{} {}".format, st.sampled_from(MONTH_WORDS), st.integers(1, 28)),
    st.just("29 de febrero"),
    st.builds(
        "{}-{:02d}-{:02d}".format, st.integers(2000, 2100), st.integers(1, 12), st.integers(1, 28)
    ),
)
hours12 = st.integers(1, 12)
time_phrases = st.one_of(
    st.just(""),
    st.builds("a las {}".format, hours12),
    st.builds("{}:{:02d}".format, st.integers(0, 23), st.integers(0, 59)),
    st.builds("{}{}".format, hours12, st.sampled_from(["am", "pm", " a. m.", " p.m."])),
    st.builds("{}h".format, st.integers(0, 23)),
    st.builds("a las {} de la {}".format, hours12, st.sampled_from(["mañana", "tarde"])),
    st.sampled_from(["por la mañana", "por la tarde", "en la noche", "al mediodía", "9 y media"]),
    st.integers(1, 11).flatmap(
        lambda start: st.builds(
            "de {} a {}".format, st.just(start), st.integers(start + 1, min(start + 4, 12))
        )
    ),
)


def check_invariants(result: ParsedWhen, now: datetime) -> None:
    assert result.start >= now or DateFlag.IN_PAST in result.flags
    assert result.start - now <= timedelta(days=366) or DateFlag.FAR_FUTURE in result.flags
    assert result.end is None or result.end > result.start
    assert result.start.tzinfo == LIMA


@settings(max_examples=200, deadline=None)
@given(now=nows, date_part=date_phrases, time_part=time_phrases, time_first=st.booleans())
def test_grammar_phrases_are_never_silently_past_or_far(
    now: datetime, date_part: str, time_part: str, time_first: bool
) -> None:
    pieces = [time_part, date_part] if time_first else [date_part, time_part]
    phrase = " ".join(pieces).strip()
    if not phrase:
        return
    result = parse_when(phrase, now=now)
    invalid_day = date_part.startswith(("31-", "29 de"))  # 31 April, 29 Feb: only some years
    assert result is not None or invalid_day, phrase
    if result is not None:
        check_invariants(result, now)
        assert parse_when(phrase, now=now.astimezone(UTC)) == result


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=80), now=nows)
def test_arbitrary_text_never_raises(text: str, now: datetime) -> None:
    result = parse_when(text, now=now)
    if result is not None:
        check_invariants(result, now)


TOKENS = [
    "el", "de", "a", "las", "la", "próximo", "que", "viene", "lunes", "viernes", "mañana", "hoy",
    "pasado", "por", "tarde", "noche", "mediodía", "en", "días", "semanas", "dic", "enero", "3",
    "9", "12", "15", "31", "2026", "15/12", "10:30", "pm", "am", "h", "y", "media", "hasta", "-",
    "next", "monday", "tomorrow", "at", "in", "weeks", "hace", "ayer", "asdf", "menos", "cuarto",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8), now=nows)
def test_word_soup_never_raises_nor_hides_a_guess(words: list[str], now: datetime) -> None:
    result = parse_when(" ".join(words), now=now)
    if result is not None:
        check_invariants(result, now)


# Issue 13, as it was tried: Saturday 5 December 2026, 10:00 in Lima. Every phrase it quotes.
ISSUE_NOW = datetime(2026, 12, 5, 10, 0, tzinfo=LIMA)
ISSUE_CASES: tuple[Case, ...] = (
    case("el jueves 3 de diciembre a las 10", "2027-12-03 10:00", AM, NEXT_YEAR, MISMATCH),
    case("mañana", "2026-12-06 09:00", NO_TIME),
    case("el jueves", "2026-12-10 09:00", NO_TIME),
    case("el 15", "2026-12-15 09:00", NO_TIME, BARE),
    case("tomorrow", "2026-12-06 09:00", NO_TIME),
    case("viernes por la tarde", "2026-12-11 15:00", PART),
    case("el lunes a las 3", "2026-12-07 15:00", PM),
    case("el lunes 10.30", "2026-12-07 10:30", AM),
    case("15.30", "2026-12-05 15:30", NO_DATE),
    case("15.30 h", "2026-12-05 15:30", NO_DATE),
    case("a las 9 en punto", "2026-12-06 09:00", NO_DATE, AM),
    case("11 y 45", "2026-12-05 11:45", NO_DATE, AM),
    case("las once y cuarenta y cinco", "2026-12-05 11:45", NO_DATE, AM),
    case("10 y media", "2026-12-05 10:30", NO_DATE, AM),
    case("3 y cuarto", "2026-12-05 15:15", NO_DATE, PM),
    case("9 menos cuarto", "2026-12-06 08:45", NO_DATE, AM),
    case("jueves 15", "2026-12-10 15:00", DAY_OR_HOUR),
    case("pasado mañana en la tarde", "2026-12-07 15:00", PART),
    case("lunes a las 7", "2026-12-07 07:00", AM),
    case("ayer 10am", "2026-12-04 10:00", PAST),
)


@pytest.mark.parametrize("expected", ISSUE_CASES, ids=lambda c: c.phrase)
def test_the_issue_phrases(expected: Case) -> None:
    result = parse_when(expected.phrase, now=ISSUE_NOW)
    assert result is not None
    assert (result.start, result.flags) == (at(expected.start), expected.flags)


@pytest.mark.parametrize(
    ("phrase", "first", "last"),
    [("del 13 al 15 de julio", "2027-07-13 09:00", "2027-07-15"),
     ("13 al 15 de julio", "2027-07-13 09:00", "2027-07-15"),
     ("13-15/7", "2027-07-13 09:00", "2027-07-15"),
     ("del lunes al miércoles", "2026-12-07 09:00", "2026-12-09"),
     ("del 13 al 15 de julio de 9 a 13", "2027-07-13 09:00", "2027-07-15")],
)  # fmt: skip
def test_the_issue_spans(phrase: str, first: str, last: str) -> None:
    result = parse_when(phrase, now=ISSUE_NOW, spans=True)
    assert result is not None and result.start == at(first)
    assert result.last_day is not None and result.last_day.isoformat() == last
