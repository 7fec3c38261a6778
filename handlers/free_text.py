"""Free text in a private chat outside any flow: what the person means, not always a search.

"hola", "gracias", "ok", "menú" get the menu; "quiero anunciar una actividad", "¿cómo sigo una
escuela?", "quién trabaja en la 2045" are offered that action (bot/domain/intents.py); what is
left looks like a school and is searched. A search that finds nothing offers the menu too.
Newcomers are pointed to /start, since nothing else works before registering.
"""

from __future__ import annotations

from telegram import Update

from bot.domain.intents import Detected, Intent, detect_intent
from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of
from bot.views import callbacks as cb
from bot.views.texts import t
from handlers.onboarding import show_main_menu
from handlers.schools import act_on_school, reply_with_results

OFFERS = {
    Intent.ANNOUNCE: "intent_announce",
    Intent.FOLLOW: "intent_follow",
    Intent.WHO: "intent_who",
    Intent.SEARCH: "search_prompt",
}


async def on_free_text(update: Update, context: MinkaContext) -> None:
    message = message_of(update)
    detected = detect_intent(message.text or "")
    member = await context.member()
    if member is None or not member.is_registered:
        await answer_newcomer(update, context, detected)
    elif detected.intent is Intent.MENU:
        await show_main_menu(update, context, member)
    elif detected.intent is Intent.WHO and detected.query:
        await act_on_school(update, context, detected.query, cb.WHO, "usage_who")
    elif detected.query:
        await reply_with_results(update, context, detected.query, cb.CARD)
    else:
        await message.reply_text(t(member.language, OFFERS[detected.intent]))


async def answer_newcomer(update: Update, context: MinkaContext, detected: Detected) -> None:
    """Before registering, only a school search works; a greeting or an action is shown /start."""
    if detected.intent is Intent.SEARCH and detected.query:
        await reply_with_results(update, context, detected.query, cb.CARD)
        return
    lang = await context.language()
    await message_of(update).reply_text(t(lang, "register_first"))
