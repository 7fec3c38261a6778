"""Onboarding through real HTTP: the real PTB Application polling the fake Telegram."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import MinkaApplication
from bot.runner import running
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from storage.models import OrgKind, Role
from tests.helpers import (
    accept_privacy,
    make_settings,
    pick,
    register_teacher,
    say,
    storage_of,
    tap,
)

ROSA, EMMA = 1001, 1003


async def test_teacher_onboards_in_spanish(fake: FakeTelegram, bot: MinkaApplication) -> None:
    fake.user(ROSA, "Rosa", last_name="Quispe", language_code="es-419")
    notice = await say(fake, ROSA, "/start")  # the welcome and the notice, one message
    assert "Minka" in notice.plain_text and "Rosa" in notice.plain_text
    assert "Ley 29733" in notice.plain_text
    assert "guardan su texto 90 días" in notice.plain_text  # OUTBOX_RETENTION_DAYS
    assert notice.button_labels == ["Acepto", "No acepto"]
    assert await storage_of(bot).members.get(ROSA) is None  # nothing stored before consent

    ask_name = await tap(fake, ROSA, "Acepto")
    assert ask_name.button_labels == ["Usar «Rosa Quispe»"]
    ask_role = await tap(fake, ROSA, "Usar «Rosa Quispe»")
    assert ask_role.button_labels == ["Docente", "ONG o fundación", "Otra institución"]
    ask_school = await tap(fake, ROSA, "Docente")
    assert "¿En qué escuela enseñas?" in ask_school.plain_text
    results = await say(fake, ROSA, "mariategui san martin de porres")
    assert results.button_labels[0].startswith("I.E. N° 2045 José Carlos Mariátegui")
    chosen = await pick(fake, ROSA, 1)  # the results edited: what was chosen, and the answer
    assert "✓ I.E. N° 2045" in chosen.plain_text and chosen.message_id == results.message_id
    assert "tu escuela es I.E. N° 2045 José Carlos Mariátegui" in chosen.plain_text
    done = await fake.next_message(ROSA)
    assert "Bienvenida" in done.plain_text
    menu = await fake.next_message(ROSA)
    assert "/ayuda" in menu.plain_text

    member = await storage_of(bot).members.get(ROSA)
    assert member is not None and member.is_registered and member.school_id is not None
    assert (member.name, member.role, member.language) == ("Rosa Quispe", Role.TEACHER, "es")


async def test_ngo_worker_onboards_in_english_and_creates_her_organization(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(EMMA, "Emma", language_code="en-GB")
    notice = await say(fake, EMMA, "/start")
    assert notice.button_labels == ["I agree", "I don't agree"]
    await tap(fake, EMMA, "I agree")
    ask_role = await say(fake, EMMA, "Emma <b>Watson</b>")  # typed name, HTML and all
    assert "Emma &lt;b&gt;Watson&lt;/b&gt;" in ask_role.text  # escaped, shown literally
    ask_org = await tap(fake, EMMA, "NGO or foundation")
    assert "organization" in ask_org.plain_text
    offer = await say(fake, EMMA, "Fundación Ayni")
    assert offer.button_labels == ["➕ Create “Fundación Ayni”", "✏️ Type another name"]
    joined = await tap(fake, EMMA, "➕ Create “Fundación Ayni”")
    assert "Fundación Ayni" in joined.plain_text
    welcome = await fake.next_message(EMMA)
    assert "Welcome to Minka" in welcome.plain_text

    member = await storage_of(bot).members.get(EMMA)
    assert member is not None and member.organization is not None
    assert member.organization.name == "Fundación Ayni" and member.language == "en"


async def test_second_member_of_an_organization_finds_it(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    org = await storage_of(bot).organizations.create("Fundación Ayni", OrgKind.NGO, created_by=1)
    fake.user(ROSA, "Rosa")
    await accept_privacy(fake, ROSA)
    await tap(fake, ROSA, "Usar «Rosa»")
    await tap(fake, ROSA, "ONG o fundación")
    offer = await say(fake, ROSA, "fundacion ayni")
    assert offer.button_labels[0] == "Fundación Ayni"
    await tap(fake, ROSA, "Fundación Ayni")
    member = await storage_of(bot).members.get(ROSA)
    assert member is not None and member.organization == org


async def test_refused_consent_stores_nothing(fake: FakeTelegram, bot: MinkaApplication) -> None:
    fake.user(ROSA, "Rosa")
    await say(fake, ROSA, "/start")
    reply = await tap(fake, ROSA, "No acepto")
    assert "no guardé ningún dato" in reply.plain_text
    assert await storage_of(bot).personal_data.export(ROSA) is None
    # The flow's state is flushed just after the reply (handlers run on after sending it).
    for _ in range(100):
        states = await storage_of(bot).db.scalar("SELECT count(*) FROM conversation_states")
        if states == 0:
            break
        await asyncio.sleep(0.02)
    assert states == 0
    assert await storage_of(bot).db.scalar("SELECT count(*) FROM pending_questions") == 0


async def test_cancel_midway_and_start_again_resumes(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    await accept_privacy(fake, ROSA)
    cancelled = await say(fake, ROSA, "/cancelar")
    assert "lo dejamos aquí" in cancelled.plain_text
    after = await say(fake, ROSA, "hola")  # outside the conversation: a search, with a hint
    assert "/start" in after.plain_text
    resumed = await say(fake, ROSA, "/start")  # consent was given: next missing step
    assert "¿Cómo te llamas?" in resumed.plain_text


async def test_button_pressed_twice_is_answered_once(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    notice = await say(fake, ROSA, "/start")
    accept = notice.buttons[0]["callback_data"]
    await fake.press_button(ROSA, notice.message_id, accept)
    await fake.next_event(ROSA)  # the notice edited into the name question
    await fake.press_button(ROSA, notice.message_id, accept)
    await fake.wait_until(lambda: len(fake.callback_answers) == 2)
    assert fake.callback_answers[-1].get("text") == "Ese botón ya no está activo."
    names = [m.plain_text for m in fake.messages(ROSA) if "¿Cómo te llamas?" in m.plain_text]
    assert len(names) == 1 and names[0].count("¿Cómo te llamas?") == 1


async def test_off_script_input_gets_guidance(fake: FakeTelegram, bot: MinkaApplication) -> None:
    fake.user(ROSA, "Rosa")
    await say(fake, ROSA, "/start")
    reply = await say(fake, ROSA, "¿qué es esto?")  # text while the notice waits for a button
    # The question again, with its buttons, under a line that says how to answer.
    assert "Toca un botón o escribe una de ellas" in reply.plain_text
    assert "¿Aceptas?" in reply.plain_text and reply.button_labels == ["Acepto", "No acepto"]
    await tap(fake, ROSA, "Acepto")  # the buttons of the repeated question work
    await tap(fake, ROSA, "Usar «Rosa»")
    reply = await say(fake, ROSA, "x" * 300)
    assert "«" + "x" * 60 + "»" in reply.plain_text  # the echo is cut short
    assert reply.button_labels == ["Docente", "ONG o fundación", "Otra institución"]


async def test_invalid_name_is_asked_again(fake: FakeTelegram, bot: MinkaApplication) -> None:
    fake.user(ROSA, "Rosa")
    await accept_privacy(fake, ROSA)
    again = await say(fake, ROSA, "R")
    assert "entre 2 y 64" in again.plain_text
    role = await say(fake, ROSA, "Rosa Mamani")
    assert "Rosa Mamani" in role.plain_text


async def test_restart_midway_resumes_and_old_buttons_answer_politely(
    fake: FakeTelegram, settings: Settings
) -> None:
    fake.user(ROSA, "Rosa")
    async with running(settings):
        notice = await say(fake, ROSA, "/start")
        await tap(fake, ROSA, "Acepto")
        await tap(fake, ROSA, "Usar «Rosa»")  # now at the role question
    async with running(settings) as app:  # a new process would see the same database
        await fake.press_button(ROSA, notice.message_id, notice.buttons[0]["callback_data"])
        await fake.wait_until(lambda: len(fake.callback_answers) == 3)
        assert fake.callback_answers[-1].get("text") == "Ese botón ya no está activo."
        await tap(fake, ROSA, "Docente")  # the role buttons still work after restart
        await tap(fake, ROSA, "Lo digo después")
        done = await fake.next_message(ROSA)
        assert "Bienvenida" in done.plain_text
        member = await storage_of(app).members.get(ROSA)
        assert member is not None and member.is_registered


async def test_registered_user_sees_the_menu_and_help(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    menu = await say(fake, ROSA, "/start")
    assert "¿Qué quieres hacer?" in menu.plain_text
    help_es = await say(fake, ROSA, "/ayuda")
    help_en = await say(fake, ROSA, "/help")
    assert help_es.text == help_en.text and "/idioma" in help_es.plain_text


async def test_language_switch(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA)
    choose = await say(fake, ROSA, "/language")
    assert choose.button_labels == ["Español", "English"]
    await fake.press(ROSA, "English")
    edited = await fake.next_event(ROSA)
    assert edited.kind == "edited" and "English" in edited.message.plain_text
    assert "/help" in (await say(fake, ROSA, "/ayuda")).plain_text


async def test_tampered_and_unknown_buttons_get_a_polite_answer(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    for data in ("oc:7", "zz:1", "lg:fr", "oo:-99"):
        await fake.press_button(ROSA, 12345, data)
    await fake.wait_until(lambda: len(fake.callback_answers) == 4)
    assert all(answer.get("text") for answer in fake.callback_answers)


async def test_commands_menu_is_localized(fake: FakeTelegram, bot: MinkaApplication) -> None:
    spanish = [c["command"] for c in fake.commands[("default", "es")]]
    english = [c["command"] for c in fake.commands[("default", "")]]
    assert "ayuda" in spanish and "help" in english and len(spanish) == len(english)


async def test_deep_link_payload_is_kept_until_after_consent(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    await say(fake, ROSA, "/start s_0325753_0")
    await tap(fake, ROSA, "Acepto")
    draft = await storage_of(bot).drafts.get(ROSA, "onboarding")
    assert draft["start_payload"] == "s_0325753_0"


async def test_forget_me_erases_and_start_is_fresh(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    data = await say(fake, ROSA, "/misdatos")
    assert data.kind == "document" and b'"Rosa"' in (data.file_bytes or b"")
    await say(fake, ROSA, "/olvidarme")
    await fake.press(ROSA, "Sí, bórrame")
    erased = await fake.next_event(ROSA)
    assert "borré tus datos" in erased.message.plain_text
    assert await storage_of(bot).members.get(ROSA) is None
    assert "Acepto" in (await say(fake, ROSA, "/start")).button_labels


async def test_errors_reach_the_user_and_one_admin_alert(
    fake: FakeTelegram, bot: MinkaApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    await register_teacher(fake, ROSA)
    fake.user(900, "Admin")

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(storage_of(bot).personal_data, "export", broken)
    first = await say(fake, ROSA, "/misdatos")
    assert "algo salió mal" in first.plain_text.lower()
    await say(fake, ROSA, "/misdatos")
    alerts = [m for m in fake.messages(900) if "disk on fire" in m.plain_text]
    assert len(alerts) == 1  # the second failure within a minute does not alert again


async def test_webhook_mode_receives_updates_with_the_secret(
    fake: FakeTelegram, tmp_path: Path, unused_tcp_port: int
) -> None:
    settings = make_settings(
        fake,
        tmp_path / "w.db",
        webhook_url=f"http://127.0.0.1:{unused_tcp_port}/hook",
        webhook_listen="127.0.0.1",
        webhook_port=unused_tcp_port,
        webhook_secret="s3cret-value",
    )
    fake.user(ROSA, "Rosa")
    async with running(settings):
        assert any(method == "setWebhook" for method, _ in fake.calls)
        welcome = await say(fake, ROSA, "/start")
        assert "Minka" in welcome.plain_text
