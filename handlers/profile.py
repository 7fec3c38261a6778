"""/perfil (/profile): what Minka knows of me, and whether others may see my @username."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import callbacks as cb
from bot.context import MinkaContext
from bot.keyboards import keyboard
from bot.texts import Markup, label, t
from handlers.common import registered_member, stale_button
from storage.models import Member

LANGUAGE_NAMES = {"es": "Español", "en": "English"}


async def show_profile(update: Update, context: MinkaContext) -> None:
    message = update.effective_message
    assert message is not None
    member = await registered_member(update, context)
    if member is None:
        return
    text = await profile_text(context, member)
    await message.reply_text(text, reply_markup=contact_keyboard(member))


async def profile_text(context: MinkaContext, member: Member) -> Markup:
    lang = member.language
    details = ""
    if member.organization is not None:
        details += t(lang, "profile_organization", organization=member.organization.name)
    if member.school_id is not None:
        school = await context.storage.schools.get_by_id(member.school_id)
        if school is not None:
            details += t(lang, "profile_school", school=school.name)
    contact = (
        t(lang, "contact_shown", username=member.username)
        if member.share_contact
        else t(lang, "contact_hidden")
    )
    role = t(lang, f"role_{member.role.value}") if member.role else "—"
    return t(
        lang,
        "profile",
        name=member.name or "—",
        role=role,
        details=Markup(details),
        language=LANGUAGE_NAMES[lang],
        contact=contact,
    )


def contact_keyboard(member: Member) -> InlineKeyboardMarkup:
    lang = member.language
    if member.share_contact:
        return keyboard([[(label(lang, "btn_hide_contact"), cb.ContactSharing(False))]])
    return keyboard([[(label(lang, "btn_share_contact"), cb.ContactSharing(True))]])


async def on_contact_sharing(update: Update, context: MinkaContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    choice = cb.ContactSharing.unpack(query.data)
    member = await context.storage.members.get(user.id)
    if choice is None or member is None:
        await stale_button(update, context)
        return
    lang = member.language
    if choice.share and not user.username:
        await query.answer(label(lang, "contact_needs_username"), show_alert=True)
        return
    await context.storage.members.set_contact_sharing(
        user.id, user.username if choice.share else None
    )
    await query.answer()
    done = "contact_now_shown" if choice.share else "contact_now_hidden"
    updated = await context.storage.members.require(user.id)
    await query.edit_message_text(
        await profile_text(context, updated) + "\n\n" + t(lang, done, username=user.username or ""),
        reply_markup=contact_keyboard(updated),
    )
