"""The Bot API's wire types, limits and error answers, shared by every part of the fake."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

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
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# PTB sends strings raw and everything else JSON-encoded, so "123" in these fields is text.
RAW_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "inline_query_id", "url",
        "secret_token", "language_code", "next_offset", "action", "file_id", "document", "photo",
        "description", "short_description", "name", "inline_message_id", "title",
        "business_connection_id", "message_effect_id", "ip_address",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
ADMIN_RIGHTS: JSONDict = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": False, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
}  # fmt: skip
GIFT_TYPES = (
    "unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
    "gifts_from_channels",
)  # fmt: skip
SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_PREFIX_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")

WEBHOOK_MIN_BACKOFF = 0.05
WEBHOOK_MAX_BACKOFF = 1.0
WEBHOOK_TIMEOUT = 10.0
# wait_until re-checks at least this often, for conditions on state the fake cannot see change.
WAIT_POLL_INTERVAL = 0.05


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


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2
