"""/privacidad, /misdatos and /olvidarme: the notice, a copy of one's data, erasure."""

from __future__ import annotations

import json

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.commands import FORGET_ME, MY_DATA, PRIVACY
from bot.views.keyboards import keyboard
from bot.views.texts import label, t
from handlers.common import stale_button
from handlers.conversations import Handler


async def show_privacy(update: Update, context: MinkaContext) -> None:
    message = message_of(update)
    member = await context.member()  # first: its language fills the cache, one read for both
    lang = await context.language()
    if member is None:
        intro = t(lang, "privacy_not_member")
    else:
        local = member.consent_at.astimezone(context.settings.tz)
        intro = t(lang, "privacy_intro", date=local.strftime("%d/%m/%Y %H:%M"))
    await message.reply_text(intro + "\n\n" + t(lang, "privacy_notice"))


async def send_my_data(update: Update, context: MinkaContext) -> None:
    message, user = message_of(update), user_of(update)
    lang = await context.language()
    data = await context.storage.personal_data.export(user.id)
    if data is None:
        await message.reply_text(t(lang, "mydata_none"))
        return
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    filename = "minka-mis-datos.json" if lang == "es" else "minka-my-data.json"
    await message.reply_document(
        InputFile(document, filename=filename),
        caption=t(lang, "mydata_caption"),
    )


async def ask_forget(update: Update, context: MinkaContext) -> None:
    message, user = message_of(update), user_of(update)
    lang = await context.language()
    if await context.storage.personal_data.export(user.id) is None:
        await message.reply_text(t(lang, "mydata_none"))
        return
    buttons = [
        (label(lang, "btn_forget_yes"), cb.ForgetAnswer(True)),
        (label(lang, "btn_forget_no"), cb.ForgetAnswer(False)),
    ]
    await message.reply_text(t(lang, "forget_confirm"), reply_markup=keyboard([buttons]))


async def on_forget(update: Update, context: MinkaContext) -> None:
    query, user = query_of(update), user_of(update)
    answer = cb.ForgetAnswer.unpack(query.data)
    if answer is None:
        await stale_button(update, context)
        return
    lang = await context.language()  # before erasing: the reply stays in their language
    await query.answer()
    if not answer.confirmed:
        await query.edit_message_text(t(lang, "forget_kept"))
        return
    await context.storage.personal_data.forget(user.id)
    context.user_data.clear()
    await query.edit_message_text(t(lang, "forget_done"))


def handlers() -> list[Handler]:
    """The privacy notice, "all my data" as a file, and erasing oneself."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(PRIVACY.names, show_privacy),
        CommandHandler(MY_DATA.names, send_my_data, private),
        CommandHandler(FORGET_ME.names, ask_forget, private),
        CallbackQueryHandler(on_forget, pattern=cb.ForgetAnswer.matches()),
    ]
