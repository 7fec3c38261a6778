"""Small glue between domain writes and the outbox: combine `then` hooks, enqueue ready-made
items under an event key, and wake the delivery worker once the transaction committed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.runtime.context import MinkaContext
from storage.activities import Activity, AfterWrite
from storage.db import Session
from storage.outbox import OutboxItem, enqueue


def enqueue_built(kind: str, build: Callable[[Activity], Sequence[OutboxItem]]) -> AfterWrite:
    """As `enqueue_as`, for items that need the new activity (its id on a button)."""

    async def enqueue_items(session: Session, activity: Activity) -> None:
        await enqueue(session, f"{kind}:{activity.id}", build(activity))

    return enqueue_items


def all_of(*hooks: AfterWrite) -> AfterWrite:
    async def run_all(session: Session, activity: Activity) -> None:
        for hook in hooks:
            await hook(session, activity)

    return run_all


def enqueue_as(kind: str, items: Sequence[OutboxItem]) -> AfterWrite:
    """Enqueue `items` with the key "<kind>:<activity id>" (one per chat, never twice)."""

    async def enqueue_items(session: Session, activity: Activity) -> None:
        await enqueue(session, f"{kind}:{activity.id}", items)

    return enqueue_items


def wake_delivery(context: MinkaContext) -> None:
    """Tell the delivery worker there is something new, instead of waiting for its next poll."""
    worker = context.bot_data.delivery
    if worker is not None:
        worker.wake()
