"""Start and stop Minka: storage, the PTB Application, polling or webhook, in the right order.

The CLI, the sandbox and the end-to-end tests all use `running()`, so they exercise the same
start-up and shutdown path as production.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlparse

from telegram import Update
from telegram.error import TelegramError

from bot.app import MinkaApplication, build_application, publish_commands
from bot.domain.dates import warm_up
from bot.outbox.delivery import attach_delivery
from bot.settings import Settings
from bot.web.app import WebApp
from bot.web.panel import PanelConfig, PanelSite
from bot.web.server import web_server
from storage import Storage
from storage.backup import InstanceLock

log = logging.getLogger(__name__)

# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). The
# bot's event loop shares the process with aiosqlite's threads (a search's rows, a long export
# read on its own connection) and dateparser's warm-up: at 5 ms, an update ready to run could
# wait up to that long each time one of them held the GIL. At 1 ms the loop gets it back
# sooner, for a few more switches a second. Measured (bench_updates, quiet machine, docs/
# performance.md, "GIL switch interval"): Minka's p95 per update fell by about a quarter.
GIL_SWITCH_INTERVAL_S = 0.001


@asynccontextmanager
async def running(
    settings: Settings, storage: Storage | None = None
) -> AsyncIterator[MinkaApplication]:
    """Open storage, start the bot receiving updates; on exit stop it and close storage."""
    storage = storage or Storage(settings.database_path)
    previous_interval = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    try:
        async with _running(settings, storage) as app:
            yield app
    finally:
        sys.setswitchinterval(previous_interval)  # tests run several bots in one process


@asynccontextmanager
async def _running(settings: Settings, storage: Storage) -> AsyncIterator[MinkaApplication]:
    lock = InstanceLock(storage.db.path)
    lock.acquire()  # one bot per database: a second one would get 409s and race on writes
    try:
        await storage.open()
    except BaseException:
        lock.release()
        raise
    try:
        app = build_application(settings, storage)
        async with app:
            # dateparser's first parse costs ~0.2 s: pay it now, not in the first user's reply.
            await asyncio.to_thread(warm_up)
            await _announce_commands(app)
            await _start_receiving(app, settings)
            await app.start()
            # Proactive messages go out through the outbox; the worker needs the running bot.
            delivery = attach_delivery(app)
            await delivery.start()
            try:
                async with _serving_web(app, settings, storage):
                    yield app
            finally:
                await delivery.stop()  # in-flight sends finish; the rest stays pending
                await app.updater.stop()  # type: ignore[union-attr]
                await app.stop()
    finally:
        await storage.close()
        lock.release()


@asynccontextmanager
async def _serving_web(
    app: MinkaApplication, settings: Settings, storage: Storage
) -> AsyncIterator[None]:
    """The web server (calendar feeds, the overview) in this event loop, beside PTB, on its own
    port."""
    clock = lambda: app.bot_data.clock()  # noqa: E731 - read at each call: tests move it
    panel = PanelSite(storage, panel_config(settings), clock)
    web = WebApp(storage, settings.tz, clock=clock, panel=panel)
    async with web_server(web.asgi(), settings.web_listen, settings.web_port) as port:
        app.bot_data.public_url = settings.public_url or _local_url(settings.web_listen, port)
        yield


def panel_config(settings: Settings) -> PanelConfig:
    return PanelConfig(
        bot_token=settings.token if settings.has_token else "",
        admin_ids=tuple(settings.admin_ids), tz=settings.tz, tile_url=settings.tile_url,
        secure_cookie=(settings.public_url or "").startswith("https://"),
        default_language=settings.default_language,
    )  # fmt: skip


def _local_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def _announce_commands(app: MinkaApplication) -> None:
    try:
        await publish_commands(app)
    except TelegramError as exc:  # the menu is a convenience; never refuse to start over it
        log.warning("could not publish the command menu: %s", exc)


async def _start_receiving(app: MinkaApplication, settings: Settings) -> None:
    updater = app.updater
    assert updater is not None
    if not settings.webhook_url:
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("receiving updates by long polling")
        return
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    await updater.start_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlparse(settings.webhook_url).path.lstrip("/"),
        webhook_url=settings.webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
    log.info("webhook listening on %s:%s", settings.webhook_listen, settings.webhook_port)


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully (conversation states are saved)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running(settings):
        log.info("Minka is running; press Ctrl+C to stop")
        await stop.wait()
    log.info("Minka stopped")
