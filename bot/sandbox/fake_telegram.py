"""A fake Telegram Bot API server for tests and the interactive sandbox.

It speaks the wire format python-telegram-bot uses against api.telegram.org
(``POST {base_url}{token}/{method}``, form-urlencoded or multipart, JSON answers), keeps every
chat in memory, validates requests the way Telegram does, lets tests script users, inject faults
and apply rate limits, and delivers updates by long polling or webhook. It listens on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import math
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

import httpx
import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Params = dict[str, Any]
Handler = Callable[[Params], Awaitable[Any]]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_INLINE_RESULTS = 50
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_UPLOAD_BYTES = {"document": 50 * 1024 * 1024, "photo": 10 * 1024 * 1024}
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files (Bot API limit)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
POLL_TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)

# Telegram only sends these update types when allowed_updates names them explicitly.
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# PTB sends strings raw and everything else JSON-encoded, so "123" in these fields is text.
_RAW_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "inline_query_id", "url",
        "secret_token", "language_code", "next_offset", "action", "file_id", "document", "photo",
        "description", "short_description", "name", "inline_message_id", "title",
        "business_connection_id", "message_effect_id", "ip_address",
    }
)  # fmt: skip
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_ADMIN_RIGHTS: JSONDict = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": False, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
}  # fmt: skip
_GIFT_TYPES = (
    "unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
    "gifts_from_channels",
)  # fmt: skip
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_COMMAND_PREFIX_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")

_WEBHOOK_MIN_BACKOFF = 0.05
_WEBHOOK_MAX_BACKOFF = 1.0
_WEBHOOK_TIMEOUT = 10.0
# wait_until re-checks at least this often, for conditions on state the fake cannot see change.
_WAIT_POLL_INTERVAL = 0.05


class ApiError(Exception):
    """A Bot API error answer: the HTTP status plus Telegram's JSON error body."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


# --- Telegram's HTML dialect -------------------------------------------------------------------

_HTML_TAG_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ATTR = r"""[a-zA-Z][\w-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_ATTRS_RE = re.compile(rf"(?:\s+{_ATTR})*\s*")
_ATTR_RE = re.compile(r"""([a-zA-Z][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_CHAR_REF_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL_RE = re.compile(r"[<&]")


@dataclass
class FormattedText:
    """Text as the user sees it, plus the entities Telegram derived from the markup."""

    plain: str
    entities: list[JSONDict]


@dataclass
class _OpenTag:
    name: str
    offset: int
    attrs: dict[str, str]
    language: str | None = None


def _cant_parse(reason: str) -> ApiError:
    return _bad_request(f"can't parse entities: {reason}")


def _parse_attributes(text: str) -> dict[str, str] | None:
    if not _ATTRS_RE.fullmatch(text):
        return None
    return {
        match.group(1).lower(): _decode_char_refs(next((g for g in match.groups()[1:] if g), ""))
        for match in _ATTR_RE.finditer(text)
    }


def _decode_char_ref(match: re.Match[str]) -> str | None:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_REFS[named]
    code_point = int(decimal) if decimal else int(hexadecimal, 16)
    if 0 < code_point <= 0x10FFFF and not 0xD800 <= code_point <= 0xDFFF:
        return chr(code_point)
    return None


def _decode_char_refs(text: str) -> str:
    return _CHAR_REF_RE.sub(lambda match: _decode_char_ref(match) or match.group(), text)


class _HtmlParser:
    """Parses Telegram's HTML: a few tags, strictly nested, only &lt; &gt; &amp; &quot; and
    numeric character references. Entity offsets are in UTF-16 code units, like Telegram's."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pieces: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[JSONDict] = []

    def parse(self) -> FormattedText:
        position = 0
        while position < len(self.source):
            if self.source[position] == "<":
                position = self._tag(position)
            elif self.source[position] == "&":
                position = self._char_ref(position)
            else:
                special = _SPECIAL_RE.search(self.source, position)
                end = special.start() if special else len(self.source)
                self._emit(self.source[position:end])
                position = end
        if self.stack:
            name = self.stack[-1].name
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{name}"')
        entities = sorted(self.entities, key=lambda entity: (entity["offset"], -entity["length"]))
        return FormattedText("".join(self.pieces), entities)

    def _emit(self, text: str) -> None:
        self.pieces.append(text)
        self.length += utf16_length(text)

    def _at(self, position: int) -> str:
        return f"at byte offset {len(self.source[:position].encode())}"

    def _char_ref(self, position: int) -> int:
        match = _CHAR_REF_RE.match(self.source, position)
        char = _decode_char_ref(match) if match else None
        if match is None or char is None:
            raise _cant_parse(f'Unescaped "&" {self._at(position)}; use "&amp;"')
        self._emit(char)
        return match.end()

    def _tag(self, position: int) -> int:
        match = _TAG_RE.match(self.source, position)
        if match is None:
            raise _cant_parse(f"Unclosed start tag {self._at(position)}")
        name = match.group(2).lower()
        if match.group(1):
            self._close(name, position)
        else:
            self._open(name, match.group(3), position)
        return match.end()

    def _open(self, name: str, attr_text: str, position: int) -> None:
        if name not in _HTML_TAG_TYPES:
            raise _cant_parse(f'Unsupported start tag "{name}" {self._at(position)}')
        attrs = _parse_attributes(attr_text)
        if attrs is None:
            raise _cant_parse(f'Can\'t parse attributes of tag "{name}" {self._at(position)}')
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _cant_parse(f'Tag "span" must have class "tg-spoiler" {self._at(position)}')
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _cant_parse(f'Tag "tg-emoji" needs a numeric "emoji-id" {self._at(position)}')
        self.stack.append(_OpenTag(name, self.length, attrs))

    def _close(self, name: str, position: int) -> None:
        if not self.stack:
            raise _cant_parse(f"Unexpected end tag {self._at(position)}")
        tag = self.stack.pop()
        if tag.name != name:
            raise _cant_parse(
                f'Unmatched end tag {self._at(position)}, expected "</{tag.name}>", '
                f'found "</{name}>"'
            )
        entity = self._entity_for(tag)
        if entity is not None and entity["length"] > 0:
            self.entities.append(entity)

    def _entity_for(self, tag: _OpenTag) -> JSONDict | None:
        entity: JSONDict = {
            "type": _HTML_TAG_TYPES[tag.name],
            "offset": tag.offset,
            "length": self.length - tag.offset,
        }
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            # <pre><code class="language-x"> is a single pre entity that carries the language.
            self.stack[-1].language = tag.attrs.get("class", "").removeprefix("language-") or None
            return None
        if tag.name == "a":
            if not tag.attrs.get("href"):
                return None  # Telegram shows an <a> without href as plain text.
            entity["url"] = tag.attrs["href"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        return entity


def format_text(text: str, parse_mode: str | None, *, limit: int, too_long: str) -> FormattedText:
    """Parse `text` as Telegram would for `parse_mode` and enforce its length limit."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        formatted = _HtmlParser(text).parse()
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed: the project formats with HTML.
        formatted = FormattedText(text, [])
    else:
        raise _bad_request("unsupported parse_mode")
    if utf16_length(formatted.plain) > limit:
        raise _bad_request(too_long)
    return formatted


# --- Keyboards --------------------------------------------------------------------------------


def validate_reply_markup(markup: Any) -> JSONDict | None:
    """Check a reply_markup like Telegram does; return it unchanged (or None)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _validate_reply_keyboard(markup["keyboard"])
    elif not {"remove_keyboard", "force_reply"} & markup.keys():
        raise _bad_request("can't parse reply keyboard markup JSON object")
    return markup


def inline_markup(markup: JSONDict | None) -> JSONDict | None:
    """The markup if it is an inline keyboard: the only kind a Message carries back."""
    return markup if markup and "inline_keyboard" in markup else None


def _keyboard_buttons(rows: Any, field_name: str) -> list[Any]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request(f'field "{field_name}" of the keyboard must be an Array of Arrays')
    return [button for row in rows for button in row]


def _validate_inline_keyboard(rows: Any) -> None:
    buttons = _keyboard_buttons(rows, "inline_keyboard")
    if len(buttons) > MAX_INLINE_BUTTONS:
        raise _bad_request("reply markup is too long: too many inline keyboard buttons")
    for button in buttons:
        _validate_inline_button(button)


def _validate_inline_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button"
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise _bad_request(f"{prefix}: Text must be non-empty")
    actions = [name for name in _BUTTON_ACTIONS if name in button]
    if not actions:
        raise _bad_request(f"{prefix}: Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _bad_request(f"{prefix}: exactly one of the optional fields must be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise _bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _validate_reply_keyboard(rows: Any) -> None:
    for button in _keyboard_buttons(rows, "keyboard"):
        text = button.get("text") if isinstance(button, dict) else button
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("can't parse keyboard button: Text must be non-empty")


# --- Chats, users and messages -----------------------------------------------------------------


@dataclass(frozen=True)
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "es"

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        data.update({key: value for key, value in optional.items() if value})
        return data


@dataclass
class FakeChat:
    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    user: FakeUser | None = None  # the person on the other side of a private chat
    admins: list[int] = field(default_factory=list)  # the first one is the creator
    bot_is_member: bool = True
    migrated_to: int | None = None

    def to_api(self) -> JSONDict:
        if self.user is None:
            return {"id": self.id, "type": self.type, "title": self.title or str(self.id)}
        data: JSONDict = {"id": self.id, "type": self.type, "first_name": self.user.first_name}
        if self.user.last_name:
            data["last_name"] = self.user.last_name
        if self.user.username:
            data["username"] = self.user.username
        return data


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content: bytes = field(repr=False)
    mime_type: str


@dataclass(frozen=True)
class MessageEdit:
    """The state of a message right after one edit."""

    text: str
    parse_mode: str | None
    reply_markup: JSONDict | None


@dataclass
class SentMessage:
    """A message the bot sent. `text` is exactly what the bot sent (HTML included), or the
    caption for documents and photos; `plain_text` is what the user reads. Both are always
    strings, empty for a file sent without a caption, so tests search them without a None check."""

    message_id: int
    chat_id: int
    kind: str  # "text" | "document" | "photo"
    text: str
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None
    plain_text: str = ""
    entities: list[JSONDict] = field(default_factory=list)
    file_bytes: bytes | None = field(default=None, repr=False)
    filename: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    date: int = 0
    edits: list[MessageEdit] = field(default_factory=list)
    deleted: bool = False

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else (self.text or None)

    @property
    def buttons(self) -> list[JSONDict]:
        """Inline keyboard buttons, row by row, flattened."""
        rows = (inline_markup(self.reply_markup) or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [str(button.get("text", "")) for button in self.buttons]

    def snapshot(self) -> SentMessage:
        return dataclasses.replace(self, edits=list(self.edits), entities=list(self.entities))


@dataclass(frozen=True)
class BotEvent:
    kind: str  # "sent" | "edited" | "deleted"
    message: SentMessage  # the message as it was right after the event


def _pick_button(message: SentMessage, label_or_index: str | int) -> JSONDict:
    """A button by its 1-based flat index, exact label, or label ignoring case."""
    buttons = message.buttons
    if isinstance(label_or_index, int):
        if 1 <= label_or_index <= len(buttons):
            return buttons[label_or_index - 1]
    else:
        for matches in (str.__eq__, lambda a, b: a.casefold() == b.casefold()):
            found = [
                button for button in buttons if matches(button.get("text", ""), label_or_index)
            ]
            if found:
                return found[0]
    raise LookupError(f"no button {label_or_index!r}; buttons are {message.button_labels}")


def _command_entity(text: str) -> JSONDict | None:
    match = _COMMAND_PREFIX_RE.match(text)
    if match is None:
        return None
    return {"type": "bot_command", "offset": 0, "length": utf16_length(match.group())}


def _member_api(chat: FakeChat, user_id: int, user: JSONDict) -> JSONDict:
    if chat.admins and chat.admins[0] == user_id:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if user_id in chat.admins:
        return {"status": "administrator", "user": user, **_ADMIN_RIGHTS}
    return {"status": "member", "user": user}


def _scope_key(scope: Any) -> str:
    """'default', 'all_private_chats', 'chat:42', 'chat_member:42:1001', ..."""
    if not isinstance(scope, dict):
        return "default"
    ids = [str(scope[key]) for key in ("chat_id", "user_id") if key in scope]
    return ":".join([str(scope.get("type", "default")), *ids])


def _validate_bot_commands(commands: Any) -> list[JSONDict]:
    if not isinstance(commands, list) or len(commands) > 100:
        raise _bad_request("commands must be an Array of at most 100 BotCommand")
    for command in commands:
        if not isinstance(command, dict) or not _BOT_COMMAND_RE.fullmatch(
            str(command.get("command", ""))
        ):
            raise _bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def _update_type(update: JSONDict) -> str:
    return next(key for key in update if key != "update_id")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _now() -> int:
    return int(time.time())


# --- Rate limits, faults, webhook --------------------------------------------------------------


class _SlidingWindow:
    def __init__(self, limit: float, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.stamps: deque[float] = deque()

    def retry_after(self, now: float) -> int | None:
        """Whole seconds until one more event fits, or None if it fits now."""
        while self.stamps and self.stamps[0] <= now - self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return None
        return max(1, math.ceil(self.stamps[0] + self.seconds - now))

    def record(self, now: float) -> None:
        self.stamps.append(now)


def _per_second_window(rate: float) -> _SlidingWindow:
    # Below one per second, "0.5/s" means one per two seconds, not none at all.
    return _SlidingWindow(rate, 1.0) if rate >= 1 else _SlidingWindow(1, 1 / rate)


class _RateLimits:
    """Telegram's flood limits: per bot per second, per chat per second, per group per minute."""

    def __init__(
        self,
        global_per_second: float | None = None,
        per_chat_per_second: float | None = None,
        per_group_per_minute: float | None = None,
    ) -> None:
        self.global_window = _per_second_window(global_per_second) if global_per_second else None
        self.per_chat_per_second = per_chat_per_second
        self.per_group_per_minute = per_group_per_minute
        self.chat_windows: dict[int, _SlidingWindow] = {}
        self.group_windows: dict[int, _SlidingWindow] = {}

    def windows(self, chat: FakeChat) -> list[_SlidingWindow]:
        windows = [self.global_window] if self.global_window else []
        if self.per_chat_per_second:
            if chat.id not in self.chat_windows:
                self.chat_windows[chat.id] = _per_second_window(self.per_chat_per_second)
            windows.append(self.chat_windows[chat.id])
        if self.per_group_per_minute and chat.type != "private":
            limit = self.per_group_per_minute
            windows.append(self.group_windows.setdefault(chat.id, _SlidingWindow(limit, 60.0)))
        return windows

    def retry_after(self, chat: FakeChat, now: float) -> int | None:
        waits = [wait for window in self.windows(chat) if (wait := window.retry_after(now))]
        return max(waits) if waits else None

    def record(self, chat: FakeChat, now: float) -> None:
        for window in self.windows(chat):
            window.record(now)


@dataclass
class _Fault:
    method: str  # lower-case
    error: ApiError | None  # None: only the delay
    times: int
    delay: float
    chat_id: int | None

    def matches(self, method: str, params: Params) -> bool:
        if self.method != method.lower():
            return False
        return self.chat_id is None or _as_int(params.get("chat_id")) == self.chat_id


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


# --- HTTP layer ----------------------------------------------------------------------------------


def _decode_form_value(name: str, raw: str) -> Any:
    if name in _RAW_STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def decode_request_params(request: tornado.httputil.HTTPServerRequest) -> Params:
    """Parameters of a Bot API request: query string, form, multipart files or a JSON body."""
    if request.headers.get("Content-Type", "").startswith("application/json"):
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError("the JSON body must be an object")
        return body
    arguments = {**request.query_arguments, **request.body_arguments}
    params: Params = {
        name: _decode_form_value(name, values[-1].decode()) for name, values in arguments.items()
    }
    for name, files in request.files.items():
        upload = files[-1]
        params[name] = UploadedFile(upload.filename, upload.body, upload.content_type)
    return params


def _log_request(handler: tornado.web.RequestHandler) -> None:
    # Error answers are the point of the fake: keep tornado from logging them as warnings
    # (they would clutter the sandbox's terminal). The path holds the token: debug level only.
    request = handler.request
    log.debug("%s %s -> %s", request.method, request.path, handler.get_status())


class _ApiHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def post(self, token: str, method: str) -> None:
        try:
            params = decode_request_params(self.request)
        except ValueError as error:  # bad UTF-8 or JSON
            status, body = 400, _bad_request(str(error)).body()
        else:
            status, body = await self.fake.handle_api_call(token, method, params)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)


class _FileHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    def get(self, token: str, file_path: str) -> None:
        upload = self.fake.stored_file(token, file_path)
        if upload is None:
            self.set_status(404)
            self.finish(json.dumps(ApiError(404, "Not Found").body()))
            return
        self.set_header("Content-Type", upload.mime_type)
        self.finish(upload.content)


# --- The server ----------------------------------------------------------------------------------


class FakeTelegram:
    """An in-memory Telegram Bot API on 127.0.0.1 for one bot token."""

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
        self.bot_id = _as_int(token.split(":", 1)[0]) or 1
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
        self._webhook: _Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._faults: list[_Fault] = []
        self._limits = _RateLimits()
        self._server: tornado.httpserver.HTTPServer | None = None
        self._stopping = False
        self._methods = self._method_table()

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
                (r"/bot([^/]+)/([^/]*)", _ApiHandler, {"fake": self}),
                (r"/file/bot([^/]+)/(.+)", _FileHandler, {"fake": self}),
            ],
            log_function=_log_request,
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
        entity = _command_entity(text)
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
        button = _pick_button(target, label_or_index)
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
            "date": _now(),
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
        self._faults.append(_Fault(method.lower(), error, times, delay, chat_id))

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
        self._limits = _RateLimits(global_per_second, per_chat_per_second, per_group_per_minute)

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
            await self._wait_changed(min(remaining, _WAIT_POLL_INTERVAL))

    def stored_file(self, token: str, file_path: str) -> UploadedFile | None:
        if token != self.token or not file_path.startswith("files/"):
            return None
        return self._files.get(file_path.removeprefix("files/"))

    # -- internals: state changes --

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_changed(self, seconds: float) -> None:
        """Sleep until the fake's state changes, or `seconds` pass."""
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), seconds)

    def _user_or_default(self, user_id: int) -> FakeUser:
        return self._users.get(user_id) or self.user(user_id, f"User{user_id}")

    def _chat_of(self, user: FakeUser, chat_id: int | None) -> FakeChat:
        chat = self._chats.get(user.id if chat_id is None else chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}: create it with fake.group()")
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _user_message(self, user_id: int, chat_id: int | None, **content: Any) -> JSONDict:
        user = self._user_or_default(user_id)
        chat = self._chat_of(user, chat_id)
        message_id = self._next_message_id(chat.id)
        self._user_message_ids.setdefault(chat.id, set()).add(message_id)
        return {
            "message_id": message_id,
            "date": _now(),
            "chat": chat.to_api(),
            "from": user.to_api(),
            **content,
        }

    def _push_update(self, kind: str, payload: JSONDict) -> JSONDict:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self._pending.append(update)
        self.updates.append(update)
        self._notify()
        return update

    async def _push_user_update(
        self, kind: str, payload: JSONDict, chat_id: int | None = None
    ) -> JSONDict:
        if chat_id is not None:
            self.mark(chat_id)  # next_message() now waits for the answer to this action
        update = self._push_update(kind, payload)
        await asyncio.sleep(0)  # let a waiting long poll or webhook delivery run
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
            "date": _now(),
            "chat": chat.to_api(),
            "from": self._bot_user(),
        }

    def _record_event(self, chat_id: int, kind: str, message: SentMessage) -> None:
        snapshot = message.snapshot()
        self._events.setdefault(chat_id, []).append(BotEvent(kind, snapshot))
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
            data["edit_date"] = _now()
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

    def _method_table(self) -> dict[str, tuple[str, Handler]]:
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

    def _known_chat(self, params: Params) -> FakeChat:
        if params.get("chat_id") in (None, ""):
            raise _bad_request("chat_id is empty")
        chat = self._chats.get(_as_int(params["chat_id"]) or 0)
        if chat is None:
            raise _bad_request("chat not found")
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
        message.date = _now()
        self._messages.setdefault(chat.id, []).append(message)
        self.sent_count += 1
        self.send_times.append(time.monotonic())
        self._record_event(chat.id, "sent", message)
        return self._message_to_api(message, chat)

    # -- Bot API methods: identity, updates, webhook --

    async def _accept(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older poll still waiting wakes up and finds itself terminated
        if "allowed_updates" in params:
            self._allowed_updates = params["allowed_updates"] or None
        self._confirm_until(_as_int(params.get("offset")) or 0)
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        timeout = max(_as_float(params.get("timeout")), 0.0)
        self._active_polls += 1
        try:
            return await self._long_poll(generation, limit, time.monotonic() + timeout)
        finally:
            self._active_polls -= 1

    async def _long_poll(self, generation: int, limit: int, deadline: float) -> list[JSONDict]:
        """Wait until `deadline` for updates, unless a newer poll or a webhook takes over."""
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, POLL_TERMINATED)
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
            batch = self._deliverable_updates(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._stopping:
                return batch
            await self._wait_changed(remaining)

    def _confirm_until(self, offset: int) -> None:
        """getUpdates offset semantics: drop updates below it; negative keeps the last -offset."""
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable_updates(self, limit: int) -> list[JSONDict]:
        allowed = self._allowed_updates
        kept = [
            update
            for update in self._pending
            if (
                _update_type(update) in allowed
                if allowed
                else _update_type(update) not in _OPT_IN_UPDATE_TYPES
            )
        ]
        if len(kept) != len(self._pending):
            log.debug("dropping %d updates not in allowed_updates", len(self._pending) - len(kept))
            self._pending = kept
        return kept[:limit]

    async def _set_webhook(self, params: Params) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith(("http://", "https://")):  # plain http is fine on loopback
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.fullmatch(str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if "allowed_updates" in params:
            self._allowed_updates = params["allowed_updates"] or None
        await self._stop_webhook_delivery()
        webhook = _Webhook(url, secret, _as_int(params.get("max_connections")) or 40)
        self._webhook = webhook
        self._webhook_task = asyncio.create_task(self._deliver_to_webhook(webhook))
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._stop_webhook_delivery()
        self._webhook = None
        return True

    async def _get_webhook_info(self, params: Params) -> JSONDict:
        webhook = self._webhook
        info: JSONDict = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            if webhook.last_error_date:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        if self._allowed_updates:
            info["allowed_updates"] = self._allowed_updates
        return info

    async def _stop_webhook_delivery(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_to_webhook(self, webhook: _Webhook) -> None:
        """POST pending updates one at a time, in order, retrying with backoff until 2xx."""
        backoff = _WEBHOOK_MIN_BACKOFF
        async with httpx.AsyncClient(timeout=_WEBHOOK_TIMEOUT, trust_env=False) as client:
            while not self._stopping:
                batch = self._deliverable_updates(limit=1)
                if not batch:
                    await self._wait_changed(1.0)
                elif await self._post_update(client, webhook, batch[0]):
                    self._pending.remove(batch[0])
                    self._notify()
                    backoff = _WEBHOOK_MIN_BACKOFF
                else:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, _WEBHOOK_MAX_BACKOFF)

    async def _post_update(
        self, client: httpx.AsyncClient, webhook: _Webhook, update: JSONDict
    ) -> bool:
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        try:
            response = await client.post(webhook.url, content=json.dumps(update), headers=headers)
        except httpx.HTTPError as error:
            return self._webhook_failed(webhook, f"Connection failed: {error!r}")
        if 200 <= response.status_code < 300:
            return True
        return self._webhook_failed(
            webhook,
            f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}",
        )

    def _webhook_failed(self, webhook: _Webhook, message: str) -> bool:
        log.debug("webhook delivery failed: %s", message)
        webhook.last_error_date = _now()
        webhook.last_error_message = message
        return False

    # -- Bot API methods: commands and menu --

    async def _set_my_commands(self, params: Params) -> bool:
        commands = _validate_bot_commands(params.get("commands"))
        self.commands[self._commands_key(params)] = commands
        return True

    async def _get_my_commands(self, params: Params) -> list[JSONDict]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        return _scope_key(params.get("scope")), str(params.get("language_code") or "")

    async def _set_chat_menu_button(self, params: Params) -> bool:
        self.menu_buttons[_as_int(params.get("chat_id"))] = params.get("menu_button") or {
            "type": "default"
        }
        return True

    async def _get_chat_menu_button(self, params: Params) -> JSONDict:
        chat_id = _as_int(params.get("chat_id"))
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    # -- Bot API methods: messages --

    @staticmethod
    def _formatted_text_param(params: Params) -> FormattedText:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad_request("message text is empty")
        formatted = format_text(
            text, params.get("parse_mode"), limit=MAX_TEXT_LENGTH, too_long="message is too long"
        )
        if not formatted.plain.strip():
            raise _bad_request("message text is empty")
        return formatted

    def _check_reply_target(self, chat: FakeChat, params: Params) -> None:
        """Telegram refuses replies to messages it can't find, unless told not to mind."""
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict) or reply.get("allow_sending_without_reply"):
            return
        if reply.get("chat_id") not in (None, chat.id):
            return  # replies across chats are not modelled
        message_id = _as_int(reply.get("message_id"))
        if message_id in self._user_message_ids.get(chat.id, set()):
            return
        if self._find_sent(chat.id, message_id) is None:
            raise _bad_request("message to be replied not found")

    async def _send_message(self, params: Params) -> JSONDict:
        chat = self._writable_chat(params)
        self._check_reply_target(chat, params)
        formatted = self._formatted_text_param(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        message = SentMessage(
            0,
            chat.id,
            "text",
            params["text"],
            params.get("parse_mode"),
            markup,
            formatted.plain,
            formatted.entities,
        )
        return self._deliver(chat, message)

    async def _send_document(self, params: Params) -> JSONDict:
        return self._send_file(params, "document")

    async def _send_photo(self, params: Params) -> JSONDict:
        return self._send_file(params, "photo")

    def _send_file(self, params: Params, kind: str) -> JSONDict:
        chat = self._writable_chat(params)
        self._check_reply_target(chat, params)
        upload, file_id = self._resolve_upload(params.get(kind), kind)
        caption = str(params.get("caption") or "")
        formatted = format_text(
            caption,
            params.get("parse_mode"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
        )
        message = SentMessage(
            0,
            chat.id,
            kind,
            caption,
            params.get("parse_mode"),
            validate_reply_markup(params.get("reply_markup")),
            formatted.plain,
            formatted.entities,
            file_bytes=upload.content,
            filename=upload.filename,
            mime_type=upload.mime_type,
            file_id=file_id,
        )
        return self._deliver(chat, message)

    def _resolve_upload(self, value: Any, kind: str) -> tuple[UploadedFile, str]:
        """An uploaded file, a file_id sent before, or an HTTP URL Telegram would fetch."""
        if isinstance(value, str) and value in self._files:
            return self._files[value], value
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            value = UploadedFile(name, b"", "application/octet-stream")
        if value is None:
            raise _bad_request(f"there is no {kind} in the request")
        if not isinstance(value, UploadedFile):
            raise _bad_request("wrong file identifier/HTTP URL specified")
        if len(value.content) > MAX_UPLOAD_BYTES[kind]:
            raise ApiError(413, "Request Entity Too Large")
        file_id = f"{kind}-{len(self._files) + 1}-{secrets.token_hex(4)}"
        self._files[file_id] = value
        return value, file_id

    def _editable_message(self, params: Params) -> tuple[FakeChat, SentMessage]:
        if params.get("inline_message_id"):
            raise _bad_request("message to edit not found")  # inline messages are not modelled
        chat = self._writable_chat(params)
        message = self._find_sent(chat.id, _as_int(params.get("message_id")))
        if message is None:
            raise _bad_request("message to edit not found")
        return chat, message

    @staticmethod
    def _edit_markup_param(params: Params) -> JSONDict | None:
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None and inline_markup(markup) is None:
            raise _bad_request("inline keyboard expected")
        return markup

    async def _edit_message_text(self, params: Params) -> JSONDict:
        chat, message = self._editable_message(params)
        if message.kind != "text":
            raise _bad_request("there is no text in the message to edit")
        formatted = self._formatted_text_param(params)
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        markup = self._edit_markup_param(params)
        old = (message.plain_text, message.entities, inline_markup(message.reply_markup))
        if (formatted.plain, formatted.entities, markup) == old:
            raise _bad_request(NOT_MODIFIED)
        message.text, message.parse_mode = params["text"], params.get("parse_mode")
        message.plain_text, message.entities = formatted.plain, formatted.entities
        message.reply_markup = markup
        return self._record_edit(chat, message)

    async def _edit_message_reply_markup(self, params: Params) -> JSONDict:
        chat, message = self._editable_message(params)
        markup = self._edit_markup_param(params)
        if markup == inline_markup(message.reply_markup):
            raise _bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        return self._record_edit(chat, message)

    def _record_edit(self, chat: FakeChat, message: SentMessage) -> JSONDict:
        message.edits.append(MessageEdit(message.text, message.parse_mode, message.reply_markup))
        self._record_event(chat.id, "edited", message)
        return self._message_to_api(message, chat)

    async def _delete_message(self, params: Params) -> bool:
        chat = self._writable_chat(params)
        message_id = _as_int(params.get("message_id"))
        if message_id in self._user_message_ids.get(chat.id, set()):
            self._user_message_ids[chat.id].discard(message_id)
            return True
        message = self._find_sent(chat.id, message_id)
        if message is None:
            raise _bad_request("message to delete not found")
        message.deleted = True
        self._record_event(chat.id, "deleted", message)
        return True

    async def _send_chat_action(self, params: Params) -> bool:
        self._writable_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    async def _get_file(self, params: Params) -> JSONDict:
        file_id = str(params.get("file_id") or "")
        upload = self._files.get(file_id)
        if upload is None:
            raise _bad_request("invalid file_id")
        if len(upload.content) > MAX_DOWNLOAD_BYTES:
            raise _bad_request("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(upload.content),
            "file_path": f"files/{file_id}",
        }

    # -- Bot API methods: queries and chats --

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callback_queries:
            raise _bad_request(QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        self.callback_answers.append(params)
        if self.on_callback_answer is not None:
            try:
                self.on_callback_answer(params)
            except Exception:  # a broken printer must not turn into an API error
                log.exception("on_callback_answer hook failed")
        return True

    async def _answer_inline_query(self, params: Params) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        if query_id not in self._open_inline_queries:
            raise _bad_request(QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad_request("results must be an Array of InlineQueryResult")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad_request("RESULTS_TOO_MUCH")
        ids = [str(result.get("id", "")) for result in results if isinstance(result, dict)]
        if len(ids) != len(results) or not all(ids) or len(set(ids)) != len(ids):
            raise _bad_request("RESULT_ID_INVALID")
        self._open_inline_queries.discard(query_id)
        self.inline_answers.append(params)
        return True

    async def _get_chat(self, params: Params) -> JSONDict:
        chat = self._known_chat(params)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(_GIFT_TYPES, False),
        }

    async def _get_chat_member(self, params: Params) -> JSONDict:
        chat = self._known_chat(params)
        user_id = _as_int(params.get("user_id"))
        if user_id == self.bot_id:
            status = "member" if chat.bot_is_member else "left"
            return {"status": status, "user": self._bot_user()}
        if user_id is None or user_id not in self._users:
            raise _bad_request("user not found")
        return _member_api(chat, user_id, self._users[user_id].to_api())

    async def _leave_chat(self, params: Params) -> bool:
        chat = self._known_chat(params)
        if chat.type == "private":
            raise _bad_request("chat member status can't be changed in private chats")
        chat.bot_is_member = False
        return True
