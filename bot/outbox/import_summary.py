"""Telling followers about an import: one summary per chat and import, never one per row.

A coordinator importing 400 rows would otherwise flood every follower of her district with
400 messages. Only upcoming activities that the import inserted or changed are told (past ones
are the history of who worked where, not news). Instant followers get the summary through the
outbox, daily followers a line in tomorrow's summary; both in the import's transaction.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.views.import_views import followers_summary
from storage.activities import Activity, fetch_many
from storage.activity_imports import AfterImport, ImportResult
from storage.db import Session
from storage.digests import add_lines
from storage.follows import FollowMode, Recipient, exclude, recipients_in
from storage.outbox import OutboxItem, enqueue


def event_key(result: ImportResult) -> str:
    return f"import:{result.import_id}"


async def _by_chat(
    session: Session, activities: list[Activity], importer_id: int | None
) -> dict[int, tuple[Recipient, list[Activity]]]:
    per_chat: dict[int, tuple[Recipient, list[Activity]]] = {}
    # A sheet repeats school and organization pairs: their followers are read once per pair.
    followers: dict[tuple[int, int | None], list[Recipient]] = {}
    for activity in activities:
        pair = (activity.school_id, activity.organization_id)
        if pair not in followers:
            found = await recipients_in(session, *pair)
            followers[pair] = exclude(found, importer_id)
        for recipient in followers[pair]:
            per_chat.setdefault(recipient.chat_id, (recipient, []))[1].append(activity)
    return per_chat


def notify_import(
    tz: ZoneInfo, default_language: str, *, importer_id: int | None, who: str, now: datetime
) -> AfterImport:
    """The `then` hook of ActivityImports.apply."""

    async def fan_out(session: Session, result: ImportResult) -> None:
        if not result.changed_upcoming:
            return
        activities = await fetch_many(session, result.changed_upcoming)
        instant, daily = [], []
        for recipient, followed in (await _by_chat(session, activities, importer_id)).values():
            text = str(followers_summary(who, followed, recipient.language or default_language, tz))
            if recipient.mode is FollowMode.DAILY:
                daily.append((recipient.chat_id, text))
            else:
                instant.append(OutboxItem(recipient.chat_id, text))
        await enqueue(session, event_key(result), instant)
        await add_lines(session, event_key(result), daily, now)

    return fan_out
