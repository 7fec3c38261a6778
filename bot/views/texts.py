"""Every user-facing string, per language, with named placeholders.

`t(lang, key, **values)` HTML-escapes every value, so user-provided text can never inject markup;
pass a `Markup` for a value that is already safe HTML (for example another rendered text).

Counts agree with their words in the template itself, so no caller can forget: a placeholder
written `{count:# actividad|# actividades}` renders its first form when the value is 1 and the
second otherwise, `#` standing for the number ("1 actividad", "2 actividades", "0 actividades").
Spanish and English both treat only 1 as singular. `plural()` is the same rule for code.
"""

from __future__ import annotations

import html
import string
from collections.abc import Callable, Mapping

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


def plural(count: object, one: str, other: str) -> str:
    """`one` when `count` is 1, else `other`; `#` in the chosen form becomes the count."""
    form = one if str(count).strip() == "1" else other
    return form.replace("#", str(count))


class _CatalogFormatter(string.Formatter):
    """str.format with escaping per value and `{n:one|other}` plural forms."""

    def __init__(self, escape_value: Callable[[object], str]) -> None:
        self.escape_value = escape_value

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, other = format_spec.split("|", 1)
            return plural(self.escape_value(value), one, other)
        if format_spec:
            value = format(value, format_spec)
        return self.escape_value(value)


_ESCAPING = _CatalogFormatter(escape)
_VERBATIM = _CatalogFormatter(str)


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
    if "|" not in template:  # no plural form: plain format_map is twice as fast
        return Markup(template.format_map({name: escape(value) for name, value in values.items()}))
    return Markup(_ESCAPING.vformat(template, (), values))


def label(lang: str, key: str, **values: object) -> str:
    """A button label or other plain-text string: Telegram shows it verbatim, so no escaping."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    if "|" not in template:
        return template.format_map({name: str(value) for name, value in values.items()})
    return _VERBATIM.vformat(template, (), values)


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
