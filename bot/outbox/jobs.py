"""Periodic work derived from the database: reminders before activities, check-ins after.

Each run claims what is due in one transaction (storage marks it sent), so a restart, or two
runs at once, never sends the same reminder twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.outbox.hooks import wake_delivery
from bot.runtime.context import MinkaContext
from bot.views.activity_views import activity_when, checkin_keyboard
from bot.views.texts import t
from storage.activities import Activity, ClaimHook
from storage.broadcasts import Broadcast, BroadcastReport, RenderReport
from storage.clock import to_db
from storage.db import Session
from storage.members import languages_in
from storage.outbox import OutboxItem, enqueue

log = logging.getLogger(__name__)

REMINDER_JOB = "reminders-and-check-ins"
INTERVAL = timedelta(minutes=1)


async def remind_and_check_in(context: MinkaContext) -> None:
    """Claim what is due and enqueue it in the same transaction: claimed means queued."""
    now = context.now()
    activities = context.storage.activities
    lead = timedelta(hours=context.settings.reminder_hours)
    reminders = await activities.claim_due_reminders(now, lead, then=enqueue_for(context, REMINDER))
    checkins = await activities.claim_due_checkins(now, then=enqueue_for(context, CHECKIN))
    if reminders or checkins:
        wake_delivery(context)


REMINDER, CHECKIN = "reminder", "checkin"


def enqueue_for(context: MinkaContext, kind: str) -> ClaimHook:
    settings = context.settings

    async def enqueue_messages(session: Session, claimed: list[Activity]) -> None:
        languages = await languages_in(session, [a.author_id for a in claimed if a.author_id])
        for activity in claimed:
            assert activity.author_id is not None  # claims only return activities with an author
            lang = languages.get(activity.author_id, settings.default_language)
            item = message_for(activity, kind, lang, settings.tz)
            await enqueue(session, f"{kind}:{activity.id}:{to_db(activity.starts_at)}", [item])

    return enqueue_messages


def message_for(activity: Activity, kind: str, lang: str, tz: ZoneInfo) -> OutboxItem:
    assert activity.author_id is not None
    when = activity_when(activity, lang, tz)  # a campaign: all its days
    text = t(lang, kind, title=activity.title, school=activity.school_name, when=when)
    markup = checkin_keyboard(activity.id, lang).to_dict() if kind == CHECKIN else None
    return OutboxItem(activity.author_id, str(text), markup)


DIGEST_JOB = "daily-digests"
DIGEST_TIME = time(7, 0)
DIGEST_CHARS = 3800  # room under Telegram's 4096 for the "y N más" line


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


def digest_text(lines: list[str], lang: str) -> str:
    """The header and as many lines as fit in one Telegram message, then "y N más"."""
    text, shown = str(t(lang, "digest_header")), 0
    for line in lines:
        if len(text) + len(line) + 2 > DIGEST_CHARS:
            break
        text, shown = f"{text}\n\n{line}", shown + 1
    if shown < len(lines):
        text += "\n\n" + str(t(lang, "digest_more", count=len(lines) - shown))
    return text


REPORT_JOB = "broadcast-reports"


async def send_broadcast_reports(context: MinkaContext) -> None:
    """Once the last copy of a broadcast is settled, its author gets one report (queued in the
    same transaction that marks it reported, so it is sent once even across a crash)."""
    broadcasts = context.storage.broadcasts
    reported = 0
    for broadcast_id in await broadcasts.unreported_settled():
        reported += await broadcasts.mark_reported(broadcast_id, report_renderer(context))
    if reported:
        wake_delivery(context)


def report_renderer(context: MinkaContext) -> RenderReport:
    languages: dict[int, str] = {}

    def render(broadcast: Broadcast, report: BroadcastReport) -> OutboxItem:
        assert broadcast.author_id is not None
        lang = languages.get(broadcast.author_id, context.settings.default_language)
        text = t(
            lang,
            "broadcast_report",
            excerpt=excerpt(broadcast.text),
            delivered=report.delivered,
            blocked=report.blocked,
            failed=report.failed,
            acknowledged=report.acknowledged,
        )
        return OutboxItem(broadcast.author_id, str(text))

    return render


def excerpt(text: str, length: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= length else one_line[: length - 1] + "…"
