"""One budget for everything the bot sends: people served in the order they asked, replies
ahead of the outbox.

Telegram allows a bot about 30 messages a second in all, about one a second to one chat and 20 a
minute in one group, and answers 429 beyond that. PTB's AIORateLimiter is a leaky bucket (it lets
a full bucket through and then refills, so up to ~60 requests can land in one second), it does
not pace one chat, and it does not know that the outbox worker can wait while a person cannot.
So:

- every request that names a chat takes a slot in a sliding one-second window of
  `overall_per_second`; a slot is held from the moment the request leaves until one period after
  its answer arrived (Telegram counts on arrival, somewhere in between, so we never undercount);
- a new message to a chat (send*, copy, forward; not an edit, a deletion or a chat action) also
  takes that chat's own window of `chat_per_second` (0: not paced), and group chats a window
  of `group_per_minute` per minute;
- who goes next is decided in one place (`_dispatch`): requests wait in a queue per chat (first
  in, first out) and the chats take turns (round robin, in the order they started waiting), so
  during a crowd nobody waits behind someone who asked later, and a chat that must wait for its
  own window lets the others pass. A person's first answer goes before other people's
  follow-ups: the second and later requests of the same update (the same asyncio task: PTB
  runs each update in its own) wait as `Priority.FOLLOWUP` while first answers are ready, so on
  a crowd day nobody's first answer waits behind someone else's welcome and menu; a follow-up
  that waited `FOLLOWUP_PATIENCE_S` takes turns with the first answers, so a stream of
  newcomers cannot hold it back for as long as the stream lasts. Replies (first
  answers and follow-ups) are served before `Priority.BACKGROUND` requests (the
  delivery worker passes it as `rate_limit_args`), which also only take a slot while fewer than
  `background_per_second` are in use, less one for every reply still waiting: whatever replies
  need up to the overall limit is always free for them, and when replies are busy (a crowd)
  the outbox waits;
- a 429 for one chat pauses that chat for as long as Telegram asked; the whole bot pauses when
  429s came for `FLOOD_CHATS` different chats within `FLOOD_WINDOW_S`, or for a request without
  a chat. A reply is then tried again (up to `reply_retries` times), a background request
  raises `RetryAfter` so the worker puts its message back;
- a reply that meets a transient error (a 5xx, a timeout, a lost connection: PTB's
  `NetworkError`, but not `BadRequest`, its subclass) is tried again up to `transient_retries`
  times after a backoff (0.5 s, 1 s, 2 s...), logged as one line. The wait holds no slot, so only
  that person waits. A background request raises at once: the delivery worker has its own
  backoff, kept in the database.

Requests without a chat (answerCallbackQuery, answerInlineQuery, setMyCommands) are not
counted; they only wait out a bot-wide pause. getUpdates never comes here (PTB sends it
directly).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import math
import warnings
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
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
# Chats whose windows are kept before the idle ones are forgotten.
_MAX_IDLE_CHATS = 256
# 429s for this many different chats within this many seconds mean the bot-wide limit was hit.
FLOOD_CHATS = 3
FLOOD_WINDOW_S = 10.0
# A follow-up waiting this long joins the first answers' turns: while newcomers keep arriving
# faster than Telegram's 30 a second, follow-ups would otherwise get no slot at all, and hold
# their person's next step (and an update slot) for as long as the stream lasts.
FOLLOWUP_PATIENCE_S = 10.0
_NEW_MESSAGE_METHODS = frozenset(
    {"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"}
)

Answer = bool | dict[str, Any] | list[dict[str, Any]]
Request = Callable[..., Coroutine[Any, Any, Answer]]
ChatKey = int | str | None


class Priority(enum.Enum):
    REPLY = "reply"  # a person is waiting for it
    FOLLOWUP = "followup"  # a later request of a reply's update: the person has an answer
    BACKGROUND = "background"  # the outbox: may wait for replies


class SlidingWindow:
    """Requests in the last `period` seconds: those in flight plus those answered lately."""

    def __init__(self, period: float) -> None:
        self.period = period
        self.in_flight = 0
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


Limits = list[tuple[SlidingWindow, int]]


@dataclass(eq=False)
class _Waiter:
    """One request waiting for its turn: the windows it needs and the future that lets it go."""

    chat: ChatKey
    limits: Limits
    turn: asyncio.Future[None]
    since: float = field(default_factory=lambda: _now())


class _ChatState:
    """One chat's windows and 429 pause; forgotten when idle (see `_forget_idle_chats`)."""

    def __init__(self, key: ChatKey, chat_per_second: float) -> None:
        self.paced = SlidingWindow(1.0 / chat_per_second) if chat_per_second else None
        self.group = SlidingWindow(60.0) if _is_group(key) else None
        self.paused_until = 0.0

    def idle(self, now: float) -> bool:
        windows = [w for w in (self.paced, self.group) if w is not None]
        return self.paused_until <= now and all(w.used(now) == 0 for w in windows)


class SharedRateLimiter(BaseRateLimiter[Priority]):
    """See the module docstring. Pass to `ApplicationBuilder.rate_limiter()`."""

    def __init__(
        self,
        *,
        background_per_second: int,
        overall_per_second: int = TELEGRAM_PER_SECOND,
        group_per_minute: int = TELEGRAM_GROUP_PER_MINUTE,
        chat_per_second: float = 0.0,
        reply_retries: int = 2,
        transient_retries: int = 3,
        transient_backoff: float = TRANSIENT_BACKOFF_S,
        followup_patience: float = FOLLOWUP_PATIENCE_S,
    ) -> None:
        if not 0 < background_per_second <= overall_per_second:
            raise ValueError("background_per_second must be between 1 and overall_per_second")
        self._caps = {
            Priority.REPLY: overall_per_second,
            Priority.FOLLOWUP: overall_per_second,
            Priority.BACKGROUND: background_per_second,
        }
        # The tasks (updates) that already had a request naming a chat let go.
        self._answered: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self._group_cap = group_per_minute
        self._chat_per_second = chat_per_second
        self._reply_retries = reply_retries
        self._transient_retries = transient_retries
        self._transient_backoff = transient_backoff
        self._followup_patience = followup_patience
        self._overall = SlidingWindow(1.0)
        self._chats: dict[ChatKey, _ChatState] = {}
        # Per priority, the chats with waiting requests in turn order, each with its own queue.
        self._queues: dict[Priority, dict[ChatKey, deque[_Waiter]]] = {p: {} for p in Priority}
        self._paused_until = 0.0
        self._floods: deque[tuple[float, ChatKey]] = deque()
        self._unpaused = asyncio.Event()
        self._unpaused.set()
        self._timer: asyncio.TimerHandle | None = None

    def waiting(self, priority: Priority) -> tuple[int, int]:
        """Chats with requests waiting at `priority`, and those requests (for benchmarks and
        diagnosis: where a crowd queues)."""
        queues = self._queues[priority]
        return len(queues), sum(len(queue) for queue in queues.values())

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Answer:
        priority = rate_limit_args or Priority.REPLY
        request = _Request(callback, args, kwargs, endpoint, data.get("chat_id"))
        if priority is Priority.BACKGROUND:
            return await self._send_once(request, priority)
        priority = self._reply_priority()  # kept for its retries: still a first answer
        transient_errors = 0
        while True:
            try:
                return await self._reply_with_flood_retries(request, priority)
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

    async def _reply_with_flood_retries(self, request: _Request, priority: Priority) -> Answer:
        """A reply, waiting out up to `reply_retries` 429s."""
        for attempt in range(self._reply_retries + 1):
            try:
                return await self._send_once(request, priority)
            except RetryAfter:
                if attempt == self._reply_retries:
                    raise
                log.info("Telegram asked to wait (429); the reply is tried again")
        raise AssertionError("unreachable")  # pragma: no cover

    def _reply_priority(self) -> Priority:
        """REPLY for an update's first request naming a chat, FOLLOWUP for the later ones."""
        task = asyncio.current_task()
        return Priority.FOLLOWUP if task is not None and task in self._answered else Priority.REPLY

    async def _send_once(self, request: _Request, priority: Priority) -> Answer:
        key = _chat_key(request.chat_id)
        try:
            async with self._slot(key, request.endpoint, priority):
                return await request.callback(*request.args, **request.kwargs)
        except RetryAfter as exc:
            self._on_flood(key, retry_after_seconds(exc))
            raise

    # -- waiting for a turn -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _slot(self, key: ChatKey, endpoint: str, priority: Priority) -> AsyncIterator[None]:
        if key is None:  # not counted: only a bot-wide pause holds it
            await self._wait_unpaused()
            yield
            return
        limits = await self._take_turn(key, endpoint, priority)
        task = asyncio.current_task()
        if priority is not Priority.BACKGROUND and task is not None:
            self._answered.add(task)
        try:
            yield
        finally:
            self._give_back(limits)

    async def _wait_unpaused(self) -> None:
        while _now() < self._paused_until:
            self._unpaused.clear()
            self._arm_timer(self._paused_until - _now())
            await self._unpaused.wait()

    async def _take_turn(self, key: ChatKey, endpoint: str, priority: Priority) -> Limits:
        waiter = _Waiter(key, self._limits_for(key, endpoint, priority), _future())
        self._queues[priority].setdefault(key, deque()).append(waiter)
        self._dispatch()
        try:
            await waiter.turn
        except asyncio.CancelledError:
            if waiter.turn.done() and not waiter.turn.cancelled():
                self._give_back(waiter.limits)  # it was let go just as it was cancelled
            else:
                self._leave_queue(waiter, priority)
            raise
        return waiter.limits

    def _limits_for(self, key: ChatKey, endpoint: str, priority: Priority) -> Limits:
        """The windows a request counts in, with the slots it may use of each: the overall one,
        the chat's pace for a new message, the group's own window."""
        chat = self._chat_state(key)
        limits: Limits = [(self._overall, self._caps[priority])]
        if chat.paced is not None and _is_new_message(endpoint):
            limits.append((chat.paced, 1))
        if chat.group is not None:
            limits.append((chat.group, self._group_cap))
        return limits

    def _chat_state(self, key: ChatKey) -> _ChatState:
        if key not in self._chats and len(self._chats) >= _MAX_IDLE_CHATS:
            self._forget_idle_chats()
        return self._chats.setdefault(key, _ChatState(key, self._chat_per_second))

    def _forget_idle_chats(self) -> None:
        now = _now()
        queued = {key for queue in self._queues.values() for key in queue}
        self._chats = {
            key: chat for key, chat in self._chats.items() if key in queued or not chat.idle(now)
        }

    def _leave_queue(self, waiter: _Waiter, priority: Priority) -> None:
        # A follow-up may have joined the first answers' queue meanwhile (_promote_patient).
        for queues in (self._queues[priority], self._queues[Priority.REPLY]):
            queue = queues.get(waiter.chat)
            if queue is not None and waiter in queue:
                queue.remove(waiter)
                if not queue:
                    del queues[waiter.chat]
                break
        self._dispatch()  # its place may have held others back

    def _give_back(self, limits: Limits) -> None:
        now = _now()
        for window, _ in limits:
            window.give_back(now)
        self._dispatch()

    # -- deciding who goes next -------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Let go every waiting request that fits now: replies first, then the outbox; within
        each, one request per chat per round, chats in turn order. Arms a timer for the
        earliest moment a request still waiting could fit."""
        now = _now()
        soonest = self._paused_until - now
        if soonest <= 0:
            self._promote_patient(now)
            soonest = self._serve(self._queues[Priority.REPLY], now, reserve=0)
            # Follow-ups take what first answers ready now left (none is held back for them:
            # a first answer waiting for its chat's pace must not leave slots unused).
            followups = self._serve(self._queues[Priority.FOLLOWUP], now, reserve=0)
            # Replies still waiting (for their chat's pace or for a slot) will need a slot
            # soon: the outbox leaves them one each.
            reserve = sum(self.waiting(p)[1] for p in (Priority.REPLY, Priority.FOLLOWUP))
            background = self._serve(self._queues[Priority.BACKGROUND], now, reserve)
            soonest = min(soonest, followups, background)
        if soonest != math.inf:
            self._arm_timer(soonest)

    def _promote_patient(self, now: float) -> None:
        """Follow-ups that waited `followup_patience` take turns with the first answers (in
        their chat's order: the oldest are at the front)."""
        followups, replies = self._queues[Priority.FOLLOWUP], self._queues[Priority.REPLY]
        for key in list(followups):
            queue = followups[key]
            while queue and now - queue[0].since >= self._followup_patience:
                replies.setdefault(key, deque()).append(queue.popleft())
            if not queue:
                del followups[key]

    def _serve(self, queues: dict[ChatKey, deque[_Waiter]], now: float, reserve: int) -> float:
        """Rounds over `queues` until one lets nobody go; returns the seconds until a request
        still waiting could fit (inf: no known time, an answer will tell). `reserve` overall
        slots are kept for others."""
        while True:
            let_go, soonest = self._round(queues, now, reserve)
            if not let_go:
                return soonest

    def _round(
        self, queues: dict[ChatKey, deque[_Waiter]], now: float, reserve: int
    ) -> tuple[int, float]:
        """One request of each chat that fits, in turn order; a chat served goes to the end."""
        let_go, soonest = 0, math.inf
        for key in list(queues):
            queue = queues[key]
            wait = self._wait_for(queue[0], now, reserve)
            if wait is None or wait > 0:
                soonest = min(soonest, math.inf if wait is None else wait)
                continue
            self._let_go(queue.popleft())
            let_go += 1
            del queues[key]  # to the end of the turn order, if it has more waiting
            if queue:
                queues[key] = queue
        return let_go, soonest

    def _wait_for(self, waiter: _Waiter, now: float, reserve: int) -> float | None:
        paused = self._chats[waiter.chat].paused_until - now
        waits: list[float | None] = [paused]
        for window, cap in waiter.limits:
            waits.append(window.wait(now, cap - reserve if window is self._overall else cap))
        if any(wait is None for wait in waits):
            return None
        return max(0.0, *(wait for wait in waits if wait is not None))

    @staticmethod
    def _let_go(waiter: _Waiter) -> None:
        for window, _ in waiter.limits:
            window.take()
        if not waiter.turn.done():
            waiter.turn.set_result(None)

    def _arm_timer(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        when = loop.time() + max(0.0, seconds)
        if self._timer is not None and not self._timer.cancelled():
            if self._timer.when() <= when:
                return
            self._timer.cancel()
        self._timer = loop.call_at(when, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if _now() >= self._paused_until:
            self._unpaused.set()
        self._dispatch()

    # -- 429 --------------------------------------------------------------------------------------

    def _on_flood(self, key: ChatKey, seconds: float) -> None:
        """Pause the chat Telegram named; the whole bot when several chats (or a request
        without a chat) met a 429 lately: then the overall limit is what was hit."""
        now = _now()
        until = now + seconds + RETRY_MARGIN_S
        if key is not None:
            chat = self._chat_state(key)
            chat.paused_until = max(chat.paused_until, until)
            self._floods.append((now, key))
        while self._floods and self._floods[0][0] <= now - FLOOD_WINDOW_S:
            self._floods.popleft()
        if key is None or len({chat for _, chat in self._floods}) >= FLOOD_CHATS:
            self._paused_until = max(self._paused_until, until)
            log.warning("Telegram asked to wait %.1f s (429): all sending paused", seconds)
        self._dispatch()


@dataclass(frozen=True)
class _Request:
    callback: Request
    args: Any
    kwargs: dict[str, Any]
    endpoint: str
    chat_id: object


def _future() -> asyncio.Future[None]:
    return asyncio.get_running_loop().create_future()


def _is_new_message(endpoint: str) -> bool:
    """Telegram paces new messages to a chat; edits and chat actions are not counted here."""
    return endpoint in _NEW_MESSAGE_METHODS or (
        endpoint.startswith("send") and endpoint != "sendChatAction"
    )


def _is_group(key: ChatKey) -> bool:
    """Groups have negative ids; channels may be named by @username."""
    return isinstance(key, str) or (isinstance(key, int) and key < 0)


def _chat_key(chat_id: object) -> ChatKey:
    """The chat a request names, as one key whether PTB passed it as an int or a string."""
    if chat_id is None:
        return None
    if isinstance(chat_id, str):
        return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id)  # type: ignore[call-overload]
    return str(chat_id)


def retry_after_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait. PTB 22 warns that retry_after will become a timedelta
    unless PTB_TIMEDELTA is set; both forms are handled, so the warning says nothing here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _now() -> float:
    return asyncio.get_running_loop().time()
