"""Every user-facing string, per language, with named placeholders.

`t(lang, key, **values)` HTML-escapes every value, so user-provided text can never inject markup;
pass a `Markup` for a value that is already safe HTML (for example another rendered text).
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

from bot.views.texts_en import EN
from bot.views.texts_es import ES

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"

CATALOGS: Mapping[str, Mapping[str, str]] = {"es": ES, "en": EN}


class Markup(str):
    """A string that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: object) -> str:
    if isinstance(value, Markup):
        return value
    return html.escape(str(value), quote=False)


def language_of(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map Telegram's IETF `language_code` ('es-419', 'en-US', None) to a catalog."""
    if not code:
        return default
    prefix = code.split("-")[0].lower()
    return prefix if prefix in CATALOGS else "en"


def t(lang: str, key: str, **values: object) -> Markup:
    """The text `key` in `lang` (falling back to Spanish), placeholders filled and escaped."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    return Markup(template.format_map({name: escape(value) for name, value in values.items()}))


def label(lang: str, key: str, **values: object) -> str:
    """A button label or other plain-text string: Telegram shows it verbatim, so no escaping."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    return template.format_map({name: str(value) for name, value in values.items()})


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
