"""The delivery worker: drains the outbox (storage.outbox) within Telegram's limits.

Telegram allows about 30 messages a second per bot, one a second per chat and 20 a minute per
group. The bot's rate limiter (bot.runtime.rate_limit) keeps everything within the overall and
group limits
and lets replies to people go first: the worker's requests are `Priority.BACKGROUND`, so they wait
while replies use the budget, and a 429 comes back to the worker instead of being retried there.
On top of that the worker has its own queue and limits:

- overall: at most SEND_RATE messages in any second, evenly spaced (a token bucket);
- per chat: the next message at least a second after Telegram answered the previous one;
- per group: at most 20 in any minute.

The worker claims up to a second's worth of due messages at a time, at most one per chat and none
for chats that must wait, so a busy chat never holds up the others; within a chat, due messages go
out in order of creation (one waiting for a retry lets later ones pass). Sends run concurrently
(up to SEND_RATE at once) so network latency does not cap throughput. Every outcome is written
back at once: a crash loses nothing, and at most the messages in flight at that moment are sent
twice (after `requeue_stale_claims` at start-up).

Errors: 429 holds the chat Telegram named for as long as it asked and puts the message back (the
rate limiter pauses every chat when 429s come for several chats, and this worker's requests then
wait that out in the limiter); 403 (blocked, deactivated, kicked) and "chat not found" make the
chat inactive and skip its messages; a group that became a supergroup moves to its new id and the
message goes there; other 400s fail the message with Telegram's text; network errors and 5xx are
retried with exponential backoff, up to `max_attempts`.

Retention: `compact_outbox`, a job run every hour, strips the text, keyboard and error of
messages finished more than OUTBOX_RETENTION_DAYS ago (storage.outbox `compact_finished`); the
rows stay, so an event enqueued again still sends nothing twice.

Logs name outbox ids and Telegram's error texts, never chat ids or message text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.runtime.rate_limit import Priority, retry_after_seconds
from storage.chats import Chats
from storage.clock import utc_now
from storage.db import DatabaseUnavailable
from storage.outbox import Outbox, OutboxMessage

if TYPE_CHECKING:
    from telegram.ext import Application, ExtBot

    from bot.runtime.context import BotData, MinkaContext

log = logging.getLogger(__name__)

# Telegram counts when a request arrives; we count from when its answer arrived, plus this
# margin, so that jitter never lands two messages to one chat less than a second apart.
SAFETY_MARGIN = 0.05
GROUP_WINDOW = 60.0
# Bad Requests that mean the chat is gone for good (treated like a 403).
CHAT_GONE = ("chat not found", "chat was deactivated", "peer_id_invalid")
_MIN_IDLE = 0.02


@dataclass(frozen=True)
class DeliveryPolicy:
    """The worker's limits and timings. Defaults follow Telegram's published limits."""

    send_rate: float = 25.0  # messages per second, all chats together
    max_in_flight: int = 25  # sends awaiting Telegram's answer at once
    chat_interval: float = 1.0 + SAFETY_MARGIN  # seconds between two messages to one chat
    group_per_minute: int = 20
    poll_interval: float = 1.0  # look for due messages at least this often
    retry_base: float = 2.0  # first backoff after a network error or 5xx, doubled each time
    retry_cap: float = 600.0
    max_attempts: int = 10  # then the message fails with Telegram's (or the network's) error

    @classmethod
    def for_rate(cls, send_rate: int) -> DeliveryPolicy:
        return cls(send_rate=float(send_rate), max_in_flight=max(1, send_rate))

    def backoff(self, attempts: int) -> timedelta:
        """2 s, 4 s, 8 s... for the 1st, 2nd, 3rd failed attempt; capped."""
        return timedelta(seconds=min(self.retry_cap, self.retry_base * 2 ** max(0, attempts - 1)))


class ChatPacing:
    """When each chat may get its next message (monotonic seconds)."""

    def __init__(self, policy: DeliveryPolicy) -> None:
        self._policy = policy
        self._in_flight: set[int] = set()
        self._ready_at: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    def start(self, chat_id: int) -> None:
        self._in_flight.add(chat_id)

    def finished(self, chat_id: int, at: float, *, is_group: bool) -> None:
        """Telegram answered at `at` (whatever it answered: a refusal counts too)."""
        self._in_flight.discard(chat_id)
        ready = at + self._policy.chat_interval
        if is_group:
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.append(at)
            while sends and sends[0] <= at - GROUP_WINDOW:
                sends.popleft()
            if len(sends) >= self._policy.group_per_minute:
                oldest = sends[-self._policy.group_per_minute]
                ready = max(ready, oldest + GROUP_WINDOW + SAFETY_MARGIN)
        self.hold_until(chat_id, ready)

    def hold_until(self, chat_id: int, until: float) -> None:
        self._ready_at[chat_id] = max(self._ready_at.get(chat_id, until), until)

    def busy(self, now: float) -> list[int]:
        """Chats that must not be claimed now: in flight, or sent to too recently."""
        self._ready_at = {chat: at for chat, at in self._ready_at.items() if at > now}
        self._group_sends = {
            chat: sends
            for chat, sends in self._group_sends.items()
            if sends and sends[-1] > now - GROUP_WINDOW
        }
        return [*self._in_flight, *self._ready_at]

    def next_ready(self) -> float | None:
        return min(self._ready_at.values(), default=None)


class SendPacer:
    """The overall limit: sends spaced 1/rate apart without drifting, never more than `rate`
    in any second."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._capacity = max(1, math.floor(rate))
        self._next_at = 0.0
        self._recent: deque[float] = deque(maxlen=self._capacity)

    def turn(self) -> float:
        """When the next send may start."""
        window_full = len(self._recent) == self._capacity
        return max(self._next_at, self._recent[0] + 1.0 if window_full else 0.0)

    def take(self, now: float) -> None:
        # Late by less than half an interval: keep the schedule (no drift); later than that,
        # start a new schedule (no burst after an idle spell).
        self._next_at = max(self._next_at, now - self._interval / 2) + self._interval
        self._recent.append(now)


DATABASE_BUSY_PAUSE_S = 15.0
STOP_GRACE_S = 10.0  # how long stop() waits for sends still queued behind replies


class DeliveryWorker:
    """Sends what the outbox holds. `start()` after the Application started, `stop()` before it
    stops; `wake()` after enqueueing so the messages go out at once instead of at the next poll."""

    def __init__(
        self,
        bot: ExtBot[Any],
        chats: Chats,
        outbox: Outbox,
        *,
        policy: DeliveryPolicy | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._bot = bot
        self._chats = chats
        self._outbox = outbox
        self.policy = policy or DeliveryPolicy()
        self._now = now
        self._pacing = ChatPacing(self.policy)
        self._pacer = SendPacer(self.policy.send_rate)
        self._slots = asyncio.Semaphore(self.policy.max_in_flight)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._sends: set[asyncio.Task[None]] = set()
        self._drained = False
        self._database_busy_until = 0.0  # monotonic time until which the worker steps back
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Put back what a previous (crashed) run had claimed, then start sending."""
        if self._task is not None:
            return
        requeued = await self._outbox.requeue_stale_claims(self._now())
        if requeued:
            log.warning("%d messages claimed by a previous run are pending again", requeued)
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="minka-delivery")
        self._task.add_done_callback(_log_failure)

    async def stop(self) -> None:
        """Let the sends in flight finish; everything else stays pending for the next run.

        A send may still be waiting for the rate limiter (replies go first): after
        STOP_GRACE_S the waiting ones are cancelled. Their rows stay claimed and the next start
        puts them back, so a message cancelled just as Telegram took it may go out twice."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self._wake.set()
        await asyncio.gather(task, return_exceptions=True)
        sends = list(self._sends)
        if sends:
            _, late = await asyncio.wait(sends, timeout=STOP_GRACE_S)
            for send in late:
                send.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        log.info("delivery worker stopped")

    def wake(self) -> None:
        """Something was enqueued: look at the outbox now."""
        self._drained = False
        self._wake.set()

    @property
    def busy(self) -> bool:
        """False once the last look found nothing due for any chat and nothing is in flight."""
        return self._wake.is_set() or bool(self._sends) or not self._drained

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # -- the loop ---------------------------------------------------------------------------------

    async def _run(self) -> None:
        log.info("delivery worker started (%s messages/s)", self.policy.send_rate)
        while not self._stopping.is_set():
            batch = await self._claim()
            if batch:
                await self._dispatch(batch)
            else:
                await self._idle()

    async def _claim(self) -> list[OutboxMessage]:
        busy = self._pacing.busy(_monotonic())
        limit = max(1, math.ceil(self.policy.send_rate))
        if _monotonic() < self._database_busy_until:
            return []
        try:
            batch = await self._outbox.claim(self._now(), limit, exclude_chats=busy)
        except DatabaseUnavailable as exc:  # another process holds the database; try again
            # Each attempt blocks the one connection for busy_timeout: while the database is
            # locked, the worker steps back so that people's own requests get their turn.
            log.warning("cannot read the outbox, pausing deliveries: %s", exc)
            self._database_busy_until = _monotonic() + DATABASE_BUSY_PAUSE_S
            return []
        if batch:
            self._drained = False
        elif not self._sends:
            self._drained = not busy or not await self._outbox.has_due(self._now())
        return batch

    async def _dispatch(self, batch: list[OutboxMessage]) -> None:
        for index, message in enumerate(batch):
            if not await self._wait_for_turn():
                await self._outbox.release([held.id for held in batch[index:]])
                return
            self._pacing.start(message.chat_id)
            task = asyncio.create_task(self._send(message))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
            task.add_done_callback(_log_failure)

    async def _wait_for_turn(self) -> bool:
        """Wait for a free slot and the pacer; False when stopping."""
        await self._slots.acquire()
        while not self._stopping.is_set():
            turn = self._pacer.turn()
            now = _monotonic()
            if now >= turn:
                self._pacer.take(now)
                return True
            await self._sleep(turn - now)
        self._slots.release()
        return False

    async def _idle(self) -> None:
        timeout = self.policy.poll_interval
        next_ready = self._pacing.next_ready()
        if next_ready is not None:
            timeout = min(timeout, max(_MIN_IDLE, next_ready - _monotonic()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
        self._wake.clear()

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once when asked to stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # -- one message ----------------------------------------------------------------------------

    async def _send(self, message: OutboxMessage) -> None:
        try:
            await self._send_and_record(message)
        except DatabaseUnavailable as exc:  # the row stays claimed; the next start requeues it
            log.error("could not record the outcome of outbox %s: %s", message.id, exc)
        finally:
            self._pacing.finished(message.chat_id, _monotonic(), is_group=message.is_group)
            self._slots.release()
            self._wake.set()  # its chat may take its next message in a second

    async def _send_and_record(self, message: OutboxMessage) -> None:
        markup = None
        if message.reply_markup is not None:
            markup = InlineKeyboardMarkup.de_json(message.reply_markup, self._bot)
        try:
            await self._bot.send_message(
                message.chat_id,
                message.text,
                reply_markup=markup,
                rate_limit_args=Priority.BACKGROUND,
            )
        except RetryAfter as exc:
            await self._on_flood_limit(message, retry_after_seconds(exc))
        except Forbidden as exc:
            await self._on_chat_gone(message, exc.message)
        except ChatMigrated as exc:
            await self._on_migrated(message, exc.new_chat_id)
        except BadRequest as exc:  # before NetworkError: BadRequest is one of its subclasses
            await self._on_bad_request(message, exc.message)
        except NetworkError as exc:  # TimedOut, connection errors, 5xx
            await self._on_transient_error(message, exc.message)
        except TelegramError as exc:  # InvalidToken and the like: not this message's fault
            await self._on_transient_error(message, exc.message)
        else:
            await self._outbox.mark_sent(message.id, self._now())

    async def _on_flood_limit(self, message: OutboxMessage, seconds: float) -> None:
        self._pacing.hold_until(message.chat_id, _monotonic() + seconds)
        await self._outbox.release([message.id])
        log.warning("outbox %s: Telegram asked to wait %.1f s (429)", message.id, seconds)

    async def _on_chat_gone(self, message: OutboxMessage, reason: str) -> None:
        await self._chats.mark_inactive(message.chat_id, reason)
        skipped = await self._outbox.skip_chat(message.chat_id, reason, now=self._now())
        log.info("outbox %s: %s; chat inactive, %d messages skipped", message.id, reason, skipped)

    async def _on_migrated(self, message: OutboxMessage, new_chat_id: int) -> None:
        # migrate() moves this claimed row too; releasing it lets the loop send it to the new
        # id under the new chat's limits.
        await self._chats.migrate(message.chat_id, new_chat_id)
        await self._outbox.release([message.id])
        log.info("outbox %s: the group became a supergroup; its messages moved", message.id)

    async def _on_bad_request(self, message: OutboxMessage, error: str) -> None:
        if any(gone in error.lower() for gone in CHAT_GONE):
            await self._on_chat_gone(message, error)
            return
        await self._outbox.mark_failed(message.id, error, now=self._now())
        log.warning("outbox %s failed: %s", message.id, error)

    async def _on_transient_error(self, message: OutboxMessage, error: str) -> None:
        attempts = message.attempts + 1
        if attempts >= self.policy.max_attempts:
            await self._outbox.mark_failed(message.id, error, now=self._now())
            log.warning("outbox %s failed after %d attempts: %s", message.id, attempts, error)
            return
        not_before = self._now() + self.policy.backoff(attempts)
        await self._outbox.retry_later(message.id, not_before, error, now=self._now())
        log.info("outbox %s: %s; retry %d at %s", message.id, error, attempts, not_before)


COMPACT_JOB = "outbox-retention"
COMPACT_INTERVAL = timedelta(hours=1)


async def compact_outbox(context: MinkaContext) -> None:
    """The retention job: what was finished more than OUTBOX_RETENTION_DAYS ago keeps only
    what idempotency and broadcast reports need."""
    days = context.settings.outbox_retention_days
    before = context.now() - timedelta(days=days)
    compacted = await context.storage.outbox.compact_finished(before)
    if compacted:
        log.info("outbox: %d messages finished over %d days ago compacted", compacted, days)


def attach_delivery(app: Application[Any, Any, Any, Any, BotData, Any]) -> DeliveryWorker:
    """The application's delivery worker (created on first call, kept in bot_data.delivery),
    limited by SEND_RATE and using the application's clock. The caller starts and stops it."""
    data = app.bot_data
    if data.delivery is None:
        storage = data.storage
        data.delivery = DeliveryWorker(
            app.bot,
            storage.chats,
            storage.outbox,
            policy=DeliveryPolicy.for_rate(data.settings.send_rate),
            now=lambda: data.clock(),  # looked up on each call: tests replace the clock
        )
    return data.delivery


def _monotonic() -> float:
    return asyncio.get_running_loop().time()


def _log_failure(task: asyncio.Task[None]) -> None:
    """A bug must show in the logs, not vanish with its task."""
    if not task.cancelled() and task.exception() is not None:
        log.error("delivery task %s failed", task.get_name(), exc_info=task.exception())
