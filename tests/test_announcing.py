"""bot.domain.announcing: durations that never move the start, the one-line form, categories."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.domain.announcing import (
    OneLineError,
    apply_duration,
    category_named,
    category_suggested,
    durations_for,
    end_before_start,
    end_for,
    parse_one_line,
    really_clashes,
    typed_end,
)
from bot.domain.dates import LIMA
from storage.activities import Activity, ActivityStatus, Category

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=LIMA)  # Saturday 5 December 2026, Lima


def at(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LIMA)


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [("morning", at(10), at(13)), ("afternoon", at(15), at(18)), ("day", at(9, 30), at(17)),
     ("2h", at(15), at(17))],
)  # fmt: skip
def test_a_duration_button_keeps_the_start(code: str, start: datetime, end: datetime) -> None:
    assert apply_duration(start, code, LIMA) == (start, end)


def test_a_block_ending_before_the_start_is_neither_applied_nor_offered() -> None:
    assert apply_duration(at(15), "morning", LIMA) is None
    assert durations_for(at(15), LIMA) == ["1h", "2h", "3h", "afternoon", "day"]
    assert durations_for(at(17, 30), LIMA) == ["1h", "2h", "3h", "afternoon"]


def test_an_end_before_the_start_is_named_not_refused() -> None:
    assert end_before_start("hasta las 2", at(15), LIMA) == at(14)
    assert end_before_start("hasta las 10 am", at(15), LIMA) == at(10)
    assert end_before_start("hasta las 5", at(15), LIMA) is None  # 17:00: a valid end
    assert end_before_start("cuando acabe", at(15), LIMA) is None


def test_one_line_with_a_category_and_a_school_name() -> None:
    line = parse_one_line("IE Santa Rosa | Vacunación | lunes 10am | 2 h | salud", NOW, LIMA)
    assert (line.school_text, line.category, line.when.start) == ("IE Santa Rosa", "salud", at(10))
    assert parse_one_line("0325753 | Taller | lunes 10am | 2 h", NOW, LIMA).category is None


@pytest.mark.parametrize(
    ("arguments", "part"),
    [("0325753 | Taller", "usage"), ("0325753 | Taller | cuando sea | 2 h", "when"),
     ("0325753 | Taller | lunes 10am | 2 h | cocina", "category")],
)  # fmt: skip
def test_one_line_errors_name_the_part(arguments: str, part: str) -> None:
    with pytest.raises(OneLineError) as error:
        parse_one_line(arguments, NOW, LIMA)
    assert error.value.part == part


def test_a_past_moment_is_read_for_the_flow_to_say_so() -> None:
    line = parse_one_line("0325753 | Taller | ayer 10am | 2 h", NOW, LIMA)
    assert line.when.is_past


def test_todo_el_dia_is_a_duration_in_the_one_line_form() -> None:
    when = parse_one_line("0325753 | Taller | lunes 9am | todo el día", NOW, LIMA).when
    assert end_for(when, "todo el día", LIMA) == (at(9), at(17))
    assert end_for(when, "All day", LIMA) == (at(9), at(17))


def test_categories_typed_and_suggested() -> None:
    assert category_named("Lectura y educación") is Category.LECTURA
    assert category_named("sports") is Category.DEPORTE
    assert category_named("cocina") is None
    assert category_suggested("Campaña de vacunación") is Category.SALUD
    assert category_suggested("Semana de la lectura y deporte") is None  # two: no guess
    assert category_suggested("Reunión de coordinación") is None


def _activity(start: datetime, end: datetime, *, daily: bool = False) -> Activity:
    return Activity(
        id=1, school_id=1, school_name="IE", codlocal=None, organization_id=None,
        organization_name=None, author_id=1, author_name="Ana", title="Taller",
        description=None, category=Category.ARTE, starts_at=start, ends_at=end,
        status=ActivityStatus.SCHEDULED, participants=None, cancel_reason=None,
        created_at=NOW, updated_at=NOW, repeats_daily=daily,
    )  # fmt: skip


def test_a_daily_campaign_clashes_on_its_hours_of_any_day_only() -> None:
    campaign = (at(9, day=14), at(13, day=16), True)  # 14-16 December, 9:00-13:00 each day
    assert really_clashes(*campaign, _activity(at(10, day=15), at(11, day=15)), LIMA)
    assert not really_clashes(*campaign, _activity(at(15, day=15), at(16, day=15)), LIMA)
    assert not really_clashes(*campaign, _activity(at(10, day=17), at(11, day=17)), LIMA)
    night = _activity(at(20, day=14), at(22, day=14))  # inside the span, outside its hours
    assert not really_clashes(*campaign, night, LIMA)
    campaign_activity = _activity(at(9, day=14), at(13, day=16), daily=True)
    assert not really_clashes(at(20, day=14), at(22, day=14), False, campaign_activity, LIMA)
    plain = (at(10, day=15), at(11, day=15), False)
    assert really_clashes(*plain, _activity(at(9, day=14), at(13, day=16), daily=True), LIMA)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("tres horas", 180), ("una hora", 60), ("hora y media", 90), ("dos horas y media", 150),
     ("media hora", 30), ("two hours", 120), ("Tres Horas", 180), ("2 h", 120), ("90 min", 90)],
)  # fmt: skip
def test_a_duration_in_words_is_a_duration_never_an_end_time(typed: str, minutes: int) -> None:
    """As found: "tres horas" after a 9:00 start was read as "hasta las 3" (ends before it
    starts)."""
    start = datetime(2026, 11, 30, 9, 0, tzinfo=LIMA)
    assert typed_end(typed, start, LIMA) == start + timedelta(minutes=minutes)
