"""Telling followers about an import: one summary per chat and import, never one per row.

A coordinator importing 400 rows would otherwise flood every follower of her district with 400
messages. Only upcoming activities that the import inserted or changed are told (past ones are
the history of who worked where, not news). As for every message sent on its own, nothing is
composed inside a write: after the import's transaction, the followers are read and each chat's
summary composed (bot/outbox/compose.py), then one short transaction enqueues them (instant
followers) or adds them to tomorrow's summary (daily followers) and marks the import told.

If the process stops between the import and that second transaction, the summaries are not
sent: the import stays marked as not told (activity_imports.notified_at NULL). Nothing resends
them yet; at worst followers miss one summary, they never get two.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.outbox.compose import import_summary_text
from storage import Storage
from storage.activities import Activity
from storage.activity_imports import ImportResult
from storage.clock import utc_now
from storage.follows import FollowMode, Recipient, exclude
from storage.outbox import OutboxItem

PerChat = dict[int, tuple[Recipient, list[Activity]]]


async def followed_by_chat(
    storage: Storage, activities: list[Activity], importer_id: int | None
) -> PerChat:
    """Each following chat with the activities it follows; the importer is not told."""
    per_chat: PerChat = {}
    # A sheet repeats school and organization pairs: their followers are read once per pair.
    followers: dict[tuple[int, int | None], list[Recipient]] = {}
    for activity in activities:
        pair = (activity.school_id, activity.organization_id)
        if pair not in followers:
            followers[pair] = exclude(await storage.follows.recipients(*pair), importer_id)
        for recipient in followers[pair]:
            per_chat.setdefault(recipient.chat_id, (recipient, []))[1].append(activity)
    return per_chat


async def tell_import_followers(
    storage: Storage,
    result: ImportResult,
    *,
    tz: ZoneInfo,
    default_language: str,
    importer_id: int | None,
    who: str,
) -> int:
    """Read, compose outside any write, then enqueue; how many chats were told."""
    if not result.changed_upcoming:
        return 0
    activities = await storage.activities.many(result.changed_upcoming)
    items, lines = [], []
    for recipient, followed in (await followed_by_chat(storage, activities, importer_id)).values():
        lang = recipient.language or default_language
        text = str(import_summary_text(who, followed, lang, tz))
        if recipient.mode is FollowMode.DAILY:
            lines.append((recipient.chat_id, text))
        else:
            items.append(OutboxItem(recipient.chat_id, text))
    await storage.activity_imports.finish_notices(result.import_id, items, lines, utc_now())
    return len(items) + len(lines)
