"""One budget for everything the bot sends, with replies to people ahead of the outbox.

Telegram allows a bot about 30 messages a second in all and 20 a minute in one group, and answers
429 beyond that; a 429 is bot-wide, so one burst makes every chat wait. PTB's AIORateLimiter is a
leaky bucket (it lets a full bucket through and then refills, so up to ~60 requests can land in one
second) and it does not know that the outbox worker can wait while a person cannot. So:

- every request that names a chat takes a slot in a sliding one-second window of
  `overall_per_second`; a slot is held from the moment the request leaves until one period after
  its answer arrived (Telegram counts on arrival, somewhere in between, so we never undercount);
- `Priority.BACKGROUND` requests (the delivery worker passes it as `rate_limit_args`) only take
  a slot while fewer than `background_per_second` are in use: whatever replies need up to the
  overall limit is always free for them, and when replies are busy the outbox slows down;
- group chats also get a sliding window of `group_per_minute` per minute;
- a 429 pauses every request for as long as Telegram asked; a reply is then tried again (up to
  `reply_retries` times), a background request raises `RetryAfter` so the worker puts its
  message back;
- a reply that meets a transient error (a 5xx, a timeout, a lost connection: PTB's
  `NetworkError`, but not `BadRequest`, its subclass) is tried again up to `transient_retries`
  times after a backoff (0.5 s, 1 s, 2 s...), logged as one line. The wait holds no slot, so only
  that person waits. A background request raises at once: the delivery worker has its own
  backoff, kept in the database.

Requests without a chat (answerCallbackQuery, answerInlineQuery, setMyCommands) are not
counted; they only wait out a 429 pause. getUpdates never comes here (PTB sends it directly).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import warnings
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

TELEGRAM_PER_SECOND = 30
TELEGRAM_GROUP_PER_MINUTE = 20
# Added to Telegram's retry_after: its clock and ours are not the same.
RETRY_MARGIN_S = 0.1
# A reply's first retry after a transient error; doubled for each further one.
TRANSIENT_BACKOFF_S = 0.5
_MAX_IDLE_GROUP_WINDOWS = 256

Answer = bool | dict[str, Any] | list[dict[str, Any]]
Request = Callable[..., Coroutine[Any, Any, Answer]]


class Priority(enum.Enum):
    REPLY = "reply"  # a person is waiting for it
    BACKGROUND = "background"  # the outbox: may wait for replies


class SlidingWindow:
    """Requests in the last `period` seconds: those in flight plus those answered lately."""

    def __init__(self, period: float) -> None:
        self.period = period
        self.in_flight = 0
        self.waiting = 0  # requests that counted this window in and wait for a slot
        self._answered: deque[float] = deque()

    def used(self, now: float) -> int:
        while self._answered and self._answered[0] <= now - self.period:
            self._answered.popleft()
        return self.in_flight + len(self._answered)

    def wait(self, now: float, cap: int) -> float | None:
        """Seconds until fewer than `cap` slots are used; None: not until a request in flight
        is answered."""
        excess = self.used(now) - cap + 1
        if excess <= 0:
            return 0.0
        if excess > len(self._answered):
            return None
        return self._answered[excess - 1] + self.period - now

    def take(self) -> None:
        self.in_flight += 1

    def give_back(self, now: float) -> None:
        self.in_flight -= 1
        self._answered.append(now)

    def idle(self, now: float) -> bool:
        """Nothing in it and nobody waiting on it: forgetting it loses nothing."""
        return self.used(now) == 0 and self.waiting == 0


class SharedRateLimiter(BaseRateLimiter[Priority]):
    """See the module docstring. Pass to `ApplicationBuilder.rate_limiter()`."""

    def __init__(
        self,
        *,
        background_per_second: int,
        overall_per_second: int = TELEGRAM_PER_SECOND,
        group_per_minute: int = TELEGRAM_GROUP_PER_MINUTE,
        reply_retries: int = 2,
        transient_retries: int = 3,
        transient_backoff: float = TRANSIENT_BACKOFF_S,
    ) -> None:
        if not 0 < background_per_second <= overall_per_second:
            raise ValueError("background_per_second must be between 1 and overall_per_second")
        self._caps = {
            Priority.REPLY: overall_per_second,
            Priority.BACKGROUND: background_per_second,
        }
        self._group_cap = group_per_minute
        self._reply_retries = reply_retries
        self._transient_retries = transient_retries
        self._transient_backoff = transient_backoff
        self._overall = SlidingWindow(1.0)
        self._groups: dict[int | str, SlidingWindow] = {}
        self._paused_until = 0.0
        self._changed = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,  # the chat decides, not the method
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Answer:
        priority = rate_limit_args or Priority.REPLY
        if priority is Priority.BACKGROUND:
            try:
                async with self._slot(data.get("chat_id"), priority):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._pause(retry_after_seconds(exc))
                raise
        transient_errors = 0
        while True:
            try:
                return await self._reply_with_flood_retries(callback, args, kwargs, data)
            except BadRequest:
                raise  # the request itself is wrong: trying again changes nothing
            except NetworkError as exc:
                if transient_errors == self._transient_retries:
                    raise
                transient_errors += 1
                delay = self._transient_backoff * 2 ** (transient_errors - 1)
                log.warning(
                    "%s failed (%s); retry %d in %.1f s", endpoint, exc, transient_errors, delay
                )
                await asyncio.sleep(delay)

    async def _reply_with_flood_retries(
        self, callback: Request, args: Any, kwargs: dict[str, Any], data: dict[str, Any]
    ) -> Answer:
        """A reply, waiting out up to `reply_retries` 429s."""
        for attempt in range(self._reply_retries + 1):
            try:
                async with self._slot(data.get("chat_id"), Priority.REPLY):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._pause(retry_after_seconds(exc))
                if attempt == self._reply_retries:
                    raise
                log.info("Telegram asked to wait (429); the reply is tried again")
        raise AssertionError("unreachable")  # pragma: no cover

    @contextlib.asynccontextmanager
    async def _slot(self, chat_id: object, priority: Priority) -> AsyncIterator[None]:
        limits = self._limits_for(chat_id, priority)
        await self._acquire(limits)
        try:
            yield
        finally:
            now = _now()
            for window, _ in limits:
                window.give_back(now)
            self._notify()

    def _limits_for(self, chat_id: object, priority: Priority) -> list[tuple[SlidingWindow, int]]:
        """The windows a request to `chat_id` counts in, with the slots it may use of each: the
        overall one, and the group's own when `chat_id` is a group (or an @channel)."""
        if chat_id is None:
            return []
        overall = (self._overall, self._caps[priority])
        group = _group_key(chat_id)
        if group is None:
            return [overall]
        if group not in self._groups and len(self._groups) >= _MAX_IDLE_GROUP_WINDOWS:
            now = _now()
            self._groups = {k: w for k, w in self._groups.items() if not w.idle(now)}
        window = self._groups.setdefault(group, SlidingWindow(60.0))
        return [overall, (window, self._group_cap)]

    async def _acquire(self, limits: list[tuple[SlidingWindow, int]]) -> None:
        for window, _ in limits:
            window.waiting += 1
        try:
            await self._wait_for_slots(limits)
        finally:
            for window, _ in limits:
                window.waiting -= 1

    async def _wait_for_slots(self, limits: list[tuple[SlidingWindow, int]]) -> None:
        while True:
            now = _now()
            waits = [self._paused_until - now, *(window.wait(now, cap) for window, cap in limits)]
            known = [wait for wait in waits if wait is not None]
            if len(known) == len(waits) and max(known) <= 0:
                for window, _ in limits:
                    window.take()
                return
            changed = self._changed
            timeout = max(known) if len(known) == len(waits) else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout)

    def _pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, _now() + seconds + RETRY_MARGIN_S)
        self._notify()

    def _notify(self) -> None:
        """Wake every waiter to look again; later waiters wait on a fresh event."""
        self._changed.set()
        self._changed = asyncio.Event()


def _group_key(chat_id: object) -> int | str | None:
    """Groups have negative ids; channels may be named by @username. Private chats: None."""
    if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
        return chat_id
    with contextlib.suppress(TypeError, ValueError):
        number = int(chat_id)  # type: ignore[call-overload]
        return number if number < 0 else None
    return None


def retry_after_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait. PTB 22 warns that retry_after will become a timedelta
    unless PTB_TIMEDELTA is set; both forms are handled, so the warning says nothing here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _now() -> float:
    return asyncio.get_running_loop().time()
