"""/panel: the coordinator's overview on the web (bot.web.panel), opened from the chat.

The reply carries a personal link that works once within 10 minutes (for a computer) and, when
the web server is public over https, a button that opens the same overview inside Telegram as
a Web App (the phone). Private chats only: the link is personal.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.domain.panel import Viewer
from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of, user_of
from bot.views.commands import PANEL
from bot.views.panel_message import panel_keyboard, panel_text
from bot.views.texts import t
from handlers.conversations import Handler


async def panel_command(update: Update, context: MinkaContext) -> None:
    message, user = message_of(update), user_of(update)
    member = await context.member()
    lang = await context.language()
    if member is None or not member.is_registered:
        await message.reply_text(_with_sandbox_hint(context, lang, "panel_needs_start"))
        return
    public_url = context.bot_data.public_url
    if not public_url:  # a bare Application: no web server runs
        await message.reply_text(t(lang, "panel_unavailable"))
        return
    permissions = await context.storage.roles.permissions(user.id, context.settings.admin_ids)
    if not Viewer(user.id, lang, permissions, member).scopes():
        await message.reply_text(_with_sandbox_hint(context, lang, "panel_nothing_to_show"))
        return
    token = await context.storage.panel_access.create_link(user.id, context.now())
    await message.reply_text(
        panel_text(lang, public_url, token),
        reply_markup=panel_keyboard(lang, public_url),
        disable_web_page_preview=True,  # a preview would fetch, and so spend, the link
    )


def _with_sandbox_hint(context: MinkaContext, lang: str, key: str) -> str:
    """The answer, and in the sandbox the way to its demo (Carlos's overview): no dead end."""
    if not context.bot_data.sandbox:
        return t(lang, key)
    return t(lang, key) + "\n\n" + t(lang, "panel_sandbox_demo")


def handlers() -> list[Handler]:
    return [CommandHandler(PANEL.names, panel_command, filters.ChatType.PRIVATE)]
