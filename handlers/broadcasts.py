"""/difundir (/broadcast): a coordinator sends a notice to an audience inside their scope:
audience -> text -> "Recibido ✅" button or not -> preview with the exact message and how many
chats it reaches -> Enviar. Delivery goes through the outbox; the author gets a report once the
last message is settled. Also /difusiones and the "Recibido ✅" answers."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.audiences import offered_kinds
from bot.domain.school_search import search_schools
from bot.outbox.compose import copy_renderer, excerpt
from bot.outbox.hooks import wake_delivery
from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.activity_views import short_when
from bot.views.commands import BROADCAST, BROADCASTS
from bot.views.keyboards import Button, column, keyboard
from bot.views.school_views import display_place, results_keyboard
from bot.views.texts import Markup, escape, label, t
from handlers.conversations import Handler, conversation
from handlers.schools import picked_school, school_picker_handlers
from storage.broadcasts import (
    Audience,
    AudienceKind,
    BroadcastNotAllowed,
    EveryoneLimitReached,
)
from storage.roles import Permissions

log = logging.getLogger(__name__)

FLOW = "broadcast"
AUDIENCE, SCHOOL, PLACE, TEXT, ACK, PREVIEW = (
    "audience",
    "school",
    "place",
    "text",
    "ack",
    "preview",
)
END = ConversationHandler.END
MAX_CHARS = 3500
LANGS = ("es", "en")
LEVEL_DIGITS = {AudienceKind.DISTRICT: 6, AudienceKind.PROVINCE: 4, AudienceKind.REGION: 2}
PLACE_SEARCH_DEPTH = 40
SCHOOLS_OFFERED = 8  # schools looked at to find the places a typed name may mean


async def permissions_of(update: Update, context: MinkaContext) -> Permissions:
    return await context.storage.roles.permissions(user_of(update).id, context.settings.admin_ids)


async def send(update: Update, text: str, **kwargs: Any) -> None:
    await chat_of(update).send_message(text, **kwargs)


async def remember(update: Update, context: MinkaContext, **values: Any) -> dict[str, Any]:
    return await context.storage.drafts.update(user_of(update).id, FLOW, **values)


async def close(update: Update) -> None:
    query = query_of(update)
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)


# Start and audience ------------------------------------------------------------------------------


async def start_broadcast(update: Update, context: MinkaContext) -> str | int:
    member = await context.member()  # first: its language fills the cache, one read for both
    lang = await context.language()
    permissions = await permissions_of(update, context)
    if not (permissions.is_admin or permissions.is_coordinator):
        await send(update, t(lang, "coordinators_only"))
        return END
    if await over_hourly_limit(update, context, lang):
        return END
    own_org = member.organization.id if member and member.organization else None
    kinds = offered_kinds(permissions, own_org)
    buttons: list[Button] = [
        (label(lang, f"audience_{kind}"), cb.AudienceChoice(kind.value)) for kind in kinds
    ]
    await send(update, t(lang, "broadcast_pick_audience"), reply_markup=column(buttons))
    return AUDIENCE


async def over_hourly_limit(update: Update, context: MinkaContext, lang: str) -> bool:
    since = context.now() - timedelta(hours=1)
    count = await context.storage.broadcasts.count_since(user_of(update).id, since)
    if count < context.settings.max_broadcasts_per_hour:
        return False
    await send(update, t(lang, "broadcast_limit_hour", count=count))
    return True


async def on_audience_kind(update: Update, context: MinkaContext) -> str | int:
    query = query_of(update)
    choice = cb.AudienceChoice.unpack(query.data)
    if choice is None or choice.kind not in {k.value for k in AudienceKind}:
        await query.answer()
        return AUDIENCE
    await close(update)
    kind = AudienceKind(choice.kind)
    lang = await context.language()
    await remember(update, context, kind=kind.value)
    if kind is AudienceKind.SCHOOL:
        await send(update, t(lang, "broadcast_ask_school"))
        return SCHOOL
    if kind in LEVEL_DIGITS:
        await send(update, t(lang, "broadcast_ask_place"))
        return PLACE
    return await whole_group_audience(update, context, kind, lang)


async def whole_group_audience(
    update: Update, context: MinkaContext, kind: AudienceKind, lang: str
) -> str | int:
    """ "Mi organización" or "Todos": no further choice, but the right is checked again."""
    permissions = await permissions_of(update, context)
    if kind is AudienceKind.EVERYONE and permissions.is_admin:
        return await set_audience(
            update, context, Audience(kind, ""), label(lang, "audience_everyone")
        )
    member = await context.member()
    org = member.organization if member else None
    if kind is AudienceKind.ORGANIZATION and org and permissions.covers_organization(org.id):
        return await set_audience(update, context, Audience(kind, str(org.id)), org.name)
    await send(update, t(lang, "broadcast_out_of_scope"))
    return END


async def on_school(update: Update, context: MinkaContext) -> str | int:
    school = await picked_school(update, context, cb.BROADCAST)
    if school is None:
        return SCHOOL
    permissions = await permissions_of(update, context)
    if not permissions.covers_ubigeo(school.ubigeo or ""):
        await send(update, t(await context.language(), "broadcast_out_of_scope"))
        return SCHOOL
    return await set_audience(
        update, context, Audience(AudienceKind.SCHOOL, str(school.id)), school.name
    )


async def offer_schools_in_scope(update: Update, context: MinkaContext) -> str:
    """A typed school name: only the schools the coordinator may reach are offered (a list
    of schools outside her scope, each refused once picked, was a dead end)."""
    text = (message_of(update).text or "").strip()[:200]
    lang = await context.language()
    permissions = await permissions_of(update, context)
    result = await search_schools(context.storage, text, limit=PLACE_SEARCH_DEPTH)
    inside = [s for s in result.schools if permissions.covers_ubigeo(s.ubigeo or "")]
    if not inside:
        await send(update, t(lang, "broadcast_no_schools", text=text))
        return SCHOOL
    markup = results_keyboard(inside[:SCHOOLS_OFFERED], cb.BROADCAST, lang, None)
    await send(update, t(lang, "pick_school"), reply_markup=markup)
    return SCHOOL


async def on_place_text(update: Update, context: MinkaContext) -> str:
    """A typed place name: the districts, provinces or regions of matching schools."""
    text = (message_of(update).text or "")[:200]
    lang = await context.language()
    draft = await context.storage.drafts.get(user_of(update).id, FLOW)
    kind = AudienceKind(draft["kind"])
    places = await places_named(
        context, text, LEVEL_DIGITS[kind], await permissions_of(update, context)
    )
    if not places:
        await send(update, t(lang, "broadcast_no_places", text=text))
        return PLACE
    buttons: list[Button] = [(name, cb.PlaceChoice(prefix)) for prefix, name in places.items()]
    await send(update, t(lang, "broadcast_places"), reply_markup=column(buttons[:8]))
    return PLACE


async def places_named(
    context: MinkaContext, text: str, digits: int, permissions: Permissions
) -> dict[str, str]:
    """ubigeo prefix -> "District, Province" (or province, region) for schools matching."""
    result = await search_schools(context.storage, text, limit=PLACE_SEARCH_DEPTH)
    places: dict[str, str] = {}
    for school in result.schools:
        prefix = (school.ubigeo or "")[:digits]
        if len(prefix) == digits and prefix not in places and permissions.covers_ubigeo(prefix):
            places[prefix] = place_name(school.district, school.province, school.region, digits)
    return places


def place_name(district: str | None, province: str | None, region: str | None, digits: int) -> str:
    parts = {6: (district, province), 4: (province, region), 2: (region,)}[digits]
    return ", ".join(display_place(part) for part in parts if part)


async def on_place_choice(update: Update, context: MinkaContext) -> str | int:
    query, user = query_of(update), user_of(update)
    choice = cb.PlaceChoice.unpack(query.data)
    kind = AudienceKind((await context.storage.drafts.get(user.id, FLOW)).get("kind", "school"))
    digits = LEVEL_DIGITS.get(kind)
    permissions = await permissions_of(update, context)
    if (
        choice is None
        or digits is None
        or len(choice.ubigeo) != digits
        or not permissions.covers_ubigeo(choice.ubigeo)
    ):
        await query.answer(
            label(await context.language(), "broadcast_out_of_scope"), show_alert=True
        )
        return PLACE
    await close(update)
    schools = await context.storage.schools.in_ubigeo_prefix(choice.ubigeo, limit=1)
    name = (
        place_name(schools[0].district, schools[0].province, schools[0].region, digits)
        if schools
        else choice.ubigeo
    )
    return await set_audience(update, context, Audience(kind, choice.ubigeo), name)


async def set_audience(update: Update, context: MinkaContext, audience: Audience, name: str) -> str:
    await remember(
        update, context, kind=audience.kind.value, target=audience.target, audience_name=name
    )
    lang = await context.language()
    await send(update, t(lang, "broadcast_ask_text", audience=name))
    return TEXT


# Text, acknowledgement, preview ------------------------------------------------------------------


async def on_text(update: Update, context: MinkaContext) -> str:
    text = (message_of(update).text or "").strip()
    lang = await context.language()
    if not text or len(text) > MAX_CHARS:
        await send(update, t(lang, "broadcast_text_invalid", length=len(text)))
        return TEXT
    await remember(update, context, text=text)
    buttons = [
        [(label(lang, "btn_with_ack"), cb.AckChoice(True))],
        [(label(lang, "btn_without_ack"), cb.AckChoice(False))],
    ]
    await send(update, t(lang, "broadcast_ask_ack"), reply_markup=keyboard(buttons))
    return ACK


async def on_ack_choice(update: Update, context: MinkaContext) -> str | int:
    query = query_of(update)
    choice = cb.AckChoice.unpack(query.data)
    if choice is None:
        await query.answer()
        return ACK
    await close(update)
    draft = await remember(update, context, with_ack=choice.with_ack)
    lang = await context.language()
    audience = Audience(AudienceKind(draft["kind"]), draft["target"])
    size = await context.storage.broadcasts.size(audience, user_of(update).id)
    if size.people + size.groups == 0:
        await send(update, t(lang, "broadcast_nobody"))
        return END
    message = await broadcast_message(update, context, draft["text"], lang)
    preview = t(lang, "broadcast_preview", message=message, people=size.people, groups=size.groups)
    buttons = [
        [
            (label(lang, "btn_send"), cb.SendBroadcast(True)),
            (label(lang, "btn_discard"), cb.SendBroadcast(False)),
        ]
    ]
    await send(update, preview, reply_markup=keyboard(buttons))
    return PREVIEW


async def broadcast_message(update: Update, context: MinkaContext, text: str, lang: str) -> Markup:
    """Exactly what recipients read: who sends it, on behalf of which organization, the text."""
    member = await context.member()
    name = (member.name if member else None) or user_of(update).full_name
    org = member.organization.name if member and member.organization else None
    suffix = t(lang, "broadcast_header_org", organization=org) if org else Markup("")
    return Markup(
        t(lang, "broadcast_header", name=name, organization=suffix) + "\n\n" + escape(text)
    )


async def on_send(update: Update, context: MinkaContext) -> int:
    query, user = query_of(update), user_of(update)
    choice = cb.SendBroadcast.unpack(query.data)
    await close(update)
    lang = await context.language()
    draft = await context.storage.drafts.get(user.id, FLOW)
    await context.storage.drafts.clear(user.id, FLOW)
    if choice is None or not choice.send or "text" not in draft:
        await send(update, t(lang, "broadcast_discarded"))
        return END
    audience = Audience(AudienceKind(draft["kind"]), draft["target"])
    try:
        count = await create_broadcast(update, context, audience, draft)
    except BroadcastNotAllowed:  # the scope changed (or a ban came) since the preview
        await send(update, t(lang, "broadcast_out_of_scope"))
        return END
    except EveryoneLimitReached:  # counted where it is written: two admins cannot both pass
        await send(update, t(lang, "broadcast_limit_everyone"))
        return END
    wake_delivery(context)
    await send(update, t(lang, "broadcast_sending", count=count))
    return END


async def create_broadcast(
    update: Update, context: MinkaContext, audience: Audience, draft: dict[str, Any]
) -> int:
    """Store it and enqueue one message per recipient chat, each in the chat's language."""
    member = await context.member()
    org_id = member.organization.id if member and member.organization else None
    texts = {lang: await broadcast_message(update, context, draft["text"], lang) for lang in LANGS}
    render = copy_renderer(texts, context.settings.default_language)
    permissions = await permissions_of(update, context)
    broadcast = await context.storage.broadcasts.create(
        permissions,
        org_id,
        audience,
        draft["text"],
        bool(draft.get("with_ack")),
        render,
        now=context.now(),
        everyone_per_day=context.settings.max_everyone_broadcasts_per_day,
    )
    return broadcast.recipients


# Acknowledgements, reports, the list -------------------------------------------------------------


async def on_received(update: Update, context: MinkaContext) -> None:
    query, chat = query_of(update), chat_of(update)
    choice = cb.BroadcastAck.unpack(query.data)
    lang = await context.language()
    first = choice is not None and await context.storage.broadcasts.ack(
        choice.broadcast_id, chat.id
    )
    await query.answer(label(lang, "ack_thanks" if first else "ack_already"))


async def list_broadcasts(update: Update, context: MinkaContext) -> None:
    lang = await context.language()
    mine = await context.storage.broadcasts.of_author(user_of(update).id)
    if not mine:
        await send(update, t(lang, "broadcasts_none"))
        return
    lines = [broadcast_line(b, report, lang, context) for b, report in mine]
    await send(update, t(lang, "broadcasts_list", lines=Markup("\n".join(lines))))


def broadcast_line(broadcast: Any, report: Any, lang: str, context: MinkaContext) -> Markup:
    return t(
        lang,
        "broadcast_line",
        date=short_when(broadcast.created_at, lang, context.settings.tz),
        excerpt=excerpt(broadcast.text),
        audience=label(lang, f"audience_{broadcast.audience.kind}"),
        delivered=report.delivered,
        recipients=report.recipients,
        blocked=report.blocked,
        failed=report.failed,
        acknowledged=report.acknowledged,
        pending=report.pending,
    )


def handlers() -> list[Handler]:
    text = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[Handler]] = {
        AUDIENCE: [CallbackQueryHandler(on_audience_kind, pattern=cb.AudienceChoice.matches())],
        SCHOOL: [
            MessageHandler(filters.TEXT & ~filters.COMMAND, offer_schools_in_scope),
            *school_picker_handlers(cb.BROADCAST, on_school),
        ],
        PLACE: [
            MessageHandler(text, on_place_text),
            CallbackQueryHandler(on_place_choice, pattern=cb.PlaceChoice.matches()),
        ],
        TEXT: [MessageHandler(text, on_text)],
        ACK: [CallbackQueryHandler(on_ack_choice, pattern=cb.AckChoice.matches())],
        PREVIEW: [CallbackQueryHandler(on_send, pattern=cb.SendBroadcast.matches())],
    }
    entry = CommandHandler(BROADCAST.names, start_broadcast, filters.ChatType.PRIVATE)
    own = (cb.AudienceChoice, cb.PlaceChoice, cb.AckChoice, cb.SendBroadcast)
    flow = conversation(FLOW, [entry], states, own, timeout=timedelta(minutes=30))
    return [
        flow,
        CommandHandler(BROADCASTS.names, list_broadcasts, filters.ChatType.PRIVATE),
        CallbackQueryHandler(on_received, pattern=cb.BroadcastAck.matches()),
    ]
