"""/exportar and /calendario through real HTTP against the fake Telegram, and the links they
give opened over real HTTP on the bot's own web server."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import httpx
import icalendar
import openpyxl
import pytest

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from storage.activities import Category, NewActivity
from storage.roles import RoleName
from tests.helpers import pick, register_ngo, register_teacher, say, storage_of

NOW = datetime(2027, 3, 15, 15, 0, tzinfo=UTC)  # Monday 15 March 2027, 10:00 in Lima
ANA, ROSA, LUIS = 2001, 1001, 2003


@pytest.fixture(autouse=True)
def frozen_clock(bot: MinkaApplication) -> None:
    bot.bot_data.clock = lambda: NOW


async def announce(app: MinkaApplication, cod_mod: str, title: str, days: int) -> int:
    storage = storage_of(app)
    school = await storage.exports.school_id_by_code(cod_mod)
    member = await storage.members.get(ANA)
    assert school is not None and member is not None and member.organization is not None
    starts = NOW + timedelta(days=days)
    activity = await storage.activities.create(
        NewActivity(school, member.organization.id, ANA, title, None, Category.SALUD, starts,
                    starts + timedelta(hours=2))
    )  # fmt: skip
    return activity.id


async def edited(fake: FakeTelegram, user: int) -> SentMessage:
    event = await fake.next_event(user, lambda event: event.kind == "edited")
    return event.message


async def press(fake: FakeTelegram, user: int, label: str) -> SentMessage:
    await fake.press(user, label)
    return await edited(fake, user)


def workbook_of(message: SentMessage) -> openpyxl.Workbook:
    assert message.kind == "document" and message.file_bytes is not None
    return openpyxl.load_workbook(io.BytesIO(message.file_bytes))


async def test_a_coordinator_exports_her_province(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await storage_of(bot).roles.grant(ANA, RoleName.COORDINATOR, scope_ubigeo="1501")
    in_lima = await announce(bot, "9000001", "Campaña <b>visual</b>", 2)
    await announce(bot, "9000001", "En abril", 30)
    pick = await say(fake, ANA, "/exportar")
    assert pick.button_labels == ["Provincia Lima", "Fundación Ayni"]
    periods = await press(fake, ANA, "Provincia Lima")
    assert periods.edits[-1].reply_markup is not None
    assert "/exportar 1501 01/03/2027" in (periods.plain_text or periods.edits[-1].text or "")
    await press(fake, ANA, "Este mes")
    await fake.press(ANA, "Excel y CSV")
    preparing = await edited(fake, ANA)
    assert "Preparando" in (preparing.edits[-1].text or "")
    document = await fake.next_message(ANA)
    assert document.filename == "minka-3w-1501-2027-03-01-2027-03-31.xlsx"
    assert "Provincia Lima, del 01/03/2027 al 31/03/2027: 1 actividad." in (document.text or "")
    rows = list(workbook_of(document)["Actividades"].iter_rows(values_only=True))
    assert rows[1][1] == "#org+impl" and [row[0] for row in rows[2:]] == [in_lima]
    assert rows[2][5] == "Campaña <b>visual</b>"
    csv_file = await fake.next_message(ANA)
    assert csv_file.filename and csv_file.filename.endswith(".csv") and csv_file.file_bytes
    assert "#org+impl" in csv_file.file_bytes.decode("utf-8-sig")


async def test_typed_scope_and_period_and_its_mistakes(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await storage_of(bot).roles.grant(ANA, RoleName.COORDINATOR, scope_ubigeo="1501")
    await announce(bot, "9000002", "Taller", 1)
    answer = await say(fake, ANA, "/exportar 9000002 01/03/2027 31/03/2027")
    assert answer.button_labels == ["Excel (.xlsx)", "Excel y CSV"]
    await fake.press(ANA, "Excel (.xlsx)")
    await edited(fake, ANA)
    document = await fake.next_message(ANA)
    assert document.filename == "minka-3w-ie9000002-2027-03-01-2027-03-31.xlsx"
    # A second press of the same button sends nothing more.
    await fake.press(ANA, "Excel (.xlsx)", message=answer)
    await fake.wait_until(lambda: "ya te lo envié" in str(fake.callback_answers[-1]))
    cusco = await storage_of(bot).db.scalar("SELECT cod_mod FROM schools WHERE ubigeo LIKE '08%'")
    mistakes = {
        f"/exportar {cusco}": "fuera de tu ámbito",
        "/exportar 08": "fuera de tu ámbito",
        "/exportar 99": "No encontré «99»",
        "/exportar <b>": "Escribe /exportar",
        "/exportar 1501 01/03/2027": "Escribe /exportar",
        "/exportar 1501 31/02/2027 01/03/2027": "«31/02/2027» no es una fecha",
        "/exportar 1501 31/03/2027 01/03/2027": "anterior a la primera",
    }
    for typed, words in mistakes.items():
        reply = await say(fake, ANA, typed)
        assert words in (reply.plain_text or ""), (typed, reply.plain_text)


async def test_who_may_export(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA)
    refused = await say(fake, ROSA, "/exportar")
    assert "coordinadores" in (refused.plain_text or "")
    await register_ngo(fake, LUIS, "Luis", "Sumaq")
    own = await say(fake, LUIS, "/exportar")  # his organization only: straight to the period
    assert "Sumaq" in (own.plain_text or "") and "Este mes" in own.button_labels
    not_his = await say(fake, LUIS, "/exportar 1501")
    assert "fuera de tu ámbito" in (not_his.plain_text or "")
    # A tampered last button (another organization's scope) gets nothing.
    await fake.press_button(LUIS, own.message_id, "xf:o:999:tm:0")
    await fake.wait_until(lambda: len(fake.callback_answers) > 0)
    assert all(m.kind != "document" for m in fake.messages(LUIS))


async def test_calendar_link_opens_renews_and_revokes(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await announce(bot, "9000001", "Campaña", 2)
    reply = await say(fake, ANA, "/calendario")
    text = reply.plain_text or ""
    assert "Aún no sigues nada" in text and "webcal://" in text
    url = next(word for word in text.split() if word.startswith("http"))
    assert reply.button_labels == ["📅 Calendario de Fundación Ayni", "🔄 Nuevo enlace"]
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).status_code == 200
        organization = await say(fake, ANA, "/calendario")  # the same link twice
        assert url in (organization.plain_text or "")
        await fake.press(ANA, "📅 Calendario de Fundación Ayni")
        org_reply = await fake.next_message(ANA)
        org_url = next(w for w in (org_reply.plain_text or "").split() if w.startswith("http"))
        events = icalendar.Calendar.from_ical((await client.get(org_url)).content).walk("VEVENT")
        assert [str(event["SUMMARY"]) for event in events] == ["Campaña"]
        await fake.press(ANA, "🔄 Nuevo enlace", message=reply)
        renewed = await edited(fake, ANA)
        assert "ya no funciona" in ((await fake.next_message(ANA)).plain_text or "")
        new_text = renewed.edits[-1].text or ""
        assert url not in new_text
        assert (await client.get(url)).status_code == 404
        await fake.press(ANA, "🔄 Nuevo enlace", message=reply)  # the old message again
        await fake.wait_until(lambda: "ya se había cambiado" in str(fake.callback_answers[-1]))


async def test_calendar_of_a_school_and_before_registering(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(LUIS, "Luis")
    stranger = await say(fake, LUIS, "/calendario")
    assert "regístrate con /start" in (stranger.plain_text or "")
    await register_teacher(fake, ROSA)
    school = await say(fake, ROSA, "/calendario 9000001")
    assert "Calendario de I.E. N° 2045" in (school.plain_text or "")
    await say(fake, ROSA, "/buscar 9000001")
    card = await pick(fake, ROSA)
    assert card.button_labels[-1] == "📅 Calendario de la escuela"
    await fake.press(ROSA, "📅 Calendario de la escuela", message=card)
    from_card = await fake.next_message(ROSA)
    link = next(w for w in (school.plain_text or "").split() if w.startswith("http"))
    assert link in (from_card.plain_text or "")  # the same link: one per person and school
    nothing = await say(fake, ROSA, "/calendario zzzzqqq")
    assert "zzzzqqq" in (nothing.plain_text or "")


async def test_my_data_lists_calendar_links_and_forget_me_stops_them(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    reply = await say(fake, ROSA, "/calendario")
    url = next(w for w in (reply.plain_text or "").split() if w.startswith("http"))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    my_data = await say(fake, ROSA, "/misdatos")
    assert my_data.file_bytes is not None and token in my_data.file_bytes.decode()
    await say(fake, ROSA, "/olvidarme")
    await fake.press(ROSA, "Sí, bórrame")
    await edited(fake, ROSA)
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).status_code == 404
