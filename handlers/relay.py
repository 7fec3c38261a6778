"""Relayed messages: "✉️ Escribir a <organización>" under a clash warning and on /quien.

The person types a short message; the bot delivers it (through the outbox) to whoever
announced the activity, with their name and organization but no Telegram account, and with
"↩️ Responder" and "🚫 No recibir más". An answer comes back the same way. Storage enforces
who may answer or block, the receiver's block and the 24-hour limit (storage/relays.py); a
block is never revealed: the sender reads the same words as for any undeliverable message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.outbox.hooks import wake_delivery
from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.relay_views import person_label, relay_item
from bot.views.texts import t
from handlers.common import registered_member, stale_button
from handlers.conversations import Handler, conversation
from storage.activities import Activity
from storage.models import Member
from storage.outbox import OutboxItem
from storage.relays import (
    InvalidRelayText,
    NotYourRelay,
    RelayBlocked,
    RelayLimitReached,
    RelayMessage,
    Render,
)

FLOW = "relay"
TEXT = "relay_text"
END = ConversationHandler.END


async def send(update: Update, text: str) -> None:
    await chat_of(update).send_message(text)


# Starting: to an activity's author, to an organization at a school, or answering ----------------


async def on_write(update: Update, context: MinkaContext) -> str | int:
    payload = cb.RelayWrite.unpack(query_of(update).data)
    activity = await context.storage.activities.get(payload.activity_id) if payload else None
    return await start_writing(update, context, activity)


async def on_write_to_organization(update: Update, context: MinkaContext) -> str | int:
    payload = cb.RelayToOrganization.unpack(query_of(update).data)
    activities = context.storage.activities
    activity = (
        await activities.latest_with_author(payload.organization_id, payload.school_id)
        if payload
        else None
    )
    return await start_writing(update, context, activity)


async def start_writing(
    update: Update, context: MinkaContext, activity: Activity | None
) -> str | int:
    """Ask for the message, after checking there is someone else to write to."""
    member = await registered_member(update, context)
    if member is None or activity is None:
        await stale_button(update, context)
        return END
    await query_of(update).answer()
    lang = member.language
    if activity.author_id is None:
        await send(update, t(lang, "relay_nobody"))
        return END
    if activity.author_id == member.user_id:
        await send(update, t(lang, "relay_own"))
        return END
    who = person_label(await context.storage.members.get(activity.author_id), lang)
    await context.storage.drafts.update(member.user_id, FLOW, activity_id=activity.id, who=who)
    await send(update, t(lang, "relay_ask", who=who))
    return TEXT


async def on_answer(update: Update, context: MinkaContext) -> str | int:
    query, user = query_of(update), user_of(update)
    payload = cb.RelayAnswer.unpack(query.data)
    answered = await context.storage.relays.get(payload.message_id) if payload else None
    member = await registered_member(update, context)
    if member is None or answered is None or answered.recipient_id != user.id:
        await stale_button(update, context)
        return END
    await query.answer()
    who = person_label(await context.storage.members.get(answered.sender_id), member.language)
    await context.storage.drafts.update(user.id, FLOW, answer_to=answered.id, who=who)
    await send(update, t(member.language, "relay_ask_answer", who=who))
    return TEXT


# The message ------------------------------------------------------------------------------------


async def on_text(update: Update, context: MinkaContext) -> str | int:
    user, message = user_of(update), message_of(update)
    draft = await context.storage.drafts.get(user.id, FLOW)
    member = await context.member()
    if member is None or "who" not in draft:  # the draft expired or was erased
        await send(update, t(await context.language(), "flow_expired"))
        return END
    try:
        await relay(context, member, draft, message.text or "")
    except InvalidRelayText as error:
        await send(update, t(member.language, "relay_text_invalid", length=error.length))
        return TEXT
    except RelayLimitReached as error:
        await send(update, t(member.language, "relay_limit", count=error.sent))
    except (RelayBlocked, NotYourRelay):
        await send(update, t(member.language, "relay_not_delivered", who=draft["who"]))
    else:
        wake_delivery(context)
        await send(update, t(member.language, "relay_sent", who=draft["who"]))
    await context.storage.drafts.clear(user.id, FLOW)
    return END


async def relay(context: MinkaContext, sender: Member, draft: dict[str, Any], text: str) -> None:
    """Send a first message or an answer, rendered in the receiver's language."""
    relays, per_day = context.storage.relays, context.settings.max_relays_per_day
    if "answer_to" in draft:
        answered = await relays.get(int(draft["answer_to"]))
        if answered is None:
            raise NotYourRelay("the answered message is gone")
        render = await renderer(context, sender, answered.sender_id, answered.activity_id)
        await relays.answer(sender.user_id, answered.id, text, render, per_day=per_day)
        return
    activity = await context.storage.activities.get(int(draft["activity_id"]))
    if activity is None or activity.author_id is None:
        raise NotYourRelay("nobody to write to any more")
    render = await renderer(context, sender, activity.author_id, activity.id)
    await relays.send(
        sender.user_id, activity.author_id, text, render, activity_id=activity.id, per_day=per_day
    )


async def renderer(
    context: MinkaContext, sender: Member, recipient_id: int, activity_id: int | None
) -> Render:
    """The delivery of a message to `recipient_id`, in their language."""
    recipient = await context.storage.members.get(recipient_id)
    lang = recipient.language if recipient else context.settings.default_language
    activity = await context.storage.activities.get(activity_id) if activity_id else None
    about = activity.title if activity else None

    def render(message: RelayMessage) -> OutboxItem:
        return relay_item(message, sender, about, lang)

    return render


# Blocking ---------------------------------------------------------------------------------------


async def on_block(update: Update, context: MinkaContext) -> None:
    query, user = query_of(update), user_of(update)
    payload = cb.RelayBlock.unpack(query.data)
    try:
        if payload is None:
            raise NotYourRelay("tampered")
        blocked = await context.storage.relays.block_sender_of(user.id, payload.message_id)
    except NotYourRelay:
        await stale_button(update, context)
        return
    await query.answer()
    lang = await context.language()
    who = person_label(await context.storage.members.get(blocked.sender_id), lang)
    await send(update, t(lang, "relay_blocked", who=who))


def handlers() -> list[Handler]:
    entries: list[Handler] = [
        CallbackQueryHandler(on_write, pattern=cb.RelayWrite.matches()),
        CallbackQueryHandler(on_write_to_organization, pattern=cb.RelayToOrganization.matches()),
        CallbackQueryHandler(on_answer, pattern=cb.RelayAnswer.matches()),
    ]
    states: dict[object, list[Handler]] = {
        TEXT: [MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, on_text)]
    }
    own = (cb.RelayWrite, cb.RelayToOrganization, cb.RelayAnswer)
    flow = conversation(FLOW, entries, states, own, timeout=timedelta(minutes=30))
    return [flow, CallbackQueryHandler(on_block, pattern=cb.RelayBlock.matches())]
