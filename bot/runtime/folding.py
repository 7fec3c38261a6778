"""Fewer Bot API calls per step of a guided flow: the prompt a person tapped becomes the answer
plus the next prompt, in one editMessageText.

Before, a tap on a prompt's button cost three calls: answerCallbackQuery, an edit taking the
prompt's buttons away, and a new message with the next prompt. Every call naming a chat counts
against Telegram's ~30 a second, so on a crowd day (300 people scanning a QR at once) the
second call doubled everybody's wait. Now:

- a step the conversation framework runs for a tap on the flow's current prompt is "armed"
  (`arm`) with that prompt and a short record of the choice ("✓ Docente");
- while it runs, taking that prompt's buttons away is held back, and the step's first new text
  message to the chat is sent as an edit of the prompt: its text, the record, the new text and
  the new buttons. What the person chose stays readable and the next question appears in place,
  under the last thing they did (they tapped, they typed nothing);
- anything else closes the fold first (a second message, a photo, an edit of another message,
  a text too long for one message), and a held removal of the buttons is
  then made for real, so nothing is half-done. `release` makes it at the end of a step that
  sent nothing.

Only the task that armed the fold, and only replies, are folded: a notification to the same
person sent by the outbox, or by a task the step started, is never edited into a prompt.

answerCallbackQuery without a text (the plain acknowledgement of a tap) is sent concurrently,
not awaited: it does not count against chat limits and the person's visible answer need not
wait for its round trip. An answer with a text is itself what the person sees and is awaited.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram.error import BadRequest, TelegramError

from bot.runtime.rate_limit import Answer, Priority, Request, SharedRateLimiter

log = logging.getLogger(__name__)

# Telegram's limit for a message's text, counted in UTF-16 code units after entity parsing.
MAX_TEXT_UTF16 = 4096
# sendMessage parameters that editMessageText takes too; any other one (a reply, entities,
# protect_content...) means the message is not a plain prompt and is sent as it is.
_EDIT_KEYS = frozenset({"chat_id", "text", "parse_mode", "reply_markup", "link_preview_options"})


@dataclass(eq=False)
class Fold:
    """The prompt a tap answered, and what happened to it during the step."""

    chat_id: int
    message_id: int
    head: str  # the prompt's text (HTML) and the record of the choice
    head_utf16: int  # an upper bound of the head's length once Telegram parsed it
    owner: asyncio.Task[Any] | None = field(default_factory=asyncio.current_task)
    closed: bool = False
    folded: bool = False
    held_removal: tuple[Request, Any, dict[str, Any], dict[str, Any]] | None = None


_current: ContextVar[Fold | None] = ContextVar("folding_prompt", default=None)


def arm(fold: Fold) -> object:
    """Fold this step's next prompt into `fold`'s message; returns the token for `disarm`."""
    return _current.set(fold)


def disarm(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FoldingLimiter(SharedRateLimiter):
    """The shared send budget, folding an armed step's prompt (see the module docstring)."""

    def __init__(self, **limits: Any) -> None:
        super().__init__(**limits)
        self._acknowledgements: set[asyncio.Task[Answer]] = set()

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Answer:
        send = _Send(callback, args, kwargs, endpoint, data, rate_limit_args)
        if endpoint == "answerCallbackQuery" and not data.get("text"):
            return self._acknowledge(send)
        fold = _current.get()
        if fold is None or not _applies(fold, rate_limit_args):
            return await self._forward(send)
        return await self._through_fold(fold, send)

    async def release(self, fold: Fold) -> None:
        """At the end of a step: a removal of the prompt's buttons held back and not folded
        into a new prompt is made now."""
        fold.closed = True
        held, fold.held_removal = fold.held_removal, None
        if held is not None:  # through the whole chain: the question's record sees it too
            callback, args, kwargs, data = held
            try:
                await self.process_request(callback, args, kwargs, _MARKUP, data, None)
            except BadRequest as exc:  # already gone (pressed twice, or deleted): nothing to do
                log.debug("keyboard not removed: %s", exc)
            except TelegramError as exc:
                # Only looks: the step's answer is out and its state must still be saved, so
                # a removal that failed even after its retries must not fail the step.
                log.warning("the answered prompt kept its buttons: %s", exc)

    async def _through_fold(self, fold: Fold, send: _Send) -> Answer:
        if fold.folded and _is_removal(send) and _same_message(fold, send.data):
            return True  # the message is the new prompt now: its buttons are not the old ones
        if not fold.closed and _same_message(fold, send.data):
            if _is_removal(send):
                fold.held_removal = (send.callback, send.args, send.kwargs, send.data)
                return True  # PTB returns True for an edit that answers True
            fold.closed = True  # the step edits the prompt itself: that is its answer
            fold.held_removal = None
            return await self._forward(send)
        if not fold.closed and send.endpoint == "sendMessage" and _fits(fold, send.data):
            return await self._fold(fold, send)
        if _chat_id(send.data) == fold.chat_id:
            await self.release(fold)
        return await self._forward(send)

    async def _fold(self, fold: Fold, send: _Send) -> Answer:
        """The new prompt as an edit of the tapped one; if Telegram refuses the edit (the person
        deleted the prompt), the new prompt is sent as a message after all."""
        fold.closed = True
        try:
            answer = await self._forward(_as_prompt_edit(fold, send))
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                # A retry of an edit that timed out but had landed: the tapped message shows
                # the new prompt already, so its buttons stay; the prompt is sent anew below
                # (PTB needs the sent message back), and the question is recorded on that one.
                fold.held_removal = None
            log.info("could not edit the prompt into the next one (%s); sent anew", exc)
            await self.release(fold)
            return await self._forward(send)
        fold.folded, fold.held_removal = True, None
        return answer

    async def _forward(self, send: _Send) -> Answer:
        return await super().process_request(
            send.callback, send.args, send.kwargs, send.endpoint, send.data, send.priority
        )

    def _acknowledge(self, send: _Send) -> Answer:
        task = asyncio.create_task(self._acknowledge_now(send))
        self._acknowledgements.add(task)  # held until done: the loop keeps only weak refs
        task.add_done_callback(self._acknowledgements.discard)
        return True

    async def _acknowledge_now(self, send: _Send) -> Answer:
        try:
            return await self._forward(send)
        except TelegramError as exc:  # too old, or Telegram's blip: the tap was handled anyway
            log.info("answerCallbackQuery failed (%s); the step went on", exc)
            return False


_MARKUP = "editMessageReplyMarkup"


@dataclass(frozen=True)
class _Send:
    callback: Request
    args: Any
    kwargs: dict[str, Any]
    endpoint: str
    data: dict[str, Any]
    priority: Priority | None


def _applies(fold: Fold, priority: Priority | None) -> bool:
    """Only the armed step's own replies: not the outbox, not a task the step started."""
    return priority in (None, Priority.REPLY) and fold.owner is asyncio.current_task()


def _chat_id(data: dict[str, Any]) -> int | None:
    value = data.get("chat_id")
    return int(value) if isinstance(value, int | str) and str(value).lstrip("-").isdigit() else None


def _is_removal(send: _Send) -> bool:
    """An edit that only takes a message's buttons away."""
    return send.endpoint == _MARKUP and send.data.get("reply_markup") is None


def _same_message(fold: Fold, data: dict[str, Any]) -> bool:
    return _chat_id(data) == fold.chat_id and data.get("message_id") == fold.message_id


def _fits(fold: Fold, data: dict[str, Any]) -> bool:
    """A plain HTML text message to the prompt's chat whose folded text fits one message (the
    new text's HTML length bounds its parsed length)."""
    text = data.get("text")
    return (
        _chat_id(data) == fold.chat_id
        and set(data) <= _EDIT_KEYS
        and data.get("parse_mode") == "HTML"
        and isinstance(text, str)
        and fold.head_utf16 + 2 + utf16_length(text) <= MAX_TEXT_UTF16
    )


def _as_prompt_edit(fold: Fold, send: _Send) -> _Send:
    data = {
        **send.data,
        "message_id": fold.message_id,
        "text": f"{fold.head}\n\n{send.data['text']}",
    }
    edit = "editMessageText"
    return _Send(send.callback, (edit, data), send.kwargs, edit, data, send.priority)
