"""Telling followers about new, changed and cancelled activities.

One message per chat per event (a chat that follows the school, its district and the
organization still gets one), in the chat's language, never to the author. Instant followers
get it through the outbox; daily followers get a line in tomorrow's 07:00 summary. Both are
written in the same transaction as the change itself.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.views import callbacks as cb
from bot.views.activity_views import activity_when, who_did
from bot.views.texts import Markup, label, t
from storage.activities import Activity, AfterWrite
from storage.clock import to_db
from storage.db import Session
from storage.digests import add_lines
from storage.follows import FollowKind, FollowMode, Recipient, exclude, recipients_in
from storage.outbox import OutboxItem, enqueue

KIND_CODES = {FollowKind.SCHOOL: "s", FollowKind.DISTRICT: "d", FollowKind.ORGANIZATION: "o"}


class Change(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    CANCELLED = "cancelled"


def event_key(activity: Activity, change: Change) -> str:
    """Unique per event: an activity edited twice is two events, a retried write is one."""
    return f"activity:{activity.id}:{change}:{to_db(activity.updated_at)}"


def notification_text(activity: Activity, change: Change, lang: str, tz: ZoneInfo) -> Markup:
    when = activity_when(activity, lang, tz)  # several days: all of them, in one message
    text = t(
        lang,
        f"notification_{change}",
        who=who_did(activity, lang),
        title=activity.title,
        school=activity.school_name,
        when=when,
    )
    if change is Change.CANCELLED and activity.cancel_reason:
        text = Markup(text + "\n" + t(lang, "notification_reason", reason=activity.cancel_reason))
    return text


def notification_buttons(
    activity: Activity, recipient: Recipient, lang: str
) -> InlineKeyboardMarkup:
    unfollow = cb.FollowToggle(KIND_CODES[recipient.kind], recipient.target, False)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label(lang, "btn_view_school"),
                    callback_data=cb.SchoolAction(cb.CARD, activity.school_id).pack(),
                ),
                InlineKeyboardButton(label(lang, "btn_unfollow"), callback_data=unfollow.pack()),
            ]
        ]
    )


def notify_followers(
    change: Change, tz: ZoneInfo, default_language: str, *, actor_id: int | None, now: datetime
) -> AfterWrite:
    """The `then` hook for Activities.create/update/cancel. Everyone following is told except
    the person who made the change (who may be a colleague of the author, not the author)."""

    async def fan_out(session: Session, activity: Activity) -> None:
        found = await recipients_in(session, activity.school_id, activity.organization_id)
        recipients = exclude(found, actor_id)
        key = event_key(activity, change)
        instant, daily = [], []
        for recipient in recipients:
            lang = recipient.language or default_language
            text = notification_text(activity, change, lang, tz)
            if recipient.mode is FollowMode.DAILY:
                daily.append((recipient.chat_id, str(text)))
            else:
                markup = notification_buttons(activity, recipient, lang).to_dict()
                instant.append(OutboxItem(recipient.chat_id, str(text), markup))
        await enqueue(session, key, instant)
        await add_lines(session, key, daily, now)

    return fan_out
