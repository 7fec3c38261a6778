"""Finding schools from a phone: search by text or location, the card, who works there, QR,
inline mode. Plain text outside a conversation that looks like a school is a search
(handlers/free_text.py decides)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.domain.school_life import load_follow_state, load_school_life, load_school_lives
from bot.domain.school_search import names_only_generic_words, search_schools
from bot.runtime.context import MinkaContext
from bot.runtime.updates import (
    chat_of,
    inline_query_of,
    location_of,
    message_of,
    query_of,
    user_of,
)
from bot.views import callbacks as cb
from bot.views.commands import QR, SEARCH, WHO
from bot.views.deeplinks import school_link
from bot.views.places import school_name
from bot.views.qr import school_qr_png
from bot.views.school_views import (
    SchoolLife,
    card_keyboard,
    nearest_keyboard,
    place_of,
    results_keyboard,
    school_card,
    who_keyboard,
    who_text,
)
from bot.views.texts import label, t
from handlers.common import answering, stale_button
from handlers.conversations import Handler
from storage.normalize import fold
from storage.schools import School

log = logging.getLogger(__name__)

PAGE_SIZE = 8
NEAREST = 5
INLINE_RESULTS = 20
MAX_QUERY_CHARS = 200  # longer text is not a school name; searching it would only cost time


async def search_command(update: Update, context: MinkaContext) -> None:
    """/buscar <texto>: like typing the text, but also works in groups."""
    query = " ".join(context.args or [])
    if not query.strip():
        lang = await context.language()
        await message_of(update).reply_text(t(lang, "search_prompt"))
        return
    await reply_with_results(update, context, query, cb.CARD)


async def reply_with_results(
    update: Update, context: MinkaContext, query: str, action: str
) -> None:
    """The first page of schools matching `query`, as buttons that do `action`."""
    message = message_of(update)
    lang = await context.language()
    query = query.strip()[:MAX_QUERY_CHARS]
    text, markup = await results_page(context, query, action, 0, lang)
    if markup is None:
        text = await nothing_found(update, context, query, action, lang) or text
    await message.reply_text(text, reply_markup=markup)


async def nothing_found(
    update: Update, context: MinkaContext, query: str, action: str, lang: str
) -> str | None:
    """A better answer than "no schools" when there is one: "colegio" alone names no school;
    a newcomer may just be saying hello; a plain search is offered the menu."""
    if names_only_generic_words(query):
        return t(lang, "search_generic", query=query)
    if not await is_registered(update, context):
        return t(lang, "search_none_newcomer", query=query)
    return t(lang, "search_none_menu", query=query) if action == cb.CARD else None


async def is_registered(update: Update, context: MinkaContext) -> bool:
    member = await context.member()
    return member is not None and member.is_registered


async def results_page(
    context: MinkaContext, query: str, action: str, offset: int, lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    result = await search_schools(context.storage, query, limit=PAGE_SIZE, offset=offset)
    if not result.schools:
        return t(lang, "search_none", query=query), None
    more = back = None
    if result.has_more:
        more = cb.SearchMore.fitting(action, offset + PAGE_SIZE, fold(query))
    if offset > 0:  # a way back to the page before
        back = cb.SearchMore.fitting(action, max(offset - PAGE_SIZE, 0), fold(query))
    title = "search_results" if offset == 0 else "search_results_page"
    markup = results_keyboard(result.schools, action, lang, more, back)
    return t(lang, title, query=query), markup


async def on_search_more(update: Update, context: MinkaContext) -> None:
    """ "Más": the next page replaces the list in the same message."""
    query = query_of(update)
    more = cb.SearchMore.unpack(query.data)
    if more is None or more.action not in cb.SCHOOL_ACTIONS or more.offset < 0:
        await answer_stale(update, context)
        return
    lang = await context.language()
    async with answering(query):
        text, markup = await results_page(context, more.query, more.action, more.offset, lang)
        await query.edit_message_text(text, reply_markup=markup)


async def on_location(update: Update, context: MinkaContext) -> None:
    await reply_with_nearest(update, context, cb.CARD)


async def reply_with_nearest(update: Update, context: MinkaContext, action: str) -> None:
    message, location = message_of(update), location_of(update)
    lang = await context.language()
    nearest = await context.storage.schools.nearest(
        location.latitude, location.longitude, limit=NEAREST
    )
    if not nearest:
        await message.reply_text(t(lang, "nearest_none"))
        return
    await message.reply_text(
        t(lang, "nearest_title"), reply_markup=nearest_keyboard(nearest, action, lang)
    )


async def on_school_button(update: Update, context: MinkaContext) -> None:
    """A school button outside a conversation: show its card, who works there, or its QR."""
    query = query_of(update)
    payload = cb.SchoolAction.unpack(query.data)
    if payload is None or payload.action not in (cb.CARD, cb.WHO, cb.QR):
        await answer_stale(update, context)
        return
    school = await context.storage.schools.get_by_id(payload.school_id)
    lang = await context.language()
    if school is None:
        await query.answer(label(lang, "school_gone"), show_alert=True)
        return
    message = message_of(update)  # the card's message: a button press always has one to show
    async with answering(query):
        await SCHOOL_VIEWS[payload.action](message, context, school, lang)


async def school_life(context: MinkaContext, school: School) -> SchoolLife:
    return await load_school_life(context.storage, school.id, context.now())


async def send_card(message: Message, context: MinkaContext, school: School, lang: str) -> None:
    card = school_card(school, await school_life(context, school), lang, context.settings.tz)
    follows = await load_follow_state(context.storage, message.chat_id, school)
    private = message.chat.type == ChatType.PRIVATE
    await message.reply_text(card, reply_markup=card_keyboard(school, lang, follows, private))


async def send_who(message: Message, context: MinkaContext, school: School, lang: str) -> None:
    life = await school_life(context, school)
    link = school_link(context.bot.username, school.cod_mod, school.anexo)
    text = who_text(school, life, link, lang, context.settings.tz)
    await message.reply_text(text, reply_markup=who_keyboard(life, lang, school.id))


async def send_qr(message: Message, context: MinkaContext, school: School, lang: str) -> None:
    link = school_link(context.bot.username, school.cod_mod, school.anexo)
    footer = label(lang, "qr_footer")
    # Rendering takes a few milliseconds of CPU: keep it off the event loop.
    png = await asyncio.to_thread(school_qr_png, link, school.name, footer)
    await message.reply_photo(png, caption=t(lang, "qr_caption", name=school.name))


SCHOOL_VIEWS = {cb.CARD: send_card, cb.WHO: send_who, cb.QR: send_qr}


async def who_command(update: Update, context: MinkaContext) -> None:
    await school_command(update, context, cb.WHO, "usage_who")


async def qr_command(update: Update, context: MinkaContext) -> None:
    await school_command(update, context, cb.QR, "usage_qr")


async def school_command(update: Update, context: MinkaContext, action: str, usage: str) -> None:
    """/quien and /qr: act at once on an unambiguous school, else offer the matches. /quien
    alone is about the teacher's own school."""
    query = " ".join(context.args or [])
    member = await context.member()
    if not query.strip() and action == cb.WHO and member and member.school_id:
        own = await context.storage.schools.get_by_id(member.school_id)
        if own is not None:
            await send_who(message_of(update), context, own, await context.language())
            return
    await act_on_school(update, context, query, action, usage)


async def act_on_school(
    update: Update, context: MinkaContext, query: str, action: str, usage: str
) -> None:
    """Show `action` (card, who, QR) of the one school `query` names, else offer the matches."""
    school = await school_from_query(update, context, query, action, usage)
    if school is not None:
        lang = await context.language()
        await SCHOOL_VIEWS[action](message_of(update), context, school, lang)


async def school_from_arguments(
    update: Update, context: MinkaContext, action: str, usage: str
) -> School | None:
    """The one school a command's arguments name. Otherwise the person is answered (usage, no
    match, or the matches as `action` buttons to pick from) and None is returned."""
    query = " ".join(context.args or [])
    return await school_from_query(update, context, query, action, usage)


async def school_from_query(
    update: Update, context: MinkaContext, query: str, action: str, usage: str
) -> School | None:
    """As `school_from_arguments`, for a query however it came."""
    message = message_of(update)
    lang = await context.language()
    query = query.strip()[:MAX_QUERY_CHARS]
    if not query:
        await ask_which_school(update, context, action, usage, lang)
        return None
    result = await search_schools(context.storage, query, limit=PAGE_SIZE)
    if len(result.schools) == 1 and not result.has_more:
        return result.schools[0]
    if not result.schools:
        await message.reply_text(t(lang, "search_none", query=query))
        return None
    more = cb.SearchMore.fitting(action, PAGE_SIZE, fold(query)) if result.has_more else None
    markup = results_keyboard(result.schools, action, lang, more)
    await message.reply_text(t(lang, "pick_school"), reply_markup=markup)
    return None


MAX_OFFERED = 5


async def ask_which_school(
    update: Update, context: MinkaContext, action: str, usage: str, lang: str
) -> None:
    """A command without a school starts instead of stopping: the person's own school and
    the ones she announced for lately as buttons, and how to name another, with a code that
    exists in the registry loaded."""
    offered = await schools_to_offer(update, context)
    example = offered[0].code if offered else await context.storage.schools.example_code()
    text = t(lang, usage, example=example or "")
    if not offered:
        await message_of(update).reply_text(text)
        return
    markup = results_keyboard(offered, action, lang, None)
    await message_of(update).reply_text(t(lang, "which_school", usage=text), reply_markup=markup)


async def schools_to_offer(update: Update, context: MinkaContext) -> list[School]:
    """Her school first, then those she announced for lately; none in a group."""
    if chat_of(update).type != ChatType.PRIVATE:
        return []
    member = await context.member()
    recent = await context.storage.activities.recent_schools_of_author(user_of(update).id)
    ids = [member.school_id] if member and member.school_id else []
    ids += [school_id for school_id in recent if school_id not in ids]
    found = await context.storage.schools.by_ids(ids[:MAX_OFFERED])
    return [found[school_id] for school_id in ids[:MAX_OFFERED] if school_id in found]


async def skip_own_school(update: Update, context: MinkaContext) -> None:
    """ "Lo digo después": the buttons go away and the person hears how to say it later."""
    query = query_of(update)
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    lang = await context.language()
    await chat_of(update).send_message(t(lang, "school_skipped"))


async def save_own_school(update: Update, context: MinkaContext, school: School) -> None:
    """A teacher's school, chosen in onboarding or with /miescuela."""
    await context.storage.members.set_school(user_of(update).id, school.id)
    lang = await context.language()
    await chat_of(update).send_message(t(lang, "school_set", name=school_name(school, lang)))


async def open_school_from_link(
    update: Update, context: MinkaContext, cod_mod: str, anexo: str
) -> bool:
    """A deep link t.me/<bot>?start=s_… : show that school's card. False if it is unknown."""
    school = await context.storage.schools.get(cod_mod, anexo)
    if school is None or update.effective_message is None:
        return False
    lang = await context.language()
    await send_card(update.effective_message, context, school, lang)
    return True


async def on_inline_query(update: Update, context: MinkaContext) -> None:
    """@bot santa rosa in any chat: school cards with a button that opens the bot there."""
    inline = inline_query_of(update)
    text = inline.query.strip()[:MAX_QUERY_CHARS]
    if not text:
        await inline.answer([], cache_time=5, is_personal=True)
        return
    lang = await context.language()
    result = await search_schools(context.storage, text, limit=INLINE_RESULTS)
    ids = [school.id for school in result.schools]
    lives = await load_school_lives(context.storage, ids, context.now())
    articles = [inline_article(context, s, lives[s.id], lang) for s in result.schools]
    await inline.answer(articles, cache_time=60, is_personal=True)


def inline_article(
    context: MinkaContext, school: School, life: SchoolLife, lang: str
) -> InlineQueryResultArticle:
    card = school_card(school, life, lang, context.settings.tz)
    link = school_link(context.bot.username, school.cod_mod, school.anexo)
    button = InlineKeyboardButton(label(lang, "inline_open"), url=link)
    return InlineQueryResultArticle(
        id=str(school.id),
        title=school.name,
        description=label(lang, "inline_description", place=place_of(school), code=school.code),
        input_message_content=InputTextMessageContent(card),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


async def answer_stale(update: Update, context: MinkaContext) -> None:
    await stale_button(update, context)


# Picking a school inside a conversation (one's own school, where to announce) ---------------


async def picked_school(update: Update, context: MinkaContext, action: str) -> School | None:
    """The school an `action` button names, with the button answered; None if stale."""
    query = query_of(update)
    payload = cb.SchoolAction.unpack(query.data)
    school = None
    if payload is not None and payload.action == action:
        school = await context.storage.schools.get_by_id(payload.school_id)
    if school is None:
        await answer_stale(update, context)
        return None
    await query.answer()
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:  # pressed twice: the buttons are already gone
        log.debug("keyboard already removed: %s", exc)
    return school


Step = Callable[[Update, MinkaContext], Coroutine[Any, Any, object]]


def school_picker_handlers(
    action: str, on_picked: Step, on_skipped: Step | None = None
) -> list[Handler]:
    """The handlers of a conversation step that asks for a school: typed text and shared
    locations offer schools as `action` buttons; pressing one calls `on_picked`."""

    async def offer_matches(update: Update, context: MinkaContext) -> None:
        await reply_with_results(update, context, message_of(update).text or "", action)

    async def offer_nearby(update: Update, context: MinkaContext) -> None:
        await reply_with_nearest(update, context, action)

    handlers: list[Handler] = [
        CallbackQueryHandler(on_picked, pattern=school_button_for(action)),
        CallbackQueryHandler(on_search_more, pattern=cb.SearchMore.matches()),
        MessageHandler(filters.LOCATION, offer_nearby),
        MessageHandler(filters.TEXT & ~filters.COMMAND, offer_matches),
    ]
    if on_skipped is not None:
        handlers.insert(1, CallbackQueryHandler(on_skipped, pattern=cb.SkipSchool.matches()))
    return handlers


def school_button_for(action: str) -> Callable[[object], bool]:
    def matches(data: object) -> bool:
        payload = cb.SchoolAction.unpack(data)
        return payload is not None and payload.action == action

    return matches


def handlers() -> list[Handler]:
    """Search, /quien, /qr, card buttons and inline mode. Free text and shared locations are
    searches too, but as catch-alls they sit at the end of the registry (handlers.registry)."""
    return [
        CommandHandler(SEARCH.names, search_command),
        CommandHandler(WHO.names, who_command),
        CommandHandler(QR.names, qr_command),
        CallbackQueryHandler(on_school_button, pattern=cb.SchoolAction.matches()),
        CallbackQueryHandler(on_search_more, pattern=cb.SearchMore.matches()),
        InlineQueryHandler(on_inline_query),
    ]
