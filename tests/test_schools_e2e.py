"""Schools in the chat, through real HTTP against the fake Telegram, with the sample registry."""

from __future__ import annotations

import io

from PIL import Image

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from tests.helpers import pick, register_teacher, say, storage_of, tap

ROSA, CARLOS, EMMA = 1001, 1002, 1003
MARIATEGUI = "I.E. N° 2045 José Carlos Mariátegui"


async def test_plain_text_search_lists_schools_and_pages(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    results = await say(fake, ROSA, "santa rosa")
    assert "Escuelas para «santa rosa»" in results.plain_text
    assert len(results.button_labels) == 9 and results.button_labels[-1] == "Más ▸"
    first_page = list(results.button_labels)
    await fake.press(ROSA, "Más ▸")
    page = await fake.next_event(ROSA)
    assert page.kind == "edited" and "Más escuelas" in page.message.plain_text
    assert set(page.message.button_labels).isdisjoint(first_page[:-1])
    # As found: "Más ▸" and no way back. The second page leads back to the first.
    assert "◂ Anterior" in page.message.button_labels
    await fake.press(ROSA, "◂ Anterior")
    back = await fake.next_event(ROSA)
    assert back.kind == "edited" and back.message.button_labels == first_page


async def test_search_tolerates_typos_accents_and_place_words(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    results = await say(fake, ROSA, "/buscar mariategi sna martin de porres")
    assert results.button_labels[0].startswith(MARIATEGUI)
    nothing = await say(fake, ROSA, "zzqx wwvv")
    assert "No encontré escuelas" in nothing.plain_text and not nothing.button_labels


async def test_card_shows_the_registry_data(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA, school_query="9000001")
    card = await open_card(fake, ROSA, "9000001")
    text = card.plain_text
    for expected in (
        MARIATEGUI,
        "Código modular: 9000001",
        "Primaria",
        "Pública de gestión directa",
        "Carretera Niño Jesús 1062",
        "San Martín de Porres, Lima, Lima",
        "🏛 UGEL 02 Rímac",
        "1 docente registrado",
    ):
        assert expected in text
    assert card.button_labels == [
        "¿Quién trabaja aquí?",
        "📣 Anunciar aquí",
        "🔔 Seguir",
        "🔔 Seguir distrito San Martín de Porres",
        "📌 Código QR",
        "📅 Calendario de la escuela",
    ]


async def test_location_lists_the_nearest_five(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA)
    await fake.share_location(ROSA, -11.9799, -77.0744)
    nearest = await fake.next_message(ROSA)
    assert "más cercanas" in nearest.plain_text
    assert len(nearest.button_labels) == 5
    assert nearest.button_labels[0].startswith(MARIATEGUI) and "m" in nearest.button_labels[0]
    await fake.press(ROSA, 1)
    card = await fake.next_message(ROSA)
    assert MARIATEGUI in card.plain_text


async def test_who_works_here_with_consented_contacts_only(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA, school_query="9000001", username="rosa_q")
    await register_teacher(fake, CARLOS, school_query="9000001", username="carlos_m")
    await say(fake, ROSA, "/perfil")
    await fake.press(ROSA, "Mostrar mi contacto")
    await fake.next_event(ROSA)
    fake.user(EMMA, "Emma", language_code="en")
    who = await say(fake, EMMA, "/who 9000001")
    text = who.plain_text
    assert "Who works at" in text and "Teachers registered on Minka: 2" in text
    assert "@rosa_q" in text and "carlos_m" not in text  # Carlos did not agree to show his
    assert "start=s_9000001_0" in text


async def test_who_with_an_ambiguous_name_offers_the_schools(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    choices = await say(fake, ROSA, "/quien santa rosa")
    assert "¿Cuál de estas escuelas?" in choices.plain_text and len(choices.button_labels) > 1
    await fake.press(ROSA, 1)
    who = await fake.next_message(ROSA)
    assert "¿Quién trabaja en" in who.plain_text
    usage = await say(fake, ROSA, "/quien")
    assert "Escribe /quien" in usage.plain_text


async def test_deep_link_opens_the_card_for_members(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    card = await say(fake, ROSA, "/start s_9000001_0")
    assert MARIATEGUI in card.plain_text and "Código modular" in card.plain_text
    unknown = await say(fake, ROSA, "/start s_1234567_0")  # not in the registry: the menu
    assert "¿Qué quieres hacer?" in unknown.plain_text


async def test_deep_link_card_comes_right_after_onboarding(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(EMMA, "Emma", language_code="en")
    await say(fake, EMMA, "/start s_9000004_0")  # the welcome and the notice
    await tap(fake, EMMA, "I agree")
    await tap(fake, EMMA, "Use “Emma”")
    await tap(fake, EMMA, "NGO or foundation")
    await say(fake, EMMA, "Ayni & Co <b>")
    joined = await tap(fake, EMMA, "➕ Create “Ayni & Co <b>”")  # labels are plain text
    assert "Ayni &amp; Co &lt;b&gt;" in joined.text
    welcome = await fake.next_message(EMMA)
    menu = await fake.next_message(EMMA)
    card = await fake.next_message(EMMA)
    assert "Welcome" in welcome.plain_text and "/help" in menu.plain_text
    assert "Colegio Nacional Mixto Santa Rosa" in card.plain_text


async def test_qr_code_is_a_png_of_the_deep_link(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA)
    photo = await say(fake, ROSA, "/qr 9000001")
    assert photo.kind == "photo" and MARIATEGUI in (photo.caption or "")
    image = Image.open(io.BytesIO(photo.file_bytes or b""))
    assert image.format == "PNG" and image.width >= 300 and image.height > image.width


async def test_inline_mode_offers_cards_that_open_the_bot(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(EMMA, "Emma", language_code="en")
    await fake.inline_query(EMMA, "santa rosa puno")
    await fake.wait_until(lambda: bool(fake.inline_answers))
    results = fake.inline_answers[-1]["results"]
    assert results and results[0]["title"] == "I.E. Santa Rosa"
    button = results[0]["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"].startswith("https://t.me/minka_test_bot?start=s_")
    assert "Código modular" in results[0]["input_message_content"]["message_text"]
    assert button["text"] == "Open in Minka"


async def test_teacher_changes_her_school(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA, school_query="9000001")
    current = await say(fake, ROSA, "/miescuela")
    assert MARIATEGUI in current.plain_text
    results = await say(fake, ROSA, "santa rosa puno")
    await fake.press(ROSA, 1)
    await fake.next_event(ROSA)
    done = await fake.next_message(ROSA)
    assert "tu escuela es I.E. Santa Rosa" in done.plain_text
    member = await storage_of(bot).members.get(ROSA)
    school = await storage_of(bot).schools.get("9000005")
    assert member is not None and school is not None and member.school_id == school.id
    assert results.button_labels[-1] == "Lo digo después"


async def test_stale_school_button_is_answered_politely(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    for data in ("sa:c:999999", "sa:x:1", "sm:c:-8:x", "sa:m:1"):
        await fake.press_button(ROSA, 1, data)
    await fake.wait_until(lambda: len(fake.callback_answers) >= 4 + 4)
    assert all(answer.get("text") for answer in fake.callback_answers[-4:])


async def open_card(fake: FakeTelegram, user: int, query: str) -> SentMessage:
    await say(fake, user, query)
    return await pick(fake, user)
