"""Small builders for inline keyboards from (label, payload) pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.views.callbacks import Payload

Button = tuple[str, Payload]


def keyboard(rows: Iterable[Sequence[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=payload.pack()) for label, payload in row]
            for row in rows
        ]
    )


def column(buttons: Iterable[Button]) -> InlineKeyboardMarkup:
    """One button per row: easiest to hit on a small phone screen."""
    return keyboard([button] for button in buttons)
