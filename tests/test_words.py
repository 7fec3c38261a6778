"""Words agree with their numbers and places read as Spanish and English do.

Every catalog entry is rendered with every placeholder set to 1 and then to 2: a count next to
a noun of the wrong number ("1 actividades", "2 actividad", "1 activities") fails, in both
languages, wherever the text is used, because the rule lives in the template (`{n:one|other}`).
"""

from __future__ import annotations

import re

import pytest

from bot.views.texts import CATALOGS, Markup, label, placeholders, plural, t

# (singular, plural) of every counted word in the catalogs; a new counted word belongs here.
COUNTED = {
    "es": [
        ("actividad", "actividades"),
        ("docente", "docentes"),
        ("persona", "personas"),
        ("novedad", "novedades"),
        ("aviso", "avisos"),
        ("grupo", "grupos"),
        ("chat", "chats"),
        ("carácter", "caracteres"),
        ("entregado", "entregados"),
        ("pendiente", "pendientes"),
        ("bloqueó", "bloquearon"),
        ("falló", "fallaron"),
        ("marcó", "marcaron"),
        ("escuela", "escuelas"),
    ],
    "en": [
        ("activity", "activities"),
        ("teacher", "teachers"),
        ("registered teacher", "registered teachers"),
        ("more person", "more people"),
        ("person", "people"),
        ("more activity", "more activities"),
        ("more update", "more updates"),
        ("notice", "notices"),
        ("group", "groups"),
        ("chat", "chats"),
        ("character", "characters"),
        ("school", "schools"),
    ],
}


def rendered(lang: str, key: str, number: int) -> str:
    template = CATALOGS[lang][key]
    return str(t(lang, key, **dict.fromkeys(placeholders(template), number)))


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("key", sorted(CATALOGS["es"]))
def test_every_entry_agrees_with_1_and_2(lang: str, key: str) -> None:
    one, two = rendered(lang, key, 1), rendered(lang, key, 2)
    for singular, plural_form in COUNTED[lang]:
        assert not re.search(rf"\b1 {plural_form}\b", one), (key, one)
        assert not re.search(rf"\b2 {singular}\b", two), (key, two)


@pytest.mark.parametrize(
    ("lang", "key", "values", "expected"),
    [
        ("es", "card_people", {"teachers": 1}, "1 docente registrado"),
        ("es", "card_people", {"teachers": 0}, "0 docentes registrados"),
        ("en", "card_people", {"teachers": 1}, "1 registered teacher"),
        ("es", "clash_more", {"count": 1}, "1 actividad más"),
        ("en", "clash_more", {"count": 1}, "1 more activity"),
        ("es", "broadcast_preview", {"people": 1, "groups": 0, "message": ""}, "1 persona y 0"),
        ("en", "broadcast_preview", {"people": 2, "groups": 1, "message": ""}, "2 people and 1"),
    ],
)
def test_counts_agree(lang: str, key: str, values: dict[str, object], expected: str) -> None:
    assert expected in t(lang, key, **values)


def test_plural_forms_are_escaped_values_and_labels_stay_verbatim() -> None:
    assert plural(1, "# día", "# días") == "1 día"
    assert plural("2", "# día", "# días") == "2 días"
    assert "&lt;b&gt;" in t("es", "card_title", name="<b>")
    assert label("es", "btn_use_name", name="<Rosa>") == "Usar «<Rosa>»"
    assert t("es", "help", commands=Markup("<i>x</i>")).count("<i>x</i>") == 1


def test_daily_mode_reads_as_english() -> None:
    text = t("en", "mode_set", mode=label("en", "mode_daily"))
    assert "mode." not in text and "daily summary at 7:00" in text
