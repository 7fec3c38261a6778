"""The question a guided flow is waiting on in each private chat: text, buttons, message id.

Recorded by the bot whenever a flow step sends or edits a message (bot/runtime/questions.py),
read by the conversation framework when something off the script arrives: a typed answer is
matched to one of the buttons, or the question is asked again with them. It lives in SQLite
so that both work after a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.clock import to_db, utc_now
from storage.db import Database


@dataclass(frozen=True)
class PendingQuestion:
    chat_id: int
    flow: str
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None  # InlineKeyboardMarkup.to_dict()

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every button that sends something back, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            (str(button.get("text", "")), str(button["callback_data"]))
            for row in rows
            for button in row
            if isinstance(button, dict) and button.get("callback_data")
        ]


class PendingQuestions:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def remember(
        self,
        chat_id: int,
        flow: str,
        message_id: int,
        text: str,
        reply_markup: dict[str, Any] | None,
        *,
        now: datetime | None = None,
    ) -> None:
        markup = json.dumps(reply_markup) if reply_markup else None
        await self._db.write(
            "INSERT INTO pending_questions (chat_id, flow, message_id, text, reply_markup,"
            " asked_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
            " flow = excluded.flow, message_id = excluded.message_id, text = excluded.text,"
            " reply_markup = excluded.reply_markup, asked_at = excluded.asked_at",
            (chat_id, flow, message_id, text, markup, to_db(now or utc_now())),
        )

    async def update_if_current(
        self, chat_id: int, message_id: int, text: str | None, reply_markup: dict[str, Any] | None
    ) -> None:
        """An edit of the pending question itself (a calendar's next month, buttons removed
        once answered); edits of older messages change nothing. `text` None: unchanged."""
        markup = json.dumps(reply_markup) if reply_markup else None
        await self._db.write(
            "UPDATE pending_questions SET text = COALESCE(?, text), reply_markup = ?"
            " WHERE chat_id = ? AND message_id = ?",
            (text, markup, chat_id, message_id),
        )

    async def get(self, chat_id: int) -> PendingQuestion | None:
        row = await self._db.lookup("SELECT * FROM pending_questions WHERE chat_id = ?", (chat_id,))
        if row is None:
            return None
        markup = json.loads(row["reply_markup"]) if row["reply_markup"] else None
        return PendingQuestion(row["chat_id"], row["flow"], row["message_id"], row["text"], markup)

    async def forget(self, chat_id: int, flow: str | None = None) -> None:
        """The flow ended (or any flow, with `flow` None): nothing is pending any more."""
        # Mostly nothing is: a lookup spares the write (questions are recorded by the chat's
        # own updates, which run one at a time, so none can appear between the two).
        found = await self._db.lookup(
            "SELECT 1 FROM pending_questions WHERE chat_id = ? AND flow = COALESCE(?, flow)",
            (chat_id, flow),
        )
        if found is None:
            return
        await self._db.write(
            "DELETE FROM pending_questions WHERE chat_id = ? AND flow = COALESCE(?, flow)",
            (chat_id, flow),
        )
