"""3W exports read back by independent readers: openpyxl for the workbook, libhxl for the HXL
rows, the csv module. Every activity in scope once, none out of scope, counts per #org as in
the database, periods in Lima time, and hostile text kept as text."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import hxl
import openpyxl
import pytest
from openpyxl.cell.cell import Cell

from bot.domain.exports import (
    InvalidPeriod,
    InvalidScopeCode,
    PeriodChoice,
    PeriodProblem,
    chosen_period,
    days_period,
    export_content,
    file_name,
    may_export,
    parse_day,
    parse_scope_code,
    scopes_for,
)
from bot.domain.registry_import import load_sample_schools
from bot.views.export_files import ExportTooLarge, write_csv, write_xlsx
from storage import Storage
from storage.activities import ActivityStatus, Category, NewActivity
from storage.exports import ExportScope, Period, ScopeKind
from storage.models import OrgKind
from storage.roles import Permissions, Scope

LIMA = ZoneInfo("America/Lima")
MARCH = days_period(date(2027, 3, 1), date(2027, 3, 31), LIMA)
LIMA_CITY = ExportScope(ScopeKind.PLACE, "1501")


async def school_id(storage: Storage, cod_mod: str) -> int:
    found = await storage.exports.school_id_by_code(cod_mod)
    assert found is not None
    return found


async def announce(
    storage: Storage,
    cod_mod: str,
    org_id: int | None,
    title: str,
    starts: datetime,
    hours: float = 2,
) -> int:
    activity = await storage.activities.create(
        NewActivity(
            school_id=await school_id(storage, cod_mod), organization_id=org_id,
            author_id=7, title=title, description="Traer DNI", category=Category.SALUD,
            starts_at=starts, ends_at=starts + timedelta(hours=hours),
        )
    )  # fmt: skip
    return activity.id


def lima(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=LIMA).astimezone(UTC)


@pytest.fixture
async def seeded(storage: Storage) -> dict[str, int]:
    """Activities in and out of Lima city (ubigeo 1501) and of March 2027."""
    await load_sample_schools(storage)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 7)
    sumaq = await storage.organizations.create("Sumaq <b>Kawsay</b> & Co", OrgKind.INSTITUTION, 7)
    ids = {
        "smp_a": await announce(storage, "9000001", ayni.id, "Campaña de salud", lima(2, 9)),
        "smp_b": await announce(storage, "9000001", sumaq.id, '=HYPERLINK("x")', lima(10, 9)),
        "ate_a": await announce(storage, "9000002", ayni.id, "Taller de lectura", lima(15, 14)),
        "teachers": await announce(storage, "9000002", None, "Feria de ciencias", lima(20, 8)),
        # Starts in February, ends in March: it overlaps the period.
        "span": await announce(storage, "9000001", ayni.id, "Jornada", lima(27, 8, 2), 72),
        "cancelled": await announce(storage, "9000001", sumaq.id, "Vacunación", lima(25, 9)),
        "february": await announce(storage, "9000001", ayni.id, "Antes", lima(10, 9, 2)),
        "april": await announce(storage, "9000001", ayni.id, "Después", lima(1, 0, 4)),
    }
    await storage.activities.cancel(ids["cancelled"], "lluvia")
    await storage.activities.record_outcome(ids["smp_a"], ActivityStatus.DONE, 35)
    ids["ayni"], ids["sumaq"] = ayni.id, sumaq.id
    return ids


async def ids_in_database(storage: Storage, prefix: str, period: Period) -> set[int]:
    """The same question asked independently of storage.exports."""
    rows = await storage.db.fetchall(
        "SELECT a.id FROM activities a JOIN schools s ON s.id = a.school_id"
        " WHERE s.ubigeo LIKE ? AND a.starts_at < ? AND a.ends_at > ?",
        (prefix + "%", period.end.isoformat(), period.start.isoformat()),
    )
    return {row[0] for row in rows}


async def write_lima_march(storage: Storage, path: Path, lang: str = "es") -> None:
    await write_xlsx(path, await export_content(storage.exports, LIMA_CITY, MARCH), lang, LIMA)


async def test_workbook_has_every_activity_in_scope_once(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "lima.xlsx"
    await write_lima_march(storage, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Actividades",
        "Organizaciones por distrito",
        "Escuelas sin actividad",
    ]
    sheet = book["Actividades"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("ID Minka", "Organización", "Tipo de organización")
    assert rows[1][:3] == ("#meta+id", "#org+impl", "#org+type")
    ids = [row[0] for row in rows[2:]]
    assert len(ids) == len(set(ids))
    assert set(ids) == await ids_in_database(storage, "1501", MARCH)
    assert {seeded["smp_a"], seeded["span"], seeded["cancelled"]} <= set(ids)
    assert not {seeded["february"], seeded["april"]} & set(ids)
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref is not None


async def test_dates_are_excel_dates_in_lima_time(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "lima.xlsx"
    await write_lima_march(storage, path)
    sheet = openpyxl.load_workbook(path)["Actividades"]
    header = [cell.value for cell in sheet[1]]
    start, end, reached = (header.index(n) for n in ("Inicio", "Fin", "Participantes"))
    by_id = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    first = by_id[seeded["smp_a"]]
    first_start = first[start]
    assert isinstance(first_start, Cell) and first_start.is_date
    assert first_start.value == datetime(2027, 3, 2, 9, 0)
    assert first[end].value == datetime(2027, 3, 2, 11, 0)
    assert first[reached].value == 35
    assert by_id[seeded["span"]][end].value == datetime(2027, 3, 2, 8, 0)


async def test_hostile_text_stays_text(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "lima.xlsx"
    await write_lima_march(storage, path)
    sheet = openpyxl.load_workbook(path)["Actividades"]
    header = [cell.value for cell in sheet[1]]
    by_id = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    title = by_id[seeded["smp_b"]][header.index("Actividad")]
    assert title.data_type == "s" and title.value == '=HYPERLINK("x")'
    org = by_id[seeded["smp_b"]][header.index("Organización")]
    assert org.value == "Sumaq <b>Kawsay</b> & Co"  # a file is not HTML: no escaping either
    csv_path = tmp_path / "lima.csv"
    await write_csv(csv_path, storage.exports.activities(LIMA_CITY, MARCH), "es", LIMA)
    assert "'=HYPERLINK" in csv_path.read_text(encoding="utf-8-sig")


async def test_hxl_reader_counts_per_organization_match_the_database(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "lima.xlsx"
    await write_lima_march(storage, path)
    data = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    assert "#org+impl" in [str(column.get_display_tag()) for column in data.columns]
    counted = Counter(row.get("#org+impl") for row in data)
    rows = await storage.db.fetchall(
        "SELECT coalesce(o.name, 'Docentes de la escuela'), count(*) FROM activities a"
        " JOIN schools s ON s.id = a.school_id LEFT JOIN organizations o"
        " ON o.id = a.organization_id WHERE s.ubigeo LIKE '1501%' AND a.starts_at < ?"
        " AND a.ends_at > ? GROUP BY o.name",
        (MARCH.end.isoformat(), MARCH.start.isoformat()),
    )
    assert counted == {row[0]: row[1] for row in rows}


async def test_csv_in_english_has_the_same_tags_and_rows(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "lima.csv"
    await write_csv(path, storage.exports.activities(LIMA_CITY, MARCH), "en", LIMA)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["Minka ID", "Organization"]
    xlsx = tmp_path / "lima.xlsx"
    await write_lima_march(storage, xlsx)
    spanish = list(openpyxl.load_workbook(xlsx)["Actividades"].iter_rows(values_only=True))
    assert rows[1] == list(spanish[1])  # same HXL tags whatever the language
    data = list(hxl.data(str(path), hxl.InputOptions(allow_local=True)))
    ids = [int(row.get("#meta+id")) for row in data]
    assert sorted(ids) == sorted(await ids_in_database(storage, "1501", MARCH))
    starts = {int(row.get("#meta+id")): row.get("#date+start") for row in data}
    assert starts[seeded["smp_a"]] == "2027-03-02 09:00"


async def test_presence_and_quiet_schools(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "lima.xlsx"
    await write_lima_march(storage, path)
    book = openpyxl.load_workbook(path)
    presence = list(book["Organizaciones por distrito"].iter_rows(values_only=True))
    assert presence[1][3:5] == ("#adm3+code", "#org+impl")
    lines = {(row[3], row[4]): row[7] for row in presence[2:]}
    # In San Martín de Porres (150135): Ayni twice (its campaign and the 3-day span), Sumaq
    # once (its vaccination was cancelled and does not count as presence).
    assert lines[("150135", "Fundación Ayni")] == 2
    assert lines[("150135", "Sumaq <b>Kawsay</b> & Co")] == 1
    assert lines[("150103", "Docentes de la escuela")] == 1
    quiet_rows = book["Escuelas sin actividad"].iter_rows(min_row=3, values_only=True)
    quiet = {row[4] for row in quiet_rows}
    assert "9000001" not in quiet and "9000002" not in quiet
    expected = await storage.db.scalar(
        "SELECT count(*) FROM schools WHERE active = 1 AND ubigeo LIKE '1501%'"
        " AND cod_mod NOT IN ('9000001', '9000002')"
    )
    assert len(quiet) == expected


async def test_organization_and_school_scopes(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    ayni = ExportScope(ScopeKind.ORGANIZATION, str(seeded["ayni"]))
    path = tmp_path / "ayni.xlsx"
    await write_xlsx(path, await export_content(storage.exports, ayni, MARCH), "es", LIMA)
    book = openpyxl.load_workbook(path)
    ids = {row[0] for row in book["Actividades"].iter_rows(min_row=3, values_only=True)}
    assert ids == {seeded["smp_a"], seeded["ate_a"], seeded["span"]}
    assert book["Escuelas sin actividad"].max_row == 2  # headers only: no schools of its own
    school = ExportScope(ScopeKind.SCHOOL, str(await school_id(storage, "9000002")))
    batches = [batch async for batch in storage.exports.activities(school, MARCH)]
    assert {a.id for batch in batches for a in batch} == {seeded["ate_a"], seeded["teachers"]}


async def test_a_file_over_the_limit_is_refused(
    storage: Storage, seeded: dict[str, int], tmp_path: Path
) -> None:
    with pytest.raises(ExportTooLarge):
        await write_xlsx(
            tmp_path / "big.xlsx",
            await export_content(storage.exports, LIMA_CITY, MARCH),
            "es",
            LIMA,
            max_bytes=1000,
        )


def test_periods_are_lima_days() -> None:
    now = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)  # 22:00 on 14 January in Lima
    this_month = chosen_period(PeriodChoice.THIS_MONTH, now, LIMA)
    assert this_month.start == datetime(2027, 1, 1, tzinfo=LIMA)
    assert this_month.end == datetime(2027, 2, 1, tzinfo=LIMA)
    last = chosen_period(PeriodChoice.LAST_MONTH, now, LIMA)
    assert (last.start, last.end) == (datetime(2026, 12, 1, tzinfo=LIMA), this_month.start)
    year = chosen_period(PeriodChoice.THIS_YEAR, now, LIMA)
    assert year.end == datetime(2028, 1, 1, tzinfo=LIMA)
    new_year = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)  # 31 December 22:00 in Lima
    assert chosen_period(PeriodChoice.THIS_MONTH, new_year, LIMA).start.month == 12


def test_typed_days_and_scopes() -> None:
    assert parse_day("2027-03-01") == parse_day("01/03/2027") == date(2027, 3, 1)
    for wrong in ("31/02/2027", "mañana", "2027-13-01", ""):
        with pytest.raises(InvalidPeriod) as caught:
            parse_day(wrong)
        assert caught.value.problem is PeriodProblem.NOT_A_DAY
    with pytest.raises(InvalidPeriod) as caught:
        days_period(date(2027, 3, 2), date(2027, 3, 1), LIMA)
    assert caught.value.problem is PeriodProblem.END_BEFORE_START
    with pytest.raises(InvalidPeriod):
        days_period(date(2000, 1, 1), date(2062, 1, 1), LIMA)
    assert parse_scope_code(" 0325753 ").kind is ScopeKind.SCHOOL
    assert parse_scope_code("1501").kind is ScopeKind.PLACE
    for wrong in ("150", "15013", "abc", "<b>15</b>"):
        with pytest.raises(InvalidScopeCode):
            parse_scope_code(wrong)
    assert file_name(LIMA_CITY, MARCH, LIMA, "xlsx") == "minka-3w-1501-2027-03-01-2027-03-31.xlsx"


def test_who_may_export_what() -> None:
    coordinator = Permissions(1, False, (Scope(ubigeo="1501"),))
    assert scopes_for(coordinator, 4) == [
        ExportScope(ScopeKind.PLACE, "1501"),
        ExportScope(ScopeKind.ORGANIZATION, "4"),
    ]
    assert may_export(coordinator, None, ExportScope(ScopeKind.PLACE, "150135"))
    assert not may_export(coordinator, None, ExportScope(ScopeKind.PLACE, "15"))
    assert may_export(coordinator, None, ExportScope(ScopeKind.SCHOOL, "1"), "150135")
    assert not may_export(coordinator, None, ExportScope(ScopeKind.SCHOOL, "1"), "080101")
    assert not may_export(coordinator, None, ExportScope(ScopeKind.EVERYWHERE))
    ngo = Permissions(2, False, ())
    assert scopes_for(ngo, 4) == [ExportScope(ScopeKind.ORGANIZATION, "4")]
    assert may_export(ngo, 4, ExportScope(ScopeKind.ORGANIZATION, "4"))
    assert not may_export(ngo, 4, ExportScope(ScopeKind.ORGANIZATION, "5"))
    assert not may_export(ngo, 4, ExportScope(ScopeKind.PLACE, "1501"))
    admin = Permissions(3, True, ())
    assert scopes_for(admin, None) == [ExportScope(ScopeKind.EVERYWHERE)]
