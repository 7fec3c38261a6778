"""/anunciar (/announce): school -> title -> category -> when -> duration -> description ->
preview with clash warnings -> publish. Also the one-line form and the card's "Anunciar aquí".

What the person answered so far lives in the `drafts` table (flow "announce"), so a restart
resumes the flow with its data; a draft untouched for 30 minutes expires politely.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.announcing import (
    OneLine,
    OneLineError,
    apply_duration,
    category_suggested,
    durations_for,
    end_before_start,
    end_for,
    keep_missing_parts,
    parse_one_line,
    really_clashes,
    typed_end,
)
from bot.domain.dates import (
    DateFlag,
    ParsedWhen,
    format_clock,
    format_day,
    format_days,
    format_when,
    parse_when,
)
from bot.domain.school_search import search_schools
from bot.outbox.hooks import tell_and_deliver
from bot.outbox.notifications import clash_heads_ups, who_announces
from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.activity_views import (
    NOTES,
    ActivityFacts,
    activity_text,
    calendar_keyboard,
    category_keyboard,
    clash_text,
    confirm_when_text,
    date_language,
    date_notes,
    duration_keyboard,
    hour_keyboard,
    publish_keyboard,
    readings_keyboard,
    single_button,
    start_hours,
    yes_change_keyboard,
)
from bot.views.commands import ANNOUNCE
from bot.views.keyboards import column
from bot.views.school_views import school_button_label
from bot.views.texts import Markup, label, t
from handlers.common import registered_member
from handlers.conversations import Handler, conversation
from handlers.schools import picked_school, school_picker_handlers
from storage.activities import (
    Activity,
    Category,
    InvalidActivity,
    NewActivity,
    clean_description,
    clean_title,
)
from storage.activity_events import Change, Notice
from storage.clock import from_db, to_db
from storage.schools import School

log = logging.getLogger(__name__)

FLOW = "announce"
SCHOOL, TITLE, CATEGORY, WHEN, CONFIRM_WHEN, HOUR, DURATION, DESCRIPTION, PREVIEW = (
    "school",
    "title",
    "category",
    "when",
    "confirm_when",
    "hour",
    "duration",
    "description",
    "preview",
)
END = ConversationHandler.END
IDLE_LIMIT = timedelta(minutes=30)


async def draft_of(update: Update, context: MinkaContext) -> dict[str, Any]:
    return await context.storage.drafts.get(user_of(update).id, FLOW)


async def remember(update: Update, context: MinkaContext, **values: Any) -> dict[str, Any]:
    return await context.storage.drafts.update(user_of(update).id, FLOW, **values)


async def send(update: Update, text: str, **kwargs: Any) -> None:
    await chat_of(update).send_message(text, **kwargs)


async def close_buttons(update: Update) -> None:
    """Answer the button and take the keyboard away, so it cannot be pressed twice."""
    query = query_of(update)
    await query.answer()
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:  # already removed by an earlier tap: nothing to do
        log.debug("keyboard already gone: %s", exc)


# Start -------------------------------------------------------------------------------------


async def start_announce(update: Update, context: MinkaContext) -> str | int:
    member = await registered_member(update, context)
    if member is None:
        return END
    lang = member.language
    if await over_daily_limit(update, context, lang):
        return END
    await say_preview_replaced(update, context, lang)
    if context.args:
        return await one_line(update, context, " ".join(context.args), lang)
    return await ask_school(update, context, lang, member.school_id)


# A preview waiting for "Publicar" is noted under its own flow name: starting /anunciar again
# clears the flow's draft before the handler runs, and the person must hear what was set aside.
PENDING = "announce_pending"


async def say_preview_replaced(update: Update, context: MinkaContext, lang: str) -> None:
    pending = await context.storage.drafts.get(user_of(update).id, PENDING)
    if pending.get("title"):
        await send(update, t(lang, "announce_replaced", title=pending["title"]))
    await context.storage.drafts.clear(user_of(update).id, PENDING)


async def over_daily_limit(update: Update, context: MinkaContext, lang: str) -> bool:
    """MAX_ANNOUNCEMENTS_PER_DAY per person: a runaway script or a spammer stops here."""
    since = context.now() - timedelta(days=1)
    count = await context.storage.moderation.activities_by_author_since(user_of(update).id, since)
    if count < context.settings.max_announcements_per_day:
        return False
    await send(update, t(lang, "announce_limit_day", count=count))
    return True


async def ask_school(
    update: Update, context: MinkaContext, lang: str, own_school_id: int | None
) -> str:
    """Her recent schools (and her own) as buttons; typing searches any school."""
    recent = await context.storage.activities.recent_schools_of_author(user_of(update).id)
    ids = list(dict.fromkeys([*([own_school_id] if own_school_id else []), *recent]))[:6]
    schools = [s for s in [await context.storage.schools.get_by_id(i) for i in ids] if s]
    buttons = [(school_button_label(s, lang), cb.SchoolAction(cb.ANNOUNCE, s.id)) for s in schools]
    markup = column(buttons) if buttons else None
    await send(update, t(lang, "announce_pick_school"), reply_markup=markup)
    return SCHOOL


async def start_from_card(update: Update, context: MinkaContext) -> str | int:
    """ "📣 Anunciar aquí" on a school card: the school is already chosen. Only in a private
    chat (in a group, the next message of anyone would become the title); the card keeps its
    buttons, so pressing twice simply starts again."""
    chat, query = chat_of(update), query_of(update)
    member = await context.member()  # first: its language fills the cache, one read for both
    lang = await context.language()
    payload = cb.SchoolAction.unpack(query.data)
    school = await context.storage.schools.get_by_id(payload.school_id) if payload else None
    if chat.type != ChatType.PRIVATE or member is None or not member.is_registered or not school:
        key = "announce_private_only" if chat.type != ChatType.PRIVATE else "register_first"
        await query.answer(label(lang, key if school else "school_gone"), show_alert=True)
        return END
    await query.answer()
    return await school_chosen(update, context, school)


async def on_school(update: Update, context: MinkaContext) -> str | int:
    school = await picked_school(update, context, cb.ANNOUNCE)
    if school is None:
        return SCHOOL
    return await school_chosen(update, context, school)


async def school_chosen(update: Update, context: MinkaContext, school: School) -> str:
    await remember(update, context, school_id=school.id)
    lang = await context.language()
    await send(update, t(lang, "announce_school_chosen", school=school.name))
    return TITLE


# Title and category ------------------------------------------------------------------------


async def on_title(update: Update, context: MinkaContext) -> str:
    lang = await context.language()
    try:
        title = clean_title(message_of(update).text or "")
    except InvalidActivity:
        await send(update, t(lang, "title_invalid"))
        return TITLE
    await remember(update, context, title=title)
    await send(update, t(lang, "ask_category", title=title), reply_markup=category_keyboard(lang))
    return CATEGORY


async def on_category(update: Update, context: MinkaContext) -> str:
    query = query_of(update)
    choice = cb.CategoryChoice.unpack(query.data)
    if choice is None or choice.category not in {c.value for c in Category}:
        await query.answer()
        return CATEGORY
    await close_buttons(update)
    draft = await remember(update, context, category=choice.category)
    if draft.get("starts_at"):  # the one-line form: the moment is already settled
        return await after_duration(update, context)
    await send(update, t(await context.language(), "ask_when"))
    return WHEN


# When ----------------------------------------------------------------------------------------


async def on_when_text(update: Update, context: MinkaContext) -> str:
    text = message_of(update).text or ""
    lang = await context.language()
    tz = context.settings.tz
    parsed = parse_when(text, now=context.now(), tz=tz, spans=True)
    if parsed is None:
        return await show_calendar(update, context, t(lang, "when_not_understood", text=text))
    picked = (await draft_of(update, context)).get("day")  # a day chosen on the calendar
    if picked:
        parsed = keep_missing_parts(parsed, tz, day=date.fromisoformat(picked))
    return await offer_when(update, context, parsed, text, always_confirm=True)


async def offer_when(
    update: Update, context: MinkaContext, parsed: ParsedWhen, text: str, *, always_confirm: bool
) -> str:
    """The one way every path (guided, one line) settles a moment: a past one goes back to the
    calendar, a missing time asks for it, and every guess is shown with its note and confirmed
    before the flow goes on. Without a guess, the one-line form goes straight on."""
    lang = await context.language()
    if parsed.too_long:
        return await refuse_span(update, context, parsed, text)
    if parsed.start <= context.now():
        return await show_past(update, context, parsed.start)
    last_day = parsed.last_day.isoformat() if parsed.last_day else None
    await remember(update, context, last_day=last_day)  # kept while the hour is asked
    if parsed.needs_time:
        local = parsed.start.astimezone(context.settings.tz)
        return await ask_hour(update, context, local.date(), part_typed(parsed, local.hour))
    alternative = parsed.alternative.start if parsed.alternative else None
    await remember(
        update,
        context,
        starts_at=to_db(parsed.start),
        ends_at=_maybe_db(parsed.end),
        alternative_day=alternative.date().isoformat() if alternative else None,
        when_flags=[flag.value for flag in NOTES if flag in parsed.flags],
    )
    if not always_confirm and not parsed.needs_confirmation and parsed.last_day is None:
        return await after_when(update, context)  # its notes, if any, go in the preview
    await send(
        update,
        confirm_when_text(parsed, lang, context.settings.tz),
        reply_markup=when_keyboard(parsed, lang, context),
    )
    return CONFIRM_WHEN


# The representative hour the dates package gives each part of day ("en la tarde" -> 15:00).
_PART_BY_HOUR = {9: "morning", 15: "afternoon", 19: "night"}


def part_typed(parsed: ParsedWhen, hour: int) -> str | None:
    """ "pasado mañana en la tarde": the part of day typed, kept when the hour is asked."""
    return _PART_BY_HOUR.get(hour) if DateFlag.PART_OF_DAY in parsed.flags else None


def when_keyboard(parsed: ParsedWhen, lang: str, context: MinkaContext) -> Any:
    """Sí / Cambiar; for "jueves 15", one button per reading instead of "Sí"."""
    if parsed.alternative is None:
        return yes_change_keyboard(lang)
    tz, language = context.settings.tz, date_language(lang)
    first = format_when(parsed.start, language, tz=tz)
    return readings_keyboard(first, format_day(parsed.alternative.start, language, tz=tz), lang)


async def refuse_span(update: Update, context: MinkaContext, parsed: ParsedWhen, text: str) -> str:
    """Over MAX_SPAN_DAYS: a period, not an activity; said plainly, never cut to one day."""
    lang = await context.language()
    message = t(lang, "span_too_long", text=text, days=parsed.span_days)
    return await show_calendar(update, context, message)


async def on_when_reading(update: Update, context: MinkaContext) -> str:
    """ "jueves 15": the hour reading goes on as confirmed; the day reading asks its hour."""
    reading = cb.WhenReading.unpack(query_of(update).data)
    draft = await remember(update, context, when_flags=None)  # the reading was chosen
    await close_buttons(update)
    if reading is None or not reading.alternative or not draft.get("alternative_day"):
        return await after_when(update, context)
    return await ask_hour(update, context, date.fromisoformat(draft["alternative_day"]))


async def show_past(update: Update, context: MinkaContext, start: datetime) -> str:
    lang = await context.language()
    when = format_when(start, date_language(lang), tz=context.settings.tz)
    return await show_calendar(update, context, t(lang, "when_in_past", when=when))


async def show_calendar(update: Update, context: MinkaContext, text: str) -> str:
    lang = await context.language()
    today = context.now().astimezone(context.settings.tz).date()
    await send(update, text, reply_markup=calendar_keyboard(today.year, today.month, today, lang))
    return WHEN


async def on_change_when(update: Update, context: MinkaContext) -> str:
    await close_buttons(update)
    await remember(update, context, last_day=None)  # a day picked on the calendar is one day
    lang = await context.language()
    return await show_calendar(update, context, t(lang, "pick_day"))


async def on_calendar_month(update: Update, context: MinkaContext) -> str:
    query = query_of(update)
    month = cb.CalendarMonth.unpack(query.data)
    await query.answer()
    if month is not None and 1 <= month.month <= 12:
        today = context.now().astimezone(context.settings.tz).date()
        lang = await context.language()
        markup = calendar_keyboard(month.year, month.month, today, lang)
        await query.edit_message_reply_markup(reply_markup=markup)
    return WHEN


async def on_calendar_day(update: Update, context: MinkaContext) -> str:
    query = query_of(update)
    picked = cb.CalendarDay.unpack(query.data)
    try:
        day = date(picked.year, picked.month, picked.day) if picked else None
    except ValueError:
        day = None
    today = context.now().astimezone(context.settings.tz).date()
    if day is None or day < today:
        await query.answer()
        return WHEN
    await close_buttons(update)
    return await ask_hour(update, context, day)


async def ask_hour(
    update: Update, context: MinkaContext, day: date, part: str | None = None
) -> str:
    """The hours still ahead on ``day`` (those of ``part`` when one was typed)."""
    lang = await context.language()
    draft = await remember(update, context, day=day.isoformat())
    tz, now = context.settings.tz, context.now().astimezone(context.settings.tz)
    after = now.hour * 60 + now.minute if day == now.date() else None
    hours = start_hours(part, after)
    if not hours:
        return await show_calendar(update, context, t(lang, "no_hours_left"))
    spelled = format_day(datetime.combine(day, time(12), tz), date_language(lang), tz=tz)
    if draft.get("last_day"):  # several days: the hour of each of them
        spelled = format_days(day, date.fromisoformat(draft["last_day"]), date_language(lang))
    text = (
        t(lang, "pick_hour_part", day=spelled, part=label(lang, f"part_{part}"))
        if part
        else t(lang, "pick_hour", day=spelled)
    )
    await send(update, text, reply_markup=hour_keyboard(lang, hours))
    return HOUR


async def on_hour(update: Update, context: MinkaContext) -> str:
    query = query_of(update)
    hour = cb.HourChoice.unpack(query.data)
    draft = await draft_of(update, context)
    if hour is None or not 0 <= hour.minutes < 24 * 60 or "day" not in draft:
        await query.answer()
        return HOUR
    await close_buttons(update)
    day = date.fromisoformat(draft["day"])
    start = datetime.combine(day, time(hour.minutes // 60, hour.minutes % 60), context.settings.tz)
    if start <= context.now():
        return await show_past(update, context, start)
    await remember(update, context, starts_at=to_db(start), ends_at=None, when_flags=None)
    return await after_when(update, context)


async def on_when_confirmed(update: Update, context: MinkaContext) -> str:
    await close_buttons(update)
    await remember(update, context, when_flags=None)  # seen and confirmed: not repeated
    return await after_when(update, context)


async def after_when(update: Update, context: MinkaContext) -> str:
    """Next missing step: duration (unless a range gave the end), then description, preview."""
    draft = await draft_of(update, context)
    lang = await context.language()
    start = from_db(draft.get("starts_at"))
    if not draft.get("ends_at") and start and draft.get("duration_text"):
        times = end_for(ParsedWhen(start), draft["duration_text"], context.settings.tz)
        if times is not None:
            draft = await remember(update, context, ends_at=to_db(times[1]))
    if not draft.get("ends_at"):
        codes = durations_for(start, context.settings.tz) if start else None
        keyboard = duration_keyboard(lang, codes) if codes else duration_keyboard(lang)
        await send(update, t(lang, "ask_duration"), reply_markup=keyboard)
        return DURATION
    return await after_duration(update, context)


# Duration and description --------------------------------------------------------------------


async def on_duration_button(update: Update, context: MinkaContext) -> str:
    query = query_of(update)
    choice = cb.DurationChoice.unpack(query.data)
    start = from_db((await draft_of(update, context)).get("starts_at"))
    times = apply_duration(start, choice.code, context.settings.tz) if choice and start else None
    if times is None:
        await query.answer()
        return DURATION
    await close_buttons(update)
    await remember(update, context, starts_at=to_db(times[0]), ends_at=to_db(times[1]))
    return await after_duration(update, context)


async def on_duration_text(update: Update, context: MinkaContext) -> str:
    start = from_db((await draft_of(update, context)).get("starts_at"))
    typed = message_of(update).text or ""
    tz = context.settings.tz
    end = typed_end(typed, start, tz) if start else None
    if end is None:
        lang = await context.language()
        await say_duration_invalid(update, lang, typed, start, tz)
        return DURATION
    await remember(update, context, ends_at=to_db(end))
    return await after_duration(update, context)


async def say_duration_invalid(
    update: Update, lang: str, typed: str, start: datetime | None, tz: Any
) -> None:
    """ "hasta las 2" after a 3 p.m. start: it ends before it starts, said as such."""
    early = end_before_start(typed, start, tz) if start else None
    codes = durations_for(start, tz) if start else None
    keyboard = duration_keyboard(lang, codes) if codes else duration_keyboard(lang)
    if early is None or start is None:
        await send(update, t(lang, "duration_invalid"), reply_markup=keyboard)
        return
    language = date_language(lang)
    end_text, start_text = (
        format_clock(early, language, tz=tz),
        format_clock(start, language, tz=tz),
    )
    await send(
        update, t(lang, "ends_before_start", end=end_text, start=start_text), reply_markup=keyboard
    )


async def after_duration(update: Update, context: MinkaContext) -> str:
    draft = await draft_of(update, context)
    if not draft.get("category"):  # the one-line form without a fifth field
        return await ask_line_category(update, context, draft["title"])
    if draft.get("described"):
        return await show_preview(update, context)
    lang = await context.language()
    skip = single_button(label(lang, "btn_skip"), cb.SkipDescription())
    await send(update, t(lang, "ask_description"), reply_markup=skip)
    return DESCRIPTION


async def on_description(update: Update, context: MinkaContext) -> str:
    text = message_of(update).text or ""
    try:
        description = clean_description(text)
    except InvalidActivity:
        lang = await context.language()
        await send(update, t(lang, "description_invalid", length=len(text)))
        return DESCRIPTION
    await remember(update, context, description=description, described=True)
    return await show_preview(update, context)


async def on_skip_description(update: Update, context: MinkaContext) -> str:
    await close_buttons(update)
    await remember(update, context, description=None, described=True)
    return await show_preview(update, context)


# Preview and publish ---------------------------------------------------------------------------


async def show_preview(update: Update, context: MinkaContext) -> str:
    draft = await draft_of(update, context)
    lang = await context.language()
    school = await context.storage.schools.get_by_id(draft["school_id"])
    assert school is not None
    facts = await draft_facts(context, update, draft, school, lang)
    tz = context.settings.tz
    clashes = await real_clashes(
        context, school.id, facts.starts_at, facts.ends_at, facts.repeats_daily
    )
    activity, warnings = activity_text(facts, lang, tz), clash_text(clashes, lang, tz)
    notes = date_notes(draft.get("when_flags") or (), facts.starts_at, None, lang, tz)
    if draft.get("category_guessed"):  # from the title: said, so "Publicar" confirms it
        category = label(lang, f"category_{draft['category']}")
        notes.append(t(lang, "category_suggested", category=category))
    if notes:  # a guess confirmed without a question ("a las 10": a.m.) is still said
        activity = Markup("\n".join([activity, *notes]))
    text = t(lang, "preview", activity=activity, clashes=warnings)
    await context.storage.drafts.update(user_of(update).id, PENDING, title=draft["title"])
    await send(update, text, reply_markup=publish_keyboard(lang, bool(clashes)))
    return PREVIEW


async def draft_facts(
    context: MinkaContext, update: Update, draft: dict[str, Any], school: School, lang: str
) -> ActivityFacts:
    member = await context.storage.members.require(user_of(update).id)
    start, end, repeats_daily = draft_times(draft, context.settings.tz)
    return ActivityFacts(
        draft["title"],
        Category(draft["category"]),
        school.name,
        start,
        end,
        await who_announces(context, member, school.id, lang),
        draft.get("description"),
        repeats_daily,
    )


def draft_times(draft: dict[str, Any], tz: Any) -> tuple[datetime, datetime, bool]:
    """Start, end and whether the hours repeat: over several days the end moves to the last
    day, at the first day's end time."""
    start, end = from_db(draft["starts_at"]), from_db(draft["ends_at"])
    assert start is not None and end is not None
    if not draft.get("last_day"):
        return start, end, False
    last_day = date.fromisoformat(draft["last_day"])
    return start, datetime.combine(last_day, end.astimezone(tz).time(), tz), True


async def real_clashes(
    context: MinkaContext, school_id: int, start: datetime, end: datetime, repeats_daily: bool
) -> list[Activity]:
    """Activities sharing a day and an hour: storage finds those overlapping the whole span,
    the domain keeps those that overlap the hours of some day."""
    tz = context.settings.tz
    found = await context.storage.activities.clashes(school_id, start, end)
    return [other for other in found if really_clashes(start, end, repeats_daily, other, tz)]


async def on_publish(update: Update, context: MinkaContext) -> int | str:
    query, user = query_of(update), user_of(update)
    answer = cb.PublishAnswer.unpack(query.data)
    await close_buttons(update)
    lang = await context.language()
    await context.storage.drafts.clear(user.id, PENDING)
    if answer is None or not answer.publish:
        await context.storage.drafts.clear(user.id, FLOW)
        await send(update, t(lang, "announce_discarded"))
        return END
    activity = await publish(update, context)
    await send(update, t(lang, "published", school=activity.school_name))
    return END


async def publish(update: Update, context: MinkaContext) -> Activity:
    """Create the activity from the draft. In the same transaction: the notifications to its
    followers and the heads-ups to the authors of clashing activities (both via the outbox)."""
    user_id = user_of(update).id
    draft = await draft_of(update, context)
    member = await context.storage.members.require(user_id)
    start, end, repeats_daily = draft_times(draft, context.settings.tz)
    organization = member.organization
    new = NewActivity(
        school_id=draft["school_id"],
        organization_id=organization.id if organization else None,
        author_id=user_id,
        title=draft["title"],
        description=draft.get("description"),
        category=Category(draft["category"]),
        starts_at=start,
        ends_at=end,
        repeats_daily=repeats_daily,
    )
    clashes = await real_clashes(context, new.school_id, start, end, repeats_daily)
    heads_ups = await clash_heads_ups(context, new, member, clashes)
    notice = Notice(Change.CREATED, user_id, context.now(), heads_ups)
    activity = await context.storage.activities.create(new, notice=notice)
    await context.storage.drafts.clear(user_id, FLOW)
    await tell_and_deliver(context)
    return activity


# One-line form ----------------------------------------------------------------------------------


async def one_line(update: Update, context: MinkaContext, arguments: str, lang: str) -> str | int:
    """`/anunciar 0325753 | Taller de lectura | lunes 10am | 2 h [| lectura]`: the same checks
    as the guided flow (the moment's notes, a missing time, the past, the category) and then
    the preview. The school may be a código modular or a name with one clear match."""
    try:
        parsed = parse_one_line(arguments, context.now(), context.settings.tz)
    except OneLineError as error:
        await say_one_line_error(update, context, lang, error)
        return END
    school = await one_line_school(update, context, parsed, lang)
    if school is None:
        return END
    if end_for(parsed.when, parsed.duration_text, context.settings.tz) is None:
        await send(update, t(lang, "oneline_duration_unknown", text=parsed.duration_text))
        return END
    try:
        title = clean_title(parsed.title)
    except InvalidActivity:
        await send(update, t(lang, "title_invalid"))
        return END
    await start_line_draft(update, context, school, title, parsed)
    return await offer_when(update, context, parsed.when, parsed.when_text, always_confirm=False)


async def say_one_line_error(
    update: Update, context: MinkaContext, lang: str, error: OneLineError
) -> None:
    if error.part == "category":
        names = ", ".join(label(lang, f"category_{c}") for c in Category)
        await send(update, t(lang, "oneline_category_unknown", text=error.text, categories=names))
        return
    key = "oneline_usage" if error.part == "usage" else "oneline_when_unknown"
    example = await context.storage.schools.example_code() or ""  # one the registry has
    await send(update, t(lang, key, text=error.text, example=example))


async def one_line_school(
    update: Update, context: MinkaContext, parsed: OneLine, lang: str
) -> School | None:
    """The school of a one-line announcement: its código modular, or a name with one match."""
    cod_mod, _, anexo = parsed.code.partition("-")
    school = await context.storage.schools.get(cod_mod, anexo or "0")
    if school is not None:
        return school
    found = await search_schools(context.storage, parsed.school_text, limit=4)
    if len(found.schools) == 1:
        return found.schools[0]
    if not found.schools:
        await send(update, t(lang, "oneline_school_unknown", code=parsed.school_text))
        return None
    names = "; ".join(school_button_label(s, lang) for s in found.schools[:3])
    await send(update, t(lang, "oneline_school_ambiguous", text=parsed.school_text, names=names))
    return None


async def start_line_draft(
    update: Update, context: MinkaContext, school: School, title: str, parsed: OneLine
) -> None:
    """The draft of a one-line announcement (the flow's entry has just cleared any earlier one)."""
    category = parsed.category or category_suggested(title)  # a suggestion is said in the preview
    await remember(
        update,
        context,
        school_id=school.id,
        title=title,
        category=category.value if category else None,
        category_guessed=parsed.category is None and category is not None,
        duration_text=parsed.duration_text,
        description=None,
        described=True,
    )


async def ask_line_category(update: Update, context: MinkaContext, title: str) -> str:
    """The category of a one-line announcement whose title suggests none: asked."""
    lang = await context.language()
    await send(update, t(lang, "ask_category", title=title), reply_markup=category_keyboard(lang))
    return CATEGORY


def _maybe_db(moment: datetime | None) -> str | None:
    return to_db(moment) if moment is not None else None


# The conversation --------------------------------------------------------------------------------


def handlers() -> list[Handler]:
    return [build_announce_handler()]


def build_announce_handler() -> ConversationHandler[MinkaContext]:
    text = filters.TEXT & ~filters.COMMAND
    change = CallbackQueryHandler(on_change_when, pattern=cb.WhenConfirm.matches())
    states: dict[object, list[Handler]] = {
        SCHOOL: school_picker_handlers(cb.ANNOUNCE, on_school),
        TITLE: [MessageHandler(text, on_title)],
        CATEGORY: [CallbackQueryHandler(on_category, pattern=cb.CategoryChoice.matches())],
        WHEN: [
            MessageHandler(text, on_when_text),
            CallbackQueryHandler(on_calendar_month, pattern=cb.CalendarMonth.matches()),
            CallbackQueryHandler(on_calendar_day, pattern=cb.CalendarDay.matches()),
        ],
        CONFIRM_WHEN: [
            CallbackQueryHandler(on_when_reading, pattern=cb.WhenReading.matches()),
            CallbackQueryHandler(on_when_confirmed, pattern=_confirmed(True)),
            CallbackQueryHandler(on_change_when, pattern=_confirmed(False)),
            MessageHandler(text, on_when_text),
        ],
        HOUR: [
            CallbackQueryHandler(on_hour, pattern=cb.HourChoice.matches()),
            change,
            MessageHandler(text, on_when_text),
        ],
        DURATION: [
            CallbackQueryHandler(on_duration_button, pattern=cb.DurationChoice.matches()),
            MessageHandler(text, on_duration_text),
        ],
        DESCRIPTION: [
            CallbackQueryHandler(on_skip_description, pattern=cb.SkipDescription.matches()),
            MessageHandler(text, on_description),
        ],
        PREVIEW: [CallbackQueryHandler(on_publish, pattern=cb.PublishAnswer.matches()), change],
    }
    entries: list[Handler] = [
        CommandHandler(ANNOUNCE.names, start_announce, filters.ChatType.PRIVATE),
        CallbackQueryHandler(start_from_card, pattern=_card_button),
    ]
    own = (
        cb.CategoryChoice,
        cb.WhenConfirm,
        cb.WhenReading,
        cb.CalendarMonth,
        cb.CalendarDay,
        cb.HourChoice,
        cb.DurationChoice,
        cb.SkipDescription,
        cb.PublishAnswer,
    )
    return conversation(FLOW, entries, states, own, timeout=IDLE_LIMIT)


def _confirmed(value: bool) -> Callable[[object], bool]:
    def matches(data: object) -> bool:
        answer = cb.WhenConfirm.unpack(data)
        return answer is not None and answer.confirmed is value

    return matches


def _card_button(data: object) -> bool:
    payload = cb.SchoolAction.unpack(data)
    return payload is not None and payload.action == cb.ANNOUNCE
