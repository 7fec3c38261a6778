"""Issue 13's phrases through the one-line form and the guided flow, over the fake Telegram.

Saturday 5 December 2026, 10:00 in Lima, as the issue was tried. Every guess must be shown
with its note before "Publicar"; a span of days or a past moment is said, never cut or hidden.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import MinkaApplication
from bot.outbox import jobs
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from tests.helpers import (
    begin_announcement,
    outbox_busy,
    register_ngo,
    register_teacher,
    say,
    scheduled_job,
    set_clock,
    storage_of,
    tap,
)

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)  # Saturday 5 December 2026, 10:00 in Lima
ANA = 2001
LINE = "/anunciar 9000001 | Campaña de salud | {when} | 2 h"
CONFIRM = ["Sí", "Cambiar"]


@pytest.fixture(autouse=True)
def frozen_clock(bot: MinkaApplication) -> None:
    set_clock(bot, NOW)


async def one_line(fake: FakeTelegram, when: str) -> SentMessage:
    return await say(fake, ANA, LINE.format(when=when))


async def guided(fake: FakeTelegram, when: str) -> SentMessage:
    await begin_announcement(fake, ANA)
    await say(fake, ANA, "Campaña de salud")
    await tap(fake, ANA, "Salud")
    return await say(fake, ANA, when)


# (what is typed, what the confirmation says, the notes it must carry)
CONFIRMED = [
    ("el jueves 3 de diciembre a las 10", "viernes 3 de diciembre de 2027, 10:00 a. m.",
     ["Esa fecha ya pasó este año", "el día de la semana no coincide"]),
    ("el lunes a las 3", "lunes 7 de diciembre de 2026, 3:00 p. m.", ["como de la tarde"]),
    ("15.30", "sábado 5 de diciembre de 2026, 3:30 p. m.", ["No dijiste el día"]),
    ("15.30 h", "sábado 5 de diciembre de 2026, 3:30 p. m.", ["No dijiste el día"]),
    ("a las 9 en punto", "domingo 6 de diciembre de 2026, 9:00 a. m.", ["No dijiste el día"]),
    ("11 y 45", "sábado 5 de diciembre de 2026, 11:45 a. m.", ["No dijiste el día"]),
    ("las once y cuarenta y cinco", "sábado 5 de diciembre de 2026, 11:45 a. m.",
     ["No dijiste el día"]),
    ("10 y media", "sábado 5 de diciembre de 2026, 10:30 a. m.", ["No dijiste el día"]),
    ("3 y cuarto", "sábado 5 de diciembre de 2026, 3:15 p. m.", ["como de la tarde"]),
    ("9 menos cuarto", "domingo 6 de diciembre de 2026, 8:45 a. m.", ["No dijiste el día"]),
    ("el 15 a las 10", "martes 15 de diciembre de 2026, 10:00 a. m.",
     ["Entendí el próximo día 15: el de diciembre"]),
    ("el próximo domingo a las 3 pm", "domingo 6 de diciembre de 2026, 3:00 p. m.",
     ["no el de la próxima"]),
]  # fmt: skip


@pytest.mark.parametrize(("when", "spelled", "notes"), CONFIRMED)
async def test_a_guess_is_confirmed_with_its_note_in_the_one_line_form(
    fake: FakeTelegram, bot: MinkaApplication, when: str, spelled: str, notes: list[str]
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    confirm = await one_line(fake, when)
    assert f"{spelled} — ¿correcto?" in confirm.plain_text
    assert all(note in confirm.plain_text for note in notes), confirm.plain_text
    assert confirm.button_labels == CONFIRM  # no "Publicar" before the guess is confirmed
    preview = await tap(fake, ANA, "Sí")
    assert "Vista previa" in preview.plain_text and spelled in preview.plain_text
    assert "Publicar" in preview.button_labels


@pytest.mark.parametrize(
    ("when", "spelled"),
    [("lunes a las 7", "lunes 7 de diciembre de 2026, 7:00 a. m."),
     ("el lunes 10.30", "lunes 7 de diciembre de 2026, 10:30 a. m.")],
)  # fmt: skip
async def test_a_morning_hour_goes_to_the_preview_with_its_note(
    fake: FakeTelegram, bot: MinkaApplication, when: str, spelled: str
) -> None:
    """Hours 7-11 are a.m. at school, right often enough not to ask; still said before
    "Publicar"."""
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    preview = await one_line(fake, when)
    assert "Vista previa" in preview.plain_text and spelled in preview.plain_text
    assert "(Entendí la hora como de la mañana.)" in preview.plain_text


@pytest.mark.parametrize(("when", "spelled", "notes"), CONFIRMED[:3])
async def test_the_guided_flow_says_the_same_notes(
    fake: FakeTelegram, bot: MinkaApplication, when: str, spelled: str, notes: list[str]
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    confirm = await guided(fake, when)
    assert f"{spelled} — ¿correcto?" in confirm.plain_text
    assert all(note in confirm.plain_text for note in notes), confirm.plain_text


@pytest.mark.parametrize(
    ("when", "day"),
    [("mañana", "domingo 6 de diciembre de 2026"), ("el jueves", "jueves 10 de diciembre de 2026"),
     ("el 15", "martes 15 de diciembre de 2026"), ("tomorrow", "domingo 6 de diciembre de 2026")],
)  # fmt: skip
async def test_no_time_given_asks_the_hour_on_both_paths(
    fake: FakeTelegram, bot: MinkaApplication, when: str, day: str
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    for reply in (await one_line(fake, when), await guided(fake, when)):
        assert f"{day}: ¿a qué hora empieza?" in reply.plain_text  # never 9:00 unsaid
        assert "9:00" in reply.button_labels and "Publicar" not in reply.button_labels


async def test_a_part_of_day_is_kept_when_the_hour_is_asked(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    for reply in (await one_line(fake, "viernes por la tarde"),
                  await guided(fake, "pasado mañana en la tarde")):  # fmt: skip
        assert ", en la tarde: ¿a qué hora empieza?" in reply.plain_text
        assert "9:00" not in reply.button_labels and "15:00" in reply.button_labels


async def test_weekday_and_number_offers_both_readings(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    confirm = await one_line(fake, "jueves 15")  # no 15th soon is a Thursday
    assert "jueves 10 de diciembre de 2026, 3:00 p. m. — ¿correcto?" in confirm.plain_text
    assert "Si es el día 15" in confirm.plain_text
    assert confirm.button_labels == [
        "jueves 10 de diciembre de 2026, 3:00 p. m.", "martes 15 de diciembre de 2026", "Cambiar"
    ]  # fmt: skip
    hours = await tap(fake, ANA, "martes 15 de diciembre de 2026")
    assert "martes 15 de diciembre de 2026: ¿a qué hora empieza?" in hours.plain_text
    day = await one_line(fake, "jueves 17")  # the 17th is a Thursday: the day, no question
    assert "jueves 17 de diciembre de 2026: ¿a qué hora empieza?" in day.plain_text


async def test_a_span_of_days_is_shown_whole_never_cut_to_one_day(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    july = "del martes 13 al jueves 15 de julio de 2027: ¿a qué hora empieza?"
    for when in ("del 13 al 15 de julio", "13 al 15 de julio", "13-15/7", "13 al 15/7"):
        reply = await one_line(fake, when)
        assert july in reply.plain_text, when  # never 15 July at 13:00
    week = await guided(fake, "del lunes al miércoles")
    assert "del lunes 7 al miércoles 9 de diciembre de 2026: ¿a qué hora" in week.plain_text
    hours = await guided(fake, "del 13 al 15 de julio de 9 a 13")
    assert (
        "del martes 13 al jueves 15 de julio de 2027, 9:00 a. m. – 1:00 p. m." in hours.plain_text
    )
    long = await guided(fake, "del 1 de marzo al 15 de abril")
    assert "hasta 31 días" in long.plain_text and "46" in long.plain_text


async def test_a_past_moment_is_said_on_both_paths(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    for reply in (await one_line(fake, "ayer 10am"), await guided(fake, "ayer 10am")):
        assert "viernes 4 de diciembre de 2026, 10:00 a. m. ya pasó" in reply.plain_text


async def test_one_line_category_school_name_and_all_day(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    several = await say(fake, ANA, "/anunciar Clorinda Matto de Turner | Feria | lunes 9am | 2 h")
    assert "Hay varias escuelas para «Clorinda Matto de Turner»" in several.plain_text
    line = "/anunciar cetpro ñañañique ilave | Feria | lunes 9am | todo el día | arte"
    preview = await say(fake, ANA, line)
    assert "Vista previa" in preview.plain_text and "Feria · Arte" in preview.plain_text
    assert "CETPRO Ñañañique" in preview.plain_text
    assert "lunes 7 de diciembre de 2026, 9:00 a. m. – 5:00 p. m." in preview.plain_text
    await tap(fake, ANA, "Cancelar")
    guessed = await say(fake, ANA, "/anunciar 9000001 | Campaña de vacunación | lunes 9am | 2 h")
    assert "· Salud" in guessed.plain_text and "Por el título, parece «Salud»" in guessed.plain_text
    await tap(fake, ANA, "Cancelar")
    unknown = await say(fake, ANA, "/anunciar 9000001 | Feria | lunes 9am | 2 h | cocina")
    assert "No conozco la categoría «cocina»" in unknown.plain_text
    asked = await say(fake, ANA, "/anunciar 9000001 | Reunión | lunes 9am | 2 h")
    assert "Salud" in asked.button_labels  # no category in the title: asked, not "Otro"
    preview = await tap(fake, ANA, "Docentes")
    assert "Reunión · Docentes" in preview.plain_text


async def test_duration_buttons_keep_the_start_and_an_early_end_is_named(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    confirm = await guided(fake, "el lunes a las 3 de la tarde")
    durations = await tap(fake, ANA, "Sí")
    assert "Hasta la 1 p. m." not in durations.button_labels  # ends before a 3 p.m. start
    early = await say(fake, ANA, "hasta las 2")
    assert "Eso sería a las 2:00 p. m., antes de que empiece (3:00 p. m.)" in early.plain_text
    await tap(fake, ANA, "Hasta las 6 p. m.")
    preview = await tap(fake, ANA, "Omitir")
    assert "lunes 7 de diciembre de 2026, 3:00 p. m. – 6:00 p. m." in preview.plain_text
    assert confirm.plain_text.count("a. m..") == 0


async def test_english_calendar_day_and_hours_still_ahead(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    set_clock(bot, datetime(2026, 12, 6, 3, 22, tzinfo=UTC))  # Saturday 22:22 in Lima
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    hours = await guided(fake, "hoy")
    assert "no quedan horas" in hours.plain_text  # none of 7:00-18:00 is still ahead
    storage = storage_of(bot)
    await storage.members.set_language(ANA, "en")
    set_clock(bot, NOW)
    await begin_announcement(fake, ANA)
    await say(fake, ANA, "Health campaign")
    await tap(fake, ANA, "Health")
    calendar = await say(fake, ANA, "whenever")
    hours = await tap(fake, ANA, "15")
    assert "Tuesday, 15 December 2026: what time does it start?" in hours.plain_text
    assert calendar is not None


ROSA, CARLOS = 1001, 1002


async def test_a_three_day_campaign_end_to_end(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """Announced in one line, one activity over three days on the card and in /quien, a clash
    on its second day only, its follower notified once."""
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await register_ngo(fake, CARLOS, "Carlos", "Fundación Wiñay")
    await register_teacher(fake, ROSA)
    assert "te avisaré" in (await say(fake, ROSA, "/suscribir 9000001")).plain_text
    await say(
        fake, CARLOS, "/anunciar 9000001 | Taller de arte | martes 15 a las 10am | 1 h | arte"
    )
    await tap(fake, CARLOS, "Publicar")  # the campaign's second day, inside its hours
    await say(fake, CARLOS, "/anunciar 9000001 | Teatro | martes 15 a las 3pm | 1 h | arte")
    await tap(fake, CARLOS, "Publicar")  # the same day, after the campaign's hours
    await fake.wait_until(lambda: not outbox_busy(bot))
    fake.mark(ROSA)

    line = "/anunciar 9000001 | Campaña de vacunación | del 14 al 16 de diciembre de 9 a 13 | 4 h"
    confirm = await say(fake, ANA, line)
    spelled = "del lunes 14 al miércoles 16 de diciembre de 2026, 9:00 a. m. – 1:00 p. m."
    assert f"{spelled} — ¿correcto?" in confirm.plain_text  # several days: always confirmed
    assert "(Entendí la hora como de la mañana.)" in confirm.plain_text
    preview = await tap(fake, ANA, "Sí")
    assert f"{spelled} (cada día)" in preview.plain_text
    assert "Taller de arte" in preview.plain_text and "Teatro" not in preview.plain_text
    assert "Publicado" in (await tap(fake, ANA, "Publicar")).plain_text

    (campaign,) = [
        a for a in await storage_of(bot).activities.upcoming_at_school(1, NOW, limit=10)
        if a.title == "Campaña de vacunación"
    ]  # fmt: skip
    assert campaign.repeats_daily
    assert (campaign.starts_at, campaign.ends_at) == (
        datetime(2026, 12, 14, 14, 0, tzinfo=UTC), datetime(2026, 12, 16, 18, 0, tzinfo=UTC)
    )  # fmt: skip
    card = await say(fake, ANA, "/start s_9000001_0")
    assert card.plain_text.count("Campaña de vacunación") == 1
    assert "lun 14/12–mié 16/12 9:00 — Campaña de vacunación" in card.plain_text
    who = await say(fake, ANA, "/quien 9000001")
    assert who.plain_text.count("Campaña de vacunación") == 1
    await fake.wait_until(lambda: not outbox_busy(bot))
    notes = [m for m in fake.messages(ROSA) if "Campaña de vacunación" in m.plain_text]
    assert len(notes) == 1
    assert "del lunes 14 al miércoles 16 de diciembre de 2026" in notes[0].plain_text


async def test_an_edit_shows_the_notes_before_moving_the_activity(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h | lectura")
    await tap(fake, ANA, "Publicar")
    listing = await say(fake, ANA, "/actividades")
    await tap(fake, ANA, listing.button_labels[0])
    await tap(fake, ANA, "🗓 Fecha y hora")
    confirm = await say(fake, ANA, "el jueves 3 de diciembre a las 10")
    assert "viernes 3 de diciembre de 2027, 10:00 a. m. — ¿correcto?" in confirm.plain_text
    assert "Esa fecha ya pasó este año" in confirm.plain_text
    assert confirm.button_labels == CONFIRM
    (activity,) = await storage_of(bot).activities.upcoming_at_school(1, NOW)
    assert activity.starts_at == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # not moved yet
    again = await tap(fake, ANA, "Cambiar")
    assert "Escribe la nueva fecha y hora" in again.plain_text
    confirm = await say(fake, ANA, "el martes a las 3")
    assert "como de la tarde" in confirm.plain_text
    updated = await tap(fake, ANA, "Sí")
    assert "martes 8 de diciembre de 2026, 3:00 p. m. – 5:00 p. m." in updated.plain_text


async def test_a_campaign_is_reminded_before_its_first_day_and_checked_after_its_last(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    line = "/anunciar 9000001 | Semana de la lectura | del 14 al 16 de diciembre de 9 a 13 | 4 h"
    await say(fake, ANA, line)
    await tap(fake, ANA, "Sí")
    await tap(fake, ANA, "Publicar")
    job = scheduled_job(bot, jobs.REMINDER_JOB)
    days = "del lunes 14 al miércoles 16 de diciembre de 2026, 9:00 a. m."

    fake.mark(ANA)
    set_clock(bot, datetime(2026, 12, 13, 15, 0, tzinfo=UTC))  # Sunday 10:00: 23 h before
    await job.run(bot)
    reminder = await fake.next_message(ANA)
    assert "Recordatorio: «Semana de la lectura»" in reminder.plain_text
    assert days in reminder.plain_text
    set_clock(bot, datetime(2026, 12, 15, 19, 0, tzinfo=UTC))  # its second day, 14:00
    await job.run(bot)
    assert not [m for m in fake.messages(ANA) if "¿Se realizó" in m.plain_text]
    set_clock(bot, datetime(2026, 12, 16, 19, 0, tzinfo=UTC))  # the last day is over
    await job.run(bot)
    checkin = await fake.next_message(ANA)
    assert "¿Se realizó «Semana de la lectura»" in checkin.plain_text and days in checkin.plain_text


async def test_cambiar_fecha_in_the_preview_keeps_the_rest(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    preview = await say(
        fake, ANA, "/anunciar 9000001 | Feria de ciencias | lunes 10am | 2 h | arte"
    )
    assert preview.button_labels == ["Publicar", "Cambiar fecha", "Cancelar"]
    calendar = await tap(fake, ANA, "Cambiar fecha")
    assert "diciembre 2026" in calendar.button_labels
    hours = await tap(fake, ANA, "9")
    assert "miércoles 9 de diciembre de 2026: ¿a qué hora empieza?" in hours.plain_text
    moved = await tap(fake, ANA, "15:00")  # the typed "2 h" still holds
    assert "Feria de ciencias · Arte" in moved.plain_text
    assert "miércoles 9 de diciembre de 2026, 3:00 p. m. – 5:00 p. m." in moved.plain_text


async def test_an_activity_edited_into_three_days_becomes_a_campaign(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Vacunación | lunes 9am | 4 h | salud")
    await tap(fake, ANA, "Publicar")
    listing = await say(fake, ANA, "/actividades")
    await tap(fake, ANA, listing.button_labels[0])
    await tap(fake, ANA, "🗓 Fecha y hora")
    confirm = await say(fake, ANA, "del 14 al 16 de diciembre")  # the hours stay 9-13
    assert "del lunes 14 al miércoles 16 de diciembre de 2026, 9:00 a. m." in confirm.plain_text
    updated = await tap(fake, ANA, "Sí")
    spelled = "del lunes 14 al miércoles 16 de diciembre de 2026, 9:00 a. m. – 1:00 p. m."
    assert f"{spelled} (cada día)" in updated.plain_text
    (campaign,) = await storage_of(bot).activities.upcoming_at_school(1, NOW)
    assert campaign.repeats_daily
    await tap(fake, ANA, (await say(fake, ANA, "/actividades")).button_labels[0])
    await tap(fake, ANA, "🗓 Fecha y hora")
    long = await say(fake, ANA, "del 1 de marzo al 15 de abril")
    assert "hasta 31 días" in long.plain_text


async def test_a_second_one_line_says_which_preview_it_set_aside(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Feria de ciencias | lunes 10am | 2 h | arte")
    fake.mark(ANA)
    await fake.send_text(ANA, "/anunciar 9000001 | Taller de lectura | martes 10am | 2 h | lectura")
    told = await fake.next_message(ANA)
    assert "Dejé de lado la vista previa que esperaba «Publicar»: «Feria de ciencias»" in (
        told.plain_text
    )
    preview = await fake.next_message(ANA)
    assert "Taller de lectura" in preview.plain_text
    await tap(fake, ANA, "Publicar")
    fake.mark(ANA)
    third = await say(fake, ANA, "/anunciar 9000001 | Teatro | jueves 10am | 2 h | arte")
    assert "Dejé de lado" not in third.plain_text  # published: nothing was set aside
