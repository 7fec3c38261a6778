"""Telling followers about new, changed and cancelled activities, and the authors of clashing
activities about a new one.

One message per chat per event (a chat that follows the school, its district and the
organization still gets one), in the chat's language, never to the person who made the change.
Instant followers get it through the outbox; daily followers get a line in tomorrow's 07:00
summary.

The change itself only records its event (`storage.activity_events`, with a `Notice`), in its
own transaction, so an activity is never stored without it. `tell_followers`, called right
after by the handler that made the change (and every minute by the job, for what a crash left),
reads the followers and composes their messages outside any write, then enqueues them and
removes the event in a second, short transaction. Each text and keyboard is composed once per
language and follow, not once per follower. Heads-ups need reads of their own: they are
composed before the change (`clash_heads_ups`) and enqueued with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.outbox.compose import heads_up_item, notification_buttons, notification_text
from bot.runtime.context import MinkaContext
from bot.settings import Settings
from bot.views.activity_views import teacher_who, who_of_member
from storage import Storage
from storage.activities import Activity, NewActivity
from storage.activity_events import Change, PendingEvent
from storage.follows import FollowKind, FollowMode, Recipient, exclude
from storage.members import Member
from storage.outbox import OutboxItem

Lines = list[tuple[int, str]]  # (chat id, digest line)


async def tell_followers(storage: Storage, settings: Settings) -> int:
    """Tell the followers of every change waiting (normally the one just written); how many
    events this call finished."""
    told = 0
    for event in await storage.activity_events.pending():
        activity = await storage.activities.get(event.activity_id)
        assert activity is not None  # an event goes with its activity (ON DELETE CASCADE)
        items, lines = await compose_for_followers(storage, settings, event, activity)
        told += await storage.activity_events.finish(event, items, lines)
    return told


async def compose_for_followers(
    storage: Storage, settings: Settings, event: PendingEvent, activity: Activity
) -> tuple[list[OutboxItem], Lines]:
    """The instant followers' messages and the daily followers' lines, read and composed
    outside any write. The activity is read as it is now: a later edit already shows."""
    found = await storage.follows.recipients(activity.school_id, activity.organization_id)
    compose = _Composer(activity, event.change, settings)
    items: list[OutboxItem] = []
    lines: Lines = []
    for recipient in exclude(found, event.actor_id):
        if recipient.mode is FollowMode.DAILY:
            lines.append((recipient.chat_id, compose.text(recipient)))
        else:
            items.append(compose.item(recipient))
    return items, lines


class _Composer:
    """One event's notification for each recipient. Thousands of followers share a couple of
    languages and follows, so each text and keyboard is composed once and reused."""

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
) -> Callable[[int], list[OutboxItem]]:
    """One note per author of an overlapping activity (not the new one's author), in their
    language. Read and composed before the activity is written; the new activity's id, for
    their "Escribir a …" button, is filled in when it is (storage.activity_events.Notice)."""
    school = await context.storage.schools.get_by_id(new.school_id)
    first_clash: dict[int, Activity] = {}  # each author hears once, of their earliest clash
    for other in clashes:
        if other.author_id is not None and other.author_id != new.author_id:
            first_clash.setdefault(other.author_id, other)
    languages = await context.storage.members.languages(list(first_clash))
    settings, school_name = context.settings, school.name if school else ""
    items = []
    for author_id, other in first_clash.items():
        lang = languages.get(author_id, settings.default_language)
        who = await who_announces(context, author, new.school_id, lang)
        items.append(heads_up_item(new, who, school_name, other, lang, settings.tz))
    return lambda activity_id: [item(activity_id) for item in items]


async def who_announces(context: MinkaContext, member: Member, at: int, lang: str) -> str:
    """The organization, or a teacher by her name and school (activity_views.teacher_who)."""
    org = member.organization
    if org is None and member.name:
        own = (
            await context.storage.schools.get_by_id(member.school_id) if member.school_id else None
        )
        return teacher_who(member.name, (member.school_id, own.name if own else None), at, lang)
    return who_of_member(member, lang)
