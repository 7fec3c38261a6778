"""Typed answers to button questions, and what free text means outside a flow."""

from __future__ import annotations

import pytest

from bot.domain.choices import match_choice
from bot.domain.intents import Intent, detect_intent
from bot.views.texts import label

CATEGORIES = [
    label("es", f"category_{name}")
    for name in ("salud", "lectura", "docentes", "deporte", "arte", "donacion",
                 "infraestructura", "otro")
]  # fmt: skip
DURATIONS = [label("es", key) for key in ("btn_1h", "btn_2h", "btn_3h", "btn_morning",
                                          "btn_afternoon", "btn_day")]  # fmt: skip
ROLES = [label("es", key) for key in ("btn_role_teacher", "btn_role_ngo", "btn_role_institution")]
CONSENT = [label("es", "btn_accept"), label("es", "btn_decline")]
CONFIRM = [label("es", "btn_yes"), label("es", "btn_change")]


@pytest.mark.parametrize(
    ("typed", "labels", "expected"),
    [
        ("educación", CATEGORIES, "Lectura y educación"),
        ("EDUCACION", CATEGORIES, "Lectura y educación"),
        ("educasion", CATEGORIES, "Lectura y educación"),
        ("  salud ", CATEGORIES, "Salud"),
        ("dcoentes", CATEGORIES, "Docentes"),
        ("donacion", CATEGORIES, "Donación"),
        ("2", DURATIONS, "2 h"),
        ("2 h", DURATIONS, "2 h"),
        ("hasta las 6", DURATIONS, "Hasta las 6 p. m."),
        ("todo el dia", DURATIONS, "Todo el día (hasta las 5 p. m.)"),
        ("docente", ROLES, "Docente"),
        ("Soy docente", ROLES, "Docente"),
        ("ong", ROLES, "ONG o fundación"),
        ("acepto", CONSENT, "Acepto"),
        ("sí", CONSENT, "Acepto"),
        ("no", CONSENT, "No acepto"),
        ("si", CONFIRM, "Sí"),
        ("Sí.", CONFIRM, "Sí"),
        ("cambiar", CONFIRM, "Cambiar"),
    ],
)
def test_a_typed_answer_picks_the_button_it_means(
    typed: str, labels: list[str], expected: str | None
) -> None:
    index = match_choice(typed, labels)
    assert (labels[index] if index is not None else None) == expected


@pytest.mark.parametrize(
    ("typed", "labels"),
    [
        ("xyz", CATEGORIES),
        ("", CATEGORIES),
        ("de", CATEGORIES),
        ("1", ["1 h", "1 día"]),  # two fit equally: ask again, never guess
        ("3", DURATIONS[:2]),
        ("mañana", ["Mañana 8–13", "Mañana 9–12"]),
        ("no", CONFIRM),  # short words must be exact: "no" is not a typo of anything
    ],
)
def test_nothing_or_several_fitting_picks_nothing(typed: str, labels: list[str]) -> None:
    assert match_choice(typed, labels) is None


@pytest.mark.parametrize(
    "text",
    ["hola", "Hola!", "buenas tardes", "Buenos días, profesora", "gracias", "muchas gracias 🙏",
     "ok", "OK", "menu", "menú", "ayuda", "help", "👍", "thank you"],
)  # fmt: skip
def test_greetings_thanks_and_help_get_the_menu(text: str) -> None:
    assert detect_intent(text).intent is Intent.MENU


@pytest.mark.parametrize(
    ("text", "intent", "query"),
    [
        ("quiero anunciar una actividad", Intent.ANNOUNCE, ""),
        ("Hola, quiero publicar un taller", Intent.ANNOUNCE, ""),
        ("¿cómo puedo seguir una escuela?", Intent.FOLLOW, ""),
        ("quiero buscar el colegio santa rosa", Intent.SEARCH, "santa rosa"),
        ("buscar", Intent.SEARCH, ""),
        ("¿Quién trabaja en la 2045?", Intent.WHO, "2045"),
        ("who works at santa rosa", Intent.WHO, "santa rosa"),
        ("santa rosa puno", Intent.SEARCH, "santa rosa puno"),
        ("Colegio La Anunciación", Intent.SEARCH, "Colegio La Anunciación"),
        ("0325753", Intent.SEARCH, "0325753"),
    ],
)
def test_a_named_action_is_offered_and_the_rest_is_searched(
    text: str, intent: Intent, query: str
) -> None:
    detected = detect_intent(text)
    assert (detected.intent, detected.query) == (intent, query)
