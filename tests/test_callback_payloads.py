"""Every button payload, found by walking `Payload`'s subclasses once the whole bot is imported
(so one added later is checked without touching this file): its prefix is its own, and it
fits Telegram's 64 bytes of callback_data with the largest value of every field.

An int field is as large as the biggest id SQLite hands out unless `LARGEST_INT` says
otherwise; a text field's possible values must be declared in `LARGEST_TEXT`, from the constants
the bot builds its buttons from, or the test names the field that lacks them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import get_type_hints

import pytest

import bot.app  # noqa: F401 - loads every module that may define a payload
from bot.domain.exports import PeriodChoice, period_code
from bot.views import callbacks as cb
from bot.views.activity_views import DURATION_CODES
from bot.views.texts import LANGUAGES
from handlers.profile import NAME, ORGANIZATION
from storage.activities import ActivityStatus, Category
from storage.broadcasts import AudienceKind
from storage.follows import FollowMode
from storage.models import Role

SQLITE_MAX_ID = 2**63 - 1  # the largest INTEGER PRIMARY KEY SQLite assigns
LONGEST_UBIGEO = "150135"  # districts have six digits; provinces four, regions two

LARGEST_INT = {
    "CalendarMonth.year": 9999,
    "CalendarMonth.month": 12,
    "CalendarDay.year": 9999,
    "CalendarDay.month": 12,
    "CalendarDay.day": 31,
    "HourChoice.minutes": 24 * 60 - 1,
}
# None: the payload bounds the field itself (SearchMore cuts its query to fit).
LARGEST_TEXT: dict[str, Iterable[str] | None] = {
    "RoleChoice.role": Role,
    "LanguageChoice.language": LANGUAGES,
    "SchoolAction.action": cb.SCHOOL_ACTIONS,
    "SearchMore.action": cb.SCHOOL_ACTIONS,
    "SearchMore.query": None,
    "CategoryChoice.category": Category,
    "DurationChoice.code": DURATION_CODES,
    "EditActivity.field": (cb.EDIT_TITLE, cb.EDIT_TIME, cb.EDIT_DESCRIPTION),
    "CheckinAnswer.outcome": ActivityStatus,
    "FollowToggle.kind": cb.FOLLOW_KINDS,
    "FollowToggle.target": (str(SQLITE_MAX_ID), LONGEST_UBIGEO),  # an id or a district
    "FollowModeChoice.mode": FollowMode,
    "AudienceChoice.kind": AudienceKind,
    "PlaceChoice.ubigeo": (LONGEST_UBIGEO,),
    "ProfileEdit.field": (NAME, ORGANIZATION),
    # Exports: a scope code and its value (a school or organization id, an ubigeo prefix, or
    # '' for everywhere); a period choice or two typed days.
    "ExportScopeChoice.scope": cb.SCOPE_CODES,
    "ExportScopeChoice.value": (str(SQLITE_MAX_ID), LONGEST_UBIGEO, ""),
    "ExportPeriodChoice.scope": cb.SCOPE_CODES,
    "ExportPeriodChoice.value": (str(SQLITE_MAX_ID), LONGEST_UBIGEO, ""),
    "ExportPeriodChoice.period": PeriodChoice,
    "ExportFormatChoice.scope": cb.SCOPE_CODES,
    "ExportFormatChoice.value": (str(SQLITE_MAX_ID), LONGEST_UBIGEO, ""),
    "ExportFormatChoice.period": (*PeriodChoice, period_code(date(2027, 3, 1), date(2027, 3, 31))),
    # Calendar links: a feed code and its target (a school or organization id, '' for mine).
    "CalendarRenew.feed": cb.FEED_CODES,
    "CalendarRenew.target": (str(SQLITE_MAX_ID), ""),
    "CalendarShow.feed": cb.FEED_CODES,
    "CalendarShow.target": (str(SQLITE_MAX_ID), ""),
    "ImportAction.action": cb.IMPORT_ACTIONS,
}


def all_payload_types() -> list[type[cb.Payload]]:
    found: list[type[cb.Payload]] = []
    pending = list(cb.Payload.__subclasses__())
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return sorted(found, key=lambda kind: kind.__qualname__)


PAYLOAD_TYPES = all_payload_types()


def field_types(kind: type[cb.Payload]) -> dict[str, object]:
    hints = get_type_hints(kind)
    return {field.name: hints[field.name] for field in dataclasses.fields(kind)}


def longest(values: Iterable[str]) -> str:
    return max((str(value) for value in values), key=lambda text: len(text.encode()))


def largest_value(kind: type[cb.Payload], name: str, hint: object) -> object:
    key = f"{kind.__name__}.{name}"
    if hint is bool:
        return True
    if hint is int:
        return LARGEST_INT.get(key, SQLITE_MAX_ID)
    values = LARGEST_TEXT[key]
    assert values is not None, f"{key} bounds itself: build its payload in largest()"
    return longest(values)


def largest(kind: type[cb.Payload]) -> cb.Payload:
    if kind is cb.SearchMore:  # it cuts its query at a word until it fits
        return cb.SearchMore.fitting(longest(cb.SCHOOL_ACTIONS), SQLITE_MAX_ID, "palabra " * 20)
    hints = field_types(kind)
    return kind(**{name: largest_value(kind, name, hint) for name, hint in hints.items()})


def test_discovery_finds_every_payload_of_the_callbacks_module() -> None:
    declared = {
        value
        for value in vars(cb).values()
        if isinstance(value, type) and issubclass(value, cb.Payload) and value is not cb.Payload
    }
    assert declared and declared <= set(PAYLOAD_TYPES)


def test_every_prefix_is_unique_and_well_formed() -> None:
    owners: dict[str, list[str]] = {}
    for kind in PAYLOAD_TYPES:
        prefix = getattr(kind, "prefix", "")
        assert prefix and prefix.isascii() and cb.SEPARATOR not in prefix, kind.__name__
        owners.setdefault(prefix, []).append(kind.__name__)
    shared = {prefix: names for prefix, names in owners.items() if len(names) > 1}
    assert not shared, f"payload prefixes used twice: {shared}"


def test_every_text_field_declares_its_values() -> None:
    text_fields = {
        f"{kind.__name__}.{name}"
        for kind in PAYLOAD_TYPES
        for name, hint in field_types(kind).items()
        if hint is str
    }
    missing = text_fields - set(LARGEST_TEXT)
    assert not missing, f"declare the possible values of {sorted(missing)} in LARGEST_TEXT"
    assert not set(LARGEST_TEXT) - text_fields, "LARGEST_TEXT names fields that do not exist"
    int_fields = {
        f"{kind.__name__}.{name}"
        for kind in PAYLOAD_TYPES
        for name, hint in field_types(kind).items()
        if hint is int
    }
    assert set(LARGEST_INT) <= int_fields, "LARGEST_INT names fields that do not exist"


@pytest.mark.parametrize("kind", PAYLOAD_TYPES, ids=lambda kind: kind.__name__)
def test_the_largest_payload_fits_and_round_trips(kind: type[cb.Payload]) -> None:
    payload = largest(kind)
    packed = payload.pack()  # raises CallbackDataTooLong beyond 64 bytes
    assert len(packed.encode("utf-8")) <= cb.MAX_CALLBACK_BYTES
    assert kind.unpack(packed) == payload
    others = [other for other in PAYLOAD_TYPES if other is not kind]
    assert all(other.unpack(packed) is None for other in others), "another type accepts it"


def test_a_search_query_is_cut_at_a_word_to_fit() -> None:
    query = "institucion educativa " * 6 + "ñandú"
    payload = cb.SearchMore.fitting(cb.ANNOUNCE, SQLITE_MAX_ID, query)
    packed = payload.pack()
    assert len(packed.encode("utf-8")) <= cb.MAX_CALLBACK_BYTES
    assert payload.query and query.startswith(payload.query) and query[len(payload.query)] == " "
