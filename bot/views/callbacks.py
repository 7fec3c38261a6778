"""Every inline button's callback data: short, prefixed, typed, and always under 64 bytes.

A payload is `prefix:field:field`. Unpacking checks the prefix, the field count and each field's
type, so a tampered, stale or unknown button decodes to None and gets a polite answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Self, get_type_hints

MAX_CALLBACK_BYTES = 64
SEPARATOR = ":"


class CallbackDataTooLong(ValueError):
    """A payload would not fit in Telegram's 64-byte callback_data."""


@dataclass(frozen=True)
class Payload:
    """Base class: subclasses set `prefix` and declare str/int/bool fields."""

    prefix: ClassVar[str]

    def pack(self) -> str:
        parts = [self.prefix, *(_encode(getattr(self, f.name)) for f in dataclasses.fields(self))]
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise CallbackDataTooLong(data)
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        if not isinstance(data, str):
            return None
        parts = data.split(SEPARATOR)
        fields = _field_types(cls)
        if parts[0] != cls.prefix or len(parts) != len(fields) + 1:
            return None
        try:
            values = {
                name: _decode(raw, kind)
                for (name, kind), raw in zip(fields, parts[1:], strict=True)
            }
        except ValueError:
            return None
        return cls(**values)

    @classmethod
    def matches(cls) -> Callable[[object], bool]:
        """A `pattern` for CallbackQueryHandler: true for well-formed payloads of this type."""
        return lambda data: cls.unpack(data) is not None


# Each payload class's field names and types, worked out once: `get_type_hints` compiles every
# annotation (they are strings here) on each call, and a button press unpacks its data once for
# each handler pattern it is tried against.
_FIELD_TYPES: dict[type[Payload], tuple[tuple[str, Any], ...]] = {}


def _field_types(cls: type[Payload]) -> tuple[tuple[str, Any], ...]:
    known = _FIELD_TYPES.get(cls)
    if known is None:
        hints = get_type_hints(cls)
        known = tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))
        _FIELD_TYPES[cls] = known
    return known


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if SEPARATOR in text:
        raise ValueError(f"{SEPARATOR!r} is not allowed inside a callback field")
    return text


def _decode(raw: str, kind: Any) -> Any:
    if kind is bool:
        if raw not in ("0", "1"):
            raise ValueError(raw)
        return raw == "1"
    if kind is int:
        return int(raw)
    return raw


# Onboarding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentAnswer(Payload):
    prefix = "oc"
    accepted: bool


@dataclass(frozen=True)
class UseTelegramName(Payload):
    prefix = "on"


@dataclass(frozen=True)
class RoleChoice(Payload):
    prefix = "or"
    role: str


@dataclass(frozen=True)
class OrganizationChoice(Payload):
    """Join this existing organization."""

    prefix = "oo"
    org_id: int


@dataclass(frozen=True)
class CreateOrganization(Payload):
    """Create the organization whose name was typed as the index-th answer of this onboarding."""

    prefix = "oy"
    index: int


@dataclass(frozen=True)
class RetypeOrganization(Payload):
    prefix = "ot"


# Settings and privacy -----------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageChoice(Payload):
    prefix = "lg"
    language: str


@dataclass(frozen=True)
class ForgetAnswer(Payload):
    prefix = "fg"
    confirmed: bool


# Schools ------------------------------------------------------------------------------------

# What a school button does: open the card, answer "who works here", send the QR code, make it
# the teacher's own school, announce an activity there, follow it, link a group to it, or make
# it the audience of a broadcast.
CARD, WHO, QR, MINE, ANNOUNCE = "c", "w", "q", "m", "a"
FOLLOW, LINK, BROADCAST = "f", "l", "b"  # follow it, link a group to it, broadcast to it
CALENDAR, EXPORT = "k", "x"  # its calendar link, its 3W export
SCHOOL_ACTIONS = (CARD, WHO, QR, MINE, ANNOUNCE, FOLLOW, LINK, BROADCAST, CALENDAR, EXPORT)


@dataclass(frozen=True)
class SchoolAction(Payload):
    prefix = "sa"
    action: str
    school_id: int


@dataclass(frozen=True)
class SearchMore(Payload):
    """The next page of a search. The (folded) query travels in the button itself, so "Más"
    works after a restart and nothing about the search is stored."""

    prefix = "sm"
    action: str
    offset: int
    query: str

    @classmethod
    def fitting(cls, action: str, offset: int, folded_query: str) -> SearchMore:
        """Cut the query at a word boundary until the payload fits in 64 bytes."""
        words = folded_query.split()
        while words:
            candidate = cls(action, offset, " ".join(words))
            if len(candidate.pack_unchecked().encode("utf-8")) <= MAX_CALLBACK_BYTES:
                return candidate
            words.pop()
        return cls(action, offset, "")

    def pack_unchecked(self) -> str:
        return SEPARATOR.join([self.prefix, self.action, str(self.offset), self.query])


@dataclass(frozen=True)
class SkipSchool(Payload):
    """A teacher prefers to say which school later (/miescuela)."""

    prefix = "sk"


# Profile ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactSharing(Payload):
    """Show (or hide) one's @username to people looking at one's school."""

    prefix = "cs"
    share: bool


# Activities: announcing ---------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryChoice(Payload):
    prefix = "ac"
    category: str


@dataclass(frozen=True)
class WhenConfirm(Payload):
    """ "Sí" / "Cambiar" on the spelled-out date."""

    prefix = "aw"
    confirmed: bool


@dataclass(frozen=True)
class WhenReading(Payload):
    """ "jueves 15": the hour reading (Thursday at 15:00) or the other one (the 15th)."""

    prefix = "ar"
    alternative: bool


@dataclass(frozen=True)
class EditWhenConfirm(Payload):
    """ "Sí" / "Cambiar" on the new moment of an edited activity, shown with its notes."""

    prefix = "ew"
    confirmed: bool


@dataclass(frozen=True)
class CalendarMonth(Payload):
    """Show another month of the date picker."""

    prefix = "am"
    year: int
    month: int


@dataclass(frozen=True)
class CalendarDay(Payload):
    prefix = "ad"
    year: int
    month: int
    day: int


@dataclass(frozen=True)
class HourChoice(Payload):
    """A start time picked from the hour buttons, as minutes after midnight."""

    prefix = "ah"
    minutes: int


@dataclass(frozen=True)
class DurationChoice(Payload):
    """ "1h", "2h", "3h", "morning", "afternoon" or "day"."""

    prefix = "au"
    code: str


@dataclass(frozen=True)
class SkipDescription(Payload):
    prefix = "as"


@dataclass(frozen=True)
class PublishAnswer(Payload):
    prefix = "ap"
    publish: bool


# Activities: managing and check-ins ---------------------------------------------------------

EDIT_TITLE, EDIT_TIME, EDIT_DESCRIPTION = "t", "w", "d"


@dataclass(frozen=True)
class ManageActivity(Payload):
    prefix = "ma"
    activity_id: int


@dataclass(frozen=True)
class EditActivity(Payload):
    prefix = "me"
    activity_id: int
    field: str


@dataclass(frozen=True)
class CancelActivity(Payload):
    prefix = "mc"
    activity_id: int


@dataclass(frozen=True)
class NoReason(Payload):
    """Cancel without giving a reason."""

    prefix = "mr"


@dataclass(frozen=True)
class CheckinAnswer(Payload):
    """ "¿Se realizó?": outcome is "done", "not_held" or "rescheduled"."""

    prefix = "ci"
    activity_id: int
    outcome: str


@dataclass(frozen=True)
class Noop(Payload):
    """A button that only labels something (a calendar's month, a past day)."""

    prefix = "nx"


# Following ------------------------------------------------------------------------------------

FOLLOW_KINDS = {"s": "school", "d": "district", "o": "organization"}


@dataclass(frozen=True)
class FollowToggle(Payload):
    """Follow (on) or unfollow: kind "s" school id, "d" district ubigeo, "o" organization id."""

    prefix = "fw"
    kind: str
    target: str
    on: bool


@dataclass(frozen=True)
class FollowModeChoice(Payload):
    prefix = "fm"
    mode: str


# Coordinators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceChoice(Payload):
    """school, district, province, region, organization or everyone."""

    prefix = "ba"
    kind: str


@dataclass(frozen=True)
class PlaceChoice(Payload):
    """A district, province or region, by its ubigeo prefix (6, 4 or 2 digits)."""

    prefix = "bp"
    ubigeo: str


@dataclass(frozen=True)
class AckChoice(Payload):
    prefix = "bk"
    with_ack: bool


@dataclass(frozen=True)
class SendBroadcast(Payload):
    prefix = "bs"
    send: bool


@dataclass(frozen=True)
class BroadcastAck(Payload):
    """ "Recibido ✅" under a broadcast."""

    prefix = "br"
    broadcast_id: int


@dataclass(frozen=True)
class VerifyOrganization(Payload):
    prefix = "vo"
    org_id: int


# Relayed messages ("Escribir a <organización>") -------------------------------------------------


@dataclass(frozen=True)
class RelayWrite(Payload):
    """Write to the author of an activity (from a clash warning)."""

    prefix = "rw"
    activity_id: int


@dataclass(frozen=True)
class RelayToOrganization(Payload):
    """Write to whoever announced the organization's latest activity at a school (/quien)."""

    prefix = "ro"
    organization_id: int
    school_id: int


@dataclass(frozen=True)
class RelayAnswer(Payload):
    """Answer a relayed message; only its receiver may (checked in storage)."""

    prefix = "ra"
    message_id: int


@dataclass(frozen=True)
class RelayBlock(Payload):
    """Receive no more relayed messages from the sender of this one."""

    prefix = "rx"
    message_id: int


@dataclass(frozen=True)
class ProfileEdit(Payload):
    """Correct one's name ("n") or organization ("o") from /perfil."""

    prefix = "pe"
    field: str


# Exports and calendar feeds -------------------------------------------------------------------

# What an export or a calendar link is about: kind code and its value (in the payload).
SCOPE_CODES = {"s": "school", "p": "place", "o": "organization", "e": "everywhere"}
FEED_CODES = {"f": "follows", "s": "school", "o": "organization"}


@dataclass(frozen=True)
class ExportScopeChoice(Payload):
    """/exportar, first step: this scope (a period is asked next)."""

    prefix = "xs"
    scope: str  # SCOPE_CODES key
    value: str  # school id, ubigeo prefix, organization id, or '' for everywhere


@dataclass(frozen=True)
class ExportPeriodChoice(Payload):
    """/exportar, second step: this period (the format is asked next)."""

    prefix = "xp"
    scope: str
    value: str
    period: str  # bot.domain.exports.PeriodChoice value


@dataclass(frozen=True)
class ExportFormatChoice(Payload):
    """/exportar, last step: the .xlsx alone, or with the activities as CSV too."""

    prefix = "xf"
    scope: str
    value: str
    period: str
    with_csv: bool


@dataclass(frozen=True)
class CalendarRenew(Payload):
    """ "Nuevo enlace": revoke the link `feed_id` and make another. A press on an old message
    (the link was renewed since) finds `feed_id` revoked and changes nothing."""

    prefix = "kr"
    feed: str  # FEED_CODES key
    target: str  # school or organization id; '' for a person's feed
    feed_id: int


@dataclass(frozen=True)
class CalendarShow(Payload):
    """Under /calendario: the link of one's organization's calendar."""

    prefix = "ks"
    feed: str  # FEED_CODES key
    target: str


# Activity import (3W spreadsheets) -------------------------------------------------------------

IMPORT_PROBLEMS, IMPORT_RUN, IMPORT_CANCEL = "p", "i", "c"
IMPORT_ACTIONS = (IMPORT_PROBLEMS, IMPORT_RUN, IMPORT_CANCEL)


@dataclass(frozen=True)
class ImportAction(Payload):
    """Under an import preview: see the problems ("p"), import ("i") or cancel ("c")."""

    prefix = "im"
    import_id: int
    action: str
