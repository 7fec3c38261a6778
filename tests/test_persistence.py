"""Conversation persistence when PTB writes several flows' states at once."""

from __future__ import annotations

import asyncio

from bot.runtime.persistence import SQLiteConversationPersistence
from storage import Storage

ROSA = (1001, 1001)


async def test_flows_ended_together_are_all_saved_without_error(storage: Storage) -> None:
    """Starting a flow ends the person's others: PTB then writes their END (None) states
    concurrently, and each write retries every unsaved state, so two writers meet."""
    persistence = SQLiteConversationPersistence(storage)
    await persistence.update_conversation("my_school", ROSA, "school")
    await persistence.update_conversation("profile", ROSA, "name")
    await asyncio.gather(
        persistence.update_conversation("my_school", ROSA, None),
        persistence.update_conversation("profile", ROSA, None),
        persistence.update_conversation("announce", ROSA, "title"),
    )
    assert await storage.conversations.load("my_school") == {}
    assert await storage.conversations.load("profile") == {}
    assert await storage.conversations.load("announce") == {ROSA: "title"}
    await persistence.flush()  # nothing left over to retry, nothing changes
    assert await storage.conversations.load("announce") == {ROSA: "title"}
