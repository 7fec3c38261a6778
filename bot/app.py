"""build_application(): the one place that wires Minka together.

The handler registry below is ordered on purpose: PTB tries handlers of a group in order and stops
at the first match, so conversations come first, then plain commands, then catch-alls.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks as cb
from bot import commands as cmd
from bot import jobs
from bot.concurrency import PerPersonUpdateProcessor
from bot.context import BotData, MinkaContext
from bot.observed import ObservedApplication
from bot.persistence import SQLiteConversationPersistence, flush_conversations
from bot.rate_limit import SharedRateLimiter
from bot.settings import Settings
from handlers import (
    activities,
    admin,
    announce,
    broadcasts,
    common,
    errors,
    follows,
    my_school,
    onboarding,
    privacy,
    profile,
    schools,
)
from storage import Storage

log = logging.getLogger(__name__)

MinkaApplication = Application[Any, MinkaContext, dict[Any, Any], dict[Any, Any], BotData, Any]

# A 429 from Telegram is bot-wide: the limiter (bot.rate_limit) pauses every request for what
# Telegram asked and tries a reply again, so a reply to a person is not lost.
REPLY_RETRIES = 2

# Group -1 drops updates of banned people; group 0 answers the update; group 1 runs after it
# (persisting conversation states).
GATE, ANSWER, AFTERWARDS = -1, 0, 1


def handler_registry() -> list[BaseHandler[Any, MinkaContext, Any]]:
    """Every handler of group 0, in the order PTB must try them."""
    private = filters.ChatType.PRIVATE
    return [
        # 1. Conversations: they own their own /cancel and off-script answers.
        onboarding.build_onboarding_handler(),
        my_school.build_my_school_handler(),
        announce.build_announce_handler(),
        profile.build_profile_handler(),
        *activities.build_activity_handlers(),
        *broadcasts.build_broadcast_handlers(),
        # 2. Following, linking groups, and the bot being added to a group or unblocked.
        *follows.build_follow_handlers(),
        # 3. Commands that work anywhere, Spanish and English names alike.
        *admin.build_admin_handlers(),
        CommandHandler(cmd.SEARCH.names, schools.search_command),
        CommandHandler(cmd.WHO.names, schools.who_command),
        CommandHandler(cmd.QR.names, schools.qr_command),
        CommandHandler(cmd.PROFILE.names, profile.show_profile, private),
        CommandHandler(cmd.HELP.names, common.show_help),
        CommandHandler(cmd.LANGUAGE.names, common.ask_language),
        CommandHandler(cmd.PRIVACY.names, privacy.show_privacy),
        CommandHandler(cmd.MY_DATA.names, privacy.send_my_data, private),
        CommandHandler(cmd.FORGET_ME.names, privacy.ask_forget, private),
        CommandHandler(cmd.CANCEL.names, common.nothing_to_cancel),
        # 4. Buttons outside conversations.
        CallbackQueryHandler(common.on_language, pattern=cb.LanguageChoice.matches()),
        CallbackQueryHandler(privacy.on_forget, pattern=cb.ForgetAnswer.matches()),
        CallbackQueryHandler(profile.on_contact_sharing, pattern=cb.ContactSharing.matches()),
        CallbackQueryHandler(schools.on_school_button, pattern=cb.SchoolAction.matches()),
        CallbackQueryHandler(schools.on_search_more, pattern=cb.SearchMore.matches()),
        CallbackQueryHandler(common.on_noop, pattern=cb.Noop.matches()),
        # 5. Inline mode: "@bot santa rosa" in any chat.
        InlineQueryHandler(schools.on_inline_query),
        # 6. Catch-alls: stale or tampered buttons, unknown commands; free text and shared
        #    locations in a private chat are school searches.
        CallbackQueryHandler(common.stale_button),
        MessageHandler(filters.COMMAND & private, common.unknown_command),
        MessageHandler(filters.LOCATION & private, schools.on_location),
        MessageHandler(filters.TEXT & private, schools.on_plain_text),
    ]


def build_application(settings: Settings, storage: Storage) -> MinkaApplication:
    """The real PTB Application for `settings`; `storage` must be opened before it starts."""
    context_types = ContextTypes(context=MinkaContext, bot_data=BotData)
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
            SharedRateLimiter(
                background_per_second=settings.send_rate, reply_retries=REPLY_RETRIES
            )
        )
        .persistence(SQLiteConversationPersistence(storage))
        .concurrent_updates(PerPersonUpdateProcessor())
        .build()
    )
    app.bot_data.storage = storage
    app.bot_data.settings = settings
    handlers = handler_registry()
    app.bot_data.conversations = [h for h in handlers if isinstance(h, ConversationHandler)]
    app.add_handler(admin.ban_gate(), group=GATE)
    app.add_handlers(handlers, group=ANSWER)
    app.add_handler(TypeHandler(Update, flush_conversations), group=AFTERWARDS)
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
