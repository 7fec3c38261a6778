"""Commands that work anywhere (/ayuda, /idioma, /cancelar outside a flow), stale and label-only
buttons, unknown commands, and answering a button press while replying."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views import commands as cmd
from bot.views.commands import CANCEL, HELP, LANGUAGE, help_text
from bot.views.keyboards import keyboard
from bot.views.texts import LANGUAGES, Markup, label, t
from storage.models import Member, Role
from storage.normalize import fold

LANGUAGE_LABELS = {"es": "Español", "en": "English"}

log = logging.getLogger(__name__)


ALL_WORDS = frozenset({"todo", "todos", "all", "everything"})


async def show_help(update: Update, context: MinkaContext) -> None:
    """/ayuda: what this person can use; "/ayuda todo" every command."""
    member = await context.member()  # one read: it also settles the language
    lang = await context.language()
    wants_all = any(fold(arg) in ALL_WORDS for arg in context.args or [])
    audiences = None if wants_all else await audiences_of(update, context, member)
    await message_of(update).reply_text(help_text(lang, audiences))


async def audiences_of(
    update: Update, context: MinkaContext, member: Member | None
) -> frozenset[str]:
    """Whose commands this person may use: everyone's, plus teachers', coordinators', admins'."""
    permissions = await context.storage.roles.permissions(
        user_of(update).id, context.settings.admin_ids
    )
    roles = {
        cmd.TEACHERS: member is not None and member.role is Role.TEACHER,
        cmd.COORDINATORS: permissions.can_broadcast,
        cmd.ADMINS: permissions.is_admin,
    }
    return frozenset({cmd.EVERYONE, *(audience for audience, has in roles.items() if has)})


async def registered_member(update: Update, context: MinkaContext) -> Member | None:
    """The registered member behind the update; else None, after pointing them to /start."""
    chat = update.effective_chat
    member = await context.member()
    if member is not None and member.is_registered:
        return member
    if chat is not None:
        await chat.send_message(t(await context.language(), "register_first"))
    return None


async def nothing_to_cancel(update: Update, context: MinkaContext) -> None:
    lang = await context.language()
    await message_of(update).reply_text(t(lang, "nothing_to_cancel"))


async def stale_button(update: Update, context: MinkaContext) -> None:
    """A button from an earlier step, a finished flow, before a restart, or tampered with."""
    query = query_of(update)
    lang = await context.language()
    await query.answer(label(lang, "stale_button"))


async def on_noop(update: Update, context: MinkaContext) -> None:
    """A label-only button (a calendar's month name): just stop the spinner."""
    await query_of(update).answer()


async def ask_language(update: Update, context: MinkaContext) -> None:
    lang = await context.language()
    buttons = [(LANGUAGE_LABELS[code], cb.LanguageChoice(code)) for code in LANGUAGES]
    await message_of(update).reply_text(
        t(lang, "choose_language"), reply_markup=keyboard([buttons])
    )


async def on_language(update: Update, context: MinkaContext) -> None:
    """Members keep the choice in the database; newcomers only for this session (not stored)."""
    query, user = query_of(update), user_of(update)
    choice = cb.LanguageChoice.unpack(query.data)
    if choice is None or choice.language not in LANGUAGES:
        await stale_button(update, context)
        return
    text = t(choice.language, "language_set")
    if await context.member() is not None:
        await context.storage.members.set_language(user.id, choice.language)
    else:
        context.user_data.language = choice.language
        text = Markup(text + " " + t(choice.language, "language_set_newcomer"))
    context.use_language(choice.language)
    await query.answer()
    await query.edit_message_text(text)


@contextlib.asynccontextmanager
async def answering(query: CallbackQuery) -> AsyncIterator[None]:
    """Answer a button press while the reply is being made: the person's spinner stops and the
    reply arrives one round trip to Telegram sooner than when the answer goes first."""
    answer = asyncio.create_task(query.answer())
    try:
        yield
    finally:
        await _quietly(answer)


async def _quietly(answer: asyncio.Task[bool]) -> None:
    """The answer only stops a spinner: its failure must not hide the handler's own error, nor
    make the error handler apologize for a reply that went out."""
    try:
        await answer
    except BadRequest as exc:  # too old (pressed before a restart): the reply still went
        log.info("a button press could not be answered: %s", exc.message)
    except TelegramError as exc:  # network trouble; the person sees the reply anyway
        log.warning("a button press could not be answered: %s", exc.message)


async def unknown_command(update: Update, context: MinkaContext) -> None:
    lang = await context.language()
    await message_of(update).reply_text(t(lang, "unknown_command"))


def handlers() -> list[BaseHandler[Update, MinkaContext, Any]]:
    """Help, language and /cancelar outside a flow (inside one, the flow answers it)."""
    return [
        CommandHandler(HELP.names, show_help),
        CommandHandler(LANGUAGE.names, ask_language),
        CommandHandler(CANCEL.names, nothing_to_cancel),
        CallbackQueryHandler(on_language, pattern=cb.LanguageChoice.matches()),
        CallbackQueryHandler(on_noop, pattern=cb.Noop.matches()),
    ]
