"""From a read table to an import plan: each row either an `ImportRow` ready to write or a
`RowProblem` saying why not (with the best guess, when there is one). Nothing is written here;
`storage.activity_imports` writes a plan in one transaction.

Scope: a coordinator imports rows at schools of the places she coordinates, or of the
organization she coordinates; an admin anywhere. Rows outside are reported, not imported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.domain.activity_import.headers import Column, ColumnMap
from bot.domain.activity_import.matching import (
    OrganizationMatcher,
    SchoolMatch,
    SchoolMatcher,
    kind_of,
)
from bot.domain.activity_import.reading import Cell, Formula, Table
from bot.domain.activity_import.values import (
    DateProblem,
    DaySpan,
    category_for,
    parse_count,
    parse_days,
    parse_school_code,
)
from storage import Storage
from storage.activities import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH
from storage.activity_imports import ImportResult, ImportRow
from storage.normalize import clean_text, fold
from storage.organizations import MAX_NAME_LENGTH
from storage.roles import Permissions
from storage.schools import School

REQUIRED = (Column.ORGANIZATION, Column.ACTIVITY)
MAX_CELL_CHARS = 2000  # a cell longer than this is pasted text, not a name


class Reason(StrEnum):
    """Why a row is not imported; the views say each in words."""

    NO_SCHOOL = "no_school"
    SCHOOL_NOT_FOUND = "school_not_found"
    SCHOOL_UNCLEAR = "school_unclear"
    CODE_UNKNOWN = "code_unknown"
    CODE_ELSEWHERE = "code_elsewhere"  # the code is of a school in another place
    OUT_OF_SCOPE = "out_of_scope"
    NO_ORGANIZATION = "no_organization"
    ORGANIZATION_TOO_LONG = "organization_too_long"
    NO_TITLE = "no_title"
    NO_DATE = "no_date"
    BAD_DATE = "bad_date"
    NO_YEAR = "no_year"
    ONLY_MONTH = "only_month"
    END_BEFORE_START = "end_before_start"
    FORMULA = "formula"
    DUPLICATE = "duplicate"


_DATE_REASONS = {
    DateProblem.MISSING: Reason.NO_DATE,
    DateProblem.UNREADABLE: Reason.BAD_DATE,
    DateProblem.OUT_OF_RANGE: Reason.BAD_DATE,
    DateProblem.NO_YEAR: Reason.NO_YEAR,
    DateProblem.ONLY_MONTH: Reason.ONLY_MONTH,
}


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    reason: Reason
    value: str  # what the sheet says, shortened
    guess: School | None = None


class _Skip(Exception):
    def __init__(self, problem: RowProblem) -> None:
        super().__init__(problem.reason.value)
        self.problem = problem


@dataclass
class ImportPlan:
    file_name: str
    sheet: str | None
    total_rows: int
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    missing_columns: list[Column] = field(default_factory=list)
    merged_cells_filled: int = 0
    hxl: bool = False
    effect: ImportResult | None = None  # what importing would do (classified read-only)

    @property
    def schools(self) -> int:
        return len({row.school_id for row in self.rows})

    @property
    def new_organizations(self) -> list[str]:
        names = {fold(row.organization_name): row.organization_name for row in self.rows
                 if row.organization_id is None}  # fmt: skip
        return sorted(names.values())

    def problem_counts(self) -> Counter[Reason]:
        return Counter(problem.reason for problem in self.problems)


@dataclass(frozen=True)
class PlanContext:
    storage: Storage
    permissions: Permissions | None  # None: the operator at the command line, anywhere
    tz: tzinfo
    now: datetime


async def plan_import(file_name: str, table: Table, context: PlanContext) -> ImportPlan:
    """Match and check every data row of the table."""
    data_rows = table.data_rows()
    plan = ImportPlan(
        file_name,
        table.sheet,
        len(data_rows),
        merged_cells_filled=table.merged_cells_filled,
        hxl=table.columns.hxl,
    )
    plan.missing_columns = _missing_columns(table.columns)
    if plan.missing_columns:
        return plan
    await _plan_rows(plan, table, context)
    plan.effect = await context.storage.activity_imports.classify(
        plan.rows, context.tz, context.now
    )
    return plan


async def _plan_rows(plan: ImportPlan, table: Table, context: PlanContext) -> None:
    """Each data row into plan.rows or plan.problems, in the sheet's order."""
    schools = SchoolMatcher(context.storage)
    await schools.load_codes(_codes(table))
    organizations = OrganizationMatcher(await context.storage.organizations.every())
    seen: dict[tuple[object, ...], int] = {}
    for number, cells in table.data_rows():
        reader = _RowReader(number, cells, table.columns)
        try:
            row = await _plan_row(reader, schools, organizations, context)
            _check_duplicate(row, seen, context.tz)
        except _Skip as skip:
            plan.problems.append(skip.problem)
            continue
        plan.rows.append(row)


def _missing_columns(columns: ColumnMap) -> list[Column]:
    missing = [column for column in REQUIRED if not columns.has(column)]
    if not (columns.has(Column.SCHOOL_CODE) or columns.has(Column.SCHOOL_NAME)):
        missing.append(Column.SCHOOL_NAME)
    if not (columns.has(Column.START) or columns.has(Column.DATE)):
        missing.append(Column.START)
    return missing


def _codes(table: Table) -> set[str]:
    index = table.columns.columns.get(Column.SCHOOL_CODE)
    if index is None:
        return set()
    codes = set()
    for _, cells in table.data_rows():
        parsed = parse_school_code(cells[index] if index < len(cells) else None)
        if parsed is not None:
            codes.add(parsed[0])
    return codes


class _RowReader:
    """One row's cells by column, each checked for formulas and overlong text."""

    def __init__(self, number: int, cells: list[Cell], columns: ColumnMap) -> None:
        self.number = number
        self._cells = cells
        self._columns = columns

    def raw(self, column: Column) -> Cell:
        index = self._columns.columns.get(column)
        if index is None or index >= len(self._cells):
            return None
        cell = self._cells[index]
        if isinstance(cell, Formula):
            raise _Skip(RowProblem(self.number, Reason.FORMULA, cell.text[:80]))
        return cell

    def text(self, column: Column) -> str:
        cell = self.raw(column)
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        return clean_text(str(cell)[:MAX_CELL_CHARS])

    def problem(self, reason: Reason, value: object = "", guess: School | None = None) -> _Skip:
        return _Skip(RowProblem(self.number, reason, str(value)[:80], guess))


async def _plan_row(
    reader: _RowReader,
    schools: SchoolMatcher,
    organizations: OrganizationMatcher,
    context: PlanContext,
) -> ImportRow:
    school = await _school(reader, schools)
    org_name = reader.text(Column.ORGANIZATION)
    if not fold(org_name):  # empty, or only punctuation ("-", "s/n")
        raise reader.problem(Reason.NO_ORGANIZATION, org_name)
    if len(org_name) > MAX_NAME_LENGTH:
        raise reader.problem(Reason.ORGANIZATION_TOO_LONG, org_name)
    organization = organizations.match(org_name)
    org_id = organization.organization.id if organization.organization else None
    _check_scope(reader, school, org_id, context.permissions)
    title, description = _title_and_description(reader)
    span = _days(reader)
    starts_at, ends_at = _times(span, context.tz)
    sector = reader.text(Column.SECTOR)
    return ImportRow(
        row_number=reader.number, school_id=school.id, organization_id=org_id,
        organization_name=organization.name, title=title, description=description,
        category=category_for(sector, title), starts_at=starts_at, ends_at=ends_at,
        reached=parse_count(reader.raw(Column.REACHED)), organization_kind=kind_of(org_name),
    )  # fmt: skip


async def _school(reader: _RowReader, schools: SchoolMatcher) -> School:
    code_text = reader.text(Column.SCHOOL_CODE)
    name = reader.text(Column.SCHOOL_NAME)
    district = reader.text(Column.DISTRICT)
    ubigeo = reader.text(Column.UBIGEO)
    ubigeo = ubigeo.zfill(6) if ubigeo.isdigit() and len(ubigeo) in (5, 6) else ""
    code = parse_school_code(code_text, reader.raw(Column.ANEXO))
    if code is not None:
        found = schools.by_code(*code)
        if found is not None:
            _check_place(reader, found, code_text, district, ubigeo)
            return found
    if not name:
        raise reader.problem(Reason.CODE_UNKNOWN if code_text else Reason.NO_SCHOOL, code_text)
    match = await schools.by_name(name, district, ubigeo)
    return _accepted(reader, match, code_text, name, district)


def _check_place(
    reader: _RowReader, school: School, code_text: str, district: str, ubigeo: str
) -> None:
    """A mistyped code can be another real school: the place the row gives must be the
    school's (its district, or its province or region for sheets that give those)."""
    places = {fold(place) for place in (school.district, school.province, school.region) if place}
    wrong_district = bool(district) and fold(district) not in places
    wrong_ubigeo = bool(ubigeo) and school.ubigeo is not None and ubigeo != school.ubigeo
    if wrong_district or wrong_ubigeo:
        shown = f"{code_text} ({district or ubigeo})"
        raise reader.problem(Reason.CODE_ELSEWHERE, shown, school)


def _accepted(
    reader: _RowReader, match: SchoolMatch, code_text: str, name: str, district: str
) -> School:
    shown = f"{name}, {district}" if district else name
    if code_text:  # a code that exists in no registry row: a typo, whatever the name says
        raise reader.problem(
            Reason.CODE_UNKNOWN, f"{code_text} {shown}", match.school or match.guess
        )
    if match.school is not None:
        return match.school
    reason = Reason.SCHOOL_UNCLEAR if match.guess is not None else Reason.SCHOOL_NOT_FOUND
    raise reader.problem(reason, shown, match.guess)


def _check_scope(
    reader: _RowReader, school: School, org_id: int | None, permissions: Permissions | None
) -> None:
    if permissions is None or permissions.is_admin:
        return
    if school.ubigeo and permissions.covers_ubigeo(school.ubigeo):
        return
    scoped_orgs = {s.organization_id for s in permissions.coordinator_scopes if s.organization_id}
    if org_id is not None and org_id in scoped_orgs:
        return
    raise reader.problem(Reason.OUT_OF_SCOPE, f"{school.code} {school.name}")


def _title_and_description(reader: _RowReader) -> tuple[str, str | None]:
    """A long activity text keeps its first words as the title and all of it as description."""
    activity = reader.text(Column.ACTIVITY)
    if not activity:
        raise reader.problem(Reason.NO_TITLE)
    description = reader.text(Column.DESCRIPTION)[:MAX_DESCRIPTION_LENGTH] or None
    if len(activity) <= MAX_TITLE_LENGTH:
        return activity, description
    cut = activity[: MAX_TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    whole = activity if description is None else f"{activity}\n{description}"
    return cut, whole[:MAX_DESCRIPTION_LENGTH]


def _days(reader: _RowReader) -> DaySpan:
    start_cell = reader.raw(Column.START)
    if start_cell in (None, ""):
        start_cell = reader.raw(Column.DATE)
    start = parse_days(start_cell)
    if isinstance(start, DateProblem):
        raise reader.problem(_DATE_REASONS[start], start_cell or "")
    end_cell = reader.raw(Column.END)
    end = parse_days(end_cell) if end_cell not in (None, "") else start
    if isinstance(end, DateProblem):
        raise reader.problem(_DATE_REASONS[end], end_cell)
    if end.last < start.first:
        raise reader.problem(Reason.END_BEFORE_START, f"{start.first} > {end.last}")
    return DaySpan(start.first, end.last)


def _times(span: DaySpan, tz: tzinfo) -> tuple[datetime, datetime]:
    """Whole days in the local time zone: from the first day's midnight to the end of the
    last (activity_sources.all_day says so, so no made-up hour is ever shown)."""
    return _midnight(span.first, tz), _midnight(span.last + timedelta(days=1), tz)


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def _check_duplicate(row: ImportRow, seen: dict[tuple[object, ...], int], tz: tzinfo) -> None:
    """The same key twice in one file: the first row counts, the repeat is reported."""
    key = (row.organization_id, fold(row.organization_name), row.school_id, row.title_key,
           row.start_day(tz))  # fmt: skip
    if key in seen:
        raise _Skip(RowProblem(row.row_number, Reason.DUPLICATE, f"= {seen[key]}"))
    seen[key] = row.row_number
