"""/miescuela (/myschool): a teacher says, or changes, which school she teaches at."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, filters

from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of
from bot.views import callbacks as cb
from bot.views.commands import MY_SCHOOL
from bot.views.places import school_name
from bot.views.school_views import skip_keyboard
from bot.views.texts import t
from handlers.common import registered_member
from handlers.conversations import Handler, conversation
from handlers.schools import (
    picked_school,
    save_own_school,
    school_picker_handlers,
    skip_own_school,
)
from storage.models import Role

FLOW = "my_school"
PICK = "pick"
END = ConversationHandler.END


async def ask_new_school(update: Update, context: MinkaContext) -> str | int:
    message = message_of(update)
    member = await registered_member(update, context)
    if member is None:
        return END
    lang = member.language
    if member.role is not Role.TEACHER:
        await message.reply_text(t(lang, "myschool_teachers_only"))
        return END
    current = None
    if member.school_id is not None:
        current = await context.storage.schools.get_by_id(member.school_id)
    text = (
        t(lang, "myschool_current", name=school_name(current, lang))
        if current
        else t(lang, "ask_school")
    )
    await message.reply_text(text, reply_markup=skip_keyboard(lang))
    return PICK


async def on_picked(update: Update, context: MinkaContext) -> str | int:
    school = await picked_school(update, context, cb.MINE)
    if school is None:
        return PICK
    await save_own_school(update, context, school)
    return END


async def on_skipped(update: Update, context: MinkaContext) -> int:
    await skip_own_school(update, context)
    return END


def handlers() -> list[Handler]:
    return [build_my_school_handler()]


def build_my_school_handler() -> ConversationHandler[MinkaContext]:
    entry = CommandHandler(MY_SCHOOL.names, ask_new_school, filters.ChatType.PRIVATE)
    states: dict[object, list[Handler]] = {
        PICK: school_picker_handlers(cb.MINE, on_picked, on_skipped)
    }
    return conversation(FLOW, [entry], states, own_buttons=(cb.SkipSchool,))
