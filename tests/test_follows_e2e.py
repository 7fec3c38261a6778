"""Following schools, districts and organizations; groups; notifications once per chat; the
daily digest. Through real HTTP against the fake Telegram, delivered by the outbox worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import MinkaApplication
from bot.outbox import jobs
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from storage.activities import Category, NewActivity
from storage.activity_events import Change, Notice
from tests.helpers import (
    NOW,
    outbox_busy,
    register_ngo,
    register_teacher,
    say,
    scheduled_job,
    school_id_of,
    set_clock,
    storage_of,
    switch_to_english,
    tap,
)

ANA, BETO, ROSA, CARLOS, LUCIA = 2001, 2002, 1001, 1002, 1004
GROUP, SUPERGROUP = -100, -1001000000100
ANNOUNCEMENT = "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h"


pytestmark = pytest.mark.usefixtures("frozen_clock")  # the bot's clock stopped at NOW


async def open_card(fake: FakeTelegram, user: int, code: str = "9000001") -> None:
    await say(fake, user, f"/start s_{code}_0")


async def test_follow_and_unfollow_a_school_from_its_card(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    await open_card(fake, ROSA)
    followed = await tap(fake, ROSA, "🔔 Seguir")
    assert "sigues I.E. N° 2045" in followed.plain_text
    again = await tap(fake, ROSA, "🔔 Seguir")  # the same (old) button pressed twice
    assert "Ya sigues" in again.plain_text
    await open_card(fake, ROSA)
    card = fake.last_message(ROSA)
    assert card is not None and "🔕 Dejar de seguir" in card.button_labels
    assert "Ya no sigues" in (await tap(fake, ROSA, "🔕 Dejar de seguir")).plain_text
    assert "No seguías" in (await tap(fake, ROSA, "🔕 Dejar de seguir")).plain_text


async def test_one_message_per_chat_whatever_the_paths(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await register_teacher(fake, ROSA)
    await register_teacher(fake, CARLOS)
    await open_card(fake, ROSA)
    await tap(fake, ROSA, "🔔 Seguir")
    await open_card(fake, ROSA)
    await tap(fake, ROSA, "🔔 Seguir distrito San Martín de Porres")
    await say(fake, ANA, ANNOUNCEMENT)  # Ana's first activity makes Ayni visible in /quien
    await tap(fake, ANA, "Publicar")
    await fake.next_message(ROSA)  # Rosa already follows the school: the first notification
    who = await say(fake, ROSA, "/quien 9000001")
    assert who.button_labels == ["🔔 Seguir a Fundación Ayni", "✉️ Escribir a Fundación Ayni"]
    await tap(fake, ROSA, "🔔 Seguir a Fundación Ayni")
    subscribed = await say(fake, CARLOS, "/suscribir 9000001")
    assert "te avisaré" in subscribed.plain_text

    fake.mark(ROSA), fake.mark(CARLOS), fake.mark(ANA)
    await say(fake, ANA, "/anunciar 9000001 | Campaña de salud | martes 9am | 3 h")
    await tap(fake, ANA, "Publicar")
    for user in (ROSA, CARLOS):
        note = await fake.next_message(user)
        assert "Fundación Ayni anunció «Campaña de salud»" in note.plain_text
        assert note.button_labels == ["Ver escuela", "🔕 Dejar de seguir"]
    await fake.wait_until(lambda: not outbox_busy(bot))
    rosa_notes = [m for m in fake.messages(ROSA) if "Campaña de salud" in m.plain_text]
    assert len(rosa_notes) == 1  # school + district + organization: still one message
    assert not [m for m in fake.messages(ANA) if "anunció" in m.plain_text]


async def test_each_follower_reads_the_news_in_their_language_with_their_own_unfollow(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """Texts and keyboards are composed once per language and follow, then shared: each
    follower still reads their language and gets a button for what brought them the news."""
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    for user in (ROSA, CARLOS, LUCIA):
        await register_teacher(fake, user)
    await say(fake, ROSA, "/suscribir 9000001")
    for user in (CARLOS, LUCIA):
        await open_card(fake, user)
        await tap(fake, user, "🔔 Seguir distrito San Martín de Porres")
    await switch_to_english(fake, CARLOS)
    fake.mark(ROSA), fake.mark(CARLOS), fake.mark(LUCIA)
    await say(fake, ANA, ANNOUNCEMENT)
    await tap(fake, ANA, "Publicar")
    notes = {user: await fake.next_message(user) for user in (ROSA, CARLOS, LUCIA)}
    for user in (ROSA, LUCIA):
        assert "Fundación Ayni anunció «Taller de lectura»" in notes[user].plain_text
        assert notes[user].button_labels == ["Ver escuela", "🔕 Dejar de seguir"]
    assert "Taller de lectura" in notes[CARLOS].plain_text
    assert "anunció" not in notes[CARLOS].plain_text
    assert notes[CARLOS].button_labels == ["See school", "🔕 Unfollow"]
    unfollowed = {
        user: (await tap(fake, user, label)).plain_text
        for user, label in ((ROSA, "🔕 Dejar de seguir"), (LUCIA, "🔕 Dejar de seguir"),
                            (CARLOS, "🔕 Unfollow"))
    }  # fmt: skip
    assert "Ya no sigues" in unfollowed[ROSA] and "I.E. N° 2045" in unfollowed[ROSA]
    assert "Ya no sigues el distrito de San Martín de Porres" in unfollowed[LUCIA]
    assert "You no longer follow the district of San Martín de Porres" in unfollowed[CARLOS]
    for user in (ROSA, CARLOS, LUCIA):
        assert await storage_of(bot).follows.of_chat(user) == []


async def test_edit_and_cancel_notify_followers(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await register_teacher(fake, ROSA)
    await say(fake, ROSA, "/suscribir 9000001")
    await say(fake, ANA, ANNOUNCEMENT)
    await tap(fake, ANA, "Publicar")
    await fake.next_message(ROSA)
    listing = await say(fake, ANA, "/actividades")
    await tap(fake, ANA, listing.button_labels[0])
    await tap(fake, ANA, "🗓 Fecha y hora")
    await say(fake, ANA, "martes 11am")
    moved = await fake.next_message(ROSA)
    assert (
        "Cambió «Taller de lectura»" in moved.plain_text
        and "martes 1 de diciembre" in moved.plain_text
    )
    await tap(fake, ANA, "❌ Cancelar actividad")
    await say(fake, ANA, "Paro de transportistas")
    cancelled = await fake.next_message(ROSA)
    assert "Se canceló «Taller de lectura»" in cancelled.plain_text
    assert "Motivo: Paro de transportistas" in cancelled.plain_text


async def test_a_change_a_crash_kept_from_its_followers_reaches_them_once(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """The change's write records its event; if the bot stops before telling the followers,
    the minute job tells them, once."""
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await register_teacher(fake, ROSA)
    await say(fake, ROSA, "/suscribir 9000001")
    storage = storage_of(bot)
    ayni = (await storage.members.require(ANA)).organization
    assert ayni is not None
    start = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    new = NewActivity(await school_id_of(storage, "9000001"), ayni.id, ANA, "Feria de ciencias",
                      None, Category.OTRO, start, start + timedelta(hours=2))  # fmt: skip
    await storage.activities.create(new, notice=Notice(Change.CREATED, ANA, NOW))  # then a crash
    fake.mark(ROSA)
    job = scheduled_job(bot, jobs.REMINDER_JOB)
    await job.run(bot)
    await job.run(bot)
    note = await fake.next_message(ROSA)
    assert "Fundación Ayni anunció «Feria de ciencias»" in note.plain_text
    await fake.wait_until(lambda: not outbox_busy(bot))
    assert [m for m in fake.messages(ROSA) if "Feria de ciencias" in m.plain_text] == [note]
    assert await storage.activity_events.pending() == []


async def test_subscriptions_list_remove_and_mode(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    empty = await say(fake, ROSA, "/suscripciones")
    assert "No sigues nada" in empty.plain_text
    await say(fake, ROSA, "/suscribir 9000001")
    listing = await say(fake, ROSA, "/suscripciones")
    assert "Escuela: I.E. N° 2045" in listing.plain_text and "instantáneo" in listing.plain_text
    daily = await tap(fake, ROSA, "⏰ Cambiar a resumen diario")
    assert "resumen diario" in daily.plain_text
    removed = await tap(fake, ROSA, listing.button_labels[0])
    assert "Ya no sigues" in removed.plain_text
    assert await storage_of(bot).follows.of_chat(ROSA) == []


async def test_group_link_by_admin_refused_for_others(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    fake.user(ROSA, "Rosa")
    fake.user(CARLOS, "Carlos")
    fake.group(GROUP, "Docentes IE 2045", admins=[ROSA])
    await fake.add_bot_to_group(GROUP, ROSA)
    greeting = await fake.next_message(GROUP)
    assert "/vincular" in greeting.plain_text
    refused = await say_in_group(fake, CARLOS, "/vincular 9000001")
    assert "Solo los administradores" in refused.plain_text
    linked = await say_in_group(fake, ROSA, "/vincular 9000001")
    assert "Este grupo recibirá las novedades de I.E. N° 2045" in linked.plain_text
    fake.mark(GROUP)
    await say(fake, ANA, ANNOUNCEMENT)
    await tap(fake, ANA, "Publicar")
    note = await fake.next_message(GROUP)
    assert "Taller de lectura" in note.plain_text
    assert (
        "Solo los administradores" in (await say_in_group(fake, CARLOS, "/desvincular")).plain_text
    )
    assert "ya no recibirá" in (await say_in_group(fake, ROSA, "/desvincular")).plain_text


async def test_supergroup_migration_keeps_the_follows(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    fake.user(ROSA, "Rosa")
    fake.group(GROUP, "Docentes IE 2045", admins=[ROSA])
    await fake.add_bot_to_group(GROUP, ROSA)
    await say_in_group(fake, ROSA, "/vincular 9000001")
    fake.migrate_group(GROUP, SUPERGROUP)
    await say(fake, ANA, ANNOUNCEMENT)
    await tap(fake, ANA, "Publicar")
    note = await fake.next_message(SUPERGROUP, timeout=10)
    assert "Taller de lectura" in note.plain_text
    follows = await storage_of(bot).follows.of_chat(SUPERGROUP)
    assert [f.kind for f in follows] == ["school"]
    assert await storage_of(bot).follows.of_chat(GROUP) == []


async def test_daily_digest_at_seven(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await register_teacher(fake, ROSA)
    await say(fake, ROSA, "/suscribir 9000001")
    await say(fake, ROSA, "/suscripciones")
    await tap(fake, ROSA, "⏰ Cambiar a resumen diario")
    fake.mark(ROSA)
    await say(fake, ANA, ANNOUNCEMENT)
    await tap(fake, ANA, "Publicar")
    await say(fake, ANA, "/anunciar 9000001 | Campaña de salud | martes 9am | 3 h")
    await tap(fake, ANA, "Publicar")
    job = scheduled_job(bot, jobs.DIGEST_JOB)
    set_clock(bot, datetime(2026, 11, 27, 11, 0, tzinfo=UTC))  # Friday 06:00 Lima: not yet
    await job.run(bot)
    set_clock(bot, datetime(2026, 11, 27, 12, 5, tzinfo=UTC))  # 07:05 Lima
    await job.run(bot)
    await job.run(bot)  # once a day
    digest = await fake.next_message(ROSA)
    assert "Tu resumen diario" in digest.plain_text
    assert "Taller de lectura" in digest.plain_text and "Campaña de salud" in digest.plain_text
    await fake.wait_until(lambda: not outbox_busy(bot))
    assert len([m for m in fake.messages(ROSA) if "resumen diario de Minka" in m.plain_text]) == 1


async def say_in_group(fake: FakeTelegram, user: int, text: str) -> SentMessage:
    await fake.send_text(user, text, chat_id=GROUP)
    return await fake.next_message(GROUP)
