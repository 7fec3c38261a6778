"""Administration in the chat: /verificar (coordinators and admins), /otorgar, /revocar and
/bloquear (admins), and the gate that makes the bot ignore banned people."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, TypeHandler

from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.commands import BAN, GRANT, REVOKE, VERIFY
from bot.views.keyboards import Button, column
from bot.views.texts import label, t
from handlers.common import stale_button
from handlers.conversations import Handler
from storage.organizations import CannotVerifyOwn
from storage.roles import InvalidScope, Permissions, RoleName

log = logging.getLogger(__name__)

ROLE_WORDS = {
    "coordinador": RoleName.COORDINATOR,
    "coordinadora": RoleName.COORDINATOR,
    "coordinator": RoleName.COORDINATOR,
    "admin": RoleName.ADMIN,
    "administrador": RoleName.ADMIN,
    "administradora": RoleName.ADMIN,
    "administrator": RoleName.ADMIN,
}


async def ignore_banned(update: object, context: MinkaContext) -> None:
    """First of all handlers: a banned person's updates go nowhere."""
    user = update.effective_user if isinstance(update, Update) else None
    if user is not None and await context.storage.moderation.is_banned(user.id):
        raise ApplicationHandlerStop


async def permissions_of(update: Update, context: MinkaContext) -> Permissions:
    return await context.storage.roles.permissions(user_of(update).id, context.settings.admin_ids)


async def reply(update: Update, text: str) -> None:
    await message_of(update).reply_text(text)


# /verificar --------------------------------------------------------------------------------------


async def verify_command(update: Update, context: MinkaContext) -> None:
    lang = await context.language()
    permissions = await permissions_of(update, context)
    if not (permissions.is_admin or permissions.is_coordinator):
        await reply(update, t(lang, "coordinators_only"))
        return
    name = " ".join(context.args or []).strip()
    if not name:
        await reply(update, t(lang, "usage_verify"))
        return
    found = await context.storage.organizations.find_similar(name, limit=6)
    if not found:
        await reply(update, t(lang, "org_not_found", name=name))
        return
    # Even one match is asked about: "UGEL 02" may be a part of another organization's name.
    key = "verify_confirm" if len(found) == 1 else "verify_pick"
    buttons: list[Button] = [(org.name, cb.VerifyOrganization(org.id)) for org in found]
    await message_of(update).reply_text(
        t(lang, key, name=found[0].name), reply_markup=column(buttons)
    )


async def on_verify_button(update: Update, context: MinkaContext) -> None:
    query = query_of(update)
    choice = cb.VerifyOrganization.unpack(query.data)
    permissions = await permissions_of(update, context)
    if choice is None or not (permissions.is_admin or permissions.is_coordinator):
        await stale_button(update, context)
        return
    await query.answer()
    await verify(update, context, choice.org_id)


async def verify(update: Update, context: MinkaContext, org_id: int) -> None:
    lang = await context.language()
    org = await context.storage.organizations.get(org_id)
    if org is None:
        await chat_of(update).send_message(t(lang, "org_not_found", name=str(org_id)))
        return
    try:
        await context.storage.organizations.verify(org.id, user_of(update).id)
    except CannotVerifyOwn:
        await chat_of(update).send_message(t(lang, "verify_own", name=org.name))
        return
    await chat_of(update).send_message(t(lang, "verified_done", name=org.name))


# /otorgar, /revocar, /bloquear -------------------------------------------------------------------


async def admin_gate(update: Update, context: MinkaContext) -> str | None:
    """The language to answer in if the person is an admin; None after refusing."""
    lang = await context.language()
    if (await permissions_of(update, context)).is_admin:
        return lang
    await reply(update, t(lang, "admins_only"))
    return None


async def grant_command(update: Update, context: MinkaContext) -> None:
    await change_role(update, context, grant=True)


async def revoke_command(update: Update, context: MinkaContext) -> None:
    await change_role(update, context, grant=False)


async def change_role(update: Update, context: MinkaContext, *, grant: bool) -> None:
    lang = await admin_gate(update, context)
    if lang is None:
        return
    args = list(context.args or [])
    role = ROLE_WORDS.get(args[1].lower()) if len(args) >= 2 else None
    if role is None or len(args) > 3:
        await reply(update, t(lang, "usage_grant" if grant else "usage_revoke"))
        return
    user_id = await context.storage.roles.resolve_user(args[0])
    if user_id is None:
        await reply(update, t(lang, "user_unknown", who=args[0]))
        return
    scope = args[2] if len(args) == 3 else None
    await apply_role(update, context, lang, user_id, role, scope, grant=grant, who=args[0])


async def apply_role(
    update: Update,
    context: MinkaContext,
    lang: str,
    user_id: int,
    role: RoleName,
    scope: str | None,
    *,
    grant: bool,
    who: str,
) -> None:
    roles, actor = context.storage.roles, user_of(update).id
    role_name = label(lang, f"role_{role}")
    try:
        if grant:
            await roles.grant(user_id, role, scope_ubigeo=scope, actor_id=actor)
        else:
            count = await roles.revoke(user_id, role, scope_ubigeo=scope, actor_id=actor)
    except InvalidScope:
        await reply(update, t(lang, "scope_invalid", scope=scope or ""))
        return
    if grant:
        suffix = label(lang, "scope_suffix", scope=scope) if scope else ""
        await reply(update, t(lang, "role_granted", who=who, role=role_name, scope=suffix))
    else:
        await reply(update, t(lang, "role_revoked", who=who, role=role_name, count=count))


async def ban_command(update: Update, context: MinkaContext) -> None:
    lang = await admin_gate(update, context)
    if lang is None:
        return
    args = list(context.args or [])
    user_id = await context.storage.roles.resolve_user(args[0]) if args else None
    if not args or user_id is None:
        await reply(update, t(lang, "user_unknown", who=args[0]) if args else t(lang, "usage_ban"))
        return
    reason = " ".join(args[1:]) or None
    await context.storage.moderation.ban(user_id, user_of(update).id, reason)
    await reply(update, t(lang, "banned_done", who=args[0]))


def handlers() -> list[Handler]:
    return [
        CommandHandler(VERIFY.names, verify_command),
        CommandHandler(GRANT.names, grant_command),
        CommandHandler(REVOKE.names, revoke_command),
        CommandHandler(BAN.names, ban_command),
        CallbackQueryHandler(on_verify_button, pattern=cb.VerifyOrganization.matches()),
    ]


def ban_gate() -> Handler:
    return TypeHandler(Update, ignore_banned)
