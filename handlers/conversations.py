"""The conversation framework: every guided flow (onboarding, announcing, /perfil...) is built
by `conversation()`, which adds Minka's standard behaviour on top of PTB's ConversationHandler:
/cancelar from any step, typed answers to button questions, the question asked again for
off-script input, one flow at a time, idle expiry.

Typed answers: while a step runs, the question it sends is recorded (bot.runtime.questions).
When text arrives that no handler of the current step takes, and the pending question has
buttons, the text is matched to their labels (bot.domain.choices: accents, case and a close
spelling do not matter): the one it means is pressed, through the same handler a tap would
reach. Otherwise the question is asked again with its buttons, which also serves a person
coming back after a restart to a screen that no longer shows it.

Answers folded into prompts (`fold_answers=True`): a tap on the flow's current prompt edits
that prompt into the choice and the next prompt in one call, instead of taking its buttons away
and sending a new message (bot.runtime.folding does the sending; here is decided when). A typed
answer gets the next prompt as a new message below it, as before.

The one use of PTB's private API (ending another ConversationHandler's state) lives in
`end_other_flows` and nowhere else.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.domain.choices import exact_choice, match_choice
from bot.runtime import folding
from bot.runtime.context import MinkaContext
from bot.runtime.questions import asking_flow
from bot.runtime.updates import chat_of, message_of, user_of
from bot.views import callbacks as cb
from bot.views.commands import CANCEL
from bot.views.texts import Markup, t
from handlers.common import stale_button
from storage.clock import from_db, to_db
from storage.questions import PendingQuestion


async def cancel(update: Update, context: MinkaContext) -> int:
    """/cancelar inside any conversation: leave it, keep what was already saved."""
    context.user_data.start_payload = None
    lang = await context.language()
    await message_of(update).reply_text(t(lang, "cancelled"))
    await _forget_question(update, context, None)
    return ConversationHandler.END


def _off_script(flow: str) -> Callback:
    async def off_script(update: Update, context: MinkaContext) -> None:
        """Something the step does not take arrived: the button it means, or the question
        again with its buttons. The state is kept either way."""
        pending = await context.storage.questions.get(chat_of(update).id)
        if pending is None or pending.flow != flow:
            lang = await context.language()
            await message_of(update).reply_text(t(lang, "off_script"))
            return
        if await _press_typed_answer(update, context, flow, pending, match_choice):
            return
        await _ask_again(update, context, flow, pending)

    return off_script


def _buttons_first(callback: Callback, flow: str) -> Callback:
    """A step that takes typed text and also offers buttons ("Omitir", "Sí"): text that spells
    a button out is that button; anything else is the step's own answer."""

    async def text_step(update: Update, context: MinkaContext) -> Any:
        pending = await context.storage.questions.get(chat_of(update).id)
        if (
            pending is not None
            and pending.flow == flow
            and pending.buttons
            and await _press_typed_answer(update, context, flow, pending, exact_choice)
        ):
            return None  # the pressed button's handler moved the flow on
        return await callback(update, context)

    return text_step


Matcher = Callable[[str, Sequence[str]], int | None]


async def _press_typed_answer(
    update: Update, context: MinkaContext, flow: str, pending: PendingQuestion, matcher: Matcher
) -> bool:
    """Press the button the typed text means, if exactly one; False if none was pressed."""
    text = message_of(update).text
    index = matcher(text, [label for label, _ in pending.buttons]) if text else None
    if index is None:
        return False
    pressed = _typed_press(update, context, pending, pending.buttons[index][1])
    conversation = next(c for c in context.bot_data.conversations if c.name == flow)
    check = conversation.check_update(pressed)
    if check is None or check is False:
        return False  # a button of an earlier step: this step cannot take it
    await conversation.handle_update(pressed, context.application, check, context)
    return True


class TypedPress(CallbackQuery):
    """A button pressed by typing its label: no query to answer, the rest is a real press."""

    __slots__ = ()

    async def answer(self, *args: Any, **kwargs: Any) -> bool:
        return True


def _typed_press(
    update: Update, context: MinkaContext, pending: PendingQuestion, data: str
) -> Update:
    question = Message(pending.message_id, message_of(update).date, chat_of(update))
    question.set_bot(context.bot)
    query = TypedPress(
        f"typed-{update.update_id}", user_of(update), "typed", message=question, data=data
    )
    query.set_bot(context.bot)
    return Update(update.update_id, callback_query=query)


async def _ask_again(
    update: Update, context: MinkaContext, flow: str, pending: PendingQuestion
) -> None:
    """The pending question again, as a new message with its buttons (it becomes the pending
    one): whatever the screen shows now, the person sees what is asked and how to answer."""
    lang = await context.language()
    typed = message_of(update).text
    key = "ask_again_buttons" if pending.buttons else "ask_again"
    intro = t(lang, key, text=typed[:60]) if typed else t(lang, "ask_again_not_text")
    markup = (
        InlineKeyboardMarkup.de_json(pending.reply_markup, context.bot)
        if pending.reply_markup
        else None
    )
    sent = await message_of(update).reply_text(
        t(lang, "ask_again_question", intro=intro, question=Markup(pending.text)),
        reply_markup=markup,
    )
    # The new message is the pending question now, but what it asks is still the question alone:
    # recorded with the intro, a second wrong answer would repeat the intro twice.
    await context.storage.questions.remember(
        sent.chat_id, flow, sent.message_id, pending.text, pending.reply_markup
    )


async def _forget_question(update: Update, context: MinkaContext, flow: str | None) -> None:
    if update.effective_chat is not None:
        await context.storage.questions.forget(update.effective_chat.id, flow)


Handler = BaseHandler[Update, MinkaContext, Any]


def conversation(
    name: str,
    entry_points: Sequence[Handler],
    states: dict[object, list[Handler]],
    own_buttons: Sequence[type[cb.Payload]],
    timeout: timedelta | None = None,
    *,
    fold_answers: bool = False,
) -> ConversationHandler[MinkaContext]:
    """A persistent conversation with Minka's standard behaviour:
    - /cancelar from any step, a polite answer to its own buttons pressed at the wrong step, and
      guidance when something unexpected is typed (other buttons pass through to their handlers);
    - one flow at a time: starting a flow ends the person's other flows, so that two flows never
      compete for the same typed answer;
    - with `timeout`, a flow idle that long ends politely at the next update (this also holds
      after a restart, when PTB's own conversation timer is not re-armed) or when the timer fires;
    - with `fold_answers`, a tap on the current prompt becomes one edit of it (see the module).
      Only for flows whose taps are answered with prompts: a flow whose steps end in a message
      the person keeps as a record ("publicado") would see it folded into the preview.
    """
    prefixes = {payload.prefix for payload in own_buttons}
    fallbacks: list[Handler] = [
        CommandHandler(CANCEL.names, cancel),
        CallbackQueryHandler(stale_button, pattern=lambda data: _prefix(data) in prefixes),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, _off_script(name)),
    ]
    for handler in entry_points:
        handler.callback = _as_entry(handler.callback, name, timeout)
    for handlers in states.values():
        for handler in handlers:
            if isinstance(handler, MessageHandler):
                handler.callback = _buttons_first(handler.callback, name)
            handler.callback = _as_step(handler.callback, name, timeout, fold_answers)
    if timeout is not None:
        states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, _on_timer(name))]
    with warnings.catch_warnings():
        # PTB warns that per_message=False does not track buttons per message. That is what we
        # want: a person has one flow of each kind, whichever message its buttons are on.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=list(entry_points),
            states=states,
            fallbacks=fallbacks,
            name=name,
            persistent=True,
            allow_reentry=True,
            conversation_timeout=timeout,
        )


Callback = Callable[[Update, MinkaContext], Coroutine[Any, Any, Any]]


def _as_entry(callback: Callback, flow: str, timeout: timedelta | None) -> Callback:
    async def enter(update: Update, context: MinkaContext) -> Any:
        end_other_flows(update, context, flow)
        if timeout is not None:  # a fresh start: nothing of an earlier run of this flow remains
            await _start_afresh(update, context, flow)
        return await _asking(callback, update, context, flow)

    return enter


def _as_step(callback: Callback, flow: str, timeout: timedelta | None, fold: bool) -> Callback:
    async def step(update: Update, context: MinkaContext) -> Any:
        if timeout is not None:
            if await _idle_too_long(update, context, flow, timeout):
                return await expire_flow(update, context, flow)
            await _touch(update, context, flow)
        return await _asking(callback, update, context, flow, fold=fold)

    return step


async def _asking(
    callback: Callback, update: Update, context: MinkaContext, flow: str, *, fold: bool = False
) -> Any:
    """Run a step with its questions recorded; once the flow ends, nothing is pending."""
    token = asking_flow.set(flow)
    try:
        prompt = await _tapped_prompt(update, context, flow) if fold else None
        state = await (
            _folding(callback, update, context, prompt) if prompt else callback(update, context)
        )
    finally:
        asking_flow.reset(token)
    if state == ConversationHandler.END:
        await _forget_question(update, context, flow)
    return state


async def _folding(
    callback: Callback, update: Update, context: MinkaContext, prompt: folding.Fold
) -> Any:
    """The step with its next prompt folded into the tapped one; a removal of the tapped
    prompt's buttons that nothing replaced is made at the end, whatever happened."""
    limiter = context.bot.rate_limiter
    assert isinstance(limiter, folding.FoldingLimiter), "build_application sets it"
    token = folding.arm(prompt)
    try:
        return await callback(update, context)
    finally:
        folding.disarm(token)
        await limiter.release(prompt)


async def _tapped_prompt(update: Update, context: MinkaContext, flow: str) -> folding.Fold | None:
    """The fold for a real tap on a button of this flow's current prompt; None for a typed
    answer, a tap on an older message (a card, a notification, a reminder) or a stale one."""
    query = update.callback_query
    if query is None or isinstance(query, TypedPress) or not isinstance(query.message, Message):
        return None
    message = query.message
    if message.text is None:
        return None
    pending = await context.storage.questions.get(message.chat.id)
    if pending is None or pending.flow != flow or pending.message_id != message.message_id:
        return None
    # The label as the person saw it, from the prompt as recorded: a button it no longer has
    # (a double tap before the edit landed) folds nothing.
    choice = next((label for label, data in pending.buttons if data == query.data), None)
    if choice is None:
        return None
    record = t(await context.language(), "answer_record", choice=choice)
    head = f"{message.text_html}\n\n{record}"
    length = folding.utf16_length(message.text) + 2 + folding.utf16_length(record)
    return folding.Fold(message.chat.id, message.message_id, head, length)


async def _touch(update: Update, context: MinkaContext, flow: str) -> None:
    if update.effective_user is not None:
        user_id = update.effective_user.id
        await context.storage.drafts.update(user_id, flow, touched=to_db(context.now()))


async def _start_afresh(update: Update, context: MinkaContext, flow: str) -> None:
    """Forget what an earlier run of the flow collected and note when this one started, in
    one write before the flow's first question."""
    if update.effective_user is not None:
        user_id = update.effective_user.id
        await context.storage.drafts.replace(user_id, flow, touched=to_db(context.now()))


async def _clear(update: Update, context: MinkaContext, flow: str) -> None:
    if update.effective_user is not None:
        await context.storage.drafts.clear(update.effective_user.id, flow)


async def _idle_too_long(
    update: Update, context: MinkaContext, flow: str, idle_limit: timedelta
) -> bool:
    user = update.effective_user
    if user is None:
        return False
    touched = from_db((await context.storage.drafts.get(user.id, flow)).get("touched"))
    return touched is None or context.now() - touched > idle_limit


def _on_timer(flow: str) -> Callback:
    async def timed_out(update: Update, context: MinkaContext) -> int:
        # PTB's timer hands us the context of the flow's last update, minutes old: the language
        # cached then may have changed since (/idioma).
        context.forget_language()
        return await expire_flow(update, context, flow)

    return timed_out


async def expire_flow(update: Update, context: MinkaContext, flow: str) -> int:
    """Drop what the flow collected and say so, politely, in the person's language."""
    await _clear(update, context, flow)
    await _forget_question(update, context, flow)
    chat = update.effective_chat
    if update.callback_query is not None:
        # When PTB's timer fires long after the last tap, that query is too old to answer.
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer()
    if chat is not None:
        await chat.send_message(t(await context.language(), "flow_expired"))
    return ConversationHandler.END


def end_other_flows(update: Update, context: MinkaContext, flow: str) -> None:
    """End the person's other conversations.

    PTB has no public call for this; ConversationHandler keeps states in `_conversations`
    (a TrackingDict, so our persistence sees the removal) and `_update_state(END, key)` is
    what it runs itself when a callback returns END. Pinned to python-telegram-bot 22.x.
    """
    for other in context.bot_data.conversations:
        if other.name != flow:
            other._update_state(ConversationHandler.END, other._get_key(update))


def _prefix(data: object) -> str | None:
    return data.split(cb.SEPARATOR, 1)[0] if isinstance(data, str) else None
