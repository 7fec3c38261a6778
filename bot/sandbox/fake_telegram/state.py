"""The fake's state and the internal steps its Bot API methods share."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Callable

import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

from bot.sandbox.fake_telegram.api import ApiError, JSONDict, Params, bad_request
from bot.sandbox.fake_telegram.keyboards import inline_markup
from bot.sandbox.fake_telegram.limits import Fault, RateLimits, Webhook
from bot.sandbox.fake_telegram.model import (
    BotEvent,
    FakeChat,
    FakeUser,
    SentMessage,
    UploadedFile,
    as_int,
    unix_now,
)

log = logging.getLogger(__name__)


class FakeState:
    """What the fake Telegram holds in memory, and the internal steps every Bot API method
    shares (finding a chat, rate-limiting and storing a send, shaping API objects)."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "minka_test_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_name: str = "Minka",
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.bot_id = as_int(token.split(":", 1)[0]) or 1
        self.host = host
        self.port = port
        # What the bot did, for tests to read.
        self.calls: list[tuple[str, Params]] = []
        self.callback_answers: list[Params] = []
        self.inline_answers: list[Params] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}  # (scope key, language code)
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.updates: list[JSONDict] = []  # every update ever created
        self.sent_count = 0
        self.send_times: list[float] = []  # time.monotonic() of every accepted send
        self.too_many_requests = 0
        self.on_bot_message: Callable[[SentMessage, str], None] | None = None
        self.on_callback_answer: Callable[[Params], None] | None = None
        # The world.
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, FakeChat] = {}
        self._blocked: set[int] = set()
        self._messages: dict[int, list[SentMessage]] = {}
        self._user_message_ids: dict[int, set[int]] = {}
        self._last_message_id: dict[int, int] = {}
        self._files: dict[str, UploadedFile] = {}
        self._open_callback_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._query_ids = itertools.count(4_000_001)
        # What tests wait on.
        self._events: dict[int, list[BotEvent]] = {}
        self._cursors: dict[int, int] = {}
        self._changed = asyncio.Event()
        # Update delivery, faults and limits.
        self._pending: list[JSONDict] = []
        self._last_update_id = 100_000
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._active_polls = 0
        self._webhook: Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._faults: list[Fault] = []
        self._limits = RateLimits()
        self._server: tornado.httpserver.HTTPServer | None = None
        self._stopping = False

    # -- internals: state changes --

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_changed(self, seconds: float) -> None:
        """Sleep until the fake's state changes, or `seconds` pass."""
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), seconds)

    def _chat_of(self, user: FakeUser, chat_id: int | None) -> FakeChat:
        chat = self._chats.get(user.id if chat_id is None else chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}: create it with fake.group()")
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _push_update(self, kind: str, payload: JSONDict) -> JSONDict:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self._pending.append(update)
        self.updates.append(update)
        self._notify()
        return update

    def _find_sent(self, chat_id: int, message_id: int | None) -> SentMessage | None:
        for message in self._messages.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def _last_keyboard_message(self, chat_id: int) -> SentMessage | None:
        messages = self._messages.get(chat_id, [])
        return next((m for m in reversed(messages) if m.buttons and not m.deleted), None)

    def _message_for_callback(self, chat: FakeChat, message_id: int) -> JSONDict:
        sent = self._find_sent(chat.id, message_id)
        if sent is not None:
            return self._message_to_api(sent, chat)
        # A stale button: Telegram still sends the query with what it knows of the message.
        return {
            "message_id": message_id,
            "date": unix_now(),
            "chat": chat.to_api(),
            "from": self._bot_user(),
        }

    def _record_event(
        self, chat_id: int, kind: str, message: SentMessage, *, text_changed: bool = False
    ) -> None:
        snapshot = message.snapshot()
        self._events.setdefault(chat_id, []).append(BotEvent(kind, snapshot, text_changed))
        if self.on_bot_message is not None:
            try:
                self.on_bot_message(snapshot, kind)
            except Exception:  # a broken printer must not turn into an API error
                log.exception("on_bot_message hook failed")

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def _message_to_api(self, message: SentMessage, chat: FakeChat) -> JSONDict:
        data: JSONDict = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": chat.to_api(),
            "from": self._bot_user(),
        }
        is_text = message.kind == "text"
        if message.plain_text:
            data["text" if is_text else "caption"] = message.plain_text
        if message.entities:
            data["entities" if is_text else "caption_entities"] = message.entities
        if message.edits:
            data["edit_date"] = unix_now()
        if inline_markup(message.reply_markup):
            data["reply_markup"] = message.reply_markup
        data.update(self._file_to_api(message))
        return data

    @staticmethod
    def _file_to_api(message: SentMessage) -> JSONDict:
        if message.file_id is None:
            return {}
        common = {
            "file_id": message.file_id,
            "file_unique_id": f"u{message.file_id}",
            "file_size": len(message.file_bytes or b""),
        }
        if message.kind == "photo":
            return {"photo": [{**common, "width": 320, "height": 320}]}
        return {
            "document": {**common, "file_name": message.filename, "mime_type": message.mime_type}
        }

    def _known_chat(self, params: Params) -> FakeChat:
        if params.get("chat_id") in (None, ""):
            raise bad_request("chat_id is empty")
        chat = self._chats.get(as_int(params["chat_id"]) or 0)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, params: Params) -> FakeChat:
        """The target chat of a send/edit, failing the way Telegram does when it can't be."""
        chat = self._known_chat(params)
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.bot_is_member:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _enforce_rate_limit(self, chat: FakeChat) -> None:
        now = time.monotonic()
        retry_after = self._limits.retry_after(chat, now)
        if retry_after is not None:
            self.too_many_requests += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        self._limits.record(chat, now)

    def _deliver(self, chat: FakeChat, message: SentMessage) -> JSONDict:
        """Rate-limit, number, store and announce a message the bot sends."""
        self._enforce_rate_limit(chat)
        message.message_id = self._next_message_id(chat.id)
        message.date = unix_now()
        self._messages.setdefault(chat.id, []).append(message)
        self.sent_count += 1
        self.send_times.append(time.monotonic())
        self._record_event(chat.id, "sent", message)
        return self._message_to_api(message, chat)
