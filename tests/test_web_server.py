"""The web server beside PTB: its settings, a port already taken, and a clean stop."""

from __future__ import annotations

import socket

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from bot.settings import Settings, SettingsError, load_settings
from bot.web.server import WebServerError, web_server


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    """The smallest ASGI app: 200 "ok" to any request."""
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def test_web_settings() -> None:
    settings = Settings(_env_file=None, public_url="https://minka.example.org/")  # type: ignore[call-arg]
    assert settings.public_url == "https://minka.example.org"
    assert (settings.web_listen, settings.web_port) == ("127.0.0.1", 8080)
    assert Settings(_env_file=None, public_url="").public_url is None  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        load_settings(_env_file=None, public_url="minka.example.org")
    with pytest.raises(SettingsError, match="WEB_PORT and WEBHOOK_PORT"):
        load_settings(
            _env_file=None, webhook_url="https://x.example/h", webhook_secret="s3cret",
            webhook_port=8443, web_port=8443,
        )  # fmt: skip


async def test_serves_then_stops_and_frees_the_port() -> None:
    async with web_server(hello, "127.0.0.1", 0) as port, httpx.AsyncClient() as client:
        assert (await client.get(f"http://127.0.0.1:{port}/")).text == "ok"
    with socket.create_server(("127.0.0.1", port)):  # free again
        pass


async def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(WebServerError, match="WEB_LISTEN, WEB_PORT"):
            async with web_server(hello, "127.0.0.1", port):
                pass
