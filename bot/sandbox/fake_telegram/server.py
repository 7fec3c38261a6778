"""The fake Telegram server: its lifecycle, what tests script (users, groups, presses, faults)
and read (messages, events), and the dispatch of each Bot API call to its method."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any, Self

import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

from bot.sandbox.fake_telegram.api import WAIT_POLL_INTERVAL, ApiError, Handler, JSONDict, Params
from bot.sandbox.fake_telegram.limits import Fault, RateLimits
from bot.sandbox.fake_telegram.messages import MessageMethods
from bot.sandbox.fake_telegram.model import (
    BotEvent,
    FakeChat,
    FakeUser,
    SentMessage,
    UploadedFile,
    command_entity,
    pick_button,
    unix_now,
)
from bot.sandbox.fake_telegram.queries import QueryMethods
from bot.sandbox.fake_telegram.transport import ApiHandler, FileHandler, log_request
from bot.sandbox.fake_telegram.updates import UpdateMethods

log = logging.getLogger(__name__)


class FakeTelegram(UpdateMethods, MessageMethods, QueryMethods):
    """An in-memory Telegram Bot API on 127.0.0.1 for one bot token."""

    # -- lifecycle --

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        app = tornado.web.Application(
            [
                (r"/bot([^/]+)/([^/]*)", ApiHandler, {"fake": self}),
                (r"/file/bot([^/]+)/(.+)", FileHandler, {"fake": self}),
            ],
            log_function=log_request,
        )
        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        self._stopping = False
        log.info("fake Telegram listening on %s", self.base_url)

    async def stop(self) -> None:
        self._stopping = True
        self._notify()  # long polls return [] at once; give them time to write that answer
        with contextlib.suppress(TimeoutError):
            await self.wait_until(lambda: self._active_polls == 0, 1.0, what="polls to end")
        await asyncio.sleep(0)
        await self._stop_webhook_delivery()
        if self._server is not None:
            self._server.stop()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.close_all_connections(), 2.0)
            self._server = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- scripting users --

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "es",
    ) -> FakeUser:
        """Register (or replace) a user; their private chat has the same id."""
        user = FakeUser(user_id, first_name, last_name, username, language_code)
        self._users[user_id] = user
        chat = self._chats.setdefault(user_id, FakeChat(user_id, "private"))
        chat.user = user
        return user

    def group(
        self, chat_id: int, title: str, *, type: str = "group", admins: Iterable[int] = ()
    ) -> FakeChat:
        """Create a group the bot is a member of; the first admin is its creator."""
        if type not in ("group", "supergroup"):
            raise ValueError(f"group type must be 'group' or 'supergroup', not {type!r}")
        chat = FakeChat(chat_id, type, title=title, admins=list(admins))
        self._chats[chat_id] = chat
        return chat

    def users(self) -> list[FakeUser]:
        return list(self._users.values())

    async def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> JSONDict:
        """The user writes `text` (in their private chat unless `chat_id` names a group)."""
        message = self._user_message(user_id, chat_id, text=text)
        entity = command_entity(text)
        if entity is not None:
            message["entities"] = [entity]
        return await self._push_user_update("message", message, message["chat"]["id"])

    async def share_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> JSONDict:
        location = {"latitude": latitude, "longitude": longitude}
        message = self._user_message(user_id, chat_id, location=location)
        return await self._push_user_update("message", message, message["chat"]["id"])

    async def send_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        *,
        chat_id: int | None = None,
    ) -> JSONDict:
        """The user sends a file; the bot can fetch it with getFile and the file URL."""
        file_id = f"user-document-{len(self._files) + 1}-{secrets.token_hex(4)}"
        self._files[file_id] = UploadedFile(file_name, content, mime_type)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        message = self._user_message(user_id, chat_id, document=document)
        return await self._push_user_update("message", message, message["chat"]["id"])

    async def press_button(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> JSONDict:
        """The user taps a button; works for stale or unknown messages too, as in Telegram."""
        user = self._user_or_default(user_id)
        chat = self._chat_of(user, chat_id)
        query_id = str(next(self._query_ids))
        self._open_callback_queries.add(query_id)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "chat_instance": f"ci{chat.id}",
            "message": self._message_for_callback(chat, message_id),
            "data": callback_data,
        }
        return await self._push_user_update("callback_query", query, chat.id)

    async def press(
        self,
        user_id: int,
        label_or_index: str | int,
        *,
        message: SentMessage | None = None,
        chat_id: int | None = None,
    ) -> JSONDict:
        """Press a button of `message`, or of the latest bot message with an inline keyboard in
        the chat, by its label or its 1-based position (as the sandbox shows it)."""
        chat_key = message.chat_id if message else (user_id if chat_id is None else chat_id)
        target = message or self._last_keyboard_message(chat_key)
        if target is None:
            raise LookupError(f"no bot message with an inline keyboard in chat {chat_key}")
        button = pick_button(target, label_or_index)
        if "callback_data" not in button:
            raise ValueError(f"button {button.get('text')!r} has no callback_data: {button}")
        data = str(button["callback_data"])
        return await self.press_button(user_id, target.message_id, data, chat_id=target.chat_id)

    async def inline_query(self, user_id: int, query: str, offset: str = "") -> JSONDict:
        user = self._user_or_default(user_id)
        query_id = str(next(self._query_ids))
        self._open_inline_queries.add(query_id)
        payload = {"id": query_id, "from": user.to_api(), "query": query, "offset": offset}
        return await self._push_user_update("inline_query", {**payload, "chat_type": "sender"})

    async def add_bot_to_group(self, chat_id: int, by_user_id: int) -> JSONDict:
        """`by_user_id` adds the bot to the group (created if unknown): a my_chat_member update."""
        user = self._user_or_default(by_user_id)
        chat = self._chats.get(chat_id) or self.group(chat_id, f"Group {chat_id}")
        chat.bot_is_member = True
        change = {
            "chat": chat.to_api(),
            "from": user.to_api(),
            "date": unix_now(),
            "old_chat_member": {"user": self._bot_user(), "status": "left"},
            "new_chat_member": {"user": self._bot_user(), "status": "member"},
        }
        return await self._push_user_update("my_chat_member", change, chat_id)

    def block(self, user_id: int) -> None:
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def migrate_group(self, old_chat_id: int, new_chat_id: int) -> FakeChat:
        """Upgrade a group to a supergroup; sends to the old id then fail with ChatMigrated."""
        old = self._chats[old_chat_id]
        new = FakeChat(
            new_chat_id,
            "supergroup",
            title=old.title,
            admins=list(old.admins),
            bot_is_member=old.bot_is_member,
        )
        self._chats[new_chat_id] = new
        old.migrated_to = new_chat_id
        return new

    # -- fault injection and limits --

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) wait `delay` seconds
        and then fail with `status`; status 200 only delays and then answers normally."""
        parameters: JSONDict = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        error = None
        if not 200 <= status < 300:
            text = description or self._default_description(status, retry_after)
            error = ApiError(status, text, parameters or None)
        self._faults.append(Fault(method.lower(), error, times, delay, chat_id))

    @staticmethod
    def _default_description(status: int, retry_after: int | None) -> str:
        if status == 429:
            return f"Too Many Requests: retry after {retry_after or 1}"
        known = {400: "Bad Request", 403: "Forbidden", 409: "Conflict", 502: "Bad Gateway"}
        return known.get(status, "Internal Server Error")

    def rate_limit(
        self,
        global_per_second: float | None = None,
        per_chat_per_second: float | None = None,
        per_group_per_minute: float | None = None,
    ) -> None:
        """Answer sends beyond these sliding-window limits with 429 (None disables a limit)."""
        self._limits = RateLimits(global_per_second, per_chat_per_second, per_group_per_minute)

    # -- reading what the bot did --

    def messages(self, chat_id: int) -> list[SentMessage]:
        return list(self._messages.get(chat_id, []))

    def last_message(self, chat_id: int) -> SentMessage | None:
        messages = self._messages.get(chat_id)
        return messages[-1] if messages else None

    def events(self, chat_id: int) -> list[BotEvent]:
        return list(self._events.get(chat_id, []))

    @property
    def pending_updates(self) -> list[JSONDict]:
        return list(self._pending)

    def mark(self, chat_id: int) -> int:
        """Make next_message/next_event ignore everything the bot did in the chat so far.
        Scripted user actions mark their chat automatically. Returns the event index."""
        self._cursors[chat_id] = len(self._events.get(chat_id, []))
        return self._cursors[chat_id]

    async def next_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline on the fake's state, not I/O
    ) -> SentMessage:
        """The next message the bot sends to the chat after the last user action (or the
        previous next_* call) that matches `predicate`."""
        event = await self.next_event(
            chat_id,
            lambda event: event.kind == "sent" and (predicate is None or predicate(event.message)),
            timeout,
        )
        return event.message

    async def next_event(
        self,
        chat_id: int,
        predicate: Callable[[BotEvent], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline on the fake's state, not I/O
    ) -> BotEvent:
        """Like next_message but also sees edits and deletions (BotEvent.kind)."""
        found: list[int] = []

        def seen() -> bool:
            events = self._events.get(chat_id, [])
            start = self._cursors.get(chat_id, 0)
            found[:] = [
                i for i in range(start, len(events)) if not predicate or predicate(events[i])
            ]
            return bool(found)

        try:
            await self.wait_until(seen, timeout, what=f"a bot event in chat {chat_id}")
        except TimeoutError as error:
            recent = self._events.get(chat_id, [])[self._cursors.get(chat_id, 0) :]
            raise TimeoutError(f"{error}; unmatched events since the cursor: {recent}") from None
        self._cursors[chat_id] = found[0] + 1
        return self._events[chat_id][found[0]]

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline on the fake's state, not I/O
        *,
        what: str = "condition",
    ) -> None:
        """Wait until `condition()` holds, re-checking whenever the fake's state changes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{what} did not happen within {timeout} s")
            await self._wait_changed(min(remaining, WAIT_POLL_INTERVAL))

    def stored_file(self, token: str, file_path: str) -> UploadedFile | None:
        if token != self.token or not file_path.startswith("files/"):
            return None
        return self._files.get(file_path.removeprefix("files/"))

    def _user_or_default(self, user_id: int) -> FakeUser:
        return self._users.get(user_id) or self.user(user_id, f"User{user_id}")

    def _user_message(self, user_id: int, chat_id: int | None, **content: Any) -> JSONDict:
        user = self._user_or_default(user_id)
        chat = self._chat_of(user, chat_id)
        message_id = self._next_message_id(chat.id)
        self._user_message_ids.setdefault(chat.id, set()).add(message_id)
        return {
            "message_id": message_id,
            "date": unix_now(),
            "chat": chat.to_api(),
            "from": user.to_api(),
            **content,
        }

    async def _push_user_update(
        self, kind: str, payload: JSONDict, chat_id: int | None = None
    ) -> JSONDict:
        if chat_id is not None:
            self.mark(chat_id)  # next_message() now waits for the answer to this action
        update = self._push_update(kind, payload)
        await asyncio.sleep(0)  # let a waiting long poll or webhook delivery run
        return update

    # -- internals: request handling --

    async def handle_api_call(
        self, token: str, method: str, params: Params
    ) -> tuple[int, JSONDict]:
        """Answer one Bot API call: (HTTP status, JSON body)."""
        if token != self.token:
            return 401, ApiError(401, "Unauthorized").body()
        entry = self._methods.get(method.lower())
        if entry is None:
            return 404, ApiError(404, "Not Found: method not found").body()
        name, handler = entry
        self.calls.append((name, params))
        try:
            await self._apply_fault(name, params)
            result = await handler(params)
        except ApiError as error:
            log.debug("%s -> %s %s", name, error.status, error.description)
            return error.status, error.body()
        finally:
            self._notify()
        return 200, {"ok": True, "result": result}

    async def _apply_fault(self, method: str, params: Params) -> None:
        fault = next((f for f in self._faults if f.matches(method, params)), None)
        if fault is None:
            return
        fault.times -= 1
        if fault.times <= 0:
            self._faults.remove(fault)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.error is not None:
            raise fault.error

    @functools.cached_property
    def _methods(self) -> dict[str, tuple[str, Handler]]:
        """Method name (any case) -> its canonical name and handler."""
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "leaveChat": self._leave_chat,
            "getFile": self._get_file,
            "close": self._accept,
            "logOut": self._accept,
            "setMyDescription": self._accept,
            "setMyShortDescription": self._accept,
            "setMyName": self._accept,
        }
        return {name.lower(): (name, handler) for name, handler in handlers.items()}
