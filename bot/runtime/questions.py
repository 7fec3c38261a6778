"""Remember the question each guided flow is waiting on, whichever step asked it.

Every request to Telegram passes through the rate limiter, so that is where a flow's
questions are seen: while a flow step runs (`asking_flow` is set by the conversation
framework), each message it sends or edits in a private chat is recorded in
`storage.questions`, text and buttons. The framework then reads it when a typed answer
arrives for a button question (to press the button it means) or something off the script
(to ask the question again, with its buttons, also after a restart). No step has to
declare its question.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.runtime.folding import FoldingLimiter
from bot.runtime.rate_limit import Answer, Priority, Request
from storage import Storage, StorageError

log = logging.getLogger(__name__)

# The flow whose step is running in this task, set by handlers.conversations.
asking_flow: ContextVar[str | None] = ContextVar("asking_flow", default=None)

SENDS = frozenset({"sendMessage"})
EDITS = frozenset({"editMessageText", "editMessageReplyMarkup"})


class QuestionRecordingLimiter(FoldingLimiter):
    """The shared send budget, also recording the questions flows ask (see the module). It
    sees a folded prompt (bot.runtime.folding) as the message the step sent: the question
    recorded is the new prompt alone, under the message id it now lives in."""

    def __init__(self, storage: Storage, **limits: Any) -> None:
        super().__init__(**limits)
        self._storage = storage

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Answer:
        answer = await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
        flow = asking_flow.get()
        if flow is not None and isinstance(answer, dict) and endpoint in SENDS | EDITS:
            try:
                await self._record(flow, endpoint, data, answer)
            except StorageError:  # the question was sent; failing to remember it is no reason
                log.warning("could not remember the question of %s", flow, exc_info=True)
        return answer

    async def _record(
        self, flow: str, endpoint: str, data: dict[str, Any], answer: dict[str, Any]
    ) -> None:
        chat = answer.get("chat") or {}
        if chat.get("type") != "private" or "message_id" not in answer:
            return
        markup = data.get("reply_markup")
        keyboard = markup.to_dict() if isinstance(markup, InlineKeyboardMarkup) else None
        text = data.get("text")
        questions = self._storage.questions
        if endpoint in SENDS and isinstance(text, str):
            await questions.remember(chat["id"], flow, answer["message_id"], text, keyboard)
        elif endpoint in EDITS:
            edited = text if isinstance(text, str) else None
            await questions.update_if_current(chat["id"], answer["message_id"], edited, keyboard)
