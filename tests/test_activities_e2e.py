"""Announcing, clashes, managing, reminders and check-ins, through real HTTP against the fake
Telegram. Time is the test's: `app.bot_data.clock` is set, nothing sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import MinkaApplication
from bot.outbox import jobs
from bot.sandbox.fake_telegram import FakeTelegram
from storage.activities import ActivityStatus
from tests.helpers import (
    NOW,
    announce_guided,
    begin_announcement,
    register_ngo,
    register_teacher,
    say,
    scheduled_job,
    set_clock,
    storage_of,
    switch_to_english,
    tap,
)

ANA, BETO, ROSA = 2001, 2002, 1001


pytestmark = pytest.mark.usefixtures("frozen_clock")  # the bot's clock stopped at NOW


async def test_guided_announcement_is_published_and_shown_on_the_card(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await begin_announcement(fake, ANA)
    category = await say(fake, ANA, "Campaña de salud visual")
    assert "Salud" in category.button_labels
    when = await tap(fake, ANA, "Salud")
    assert "¿Cuándo empieza?" in when.plain_text
    confirm = await say(fake, ANA, "el próximo lunes a las 9")
    assert "lunes 30 de noviembre de 2026, 9:00 a. m. — ¿correcto?" in confirm.plain_text
    duration = await tap(fake, ANA, "Sí")
    assert "3 h" in duration.button_labels
    await tap(fake, ANA, "3 h")
    preview = await tap(fake, ANA, "Omitir")
    assert "Vista previa" in preview.plain_text and "Atención" not in preview.plain_text
    assert "Fundación Ayni" in preview.plain_text and "12:00" in preview.plain_text
    published = await tap(fake, ANA, "Publicar")
    assert "Publicado" in published.plain_text

    card = await say(fake, ANA, "/start s_9000001_0")
    assert (
        "Próximas actividades" in card.plain_text and "Campaña de salud visual" in card.plain_text
    )
    assert "Organizaciones con actividades: 1" in card.plain_text
    (activity,) = await storage_of(bot).activities.upcoming_at_school(1, NOW)
    assert activity.starts_at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 9:00 Lima
    assert activity.ends_at - activity.starts_at == timedelta(hours=3)


async def test_clash_is_shown_before_publishing_and_the_other_author_is_told(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, BETO, "Beto", "Fundación Wiñay")
    await say(fake, BETO, "/anunciar 9000111 | Taller de lectura | lunes de 10 a 12 | 2 h")
    await tap(fake, BETO, "Publicar")  # 9000111 shares the building (CODLOCAL) of 9000001

    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    preview = await announce_guided(fake, ANA, "el próximo lunes a las 9", "3 h")
    assert "Atención" in preview.plain_text
    assert "Fundación Wiñay tiene «Taller de lectura»" in preview.plain_text
    assert "de 10:00 a. m. a 12:00 p. m.\n" in preview.plain_text  # one clock, one period
    assert preview.button_labels == ["Publicar", "Cambiar la hora", "Cancelar"]
    fake.mark(BETO)
    await tap(fake, ANA, "Publicar")
    heads_up = await fake.next_message(BETO)
    assert "Fundación Ayni anunció «Campaña de salud visual»" in heads_up.plain_text

    who = await say(fake, ANA, "/quien 9000001")
    assert "Organizaciones activas aquí" in who.plain_text
    assert "Fundación Ayni (ONG o fundación): 1 actividad" in who.plain_text
    assert "próxima: lun 30/11 9:00" in who.plain_text
    assert "lun 30/11 9:00 — Campaña de salud visual (Fundación Ayni)" in who.plain_text


async def test_one_line_form_and_its_errors(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    usage = await say(fake, ANA, "/anunciar 9000001 | solo título")
    assert "Formato rápido" in usage.plain_text
    bad_date = await say(fake, ANA, "/anunciar 9000001 | Taller | cuando se pueda | 2 h")
    assert "No entendí la fecha «cuando se pueda»" in bad_date.plain_text
    unknown = await say(fake, ANA, "/anunciar 1234567 | Taller | lunes 10am | 2 h")
    assert "No encontré la escuela" in unknown.plain_text
    preview = await say(
        fake, ANA, "/anunciar 9000001 | Taller de <b>lectura</b> | lunes 10am | hasta las 12"
    )
    assert "Taller de &lt;b&gt;lectura&lt;/b&gt;" in preview.text
    assert "10:00 a. m." in preview.plain_text and "12:00" in preview.plain_text
    assert "Publicado" in (await tap(fake, ANA, "Publicar")).plain_text


async def test_unparsable_date_falls_back_to_the_calendar(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await begin_announcement(fake, ANA)
    await say(fake, ANA, "Taller de lectura")
    await tap(fake, ANA, "Lectura y educación")
    calendar = await say(fake, ANA, "cuando se pueda")
    assert "Elige el día" in calendar.plain_text and "noviembre 2026" in calendar.button_labels
    assert "25" not in calendar.button_labels and "27" in calendar.button_labels  # past days blank
    await fake.press(ANA, "▶")
    december = await fake.next_event(ANA)
    assert "diciembre 2026" in december.message.button_labels
    hours = await tap(fake, ANA, "15")
    assert "martes 15 de diciembre de 2026" in hours.plain_text
    duration = await tap(fake, ANA, "10:00")
    assert "Hasta la 1 p. m." in duration.button_labels
    await tap(fake, ANA, "Hasta la 1 p. m.")  # ends the morning; the 10:00 start stays
    preview = await tap(fake, ANA, "Omitir")
    assert "martes 15 de diciembre de 2026, 10:00 a. m. – 1:00 p. m." in preview.plain_text


async def test_edit_cancel_and_an_outsider_refused(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    await tap(fake, ANA, "Publicar")
    listing = await say(fake, ANA, "/actividades")
    assert listing.button_labels == ["lun 30/11 10:00 · Taller de lectura"]
    detail = await tap(fake, ANA, listing.button_labels[0])
    assert detail.button_labels[-1] == "❌ Cancelar actividad"

    await register_teacher(fake, ROSA)  # not of Fundación Ayni
    edit_data = detail.buttons[0]["callback_data"]
    await fake.press_button(ROSA, detail.message_id, edit_data, chat_id=ROSA)
    await fake.wait_until(
        lambda: any("Solo quien anunció" in str(a.get("text")) for a in fake.callback_answers)
    )

    await tap(fake, ANA, "✏️ Título")
    updated = await say(fake, ANA, "Taller de lectura en voz alta")
    assert "Actividad actualizada" in updated.plain_text
    await tap(fake, ANA, "🗓 Fecha y hora")
    moved = await say(fake, ANA, "martes 11am")
    assert "martes 1 de diciembre de 2026, 11:00 a. m. – 1:00 p. m." in moved.plain_text

    ask_reason = await tap(fake, ANA, "❌ Cancelar actividad")
    assert "¿Por qué se cancela" in ask_reason.plain_text
    done = await tap(fake, ANA, "Sin motivo")
    assert "Cancelé «Taller de lectura en voz alta»" in done.plain_text
    assert await storage_of(bot).activities.upcoming_at_school(1, NOW) == []
    await fake.press(ANA, "❌ Cancelar actividad", message=detail)
    await fake.wait_until(lambda: "ya está cancelada" in str(fake.callback_answers[-1].get("text")))


async def test_reminder_once_then_check_in_with_participants(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    await tap(fake, ANA, "Publicar")
    job = scheduled_job(bot, jobs.REMINDER_JOB)

    fake.mark(ANA)
    set_clock(bot, datetime(2026, 11, 29, 16, 0, tzinfo=UTC))  # Sunday 11:00 Lima: 23 h before
    await job.run(bot)
    await job.run(bot)  # a second run (or a restart) does not remind again
    reminder = await fake.next_message(ANA)
    assert "Recordatorio: «Taller de lectura»" in reminder.plain_text
    assert [m for m in fake.messages(ANA) if "Recordatorio" in m.plain_text] == [reminder]

    set_clock(bot, datetime(2026, 11, 30, 18, 0, tzinfo=UTC))  # Monday 13:00 Lima: it ended
    await job.run(bot)
    checkin = await fake.next_message(ANA)
    assert "¿Se realizó «Taller de lectura»" in checkin.plain_text
    assert checkin.button_labels == ["Sí", "No", "Se reprogramó"]
    ask = await tap(fake, ANA, "Sí")
    assert "¿Cuántos participantes" in ask.plain_text
    again = await say(fake, ANA, "muchos")
    assert "Escribe solo un número" in again.plain_text
    thanks = await say(fake, ANA, "35")
    assert "quedó registrado" in thanks.plain_text
    activity = await storage_of(bot).activities.get(1)
    assert activity is not None and activity.status is ActivityStatus.DONE
    assert activity.participants == 35


async def test_an_english_speaking_author_gets_heads_up_reminder_and_check_in_in_english(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """Each is composed in the author's language (read before composing, outside the write)."""
    await register_ngo(fake, BETO, "Beto", "Fundación Wiñay")
    await switch_to_english(fake, BETO)
    await say(fake, BETO, "/announce 9000111 | Taller de lectura | lunes de 10 a 12 | 2 h")
    await tap(fake, BETO, "Publish")
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    fake.mark(BETO)
    await say(fake, ANA, "/anunciar 9000001 | Campaña de salud | lunes 10am | 2 h")
    await tap(fake, ANA, "Publicar")
    heads_up = await fake.next_message(BETO)
    assert "A note from Minka: Fundación Ayni announced “Campaña de salud”" in heads_up.plain_text
    assert "your activity “Taller de lectura”" in heads_up.plain_text

    job = scheduled_job(bot, jobs.REMINDER_JOB)
    set_clock(bot, datetime(2026, 11, 29, 16, 0, tzinfo=UTC))  # Sunday 11:00 Lima
    fake.mark(BETO), fake.mark(ANA)
    await job.run(bot)
    assert "⏰ Reminder: “Taller de lectura”" in (await fake.next_message(BETO)).plain_text
    assert "Recordatorio: «Campaña de salud»" in (await fake.next_message(ANA)).plain_text
    set_clock(bot, datetime(2026, 11, 30, 18, 0, tzinfo=UTC))  # Monday 13:00 Lima: both ended
    await job.run(bot)
    checkin = await fake.next_message(BETO)
    assert "Did “Taller de lectura”" in checkin.plain_text
    assert checkin.button_labels == ["Yes", "No", "It was rescheduled"]


async def test_an_idle_announcement_expires_politely(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await begin_announcement(fake, ANA)
    set_clock(bot, NOW + timedelta(minutes=31))
    expired = await say(fake, ANA, "Taller de lectura")
    assert "más de 30 minutos" in expired.plain_text
    assert await storage_of(bot).drafts.get(ANA, "announce") == {}


async def test_starting_a_flow_ends_the_others(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """Two flows never compete for one answer: an edit started mid-announcement gets the text."""
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    await tap(fake, ANA, "Publicar")
    await say(fake, ANA, "/anunciar")  # a second announcement, left at the school step
    listing = await say(fake, ANA, "/actividades")
    await tap(fake, ANA, listing.button_labels[0])
    await tap(fake, ANA, "✏️ Título")
    updated = await say(fake, ANA, "Taller de lectura en voz alta")
    assert "Actividad actualizada" in updated.plain_text
    search = await say(fake, ANA, "santa rosa")  # no flow is waiting: a school search
    assert "Escuelas para «santa rosa»" in search.plain_text


async def test_an_idle_edit_does_not_take_later_text(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    await tap(fake, ANA, "Publicar")
    listing = await say(fake, ANA, "/actividades")
    await tap(fake, ANA, listing.button_labels[0])
    await tap(fake, ANA, "❌ Cancelar actividad")
    set_clock(bot, NOW + timedelta(hours=2))
    expired = await say(fake, ANA, "santa rosa")
    assert "más de 30 minutos" in expired.plain_text
    (activity,) = await storage_of(bot).activities.upcoming_at_school(1, NOW)
    assert activity.status is ActivityStatus.SCHEDULED


async def test_typed_hours_keep_the_day_already_chosen(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await begin_announcement(fake, ANA)
    await say(fake, ANA, "Taller de lectura")
    await tap(fake, ANA, "Lectura y educación")
    hours = await say(fake, ANA, "el martes")  # a day without an hour: the hour buttons
    assert "martes 1 de diciembre de 2026" in hours.plain_text
    confirm = await say(fake, ANA, "16:30")  # typed instead of a button: still that Tuesday
    assert "martes 1 de diciembre de 2026, 4:30 p. m." in confirm.plain_text

    await tap(fake, ANA, "Sí")
    await tap(fake, ANA, "1 h")
    await tap(fake, ANA, "Omitir")
    await tap(fake, ANA, "Publicar")
    listing = await say(fake, ANA, "/actividades")
    await tap(fake, ANA, listing.button_labels[0])
    await tap(fake, ANA, "🗓 Fecha y hora")
    moved = await say(fake, ANA, "el viernes")  # a day only: the activity keeps its hour
    assert "viernes 27 de noviembre de 2026, 4:30 p. m. – 5:30 p. m." in moved.plain_text


async def test_daily_announcement_limit(fake: FakeTelegram, bot: MinkaApplication) -> None:
    bot.bot_data.settings = bot.bot_data.settings.model_copy(
        update={"max_announcements_per_day": 1}
    )
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    await tap(fake, ANA, "Publicar")
    refused = await say(fake, ANA, "/anunciar")
    assert "Ya anunciaste 1 actividad hoy" in refused.plain_text


def test_a_long_digest_is_cut_with_a_count() -> None:
    from bot.outbox.compose import digest_text

    text = digest_text(["x" * 300] * 20, "es")
    assert len(text) <= 4096 and text.endswith("Escribe /suscripciones para ajustar lo que sigues.")
    assert "… y 8 novedades más" in text
