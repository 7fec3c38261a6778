"""The ASGI application: routes and what each answers.

A calendar feed answers 404 for an unknown and a revoked token alike (a token reveals nothing
but its own feed), and 304 when the client's ETag is still the feed's. The ETag is a digest of
a fingerprint of the rows the feed shows (one aggregate query in SQLite), so deciding on a 304
costs no rows and no rendering; a feed rendered lately is served again from memory.
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from bot.views.calendar_feed import (
    CALENDAR_PATH,
    REFRESH_INTERVAL,
    feed_etag,
    render_feed,
)
from bot.views.texts import label
from bot.web.panel import PANEL_PATH, PanelSite
from storage import Storage
from storage.calendar_feeds import CalendarFeed, FeedKind
from storage.clock import utc_now

# storage.calendar_feeds.new_token: 32 random bytes in URL-safe base64.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
# Feeds kept rendered (a feed of 50 schools is ~150 kB: a few MB at most).
RENDERED_FEEDS_KEPT = 32
_CACHE = f"private, max-age={int(REFRESH_INTERVAL.total_seconds())}"


def feed_name(feed: CalendarFeed) -> str:
    if feed.kind is FeedKind.FOLLOWS:
        return label(feed.language, "feed_name_follows")
    return label(feed.language, "feed_name_of", name=feed.title)


class WebApp:
    """The routes, bound to the process's storage."""

    def __init__(
        self,
        storage: Storage,
        tz: ZoneInfo,
        clock: Callable[[], datetime] = utc_now,
        panel: PanelSite | None = None,
    ) -> None:
        self.storage, self.tz, self.clock = storage, tz, clock
        self.rendered = RenderedFeeds()
        self.panel = panel  # the coordinator's overview (bot.web.panel), when served

    def asgi(self) -> Starlette:
        routes: list[Route | Mount] = [Route(CALENDAR_PATH, self.calendar_feed, methods=["GET"])]
        if self.panel is not None:
            routes.append(Mount(PANEL_PATH, app=self.panel.asgi()))
        return Starlette(routes=routes)

    async def calendar_feed(self, request: Request) -> Response:
        token = request.path_params["token"]
        feed = None
        if _TOKEN.fullmatch(token):  # anything else cannot be a token: no need to look it up
            feed = await self.storage.calendar_feeds.by_token(token)
        if feed is None:
            return PlainTextResponse("Not found\n", status_code=404)
        now, name = self.clock(), feed_name(feed)
        fingerprint = await self.storage.calendar_feeds.fingerprint(feed, now)
        etag = feed_etag(name, feed.language, self.tz, fingerprint)
        headers = {"ETag": etag, "Cache-Control": _CACHE}
        known = _etags(request.headers.get("if-none-match", ""))
        if etag in known or "*" in known:
            return Response(status_code=304, headers=headers)
        body = self.rendered.get(etag)
        if body is None:
            activities = await self.storage.calendar_feeds.activities(feed, now)
            # icalendar takes ~0.5 ms an event: in a thread, so the bot keeps answering.
            body = await asyncio.to_thread(render_feed, name, activities, feed.language, self.tz)
            self.rendered.put(etag, body)
        return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


class RenderedFeeds:
    """The last feeds rendered, by ETag: a refresh of a feed whose data did not change is
    served without rendering it again (icalendar takes most of a feed's time)."""

    def __init__(self, size: int = RENDERED_FEEDS_KEPT) -> None:
        self.size = size
        self._bodies: OrderedDict[str, bytes] = OrderedDict()

    def get(self, etag: str) -> bytes | None:
        body = self._bodies.get(etag)
        if body is not None:
            self._bodies.move_to_end(etag)
        return body

    def put(self, etag: str, body: bytes) -> None:
        self._bodies[etag] = body
        self._bodies.move_to_end(etag)
        while len(self._bodies) > self.size:
            self._bodies.popitem(last=False)


def _etags(header: str) -> set[str]:
    """The ETags of If-None-Match ("*" matches any; weak ones compare by their value)."""
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
