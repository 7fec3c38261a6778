"""Issue 13's property: a moment is exactly what the text says, or it carries a flag; and no
flag reaches "Publicar" without its note (or without the flow asking what was missing)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import LIMA, DateFlag, parse_when
from bot.views.activity_views import NOTES, date_notes
from bot.views.texts import CATALOGS

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=LIMA)  # Thursday
TODAY = NOW.date()
NOT_GUESSES = {DateFlag.IN_PAST, DateFlag.FAR_FUTURE}  # facts about the moment, not guesses
# The flow does not publish these with a note: it asks the hour, or goes back to the calendar.
ASKED_INSTEAD = {DateFlag.NO_TIME, DateFlag.PART_OF_DAY, DateFlag.IN_PAST}

# (text, the day it names exactly, or None when reading it takes a guess)
DAYS = [
    ("15 de diciembre de 2026", date(2026, 12, 15)), ("15/12/2026", date(2026, 12, 15)),
    ("2026-12-15", date(2026, 12, 15)), ("15 de diciembre", date(2026, 12, 15)),
    ("hoy", TODAY), ("mañana", TODAY + timedelta(days=1)), ("el lunes", date(2026, 11, 30)),
    ("jueves 17", date(2026, 12, 17)), ("el 15", None), ("jueves 15", None),
    ("el próximo sábado", None), ("", None), ("5 de enero", None), ("lunes 15 de diciembre", None),
]  # fmt: skip
# (text, the hour and minute it names exactly, or None)
TIMES = [
    ("10:30 am", (10, 30)), ("15:00", (15, 0)), ("15.30 h", (15, 30)), ("a las 3 pm", (15, 0)),
    ("a las 9 en punto de la mañana", (9, 0)), ("a las 11 y 45 am", (11, 45)),
    ("a las 3", None), ("a las 10", None), ("10.30", None), ("por la tarde", None), ("", None),
    ("3 y cuarto", None), ("9 menos cuarto", None),
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(day=st.sampled_from(DAYS), clock=st.sampled_from(TIMES), clock_first=st.booleans())
def test_a_moment_is_exact_or_flagged(
    day: tuple[str, date | None], clock: tuple[str, tuple[int, int] | None], clock_first: bool
) -> None:
    parts = [clock[0], day[0]] if clock_first else [day[0], clock[0]]
    phrase = " ".join(part for part in parts if part)
    if not phrase:
        return
    result = parse_when(phrase, now=NOW)
    assert result is not None, phrase
    guesses = result.flags - NOT_GUESSES
    if day[1] is not None and clock[1] is not None:
        expected = datetime.combine(day[1], datetime.min.time(), LIMA).replace(
            hour=clock[1][0], minute=clock[1][1]
        )
        assert (result.start, guesses) == (expected, set()), phrase
    else:
        assert guesses, f"{phrase!r} read as {result.start} without a flag"


def test_every_flag_has_a_note_or_a_question() -> None:
    assert set(DateFlag) == set(NOTES) | ASKED_INSTEAD
    for flag in NOTES:
        for catalog in CATALOGS.values():
            assert f"note_{flag}" in catalog


@settings(max_examples=300, deadline=None)
@given(day=st.sampled_from(DAYS), clock=st.sampled_from(TIMES))
def test_every_flag_that_reaches_the_preview_is_said(
    day: tuple[str, date | None], clock: tuple[str, tuple[int, int] | None]
) -> None:
    phrase = f"{day[0]} {clock[0]}".strip()
    result = parse_when(phrase, now=NOW) if phrase else None
    if result is None or result.flags & ASKED_INSTEAD:
        return
    for lang in ("es", "en"):
        notes = date_notes(result.flags, result.start, result.alternative, lang, LIMA)
        assert len(notes) == len(result.flags & set(NOTES)), phrase
        assert all(note.strip("() ") for note in notes)
