"""/calendario: links to calendar feeds a phone subscribes to.

`/calendario` gives the person's own feed (what she follows); `/calendario <escuela>` and the
school card's button a school's; a button under the first gives her organization's. Each link
is secret and revocable: "Nuevo enlace" revokes it at once and shows a new one. A press on an
old message, after the link was renewed since, changes nothing (the button names the link it
replaces).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.calendar_feed import calendar_path
from bot.views.commands import CALENDAR
from bot.views.keyboards import Button, column
from bot.views.texts import Markup, label, t
from handlers.common import answering, stale_button
from handlers.conversations import Handler
from handlers.schools import school_button_for, school_from_arguments
from storage.calendar_feeds import CalendarFeed, FeedKind, UnknownFeedTarget

FEED_CODES = {FeedKind(kind): code for code, kind in cb.FEED_CODES.items()}


def feed_links(public_url: str, feed: CalendarFeed) -> tuple[str, str]:
    """The https link (Google, Outlook) and its webcal:// twin (Apple, which subscribes)."""
    url = public_url + calendar_path(feed.token)
    return url, "webcal://" + url.split("://", 1)[1]


def link_text(context: MinkaContext, feed: CalendarFeed, lang: str, intro: Markup) -> Markup:
    url, webcal = feed_links(context.bot_data.public_url, feed)
    return Markup(intro + "\n\n" + t(lang, "calendar_how", url=url, webcal=webcal))


def link_keyboard(feed: CalendarFeed, lang: str, extra: list[Button]) -> InlineKeyboardMarkup:
    renew = cb.CalendarRenew(FEED_CODES[feed.kind], feed.target, feed.id)
    return column([*extra, (label(lang, "calendar_btn_renew"), renew)])


async def intro_for(context: MinkaContext, feed: CalendarFeed, lang: str) -> Markup:
    if feed.kind is not FeedKind.FOLLOWS:
        return t(lang, "calendar_of", name=feed.title)
    intro = t(lang, "calendar_follows")
    if not await context.storage.follows.of_chat(feed.owner_id):
        intro = Markup(intro + "\n" + t(lang, "calendar_nothing_followed"))
    return intro


async def organization_button(context: MinkaContext, lang: str) -> list[Button]:
    member = await context.member()
    if member is None or member.organization is None:
        return []
    org = member.organization
    show = cb.CalendarShow(FEED_CODES[FeedKind.ORGANIZATION], str(org.id))
    return [(label(lang, "calendar_btn_my_org", name=org.name), show)]


async def send_link(
    message: Message, context: MinkaContext, feed: CalendarFeed, lang: str, *, edit: bool = False
) -> None:
    extra: list[Button] = []
    if feed.kind is FeedKind.FOLLOWS:
        extra = await organization_button(context, lang)
    text = link_text(context, feed, lang, await intro_for(context, feed, lang))
    send = message.edit_text if edit else message.reply_text
    await send(text, reply_markup=link_keyboard(feed, lang, extra))


async def calendar_command(update: Update, context: MinkaContext) -> None:
    message, user = message_of(update), user_of(update)
    member = await context.member()  # first: its language fills the cache, one read for both
    lang = await context.language()
    if member is None:
        await message.reply_text(t(lang, "calendar_needs_start"))
        return
    if context.args:
        school = await school_from_arguments(update, context, cb.CALENDAR, "calendar_usage")
        if school is not None:
            await send_feed(message, context, user.id, FeedKind.SCHOOL, str(school.id), lang)
        return
    await send_feed(message, context, user.id, FeedKind.FOLLOWS, "", lang)


async def send_feed(
    message: Message, context: MinkaContext, user_id: int, kind: FeedKind, target: str, lang: str
) -> None:
    try:
        feed = await context.storage.calendar_feeds.link_for(user_id, kind, target, lang)
    except UnknownFeedTarget:
        await message.reply_text(t(lang, "calendar_unknown_target"))
        return
    await send_link(message, context, feed, lang)


async def on_school_button(update: Update, context: MinkaContext) -> None:
    """A school's calendar: its card's button, or one of several matches of
    `/calendario <words>`. The buttons stay (a card is still a card)."""
    query, user = query_of(update), user_of(update)
    payload = cb.SchoolAction.unpack(query.data)
    school = None
    if payload is not None and payload.action == cb.CALENDAR:
        school = await context.storage.schools.get_by_id(payload.school_id)
    if school is None:
        await stale_button(update, context)
        return
    member = await context.member()
    lang = await context.language()
    message = message_of(update)
    async with answering(query):
        if member is None:
            await message.reply_text(t(lang, "calendar_needs_start"))
            return
        await send_feed(message, context, user.id, FeedKind.SCHOOL, str(school.id), lang)


async def on_show(update: Update, context: MinkaContext) -> None:
    query, user = query_of(update), user_of(update)
    show = cb.CalendarShow.unpack(query.data)
    kind = FeedKind(cb.FEED_CODES[show.feed]) if show and show.feed in cb.FEED_CODES else None
    if show is None or kind is None or await context.member() is None:
        await stale_button(update, context)
        return
    lang = await context.language()
    async with answering(query):
        await send_feed(message_of(update), context, user.id, kind, show.target, lang)


async def on_renew(update: Update, context: MinkaContext) -> None:
    query, user = query_of(update), user_of(update)
    renew = cb.CalendarRenew.unpack(query.data)
    live = {feed.id: feed for feed in await context.storage.calendar_feeds.of_owner(user.id)}
    lang = await context.language()
    if renew is None or renew.feed_id not in live:
        await query.answer(label(lang, "calendar_already_renewed"), show_alert=True)
        return
    old = live[renew.feed_id]
    feed = await context.storage.calendar_feeds.renew(user.id, old.kind, old.target, lang)
    message = message_of(update)
    async with answering(query):
        await send_link(message, context, feed, lang, edit=True)
        await message.reply_text(t(lang, "calendar_renewed"))


def handlers() -> list[Handler]:
    """/calendario and its buttons, in private chats: a link is personal."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(CALENDAR.names, calendar_command, private),
        CallbackQueryHandler(on_school_button, pattern=school_button_for(cb.CALENDAR)),
        CallbackQueryHandler(on_show, pattern=cb.CalendarShow.matches()),
        CallbackQueryHandler(on_renew, pattern=cb.CalendarRenew.matches()),
    ]
