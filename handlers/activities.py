"""/actividades (/activities): my organization's upcoming activities, to edit or cancel; and the
check-in answers ("¿Se realizó?") that the periodic job asks for."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.announcing import can_manage, keep_missing_parts
from bot.domain.dates import ParsedWhen, format_when, parse_when
from bot.outbox.hooks import tell_and_deliver
from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.activity_views import (
    NOTES,
    activities_keyboard,
    activity_text,
    confirm_when_text,
    date_language,
    edit_when_keyboard,
    facts_of,
    manage_keyboard,
    single_button,
)
from bot.views.commands import ACTIVITIES
from bot.views.import_views import source_text
from bot.views.texts import Markup, label, t
from handlers.common import registered_member
from handlers.conversations import Handler, conversation
from storage.activities import (
    OUTCOMES,
    Activity,
    ActivityNotFound,
    ActivityNotScheduled,
    ActivityStatus,
    InvalidActivity,
    clean_cancel_reason,
    clean_description,
    clean_title,
)
from storage.activity_events import Change, Notice
from storage.clock import from_db, to_db

log = logging.getLogger(__name__)

END = ConversationHandler.END
EDIT_FLOW, CANCEL_FLOW, CHECKIN_FLOW = "edit_activity", "cancel_activity", "checkin"
VALUE, REASON, PARTICIPANTS = "value", "reason", "participants"
CONFIRM_TIME = "confirm_time"
CHECKIN_OUTCOMES = {status.value for status in OUTCOMES}
EDIT_PROMPTS = {
    cb.EDIT_TITLE: "ask_new_title",
    cb.EDIT_TIME: "ask_new_time",
    cb.EDIT_DESCRIPTION: "ask_new_description",
}


async def send(update: Update, text: str, **kwargs: Any) -> None:
    await chat_of(update).send_message(text, **kwargs)


# The list ---------------------------------------------------------------------------------------


async def list_activities(update: Update, context: MinkaContext) -> None:
    user = user_of(update)
    member = await registered_member(update, context)
    if member is None:
        return
    lang = member.language
    now, activities = context.now(), context.storage.activities
    if member.organization is not None:
        upcoming = await activities.upcoming_for_organization(member.organization.id, now)
        owner = member.organization.name
    else:
        upcoming, owner = await activities.upcoming_for_author(user.id, now), member.name or ""
    upcoming = await with_orphans_in_scope(context, user.id, upcoming)
    if not upcoming:
        await send(update, t(lang, "activities_none"))
        return
    markup = activities_keyboard(upcoming, lang, context.settings.tz)
    await send(update, t(lang, "activities_list", owner=owner), reply_markup=markup)


async def with_orphans_in_scope(
    context: MinkaContext, user_id: int, listed: list[Activity]
) -> list[Activity]:
    """A coordinator also looks after the activities in her scope whose author used
    /olvidarme: nobody else could edit or cancel them."""
    permissions = await context.storage.roles.permissions(user_id, context.settings.admin_ids)
    prefixes: set[str] = {""} if permissions.is_admin else set()
    for scope in permissions.coordinator_scopes:
        if scope.ubigeo is not None or scope.is_everywhere:
            prefixes.add(scope.ubigeo or "")
    found = {activity.id: activity for activity in listed}
    for prefix in prefixes:
        orphans = await context.storage.activities.upcoming_without_author(prefix, context.now())
        for activity in orphans:
            found.setdefault(activity.id, activity)
    return sorted(found.values(), key=lambda activity: (activity.starts_at, activity.id))[:20]


async def show_activity(update: Update, context: MinkaContext) -> None:
    """A chosen activity, with what its managers may do to it."""
    query = query_of(update)
    choice = cb.ManageActivity.unpack(query.data)
    activity = await managed_activity(update, context, choice.activity_id if choice else None)
    if activity is None:
        return
    await query.answer()
    lang = await context.language()
    text = activity_text(facts_of(activity, lang), lang, context.settings.tz)
    source = await context.storage.activity_imports.source_of(activity.id)
    if source is not None:  # brought in from a 3W spreadsheet: say which file and row
        text = Markup(text + "\n" + source_text(source, lang, context.settings.tz))
    await send(update, text, reply_markup=manage_keyboard(activity.id, lang))


async def managed_activity(
    update: Update, context: MinkaContext, activity_id: int | None
) -> Activity | None:
    """The activity if this person may change it and it can still change; else say why."""
    query = query_of(update)
    lang = await context.language()
    activity = await context.storage.activities.get(activity_id) if activity_id else None
    if activity is None:
        await query.answer(label(lang, "activity_gone"), show_alert=True)
        return None
    if not await may_manage(update, context, activity):
        await query.answer(label(lang, "not_allowed"), show_alert=True)
        return None
    if not activity.is_scheduled:
        status = label(lang, f"status_{activity.status}")
        await query.answer(label(lang, "activity_not_scheduled", status=status), show_alert=True)
        return None
    return activity


async def may_manage(update: Update, context: MinkaContext, activity: Activity) -> bool:
    user_id = user_of(update).id
    member = await context.member()
    permissions = await context.storage.roles.permissions(user_id, context.settings.admin_ids)
    school = await context.storage.schools.get_by_id(activity.school_id)
    return can_manage(member, permissions, activity, school.ubigeo or "" if school else "")


# Editing ----------------------------------------------------------------------------------------


async def start_edit(update: Update, context: MinkaContext) -> str | int:
    query, user = query_of(update), user_of(update)
    choice = cb.EditActivity.unpack(query.data)
    if choice is None or choice.field not in EDIT_PROMPTS:
        await query.answer()
        return END
    activity = await managed_activity(update, context, choice.activity_id)
    if activity is None:
        return END
    await query.answer()
    await context.storage.drafts.update(
        user.id, EDIT_FLOW, activity_id=activity.id, field=choice.field
    )
    await send(update, t(await context.language(), EDIT_PROMPTS[choice.field]))
    return VALUE


async def on_new_value(update: Update, context: MinkaContext) -> str | int:
    user = user_of(update)
    draft = await context.storage.drafts.get(user.id, EDIT_FLOW)
    activity = await context.storage.activities.get(draft.get("activity_id", 0))
    lang = await context.language()
    if activity is None:
        await send(update, t(lang, "activity_gone"))
        return END
    if draft.get("field") == cb.EDIT_TIME:
        return await on_new_time(update, context, activity)
    changes = await changes_from(update, context, activity, draft.get("field", ""))
    if changes is None:
        return VALUE
    return await apply_changes(update, context, activity, changes)


async def apply_changes(
    update: Update, context: MinkaContext, activity: Activity, changes: dict[str, Any]
) -> str | int:
    user, lang = user_of(update), await context.language()
    try:
        if set(changes) == {"description"}:  # followers hear of new titles and times only
            notice = None
        else:
            notice = notice_of(update, context, Change.UPDATED)
        updated = await context.storage.activities.update(activity.id, **changes, notice=notice)
    except ActivityNotScheduled as error:
        await say_not_scheduled(update, lang, error)
        return END
    await context.storage.drafts.clear(user.id, EDIT_FLOW)
    await tell_and_deliver(context)
    text = activity_text(facts_of(updated, lang), lang, context.settings.tz)
    await send(update, t(lang, "activity_updated", activity=text))
    return END


async def changes_from(
    update: Update, context: MinkaContext, activity: Activity, field: str
) -> dict[str, Any] | None:
    """The update for the typed value; None (after saying why) when it is not usable."""
    typed = message_of(update).text or ""
    lang = await context.language()
    try:
        if field == cb.EDIT_TITLE:
            return {"title": clean_title(typed)}
        if field == cb.EDIT_DESCRIPTION:
            return {"description": "" if typed.strip() == "-" else clean_description(typed)}
    except InvalidActivity:
        key = "title_invalid" if field == cb.EDIT_TITLE else "description_invalid"
        await send(update, t(lang, key, length=len(typed)))
        return None
    return None  # an unknown field (a tampered draft): nothing to change


async def on_new_time(update: Update, context: MinkaContext, activity: Activity) -> str | int:
    """A new moment for an activity: applied when the text leaves no doubt; with a guess, shown
    with its notes and applied only once confirmed, as when announcing. Several days ("del 14
    al 16") make it a campaign; a day alone keeps its length, a campaign's too."""
    parsed = await new_moment(update, context, activity, message_of(update).text or "")
    if parsed is None:
        return VALUE
    changes = new_times(activity, parsed, context.settings.tz)
    if not parsed.needs_confirmation and not parsed.flags & set(NOTES) and not parsed.last_day:
        return await apply_changes(update, context, activity, changes)
    pending = {
        key: to_db(value) if isinstance(value, datetime) else value
        for key, value in changes.items()
    }
    await context.storage.drafts.update(user_of(update).id, EDIT_FLOW, **pending)
    lang, tz = await context.language(), context.settings.tz
    await send(update, confirm_when_text(parsed, lang, tz), reply_markup=edit_when_keyboard(lang))
    return CONFIRM_TIME


def new_times(activity: Activity, parsed: ParsedWhen, tz: Any) -> dict[str, Any]:
    """starts_at, ends_at (and repeats_daily for several days) for the new moment."""
    end = parsed.end or parsed.start + (activity.ends_at - activity.starts_at)
    if parsed.last_day is None:
        return {"starts_at": parsed.start, "ends_at": end}
    first_day_end = parsed.end or datetime.combine(
        parsed.start.astimezone(tz).date(), activity.ends_at.astimezone(tz).time(), tz
    )
    last_end = datetime.combine(parsed.last_day, first_day_end.astimezone(tz).time(), tz)
    return {"starts_at": parsed.start, "ends_at": last_end, "repeats_daily": True}


async def on_edit_time_answer(update: Update, context: MinkaContext) -> str | int:
    query = query_of(update)
    answer = cb.EditWhenConfirm.unpack(query.data)
    await query.answer()
    draft = await context.storage.drafts.get(user_of(update).id, EDIT_FLOW)
    activity = await context.storage.activities.get(draft.get("activity_id", 0))
    lang = await context.language()
    if activity is None:
        await send(update, t(lang, "activity_gone"))
        return END
    if answer is None or not answer.confirmed or not draft.get("starts_at"):
        await send(update, t(lang, EDIT_PROMPTS[cb.EDIT_TIME]))
        return VALUE
    changes: dict[str, Any] = {key: from_db(draft[key]) for key in ("starts_at", "ends_at")}
    if draft.get("repeats_daily"):
        changes["repeats_daily"] = True
    return await apply_changes(update, context, activity, changes)


async def new_moment(
    update: Update, context: MinkaContext, activity: Activity, typed: str
) -> ParsedWhen | None:
    """The typed moment, the activity's hour or day kept where the text gives none; None
    (after saying why) when it is not understood or has passed."""
    lang = await context.language()
    tz = context.settings.tz
    parsed = parse_when(typed, now=context.now(), tz=tz, spans=True)
    if parsed is not None:
        parsed = keep_missing_parts(parsed, tz, base=activity.starts_at)
    if parsed is not None and parsed.too_long:
        await send(update, t(lang, "span_too_long", text=typed, days=parsed.span_days))
        return None
    if parsed is None or parsed.start <= context.now():
        key = "oneline_when_unknown" if parsed is None else "when_in_past"
        when = format_when(parsed.start, date_language(lang), tz=tz) if parsed else ""
        await send(update, t(lang, key, text=typed, when=when))
        return None
    return parsed


async def say_not_scheduled(update: Update, lang: str, error: ActivityNotScheduled) -> None:
    status = label(lang, f"status_{error.status}")
    await send(update, t(lang, "activity_not_scheduled", status=status))


# Cancelling -------------------------------------------------------------------------------------


async def start_cancel(update: Update, context: MinkaContext) -> str | int:
    query, user = query_of(update), user_of(update)
    choice = cb.CancelActivity.unpack(query.data)
    activity = await managed_activity(update, context, choice.activity_id if choice else None)
    if activity is None:
        return END
    await query.answer()
    await context.storage.drafts.update(user.id, CANCEL_FLOW, activity_id=activity.id)
    lang = await context.language()
    no_reason = single_button(label(lang, "btn_no_reason"), cb.NoReason())
    await send(update, t(lang, "ask_cancel_reason", title=activity.title), reply_markup=no_reason)
    return REASON


async def on_reason(update: Update, context: MinkaContext) -> str | int:
    try:
        reason = clean_cancel_reason(message_of(update).text or "")
    except InvalidActivity:
        await send(update, t(await context.language(), "reason_invalid"))
        return REASON
    return await cancel_with(update, context, reason)


async def on_no_reason(update: Update, context: MinkaContext) -> int:
    query = query_of(update)
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    return await cancel_with(update, context, None)


async def cancel_with(update: Update, context: MinkaContext, reason: str | None) -> int:
    user = user_of(update)
    lang = await context.language()
    draft = await context.storage.drafts.get(user.id, CANCEL_FLOW)
    await context.storage.drafts.clear(user.id, CANCEL_FLOW)
    try:
        activity = await context.storage.activities.cancel(
            draft.get("activity_id", 0),
            reason,
            notice=notice_of(update, context, Change.CANCELLED),
        )
    except ActivityNotScheduled as error:
        await say_not_scheduled(update, lang, error)
        return END
    await tell_and_deliver(context)
    await send(update, t(lang, "activity_cancelled", title=activity.title))
    return END


def notice_of(update: Update, context: MinkaContext, change: Change) -> Notice:
    """Followers hear of title/time changes and cancellations (the change records it)."""
    actor = update.effective_user.id if update.effective_user else None
    return Notice(change, actor, context.now())


# Check-ins --------------------------------------------------------------------------------------


async def on_checkin(update: Update, context: MinkaContext) -> str | int:
    """ "¿Se realizó?" answered. "Sí" goes on to ask how many took part."""
    query = query_of(update)
    answer = cb.CheckinAnswer.unpack(query.data)
    lang = await context.language()
    activity = await context.storage.activities.get(answer.activity_id) if answer else None
    if answer is None or activity is None or answer.outcome not in CHECKIN_OUTCOMES:
        await query.answer(label(lang, "activity_gone"), show_alert=True)
        return END
    if not await may_manage(update, context, activity):
        await query.answer(label(lang, "not_allowed"), show_alert=True)
        return END
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    await context.storage.activities.record_outcome(activity.id, ActivityStatus(answer.outcome))
    return await after_outcome(update, context, activity, answer.outcome, lang)


async def after_outcome(
    update: Update, context: MinkaContext, activity: Activity, outcome: str, lang: str
) -> str | int:
    if outcome == ActivityStatus.DONE:
        user_id = user_of(update).id
        await context.storage.drafts.update(user_id, CHECKIN_FLOW, activity_id=activity.id)
        await send(update, t(lang, "ask_participants"))
        return PARTICIPANTS
    key = "checkin_rescheduled" if outcome == ActivityStatus.RESCHEDULED else "checkin_thanks"
    await send(update, t(lang, key))
    return END


async def on_participants(update: Update, context: MinkaContext) -> str | int:
    user, message = user_of(update), message_of(update)
    lang = await context.language()
    typed = (message.text or "").strip().replace(".", "").replace(" ", "")
    draft = await context.storage.drafts.get(user.id, CHECKIN_FLOW)
    try:
        count = int(typed)
        activity_id = draft.get("activity_id", 0)
        await context.storage.activities.record_outcome(activity_id, ActivityStatus.DONE, count)
    except (ValueError, InvalidActivity, ActivityNotFound):
        await send(update, t(lang, "participants_invalid"))
        return PARTICIPANTS
    await context.storage.drafts.clear(user.id, CHECKIN_FLOW)
    await send(update, t(lang, "checkin_thanks"))
    return END


# Conversations ----------------------------------------------------------------------------------


def handlers() -> list[Handler]:
    """/actividades: edit, cancel and check-in answers for the organization's activities."""
    text = filters.TEXT & ~filters.COMMAND
    edit = conversation(
        EDIT_FLOW,
        [CallbackQueryHandler(start_edit, pattern=cb.EditActivity.matches())],
        {
            VALUE: [MessageHandler(text, on_new_value)],
            CONFIRM_TIME: [
                CallbackQueryHandler(on_edit_time_answer, pattern=cb.EditWhenConfirm.matches()),
                MessageHandler(text, on_new_value),
            ],
        },
        own_buttons=(cb.EditActivity, cb.EditWhenConfirm),
        timeout=timedelta(minutes=30),
    )
    cancel = conversation(
        CANCEL_FLOW,
        [CallbackQueryHandler(start_cancel, pattern=cb.CancelActivity.matches())],
        {
            REASON: [
                MessageHandler(text, on_reason),
                CallbackQueryHandler(on_no_reason, pattern=cb.NoReason.matches()),
            ]
        },
        own_buttons=(cb.CancelActivity, cb.NoReason),
        timeout=timedelta(minutes=30),
    )
    checkin = conversation(
        CHECKIN_FLOW,
        [CallbackQueryHandler(on_checkin, pattern=cb.CheckinAnswer.matches())],
        {PARTICIPANTS: [MessageHandler(text, on_participants)]},
        own_buttons=(cb.CheckinAnswer,),
        timeout=timedelta(minutes=30),
    )
    return [
        edit,
        cancel,
        checkin,
        CommandHandler(ACTIVITIES.names, list_activities, filters.ChatType.PRIVATE),
        CallbackQueryHandler(show_activity, pattern=cb.ManageActivity.matches()),
    ]
