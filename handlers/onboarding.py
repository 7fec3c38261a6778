"""/start for newcomers: language, privacy consent, name, role, organization.

Nothing about a person is stored before they press "Acepto". From then on every answer is written
to the members table at once, so a restart resumes with what they already told us.
"""

from __future__ import annotations

import re

from telegram import Update
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
from bot.views.commands import START, main_menu_list
from bot.views.deeplinks import parse_school_payload
from bot.views.keyboards import column, keyboard
from bot.views.school_views import skip_keyboard
from bot.views.texts import Markup, label, t
from handlers.common import stale_button
from handlers.conversations import Handler, conversation
from handlers.organizations import join_from_button, offer_organizations, typed_names
from handlers.schools import (
    open_school_from_link,
    picked_school,
    save_own_school,
    school_picker_handlers,
    skip_own_school,
)
from storage.members import InvalidName, clean_person_name
from storage.models import Member, Role
from storage.schools import School

CONSENT, NAME, ROLE, ORG_NAME, ORG_PICK, SCHOOL = (
    "consent",
    "name",
    "role",
    "org_name",
    "org_pick",
    "school",
)
END = ConversationHandler.END
FLOW = "onboarding"
START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


async def start(update: Update, context: MinkaContext) -> str | int:
    """Entry point: newcomers see the notice; half-registered people resume; members the menu."""
    user = user_of(update)
    payload = valid_start_payload(context.args)
    member = await context.member()
    if member is None:
        # Not stored before consent: kept in memory until "Acepto".
        if payload:
            context.user_data.start_payload = payload
        return await ask_consent(update, context)
    # A member who blocked the bot and comes back: deliver to them again.
    await context.storage.chats.reactivate(user.id)
    if payload and not member.is_registered:
        await context.storage.drafts.update(user.id, FLOW, start_payload=payload)
    if member.is_registered:
        if not await open_linked_school(update, context, payload):
            await show_main_menu(update, context, member)
        return END
    return await resume(update, context, member)


def valid_start_payload(args: list[str] | None) -> str | None:
    """Telegram's deep-link payloads are 1-64 characters of A-Za-z0-9_-; anything else is noise."""
    payload = args[0] if args else None
    return payload if payload and START_PAYLOAD.fullmatch(payload) else None


async def ask_consent(update: Update, context: MinkaContext) -> str:
    user, message = user_of(update), message_of(update)
    lang = await context.language()
    buttons = [
        (label(lang, "btn_accept"), cb.ConsentAnswer(True)),
        (label(lang, "btn_decline"), cb.ConsentAnswer(False)),
    ]
    welcome = t(lang, "welcome_new", name=user.first_name)
    notice = t(lang, "privacy_notice", days=context.settings.outbox_retention_days)
    # One message, one call: about 1,000 characters in either language with the longest
    # Telegram first name, far below the 4,096 of one message (a test keeps it so).
    await message.reply_text(Markup(f"{welcome}\n\n{notice}"), reply_markup=keyboard([buttons]))
    return CONSENT


async def on_consent(update: Update, context: MinkaContext) -> str | int:
    query, user = query_of(update), user_of(update)
    answer = cb.ConsentAnswer.unpack(query.data)
    assert answer is not None  # the handler's pattern guarantees it
    lang = await context.language()
    await query.answer()
    if not answer.accepted:
        context.user_data.clear()
        await query.edit_message_reply_markup(reply_markup=None)
        await chat_of(update).send_message(t(lang, "consent_declined"))
        return END
    # Consent first: if removing the buttons fails, the acceptance is still recorded.
    await context.storage.members.record_consent(user.id, lang)
    payload = context.user_data.take_start_payload()
    if payload:
        await context.storage.drafts.update(user.id, FLOW, start_payload=payload)
    await query.edit_message_reply_markup(reply_markup=None)
    return await ask_name(update, context, lang)


async def ask_name(update: Update, context: MinkaContext, lang: str) -> str:
    user, chat = user_of(update), chat_of(update)
    markup = None
    try:
        telegram_name = clean_person_name(user.full_name)
        markup = column([(label(lang, "btn_use_name", name=telegram_name), cb.UseTelegramName())])
    except InvalidName:
        pass  # a one-letter or emoji-only Telegram name: let them type one
    await chat.send_message(t(lang, "ask_name"), reply_markup=markup)
    return NAME


async def on_telegram_name(update: Update, context: MinkaContext) -> str:
    query, user = query_of(update), user_of(update)
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    return await save_name(update, context, user.full_name)


async def on_typed_name(update: Update, context: MinkaContext) -> str:
    return await save_name(update, context, message_of(update).text or "")


async def save_name(update: Update, context: MinkaContext, name: str) -> str:
    user, chat = user_of(update), chat_of(update)
    lang = await context.language()
    try:
        saved = await context.storage.members.set_name(user.id, name)
    except InvalidName:
        await chat.send_message(t(lang, "name_invalid"))
        return NAME
    return await ask_role(update, lang, saved)


async def ask_role(update: Update, lang: str, name: str) -> str:
    buttons = [(label(lang, f"btn_role_{role.value}"), cb.RoleChoice(role.value)) for role in Role]
    await chat_of(update).send_message(t(lang, "ask_role", name=name), reply_markup=column(buttons))
    return ROLE


async def on_role(update: Update, context: MinkaContext) -> str | int:
    query, user = query_of(update), user_of(update)
    choice = cb.RoleChoice.unpack(query.data)
    if choice is None or choice.role not in {role.value for role in Role}:
        await stale_button(update, context)
        return ROLE
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    role = Role(choice.role)
    await context.storage.members.set_role(user.id, role)
    lang = await context.language()
    if role is Role.TEACHER:
        return await ask_school(update, context, lang)
    return await ask_org(update, lang)


async def ask_school(update: Update, context: MinkaContext, lang: str) -> str:
    """Which school; a teacher who came by a school's link is offered that one first."""
    linked = await linked_school(context, user_of(update).id)
    text = t(lang, "ask_school_linked", school=linked.name) if linked else t(lang, "ask_school")
    await chat_of(update).send_message(text, reply_markup=skip_keyboard(lang, linked))
    return SCHOOL


async def linked_school(context: MinkaContext, user_id: int) -> School | None:
    payload = (await context.storage.drafts.get(user_id, FLOW)).get("start_payload")
    key = parse_school_payload(payload)
    return await context.storage.schools.get(*key) if key else None


async def on_school_picked(update: Update, context: MinkaContext) -> str | int:
    school = await picked_school(update, context, cb.MINE)
    if school is None:
        return SCHOOL
    await save_own_school(update, context, school)
    return await finish(update, context)


async def on_school_skipped(update: Update, context: MinkaContext) -> int:
    await skip_own_school(update, context)
    return await finish(update, context)


async def ask_org(update: Update, lang: str) -> str:
    await chat_of(update).send_message(t(lang, "ask_org"))
    return ORG_NAME


async def on_org_name(update: Update, context: MinkaContext) -> str:
    """Offer existing organizations with a similar name before creating a new one."""
    if await offer_organizations(update, context, FLOW):
        return ORG_PICK
    return ORG_PICK if await typed_names(context, user_of(update).id, FLOW) else ORG_NAME


async def on_org_retype(update: Update, context: MinkaContext) -> str:
    query = query_of(update)
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    return await ask_org(update, await context.language())


async def on_org_pick(update: Update, context: MinkaContext) -> str | int:
    """An existing organization, or "create" for one of the names typed: join it."""
    query, user = query_of(update), user_of(update)
    org_name = await join_from_button(context, user.id, query.data, FLOW)
    if org_name is None:
        await stale_button(update, context)
        return ORG_PICK
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    lang = await context.language()
    await chat_of(update).send_message(t(lang, "org_joined", org=org_name))
    return await finish(update, context)


async def finish(update: Update, context: MinkaContext) -> int:
    """Registered: welcome, the menu, and the school whose link brought them, if any."""
    user = user_of(update)
    member = await context.storage.members.complete_registration(user.id)
    payload = (await context.storage.drafts.get(user.id, FLOW)).get("start_payload")
    await context.storage.drafts.clear(user.id, FLOW)
    await chat_of(update).send_message(t(member.language, "registered", name=member.name))
    await show_main_menu(update, context, member)
    await open_linked_school(update, context, payload)
    return END


async def open_linked_school(update: Update, context: MinkaContext, payload: str | None) -> bool:
    school_key = parse_school_payload(payload)
    return school_key is not None and await open_school_from_link(update, context, *school_key)


async def resume(update: Update, context: MinkaContext, member: Member) -> str | int:
    """Someone who consented but never finished (state lost, or /start again): next missing step."""
    if member.name is None:
        return await ask_name(update, context, member.language)
    if member.role is None:
        return await ask_role(update, member.language, member.name)
    if member.role is Role.TEACHER and member.school_id is None:
        return await ask_school(update, context, member.language)
    if member.role is not Role.TEACHER and member.organization is None:
        return await ask_org(update, member.language)
    return await finish(update, context)


async def show_main_menu(update: Update, context: MinkaContext, member: Member) -> None:
    lang = member.language
    await chat_of(update).send_message(
        t(lang, "main_menu", name=member.name or "", commands=main_menu_list(lang))
    )


def handlers() -> list[Handler]:
    return [build_onboarding_handler()]


def build_onboarding_handler() -> ConversationHandler[MinkaContext]:
    text = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[Handler]] = {
        CONSENT: [CallbackQueryHandler(on_consent, pattern=cb.ConsentAnswer.matches())],
        NAME: [
            CallbackQueryHandler(on_telegram_name, pattern=cb.UseTelegramName.matches()),
            MessageHandler(text, on_typed_name),
        ],
        ROLE: [CallbackQueryHandler(on_role, pattern=cb.RoleChoice.matches())],
        ORG_NAME: [MessageHandler(text, on_org_name)],
        ORG_PICK: [
            CallbackQueryHandler(on_org_pick, pattern=cb.OrganizationChoice.matches()),
            CallbackQueryHandler(on_org_pick, pattern=cb.CreateOrganization.matches()),
            CallbackQueryHandler(on_org_retype, pattern=cb.RetypeOrganization.matches()),
            MessageHandler(text, on_org_name),  # typing again is as good as "type another name"
        ],
        SCHOOL: school_picker_handlers(cb.MINE, on_school_picked, on_school_skipped),
    }
    entry = CommandHandler(START.names, start, filters.ChatType.PRIVATE)
    own_buttons = (
        cb.ConsentAnswer,
        cb.UseTelegramName,
        cb.RoleChoice,
        cb.OrganizationChoice,
        cb.CreateOrganization,
        cb.RetypeOrganization,
        cb.SkipSchool,
    )
    return conversation(FLOW, [entry], states, own_buttons, fold_answers=True)
