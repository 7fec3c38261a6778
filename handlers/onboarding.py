"""/start for newcomers: language, privacy consent, name, role, organization.

Nothing about a person is stored before they press "Acepto". From then on every answer is written
to the members table at once, so a restart resumes with what they already told us.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import callbacks as cb
from bot.commands import START, command_list
from bot.context import MinkaContext, language_for
from bot.keyboards import column, keyboard
from bot.texts import t
from handlers.common import Handler, conversation, stale_button
from storage.members import InvalidName, clean_person_name
from storage.models import Member, OrgKind, Role
from storage.organizations import InvalidOrganizationName, clean_organization_name

CONSENT, NAME, ROLE, ORG_NAME, ORG_PICK = "consent", "name", "role", "org_name", "org_pick"
END = ConversationHandler.END
FLOW = "onboarding"
ORG_KIND = {Role.NGO: OrgKind.NGO, Role.INSTITUTION: OrgKind.INSTITUTION}
CREATE_TYPED, RETYPE = 0, -1


async def start(update: Update, context: MinkaContext) -> str | int:
    """Entry point: newcomers see the notice; half-registered people resume; members the menu."""
    user = update.effective_user
    assert user is not None and update.effective_message is not None
    payload = context.args[0] if context.args else None
    if payload:
        context.user_data["start_payload"] = payload  # type: ignore[index]
    member = await context.storage.members.get(user.id)
    if member is None:
        return await ask_consent(update, context)
    if payload:
        await context.storage.drafts.update(user.id, FLOW, start_payload=payload)
    if member.is_registered:
        await show_main_menu(update, context, member)
        return END
    return await resume(update, context, member)


async def ask_consent(update: Update, context: MinkaContext) -> str:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    lang = await language_for(update, context)
    await message.reply_text(t(lang, "welcome_new", name=user.first_name))
    buttons = [
        (t(lang, "btn_accept"), cb.ConsentAnswer(True)),
        (t(lang, "btn_decline"), cb.ConsentAnswer(False)),
    ]
    await message.reply_text(t(lang, "privacy_notice"), reply_markup=keyboard([buttons]))
    return CONSENT


async def on_consent(update: Update, context: MinkaContext) -> str | int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    answer = cb.ConsentAnswer.unpack(query.data)
    assert answer is not None  # the handler's pattern guarantees it
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    lang = await language_for(update, context)
    if not answer.accepted:
        context.user_data.clear()  # type: ignore[union-attr]
        await query.message.reply_text(t(lang, "consent_declined"))  # type: ignore[union-attr]
        return END
    await context.storage.members.record_consent(user.id, lang)
    payload = context.user_data.pop("start_payload", None)  # type: ignore[union-attr]
    if payload:
        await context.storage.drafts.update(user.id, FLOW, start_payload=payload)
    return await ask_name(update, context, lang)


async def ask_name(update: Update, context: MinkaContext, lang: str) -> str:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    markup = None
    try:
        telegram_name = clean_person_name(user.full_name)
        markup = column([(t(lang, "btn_use_name", name=telegram_name), cb.UseTelegramName())])
    except InvalidName:
        pass  # a one-letter or emoji-only Telegram name: let them type one
    await chat.send_message(t(lang, "ask_name"), reply_markup=markup)
    return NAME


async def on_telegram_name(update: Update, context: MinkaContext) -> str:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    return await save_name(update, context, user.full_name)


async def on_typed_name(update: Update, context: MinkaContext) -> str:
    assert update.effective_message is not None
    return await save_name(update, context, update.effective_message.text or "")


async def save_name(update: Update, context: MinkaContext, name: str) -> str:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    lang = await language_for(update, context)
    try:
        saved = await context.storage.members.set_name(user.id, name)
    except InvalidName:
        await chat.send_message(t(lang, "name_invalid"))
        return NAME
    return await ask_role(update, lang, saved)


async def ask_role(update: Update, lang: str, name: str) -> str:
    assert update.effective_chat is not None
    buttons = [(t(lang, f"btn_role_{role.value}"), cb.RoleChoice(role.value)) for role in Role]
    await update.effective_chat.send_message(
        t(lang, "ask_role", name=name), reply_markup=column(buttons)
    )
    return ROLE


async def on_role(update: Update, context: MinkaContext) -> str | int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    choice = cb.RoleChoice.unpack(query.data)
    if choice is None or choice.role not in {role.value for role in Role}:
        await stale_button(update, context)
        return ROLE
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    role = Role(choice.role)
    await context.storage.members.set_role(user.id, role)
    if role is Role.TEACHER:
        return await finish(update, context)
    return await ask_org(update, await language_for(update, context))


async def ask_org(update: Update, lang: str) -> str:
    assert update.effective_chat is not None
    await update.effective_chat.send_message(t(lang, "ask_org"))
    return ORG_NAME


async def on_org_name(update: Update, context: MinkaContext) -> str:
    """Offer existing organizations with a similar name before creating a new one."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    lang = await language_for(update, context)
    try:
        typed = clean_organization_name(message.text or "")
    except InvalidOrganizationName:
        await message.reply_text(t(lang, "org_invalid"))
        return ORG_NAME
    await context.storage.drafts.update(user.id, FLOW, org_name=typed)
    similar = await context.storage.organizations.find_similar(typed)
    buttons = [(org.name, cb.OrganizationChoice(org.id)) for org in similar]
    buttons.append((t(lang, "btn_org_create", name=typed), cb.OrganizationChoice(CREATE_TYPED)))
    buttons.append((t(lang, "btn_org_retype"), cb.OrganizationChoice(RETYPE)))
    text = t(lang, "org_matches") if similar else t(lang, "org_no_match", name=typed)
    await message.reply_text(text, reply_markup=column(buttons))
    return ORG_PICK


async def on_org_pick(update: Update, context: MinkaContext) -> str | int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    choice = cb.OrganizationChoice.unpack(query.data)
    assert choice is not None
    lang = await language_for(update, context)
    if choice.org_id == RETYPE:
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
        return await ask_org(update, lang)
    org_name = await join_chosen_organization(context, user.id, choice.org_id)
    if org_name is None:
        await stale_button(update, context)
        return ORG_PICK
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    await query.message.reply_text(t(lang, "org_joined", org=org_name))  # type: ignore[union-attr]
    return await finish(update, context)


async def join_chosen_organization(context: MinkaContext, user_id: int, org_id: int) -> str | None:
    """Join an existing organization or create the typed one; None if the choice is stale."""
    members = context.storage.members
    if org_id != CREATE_TYPED:
        org = await context.storage.organizations.get(org_id)
        if org is None:
            return None
        await members.join_organization(user_id, org.id)
        return org.name
    typed = (await context.storage.drafts.get(user_id, FLOW)).get("org_name")
    member = await members.require(user_id)
    if not typed or member.role not in ORG_KIND:
        return None
    created = await members.create_and_join_organization(user_id, typed, ORG_KIND[member.role])
    return created.name


async def finish(update: Update, context: MinkaContext) -> int:
    user = update.effective_user
    assert user is not None
    member = await context.storage.members.complete_registration(user.id)
    await context.storage.drafts.clear(user.id, FLOW)
    assert update.effective_chat is not None
    await update.effective_chat.send_message(t(member.language, "registered", name=member.name))
    await show_main_menu(update, context, member)
    return END


async def resume(update: Update, context: MinkaContext, member: Member) -> str | int:
    """Someone who consented but never finished (state lost, or /start again): next missing step."""
    if member.name is None:
        return await ask_name(update, context, member.language)
    if member.role is None:
        return await ask_role(update, member.language, member.name)
    if member.role is not Role.TEACHER and member.organization is None:
        return await ask_org(update, member.language)
    return await finish(update, context)


async def show_main_menu(update: Update, context: MinkaContext, member: Member) -> None:
    assert update.effective_chat is not None
    lang = member.language
    await update.effective_chat.send_message(
        t(lang, "main_menu", name=member.name or "", commands=command_list(lang))
    )


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
            MessageHandler(text, on_org_name),  # typing again is as good as "type another name"
        ],
    }
    entry = CommandHandler(START.names, start, filters.ChatType.PRIVATE)
    return conversation(FLOW, [entry], states)
