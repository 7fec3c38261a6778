"""The fake Telegram server, exercised over real HTTP with python-telegram-bot's Bot."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.sandbox.chat import render_message, run_chat
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage

TOKEN = "123456:TEST-TOKEN"
ROSA = 1001


def keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in labels_and_data]
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, bot_username="minka_test_bot") as server:
        server.user(ROSA, "Rosa", username="rosa")
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as client:
        yield client


# --- identity and plumbing ---


async def test_get_me_identifies_the_bot(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "minka_test_bot", True)
    assert fake.calls[0][0] == "getMe"


async def test_wrong_token_is_unauthorized(fake: FakeTelegram) -> None:
    wrong = Bot("999:WRONG", base_url=fake.base_url)
    try:
        with pytest.raises(InvalidToken):
            await wrong.initialize()
    finally:
        await wrong.shutdown()


async def test_unknown_method_is_404(fake: FakeTelegram) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(f"{fake.base_url}{TOKEN}/sendTelepathy")
    assert response.status_code == 404
    assert response.json()["description"] == "Not Found: method not found"


# --- sending and validation ---


async def test_send_message_is_recorded_and_returned_as_telegram_would(
    bot: Bot, fake: FakeTelegram
) -> None:
    sent = await bot.send_message(
        ROSA, "<b>Hola</b> &amp; bienvenida", parse_mode="HTML", reply_markup=keyboard(("Sí", "y"))
    )
    assert sent.text == "Hola & bienvenida"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 4
    assert sent.reply_markup is not None
    recorded = fake.last_message(ROSA)
    assert recorded is not None
    assert recorded.text == "<b>Hola</b> &amp; bienvenida"
    assert (recorded.parse_mode, recorded.button_labels) == ("HTML", ["Sí"])
    assert fake.sent_count == 1 and len(fake.send_times) == 1


@pytest.mark.parametrize(
    "markup",
    [
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "</b>stray end",
        "<div>no divs</div>",
        "1 < 2",
        "fish & chips",
        "&nbsp;",
        '<span class="other">x</span>',
        "<a href='x'>ok</a> <br>",
    ],
)
async def test_broken_html_is_rejected(bot: Bot, markup: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ROSA, markup, parse_mode="HTML")


async def test_telegram_html_is_accepted(bot: Bot) -> None:
    text = (
        "<b>b</b><strong>s</strong><i>i</i><u>u</u><s>s</s><tg-spoiler>x</tg-spoiler>"
        '<span class="tg-spoiler">y</span><a href="https://x.org/?a=1&amp;b=2">l</a>'
        '<pre><code class="language-python">1</code></pre><blockquote expandable>q</blockquote>'
        "&lt;&gt;&quot;&#65;&#x42;"
    )
    sent = await bot.send_message(ROSA, text, parse_mode="HTML")
    assert sent.text is not None and sent.text.endswith('<>"AB')
    types = [entity.type for entity in sent.entities]
    assert "text_link" in types and "pre" in types and "expandable_blockquote" in types
    pre = next(entity for entity in sent.entities if entity.type == "pre")
    assert pre.language == "python"


async def test_length_counts_utf16_after_markup(bot: Bot) -> None:
    await bot.send_message(ROSA, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ROSA, "😀" * 2049)  # 2049 characters, 4098 UTF-16 units
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(ROSA, "  ")


async def test_callback_data_limit_is_in_bytes(bot: Bot) -> None:
    await bot.send_message(ROSA, "ok", reply_markup=keyboard(("a", "x" * 64)))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ROSA, "no", reply_markup=keyboard(("a", "ñ" * 33)))  # 66 bytes


async def test_button_needs_exactly_one_action(fake: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "nothing"}]]}
    status, body = await fake.handle_api_call(
        TOKEN, "sendMessage", {"chat_id": ROSA, "text": "x", "reply_markup": markup}
    )
    assert status == 400 and "Text buttons are unallowed" in body["description"]


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(555, "hola")


async def test_blocked_user_is_forbidden_until_unblocked(bot: Bot, fake: FakeTelegram) -> None:
    fake.block(ROSA)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(ROSA, "hola")
    fake.unblock(ROSA)
    await bot.send_message(ROSA, "hola")


async def test_migrated_group_raises_chat_migrated(bot: Bot, fake: FakeTelegram) -> None:
    fake.group(-100, "Claustro", admins=[ROSA])
    fake.migrate_group(-100, -1001234)
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(-100, "hola")
    assert raised.value.new_chat_id == -1001234
    await bot.send_message(-1001234, "hola")


async def test_fail_next_injects_errors_once(bot: Bot, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter):
        await bot.send_message(ROSA, "hola")
    fake.fail_next("sendMessage", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(ROSA, "hola")
    await bot.send_message(ROSA, "hola")
    assert [m.text for m in fake.messages(ROSA)] == ["hola"]


async def test_fail_next_can_target_one_chat(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(1002, "Carlos")
    fake.fail_next(
        "sendMessage", status=403, description="Forbidden: user is deactivated", chat_id=1002
    )
    await bot.send_message(ROSA, "hola")
    with pytest.raises(Forbidden, match=r"(?i)deactivated"):
        await bot.send_message(1002, "hola")


async def test_rate_limit_answers_429_and_counts(bot: Bot, fake: FakeTelegram) -> None:
    fake.rate_limit(per_chat_per_second=2)
    await bot.send_message(ROSA, "1")
    await bot.send_message(ROSA, "2")
    with pytest.raises(RetryAfter):
        await bot.send_message(ROSA, "3")
    assert fake.too_many_requests == 1
    assert fake.sent_count == 2


async def test_fractional_rate_means_one_per_longer_window(bot: Bot, fake: FakeTelegram) -> None:
    fake.rate_limit(global_per_second=0.5)
    await bot.send_message(ROSA, "1")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ROSA, "2")
    assert raised.value.retry_after in (2, dt.timedelta(seconds=2))


async def test_reply_to_unknown_message_is_rejected(bot: Bot, fake: FakeTelegram) -> None:
    update = await fake.send_text(ROSA, "hola")
    await bot.send_message(ROSA, "ok", reply_to_message_id=update["message"]["message_id"])
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(ROSA, "ok", reply_to_message_id=999)
    await bot.send_message(ROSA, "ok", reply_to_message_id=999, allow_sending_without_reply=True)


async def test_group_limit_per_minute(bot: Bot, fake: FakeTelegram) -> None:
    fake.group(-5, "Sala", admins=[ROSA])
    fake.rate_limit(per_group_per_minute=3)
    for n in range(3):
        await bot.send_message(-5, str(n))
    with pytest.raises(RetryAfter):
        await bot.send_message(-5, "again")
    await bot.send_message(ROSA, "private chats are not group-limited")


# --- updates ---


async def test_get_updates_returns_scripted_updates_and_honours_offset(
    bot: Bot, fake: FakeTelegram
) -> None:
    await fake.send_text(ROSA, "/start@minka_test_bot hola")
    await fake.share_location(ROSA, 40.4, -3.7)
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 2
    message = updates[0].message
    assert message is not None and message.text == "/start@minka_test_bot hola"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 21
    assert updates[1].message is not None and updates[1].message.location is not None
    again = await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
    assert [u.update_id for u in again] == [updates[1].update_id]
    assert await bot.get_updates(offset=updates[1].update_id + 1, timeout=0) == ()


async def test_long_poll_returns_when_an_update_arrives(bot: Bot, fake: FakeTelegram) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await fake.send_text(ROSA, "hola")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message is not None and updates[0].message.text == "hola"


async def test_overlapping_polls_conflict(bot: Bot, fake: FakeTelegram) -> None:
    # PTB gives getUpdates its own one-connection pool: overlap needs a second instance.
    first = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.1)
    async with Bot(TOKEN, base_url=fake.base_url) as other_instance:
        assert await other_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)


async def test_callback_query_round_trip(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_message(ROSA, "¿Aceptas?", reply_markup=keyboard(("Acepto", "yes")))
    await fake.press(ROSA, "acepto")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.data == "yes"
    assert query.message is not None and query.message.message_id == sent.message_id
    await query.answer("¡Gracias!")
    assert fake.callback_answers[0]["text"] == "¡Gracias!"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()


async def test_stale_button_still_sends_a_query(bot: Bot, fake: FakeTelegram) -> None:
    await fake.press_button(ROSA, 77, "old:data")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == 77


async def test_inline_query_answers(bot: Bot, fake: FakeTelegram) -> None:
    await fake.inline_query(ROSA, "mates")
    (update,) = await bot.get_updates(timeout=0)
    assert update.inline_query is not None
    too_many = [
        {
            "type": "article",
            "id": str(n),
            "title": "t",
            "input_message_content": {"message_text": "m"},
        }
        for n in range(51)
    ]
    status, _ = await fake.handle_api_call(
        TOKEN, "answerInlineQuery", {"inline_query_id": update.inline_query.id, "results": too_many}
    )
    assert status == 400
    await bot.answer_inline_query(update.inline_query.id, [])
    assert len(fake.inline_answers) == 1


async def test_bot_added_to_group_and_member_status(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(1002, "Carlos")
    fake.group(-7, "Claustro", admins=[ROSA])
    await fake.add_bot_to_group(-7, ROSA)
    (update,) = await bot.get_updates(timeout=0)
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "member"
    assert (await bot.get_chat_member(-7, ROSA)).status == "creator"
    assert (await bot.get_chat_member(-7, 1002)).status == "member"
    assert (await bot.get_chat(-7)).title == "Claustro"
    await bot.leave_chat(-7)
    with pytest.raises(Forbidden):
        await bot.send_message(-7, "hola")


async def test_commands_are_stored_per_scope_and_language(bot: Bot, fake: FakeTelegram) -> None:
    await bot.set_my_commands([("start", "Empezar")], language_code="es")
    assert fake.commands[("default", "es")] == [{"command": "start", "description": "Empezar"}]
    assert [c.command for c in await bot.get_my_commands(language_code="es")] == ["start"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Start!", "bad")])


# --- edits, deletions, files ---


async def test_edit_message_and_not_modified(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_message(ROSA, "uno", reply_markup=keyboard(("A", "a")))
    fake.mark(ROSA)
    edited = await bot.edit_message_text(
        "dos", ROSA, sent.message_id, reply_markup=keyboard(("A", "a"))
    )
    assert not isinstance(edited, bool) and edited.text == "dos"
    event = await fake.next_event(ROSA)
    assert event.kind == "edited" and event.message.text == "dos"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("dos", ROSA, sent.message_id, reply_markup=keyboard(("A", "a")))
    await bot.edit_message_reply_markup(ROSA, sent.message_id, reply_markup=None)
    message = fake.messages(ROSA)[0]
    assert message.reply_markup is None and len(message.edits) == 2
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("tres", ROSA, 999)


async def test_delete_message(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_message(ROSA, "borrame")
    await bot.delete_message(ROSA, sent.message_id)
    assert fake.messages(ROSA)[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(ROSA, sent.message_id)


async def test_send_document_multipart_and_file_id_reuse(bot: Bot, fake: FakeTelegram) -> None:
    content = b"%PDF-1.4 fake"
    sent = await bot.send_document(
        ROSA, content, filename="ficha.pdf", caption="<i>Tu</i> ficha", parse_mode="HTML"
    )
    assert sent.document is not None and sent.document.file_name == "ficha.pdf"
    assert sent.caption == "Tu ficha"
    recorded = fake.last_message(ROSA)
    assert recorded is not None and recorded.kind == "document"
    assert (recorded.file_bytes, recorded.filename) == (content, "ficha.pdf")
    again = await bot.send_document(ROSA, sent.document.file_id)
    assert again.document is not None and fake.messages(ROSA)[1].file_bytes == content
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == content
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(ROSA, "no-such-file-id")


async def test_send_photo(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_photo(ROSA, b"\x89PNG fake", filename="mapa.png")
    assert sent.photo
    recorded = fake.last_message(ROSA)
    assert recorded is not None and recorded.kind == "photo" and recorded.filename == "mapa.png"
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(ROSA, b"x", caption="c" * 1025)


async def test_next_message_waits_for_the_reply_to_the_last_action(fake: FakeTelegram) -> None:
    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await fake.handle_api_call(TOKEN, "sendMessage", {"chat_id": ROSA, "text": "respuesta"})

    await fake.handle_api_call(TOKEN, "sendMessage", {"chat_id": ROSA, "text": "antigua"})
    await fake.send_text(ROSA, "hola")
    task = asyncio.create_task(reply_later())
    message = await fake.next_message(ROSA, timeout=2)
    assert message.text == "respuesta"
    await task
    with pytest.raises(TimeoutError):
        await fake.next_message(ROSA, timeout=0.1)


# --- webhook ---


class _Receiver(tornado.web.RequestHandler):
    def initialize(
        self, received: list[tuple[dict[str, object], str | None]], failures: list[int]
    ) -> None:
        self.received = received
        self.failures = failures

    def post(self) -> None:
        if self.failures:
            self.set_status(self.failures.pop())
            return
        secret = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((json.loads(self.request.body), secret))


async def test_webhook_delivery_with_secret_and_retries(bot: Bot, fake: FakeTelegram) -> None:
    received: list[tuple[dict[str, object], str | None]] = []
    app = tornado.web.Application(
        [(r"/hook", _Receiver, {"received": received, "failures": [500]})]
    )
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates(timeout=0)
        await fake.send_text(ROSA, "uno")
        await fake.send_text(ROSA, "dos")
        await fake.wait_until(lambda: len(received) == 2, timeout=3)
        texts = [body["message"]["text"] for body, _ in received]  # type: ignore[index]
        assert texts == ["uno", "dos"]
        assert {secret for _, secret in received} == {"s3cret"}
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and info.last_error_message
        await bot.delete_webhook()
        assert await bot.get_updates(timeout=0) == ()
    finally:
        server.stop()


# --- the interactive chat ---


async def _echo_bot(bot: Bot) -> None:
    """A tiny bot: answers text with a keyboard and button presses with thanks."""
    offset = 0
    while True:
        for update in await bot.get_updates(offset=offset, timeout=1):
            offset = update.update_id + 1
            if update.message and update.message.text:
                await update.message.reply_text(
                    "<b>¿Aceptas</b> las normas?",
                    parse_mode="HTML",
                    reply_markup=keyboard(("Acepto", "yes"), ("No acepto", "no")),
                )
            elif update.callback_query:
                await update.callback_query.answer("Anotado")
                await bot.send_message(update.callback_query.from_user.id, "Gracias")


async def test_run_chat_shows_buttons_and_presses_them(bot: Bot, fake: FakeTelegram) -> None:
    printed: list[str] = []
    bot_task = asyncio.create_task(_echo_bot(bot))

    async def typed() -> AsyncIterator[str]:
        yield "hola"
        await fake.wait_until(lambda: any("[1] Acepto" in line for line in printed), 3)
        yield "1"
        await fake.wait_until(lambda: any("Gracias" in line for line in printed), 3)
        yield "/as carlos"
        yield "/as nadie"
        yield "7"
        # EOF ends the chat.

    try:
        await asyncio.wait_for(run_chat(fake, typed(), printed.append), 10)
    finally:
        bot_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bot_task
    output = "\n".join(printed)
    assert "bot: ¿Aceptas las normas?\n    [1] Acepto\n    [2] No acepto" in output
    assert "bot (notice): Anotado" in output
    assert "You are now Carlos" in output and "New user nadie (1100, es)" in output
    typed_seven = [u["message"] for u in fake.updates if u.get("message", {}).get("text") == "7"]
    assert typed_seven and typed_seven[0]["from"]["first_name"] == "nadie"  # sent as text
    presses = [u["callback_query"] for u in fake.updates if "callback_query" in u]
    assert presses[0]["data"] == "yes" and presses[0]["from"]["id"] == 1001
    assert fake.on_bot_message is None


async def test_run_chat_names_other_recipients_and_files(fake: FakeTelegram) -> None:
    printed: list[str] = []

    async def typed() -> AsyncIterator[str]:
        yield "/as Emma"
        await fake.handle_api_call(TOKEN, "sendMessage", {"chat_id": 1002, "text": "para Carlos"})
        yield "/loc 40.4 -3.7"
        yield "/quit"
        yield "never read"

    await asyncio.wait_for(run_chat(fake, typed(), printed.append), 5)
    assert "bot -> Carlos: para Carlos" in printed
    location = fake.updates[-1]["message"]["location"]
    assert location == {"latitude": 40.4, "longitude": -3.7}
    assert fake.updates[-1]["message"]["from"]["first_name"] == "Emma"
    assert not any(u.get("message", {}).get("text") == "never read" for u in fake.updates)


def test_render_message_shows_files_and_buttons() -> None:
    message = SentMessage(
        3,
        1,
        "document",
        "<b>Ficha</b>",
        "HTML",
        plain_text="Ficha",
        file_bytes=b"1234",
        filename="f.pdf",
    )
    assert render_message(message) == "[document: f.pdf, 4 bytes]\nFicha"


async def test_run_chat_quotes_numeric_buttons_and_says_numbers(fake: FakeTelegram) -> None:
    """A calendar's day "5" is button [7]: typing 7 presses it, /say 5 types the text 5."""
    printed: list[str] = []
    days = [[{"text": "◀", "callback_data": "p"}, {"text": "▶", "callback_data": "n"}]]
    days.append([{"text": str(day), "callback_data": f"d{day}"} for day in range(1, 8)])

    async def typed() -> AsyncIterator[str]:
        await fake.handle_api_call(
            TOKEN,
            "sendMessage",
            {"chat_id": 1001, "text": "Elige el día", "reply_markup": {"inline_keyboard": days}},
        )
        yield "/say 5"
        yield "7"
        yield "/as Lucía en"
        yield "/as lucía"

    await asyncio.wait_for(run_chat(fake, typed(), printed.append), 10)
    output = "\n".join(printed)
    assert "[1] ◀  [2] ▶\n    [3] «1»  [4] «2»" in output and "/say N" in output
    texts = [u["message"]["text"] for u in fake.updates if "text" in u.get("message", {})]
    assert texts == ["5"]
    presses = [u["callback_query"]["data"] for u in fake.updates if "callback_query" in u]
    assert presses == ["d5"]
    assert output.count("New user Lucía (1100, en)") == 1
    assert output.count("You are now Lucía") == 2


async def test_a_user_sends_a_document_the_bot_downloads_it(
    bot: Bot, fake: FakeTelegram, tmp_path: Path
) -> None:
    """send_document as a person sends a file; getFile and the file URL give its bytes back,
    as Telegram does; over 20 MB getFile refuses (the Bot API's download limit)."""
    sheet = tmp_path / "matriz.csv"
    sheet.write_bytes("Organización;Actividad\nAyni;Taller\n".encode())
    printed: list[str] = []

    async def typed() -> AsyncIterator[str]:
        yield f"/file {sheet}"
        yield "/file /no/such/file.xlsx"

    await asyncio.wait_for(run_chat(fake, typed(), printed.append), 10)
    assert any("Usage / Uso: /file PATH" in line for line in printed)
    (update,) = [u for u in fake.updates if "document" in u.get("message", {})]
    document = update["message"]["document"]
    assert document["file_name"] == "matriz.csv" and document["file_size"] == sheet.stat().st_size
    downloaded = await (await bot.get_file(document["file_id"])).download_as_bytearray()
    assert bytes(downloaded) == sheet.read_bytes()
    await fake.send_document(ROSA, "enorme.xlsx", b"x" * (20 * 1024 * 1024 + 1))
    big = fake.updates[-1]["message"]["document"]["file_id"]
    with pytest.raises(BadRequest, match="too big"):
        await bot.get_file(big)
