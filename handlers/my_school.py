"""/miescuela (/myschool): a teacher says, or changes, which school she teaches at."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, filters

from bot import callbacks as cb
from bot.commands import MY_SCHOOL
from bot.context import MinkaContext, language_for
from bot.school_views import skip_keyboard
from bot.texts import t
from handlers.common import Handler, conversation
from handlers.schools import picked_school, school_picker_handlers
from storage.models import Role

FLOW = "my_school"
PICK = "pick"
END = ConversationHandler.END


async def ask_new_school(update: Update, context: MinkaContext) -> str | int:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    lang = await language_for(update, context)
    member = await context.storage.members.get(user.id)
    if member is None or not member.is_registered:
        await message.reply_text(t(lang, "register_first"))
        return END
    if member.role is not Role.TEACHER:
        await message.reply_text(t(lang, "myschool_teachers_only"))
        return END
    current = None
    if member.school_id is not None:
        current = await context.storage.schools.get_by_id(member.school_id)
    text = t(lang, "myschool_current", name=current.name) if current else t(lang, "ask_school")
    await message.reply_text(text, reply_markup=skip_keyboard(lang))
    return PICK


async def on_picked(update: Update, context: MinkaContext) -> str | int:
    school = await picked_school(update, context, cb.MINE)
    if school is None:
        return PICK
    assert update.effective_user is not None and update.effective_chat is not None
    await context.storage.members.set_school(update.effective_user.id, school.id)
    lang = await language_for(update, context)
    await update.effective_chat.send_message(t(lang, "school_set", name=school.name))
    return END


async def on_skipped(update: Update, context: MinkaContext) -> int:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    lang = await language_for(update, context)
    await update.effective_chat.send_message(t(lang, "school_skipped"))
    return END


def build_my_school_handler() -> ConversationHandler[MinkaContext]:
    entry = CommandHandler(MY_SCHOOL.names, ask_new_school, filters.ChatType.PRIVATE)
    states: dict[object, list[Handler]] = {
        PICK: school_picker_handlers(cb.MINE, on_picked, on_skipped)
    }
    return conversation(FLOW, [entry], states, own_buttons=(cb.SkipSchool,))
