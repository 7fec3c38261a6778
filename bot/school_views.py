"""How schools look in the chat: cards, "who works here", result buttons. Pure rendering."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.texts import Markup, label, t
from storage.models import SchoolPeople
from storage.schools import School

MAX_LABEL = 90  # longer registry names are cut on buttons; the card shows them whole


_LOWER_PARTICLES = {"de", "del", "la", "las", "los", "y", "el"}


def display_place(name: str | None) -> str:
    """The registry writes places in capitals ("SAN MARTÍN DE PORRES"): show them as names."""
    if not name or not name.isupper():
        return name or ""
    words = name.lower().split()
    return " ".join(
        word if index and word in _LOWER_PARTICLES else word.capitalize()
        for index, word in enumerate(words)
    )


def place_of(school: School) -> str:
    parts = (school.district, school.province, school.region)
    return ", ".join(display_place(part) for part in parts if part)


def ugel_name(ugel: str | None) -> str | None:
    """The registry's D_DREUGEL mostly reads "UGEL 02 Rímac"; a bare name gets the prefix."""
    if not ugel or ugel.upper().startswith(("UGEL", "DRE", "GRE")):
        return ugel
    return f"UGEL {ugel}"


def level_line(school: School) -> str:
    return " · ".join(part for part in (school.level, school.management) if part)


def school_card(school: School, people: SchoolPeople, lang: str) -> Markup:
    lines = [t(lang, "card_title", name=school.name)]
    optional = (
        ("card_level", "level", level_line(school)),
        ("card_code", "code", school.code),
        ("card_address", "address", school.address),
        ("card_place", "place", place_of(school)),
        ("card_ugel", "ugel", ugel_name(school.ugel)),
    )
    lines += [t(lang, key, **{name: value}) for key, name, value in optional if value]
    people_line = t(lang, "card_people", teachers=people.teachers)
    return Markup("\n".join([*lines, "", people_line]))


def card_keyboard(school: School, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(label(lang, "btn_who"), cb.SchoolAction(cb.WHO, school.id))],
            [_button(label(lang, "btn_qr"), cb.SchoolAction(cb.QR, school.id))],
        ]
    )


def who_text(school: School, people: SchoolPeople, link: str, lang: str) -> Markup:
    lines = [
        t(lang, "who_title", name=school.name),
        "",
        t(lang, "who_teachers", count=people.teachers),
    ]
    lines += [t(lang, "who_contact", name=c.name, username=c.username) for c in people.contacts]
    lines += ["", t(lang, "who_no_organizations"), "", t(lang, "who_invite", link=link)]
    return Markup("\n".join(lines))


def school_button_label(school: School, lang: str) -> str:
    """"Name (level) — District": the level tells apart the services of one school."""
    level = f" ({school.level})" if school.level else ""
    district = display_place(school.district)
    room = MAX_LABEL - len(level) - len(district) - 3
    name = school.name if len(school.name) <= room else school.name[: max(room - 1, 10)] + "…"
    return label(lang, "school_button", name=name + level, district=district).rstrip(" —")


def results_keyboard(
    schools: Sequence[School], action: str, lang: str, more: cb.SearchMore | None
) -> InlineKeyboardMarkup:
    rows = [[_button(school_button_label(s, lang), cb.SchoolAction(action, s.id))] for s in schools]
    if more is not None:
        rows.append([_button(label(lang, "btn_more"), more)])
    return InlineKeyboardMarkup(rows + _skip_row(action, lang))


def _skip_row(action: str, lang: str) -> list[list[InlineKeyboardButton]]:
    """Choosing one's own school can always be left for later."""
    return [[_button(label(lang, "btn_skip_school"), cb.SkipSchool())]] if action == cb.MINE else []


def skip_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(_skip_row(cb.MINE, lang))


def distance_label(km: float, lang: str) -> str:
    if km < 1:
        return label(lang, "distance_m", meters=int(round(km * 1000, -1)))
    return label(lang, "distance_km", km=f"{km:.1f}" if km < 10 else f"{km:.0f}")


def nearest_keyboard(
    nearest: Sequence[tuple[School, float]], action: str, lang: str
) -> InlineKeyboardMarkup:
    rows = []
    for school, km in nearest:
        text = label(lang, "nearest_button", name=school.name, distance=distance_label(km, lang))
        rows.append([_button(text[:MAX_LABEL], cb.SchoolAction(action, school.id))])
    return InlineKeyboardMarkup(rows + _skip_row(action, lang))


def _button(text: str, payload: cb.Payload) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=payload.pack())
