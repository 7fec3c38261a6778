"""Commands that work anywhere: /ayuda, /idioma, /cancelar, and the answers to off-script input."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import callbacks as cb
from bot.commands import CANCEL, command_list
from bot.context import MinkaContext, language_for
from bot.keyboards import keyboard
from bot.texts import LANGUAGES, Markup, label, t
from storage.clock import from_db, to_db
from storage.models import Member

LANGUAGE_LABELS = {"es": "Español", "en": "English"}

log = logging.getLogger(__name__)


async def show_help(update: Update, context: MinkaContext) -> None:
    assert update.effective_message is not None
    lang = await language_for(update, context)
    await update.effective_message.reply_text(t(lang, "help", commands=command_list(lang)))


async def registered_member(update: Update, context: MinkaContext) -> Member | None:
    """The registered member behind the update; else None, after pointing them to /start."""
    user, chat = update.effective_user, update.effective_chat
    member = await context.storage.members.get(user.id) if user else None
    if member is not None and member.is_registered:
        return member
    if chat is not None:
        await chat.send_message(t(await language_for(update, context), "register_first"))
    return None


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
    """A persistent conversation with Minka's standard behaviour:
    - /cancelar from any step, a polite answer to its own buttons pressed at the wrong step, and
      guidance when something unexpected is typed (other buttons pass through to their handlers);
    - one flow at a time: starting a flow ends the person's other flows, so that two flows never
      compete for the same typed answer;
    - with `timeout`, a flow idle that long ends politely at the next update (this also holds
      after a restart, when PTB's own conversation timer is not re-armed) or when the timer fires.
    """
    prefixes = {payload.prefix for payload in own_buttons}
    fallbacks: list[Handler] = [
        CommandHandler(CANCEL.names, cancel),
        CallbackQueryHandler(stale_button, pattern=lambda data: _prefix(data) in prefixes),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, off_script),
    ]
    for handler in entry_points:
        handler.callback = _as_entry(handler.callback, name, timeout)
    for handlers in states.values():
        for handler in handlers:
            handler.callback = _as_step(handler.callback, name, timeout)
    if timeout is not None:
        states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, _on_timer(name))]
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


Callback = Callable[[Update, MinkaContext], Coroutine[Any, Any, Any]]


def _as_entry(callback: Callback, flow: str, timeout: timedelta | None) -> Callback:
    async def enter(update: Update, context: MinkaContext) -> Any:
        end_other_flows(update, context, flow)
        if timeout is not None:  # a fresh start: nothing of an earlier run of this flow remains
            await _clear(update, context, flow)
            await _touch(update, context, flow)
        return await callback(update, context)

    return enter


def _as_step(callback: Callback, flow: str, timeout: timedelta | None) -> Callback:
    async def step(update: Update, context: MinkaContext) -> Any:
        if timeout is not None:
            if await _idle_too_long(update, context, flow, timeout):
                return await expire_flow(update, context, flow)
            await _touch(update, context, flow)
        return await callback(update, context)

    return step


async def _touch(update: Update, context: MinkaContext, flow: str) -> None:
    if update.effective_user is not None:
        user_id = update.effective_user.id
        await context.storage.drafts.update(user_id, flow, touched=to_db(context.now()))


async def _clear(update: Update, context: MinkaContext, flow: str) -> None:
    if update.effective_user is not None:
        await context.storage.drafts.clear(update.effective_user.id, flow)


async def _idle_too_long(
    update: Update, context: MinkaContext, flow: str, idle_limit: timedelta
) -> bool:
    user = update.effective_user
    if user is None:
        return False
    touched = from_db((await context.storage.drafts.get(user.id, flow)).get("touched"))
    return touched is None or context.now() - touched > idle_limit


def _on_timer(flow: str) -> Callback:
    async def timed_out(update: Update, context: MinkaContext) -> int:
        return await expire_flow(update, context, flow)

    return timed_out


async def expire_flow(update: Update, context: MinkaContext, flow: str) -> int:
    """Drop what the flow collected and say so, politely, in the person's language."""
    await _clear(update, context, flow)
    chat = update.effective_chat
    if update.callback_query is not None:
        # When PTB's timer fires long after the last tap, that query is too old to answer.
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer()
    if chat is not None:
        await chat.send_message(t(await language_for(update, context), "flow_expired"))
    return ConversationHandler.END


def end_other_flows(update: Update, context: MinkaContext, flow: str) -> None:
    """End the person's other conversations.

    PTB has no public call for this; ConversationHandler keeps states in `_conversations`
    (a TrackingDict, so our persistence sees the removal) and `_update_state(END, key)` is
    what it runs itself when a callback returns END. Pinned to python-telegram-bot 22.x.
    """
    for other in context.bot_data.conversations:
        if other.name != flow:
            other._update_state(ConversationHandler.END, other._get_key(update))


def _prefix(data: object) -> str | None:
    return data.split(cb.SEPARATOR, 1)[0] if isinstance(data, str) else None
