"""Fewer calls per step: a tap on a flow's current prompt edits that prompt into the choice and
the next prompt (bot.runtime.folding), a typed answer gets a new message below, old buttons and
restarts still get sensible answers. Through the real Application and the fake Telegram."""

from __future__ import annotations

import asyncio

from bot.app import MinkaApplication
from bot.runner import running
from bot.runtime.folding import MAX_TEXT_UTF16, utf16_length
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from bot.views.texts import t
from tests.helpers import accept_privacy, next_answer, say, storage_of, tap

ROSA = 1001


def calls_to(fake: FakeTelegram, chat_id: int, since: int) -> list[str]:
    return [name for name, params in fake.calls[since:] if params.get("chat_id") == chat_id]


async def quiet(fake: FakeTelegram) -> None:
    """Until the bot made no Bot API call for a tenth of a second."""
    seen = -1
    while len(fake.calls) != seen:
        seen = len(fake.calls)
        await asyncio.sleep(0.1)


async def test_a_tap_edits_the_prompt_into_the_choice_and_the_next_prompt(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    ask_name = await accept_privacy(fake, ROSA)
    await quiet(fake)
    before = len(fake.calls)
    ask_role = await tap(fake, ROSA, "Usar «Rosa»")
    await quiet(fake)
    # One call naming the chat (the edit), and the tap's acknowledgement.
    assert calls_to(fake, ROSA, before) == ["editMessageText"]
    assert [name for name, _ in fake.calls[before:]].count("answerCallbackQuery") == 1
    assert ask_role.message_id == ask_name.message_id  # the same message, in place
    text = ask_role.plain_text
    # What was asked, what was chosen and what is asked now, in that order.
    assert text.index("¿Cómo te llamas?") < text.index("✓ Usar «Rosa»") < text.index("¿Dónde")
    assert ask_role.button_labels == ["Docente", "ONG o fundación", "Otra institución"]
    assert len(fake.messages(ROSA)) == 1  # welcome and notice, folded into ever since
    pending = await storage_of(bot).questions.get(ROSA)
    assert pending is not None and pending.message_id == ask_role.message_id
    assert "✓" not in pending.text and "¿Dónde" in pending.text  # the question alone


async def test_a_typed_answer_gets_the_next_prompt_as_a_new_message_below(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    await accept_privacy(fake, ROSA)
    ask_role = await tap(fake, ROSA, "Usar «Rosa»")
    ask_school = await say(fake, ROSA, "docente")  # typed: a new message, after what she typed
    assert "¿En qué escuela enseñas?" in ask_school.plain_text
    assert ask_school.message_id > ask_role.message_id
    await quiet(fake)
    old = next(m for m in fake.messages(ROSA) if m.message_id == ask_role.message_id)
    assert old.button_labels == []  # the answered prompt's buttons were taken away


async def test_an_old_button_pressed_after_the_edit_gets_a_friendly_answer(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    ask_name = await accept_privacy(fake, ROSA)
    use_name = ask_name.buttons[0]["callback_data"]
    ask_role = await tap(fake, ROSA, "Usar «Rosa»")
    answers = len(fake.callback_answers)
    await fake.press_button(ROSA, ask_role.message_id, use_name)  # the button of one step ago
    await fake.wait_until(lambda: len(fake.callback_answers) > answers)
    assert fake.callback_answers[-1].get("text") == "Ese botón ya no está activo."
    await quiet(fake)
    current = fake.messages(ROSA)[-1]
    assert current.plain_text == ask_role.plain_text  # nothing was folded or sent
    assert current.button_labels == ask_role.button_labels


async def test_after_a_restart_a_tap_on_the_prompt_still_folds(
    fake: FakeTelegram, settings: Settings
) -> None:
    fake.user(ROSA, "Rosa")
    async with running(settings):
        ask_name = await accept_privacy(fake, ROSA)
    async with running(settings) as app:  # a new process: the same database
        await quiet(fake)
        before = len(fake.calls)
        ask_role = await tap(fake, ROSA, "Usar «Rosa»")
        assert ask_role.message_id == ask_name.message_id and "✓ Usar «Rosa»" in ask_role.plain_text
        ask_school = await tap(fake, ROSA, "Docente")
        assert "¿En qué escuela enseñas?" in ask_school.plain_text
        await quiet(fake)
        assert calls_to(fake, ROSA, before) == ["editMessageText", "editMessageText"]
        member = await storage_of(app).members.get(ROSA)
        assert member is not None and member.name == "Rosa" and member.role is not None


async def test_the_end_of_onboarding_folds_one_answer_and_sends_the_rest(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    await accept_privacy(fake, ROSA)
    await tap(fake, ROSA, "Usar «Rosa»")
    ask_school = await tap(fake, ROSA, "Docente")
    skipped = await tap(fake, ROSA, "Lo digo después")
    assert skipped.message_id == ask_school.message_id and "✓ Lo digo después" in skipped.plain_text
    assert skipped.button_labels == []
    welcome = await fake.next_message(ROSA)  # a message of its own, below
    menu = await fake.next_message(ROSA)
    assert "Bienvenida" in welcome.plain_text and "¿Qué quieres hacer?" in menu.plain_text
    assert welcome.message_id > skipped.message_id


async def test_the_visible_answer_does_not_wait_for_the_taps_acknowledgement(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    await say(fake, ROSA, "/start")
    fake.fail_next("answerCallbackQuery", status=200, delay=2.0)  # a slow acknowledgement
    loop = asyncio.get_running_loop()
    started = loop.time()
    await fake.press(ROSA, "Acepto")
    ask_name = await next_answer(fake, ROSA)
    assert loop.time() - started < 1.5
    assert "¿Cómo te llamas?" in ask_name.plain_text
    await fake.wait_until(lambda: len(fake.callback_answers) == 1)  # it was still sent


async def test_a_failed_acknowledgement_does_not_stop_the_step(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    await say(fake, ROSA, "/start")
    fake.fail_next("answerCallbackQuery", status=400, description="Bad Request: query is too old")
    ask_name = await tap(fake, ROSA, "Acepto")
    assert "¿Cómo te llamas?" in ask_name.plain_text


def test_welcome_and_notice_fit_one_message_in_both_languages() -> None:
    longest_first_name = "Ñ" * 64  # Telegram's limit for a first name
    for lang in ("es", "en"):
        welcome = t(lang, "welcome_new", name=longest_first_name)
        notice = t(lang, "privacy_notice", days=3650)
        # The HTML is longer than the text Telegram counts: a safe upper bound.
        assert utf16_length(f"{welcome}\n\n{notice}") < MAX_TEXT_UTF16


async def test_a_prompt_that_can_be_neither_edited_nor_cleared_still_moves_the_flow_on(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """The fold's edit refused (the prompt was deleted) and the removal of its buttons failing
    even after its retries: only looks are lost; the next prompt comes anew and the flow's
    state is saved, so the next tap is answered as the next step."""
    fake.user(ROSA, "Rosa")
    await say(fake, ROSA, "/start")
    fake.fail_next(
        "editMessageText", status=400, description="Bad Request: message to edit not found"
    )
    fake.fail_next("editMessageReplyMarkup", status=502, times=4)  # a try and its 3 retries
    await fake.press(ROSA, "Acepto")
    ask_name = await fake.next_message(ROSA, timeout=15)
    assert "¿Cómo te llamas?" in ask_name.plain_text
    ask_role = await tap(fake, ROSA, "Usar «Rosa»")
    assert "¿Dónde trabajas?" in ask_role.plain_text
