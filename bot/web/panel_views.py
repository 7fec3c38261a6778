"""Rendering the overview's pages: Jinja2 templates (autoescaped) with the catalogs' texts.

Texts come from `bot.views.texts.t` (values escaped there, as in the chat) and are marked safe
for Jinja; everything else a template prints is escaped by Jinja. Data shaping that a template
should not do (the matrix as rows and columns, upcoming versus past) lives here.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape

from bot.domain.dates import Language, format_day, format_days
from bot.domain.exports import describe_scope
from bot.views.export_files import scope_label
from bot.views.school_views import display_place
from bot.views.texts import label, t
from storage import Storage
from storage.activities import Category
from storage.exports import ExportScope
from storage.overview import ActivityBrief, MatrixCell, Overlap, OverlapKind, SchoolMarker

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the tests, not silently
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["place"] = lambda name: display_place(name) if name else ""
    return env


def texts_for(lang: str) -> dict[str, Any]:
    """The helpers every template gets: its texts in the person's language."""

    def text(key: str, **values: object) -> Markup:
        return Markup(t(lang, key, **values))  # t escaped the values

    def plain(key: str, **values: object) -> str:
        return label(lang, key, **values)  # escaped by Jinja where printed

    return {"t": text, "label": plain, "lang": lang}


def school_rows(markers: Sequence[SchoolMarker], query: str) -> Markup:
    """The overview's list of schools (which the map reads too), as table rows. Written here
    rather than in the template: a UGEL's 2,000 rows take Jinja ~35 ms, this ~4 ms. Every
    value from the registry or a person is escaped."""
    place = functools.lru_cache(maxsize=None)(display_place)  # a scope has few districts
    link = escape(query)
    return Markup("".join(_school_row(m, place(m.district), link) for m in markers))


def _escaped(text: str) -> str:
    """markupsafe.escape's output for a str, without building a Markup per value: a UGEL's list
    escapes 13,000 values, a third of its time through escape()."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("'", "&#39;").replace('"', "&#34;")
    )  # fmt: skip


def _school_row(m: SchoolMarker, district: str, link: str) -> str:
    kind = marker_class(m)
    where = ""
    if m.latitude is not None and m.longitude is not None:
        where = f' data-lat="{m.latitude:.5f}" data-lon="{m.longitude:.5f}"'
    return (
        f'<tr class="{kind}"{where}><td><span class="dot {kind}"></span> '
        f'<a href="/panel/school/{m.id}?{link}">{_escaped(m.name)}</a> '
        f"<small>{_escaped(m.cod_mod)}</small></td><td>{_escaped(district)}</td>"
        f'<td>{_escaped(m.level or "")}</td><td class="n">{m.organizations}</td>'
        f'<td class="n">{m.activities}</td></tr>\n'
    )


def overlap_items(overlaps: Sequence[Overlap], query: str, lang: str, tz: ZoneInfo) -> Markup:
    """The overlaps page's list items, written here rather than in the template, as the school
    list: 200 overlaps took Jinja's loop and macro ~20 ms, this a few. Every name, title and
    code is escaped; the texts come from t(), which escaped their values."""
    words = _OverlapWords(
        link=escape(query), own=_escaped(label(lang, "web_own_teachers")), tz=tz,
        kinds={kind: t(lang, f"web_overlap_{kind.value}") for kind in OverlapKind},
        categories={c: _escaped(label(lang, f"category_{c.value}")) for c in Category},
    )  # fmt: skip
    return Markup("\n".join(_overlap_item(o, words) for o in overlaps))


@dataclass(frozen=True)
class _OverlapWords:
    """What every overlap item says alike, in the reader's language, escaped once."""

    link: str
    own: str
    tz: ZoneInfo
    kinds: dict[OverlapKind, str]
    categories: dict[Category, str]

    def side(self, a: ActivityBrief) -> str:
        org = self.own if a.organization_name is None else _escaped(a.organization_name)
        when = f"{local(a.starts_at, self.tz)} – {local(a.ends_at, self.tz)}"
        category = self.categories[a.category]
        return f"<b>{org}</b>: {_escaped(a.title)} <small>({category}, {when})</small>"


def _overlap_item(o: Overlap, words: _OverlapWords) -> str:
    place = _escaped(display_place(o.district) if o.district else "")
    return (
        f'<li data-kind="{o.kind.value}" data-first="{o.first.id}" data-second="{o.second.id}">'
        f'\n<a href="/panel/school/{o.school_id}?{words.link}">{_escaped(o.school_name)}</a> '
        f"<small>{_escaped(o.cod_mod)} · {place}</small> — <em>{words.kinds[o.kind]}</em>"
        f"\n<br>{words.side(o.first)}<br>{words.side(o.second)}\n</li>"
    )


def marker_class(marker: SchoolMarker) -> str:
    """none / one / many: how the map and the list mark a school."""
    if marker.organizations == 0:
        return "none"
    return "one" if marker.organizations == 1 else "many"


@dataclass
class MatrixTable:
    """Organizations as rows, keys (categories or districts) as columns, counts in cells."""

    columns: list[str]
    rows: list[tuple[int | None, str | None, dict[str, int], int]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def matrix_table(cells: Sequence[MatrixCell], columns: Sequence[str]) -> MatrixTable:
    by_org: dict[int | None, tuple[str | None, dict[str, int]]] = {}
    for cell in cells:
        _, counts = by_org.setdefault(cell.organization_id, (cell.organization_name, {}))
        counts[cell.key or ""] = cell.activities
    table = MatrixTable(columns=[c for c in columns if any(c == x.key for x in cells)])
    for org_id, (name, counts) in sorted(by_org.items(), key=lambda i: (i[1][0] or "").lower()):
        table.rows.append((org_id, name, counts, sum(counts.values())))
        for key, count in counts.items():
            table.totals[key] = table.totals.get(key, 0) + count
    return table


def matrix_rows(table: MatrixTable, param: str, query: str, own_teachers: str) -> Markup:
    """A matrix's body rows, each cell a link to its activities. Written here rather than in the
    template, as the school list: a UGEL's 100 organizations by 50 districts are 5,000 cells,
    tens of milliseconds in Jinja's loops. Every name and key is escaped."""
    link = escape(query)
    columns = [(c, escape(c)) for c in table.columns]
    rows = []
    for org_id, org_name, counts, total in table.rows:
        org = "none" if org_id is None else str(org_id)
        name = escape(own_teachers if org_id is None else org_name)
        href = f"/panel/activities?{link}&amp;org={org}&amp;{param}="
        cells = "".join(
            f'<td class="n" data-key="{key}"><a href="{href}{key}">{counts[c]}</a></td>'
            if counts.get(c)
            else f'<td class="n" data-key="{key}"></td>'
            for c, key in columns
        )
        rows.append(
            f'<tr data-org="{org}"><th>{name}</th>\n{cells}<td class="n">{total}</td></tr>\n'
        )
    return Markup("".join(rows))


def split_by_now(
    activities: Sequence[ActivityBrief], now: datetime
) -> tuple[list[ActivityBrief], list[ActivityBrief]]:
    """(upcoming or running, past latest first)."""
    upcoming = [a for a in activities if a.ends_at > now]
    past = [a for a in activities if a.ends_at <= now]
    return upcoming, past[::-1]


def period_words(days: tuple[str, str], lang: str) -> str:
    """The period in words, "del martes 27 de octubre al sábado 26 de diciembre de 2026": a
    date field shows the browser's order (mm/dd/yyyy in a headless or English Chromium, even
    on a Spanish page), so the page says the days in a way that cannot be misread."""
    first, last = (date.fromisoformat(day) for day in days)
    language: Language = "en" if lang == "en" else "es"
    if first == last:  # one day: "jueves 3 de diciembre de 2026", not "del jueves 3 al …"
        return format_day(datetime.combine(first, time(12), UTC), language, tz=ZoneInfo("UTC"))
    return format_days(first, last, language)


def local(moment: datetime, tz: ZoneInfo, with_time: bool = True) -> str:
    shown = moment.astimezone(tz)
    return shown.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


async def scope_name(storage: Storage, scope: ExportScope, lang: str) -> str:
    """What a person calls the scope, in the same words as /exportar."""
    return scope_label(await describe_scope(storage, scope), lang)
