"""What the tests (and the benchmarks) share, in one module so that no test module imports
another: Minka driven from outside as people and operators meet it.

- settings pointed at the fake Telegram, and the `python -m bot` process an operator runs;
- a person in the chat: say something, tap a button, go through onboarding as a teacher or as
  an NGO worker;
- the running Application seen from a test: its storage, its clock, its outbox, its jobs;
  a registry school's id.

Every helper waits for the bot's real answer over HTTP; none of them stands in for Minka.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from telegram.ext import Job

from bot.app import MinkaApplication
from bot.runtime.context import MinkaContext
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from bot.settings import Settings
from storage import Storage

ROOT = Path(__file__).resolve().parent.parent
ADMIN_ID = 900
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 26 November 2026, 10:00 in Lima

# -- settings and processes -----------------------------------------------------------------------


def make_settings(fake: FakeTelegram, database: Path, **overrides: object) -> Settings:
    """Settings as a deployment would have them, pointed at the fake; no .env file is read."""
    values: dict[str, object] = {
        "telegram_bot_token": fake.token,
        "telegram_api_base_url": fake.base_url,
        "database_path": database,
        "admin_ids": [ADMIN_ID],
        "webhook_url": None,
        # The fake does not limit one chat unless a test asks it to, and a second between two
        # messages to one person would make every conversation test a second longer per step.
        "chat_send_rate": 0,
        # Any free port for the web server: test runs on one machine never collide.
        "web_port": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def clean_environment() -> dict[str, str]:
    """This process's environment without the settings a developer may have exported, so a
    child `python -m bot` sees only what the test gives it."""
    ours = ("TELEGRAM_", "WEBHOOK_", "ADMIN_", "WEB_", "PUBLIC_URL")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)}


def bot_environment(fake: FakeTelegram, database: Path, **settings: str) -> dict[str, str]:
    """The environment of a `python -m bot run` process talking to the fake."""
    return {
        **clean_environment(),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_PATH": str(database),
        "PYTHONPATH": str(ROOT),
        "WEB_PORT": "0",  # any free port: test runs on one machine never collide
        **settings,
    }


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` as an operator runs it; `cwd` should hold no .env file."""
    environment = {**clean_environment(), "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=cwd,
    )


# -- a person in the chat -------------------------------------------------------------------------


async def say(fake: FakeTelegram, user: int, text: str) -> SentMessage:
    """The user writes `text` in their private chat; the bot's next message there."""
    await fake.send_text(user, text)
    return await fake.next_message(user)


async def tap(fake: FakeTelegram, user: int, label: str) -> SentMessage:
    """The user presses the button labelled `label` on the bot's last message; its reply (a
    new message, or the tapped prompt edited into the next one)."""
    await fake.press(user, label)
    return await next_answer(fake, user)


async def next_answer(fake: FakeTelegram, user: int) -> SentMessage:
    """The bot's next answer in the chat: a new message, or an edit that changed a message's
    text (a prompt folded into the next one); an edit of the buttons alone is not one."""
    event = await fake.next_event(user, lambda event: event.kind == "sent" or event.text_changed)
    return event.message


async def switch_to_english(fake: FakeTelegram, user: int) -> None:
    """/language, then English (the menu is edited in place)."""
    await say(fake, user, "/language")
    await fake.press(user, "English")
    await fake.next_event(user)


async def pick(fake: FakeTelegram, user: int, number: int = 1) -> SentMessage:
    """The user presses the `number`th button (counted from 1), e.g. a search result; its
    reply (a new message, or the tapped prompt edited into the next one)."""
    await fake.press(user, number)
    return await next_answer(fake, user)


async def accept_privacy(fake: FakeTelegram, user_id: int) -> SentMessage:
    """/start (the welcome and the privacy notice in one message), the notice accepted;
    returns the question for the person's name (the notice edited into it)."""
    await say(fake, user_id, "/start")
    return await tap(fake, user_id, "Acepto")


async def register_teacher(
    fake: FakeTelegram,
    user_id: int,
    *,
    school_query: str | None = None,
    username: str | None = None,
) -> None:
    """A Spanish-speaking teacher through the whole onboarding, choosing a school or not."""
    fake.user(user_id, "Rosa", username=username)
    await accept_privacy(fake, user_id)
    await tap(fake, user_id, "Usar «Rosa»")
    await tap(fake, user_id, "Docente")
    if school_query is None:
        await tap(fake, user_id, "Lo digo después")
    else:
        await say(fake, user_id, school_query)
        await pick(fake, user_id)  # "tu escuela es …"
        await fake.next_message(user_id)  # welcome
    await fake.next_message(user_id)  # menu (or welcome when skipped)
    if school_query is None:
        await fake.next_message(user_id)


async def register_ngo(fake: FakeTelegram, user_id: int, name: str, org: str) -> None:
    """A Spanish-speaking NGO worker through onboarding, joining or creating `org`."""
    fake.user(user_id, name)
    await accept_privacy(fake, user_id)
    await tap(fake, user_id, f"Usar «{name}»")
    await tap(fake, user_id, "ONG o fundación")
    offer = await say(fake, user_id, org)
    await tap(fake, user_id, offer.button_labels[0])  # the existing one, or "Crear"
    await fake.next_message(user_id)  # welcome
    await fake.next_message(user_id)  # menu


# -- the running Application ----------------------------------------------------------------------


def storage_of(app: MinkaApplication) -> Storage:
    return app.bot_data.storage


async def school_id_of(storage: Storage, cod_mod: str) -> int:
    """The id of a registry school that must be there (the sample registry's, in most tests)."""
    school = await storage.schools.get(cod_mod)
    assert school is not None, f"no school {cod_mod} in the registry"
    return school.id


def set_clock(app: MinkaApplication, moment: datetime) -> None:
    """Freeze the bot's clock at `moment`: jobs and flows read it, nothing sleeps."""
    app.bot_data.clock = lambda: moment


def outbox_busy(app: MinkaApplication) -> bool:
    """Whether the delivery worker still has messages due or in flight."""
    return bool(app.bot_data.delivery and app.bot_data.delivery.busy)


def scheduled_job(app: MinkaApplication, name: str) -> Job[MinkaContext]:
    """The one repeating job called `name` (reminders, digests, reports), to run by hand."""
    assert app.job_queue is not None, "the Application was built without a job queue"
    (job,) = app.job_queue.get_jobs_by_name(name)
    return job


async def begin_announcement(fake: FakeTelegram, user: int, school: str = "9000001") -> None:
    """/anunciar and the school picked from the search: the title is asked next."""
    await say(fake, user, "/anunciar")
    await say(fake, user, school)
    await pick(fake, user)


async def announce_guided(fake: FakeTelegram, user: int, when: str, duration: str) -> SentMessage:
    """The guided flow up to the preview; returns the preview message."""
    await begin_announcement(fake, user)
    await say(fake, user, "Campaña de salud visual")
    await tap(fake, user, "Salud")
    confirm = await say(fake, user, when)
    assert confirm.button_labels == ["Sí", "Cambiar"], confirm.plain_text
    await tap(fake, user, "Sí")
    await tap(fake, user, duration)
    return await tap(fake, user, "Omitir")


# --- the web overview (/panel) ---

_PANEL_LINK = re.compile(r"(http://\S+/panel/enter/[A-Za-z0-9_-]{43})")


async def panel_link(fake: FakeTelegram, user: int) -> str:
    """The one-time link `/panel` answers `user` with."""
    reply = await say(fake, user, "/panel")
    found = _PANEL_LINK.search(reply.text)
    assert found, reply.text
    return found.group(1)


@asynccontextmanager
async def signed_in(link: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that opened the link: it holds the session cookie."""
    async with httpx.AsyncClient(base_url=link.split("/panel/")[0]) as client:
        response = await client.get(link)
        assert response.status_code == 303 and response.headers["location"] == "/panel/"
        yield client
