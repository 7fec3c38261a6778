"""The pending question of a flow, per chat: remembered, edited in place, forgotten."""

from __future__ import annotations

from storage import Storage

CHAT = 601
KEYBOARD = {
    "inline_keyboard": [
        [
            {"text": "Salud", "callback_data": "ca:salud"},
            {"text": "Arte", "callback_data": "ca:arte"},
        ],
        [{"text": "Ver", "url": "https://example.org"}],
    ]
}


async def test_the_last_question_replaces_the_one_before(storage: Storage) -> None:
    await storage.questions.remember(CHAT, "announce", 10, "¿Título?", None)
    await storage.questions.remember(CHAT, "announce", 11, "¿Tipo?", KEYBOARD)

    pending = await storage.questions.get(CHAT)
    assert pending is not None and (pending.message_id, pending.text) == (11, "¿Tipo?")
    assert pending.buttons == [("Salud", "ca:salud"), ("Arte", "ca:arte")]  # no URL buttons


async def test_only_edits_of_the_pending_question_change_it(storage: Storage) -> None:
    await storage.questions.remember(CHAT, "announce", 11, "¿Tipo?", KEYBOARD)
    await storage.questions.update_if_current(CHAT, 10, "viejo", None)  # an older message
    pending = await storage.questions.get(CHAT)
    assert pending is not None and pending.text == "¿Tipo?" and pending.buttons

    await storage.questions.update_if_current(CHAT, 11, None, None)  # its buttons removed
    pending = await storage.questions.get(CHAT)
    assert pending is not None and pending.text == "¿Tipo?" and pending.buttons == []


async def test_forgotten_when_its_flow_ends_or_the_person_is(storage: Storage) -> None:
    await storage.questions.remember(CHAT, "announce", 11, "¿Tipo?", KEYBOARD)
    await storage.questions.forget(CHAT, "onboarding")  # another flow: this one stays
    assert await storage.questions.get(CHAT) is not None
    await storage.questions.forget(CHAT, "announce")
    assert await storage.questions.get(CHAT) is None

    await storage.questions.remember(CHAT, "profile", 12, "¿Nombre?", None)
    await storage.personal_data.forget(CHAT)
    assert await storage.questions.get(CHAT) is None
