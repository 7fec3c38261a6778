"""Typed accessors for the parts of an update a handler relies on.

A handler's filter already guarantees them (a CommandHandler only sees messages, a
CallbackQueryHandler only button presses), but PTB types them all as optional. These accessors
turn that guarantee into a type: they return the part, or raise `UnexpectedUpdate` when Telegram
sent something the filter should have excluded. That is a bug in a filter, not a person's mistake:
the error handler logs it and apologizes, as it does for any other bug.
"""

from __future__ import annotations

from typing import TypeVar

from telegram import (
    CallbackQuery,
    Chat,
    ChatMemberUpdated,
    Document,
    InlineQuery,
    Location,
    Message,
    Update,
    User,
)

T = TypeVar("T")


class UnexpectedUpdate(RuntimeError):
    """An update lacks what its handler's filter promised (names the part, never its content)."""


def user_of(update: Update) -> User:
    """Who sent the update."""
    return _required(update.effective_user, "user", update)


def chat_of(update: Update) -> Chat:
    """The chat the update happened in."""
    return _required(update.effective_chat, "chat", update)


def message_of(update: Update) -> Message:
    """The message to reply to: the one sent, or the one whose button was pressed."""
    return _required(update.effective_message, "message", update)


def query_of(update: Update) -> CallbackQuery:
    """The button press."""
    return _required(update.callback_query, "callback query", update)


def inline_query_of(update: Update) -> InlineQuery:
    """What was typed after the bot's @name in some chat."""
    return _required(update.inline_query, "inline query", update)


def my_chat_member_of(update: Update) -> ChatMemberUpdated:
    """The bot's own membership changing (added to a group, blocked, unblocked)."""
    return _required(update.my_chat_member, "change of the bot's membership", update)


def location_of(update: Update) -> Location:
    """The location a person shared."""
    return _required(message_of(update).location, "location", update)


def document_of(update: Update) -> Document:
    """The file a person sent (a spreadsheet to import)."""
    return _required(message_of(update).document, "document", update)


def _required(part: T | None, what: str, update: Update) -> T:
    if part is None:
        raise UnexpectedUpdate(
            f"update {update.update_id} has no {what}: its handler's filter should have excluded it"
        )
    return part
