"""Commands that work anywhere: /ayuda, /idioma, /cancelar, and the answers to off-script input."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks as cb
from bot.commands import CANCEL, command_list
from bot.context import MinkaContext, language_for
from bot.keyboards import keyboard
from bot.texts import LANGUAGES, Markup, label, t

LANGUAGE_LABELS = {"es": "Español", "en": "English"}


async def show_help(update: Update, context: MinkaContext) -> None:
    assert update.effective_message is not None
    lang = await language_for(update, context)
    await update.effective_message.reply_text(t(lang, "help", commands=command_list(lang)))


async def cancel(update: Update, context: MinkaContext) -> int:
    """/cancelar inside any conversation: leave it, keep what was already saved."""
    assert update.effective_message is not None
    context.user_data.pop("start_payload", None)  # type: ignore[union-attr]
    lang = await language_for(update, context)
    await update.effective_message.reply_text(t(lang, "cancelled"))
    return ConversationHandler.END


async def nothing_to_cancel(update: Update, context: MinkaContext) -> None:
    assert update.effective_message is not None
    lang = await language_for(update, context)
    await update.effective_message.reply_text(t(lang, "nothing_to_cancel"))


async def off_script(update: Update, context: MinkaContext) -> None:
    """Something we did not ask for arrived mid-conversation: say what we expect, keep the state."""
    assert update.effective_message is not None
    lang = await language_for(update, context)
    await update.effective_message.reply_text(t(lang, "off_script"))


async def stale_button(update: Update, context: MinkaContext) -> None:
    """A button from an earlier step, a finished flow, before a restart, or tampered with."""
    query = update.callback_query
    assert query is not None
    lang = await language_for(update, context)
    await query.answer(label(lang, "stale_button"))


async def on_noop(update: Update, context: MinkaContext) -> None:
    """A label-only button (a calendar's month name): just stop the spinner."""
    assert update.callback_query is not None
    await update.callback_query.answer()


async def ask_language(update: Update, context: MinkaContext) -> None:
    assert update.effective_message is not None
    lang = await language_for(update, context)
    buttons = [(LANGUAGE_LABELS[code], cb.LanguageChoice(code)) for code in LANGUAGES]
    await update.effective_message.reply_text(
        t(lang, "choose_language"), reply_markup=keyboard([buttons])
    )


async def on_language(update: Update, context: MinkaContext) -> None:
    """Members keep the choice in the database; newcomers only for this session (not stored)."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    choice = cb.LanguageChoice.unpack(query.data)
    if choice is None or choice.language not in LANGUAGES:
        await stale_button(update, context)
        return
    text = t(choice.language, "language_set")
    if await context.storage.members.get(user.id) is not None:
        await context.storage.members.set_language(user.id, choice.language)
    else:
        context.user_data["language"] = choice.language  # type: ignore[index]
        text = Markup(text + " " + t(choice.language, "language_set_newcomer"))
    await query.answer()
    await query.edit_message_text(text)


async def unknown_command(update: Update, context: MinkaContext) -> None:
    assert update.effective_message is not None
    lang = await language_for(update, context)
    await update.effective_message.reply_text(t(lang, "unknown_command"))


Handler = BaseHandler[Update, MinkaContext, Any]


def conversation(
    name: str,
    entry_points: Sequence[Handler],
    states: dict[object, list[Handler]],
    own_buttons: Sequence[type[cb.Payload]],
    timeout: timedelta | None = None,
) -> ConversationHandler[MinkaContext]:
    """A persistent conversation with Minka's standard exits: /cancelar from any step, a polite
    answer to its own buttons pressed at the wrong step, and guidance when something unexpected
    is typed. Other buttons (language, privacy, school cards) pass through to their handlers."""
    prefixes = {payload.prefix for payload in own_buttons}
    fallbacks: list[Handler] = [
        CommandHandler(CANCEL.names, cancel),
        CallbackQueryHandler(stale_button, pattern=lambda data: _prefix(data) in prefixes),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, off_script),
    ]
    with warnings.catch_warnings():
        # PTB warns that per_message=False does not track buttons per message. That is what we
        # want: a person has one flow of each kind, whichever message its buttons are on.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=list(entry_points),
            states=states,
            fallbacks=fallbacks,
            name=name,
            persistent=True,
            allow_reentry=True,
            conversation_timeout=timeout,
        )


def _prefix(data: object) -> str | None:
    return data.split(cb.SEPARATOR, 1)[0] if isinstance(data, str) else None
