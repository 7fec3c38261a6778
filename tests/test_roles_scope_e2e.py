"""Roles and scope (issue 14, "No dead ends"): /verificar shows the match and asks, and
nobody verifies their own organization; /difundir offers only what the coordinator's scope
reaches and never sends the notice to its author. Real HTTP against the fake Telegram."""

from __future__ import annotations

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from storage.roles import RoleName
from tests.helpers import (
    NOW,
    outbox_busy,
    register_ngo,
    register_teacher,
    say,
    set_clock,
    storage_of,
    tap,
)

ELENA, ANA = 2801, 2802


async def test_verify_asks_first_and_never_ones_own(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: "/verificar UGEL 02" verified a partial name with no confirmation, and a
    coordinator verified her own organization."""
    await register_ngo(fake, ELENA, "Elena", "UGEL 02 Rímac")
    await storage_of(bot).roles.grant(ELENA, RoleName.COORDINATOR, scope_ubigeo="150135")
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")

    asked = await say(fake, ELENA, "/verificar UGEL 02")
    assert "¿Verifico «UGEL 02 Rímac»?" in asked.plain_text
    assert asked.button_labels == ["UGEL 02 Rímac"]
    refused = await tap(fake, ELENA, "UGEL 02 Rímac")
    assert "No puedes verificar UGEL 02 Rímac: es tu propia organización" in refused.plain_text
    own = await storage_of(bot).organizations.find_similar("UGEL 02 Rímac", limit=1)
    assert not own[0].verified

    await say(fake, ELENA, "/verificar ayni")
    done = await tap(fake, ELENA, "Fundación Ayni")
    assert "Fundación Ayni ahora aparece como verificada" in done.plain_text


ROSA, CARLOS = 2803, 2804
NOTICE = "Reunión de directores el viernes a las 10"


async def district_coordinator_who_teaches(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """Elena teaches at I.E. 2045 (San Martín de Porres) and coordinates that district."""
    await register_teacher(fake, ELENA, school_query="9000001")
    await storage_of(bot).roles.grant(ELENA, RoleName.COORDINATOR, scope_ubigeo="150135")


async def test_a_district_coordinator_is_offered_only_what_she_reaches(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: "Una provincia / Una región" offered to a district coordinator, and schools
    outside her district listed before being refused."""
    await district_coordinator_who_teaches(fake, bot)
    audiences = await say(fake, ELENA, "/difundir")
    assert audiences.button_labels == ["Una escuela", "Un distrito"]

    await tap(fake, ELENA, "Una escuela")
    outside = await say(fake, ELENA, "santa rosa puno")
    assert "dentro de lo que coordinas" in outside.plain_text and not outside.button_labels
    inside = await say(fake, ELENA, "mariategui")  # also in Cusco, Juliaca and Comas
    assert inside.button_labels
    assert all("San Martín de Porres" in name for name in inside.button_labels)


async def test_the_broadcaster_is_not_her_own_audience(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: the broadcaster received her own notice and was counted in the preview."""
    await district_coordinator_who_teaches(fake, bot)
    await register_teacher(fake, ROSA, school_query="9000001")
    await say(fake, ELENA, "/difundir")
    await tap(fake, ELENA, "Un distrito")
    await say(fake, ELENA, "san martin de porres")
    await tap(fake, ELENA, "San Martín de Porres, Lima")
    ask_ack = await say(fake, ELENA, NOTICE)
    preview = await tap(fake, ELENA, ask_ack.button_labels[-1])  # without "Recibido"
    assert "Se enviará a 1 persona y 0 grupos" in preview.plain_text
    fake.mark(ROSA)
    await tap(fake, ELENA, "Enviar")
    assert NOTICE in (await fake.next_message(ROSA)).plain_text
    await fake.wait_until(lambda: not outbox_busy(bot))
    delivered = [m for m in fake.messages(ELENA) if m.plain_text.startswith("📢 Aviso de")]
    assert delivered == []  # her preview starts "Así lo verán"; no copy of the notice itself


ANA_AGAIN, BETO = 2805, 2806


async def test_after_olvidarme_the_organization_and_coordinators_keep_the_activities(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: after /olvidarme, the person's activities could be edited by nobody."""
    set_clock(bot, NOW)
    await register_ngo(fake, ANA_AGAIN, "Ana", "Fundación Ayni")
    await register_ngo(fake, BETO, "Beto", "Fundación Ayni")  # the same organization
    await say(fake, ANA_AGAIN, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h | lectura")
    await tap(fake, ANA_AGAIN, "Publicar")
    await register_teacher(fake, ROSA, school_query="9000001")
    await say(fake, ROSA, "/anunciar 9000001 | Feria de ciencias | martes 10am | 2 h | otro")
    await tap(fake, ROSA, "Publicar")
    for person in (ANA_AGAIN, ROSA):
        await say(fake, person, "/olvidarme")
        await fake.press(person, "Sí, bórrame")
        erased = await fake.next_event(person)  # the question is edited into the answer
        assert "borré tus datos" in erased.message.plain_text

    listing = await say(fake, BETO, "/actividades")
    assert listing.button_labels == ["lun 30/11 10:00 · Taller de lectura"]
    detail = await tap(fake, BETO, listing.button_labels[0])
    assert detail.button_labels[-1] == "❌ Cancelar actividad"

    await register_ngo(fake, ELENA, "Elena", "UGEL 02 Rímac")
    await storage_of(bot).roles.grant(ELENA, RoleName.COORDINATOR, scope_ubigeo="150135")
    listing = await say(fake, ELENA, "/actividades")
    assert "mar 01/12 10:00 · Feria de ciencias" in listing.button_labels  # the teacher's
    detail = await tap(fake, ELENA, "mar 01/12 10:00 · Feria de ciencias")
    await tap(fake, ELENA, "✏️ Título")
    updated = await say(fake, ELENA, "Feria de ciencias y arte")
    assert "Actividad actualizada" in updated.plain_text
