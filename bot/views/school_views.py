"""How schools look in the chat: cards, "who works here", result buttons. Pure rendering."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.school_life import FollowState, SchoolLife
from bot.views import callbacks as cb
from bot.views.activity_views import organization_lines, upcoming_lines
from bot.views.places import display_place
from bot.views.relay_views import write_button
from bot.views.texts import Markup, label, t
from storage.schools import School

MAX_CONTACTS_SHOWN = 25  # a big school's list stays far under Telegram's 4096 characters
MAX_LABEL = 90  # longer registry names are cut on buttons; the card shows them whole


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


def school_card(school: School, life: SchoolLife, lang: str, tz: ZoneInfo) -> Markup:
    lines = [t(lang, "card_title", name=school.name)]
    optional = (
        ("card_level", "level", level_line(school)),
        ("card_code", "code", school.code),
        ("card_address", "address", school.address),
        ("card_place", "place", place_of(school)),
        ("card_ugel", "ugel", ugel_name(school.ugel)),
    )
    lines += [t(lang, key, **{name: value}) for key, name, value in optional if value]
    counts = [t(lang, "card_people", teachers=life.people.teachers)]
    counts.append(t(lang, "card_organizations", count=life.organization_count))
    return _joined([lines, counts, upcoming_lines(life.upcoming, lang, tz)])


def card_keyboard(
    school: School, lang: str, follows: FollowState, private: bool = True
) -> InlineKeyboardMarkup:
    """Announcing is offered in private chats only: in a group, anyone's next message would
    become the activity's title."""
    school_toggle = cb.FollowToggle("s", str(school.id), not follows.school)
    rows = [[_button(label(lang, "btn_who"), cb.SchoolAction(cb.WHO, school.id))]]
    if private:
        announce = cb.SchoolAction(cb.ANNOUNCE, school.id)
        rows.append([_button(label(lang, "btn_announce_here"), announce)])
    rows.append(
        [_button(label(lang, "btn_unfollow" if follows.school else "btn_follow"), school_toggle)]
    )
    if school.ubigeo and not follows.district:
        district = label(lang, "btn_follow_district", district=display_place(school.district))
        rows.append([_button(district, cb.FollowToggle("d", school.ubigeo, True))])
    rows.append([_button(label(lang, "btn_qr"), cb.SchoolAction(cb.QR, school.id))])
    return InlineKeyboardMarkup(rows)


def who_keyboard(life: SchoolLife, lang: str, school_id: int) -> InlineKeyboardMarkup | None:
    """ "Seguir" and "Escribir a" next to each organization working at the school."""
    rows = [
        [
            _button(
                label(lang, "btn_follow_org", org=p.name)[:60],
                cb.FollowToggle("o", str(p.organization_id), True),
            ),
            write_button(p.name, cb.RelayToOrganization(p.organization_id, school_id), lang),
        ]
        for p in life.organizations[:8]
        if p.organization_id is not None and p.name
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def who_text(school: School, life: SchoolLife, link: str, lang: str, tz: ZoneInfo) -> Markup:
    people = life.people
    teachers = [
        t(lang, "who_title", name=school.name),
        t(lang, "who_teachers", count=people.teachers),
    ]
    shown = people.contacts[:MAX_CONTACTS_SHOWN]
    teachers += [t(lang, "who_contact", name=c.name, username=c.username) for c in shown]
    if len(people.contacts) > len(shown):
        teachers.append(t(lang, "who_more_contacts", count=len(people.contacts) - len(shown)))
    if life.organizations:
        organizations = organization_lines(life.organizations, lang, tz)
    else:
        organizations = [t(lang, "who_no_organizations")]
    upcoming = upcoming_lines(life.upcoming, lang, tz)
    return _joined([teachers, organizations, upcoming, [t(lang, "who_invite", link=link)]])


def _joined(blocks: Sequence[Sequence[Markup]]) -> Markup:
    """Blocks of lines, separated by an empty line; empty blocks leave no gap."""
    return Markup("\n\n".join("\n".join(block) for block in blocks if block))


def school_button_label(school: School, lang: str) -> str:
    """ "Name (level) — District": the level tells apart the services of one school."""
    level = f" ({school.level})" if school.level else ""
    district = display_place(school.district)
    room = MAX_LABEL - len(level) - len(district) - 3
    name = school.name if len(school.name) <= room else school.name[: max(room - 1, 10)] + "…"
    return label(lang, "school_button", name=name + level, district=district).rstrip(" —")


def results_keyboard(
    schools: Sequence[School],
    action: str,
    lang: str,
    more: cb.SearchMore | None,
    back: cb.SearchMore | None = None,
) -> InlineKeyboardMarkup:
    """One school per row; then "◂ Anterior" and "Más ▸" side by side when there are pages."""
    rows = [[_button(school_button_label(s, lang), cb.SchoolAction(action, s.id))] for s in schools]
    pages = [
        _button(label(lang, key), page)
        for key, page in (("btn_previous", back), ("btn_more", more))
        if page is not None
    ]
    if pages:
        rows.append(pages)
    return InlineKeyboardMarkup(rows + _skip_row(action, lang))


def _skip_row(action: str, lang: str) -> list[list[InlineKeyboardButton]]:
    """Choosing one's own school can always be left for later."""
    return [[_button(label(lang, "btn_skip_school"), cb.SkipSchool())]] if action == cb.MINE else []


def skip_keyboard(lang: str, offered: School | None = None) -> InlineKeyboardMarkup:
    """ "Lo digo después", under the school whose link brought a new teacher, if any."""
    rows = _skip_row(cb.MINE, lang)
    if offered is not None:
        pick = cb.SchoolAction(cb.MINE, offered.id)
        rows = [[_button(school_button_label(offered, lang), pick)], *rows]
    return InlineKeyboardMarkup(rows)


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
