"""Periodic work derived from the database: reminders before activities, check-ins after.

Each run claims what is due in one transaction (storage marks it sent), so a restart, or two
runs at once, never sends the same reminder twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.activity_views import checkin_keyboard, date_language
from bot.context import MinkaContext
from bot.dates import format_when
from bot.texts import t
from storage.activities import Activity

log = logging.getLogger(__name__)

REMINDER_JOB = "reminders-and-check-ins"
INTERVAL = timedelta(minutes=1)


async def remind_and_check_in(context: MinkaContext) -> None:
    now = context.now()
    activities = context.storage.activities
    lead = timedelta(hours=context.settings.reminder_hours)
    for activity in await activities.claim_due_reminders(now, lead):
        await send_reminder(context, activity)
    for activity in await activities.claim_due_checkins(now):
        await send_checkin(context, activity)


async def send_reminder(context: MinkaContext, activity: Activity) -> None:
    lang = await author_language(context, activity)
    when = format_when(activity.starts_at, date_language(lang), tz=context.settings.tz)
    text = t(lang, "reminder", title=activity.title, school=activity.school_name, when=when)
    await deliver(context, activity, text)


async def send_checkin(context: MinkaContext, activity: Activity) -> None:
    lang = await author_language(context, activity)
    when = format_when(activity.starts_at, date_language(lang), tz=context.settings.tz)
    text = t(lang, "checkin", title=activity.title, school=activity.school_name, when=when)
    await deliver(context, activity, text, checkin_keyboard(activity.id, lang))


async def author_language(context: MinkaContext, activity: Activity) -> str:
    member = await context.storage.members.get(activity.author_id) if activity.author_id else None
    return member.language if member else context.settings.default_language


async def deliver(
    context: MinkaContext, activity: Activity, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    assert activity.author_id is not None  # claims only return activities with an author
    try:
        await context.bot.send_message(activity.author_id, text, reply_markup=markup)
    except (Forbidden, BadRequest) as exc:  # blocked the bot or the chat is gone: nothing to retry
        log.info("could not reach the author of activity %s: %s", activity.id, exc)
