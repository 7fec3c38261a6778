"""Following schools, districts and organizations; linking a group chat to its school.

A chat (a person's private chat or a group) follows things. In a group only administrators
(checked with getChatMember) may change what the group follows.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, my_chat_member_of, query_of
from bot.views import callbacks as cb
from bot.views.commands import LINK, SUBSCRIBE, SUBSCRIPTIONS, UNLINK
from bot.views.keyboards import Button, column
from bot.views.places import display_place, place_name
from bot.views.texts import Markup, label, t
from handlers.common import stale_button
from handlers.conversations import Handler
from handlers.schools import school_from_arguments
from storage.follows import FollowKind, FollowMode
from storage.schools import School

log = logging.getLogger(__name__)

KINDS = {code: FollowKind(kind) for code, kind in cb.FOLLOW_KINDS.items()}
ADMIN_STATUSES = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}
GROUP_TYPES = {ChatType.GROUP, ChatType.SUPERGROUP}
MAX_LISTED = 40  # /suscripciones: a message and its buttons stay within Telegram's limits


# Who may change a chat's follows -----------------------------------------------------------------


async def may_change_follows(update: Update, context: MinkaContext) -> bool:
    """Anyone in their private chat; in a group, its administrators only."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type not in GROUP_TYPES:
        return True
    message = update.effective_message
    if (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == chat.id
    ):
        return True  # an anonymous administrator writes as the group itself
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except (BadRequest, Forbidden) as exc:  # not in the group any more, or we were removed
        log.info("could not check admin status in chat %s: %s", chat.id, exc)
        return False
    return member.status in ADMIN_STATUSES


async def remember_chat(update: Update, context: MinkaContext) -> int:
    """Make sure the chat is known (and active) before it follows anything."""
    chat = chat_of(update)
    language = None
    if chat.type in GROUP_TYPES:  # a group speaks the language of whoever set it up
        language = await context.language()
    await context.storage.chats.remember(chat.id, chat.type, chat.title, language)
    return chat.id


# Following and unfollowing ----------------------------------------------------------------------


async def on_follow_button(update: Update, context: MinkaContext) -> None:
    """🔔 Seguir / 🔕 Dejar de seguir on cards, /quien, notifications and /suscripciones."""
    query = query_of(update)
    toggle = cb.FollowToggle.unpack(query.data)
    lang = await context.language()
    name = await target_name(context, toggle, lang) if toggle and toggle.kind in KINDS else None
    if toggle is None or name is None:
        await stale_button(update, context)
        return
    if not await may_change_follows(update, context):
        await query.answer(label(lang, "link_admins_only"), show_alert=True)
        return
    key = await change_follow(update, context, KINDS[toggle.kind], toggle.target, toggle.on)
    await query.answer()
    await chat_of(update).send_message(t(lang, key, name=name))


async def change_follow(
    update: Update, context: MinkaContext, kind: FollowKind, target: str, on: bool
) -> str:
    """Follow or unfollow; the text key that says what happened."""
    chat_id = await remember_chat(update, context)
    follows = context.storage.follows
    if on:
        return "followed" if await follows.follow(chat_id, kind, target) else "already_following"
    return "unfollowed" if await follows.unfollow(chat_id, kind, target) else "not_following"


async def target_name(context: MinkaContext, toggle: cb.FollowToggle, lang: str) -> str | None:
    """What is followed, as people call it; None when it does not exist (stale button)."""
    kind = KINDS[toggle.kind]
    if kind is FollowKind.SCHOOL and toggle.target.isdigit():
        school = await context.storage.schools.get_by_id(int(toggle.target))
        return school.name if school else None
    if kind is FollowKind.DISTRICT and len(toggle.target) == 6 and toggle.target.isdigit():
        found = await context.storage.schools.in_ubigeo_prefix(toggle.target, limit=1)
        return place_name(lang, "district", found[0].district) if found else None
    if kind is FollowKind.ORGANIZATION and toggle.target.isdigit():
        org = await context.storage.organizations.get(int(toggle.target))
        return org.name if org else None
    return None


async def listed_name(context: MinkaContext, kind: FollowKind, target: str) -> str | None:
    """A district beside its kind ("Distrito: Comas") is named bare, not "el distrito de…"."""
    if kind is not FollowKind.DISTRICT or not target.isdigit():
        return None
    found = await context.storage.schools.in_ubigeo_prefix(target, limit=1)
    return display_place(found[0].district) if found else None


# /suscribir and /suscripciones -------------------------------------------------------------------


async def subscribe_command(update: Update, context: MinkaContext) -> None:
    await resolve_school_then(update, context, cb.FOLLOW, "usage_subscribe")


async def resolve_school_then(
    update: Update, context: MinkaContext, action: str, usage: str
) -> None:
    """Follow (or link) an unambiguous school at once; else offer the matches as buttons."""
    school = await school_from_arguments(update, context, action, usage)
    if school is not None:
        await follow_school(update, context, school, action)


async def follow_school(update: Update, context: MinkaContext, school: School, action: str) -> None:
    lang = await context.language()
    if not await may_change_follows(update, context):
        await chat_of(update).send_message(t(lang, "link_admins_only"))
        return
    key = await change_follow(update, context, FollowKind.SCHOOL, str(school.id), True)
    if action == cb.LINK:
        key = "linked"
    await chat_of(update).send_message(t(lang, key, name=school.name))


async def on_follow_school_button(update: Update, context: MinkaContext) -> None:
    """A school picked after an ambiguous /suscribir or /vincular."""
    query = query_of(update)
    payload = cb.SchoolAction.unpack(query.data)
    school = await context.storage.schools.get_by_id(payload.school_id) if payload else None
    if payload is None or school is None:
        await stale_button(update, context)
        return
    await query.answer()
    await follow_school(update, context, school, payload.action)


async def list_subscriptions(update: Update, context: MinkaContext) -> None:
    chat = chat_of(update)
    lang = await context.language()
    follows = await context.storage.follows.of_chat(chat.id)
    if not follows:
        await chat.send_message(t(lang, "subscriptions_none"))
        return
    lines: list[Markup] = []
    buttons: list[Button] = []
    for follow in follows[:MAX_LISTED]:
        toggle = cb.FollowToggle(_code(follow.kind), follow.target, False)
        name = await target_name(context, toggle, lang) or follow.target
        kind = label(lang, f"follow_kind_{follow.kind}")
        listed = await listed_name(context, follow.kind, follow.target) or name
        lines.append(t(lang, "subscription_line", kind=kind, name=listed))
        buttons.append((label(lang, "btn_remove", name=name)[:60], toggle))
    mode = await context.storage.follows.mode_of(chat.id)
    other = FollowMode.DAILY if mode is FollowMode.INSTANT else FollowMode.INSTANT
    buttons.append((label(lang, f"btn_mode_{other}"), cb.FollowModeChoice(other.value)))
    mode_name = label(lang, f"mode_{mode}")
    text = t(lang, "subscriptions", lines=Markup("\n".join(lines)), mode=mode_name)
    await chat.send_message(text, reply_markup=column(buttons))


def _code(kind: FollowKind) -> str:
    return next(code for code, value in KINDS.items() if value is kind)


async def on_mode_button(update: Update, context: MinkaContext) -> None:
    query, chat = query_of(update), chat_of(update)
    choice = cb.FollowModeChoice.unpack(query.data)
    lang = await context.language()
    if choice is None or choice.mode not in {m.value for m in FollowMode}:
        await stale_button(update, context)
        return
    if not await may_change_follows(update, context):
        await query.answer(label(lang, "link_admins_only"), show_alert=True)
        return
    await context.storage.follows.set_mode(chat.id, FollowMode(choice.mode))
    await query.answer()
    await chat.send_message(t(lang, "mode_set", mode=label(lang, f"mode_{choice.mode}")))


# Groups ---------------------------------------------------------------------------------------


async def on_my_chat_member(update: Update, context: MinkaContext) -> None:
    """Added to a group: greet once. Unblocked in a private chat: deliver again."""
    change = my_chat_member_of(update)
    joined = _was_outside(change) and not _is_outside(change)
    if change.chat.type in GROUP_TYPES and joined:
        await remember_chat(update, context)
        lang = await context.language()
        await context.bot.send_message(change.chat.id, t(lang, "group_greeting"))
    elif change.chat.type == ChatType.PRIVATE and joined:
        await context.storage.chats.reactivate(change.chat.id)


def _is_outside(change: ChatMemberUpdated) -> bool:
    return change.new_chat_member.status in {ChatMember.LEFT, ChatMember.BANNED}


def _was_outside(change: ChatMemberUpdated) -> bool:
    return change.old_chat_member.status in {ChatMember.LEFT, ChatMember.BANNED}


async def link_command(update: Update, context: MinkaContext) -> None:
    if not await in_group_as_admin(update, context):
        return
    await resolve_school_then(update, context, cb.LINK, "usage_link")


async def unlink_command(update: Update, context: MinkaContext) -> None:
    if not await in_group_as_admin(update, context):
        return
    lang = await context.language()
    chat_id = chat_of(update).id
    removed = await context.storage.follows.unfollow_kind(chat_id, FollowKind.SCHOOL)
    await chat_of(update).send_message(t(lang, "unlinked" if removed else "not_linked"))


async def in_group_as_admin(update: Update, context: MinkaContext) -> bool:
    """True in a group for its administrators; otherwise says why not."""
    chat = chat_of(update)
    message = message_of(update)
    lang = await context.language()
    if chat.type not in GROUP_TYPES:
        await message.reply_text(t(lang, "link_groups_only"))
        return False
    if not await may_change_follows(update, context):
        await message.reply_text(t(lang, "link_admins_only"))
        return False
    return True


async def on_group_migrated(update: Update, context: MinkaContext) -> None:
    """A group became a supergroup: its follows and waiting messages move to the new id now,
    not only when a delivery to the old id fails."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id is not None:
        await context.storage.chats.migrate(message.chat_id, message.migrate_to_chat_id)


def handlers() -> list[Handler]:
    return [
        MessageHandler(filters.StatusUpdate.MIGRATE, on_group_migrated),
        CommandHandler(SUBSCRIBE.names, subscribe_command),
        CommandHandler(SUBSCRIPTIONS.names, list_subscriptions),
        CommandHandler(LINK.names, link_command),
        CommandHandler(UNLINK.names, unlink_command),
        CallbackQueryHandler(on_follow_button, pattern=cb.FollowToggle.matches()),
        CallbackQueryHandler(on_mode_button, pattern=cb.FollowModeChoice.matches()),
        CallbackQueryHandler(on_follow_school_button, pattern=_follow_or_link),
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
    ]


def _follow_or_link(data: object) -> bool:
    payload = cb.SchoolAction.unpack(data)
    return payload is not None and payload.action in (cb.FOLLOW, cb.LINK)
