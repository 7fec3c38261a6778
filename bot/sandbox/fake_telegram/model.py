"""The world the fake keeps in memory: users, chats, the messages the bot sent (with their
edits) and what tests read of them."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.fake_telegram.api import (
    ADMIN_RIGHTS,
    BOT_COMMAND_RE,
    COMMAND_PREFIX_RE,
    JSONDict,
    bad_request,
    utf16_length,
)
from bot.sandbox.fake_telegram.keyboards import inline_markup


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
    # An edit that changed what the message says (not only its buttons): a new answer.
    text_changed: bool = False


def pick_button(message: SentMessage, label_or_index: str | int) -> JSONDict:
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


def command_entity(text: str) -> JSONDict | None:
    match = COMMAND_PREFIX_RE.match(text)
    if match is None:
        return None
    return {"type": "bot_command", "offset": 0, "length": utf16_length(match.group())}


def member_api(chat: FakeChat, user_id: int, user: JSONDict) -> JSONDict:
    if chat.admins and chat.admins[0] == user_id:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if user_id in chat.admins:
        return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
    return {"status": "member", "user": user}


def scope_key(scope: Any) -> str:
    """'default', 'all_private_chats', 'chat:42', 'chat_member:42:1001', ..."""
    if not isinstance(scope, dict):
        return "default"
    ids = [str(scope[key]) for key in ("chat_id", "user_id") if key in scope]
    return ":".join([str(scope.get("type", "default")), *ids])


def validate_bot_commands(commands: Any) -> list[JSONDict]:
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be an Array of at most 100 BotCommand")
    for command in commands:
        if not isinstance(command, dict) or not BOT_COMMAND_RE.fullmatch(
            str(command.get("command", ""))
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description") or "")) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def update_type(update: JSONDict) -> str:
    return next(key for key in update if key != "update_id")


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def unix_now() -> int:
    return int(time.time())
