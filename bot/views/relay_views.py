"""How a relayed message looks to its receiver: who wrote (name and organization, never the
Telegram account), about which activity, the text, and "Responder" / "No recibir más"."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.views import callbacks as cb
from bot.views.texts import Markup, label, t
from storage.models import Member
from storage.outbox import OutboxItem
from storage.relays import RelayMessage

MAX_NAME_ON_BUTTON = 40


def person_label(member: Member | None, lang: str) -> str:
    """ "Ana Quispe (Fundación Ayni)": what the privacy notice says others see of a person."""
    if member is None or not member.name:
        return label(lang, "relay_someone")
    if member.organization is None:
        return member.name
    return label(lang, "relay_person", name=member.name, org=member.organization.name)


def relay_item(
    message: RelayMessage, sender: Member | None, about: str | None, lang: str
) -> OutboxItem:
    """The message as delivered to `message.recipient_id`, in the receiver's language."""
    who = person_label(sender, lang)
    key = "relay_answer_received" if message.reply_to else "relay_received"
    about_text = t(lang, "relay_about", title=about) if about else Markup("")
    text = t(lang, key, who=who, about=about_text, text=message.text)
    keyboard = relay_keyboard(message.id, who, lang)
    return OutboxItem(message.recipient_id, str(text), keyboard.to_dict())


def relay_keyboard(message_id: int, who: str, lang: str) -> InlineKeyboardMarkup:
    short = who if len(who) <= MAX_NAME_ON_BUTTON else who[: MAX_NAME_ON_BUTTON - 1] + "…"
    answer = cb.RelayAnswer(message_id).pack()
    block = cb.RelayBlock(message_id).pack()
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label(lang, "btn_relay_answer"), callback_data=answer)],
            [InlineKeyboardButton(label(lang, "btn_relay_block", who=short), callback_data=block)],
        ]
    )


def write_button(organization: str, payload: cb.Payload, lang: str) -> InlineKeyboardButton:
    """ "✉️ Escribir a Fundación Ayni", under a clash warning or an organization on /quien."""
    text = label(lang, "btn_relay_write", org=organization)
    return InlineKeyboardButton(text[:60], callback_data=payload.pack())
