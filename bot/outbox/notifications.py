"""Telling followers about new, changed and cancelled activities, and the authors of clashing
activities about a new one.

One message per chat per event (a chat that follows the school, its district and the
organization still gets one), in the chat's language, never to the person who made the change.
Instant followers get it through the outbox; daily followers get a line in tomorrow's 07:00
summary. Both are written in the same transaction as the change itself (the `then` hook of
`Activities.create/update/cancel`): the event, its id and its final values exist only there, and
an activity must never be stored without its notifications. To keep that transaction short,
each text and keyboard is composed once per language and follow, not once per follower.
Heads-ups, which need reads of their own, are composed before it (`clash_heads_ups`) and only
enqueued inside.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.outbox.compose import Change, heads_up_item, notification_buttons, notification_text
from bot.runtime.context import MinkaContext
from bot.settings import Settings
from storage.activities import Activity, AfterWrite, NewActivity
from storage.clock import to_db
from storage.db import Session
from storage.digests import add_lines
from storage.follows import FollowKind, FollowMode, Recipient, exclude, recipients_in
from storage.members import Member
from storage.outbox import OutboxItem, enqueue


def event_key(activity: Activity, change: Change) -> str:
    """Unique per event: an activity edited twice is two events, a retried write is one."""
    return f"activity:{activity.id}:{change}:{to_db(activity.updated_at)}"


def tell_followers(
    settings: Settings,
    change: Change,
    *,
    actor_id: int | None,
    now: datetime,
    heads_ups: Sequence[OutboxItem] = (),
) -> AfterWrite:
    """The `then` hook for Activities.create/update/cancel: everyone following is told except
    the person who made the change (who may be a colleague of the author, not the author);
    `heads_ups` (composed beforehand) are enqueued with them."""

    async def fan_out(session: Session, activity: Activity) -> None:
        found = await recipients_in(session, activity.school_id, activity.organization_id)
        compose = _Composer(activity, change, settings)
        instant, daily = [], []
        for recipient in exclude(found, actor_id):
            if recipient.mode is FollowMode.DAILY:
                daily.append((recipient.chat_id, compose.text(recipient)))
            else:
                instant.append(compose.item(recipient))
        key = event_key(activity, change)
        await enqueue(session, key, instant)
        await add_lines(session, key, daily, now)
        if heads_ups:
            await enqueue(session, f"heads-up:{activity.id}", heads_ups)

    return fan_out


class _Composer:
    """One event's notification for each recipient. Thousands of followers share a couple of
    languages and follows, so each text and keyboard is composed once and reused: this runs
    inside the write transaction."""

    def __init__(self, activity: Activity, change: Change, settings: Settings) -> None:
        self.activity, self.change, self.settings = activity, change, settings
        self.texts: dict[str, str] = {}
        self.keyboards: dict[tuple[str, FollowKind, str], dict[str, Any]] = {}

    def language(self, recipient: Recipient) -> str:
        return recipient.language or self.settings.default_language

    def text(self, recipient: Recipient) -> str:
        lang = self.language(recipient)
        if lang not in self.texts:
            rendered = notification_text(self.activity, self.change, lang, self.settings.tz)
            self.texts[lang] = str(rendered)
        return self.texts[lang]

    def item(self, recipient: Recipient) -> OutboxItem:
        lang = self.language(recipient)
        key = (lang, recipient.kind, recipient.target)
        if key not in self.keyboards:
            self.keyboards[key] = notification_buttons(self.activity, recipient, lang).to_dict()
        return OutboxItem(recipient.chat_id, self.text(recipient), self.keyboards[key])


async def clash_heads_ups(
    context: MinkaContext, new: NewActivity, author: Member, clashes: list[Activity]
) -> list[OutboxItem]:
    """One note per author of an overlapping activity (not the new one's author), in their
    language. Read and composed before the activity is written."""
    school = await context.storage.schools.get_by_id(new.school_id)
    first_clash: dict[int, Activity] = {}  # each author hears once, of their earliest clash
    for other in clashes:
        if other.author_id is not None and other.author_id != new.author_id:
            first_clash.setdefault(other.author_id, other)
    languages = await context.storage.members.languages(list(first_clash))
    settings, school_name = context.settings, school.name if school else ""
    return [
        heads_up_item(
            new, author, school_name, other, languages.get(author_id, settings.default_language),
            settings.tz,
        )
        for author_id, other in first_clash.items()
    ]  # fmt: skip
