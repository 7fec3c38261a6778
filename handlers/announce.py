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
    OneLineError,
    apply_duration,
    end_for,
    keep_missing_parts,
    parse_one_line,
    typed_end,
)
from bot.domain.dates import DateFlag, ParsedWhen, format_when, parse_when
from bot.outbox.hooks import tell_and_deliver
from bot.outbox.notifications import clash_heads_ups
from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.activity_views import (
    ActivityFacts,
    activity_text,
    calendar_keyboard,
    category_keyboard,
    clash_text,
    date_language,
    duration_keyboard,
    hour_keyboard,
    publish_keyboard,
    single_button,
    who_of_member,
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
NOTES = (
    DateFlag.ASSUMED_PM,
    DateFlag.ASSUMED_AM,
    DateFlag.BARE_DAY,
    DateFlag.NEXT_YEAR,
    DateFlag.WEEKDAY_MISMATCH,
    DateFlag.FAR_FUTURE,
    DateFlag.FALLBACK,
)


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
    if context.args:
        return await one_line(update, context, " ".join(context.args), lang)
    return await ask_school(update, context, lang, member.school_id)


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
    await remember(update, context, category=choice.category)
    await send(update, t(await context.language(), "ask_when"))
    return WHEN


# When ----------------------------------------------------------------------------------------


async def on_when_text(update: Update, context: MinkaContext) -> str:
    text = message_of(update).text or ""
    lang = await context.language()
    tz = context.settings.tz
    parsed = parse_when(text, now=context.now(), tz=tz)
    if parsed is None:
        return await show_calendar(update, context, t(lang, "when_not_understood", text=text))
    picked = (await draft_of(update, context)).get("day")  # a day chosen on the calendar
    if picked:
        parsed = keep_missing_parts(parsed, tz, day=date.fromisoformat(picked))
    if parsed.start <= context.now():
        return await show_past(update, context, parsed.start)
    if DateFlag.NO_TIME in parsed.flags or DateFlag.PART_OF_DAY in parsed.flags:
        return await ask_hour(update, context, parsed.start.astimezone(tz).date())
    await remember(update, context, starts_at=to_db(parsed.start), ends_at=_maybe_db(parsed.end))
    await send(update, confirm_text(parsed, lang, context), reply_markup=yes_change_keyboard(lang))
    return CONFIRM_WHEN


def confirm_text(parsed: ParsedWhen, lang: str, context: MinkaContext) -> Markup:
    tz = context.settings.tz
    when = format_when(parsed.start, date_language(lang), tz=tz)
    if parsed.end is not None:
        when += f" – {parsed.end.astimezone(tz):%H:%M}"
    day = parsed.start.astimezone(tz).day
    notes = [t(lang, f"note_{flag}", day=day) for flag in NOTES if flag in parsed.flags]
    return Markup("\n".join([t(lang, "confirm_when", when=when), *notes]))


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


async def ask_hour(update: Update, context: MinkaContext, day: date) -> str:
    lang = await context.language()
    await remember(update, context, day=day.isoformat())
    tz = context.settings.tz
    spelled = format_when(datetime.combine(day, time(12), tz), date_language(lang), tz=tz)
    day_only = spelled.split(",")[0]  # "lunes 30 de noviembre de 2026"
    await send(update, t(lang, "pick_hour", day=day_only), reply_markup=hour_keyboard(lang))
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
    await remember(update, context, starts_at=to_db(start), ends_at=None)
    return await after_when(update, context)


async def on_when_confirmed(update: Update, context: MinkaContext) -> str:
    await close_buttons(update)
    return await after_when(update, context)


async def after_when(update: Update, context: MinkaContext) -> str:
    """Next missing step: duration (unless a range gave the end), then description, preview."""
    draft = await draft_of(update, context)
    lang = await context.language()
    if not draft.get("ends_at"):
        await send(update, t(lang, "ask_duration"), reply_markup=duration_keyboard(lang))
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
    end = typed_end(typed, start, context.settings.tz) if start else None
    if end is None:
        lang = await context.language()
        await send(update, t(lang, "duration_invalid"), reply_markup=duration_keyboard(lang))
        return DURATION
    await remember(update, context, ends_at=to_db(end))
    return await after_duration(update, context)


async def after_duration(update: Update, context: MinkaContext) -> str:
    if (await draft_of(update, context)).get("described"):
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
    clashes = await context.storage.activities.clashes(school.id, facts.starts_at, facts.ends_at)
    tz = context.settings.tz
    activity, warnings = activity_text(facts, lang, tz), clash_text(clashes, lang, tz)
    text = t(lang, "preview", activity=activity, clashes=warnings)
    await send(update, text, reply_markup=publish_keyboard(lang, bool(clashes)))
    return PREVIEW


async def draft_facts(
    context: MinkaContext, update: Update, draft: dict[str, Any], school: School, lang: str
) -> ActivityFacts:
    member = await context.storage.members.require(user_of(update).id)
    start, end = from_db(draft["starts_at"]), from_db(draft["ends_at"])
    assert start is not None and end is not None
    return ActivityFacts(
        draft["title"],
        Category(draft["category"]),
        school.name,
        start,
        end,
        who_of_member(member, lang),
        draft.get("description"),
    )


async def on_publish(update: Update, context: MinkaContext) -> int | str:
    query, user = query_of(update), user_of(update)
    answer = cb.PublishAnswer.unpack(query.data)
    await close_buttons(update)
    lang = await context.language()
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
    start, end = from_db(draft["starts_at"]), from_db(draft["ends_at"])
    assert start is not None and end is not None
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
    )
    clashes = await context.storage.activities.clashes(new.school_id, start, end)
    heads_ups = await clash_heads_ups(context, new, member, clashes)
    notice = Notice(Change.CREATED, user_id, context.now(), heads_ups)
    activity = await context.storage.activities.create(new, notice=notice)
    await context.storage.drafts.clear(user_id, FLOW)
    await tell_and_deliver(context)
    return activity


# One-line form ----------------------------------------------------------------------------------


async def one_line(update: Update, context: MinkaContext, arguments: str, lang: str) -> str | int:
    """`/anunciar 0325753 | Taller de lectura | lunes 10am | 2 h`: straight to the preview."""
    tz = context.settings.tz
    try:
        parsed = parse_one_line(arguments, context.now(), tz)
    except OneLineError as error:
        key = "oneline_usage" if error.part == "usage" else "oneline_when_unknown"
        await send(update, t(lang, key, text=error.text))
        return END
    cod_mod, _, anexo = parsed.code.partition("-")
    school = await context.storage.schools.get(cod_mod, anexo or "0")
    if school is None:
        await send(update, t(lang, "oneline_school_unknown", code=parsed.code))
        return END
    times = end_for(parsed.when, parsed.duration_text, tz)
    if times is None:
        await send(update, t(lang, "oneline_duration_unknown", text=parsed.duration_text))
        return END
    try:
        title = clean_title(parsed.title)
    except InvalidActivity:
        await send(update, t(lang, "title_invalid"))
        return END
    await remember(
        update,
        context,
        school_id=school.id,
        title=title,
        category=Category.OTRO.value,
        starts_at=to_db(times[0]),
        ends_at=to_db(times[1]),
        description=None,
        described=True,
    )
    return await show_preview(update, context)


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
