"""Words agree with their numbers and places read as Spanish and English do.

Every catalog entry is rendered with every placeholder set to 1 and then to 2: a count next to
a noun of the wrong number ("1 actividades", "2 actividad", "1 activities") fails, in both
languages, wherever the text is used, because the rule lives in the template (`{n:one|other}`).
"""

from __future__ import annotations

import re

import pytest

from bot.views.places import place_name, school_name
from bot.views.texts import CATALOGS, Markup, label, placeholders, plural, t
from storage.schools import School

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


# --- one way to name a place ------------------------------------------------------------------

PLACES = {
    "es": [place_name("es", kind, "COMAS") for kind in ("district", "province", "region")],
    "en": [place_name("en", kind, "COMAS") for kind in ("district", "province", "region")],
}


# Every text that is given a place (something followed, an audience, a scope), and its slot.
PLACE_SLOTS = {
    "followed": "name",
    "already_following": "name",
    "unfollowed": "name",
    "not_following": "name",
    "btn_remove": "name",
    "broadcast_ask_text": "audience",
    "scope_suffix": "scope",
}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("key", sorted(PLACE_SLOTS))
def test_texts_given_a_place_read_well(lang: str, key: str) -> None:
    """A place phrase never follows a preposition it should have contracted with ("de el")."""
    for place in PLACES[lang]:
        text = str(t(lang, key, **{PLACE_SLOTS[key]: place}))
        for wrong in (" de el ", " a el ", "De el "):
            assert wrong not in text, (key, text)


def test_places_are_named_with_their_kind_once() -> None:
    assert place_name("es", "district", "SAN MARTÍN DE PORRES") == (
        "el distrito de San Martín de Porres"
    )
    assert place_name("en", "district", "Comas") == "the district of Comas"
    assert place_name("es", "school", "I.E. N° 2045") == "I.E. N° 2045"
    followed = t("es", "followed", name=place_name("es", "district", "COMAS"))
    assert "sigues el distrito de Comas" in followed and "de el" not in followed
    with pytest.raises(ValueError):
        place_name("es", "planet", "Marte")


def test_a_school_is_named_with_its_level() -> None:
    school = School(
        id=1, cod_mod="9000001", anexo="0", codlocal="900001", name="I.E. N° 2045",
        level="Primaria", management=None, address=None, ubigeo="150135", region="LIMA",
        province="LIMA", district="SAN MARTÍN DE PORRES", ugel=None, latitude=None,
        longitude=None, active=True,
    )  # fmt: skip
    assert school_name(school, "es") == "I.E. N° 2045 (Primaria)"
