"""Periodic work derived from the database: reminders before activities, check-ins after, the
daily digests and the broadcast reports.

Each run reads what is due, composes the messages (`bot.outbox.compose`) outside the write lock,
then claims and enqueues them in one short transaction (storage marks them), so a restart, or
two runs at once, never sends the same message twice, and what is claimed is queued.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from bot.outbox.compose import CHECKIN, REMINDER, author_item, digest_text, report_item
from bot.outbox.hooks import wake_delivery
from bot.outbox.notifications import tell_followers
from bot.runtime.context import MinkaContext
from storage.activities import Activity, DueMessage
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)

REMINDER_JOB = "reminders-and-check-ins"
INTERVAL = timedelta(minutes=1)


async def remind_and_check_in(context: MinkaContext) -> None:
    """Reminders for what starts within REMINDER_HOURS, check-ins for what ended, and the
    followers of changes a crash kept from being told (normally told as they are made)."""
    told = await tell_followers(context.storage, context.settings)
    now = context.now()
    activities = context.storage.activities
    lead = timedelta(hours=context.settings.reminder_hours)
    due = await activities.due_reminders(now, lead)
    reminders = await activities.claim_reminders(
        now, lead, await compose_for_authors(context, due, REMINDER)
    )
    due = await activities.due_checkins(now)
    checkins = await activities.claim_checkins(
        now, await compose_for_authors(context, due, CHECKIN)
    )
    if told or reminders or checkins:
        wake_delivery(context)


async def compose_for_authors(
    context: MinkaContext, due: list[Activity], kind: str
) -> list[DueMessage]:
    """Each due activity's message to its author, in the author's language."""
    settings = context.settings
    languages = await context.storage.members.languages([a.author_id for a in due if a.author_id])
    messages = []
    for activity in due:
        assert activity.author_id is not None  # only activities with an author fall due
        lang = languages.get(activity.author_id, settings.default_language)
        messages.append(DueMessage(activity, author_item(activity, kind, lang, settings.tz)))
    return messages


DIGEST_JOB = "daily-digests"
DIGEST_TIME = time(7, 0)


async def send_daily_digests(context: MinkaContext) -> None:
    """From 07:00 local time on, each daily follower gets one summary of what happened before
    07:00; later events wait for tomorrow. Nothing when nothing waited. Runs every minute, so a
    bot that was down at 07:00 catches up."""
    local = context.now().astimezone(context.settings.tz)
    if local.time() < DIGEST_TIME:
        return
    cutoff = datetime.combine(local.date(), DIGEST_TIME, context.settings.tz)
    sent = 0
    for digest in await context.storage.digests.waiting(before=cutoff):
        lang = digest.language or context.settings.default_language
        item = OutboxItem(digest.chat_id, digest_text(digest.lines, lang))
        sent += await context.storage.digests.send(digest, local.date(), item)
    if sent:
        log.info("queued %d daily digests", sent)
        wake_delivery(context)


REPORT_JOB = "broadcast-reports"


async def send_broadcast_reports(context: MinkaContext) -> None:
    """Once the last copy of a broadcast is settled, its author gets one report, in the author's
    language (queued in the same transaction that marks it reported, so it is sent once even
    across a crash)."""
    broadcasts = context.storage.broadcasts
    due = await broadcasts.reports_due()
    authors = [b.author_id for b, _ in due if b.author_id is not None]
    languages = await context.storage.members.languages(authors)
    reported = 0
    for broadcast, report in due:
        if broadcast.author_id is None:  # the author erased themselves: nobody to tell
            reported += await broadcasts.mark_reported(broadcast.id)
            continue
        lang = languages.get(broadcast.author_id, context.settings.default_language)
        item = report_item(broadcast, report, lang)
        reported += await broadcasts.mark_reported(broadcast.id, item)
    if reported:
        wake_delivery(context)
