"""Telegram's rate limits, scripted faults and the webhook's state."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from bot.sandbox.fake_telegram.api import ApiError, Params
from bot.sandbox.fake_telegram.model import FakeChat, as_int


class _SlidingWindow:
    def __init__(self, limit: float, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.stamps: deque[float] = deque()

    def retry_after(self, now: float) -> int | None:
        """Whole seconds until one more event fits, or None if it fits now."""
        while self.stamps and self.stamps[0] <= now - self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return None
        return max(1, math.ceil(self.stamps[0] + self.seconds - now))

    def record(self, now: float) -> None:
        self.stamps.append(now)


def _per_second_window(rate: float) -> _SlidingWindow:
    # Below one per second, "0.5/s" means one per two seconds, not none at all.
    return _SlidingWindow(rate, 1.0) if rate >= 1 else _SlidingWindow(1, 1 / rate)


class RateLimits:
    """Telegram's flood limits: per bot per second, per chat per second, per group per minute."""

    def __init__(
        self,
        global_per_second: float | None = None,
        per_chat_per_second: float | None = None,
        per_group_per_minute: float | None = None,
    ) -> None:
        self.global_window = _per_second_window(global_per_second) if global_per_second else None
        self.per_chat_per_second = per_chat_per_second
        self.per_group_per_minute = per_group_per_minute
        self.chat_windows: dict[int, _SlidingWindow] = {}
        self.group_windows: dict[int, _SlidingWindow] = {}

    def windows(self, chat: FakeChat) -> list[_SlidingWindow]:
        windows = [self.global_window] if self.global_window else []
        if self.per_chat_per_second:
            if chat.id not in self.chat_windows:
                self.chat_windows[chat.id] = _per_second_window(self.per_chat_per_second)
            windows.append(self.chat_windows[chat.id])
        if self.per_group_per_minute and chat.type != "private":
            limit = self.per_group_per_minute
            windows.append(self.group_windows.setdefault(chat.id, _SlidingWindow(limit, 60.0)))
        return windows

    def retry_after(self, chat: FakeChat, now: float) -> int | None:
        waits = [wait for window in self.windows(chat) if (wait := window.retry_after(now))]
        return max(waits) if waits else None

    def record(self, chat: FakeChat, now: float) -> None:
        for window in self.windows(chat):
            window.record(now)


@dataclass
class Fault:
    method: str  # lower-case
    error: ApiError | None  # None: only the delay
    times: int
    delay: float
    chat_id: int | None

    def matches(self, method: str, params: Params) -> bool:
        if self.method != method.lower():
            return False
        return self.chat_id is None or as_int(params.get("chat_id")) == self.chat_id


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None
