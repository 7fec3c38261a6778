"""Run the web app with uvicorn inside the bot's event loop, started and stopped by
bot.runner beside PTB.

The socket is bound here rather than by uvicorn: a port already in use is then an error the
runner reports by its setting's name (uvicorn would `sys.exit` inside the loop), and port 0 (a
free port, for tests and the sandbox) gives back the port it got. uvicorn's own signal handling
is switched off: the runner owns SIGTERM and Ctrl+C and stops the server with everything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

# How long stopping waits for open requests (a feed being downloaded) before closing them.
SHUTDOWN_GRACE_S = 5


class WebServerError(Exception):
    """The web server could not start (the message says why, naming WEB_LISTEN/WEB_PORT)."""


class _EmbeddedServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the runner handles signals

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not socket.create_server's 0: asyncio sets TCP_NODELAY only on sockets
    # that say they are TCP, and without it a small answer on a kept-alive connection waits
    # ~40 ms for the client's delayed ACK (Nagle). Measured: 44 ms, then 0.5 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(socket.SOMAXCONN)
    except OSError as exc:
        sock.close()
        raise WebServerError(
            f"cannot listen on {host}:{port} (WEB_LISTEN, WEB_PORT): {exc.strerror or exc}"
        ) from exc
    return sock


@contextlib.asynccontextmanager
async def web_server(app: ASGIApp, host: str, port: int) -> AsyncIterator[int]:
    """Serve `app` on host:port while the block runs; yields the port actually bound."""
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S, server_header=False,
    )  # fmt: skip
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="minka-web")
    ready = asyncio.create_task(server.ready.wait())
    try:
        await asyncio.wait((task, ready), return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # raise what stopped it
            raise WebServerError(f"the web server on {host}:{bound_port} stopped at start")
        log.info("web server listening on %s:%s", host, bound_port)
        yield bound_port
    finally:
        ready.cancel()
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
        sock.close()
