"""Small glue between handlers and the delivery worker."""

from __future__ import annotations

from bot.runtime.context import MinkaContext


def wake_delivery(context: MinkaContext) -> None:
    """Tell the delivery worker there is something new, instead of waiting for its next poll."""
    worker = context.bot_data.delivery
    if worker is not None:
        worker.wake()
