"""What every page of the web overview sends and checks, whatever the page.

Security headers: a Content-Security-Policy that lets scripts and styles come only from this
server and images from it and the map's tile server, lets Telegram's Web App frame the pages
and nobody else; no Referer leaves (an address can carry a one-time token); no MIME sniffing.
The token endpoints (one-time link, Web App start) are rate-limited per client address, so
guessing tokens is hopeless twice over (32 random bytes, and a few tries a minute).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Telegram's Web App runs the page in a frame inside its web clients (web.telegram.org) and in
# a webview in its apps; frame-ancestors admits the former, no other site may frame the pages.
TELEGRAM_FRAMES = "https://web.telegram.org https://*.telegram.org"
# Token redemptions allowed per client address and minute.
TOKEN_TRIES_PER_MINUTE = 20


def tile_origin(tile_url: str) -> str:
    """'https://tile.openstreetmap.org' of a tile template ('' when there is no map)."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    host = parts.netloc
    if "{s}" in tile_url:  # subdomains a, b, c of one provider
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> str:
    images = " ".join(part for part in ("'self'", "data:", tile_origin(tile_url)) if part)
    return "; ".join((
        "default-src 'none'", "script-src 'self'", "style-src 'self'", f"img-src {images}",
        "connect-src 'self'", "form-action 'self'", "base-uri 'none'",
        f"frame-ancestors 'self' {TELEGRAM_FRAMES}",
    ))  # fmt: skip


class SecurityHeaders:
    """ASGI middleware adding the headers to every response of the wrapped app."""

    def __init__(self, app: ASGIApp, tile_url: str) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(tile_url),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Opener-Policy": "same-origin",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


class RateLimiter:
    """At most `limit` events per key in a sliding minute (kept in memory: a restart forgets,
    which only ever lets a few more tries through)."""

    def __init__(
        self, limit: int = TOKEN_TRIES_PER_MINUTE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.clock = limit, clock
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - 60:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        if len(self._events) > 10_000:  # forget quiet clients rather than grow without end
            self._events = {k: v for k, v in self._events.items() if v and v[-1] > now - 60}
        return True
