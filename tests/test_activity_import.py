"""Importing 3W sheets, below Telegram: reading (xlsx, csv, refusals), headers and HXL, cell
values, matching, and the import in one transaction with re-imports by row key."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from bench.generate_3w import (
    GeneratedRow,
    SchoolRef,
    example_row,
    generate_rows,
    schools_from_registry_csv,
    write_csv,
    write_xlsx,
)
from bench.shared_data import REALWORLD
from bot.domain.activity_import import (
    PlanContext,
    SheetProblem,
    UnreadableSheet,
    file_hash,
    preview,
    run_import,
)
from bot.domain.activity_import.headers import Column, column_of_header, column_of_tag
from bot.domain.activity_import.matching import (
    OrganizationMatcher,
    kind_of,
    organization_key,
)
from bot.domain.activity_import.planning import Reason
from bot.domain.activity_import.reading import MAX_ROWS, read_table
from bot.domain.activity_import.values import (
    DateProblem,
    DaySpan,
    category_for,
    parse_count,
    parse_days,
    parse_school_code,
)
from bot.domain.registry_import import import_registry, load_sample_schools
from bot.views.activity_views import is_whole_days, whole_days_when
from storage import Storage
from storage.activities import ActivityStatus, Category
from storage.activity_imports import ImportNotFound, ImportNotPending, ImportResult
from storage.models import Organization, OrgKind
from storage.roles import RoleName

LIMA = ZoneInfo("America/Lima")
NOW = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
REGISTRY = Path(__file__).resolve().parents[1] / "bot" / "data" / "sample_schools.csv"
MARIATEGUI = "9000001"  # I.E. N° 2045 José Carlos Mariátegui, San Martín de Porres (150135)
SANTA_ROSA_PUNO = "9000005"


@pytest.fixture
async def registry(storage: Storage) -> Storage:
    await load_sample_schools(storage)
    return storage


def context(storage: Storage, permissions: object = None) -> PlanContext:
    return PlanContext(storage, permissions, LIMA, NOW)  # type: ignore[arg-type]


def schools() -> list[SchoolRef]:
    return schools_from_registry_csv(REGISTRY)


row = example_row


# --- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "first", "last"),
    [
        (date(2026, 3, 15), date(2026, 3, 15), date(2026, 3, 15)),
        (datetime(2026, 3, 15, 0, 0), date(2026, 3, 15), date(2026, 3, 15)),
        (46096, date(2026, 3, 15), date(2026, 3, 15)),  # Excel serial
        ("46096", date(2026, 3, 15), date(2026, 3, 15)),
        ("15/03/2026", date(2026, 3, 15), date(2026, 3, 15)),
        ("5/3/26", date(2026, 3, 5), date(2026, 3, 5)),
        ("2026-03-15", date(2026, 3, 15), date(2026, 3, 15)),
        ("15 de marzo de 2026", date(2026, 3, 15), date(2026, 3, 15)),
        ("15 de Setiembre del 2026", date(2026, 9, 15), date(2026, 9, 15)),
        ("15-mar-26", date(2026, 3, 15), date(2026, 3, 15)),
        ("March 15, 2026", date(2026, 3, 15), date(2026, 3, 15)),
        ("del 3 al 5 de marzo de 2026", date(2026, 3, 3), date(2026, 3, 5)),
        ("03/03/2026 - 05/03/2026", date(2026, 3, 3), date(2026, 3, 5)),
        ("28 de febrero al 2 de marzo de 2026", date(2026, 2, 28), date(2026, 3, 2)),
        ("21 de diciembre al 6 de enero de 2027", date(2026, 12, 21), date(2027, 1, 6)),
        ("13-15/7/2026", date(2026, 7, 13), date(2026, 7, 15)),  # read by the dates package
    ],
)
def test_days_in_every_shape(cell: object, first: date, last: date) -> None:
    assert parse_days(cell) == DaySpan(first, last)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (None, DateProblem.MISSING),
        ("  ", DateProblem.MISSING),
        ("15 de marzo", DateProblem.NO_YEAR),  # no year: never guessed
        ("marzo 2026", DateProblem.ONLY_MONTH),
        ("31/02/2026", DateProblem.UNREADABLE),
        ("03/15/2026", DateProblem.UNREADABLE),  # month first is not Peruvian
        ("pronto", DateProblem.UNREADABLE),
        ("el lunes", DateProblem.UNREADABLE),  # the chat would ask which; a sheet cannot
        ("13-15/7", DateProblem.UNREADABLE),  # no year: not guessed
        ("13-15/07", DateProblem.UNREADABLE),  # "07" is the month, not a year
        (3, DateProblem.OUT_OF_RANGE),  # a serial of 1900
        ("15/03/1826", DateProblem.OUT_OF_RANGE),
    ],
)
def test_days_that_are_refused(cell: object, problem: DateProblem) -> None:
    assert parse_days(cell) == problem  # type: ignore[arg-type]


def test_codes_counts_and_categories() -> None:
    assert parse_school_code(325753) == ("0325753", None)
    assert parse_school_code(325753.0) == ("0325753", None)
    assert parse_school_code("0325753-1") == ("0325753", "1")
    assert parse_school_code("0325753", 1.0) == ("0325753", "1")
    assert parse_school_code("IE 2045") is None
    assert [parse_count(v) for v in (120, 120.0, "1,200", "1.200", "1 200", "-3", "muchos")] == [
        120, 120, 1200, 1200, 1200, None, None,
    ]  # fmt: skip
    assert category_for("Formación docente") is Category.DOCENTES
    assert category_for("Nutrición") is Category.SALUD
    assert category_for("", "Entrega de kits escolares") is Category.DONACION
    assert category_for("Protección") is Category.OTRO


def test_headers_by_alias_and_hxl() -> None:
    assert column_of_header("Código Modular") is Column.SCHOOL_CODE
    assert column_of_header("COD_MOD") is Column.SCHOOL_CODE
    assert column_of_header("Fecha de inicio (dd/mm/aaaa)") is Column.START
    assert column_of_header("N° de beneficiarios") is Column.REACHED
    assert column_of_header("Organizacoin") is Column.ORGANIZATION  # one typo
    assert column_of_header("Implementing partner") is Column.ORGANIZATION
    assert column_of_header("Observaciones") is None
    assert column_of_tag("#org+impl") is Column.ORGANIZATION
    assert column_of_tag("#org+funding") is None  # the donor is not who ran it
    assert column_of_tag("#loc +code") is Column.SCHOOL_CODE
    assert column_of_tag("#adm3+code") is Column.UBIGEO
    assert column_of_tag("#date+end") is Column.END
    assert column_of_tag("#reached+ind") is Column.REACHED


def test_organization_names_and_acronyms() -> None:
    existing = [
        Organization(1, "Asociación Civil Manos Unidas", OrgKind.NGO, True),
        Organization(2, "CARE Perú", OrgKind.NGO, True),
        Organization(
            3,
            "Agencia Adventista de Desarrollo y Recursos Asistenciales (ADRA)",
            OrgKind.NGO,
            False,
        ),
        Organization(4, "Fundación Ayni S.A.C.", OrgKind.NGO, False),
    ]
    matcher = OrganizationMatcher(existing)
    assert organization_key("Asoc. Civil Manos Unidas") == "asociacion civil manos unidas"
    assert matcher.match("ASOC. CIVIL MANOS UNIDAS").organization == existing[0]
    assert matcher.match("CARE").organization == existing[1]
    assert matcher.match("ADRA").organization == existing[2]
    assert matcher.match("fundacion ayni").organization == existing[3]
    assert kind_of("Municipalidad Distrital de Ate") is OrgKind.INSTITUTION
    assert kind_of("UGEL 02") is OrgKind.INSTITUTION
    assert kind_of("Programa Qali Warma") is OrgKind.INSTITUTION
    assert kind_of("Fundación Ayni") is OrgKind.NGO
    assert kind_of("Universo Joven") is OrgKind.NGO  # "universidad" must be the whole word
    new = matcher.match("Red Educativa Rural")
    assert new.organization is None and new.name == "Red Educativa Rural"
    assert matcher.match("RED EDUCATIVA RURAL").name == "Red Educativa Rural"  # one new org


# --- reading --------------------------------------------------------------------------------


def test_xlsx_with_title_merged_groups_hxl_and_blank_rows() -> None:
    rows = generate_rows(schools(), 80)
    table = read_table("3w.xlsx", write_xlsx(rows, hxl=True))
    assert table.columns.hxl and table.columns.first_data_row == 4
    assert table.merged_cells_filled > 0
    assert len(table.data_rows()) == 80  # the blank rows are not rows


def test_english_headers_without_hxl() -> None:
    table = read_table("3w.xlsx", write_xlsx(generate_rows(schools(), 5), hxl=False, english=True))
    assert not table.columns.hxl
    assert set(table.columns.columns) >= {Column.ORGANIZATION, Column.SCHOOL_CODE, Column.START}


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "cp1252"), (",", "utf-8")])
def test_csv_in_the_encodings_and_separators_excel_saves(delimiter: str, encoding: str) -> None:
    data = write_csv([row(organization="Asociación Ñaña")], delimiter=delimiter, encoding=encoding)
    table = read_table("3w.csv", data)
    ((_, cells),) = table.data_rows()
    assert cells[0] == "Asociación Ñaña"


def test_files_that_cannot_be_read() -> None:
    good = write_xlsx([row()])
    protected = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt("clave", protected)
    cases = {
        SheetProblem.PROTECTED: ("3w.xlsx", protected.getvalue()),
        SheetProblem.CORRUPT: ("3w.xlsx", good[: len(good) // 2]),
        SheetProblem.EMPTY: ("3w.csv", b"   \n"),
        SheetProblem.NO_HEADER: ("3w.csv", b"hola;mundo\n1;2\n"),
        SheetProblem.UNSUPPORTED: ("3w.pdf", b"%PDF-1.4 ..."),
        SheetProblem.TOO_BIG: ("3w.csv", b"x" * (10 * 1024 * 1024 + 1)),
    }
    for problem, (name, data) in cases.items():
        with pytest.raises(UnreadableSheet) as raised:
            read_table(name, data)
        assert raised.value.problem is problem, name


def test_an_empty_workbook_and_too_many_rows() -> None:
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UnreadableSheet) as raised:
        read_table("vacio.xlsx", buffer.getvalue())
    assert raised.value.problem is SheetProblem.EMPTY
    for write_only in (False, True):  # dimensions declared, or missing (checked once loaded)
        narrow = openpyxl.Workbook(write_only=write_only)
        sheet = narrow.create_sheet() if write_only else narrow.active
        assert sheet is not None
        sheet.append(["Organización", "Código modular", "Actividad", "Fecha"])
        for _ in range(MAX_ROWS + 100):
            sheet.append(["Ayni", 325753, "Taller", "15/06/2026"])
        buffer = io.BytesIO()
        narrow.save(buffer)
        with pytest.raises(UnreadableSheet) as raised:
            read_table("grande.xlsx", buffer.getvalue())
        assert raised.value.problem is SheetProblem.TOO_MANY_ROWS
    many = write_csv([row()] * (MAX_ROWS + 100), delimiter=",")
    with pytest.raises(UnreadableSheet) as raised:
        read_table("grande.csv", many)
    assert raised.value.problem is SheetProblem.TOO_MANY_ROWS


# --- planning and importing -----------------------------------------------------------------


async def test_a_generated_sheet_is_matched_as_its_rows_say(registry: Storage) -> None:
    rows = generate_rows(schools(), 300, problem_share=0.08)
    plan = await preview("3w.xlsx", write_xlsx(rows), context(registry))
    assert plan.total_rows == 300 and len(plan.rows) + len(plan.problems) == 300
    by_number = {imported.row_number: imported for imported in plan.rows}
    ids = {s.cod_mod: s.id for s in await registry.schools.with_cod_mods(
        {r.expected_cod_mod for r in rows if r.expected_cod_mod})}  # fmt: skip
    first_data_row = 5  # title, groups, headers, HXL; blank rows shift the rest
    numbered = _sheet_numbers(rows, first_data_row, blank_every=37)
    for number, generated in numbered:
        imported = by_number.get(number)
        if generated.planted is not None:
            assert imported is None, (number, generated)  # planted problems are never imported
        elif imported is not None:  # a name-only row may be reported instead: never misread
            assert imported.school_id == ids[generated.expected_cod_mod or ""], number
    assert plan.problem_counts()[Reason.NO_DATE] == sum(r.planted == "no_date" for r in rows)
    with_code = [r for r in rows if r.code and r.planted is None]
    assert len(plan.rows) >= len(with_code)  # every row with a real code is imported


def _sheet_numbers(
    rows: list[GeneratedRow], first: int, blank_every: int
) -> list[tuple[int, GeneratedRow]]:
    numbered, number = [], first
    for index, generated in enumerate(rows):
        if index and index % blank_every == 0:
            number += 1
        numbered.append((number, generated))
        number += 1
    return numbered


async def test_import_reimport_and_a_corrected_copy(registry: Storage) -> None:
    sheet = [
        row(),
        row(activity="Campaña de vacunación", sector="Salud", start="10/02/2026", reached=300),
        row(
            code="",
            school_name="Santa Rosa",
            district="Puno",
            ubigeo="210101",
            organization="Asoc. Nueva Esperanza",
            start="2026-07-01",
        ),
        row(start=None),  # no date
    ]
    ctx = context(registry)
    first = await _import(registry, "3w.xlsx", write_xlsx(sheet), ctx)
    # Santa Rosa, Puno has a primaria and a secundaria: unclear, reported; the 4th has no date.
    assert first.counts() == {"inserted": 2, "updated": 0, "unchanged": 0, "skipped": 2}
    past_id = await registry.db.scalar("SELECT id FROM activities WHERE title LIKE 'Campa%'")
    past = await registry.activities.get(past_id)
    assert past is not None and past.status is ActivityStatus.DONE and past.participants == 300
    assert past.author_id is None  # no reminders nor check-ins for imported rows

    again = await _import(registry, "3w.xlsx", write_xlsx(sheet), ctx)
    assert again.counts() == {"inserted": 0, "updated": 0, "unchanged": 2, "skipped": 2}

    corrected = [replace(sheet[0], end="17/06/2026", reached=55), *sheet[1:]]
    fixed = await _import(registry, "3w-v2.xlsx", write_xlsx(corrected), ctx)
    assert fixed.counts() == {"inserted": 0, "updated": 1, "unchanged": 1, "skipped": 2}
    activity = await registry.activities.get(fixed.changed_upcoming[0])
    assert activity is not None and activity.ends_at == datetime(2026, 6, 18, tzinfo=LIMA)
    source = await registry.activity_imports.source_of(activity.id)
    assert source is not None and (source.file_name, source.row_number) == ("3w-v2.xlsx", 5)


async def _import(storage: Storage, name: str, data: bytes, ctx: PlanContext) -> ImportResult:
    plan = await preview(name, data, ctx)
    pending = await storage.activity_imports.create_pending(None, name, file_hash(data), None)
    return await run_import(pending.id, plan, ctx, importer_id=None)


async def test_an_import_runs_once_and_only_for_its_importer(registry: Storage) -> None:
    data = write_xlsx([row()])
    ctx = context(registry)
    plan = await preview("3w.xlsx", data, ctx)
    pending = await registry.activity_imports.create_pending(7, "3w.xlsx", file_hash(data), "f1")
    with pytest.raises(ImportNotFound):
        await run_import(pending.id, plan, ctx, importer_id=8)
    await run_import(pending.id, plan, ctx, importer_id=7)
    with pytest.raises(ImportNotPending):
        await run_import(pending.id, plan, ctx, importer_id=7)
    assert await registry.db.scalar("SELECT count(*) FROM activities") == 1


async def test_a_coordinator_imports_only_within_her_scope(registry: Storage) -> None:
    await registry.roles.grant(50, RoleName.COORDINATOR, scope_ubigeo="1501")
    permissions = await registry.roles.permissions(50, [])
    sheet = [
        row(),
        row(code=SANTA_ROSA_PUNO, school_name="I.E. Santa Rosa", district="Puno", ubigeo=""),
    ]
    plan = await preview("3w.xlsx", write_xlsx(sheet), context(registry, permissions))
    assert len(plan.rows) == 1
    assert [p.reason for p in plan.problems] == [Reason.OUT_OF_SCOPE]


async def test_formulas_are_reported_not_imported(registry: Storage) -> None:
    data = write_xlsx([row(), row(activity="Taller de música")])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    sheet["H6"] = "=H5+1"  # the second row's start is computed
    buffer = io.BytesIO()
    book.save(buffer)
    plan = await preview("3w.xlsx", buffer.getvalue(), context(registry))
    assert len(plan.rows) == 1 and plan.problems[0].reason is Reason.FORMULA


async def test_a_code_of_a_school_elsewhere_is_reported(registry: Storage) -> None:
    sheet = [
        row(district="Puno", ubigeo=""),  # 9000001 is in San Martín de Porres
        row(district="", ubigeo="210101", activity="Feria"),
        row(district="Lima", ubigeo="", activity="Festival"),  # its province: accepted
    ]
    plan = await preview("3w.xlsx", write_xlsx(sheet), context(registry))
    assert [p.reason for p in plan.problems] == [Reason.CODE_ELSEWHERE] * 2
    assert plan.problems[0].guess is not None and plan.problems[0].guess.cod_mod == MARIATEGUI
    assert len(plan.rows) == 1


async def test_an_unknown_code_is_reported_with_the_name_match_as_guess(
    registry: Storage,
) -> None:
    sheet = [
        row(
            code="9000009",
            school_name="Mariscal Andrés Avelino Cáceres",
            district="Ate",
            ubigeo="150103",
        ),
        row(
            code="9000099",
            school_name="Gran Unidad Escolar San Carlos",
            district="Puno",
            ubigeo="210101",
        ),
    ]
    plan = await preview("3w.xlsx", write_xlsx(sheet), context(registry))
    assert len(plan.rows) == 1
    (problem,) = plan.problems
    assert problem.reason is Reason.CODE_UNKNOWN
    assert problem.guess is not None and problem.guess.cod_mod == "9000006"


async def test_real_lima_schools_by_code_without_zeros_and_by_name(
    storage: Storage, tmp_path: Path
) -> None:
    """Schools nobody on the project named: real Lima services (DRELM's padrón export)."""
    lines = (REALWORLD / "drelm_pages.psv").read_text(encoding="utf-8").splitlines()
    registry_csv = tmp_path / "drelm.csv"
    registry_csv.write_text("\n".join(line.replace("|", ";") for line in lines), "utf-8")
    await import_registry(storage, registry_csv, write_report=False)
    header = lines[0].split("|")
    real = [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:]]
    zeros = next(r for r in real if r["COD_MOD"].startswith("0") and r["ANEXO"] == "0")
    unique_name = next(
        r
        for r in real
        if sum(o["CEN_EDU"] == r["CEN_EDU"] for o in real) == 1
        and len(r["CEN_EDU"]) > 12
        and r["COD_MOD"] != zeros["COD_MOD"]
    )
    sheet = [
        row(code=zeros["COD_MOD"].lstrip("0"), school_name="", district="", ubigeo=""),
        row(
            code="",
            school_name=unique_name["CEN_EDU"].title(),
            district=unique_name["D_DIST"].title(),
            ubigeo="",
        ),
    ]
    plan = await preview("3w.csv", write_csv(sheet), context(storage))
    found = await storage.schools.by_ids([r.school_id for r in plan.rows])
    assert sorted(s.cod_mod for s in found.values()) == sorted(
        [zeros["COD_MOD"], unique_name["COD_MOD"]]
    ), plan.problems


async def test_hostile_cells_are_reported_or_cut_never_crash(registry: Storage) -> None:
    long_text = "Taller de lectura con padres y madres de familia " * 20
    sheet = [
        row(organization="<b>Asociación</b> & Cía", activity=long_text),
        row(organization="---", activity="Festival"),
        row(organization="x" * 150, activity="Feria"),
        row(activity="\u200b\u200b"),  # only invisible characters
    ]
    data = write_csv(sheet, delimiter=",")
    plan = await preview("3w.csv", data, context(registry))
    assert [p.reason for p in plan.problems] == [
        Reason.NO_ORGANIZATION, Reason.ORGANIZATION_TOO_LONG, Reason.NO_TITLE,
    ]  # fmt: skip
    (imported,) = plan.rows
    assert imported.title.endswith("…") and len(imported.title) <= 120
    assert imported.description is not None and imported.description.startswith(long_text[:60])
    pending = await registry.activity_imports.create_pending(None, "3w.csv", file_hash(data), None)
    result = await run_import(pending.id, plan, context(registry), importer_id=None)
    assert result.inserted == 1
    org = await registry.organizations.find_by_name("<b>Asociación</b> & Cía")
    assert org is not None and not org.verified  # stored as typed; every view escapes it


async def test_the_importer_sees_and_erases_their_imports(registry: Storage) -> None:
    data = write_xlsx([row(start="10/12/2026")])
    ctx = context(registry)
    plan = await preview("3w.xlsx", data, ctx)
    await registry.members.record_consent(7, "es")
    done = await registry.activity_imports.create_pending(7, "3w.xlsx", file_hash(data), "f1")
    await run_import(done.id, plan, ctx, importer_id=7)
    waiting = await registry.activity_imports.create_pending(7, "otra.xlsx", file_hash(data), "f2")
    exported = await registry.personal_data.export(7)
    assert exported is not None
    assert [i["file_name"] for i in exported["spreadsheets_imported"]] == ["3w.xlsx", "otra.xlsx"]
    assert exported["spreadsheets_imported"][0]["counts"]["inserted"] == 1

    assert await registry.personal_data.forget(7)
    activity_id = await registry.db.scalar("SELECT id FROM activities")
    source = await registry.activity_imports.source_of(activity_id)
    assert source is not None and source.importer_id is None and not source.by_operator
    gone = await registry.activity_imports.get(waiting.id)
    assert gone is not None and gone.status.value == "cancelled" and gone.file_id is None


def test_whole_days_are_shown_as_days_never_as_midnights() -> None:
    first = datetime(2026, 12, 10, tzinfo=LIMA)
    one = whole_days_when(first, datetime(2026, 12, 11, tzinfo=LIMA), "es", LIMA)
    assert one == ("jueves 10 de diciembre de 2026", "todo el día")
    two = whole_days_when(first, datetime(2026, 12, 12, tzinfo=LIMA), "en", LIMA)
    assert two == ("Thursday 10 to Friday 11 December 2026", "whole days")
    assert not is_whole_days(first, datetime(2026, 12, 10, 9, tzinfo=LIMA))
