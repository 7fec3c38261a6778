"""The one error handler: log with the traceback, tell the person, alert admins (rate-limited)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError

from bot.runtime.context import MinkaContext
from bot.runtime.observed import ObservedApplication
from bot.views.texts import t
from storage import DatabaseUnavailable
from storage.members import NotAMember

log = logging.getLogger(__name__)

ADMIN_ALERT_INTERVAL_S = 60.0


async def on_error(update: object, context: MinkaContext) -> None:
    error = context.error
    if isinstance(update, Update) and isinstance(context.application, ObservedApplication):
        context.application.failed_updates.add(update.update_id)  # for the per-update log line
    if isinstance(error, NotAMember) and isinstance(update, Update):
        # Someone erased themselves (/olvidarme) mid-flow, then answered an old question.
        log.info("update from a person who is no longer a member")
        await tell_user(update, context, "register_first")
        return
    log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update):
        await tell_user(update, context)
    await alert_admins(context, error)


async def tell_user(update: Update, context: MinkaContext, key: str | None = None) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    try:
        lang = await context.language()
    except Exception:  # the database itself may be what failed
        lang = context.settings.default_language
    if key is None:
        busy = isinstance(context.error, DatabaseUnavailable)
        key = "error_busy" if busy else "error_generic"
    if update.callback_query is not None:
        await _quietly(update.callback_query.answer())
    await _quietly(chat.send_message(t(lang, key)))


async def alert_admins(context: MinkaContext, error: BaseException | None) -> None:
    """At most one alert a minute, so an outage does not flood the admins' chats."""
    if not context.settings.admin_ids or isinstance(error, NetworkError | RetryAfter):
        return
    now = time.monotonic()
    if now - context.bot_data.last_admin_alert < ADMIN_ALERT_INTERVAL_S:
        return
    context.bot_data.last_admin_alert = now
    detail = f"{type(error).__name__}: {error}"[:500]
    for admin_id in context.settings.admin_ids:
        lang = await _member_language(context, admin_id)
        text = t(lang, "admin_error_alert", kind=type(error).__name__, detail=detail)
        await _quietly(context.bot.send_message(admin_id, text))


async def _member_language(context: MinkaContext, user_id: int) -> str:
    try:
        member = await context.storage.members.get(user_id)
    except Exception:
        return context.settings.default_language
    return member.language if member else context.settings.default_language


async def _quietly(awaitable: Awaitable[object]) -> None:
    """Sending the apology must never raise from the error handler itself."""
    try:
        await awaitable
    except TelegramError as exc:  # Forbidden (blocked), BadRequest, network: all only logged
        log.warning("could not deliver an error notice: %s", exc)
