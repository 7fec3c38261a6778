"""build_application(): the one place that wires Minka together.

The ordered handler registry lives in handlers.registry; this module gives PTB the pieces: the
typed context, the send budget, persistence, per-person concurrency, the jobs.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommandScopeDefault, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ContextTypes,
    ConversationHandler,
    Defaults,
)

from bot.outbox import jobs
from bot.runtime.concurrency import PerPersonUpdateProcessor
from bot.runtime.context import BotData, MinkaContext, UserData
from bot.runtime.observed import ObservedApplication
from bot.runtime.persistence import SQLiteConversationPersistence
from bot.runtime.questions import QuestionRecordingLimiter
from bot.settings import Settings
from bot.views import commands as cmd
from handlers import errors, registry
from storage import Storage

log = logging.getLogger(__name__)

MinkaApplication = Application[Any, MinkaContext, UserData, dict[Any, Any], BotData, Any]

# A 429 from Telegram is bot-wide: the limiter (bot.runtime.rate_limit) pauses every request for
# what Telegram asked and tries a reply again, so a reply to a person is not lost.
REPLY_RETRIES = 2


def build_application(settings: Settings, storage: Storage) -> MinkaApplication:
    """The real PTB Application for `settings`; `storage` must be opened before it starts."""
    context_types = ContextTypes(context=MinkaContext, bot_data=BotData, user_data=UserData)
    app: MinkaApplication = (
        Application.builder()
        .application_class(ObservedApplication)
        .token(settings.token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(_file_url(settings.telegram_api_base_url))
        .context_types(context_types)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            QuestionRecordingLimiter(
                storage, background_per_second=settings.send_rate, reply_retries=REPLY_RETRIES
            )
        )
        .persistence(SQLiteConversationPersistence(storage))
        .concurrent_updates(PerPersonUpdateProcessor())
        .build()
    )
    app.bot_data.storage = storage
    app.bot_data.settings = settings
    handlers = registry.handler_registry()
    app.bot_data.conversations = [h for h in handlers if isinstance(h, ConversationHandler)]
    app.add_handlers(registry.gate_handlers(), group=registry.GATE)
    app.add_handlers(handlers, group=registry.ANSWER)
    app.add_handlers(registry.afterwards_handlers(), group=registry.AFTERWARDS)
    app.add_error_handler(errors.on_error)
    schedule_jobs(app)
    return app


def schedule_jobs(app: MinkaApplication) -> None:
    """Reminders and check-ins come from the database every minute (jobs in PTB's JobQueue
    live in memory only, so nothing is scheduled per activity)."""
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        jobs.remind_and_check_in, interval=jobs.INTERVAL, first=5, name=jobs.REMINDER_JOB
    )
    app.job_queue.run_repeating(
        jobs.send_daily_digests, interval=jobs.INTERVAL, first=10, name=jobs.DIGEST_JOB
    )
    app.job_queue.run_repeating(
        jobs.send_broadcast_reports, interval=jobs.INTERVAL, first=15, name=jobs.REPORT_JOB
    )


def _file_url(base_url: str) -> str:
    """Telegram serves files under /file/bot<token>; a self-hosted server does the same."""
    prefix, _, _ = base_url.rstrip("/").rpartition("/bot")
    return f"{prefix}/file/bot" if prefix else base_url


async def publish_commands(app: MinkaApplication) -> None:
    """Localized command menus: Spanish for Spanish clients, English as the default."""
    scope = BotCommandScopeDefault()
    await app.bot.set_my_commands(cmd.menu_entries("en"), scope=scope)
    await app.bot.set_my_commands(cmd.menu_entries("es"), scope=scope, language_code="es")
