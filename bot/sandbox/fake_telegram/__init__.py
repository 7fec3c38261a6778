"""A fake Telegram Bot API server for tests and the interactive sandbox.

It speaks the wire format python-telegram-bot uses against api.telegram.org
(``POST {base_url}{token}/{method}``, form-urlencoded or multipart, JSON answers), keeps every
chat in memory, validates requests the way Telegram does, lets tests script users, inject faults
and apply rate limits, and delivers updates by long polling or webhook. It listens on loopback.

The modules, from the bottom up: `api` (wire types, limits, errors), `formatting` (Telegram's
HTML), `keyboards`, `model` (users, chats, sent messages), `limits` (rate limits, faults, the
webhook's state), `transport` (the tornado HTTP layer), `state` (what the fake holds and the
steps its methods share), the Bot API methods in `updates`, `messages` and `queries`, and
`server` (`FakeTelegram`: lifecycle, scripting, reading, dispatch). What tests and the sandbox
use is re-exported here: `from bot.sandbox.fake_telegram import FakeTelegram, SentMessage`.
"""

from __future__ import annotations

from bot.sandbox.fake_telegram.api import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_TEXT_LENGTH,
    ApiError,
    JSONDict,
    Params,
    utf16_length,
)
from bot.sandbox.fake_telegram.formatting import FormattedText, format_text
from bot.sandbox.fake_telegram.model import BotEvent, FakeChat, FakeUser, MessageEdit, SentMessage
from bot.sandbox.fake_telegram.server import FakeTelegram

__all__ = [
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_TEXT_LENGTH",
    "ApiError",
    "BotEvent",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "FormattedText",
    "JSONDict",
    "MessageEdit",
    "Params",
    "SentMessage",
    "format_text",
    "utf16_length",
]
