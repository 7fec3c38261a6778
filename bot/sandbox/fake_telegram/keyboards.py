"""Inline and reply keyboards, validated as Telegram does (sizes, callback data of 64 bytes)."""

from __future__ import annotations

from typing import Any

from bot.sandbox.fake_telegram.api import (
    BUTTON_ACTIONS,
    MAX_CALLBACK_DATA_BYTES,
    MAX_INLINE_BUTTONS,
    JSONDict,
    bad_request,
)


def validate_reply_markup(markup: Any) -> JSONDict | None:
    """Check a reply_markup like Telegram does; return it unchanged (or None)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _validate_reply_keyboard(markup["keyboard"])
    elif not {"remove_keyboard", "force_reply"} & markup.keys():
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def inline_markup(markup: JSONDict | None) -> JSONDict | None:
    """The markup if it is an inline keyboard: the only kind a Message carries back."""
    return markup if markup and "inline_keyboard" in markup else None


def _keyboard_buttons(rows: Any, field_name: str) -> list[Any]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field_name}" of the keyboard must be an Array of Arrays')
    return [button for row in rows for button in row]


def _validate_inline_keyboard(rows: Any) -> None:
    buttons = _keyboard_buttons(rows, "inline_keyboard")
    if len(buttons) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long: too many inline keyboard buttons")
    for button in buttons:
        _validate_inline_button(button)


def _validate_inline_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button"
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise bad_request(f"{prefix}: Text must be non-empty")
    actions = [name for name in BUTTON_ACTIONS if name in button]
    if not actions:
        raise bad_request(f"{prefix}: Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(f"{prefix}: exactly one of the optional fields must be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _validate_reply_keyboard(rows: Any) -> None:
    for button in _keyboard_buttons(rows, "keyboard"):
        text = button.get("text") if isinstance(button, dict) else button
        if not isinstance(text, str) or not text.strip():
            raise bad_request("can't parse keyboard button: Text must be non-empty")
