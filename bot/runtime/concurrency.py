"""Updates of different people at once, each person's in order.

PTB processes updates one by one unless told otherwise, and with `concurrent_updates` it drops
all ordering, which its ConversationHandler cannot live with (a person's "next step" must see
the state the previous step left). Minka needs neither extreme: a teacher's search should not
wait behind another teacher's card, but one person's updates must keep their order. So each
update waits only for the earlier updates of the same person (or, for updates without a person,
of the same chat), and different people's are processed concurrently. Everything they share is
already safe for that: SQLite access is serialized by storage.db, sends by
bot.runtime.rate_limit, and
conversation states are per person and chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates processed at once; the rest queue, first come first served. On a crowd day most of
# them wait for the send budget, which serves people in turn (bot.runtime.rate_limit): it can
# only do so for the people whose update holds a slot. With 64 slots and 300 people, a person
# waited at this door behind everyone ahead and all their follow-up messages (crowd bench:
# slowest first answer 2.4x the fair bound); with a slot for everyone of a large crowd the
# budget's turns decide. An update waiting for Telegram holds only its coroutine.
MAX_CONCURRENT_UPDATES = 1024
# PTB's own limit, taken before do_process_update: an update waiting for the same person's
# earlier ones would hold one of its slots, so a person with many queued updates could block
# everyone. It is set out of reach and the real limit is taken after the person's turn came.
_PTB_SLOTS = 1 << 20


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(_PTB_SLOTS)
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._queues: dict[object, tuple[asyncio.Lock, int]] = {}
        self._in_progress = 0

    @property
    def in_progress(self) -> int:
        """Updates taken and not finished: running, or waiting for a slot or their person's
        earlier updates (for benchmarks and diagnosis)."""
        return self._in_progress

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _ordering_key(update)
        lock = self._enter(key)
        self._in_progress += 1
        try:
            # The lock is FIFO: a person's updates run in the order they arrived.
            async with lock, self._running:
                await coroutine
        finally:
            self._in_progress -= 1
            self._leave(key)

    def _enter(self, key: object) -> asyncio.Lock:
        lock, waiting = self._queues.get(key, (asyncio.Lock(), 0))
        self._queues[key] = (lock, waiting + 1)
        return lock

    def _leave(self, key: object) -> None:
        lock, waiting = self._queues[key]
        if waiting == 1:
            del self._queues[key]
        else:
            self._queues[key] = (lock, waiting - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _ordering_key(update: object) -> object:
    """Whose updates must keep their order: the person's, else the chat's, else all such."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return ("other", None)
