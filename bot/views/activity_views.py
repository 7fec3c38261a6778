"""How activities look in the chat: one activity, clash warnings, and the keyboards of the
announce flow (categories, calendar, hours, durations). Pure rendering."""

from __future__ import annotations

import calendar
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.announcing import DURATION_CODES
from bot.domain.dates import (
    DateFlag,
    Language,
    ParsedWhen,
    format_clock,
    format_day,
    format_days,
    format_when,
    weekday_and_month,
)
from bot.views import callbacks as cb
from bot.views.texts import Markup, label, t
from storage.activities import Activity, Category, OrganizationPresence
from storage.models import Member

WEEKDAYS = {
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS = {
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "setiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
FIRST_HOUR, LAST_HOUR = 7, 18
MAX_CLASHES_SHOWN = (
    5  # keeps the preview far under Telegram's 4096 characters  # school hours offered as buttons
)


@dataclass(frozen=True)
class ActivityFacts:
    """What a rendered activity shows; built from a stored Activity or from a draft."""

    title: str
    category: Category
    school_name: str
    starts_at: datetime
    ends_at: datetime
    who: str
    description: str | None
    repeats_daily: bool = False  # several days, the same hours on each


def facts_of(activity: Activity, lang: str) -> ActivityFacts:
    return ActivityFacts(
        activity.title,
        activity.category,
        activity.school_name,
        activity.starts_at,
        activity.ends_at,
        who_did(activity, lang),
        activity.description,
        activity.repeats_daily,
    )


def who_of(organization_name: str | None, lang: str, verified: bool = False) -> str:
    """The organization (with ✔️ once an admin or coordinator verified it), or the teachers."""
    if organization_name is None:
        return label(lang, "by_teachers")
    return f"{organization_name} ✔️" if verified else organization_name


def who_did(activity: Activity, lang: str) -> str:
    if activity.organization_name is None and activity.author_name:
        own = (activity.author_school_id, activity.author_school_name)
        return teacher_who(activity.author_name, own, activity.school_id, lang)
    return who_of(activity.organization_name, lang, activity.organization_verified)


def teacher_who(name: str, own_school: tuple[int | None, str | None], at: int, lang: str) -> str:
    """A teacher as the privacy notice promises: her name, and her school. "Rosa Quispe,
    docente de esta escuela"; at another school, which is hers ("…, docente de I.E. 2045")."""
    school_id, school_name = own_school
    if school_id == at:
        return label(lang, "by_teacher_here", name=name)
    if school_name:
        return label(lang, "by_teacher_elsewhere", name=name, school=school_name)
    return label(lang, "by_teacher", name=name)


def who_of_member(member: Member, lang: str) -> str:
    """Who announces, as others read it: the person's organization, or the teachers."""
    org = member.organization
    return who_of(org.name if org else None, lang, org.verified if org else False)


def short_when(moment: datetime, lang: str, tz: ZoneInfo) -> str:
    """ "lun 30/11 9:00": compact enough for buttons and lists."""
    local = moment.astimezone(tz)
    weekday = WEEKDAYS.get(lang, WEEKDAYS["es"])[local.weekday()]
    if (local.hour, local.minute) == (0, 0):  # a whole day (imported from a 3W): no made-up hour
        return f"{weekday} {local:%d/%m}"
    return f"{weekday} {local:%d/%m} {local.hour}:{local:%M}"


def activity_short_when(activity: Activity, lang: str, tz: ZoneInfo) -> str:
    """ "lun 13/07–mié 15/07 9:00" for an activity over several days: one line, all its days."""
    first, last = activity.starts_at.astimezone(tz), activity.ends_at.astimezone(tz)
    if not activity.repeats_daily or first.date() == last.date():
        return short_when(activity.starts_at, lang, tz)
    weekdays = WEEKDAYS.get(lang, WEEKDAYS["es"])
    days = f"{weekdays[first.weekday()]} {first:%d/%m}–{weekdays[last.weekday()]} {last:%d/%m}"
    return f"{days} {first.hour}:{first:%M}"


def end_text(facts: ActivityFacts, lang: str, tz: ZoneInfo) -> str:
    """The end: just the time on the same day, spelled out when it is another day; on the
    same 12-hour clock as the start ("3:00 p. m. – 5:00 p. m.", never "– 17:00")."""
    same_day = facts.starts_at.astimezone(tz).date() == facts.ends_at.astimezone(tz).date()
    language = date_language(lang)
    if same_day:
        return format_clock(facts.ends_at, language, tz=tz)
    return format_when(facts.ends_at, language, tz=tz)


def span_when(facts: ActivityFacts, lang: str, tz: ZoneInfo) -> tuple[str, str]:
    """(when, end) as the card shows them; several days read "del lunes 13 al miércoles 15 de
    julio de 2027, 9:00 a. m." – "1:00 p. m. (cada día)"."""
    language = date_language(lang)
    first, last = facts.starts_at.astimezone(tz), facts.ends_at.astimezone(tz)
    if is_whole_days(first, last):
        return whole_days_when(first, last, lang, tz)
    if not facts.repeats_daily or first.date() == last.date():
        return format_when(facts.starts_at, language, tz=tz), end_text(facts, lang, tz)
    days = format_days(first.date(), last.date(), language)
    when = f"{days}, {format_clock(first, language, tz=tz)}"
    return when, label(lang, "each_day", end=format_clock(last, language, tz=tz))


def is_whole_days(first: datetime, last: datetime) -> bool:
    """From one local midnight to another: days without hours, as a 3W import gives them."""
    return first.time() == last.time() == time(0, 0) and last > first


def whole_days_when(first: datetime, last: datetime, lang: str, tz: ZoneInfo) -> tuple[str, str]:
    """(when, end) for whole days: "jueves 10 de diciembre de 2026" – "todo el día"; never the
    midnights as hours nobody gave."""
    language = date_language(lang)
    last_day = (last - timedelta(days=1)).date()
    if last_day == first.date():
        return format_day(first, language, tz=tz), label(lang, "all_day")
    return format_days(first.date(), last_day, language), label(lang, "whole_days")


# The guesses said in a note wherever a moment is shown for confirmation or in a preview. The
# others are asked instead: NO_TIME and PART_OF_DAY ask the hour, IN_PAST goes to the calendar.
NOTES = (
    DateFlag.ASSUMED_PM,
    DateFlag.ASSUMED_AM,
    DateFlag.BARE_DAY,
    DateFlag.NEXT_YEAR,
    DateFlag.WEEKDAY_MISMATCH,
    DateFlag.FAR_FUTURE,
    DateFlag.FALLBACK,
    DateFlag.DAY_OR_HOUR,
    DateFlag.THIS_WEEK,
    DateFlag.FROM_NOW,
    DateFlag.NO_DATE,
)


def confirm_when_text(parsed: ParsedWhen, lang: str, tz: ZoneInfo) -> Markup:
    """ "<b>viernes 3 de diciembre de 2027, 10:00 a. m.</b> — ¿correcto?" and a note per guess:
    the same words on every path (guided, one line, an edit)."""
    language = date_language(lang)
    when = format_when(parsed.start, language, tz=tz)
    if parsed.last_day is not None:  # "del martes 13 al jueves 15 de julio de 2027, 9:00 a. m."
        days = format_days(parsed.start.astimezone(tz).date(), parsed.last_day, language)
        when = f"{days}, {format_clock(parsed.start, language, tz=tz)}"
    if parsed.end is not None:
        when += f" – {format_clock(parsed.end, language, tz=tz)}"
    notes = date_notes(parsed.flags, parsed.start, parsed.alternative, lang, tz)
    return Markup("\n".join([t(lang, "confirm_when", when=when), *notes]))


def date_notes(
    flags: Collection[str],
    start: datetime,
    alternative: ParsedWhen | None,
    lang: str,
    tz: ZoneInfo,
) -> list[Markup]:
    """One note per guess, in NOTES order."""
    weekday, month = weekday_and_month(start, date_language(lang), tz=tz)
    facts = {
        "day": start.astimezone(tz).day,
        "month": month,
        "weekday": weekday,
        "number": alternative.start.day if alternative else "",
    }
    return [t(lang, f"note_{flag}", **facts) for flag in NOTES if flag in flags]


def activity_when(activity: Activity, lang: str, tz: ZoneInfo) -> str:
    """When an activity starts, its days said when there are several (notifications)."""
    return span_when(facts_of(activity, lang), lang, tz)[0]


def activity_text(facts: ActivityFacts, lang: str, tz: ZoneInfo) -> Markup:
    when, end = span_when(facts, lang, tz)
    text = t(
        lang,
        "activity_full",
        title=facts.title,
        category=label(lang, f"category_{facts.category}"),
        school=facts.school_name,
        when=when,
        end=end,
        who=facts.who,
    )
    if facts.description:
        text = Markup(text + t(lang, "activity_description", description=facts.description))
    return text


def clash_text(clashes: Sequence[Activity], lang: str, tz: ZoneInfo) -> Markup:
    if not clashes:
        return Markup("")
    lines = [t(lang, "clash_header")]
    for other in clashes[:MAX_CLASHES_SHOWN]:
        lines.append(
            t(
                lang,
                "clash_line",
                who=who_did(other, lang),
                title=other.title,
                school=other.school_name,
                start=format_clock(other.starts_at, date_language(lang), tz=tz),
                end=format_clock(other.ends_at, date_language(lang), tz=tz),
            )
        )
    if len(clashes) > MAX_CLASHES_SHOWN:
        lines.append(t(lang, "clash_more", count=len(clashes) - MAX_CLASHES_SHOWN))
    return Markup("".join([*lines, t(lang, "clash_footer")]))


def category_keyboard(lang: str) -> InlineKeyboardMarkup:
    buttons = [_button(label(lang, f"category_{c}"), cb.CategoryChoice(c.value)) for c in Category]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def yes_change_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(label(lang, "btn_yes"), cb.WhenConfirm(True)),
                _button(label(lang, "btn_change"), cb.WhenConfirm(False)),
            ]
        ]
    )


def edit_when_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(label(lang, "btn_yes"), cb.EditWhenConfirm(True)),
                _button(label(lang, "btn_change"), cb.EditWhenConfirm(False)),
            ]
        ]
    )


def calendar_keyboard(year: int, month: int, today: date, lang: str) -> InlineKeyboardMarkup:
    """A month of day buttons; days before today are blank, months before this one unreachable."""
    header = [
        _button(label(lang, "btn_prev_month"), _shift_month(year, month, -1, today)),
        _button(f"{MONTHS[date_language(lang)][month - 1]} {year}", cb.Noop()),
        _button(label(lang, "btn_next_month"), _shift_month(year, month, 1, today)),
    ]
    names = [_button(name[:2], cb.Noop()) for name in WEEKDAYS[date_language(lang)]]
    weeks = [
        [_day_button(year, month, day, today) for day in week]
        for week in calendar.Calendar().monthdayscalendar(year, month)
    ]
    return InlineKeyboardMarkup([header, names, *weeks])


def _day_button(year: int, month: int, day: int, today: date) -> InlineKeyboardButton:
    if day == 0 or date(year, month, day) < today:
        return _button("·", cb.Noop())  # Telegram refuses blank button labels
    return _button(str(day), cb.CalendarDay(year, month, day))


def _shift_month(year: int, month: int, step: int, today: date) -> cb.Payload:
    index = year * 12 + month - 1 + step
    target_year, target_month = divmod(index, 12)
    first_allowed = today.year * 12 + today.month - 1
    if not first_allowed <= index <= first_allowed + 12:
        return cb.Noop()
    return cb.CalendarMonth(target_year, target_month + 1)


# The hours a part of day offers: "pasado mañana en la tarde" shows the afternoon only.
PART_HOURS = {"morning": range(7, 13), "afternoon": range(12, 19), "night": range(17, 22)}


def start_hours(part: str | None = None, after: int | None = None) -> list[int]:
    """The hours to offer: FIRST_HOUR to LAST_HOUR (or those of ``part``), and only those after
    ``after`` (minutes since midnight) when the day is today."""
    hours = PART_HOURS.get(part or "", range(FIRST_HOUR, LAST_HOUR + 1))
    return [hour for hour in hours if after is None or hour * 60 > after]


def hour_keyboard(lang: str, hours: Sequence[int] | None = None) -> InlineKeyboardMarkup:
    chosen = range(FIRST_HOUR, LAST_HOUR + 1) if hours is None else hours
    buttons = [_button(f"{hour}:00", cb.HourChoice(hour * 60)) for hour in chosen]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    return InlineKeyboardMarkup(
        [*rows, [_button(label(lang, "btn_change"), cb.WhenConfirm(False))]]
    )


def readings_keyboard(first: str, second: str, lang: str) -> InlineKeyboardMarkup:
    """ "jueves 15": one button per reading, and "Cambiar"."""
    return InlineKeyboardMarkup(
        [
            [_button(first, cb.WhenReading(False))],
            [_button(second, cb.WhenReading(True))],
            [_button(label(lang, "btn_change"), cb.WhenConfirm(False))],
        ]
    )


def duration_keyboard(lang: str, codes: Sequence[str] = DURATION_CODES) -> InlineKeyboardMarkup:
    """The durations; ``codes`` leaves out the blocks that end before the start."""
    buttons = [_button(label(lang, f"btn_{code}"), cb.DurationChoice(code)) for code in codes]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def single_button(text: str, payload: cb.Payload) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(text, payload)]])


def publish_keyboard(lang: str, has_clashes: bool) -> InlineKeyboardMarkup:
    rows = [[_button(label(lang, "btn_publish"), cb.PublishAnswer(True))]]
    change = "btn_change_time" if has_clashes else "btn_change_date"  # the rest is kept
    rows.append([_button(label(lang, change), cb.WhenConfirm(False))])
    rows.append([_button(label(lang, "btn_discard"), cb.PublishAnswer(False))])
    return InlineKeyboardMarkup(rows)


def activities_keyboard(
    activities: Sequence[Activity], lang: str, tz: ZoneInfo
) -> InlineKeyboardMarkup:
    rows = []
    for activity in activities:
        text = label(
            lang,
            "activity_button",
            date=activity_short_when(activity, lang, tz),
            title=activity.title,
        )
        rows.append([_button(text[:90], cb.ManageActivity(activity.id))])
    return InlineKeyboardMarkup(rows)


def manage_keyboard(activity_id: int, lang: str) -> InlineKeyboardMarkup:
    edits = (
        ("btn_edit_title", cb.EDIT_TITLE),
        ("btn_edit_time", cb.EDIT_TIME),
        ("btn_edit_description", cb.EDIT_DESCRIPTION),
    )
    rows = [
        [_button(label(lang, key), cb.EditActivity(activity_id, field))] for key, field in edits
    ]
    rows.append([_button(label(lang, "btn_cancel_activity"), cb.CancelActivity(activity_id))])
    return InlineKeyboardMarkup(rows)


def checkin_keyboard(activity_id: int, lang: str) -> InlineKeyboardMarkup:
    outcomes = ("done", "not_held", "rescheduled")
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    label(lang, f"btn_checkin_{outcome}"), cb.CheckinAnswer(activity_id, outcome)
                )
                for outcome in outcomes
            ]
        ]
    )


def upcoming_lines(activities: Sequence[Activity], lang: str, tz: ZoneInfo) -> list[Markup]:
    if not activities:
        return []
    lines = [t(lang, "card_upcoming_header")]
    for activity in activities:
        lines.append(
            t(
                lang,
                "card_upcoming_line",
                when=activity_short_when(activity, lang, tz),
                title=activity.title,
                who=who_did(activity, lang),
            )
        )
    return lines


def organization_lines(
    presences: Sequence[OrganizationPresence], lang: str, tz: ZoneInfo
) -> list[Markup]:
    lines = [t(lang, "who_organizations_header")]
    for presence in presences:
        kind = "teachers" if presence.is_school_teachers else (presence.kind or "ngo")
        lines.append(
            t(
                lang,
                "who_organization_line",
                name=presence.name or label(lang, "by_teachers"),
                verified=" ✔️" if presence.verified else "",
                kind=label(lang, f"kind_{kind}"),
                count=presence.activities,
                last=_maybe_when(presence.last_at, lang, tz),
                next=_maybe_when(presence.next_at, lang, tz),
            )
        )
    return lines


def _maybe_when(moment: datetime | None, lang: str, tz: ZoneInfo) -> str:
    return short_when(moment, lang, tz) if moment else label(lang, "no_date")


def date_language(lang: str) -> Language:
    return "en" if lang == "en" else "es"


def _button(text: str, payload: cb.Payload) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=payload.pack())
