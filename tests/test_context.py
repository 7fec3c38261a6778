"""The typed context: the person's language read at most once per update and cached on the
context (also across handler groups), kept up to date by /idioma; typed user_data; the typed
accessors and their one clear error."""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.ext import TypeHandler

from bot.app import MinkaApplication
from bot.runtime.context import MinkaContext, UserData
from bot.runtime.updates import (
    UnexpectedUpdate,
    chat_of,
    inline_query_of,
    location_of,
    message_of,
    my_chat_member_of,
    query_of,
    user_of,
)
from bot.sandbox.fake_telegram import FakeTelegram
from tests.helpers import announce_guided, register_ngo, register_teacher, say, tap

ROSA = 1001

ANA, EMMA = 2001, 1003
WHEN = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# Which update a read belongs to, and whether storage's own `members.require` made it.
COUNTER: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("reads", default=None)
IN_REQUIRE: contextvars.ContextVar[bool] = contextvars.ContextVar("in_require", default=False)


class MemberReads:
    """Counts `members.get` per processed update by wrapping the running bot's own objects.
    `lookups` leaves out the reads storage makes inside `members.require` (a write re-reading
    the row it wrote, a handler loading an author's full record): those are not the person's
    language, and the cache must not hide them."""

    def __init__(self, app: MinkaApplication, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads: list[int] = []
        self.lookups: list[int] = []
        members = app.bot_data.storage.members
        get, require, process = members.get, members.require, app.process_update

        async def counted_get(user_id: int) -> Any:
            counter = COUNTER.get()
            if counter is not None:
                counter[0] += 1
                counter[1] += 0 if IN_REQUIRE.get() else 1
            return await get(user_id)

        async def marked_require(user_id: int) -> Any:
            token = IN_REQUIRE.set(True)
            try:
                return await require(user_id)
            finally:
                IN_REQUIRE.reset(token)

        async def counted_process(update: object) -> None:
            counter = [0, 0]
            COUNTER.set(counter)
            try:
                await process(update)
            finally:
                self.reads.append(counter[0])
                self.lookups.append(counter[1])

        monkeypatch.setattr(members, "get", counted_get)
        monkeypatch.setattr(members, "require", marked_require)
        monkeypatch.setattr(app, "process_update", counted_process)

    async def settled(self, fake: FakeTelegram, since: int) -> None:
        """Every update the fake delivered since `since` has been fully processed."""
        await fake.wait_until(lambda: len(self.reads) == len(fake.updates) - since)


async def test_everyday_updates_read_the_member_once(
    fake: FakeTelegram, bot: MinkaApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    await register_teacher(fake, ROSA, school_query="mariategui san martin de porres")
    since = len(fake.updates)
    reads = MemberReads(bot, monkeypatch)
    for text in ("/ayuda", "/start", "/miescuela", "/perfil", "/actividades", "/suscripciones"):
        await say(fake, ROSA, text)
    for text in ("/quien 9000001", "santa rosa", "/misdatos", "/privacidad", "/nada", "/idioma"):
        await say(fake, ROSA, text)
    await fake.press(ROSA, "English")
    await fake.next_event(ROSA)
    await say(fake, ROSA, "/anunciar")
    await say(fake, ROSA, "/cancelar")
    fake.user(EMMA, "Emma", language_code="en")
    await say(fake, EMMA, "/start")  # a newcomer: no member, Telegram's language
    await reads.settled(fake, since)
    assert reads.reads == [1] * 16  # one read each, and every one of them needs the language


async def test_whole_flows_look_the_person_up_at_most_once_per_update(
    fake: FakeTelegram, bot: MinkaApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = MemberReads(bot, monkeypatch)
    await register_teacher(fake, ROSA, school_query="mariategui san martin de porres")
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    preview = await announce_guided(fake, ANA, "el próximo lunes a las 9", "3 h")
    assert "Publicado" in (await tap(fake, ANA, preview.button_labels[0])).plain_text
    await reads.settled(fake, 0)
    assert len(reads.lookups) > 20
    assert max(reads.lookups) == 1, reads.lookups


async def test_the_language_chosen_with_idioma_is_what_the_rest_of_the_update_speaks(
    fake: FakeTelegram, bot: MinkaApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler in a later group gets the same context (PTB builds one per update): it sees
    the choice made by /idioma's button without reading the database again."""
    await register_teacher(fake, ROSA)
    since = len(fake.updates)
    reads = MemberReads(bot, monkeypatch)
    spoken: list[str] = []

    async def later(update: Update, context: MinkaContext) -> None:
        spoken.append(await context.language())

    bot.add_handler(TypeHandler(Update, later), group=99)
    await say(fake, ROSA, "/idioma")
    await fake.press(ROSA, "English")
    await fake.next_event(ROSA)
    await say(fake, ROSA, "/ayuda")
    await reads.settled(fake, since)
    assert spoken == ["es", "en", "en"]
    assert reads.reads == [1, 1, 1]


async def test_a_flow_timing_out_speaks_the_language_chosen_since(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """PTB hands a conversation's timer the context of the flow's last update, minutes old:
    its cached language must not outlive that update."""
    await register_teacher(fake, ROSA)
    asked = await say(fake, ROSA, "/anunciar")
    assert "escuela" in asked.plain_text
    await say(fake, ROSA, "/idioma")
    await fake.press(ROSA, "English")
    await fake.next_event(ROSA)
    assert bot.job_queue is not None
    (timer,) = [j for j in bot.job_queue.jobs() if j.callback.__name__ == "_trigger_timeout"]
    await timer.run(bot)
    expired = await fake.next_message(ROSA)
    assert "left unfinished for more than 30 minutes" in expired.plain_text


async def test_a_newcomers_choice_lives_in_typed_user_data_until_consent(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(EMMA, "Emma", language_code="es")
    await say(fake, EMMA, "/idioma")
    await fake.press(EMMA, "English")
    edited = await fake.next_event(EMMA)
    assert "English" in edited.message.plain_text
    assert bot.user_data[EMMA] == UserData(language="en")
    notice = await say(fake, EMMA, "/start s_0325753_0")
    assert notice.button_labels == ["I agree", "I don't agree"]
    assert bot.user_data[EMMA].start_payload == "s_0325753_0"
    await tap(fake, EMMA, "I agree")
    assert bot.user_data[EMMA].start_payload is None  # handed to the stored draft
    member = await bot.bot_data.storage.members.get(EMMA)
    assert member is not None and member.language == "en"


def test_user_data_hands_the_start_payload_over_once_and_clears() -> None:
    data = UserData(start_payload="s_1_0", language="en")
    assert data.take_start_payload() == "s_1_0"
    assert data.take_start_payload() is None
    data.clear()
    assert data == UserData()


async def test_context_of_an_update_without_a_sender(bot: MinkaApplication) -> None:
    """An update of a kind Minka does not handle has no sender: the default language, no
    read, and touching user_data is a bug."""
    update = Update(7)
    context = MinkaContext.from_update(update, bot)
    assert await context.language() == bot.bot_data.settings.default_language
    assert await context.member() is None
    with pytest.raises(UnexpectedUpdate, match="without a sender"):
        _ = context.user_data


def a_text(update_id: int) -> tuple[Update, User, Chat, Message]:
    user = User(ROSA, "Rosa", is_bot=False)
    chat = Chat(ROSA, Chat.PRIVATE)
    message = Message(update_id, WHEN, chat, from_user=user, text="hola")
    return Update(update_id, message=message), user, chat, message


def test_accessors_return_the_parts_a_handler_relies_on() -> None:
    update, user, chat, message = a_text(1)
    assert (user_of(update), chat_of(update), message_of(update)) == (user, chat, message)
    query = CallbackQuery("q1", user, "instance", message=message, data="lg:en")
    pressed = Update(2, callback_query=query)
    assert query_of(pressed) is query and message_of(pressed) == message
    assert user_of(pressed) == user


@pytest.mark.parametrize(
    ("accessor", "part"),
    [
        (query_of, "callback query"),
        (inline_query_of, "inline query"),
        (location_of, "location"),
        (my_chat_member_of, "change of the bot's membership"),
    ],
)
def test_a_missing_part_is_one_clear_internal_error(accessor: Any, part: str) -> None:
    update, *_ = a_text(41)
    with pytest.raises(UnexpectedUpdate, match=f"update 41 has no {part}:"):
        accessor(update)


def test_an_empty_update_names_what_is_missing() -> None:
    empty = Update(42)
    for accessor, part in ((user_of, "user"), (chat_of, "chat"), (message_of, "message")):
        with pytest.raises(UnexpectedUpdate, match=f"update 42 has no {part}:"):
            accessor(empty)
