"""Small glue between handlers and the outbox: tell followers of a change, wake the worker."""

from __future__ import annotations

import logging

from bot.outbox.notifications import tell_followers
from bot.runtime.context import MinkaContext
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)


async def tell_and_deliver(context: MinkaContext) -> None:
    """After a change to an activity was written: tell its followers (composed outside the
    write), then wake the delivery worker. The change is stored whatever happens here: if the
    database is too busy now, its event waits and the minute job tells the followers."""
    try:
        await tell_followers(context.storage, context.settings)
    except DatabaseUnavailable:
        log.warning("followers not told yet (database busy); the minute job will", exc_info=True)
    wake_delivery(context)


def wake_delivery(context: MinkaContext) -> None:
    """Tell the delivery worker there is something new, instead of waiting for its next poll."""
    worker = context.bot_data.delivery
    if worker is not None:
        worker.wake()
