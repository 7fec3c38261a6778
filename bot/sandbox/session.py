"""`python -m bot sandbox`: the real bot against our fake Telegram, chatted with from a terminal."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import SecretStr

from bot.domain.registry_import import load_sample_schools
from bot.runner import running
from bot.sandbox.chat import run_chat, stdin_lines
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from storage import Storage
from storage.roles import RoleName

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "123456:SANDBOX-not-a-real-token"
SANDBOX_DATABASE = Path("minka-sandbox.db")
# Carlos, a test user of the terminal chat, coordinates Lima province in the sandbox, so that a
# newcomer sees the web overview (/panel) of many schools after registering as him.
SANDBOX_COORDINATOR, SANDBOX_COORDINATOR_SCOPE = 1002, "1501"


def sandbox_settings(settings: Settings, fake: FakeTelegram, database: str | None) -> Settings:
    """The person's settings, pointed at the fake; a separate database unless one was chosen."""
    chosen = "database_path" in settings.model_fields_set
    path = Path(database) if database else (settings.database_path if chosen else SANDBOX_DATABASE)
    # The web server (calendar feeds) on 127.0.0.1, on a free port unless WEB_PORT was chosen:
    # /calendario then gives a link a newcomer can open on this machine.
    port = settings.web_port if "web_port" in settings.model_fields_set else 0
    return settings.model_copy(
        update={
            "web_listen": "127.0.0.1",
            "web_port": port,
            "public_url": None,
            "telegram_bot_token": SecretStr(fake.token),
            "telegram_api_base_url": fake.base_url,
            "database_path": path,
            "webhook_url": None,
        }
    )


async def sandbox_session(settings: Settings, database: str | None = None) -> None:
    async with FakeTelegram(token=SANDBOX_TOKEN, bot_username="minka_sandbox_bot") as fake:
        local = sandbox_settings(settings, fake, database)
        log.info("sandbox: fake Telegram at %s, database %s", fake.base_url, local.database_path)
        storage = Storage(local.database_path)
        await storage.open()
        if await storage.schools.count() == 0:
            result = await load_sample_schools(storage)
            log.info("sandbox: loaded the synthetic sample registry: %s", result.summary())
        await storage.roles.grant(  # a no-op when already granted
            SANDBOX_COORDINATOR, RoleName.COORDINATOR, scope_ubigeo=SANDBOX_COORDINATOR_SCOPE
        )
        async with running(local, storage):
            await run_chat(fake, stdin_lines(), print)
