"""`python -m bot sandbox`: the real bot against our fake Telegram, chatted with from a terminal.

The web server listens on 127.0.0.1, so /panel's and /calendario's links open in a browser on
this machine. They are printed, never opened with `webbrowser.open`: without a desktop (ssh, CI,
piped input) Python falls back to a text browser such as w3m in this very terminal, taking over
the chat; and a browser opened by the sandbox would spend /panel's one-time link on its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import SecretStr

from bot.domain.registry_import import load_sample_schools
from bot.runner import running
from bot.sandbox.chat import run_chat, stdin_lines
from bot.sandbox.demo import seed_demo
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from storage import Storage

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "123456:SANDBOX-not-a-real-token"
SANDBOX_DATABASE = Path("minka-sandbox.db")


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


# Said when the sandbox runs on a database of its own choosing (DATABASE_PATH) with data in it.
DEMO_SKIPPED = (
    "(No demo here: this database was not made by the sandbox. / Sin demostración: esta base de "
    "datos no es del sandbox. Try / prueba: --database minka-sandbox.db)"
)


def wants_demo(database: Path, loaded_sample: bool) -> bool:
    """The demo goes only into a sandbox's own database: one it has just filled with the
    sample registry, or the file it makes by default. Never into a database that DATABASE_PATH
    (in .env, say) pointed at and that holds real people."""
    return loaded_sample or database.name == SANDBOX_DATABASE.name


async def sandbox_session(settings: Settings, database: str | None = None) -> None:
    async with FakeTelegram(token=SANDBOX_TOKEN, bot_username="minka_sandbox_bot") as fake:
        local = sandbox_settings(settings, fake, database)
        log.info("sandbox: fake Telegram at %s, database %s", fake.base_url, local.database_path)
        storage = Storage(local.database_path)
        await storage.open()
        loaded_sample = await storage.schools.count() == 0
        if loaded_sample:
            result = await load_sample_schools(storage)
            log.info("sandbox: loaded the synthetic sample registry: %s", result.summary())
        async with running(local, storage) as app:
            # Under the bot's lock on the database: Carlos and the demo set (bot.sandbox.demo).
            if not wants_demo(local.database_path, loaded_sample):
                print(DEMO_SKIPPED)
            elif await seed_demo(storage, app.bot_data.clock(), local.tz):
                log.info("sandbox: Carlos (1002) and the demo activities are ready")
            app.bot_data.sandbox = True  # answers may point at the sandbox's test users
            await run_chat(fake, stdin_lines(), print)
