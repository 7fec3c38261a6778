"""/perfil (/profile): what Minka knows of me, and whether others may see my @username."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.commands import PROFILE
from bot.views.keyboards import Button, keyboard
from bot.views.texts import Markup, label, t
from handlers.common import registered_member, stale_button
from handlers.conversations import Handler, conversation
from handlers.organizations import (
    ORGANIZATION_BUTTONS,
    join_from_button,
    offer_organizations,
    typed_names,
)
from storage.members import InvalidName
from storage.models import Member, Role

LANGUAGE_NAMES = {"es": "Español", "en": "English"}


async def show_profile(update: Update, context: MinkaContext) -> None:
    message = message_of(update)
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
    """Correct the name, change organization (not teachers: they have a school), show or hide
    the contact."""
    lang = member.language
    rows: list[list[Button]] = [[(label(lang, "btn_edit_name"), cb.ProfileEdit(NAME))]]
    if member.role is not Role.TEACHER:
        rows.append([(label(lang, "btn_edit_org"), cb.ProfileEdit(ORGANIZATION))])
    key = "btn_hide_contact" if member.share_contact else "btn_share_contact"
    rows.append([(label(lang, key), cb.ContactSharing(not member.share_contact))])
    return keyboard(rows)


# Corrections ---------------------------------------------------------------------------------

FLOW = "profile"
NAME, ORGANIZATION = "n", "o"
ASK_NAME, ASK_ORG, PICK_ORG = "name", "org", "pick_org"


async def start_edit(update: Update, context: MinkaContext) -> str | int:
    query = query_of(update)
    choice = cb.ProfileEdit.unpack(query.data)
    member = await registered_member(update, context)
    if member is None or choice is None or choice.field not in (NAME, ORGANIZATION):
        await query.answer()
        return ConversationHandler.END
    await query.answer()
    if choice.field == NAME:
        await send(update, t(member.language, "ask_new_name"))
        return ASK_NAME
    await send(update, t(member.language, "ask_org"))
    return ASK_ORG


async def on_new_name(update: Update, context: MinkaContext) -> str | int:
    lang = await context.language()
    try:
        await context.storage.members.set_name(user_of(update).id, message_of(update).text or "")
    except InvalidName:
        await send(update, t(lang, "name_invalid"))
        return ASK_NAME
    return await updated(update, context)


async def on_org_name(update: Update, context: MinkaContext) -> str:
    if await offer_organizations(update, context, FLOW):
        return PICK_ORG
    return PICK_ORG if await typed_names(context, user_of(update).id, FLOW) else ASK_ORG


async def on_org_button(update: Update, context: MinkaContext) -> str | int:
    query, user = query_of(update), user_of(update)
    if cb.RetypeOrganization.unpack(query.data) is not None:
        await query.answer()
        await send(update, t(await context.language(), "ask_org"))
        return ASK_ORG
    joined = await join_from_button(context, user.id, query.data, FLOW)
    if joined is None:
        await stale_button(update, context)
        return PICK_ORG
    await query.answer()
    await send(update, t(await context.language(), "org_joined", org=joined))
    return await updated(update, context)


async def updated(update: Update, context: MinkaContext) -> int:
    user_id = user_of(update).id
    member = await context.storage.members.require(user_id)
    text = t(member.language, "profile_updated") + "\n\n" + await profile_text(context, member)
    await send(update, text, reply_markup=contact_keyboard(member))
    await context.storage.drafts.clear(user_id, FLOW)
    return ConversationHandler.END


async def send(update: Update, text: str, **kwargs: Any) -> None:
    await chat_of(update).send_message(text, **kwargs)


def handlers() -> list[Handler]:
    """/perfil shows the profile; its buttons edit the name and organization or share contact."""
    return [
        build_profile_handler(),
        CommandHandler(PROFILE.names, show_profile, filters.ChatType.PRIVATE),
        CallbackQueryHandler(on_contact_sharing, pattern=cb.ContactSharing.matches()),
    ]


def build_profile_handler() -> ConversationHandler[MinkaContext]:
    text = filters.TEXT & ~filters.COMMAND
    organization_buttons = [
        CallbackQueryHandler(on_org_button, pattern=payload.matches())
        for payload in ORGANIZATION_BUTTONS
    ]
    states: dict[object, list[Handler]] = {
        ASK_NAME: [MessageHandler(text, on_new_name)],
        ASK_ORG: [MessageHandler(text, on_org_name)],
        PICK_ORG: [*organization_buttons, MessageHandler(text, on_org_name)],
    }
    entry = CallbackQueryHandler(start_edit, pattern=cb.ProfileEdit.matches())
    return conversation(
        FLOW,
        [entry],
        states,
        (cb.ProfileEdit, *ORGANIZATION_BUTTONS),
        timeout=timedelta(minutes=30),
    )


async def on_contact_sharing(update: Update, context: MinkaContext) -> None:
    query, user = query_of(update), user_of(update)
    choice = cb.ContactSharing.unpack(query.data)
    member = await context.member()
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
