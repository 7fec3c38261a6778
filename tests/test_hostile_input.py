"""Hostile and odd input through the real bot and the fake Telegram (which applies Telegram's
validation): nothing a person types may crash a handler, break a message or inject markup.

The example budget is small in the default run; MINKA_HYPOTHESIS_EXAMPLES raises it
(e.g. MINKA_HYPOTHESIS_EXAMPLES=500 python -m pytest tests/test_hostile_input.py).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from tests.helpers import register_teacher

EXAMPLES = int(os.environ.get("MINKA_HYPOTHESIS_EXAMPLES", "12"))
ROSA = 1001
GENERIC_ERROR = "algo salió mal"

FRAGMENTS = [
    "<b>", "</i>", "<script>alert(1)</script>", "&amp;", "&", "<", ">", "*bold*", "_x_",
    "`code`", "[link](http://x)", "'; DROP TABLE members; --", "\u202e", "\u200b", "\u200d",
    "\x00", "👩🏽‍🏫", "e\u0301", "مرحبا", "   ", "\n", "|", "/start", "@minka_test_bot",
    "Ñandú", "9000001", "🔔", "%", "_", "\\", '"', "x" * 300,
]  # fmt: skip
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), min_size=1, max_size=6
).map("".join)
huge = st.sampled_from(["x" * 5000, "<b>" * 1500, "ñ" * 4097, " " * 5000])


async def every_reply_is_friendly(fake: FakeTelegram, before: int) -> None:
    new = fake.messages(ROSA)[before:]
    assert new, "the person got no answer at all"
    for message in new:
        assert GENERIC_ERROR not in message.plain_text.lower()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(hostile, huge))
async def test_hostile_text_anywhere(fake: FakeTelegram, bot: MinkaApplication, text: str) -> None:
    if not fake.messages(ROSA):
        await register_teacher(fake, ROSA)
    for command in ("", "/quien ", "/qr ", "/suscribir ", "/anunciar 9000001 | "):
        before = len(fake.messages(ROSA))
        await fake.send_text(ROSA, (command + text)[:4096] or ".")
        await fake.next_message(ROSA)
        await every_reply_is_friendly(fake, before)
        await fake.send_text(ROSA, "/cancelar")  # leave whatever flow the text started
        await fake.next_message(ROSA)
    answers = len(fake.inline_answers)
    await fake.inline_query(ROSA, text[:256])  # "@bot <text>" in any chat
    await fake.wait_until(lambda: len(fake.inline_answers) > answers)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.one_of(st.text(max_size=64), st.sampled_from(["oc:1", "sa:c:-1", "fw:s:x:1"])))
async def test_tampered_buttons_get_a_polite_answer(
    fake: FakeTelegram, bot: MinkaApplication, data: str
) -> None:
    answers = len(fake.callback_answers)
    await fake.press_button(ROSA, 1, data or "x")
    await fake.wait_until(lambda: len(fake.callback_answers) > answers)
    assert not [m for m in fake.messages(ROSA) if GENERIC_ERROR in m.plain_text.lower()]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.one_of(hostile, huge), organization=st.one_of(hostile, huge))
async def test_hostile_names_in_onboarding(
    fake: FakeTelegram, bot: MinkaApplication, name: str, organization: str
) -> None:
    user = 5000 + len(fake.updates)  # a new person each example
    fake.user(user, name[:64] or "x", language_code="es")
    await answered(fake, user, lambda: fake.send_text(user, "/start"))
    await answered(fake, user, lambda: fake.press(user, "Acepto"))
    await answered(fake, user, lambda: fake.send_text(user, name[:4096] or "."))
    last = fake.last_message(user)
    if last is not None and "ONG o fundación" in last.button_labels:
        await answered(fake, user, lambda: fake.press(user, "ONG o fundación"))
        await answered(fake, user, lambda: fake.send_text(user, organization[:4096] or "."))


async def answered(
    fake: FakeTelegram, user: int, act: Callable[[], Awaitable[object]], replies: int = 1
) -> None:
    """`act`, then wait for `replies` answers: new messages or prompts edited into the next."""

    def answers() -> int:
        return sum(e.kind == "sent" or e.text_changed for e in fake.events(user))

    before = answers()
    await act()
    await fake.wait_until(lambda: answers() >= before + replies)
    assert not [m for m in fake.messages(user) if GENERIC_ERROR in m.plain_text.lower()]
