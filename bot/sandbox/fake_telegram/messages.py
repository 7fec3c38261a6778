"""Bot API methods: sending, editing and deleting messages, files and chat actions."""

from __future__ import annotations

import secrets
from typing import Any

from bot.sandbox.fake_telegram.api import (
    CHAT_ACTIONS,
    MAX_CAPTION_LENGTH,
    MAX_DOWNLOAD_BYTES,
    MAX_TEXT_LENGTH,
    MAX_UPLOAD_BYTES,
    NOT_MODIFIED,
    ApiError,
    JSONDict,
    Params,
    bad_request,
)
from bot.sandbox.fake_telegram.formatting import FormattedText, format_text
from bot.sandbox.fake_telegram.keyboards import inline_markup, validate_reply_markup
from bot.sandbox.fake_telegram.model import FakeChat, MessageEdit, SentMessage, UploadedFile, as_int
from bot.sandbox.fake_telegram.state import FakeState


class MessageMethods(FakeState):
    """sendMessage, sendDocument, sendPhoto, editMessage*, deleteMessage, getFile."""

    # -- Bot API methods: messages --

    @staticmethod
    def _formatted_text_param(params: Params) -> FormattedText:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        formatted = format_text(
            text, params.get("parse_mode"), limit=MAX_TEXT_LENGTH, too_long="message is too long"
        )
        if not formatted.plain.strip():
            raise bad_request("message text is empty")
        return formatted

    def _check_reply_target(self, chat: FakeChat, params: Params) -> None:
        """Telegram refuses replies to messages it can't find, unless told not to mind."""
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict) or reply.get("allow_sending_without_reply"):
            return
        if reply.get("chat_id") not in (None, chat.id):
            return  # replies across chats are not modelled
        message_id = as_int(reply.get("message_id"))
        if message_id in self._user_message_ids.get(chat.id, set()):
            return
        if self._find_sent(chat.id, message_id) is None:
            raise bad_request("message to be replied not found")

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
            raise bad_request(f"there is no {kind} in the request")
        if not isinstance(value, UploadedFile):
            raise bad_request("wrong file identifier/HTTP URL specified")
        if len(value.content) > MAX_UPLOAD_BYTES[kind]:
            raise ApiError(413, "Request Entity Too Large")
        file_id = f"{kind}-{len(self._files) + 1}-{secrets.token_hex(4)}"
        self._files[file_id] = value
        return value, file_id

    def _editable_message(self, params: Params) -> tuple[FakeChat, SentMessage]:
        if params.get("inline_message_id"):
            raise bad_request("message to edit not found")  # inline messages are not modelled
        chat = self._writable_chat(params)
        message = self._find_sent(chat.id, as_int(params.get("message_id")))
        if message is None:
            raise bad_request("message to edit not found")
        return chat, message

    @staticmethod
    def _edit_markup_param(params: Params) -> JSONDict | None:
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None and inline_markup(markup) is None:
            raise bad_request("inline keyboard expected")
        return markup

    async def _edit_message_text(self, params: Params) -> JSONDict:
        chat, message = self._editable_message(params)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        formatted = self._formatted_text_param(params)
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        markup = self._edit_markup_param(params)
        old = (message.plain_text, message.entities, inline_markup(message.reply_markup))
        if (formatted.plain, formatted.entities, markup) == old:
            raise bad_request(NOT_MODIFIED)
        text_changed = (formatted.plain, formatted.entities) != old[:2]
        message.text, message.parse_mode = params["text"], params.get("parse_mode")
        message.plain_text, message.entities = formatted.plain, formatted.entities
        message.reply_markup = markup
        return self._record_edit(chat, message, text_changed=text_changed)

    async def _edit_message_reply_markup(self, params: Params) -> JSONDict:
        chat, message = self._editable_message(params)
        markup = self._edit_markup_param(params)
        if markup == inline_markup(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        return self._record_edit(chat, message)

    def _record_edit(
        self, chat: FakeChat, message: SentMessage, *, text_changed: bool = False
    ) -> JSONDict:
        message.edits.append(MessageEdit(message.text, message.parse_mode, message.reply_markup))
        self._record_event(chat.id, "edited", message, text_changed=text_changed)
        return self._message_to_api(message, chat)

    async def _delete_message(self, params: Params) -> bool:
        chat = self._writable_chat(params)
        message_id = as_int(params.get("message_id"))
        if message_id in self._user_message_ids.get(chat.id, set()):
            self._user_message_ids[chat.id].discard(message_id)
            return True
        message = self._find_sent(chat.id, message_id)
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        self._record_event(chat.id, "deleted", message)
        return True

    async def _send_chat_action(self, params: Params) -> bool:
        self._writable_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _get_file(self, params: Params) -> JSONDict:
        file_id = str(params.get("file_id") or "")
        upload = self._files.get(file_id)
        if upload is None:
            raise bad_request("invalid file_id")
        if len(upload.content) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(upload.content),
            "file_path": f"files/{file_id}",
        }
