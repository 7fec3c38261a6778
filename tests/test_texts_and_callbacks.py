"""Catalog completeness, escaping, and callback payloads that always fit in 64 bytes."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import LIMA, format_when
from bot.views import callbacks as cb
from bot.views.commands import COMMANDS, command_list, menu_entries
from bot.views.texts import CATALOGS, Markup, language_of, placeholders, t


def test_every_key_exists_in_every_language() -> None:
    keys = {lang: set(catalog) for lang, catalog in CATALOGS.items()}
    assert keys["es"] == keys["en"], keys["es"] ^ keys["en"]


@pytest.mark.parametrize("key", sorted(CATALOGS["es"]))
def test_placeholders_match_across_languages(key: str) -> None:
    assert placeholders(CATALOGS["es"][key]) == placeholders(CATALOGS["en"][key])


@pytest.mark.parametrize("key", sorted(CATALOGS["es"]))
def test_texts_are_not_empty(key: str) -> None:
    assert CATALOGS["es"][key].strip() and CATALOGS["en"][key].strip()


def test_values_are_escaped_but_markup_is_kept() -> None:
    text = t("es", "ask_role", name="<b>Rosa</b> & co")
    assert "&lt;b&gt;Rosa&lt;/b&gt; &amp; co" in text
    nested = t("en", "help", commands=Markup("<b>x</b>"))
    assert "<b>x</b>" in nested


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("es", "es"),
        ("es-419", "es"),
        ("ES-pe", "es"),
        ("en-US", "en"),
        ("pt-BR", "en"),
        (None, "es"),
        ("", "es"),
    ],
)
def test_language_from_telegram_code(code: str | None, lang: str) -> None:
    assert language_of(code) == lang


def test_commands_have_descriptions_in_both_languages() -> None:
    for lang in ("es", "en"):
        entries = menu_entries(lang)
        assert len(entries) == len([c for c in COMMANDS if c.in_menu])
        for name, description in entries:
            assert name.isascii() and name.islower() and 1 <= len(description) <= 256
    assert "/ayuda" in command_list("es") and "/help" in command_list("en")


PAYLOADS = [
    cb.ConsentAnswer(True),
    cb.UseTelegramName(),
    cb.RoleChoice("institution"),
    cb.OrganizationChoice(2**40),
    cb.LanguageChoice("es"),
    cb.ForgetAnswer(False),
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: type(p).__name__)
def test_payloads_round_trip(payload: cb.Payload) -> None:
    packed = payload.pack()
    assert len(packed.encode()) <= cb.MAX_CALLBACK_BYTES
    assert type(payload).unpack(packed) == payload


@pytest.mark.parametrize(
    "data", ["", "oc", "oc:2", "oc:1:1", "oo:abc", "xx:1", "or", None, 5, "on:extra"]
)
def test_tampered_data_decodes_to_none(data: object) -> None:
    decoded = [
        kind.unpack(data) for kind in (cb.ConsentAnswer, cb.OrganizationChoice, cb.UseTelegramName)
    ]
    assert all(value is None for value in decoded)


@given(st.text())
def test_unpack_never_raises(data: str) -> None:
    for kind in (cb.ConsentAnswer, cb.RoleChoice, cb.OrganizationChoice, cb.LanguageChoice):
        kind.unpack(data)


def test_overlong_payload_is_refused() -> None:
    with pytest.raises(cb.CallbackDataTooLong):
        cb.RoleChoice("ñ" * 40).pack()


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("key", sorted(CATALOGS["es"]))
def test_every_text_is_html_telegram_accepts(lang: str, key: str) -> None:
    """Rendered with hostile values, every text parses as Telegram's HTML (our fake applies
    Telegram's rules): a stray '<' in a catalog would break every message that uses it."""
    from bot.sandbox.fake_telegram import format_text

    values = dict.fromkeys(placeholders(CATALOGS[lang][key]), "<b>&'\"x")
    format_text(t(lang, key, **values), "HTML", limit=4096, too_long="message is too long")


def test_a_moment_at_the_end_of_a_sentence_has_one_period() -> None:
    """ "9:00 a. m.." reads as a typo: a Spanish text ending in a moment adds no period."""
    for hour in (9, 15):
        when = format_when(datetime(2026, 12, 7, hour, tzinfo=LIMA), "es")
        for key in ("reminder", "notification_created", "notification_updated"):
            text = t("es", key, title="Taller", school="IE 2045", who="Ana", when=when)
            assert ".." not in text and text.endswith(("a. m.", "p. m.")), text
