"""Coordinators broadcasting through real HTTP: scope, preview counts equal what is queued,
acknowledgements, the report with blocked and failed copies; bans."""

from __future__ import annotations

import pytest

from bot.app import MinkaApplication
from bot.outbox import jobs
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from storage.roles import RoleName
from tests.helpers import (
    ADMIN_ID,
    outbox_busy,
    register_ngo,
    register_teacher,
    say,
    scheduled_job,
    storage_of,
    switch_to_english,
    tap,
)

COORDINATOR, ROSA, CARLOS, LUCIA, PEDRO = 3001, 1001, 1002, 1004, 1005
NOTICE = "Mañana no habrá clases por simulacro de sismo; reprogramen sus actividades"


pytestmark = pytest.mark.usefixtures("frozen_clock")  # the bot's clock stopped at NOW


async def district_coordinator(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """A UGEL coordinator for San Martín de Porres (ubigeo 150135)."""
    await register_ngo(fake, COORDINATOR, "Elena", "UGEL 02")
    await storage_of(bot).roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="150135")


async def teachers(fake: FakeTelegram) -> None:
    """Three teachers in San Martín de Porres, one in Puno."""
    for user in (ROSA, CARLOS, LUCIA):
        await register_teacher(fake, user, school_query="9000001")
    await register_teacher(fake, PEDRO, school_query="9000004")


async def choose_district(
    fake: FakeTelegram, user: int, place: str, command: str = "/difundir", kind: str = "Un distrito"
) -> SentMessage:
    await say(fake, user, command)
    await tap(fake, user, kind)
    return await say(fake, user, place)


async def report_once_delivered(fake: FakeTelegram, bot: MinkaApplication) -> SentMessage:
    """Wait until the outbox is idle, run the report job (twice: it reports once), and return
    the report the coordinator received."""
    await fake.wait_until(lambda: not outbox_busy(bot), timeout=10)
    fake.mark(COORDINATOR)
    job = scheduled_job(bot, jobs.REPORT_JOB)
    await job.run(bot)
    await job.run(bot)  # the report goes once
    return await fake.next_message(COORDINATOR)


async def test_a_member_cannot_broadcast(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA)
    refused = await say(fake, ROSA, "/difundir")
    assert "Solo los coordinadores pueden difundir" in refused.plain_text


async def test_district_broadcast_with_preview_report_and_acks(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await district_coordinator(fake, bot)
    await teachers(fake)
    places = await choose_district(fake, COORDINATOR, "san martin de porres")
    assert places.button_labels == ["San Martín de Porres, Lima"]
    await tap(fake, COORDINATOR, "San Martín de Porres, Lima")
    ask_ack = await say(fake, COORDINATOR, NOTICE)
    assert "Recibido ✅" in ask_ack.button_labels[0]
    preview = await tap(fake, COORDINATOR, ask_ack.button_labels[0])
    assert "Aviso de Elena (UGEL 02)" in preview.plain_text and NOTICE in preview.plain_text
    assert "Se enviará a 3 personas y 0 grupos" in preview.plain_text

    fake.block(LUCIA)  # one teacher blocked the bot
    fake.fail_next(
        "sendMessage", status=400, description="Bad Request: message is broken", chat_id=CARLOS
    )
    for user in (ROSA, CARLOS):
        fake.mark(user)
    sending = await tap(fake, COORDINATOR, "Enviar")
    assert "Enviando a 3 chats" in sending.plain_text
    received = await fake.next_message(ROSA)
    assert NOTICE in received.plain_text and received.button_labels == ["Recibido ✅"]
    assert not [m for m in fake.messages(PEDRO) if NOTICE in m.plain_text]  # Puno
    await tap_ack(fake, ROSA, received)
    await tap_ack(fake, ROSA, received)  # twice: counted once
    assert "Ya lo habías marcado" in str(fake.callback_answers[-1].get("text"))

    report = await report_once_delivered(fake, bot)
    assert "entregado a 1; 1 bloqueó el bot; 1 falló; 1 marcó Recibido ✅" in report.plain_text
    listing = await say(fake, COORDINATOR, "/difusiones")
    assert "1/3 entregados, 1 bloqueó, 1 falló, 1 ✅" in listing.plain_text


async def tap_ack(fake: FakeTelegram, user: int, message: SentMessage) -> None:
    count = len(fake.callback_answers)
    await fake.press(user, "Recibido ✅", message=message)
    await fake.wait_until(lambda: len(fake.callback_answers) > count)


async def test_a_coordinator_cannot_reach_another_district(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await district_coordinator(fake, bot)
    await teachers(fake)
    outside = await choose_district(fake, COORDINATOR, "puno")
    assert "No encontré lugares para «puno» dentro de lo que coordinas" in outside.plain_text
    await fake.press_button(COORDINATOR, outside.message_id, "bp:210101")  # a forged Puno button
    await fake.wait_until(
        lambda: "fuera de lo que coordinas" in str(fake.callback_answers[-1].get("text"))
    )
    regions = await say(fake, COORDINATOR, "/difundir")
    assert "Todos" not in regions.button_labels  # only admins reach everyone


async def test_an_admin_reaches_everyone(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_ngo(fake, ADMIN_ID, "Admin", "Minka")
    await teachers(fake)
    await say(fake, ADMIN_ID, "/difundir")
    text_step = await tap(fake, ADMIN_ID, "Todos")
    assert "Destino: Todos" in text_step.plain_text
    await say(fake, ADMIN_ID, "Bienvenidos a Minka")
    preview = await tap(fake, ADMIN_ID, "No, sin botón")
    people = 4  # the four teachers: every registered member but the admin, who writes it
    assert f"Se enviará a {people} personas y 0 grupos" in preview.plain_text
    await tap(fake, ADMIN_ID, "Enviar")
    note = await fake.next_message(PEDRO)
    assert "Bienvenidos a Minka" in note.plain_text and not note.button_labels
    exported = await storage_of(bot).personal_data.export(PEDRO)
    assert exported is not None
    assert [b["text"] for b in exported["broadcasts_received"]] == ["Bienvenidos a Minka"]
    queued = await storage_of(bot).db.scalar(
        "SELECT count(*) FROM outbox WHERE event_key LIKE 'broadcast:%'"
    )
    assert queued == people  # the preview's count is what was queued


async def test_a_banned_user_is_ignored(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_ngo(fake, ADMIN_ID, "Admin", "Minka")
    await register_teacher(fake, ROSA)
    fake.user(CARLOS, "Carlos")
    refused = await say(fake, CARLOS, "/bloquear 1001")
    assert "Solo los administradores" in refused.plain_text
    done = await say(fake, ADMIN_ID, "/bloquear 1001 spam")
    assert "Minka ignorará a 1001" in done.plain_text
    before = len(fake.messages(ROSA))
    await fake.send_text(ROSA, "/start")
    await fake.send_text(ADMIN_ID, "/ayuda")  # the admin's update is answered; Rosa's was not
    await fake.next_message(ADMIN_ID)
    assert len(fake.messages(ROSA)) == before
    audit = await storage_of(bot).audit.entries()
    assert [entry.action for entry in audit][:1] == ["ban"]


async def test_verified_organizations_show_a_mark(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await district_coordinator(fake, bot)
    await register_ngo(fake, 2001, "Ana", "Fundación Ayni")
    await say(fake, 2001, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    await tap(fake, 2001, "Publicar")
    asked = await say(fake, COORDINATOR, "/verificar fundacion ayni")
    assert "¿Verifico «Fundación Ayni»?" in asked.plain_text
    verified = await tap(fake, COORDINATOR, "Fundación Ayni")
    assert "Fundación Ayni ahora aparece como verificada" in verified.plain_text
    who = await say(fake, COORDINATOR, "/quien 9000001")
    assert "Fundación Ayni ✔️" in who.plain_text


async def test_admin_grants_and_revokes_in_the_chat(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ADMIN_ID, "Admin", "Minka")
    await register_teacher(fake, ROSA)
    usage = await say(fake, ADMIN_ID, "/otorgar 1001")
    assert "Uso: /otorgar" in usage.plain_text
    bad = await say(fake, ADMIN_ID, "/otorgar 1001 coordinador 99")
    assert "El ámbito «99» no es válido" in bad.plain_text
    granted = await say(fake, ADMIN_ID, "/otorgar 1001 coordinador 1501")
    assert "1001 ahora es coordinador(a) en 1501" in granted.plain_text
    await say(fake, ROSA, "/difundir")
    places = await tap(fake, ROSA, "Un distrito")
    assert "lugar" in places.plain_text  # Rosa may broadcast now
    await say(fake, ROSA, "/cancelar")
    revoked = await say(fake, ADMIN_ID, "/revocar 1001 coordinador")
    assert "quité el rol coordinador(a) a 1001 (1)" in revoked.plain_text
    assert "Solo los coordinadores" in (await say(fake, ROSA, "/difundir")).plain_text


async def test_broadcasts_per_hour_are_limited(fake: FakeTelegram, bot: MinkaApplication) -> None:
    bot.bot_data.settings = bot.bot_data.settings.model_copy(update={"max_broadcasts_per_hour": 1})
    await district_coordinator(fake, bot)
    await teachers(fake)
    await choose_district(fake, COORDINATOR, "san martin de porres")
    await tap(fake, COORDINATOR, "San Martín de Porres, Lima")
    await say(fake, COORDINATOR, NOTICE)
    await tap(fake, COORDINATOR, "No, sin botón")
    await tap(fake, COORDINATOR, "Enviar")
    limited = await say(fake, COORDINATOR, "/difundir")
    assert "Ya enviaste 1 aviso en la última hora" in limited.plain_text


async def test_an_english_speaking_coordinator_gets_the_report_in_english(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """The report is composed in the author's language, not the bot's default (it was not)."""
    await district_coordinator(fake, bot)
    await switch_to_english(fake, COORDINATOR)
    await register_teacher(fake, ROSA, school_query="9000001")
    places = await choose_district(
        fake, COORDINATOR, "san martin de porres", "/broadcast", "A district"
    )
    await tap(fake, COORDINATOR, places.button_labels[0])
    await say(fake, COORDINATOR, NOTICE)
    preview = await tap(fake, COORDINATOR, "No, no button")
    assert "It will reach 1 person and 0 groups" in preview.plain_text
    fake.mark(ROSA)
    await tap(fake, COORDINATOR, "Send")
    received = await fake.next_message(ROSA)
    assert "Aviso de Elena (UGEL 02)" in received.plain_text  # Rosa reads Spanish

    report = await report_once_delivered(fake, bot)
    assert "📢 Your notice “Mañana no habrá clases por simulacro de…”" in report.plain_text
    assert "delivered to 1; 0 blocked the bot; 0 failed; 0 marked Received ✅" in (
        report.plain_text
    )
