"""Deterministic, realistic "3W" sheets (who does what where, when) for tests and benchmarks.

They imitate what coordinators keep in Excel: a title row, merged group headers ("Dónde" over
the school's columns), Spanish or English headers, an optional row of HXL hashtags, organization
names spelled several ways ("Asoc. Civil Manos Unidas", "ASOCIACION CIVIL MANOS UNIDAS"), schools
by código modular (with and without leading zeros) or only by name and district, names with a
typo, dates as real date cells, Excel serial numbers, "dd/mm/yyyy", ISO and "15 de marzo de
2026", blank rows, and a share of rows with a known problem (no date, an unknown school, a month
without a day). Each row carries what a correct import must make of it, so tests can check.

    python -m bench.generate_3w --rows 5000 --out /tmp/3w.xlsx --registry registry.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

SEED = 3
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class SchoolRef:
    cod_mod: str
    anexo: str
    name: str
    district: str
    ubigeo: str


# (spellings of one organization); the first is how it is registered when a test needs that.
ORGANIZATIONS: tuple[tuple[str, ...], ...] = (
    ("Fundación Ayni", "FUNDACION AYNI", "Fund. Ayni"),
    ("Asociación Civil Manos Unidas", "Asoc. Civil Manos Unidas", "ASOCIACION CIVIL MANOS UNIDAS"),
    ("CARE Perú", "CARE Peru", "Care Perú"),
    ("Plan International", "PLAN INTERNATIONAL", "Plan International "),
    ("Save the Children", "Save The Children", "SAVE THE CHILDREN"),
    ("Cáritas del Perú", "Caritas del Peru", "CÁRITAS DEL PERÚ"),
    ("Ayuda en Acción", "Ayuda en Accion", "AYUDA EN ACCIÓN"),
    ("Fe y Alegría", "Fe y Alegria", "FE Y ALEGRÍA"),
    ("Red Educativa Rural Andina", "RED EDUCATIVA RURAL ANDINA"),
    ("Enseña Perú", "Ensena Peru", "ENSEÑA PERÚ"),
)

ACTIVITIES: tuple[tuple[str, str], ...] = (
    ("Salud", "Campaña de vacunación"),
    ("Salud", "Tamizaje de anemia"),
    ("Nutrición", "Sesiones demostrativas de alimentos"),
    ("Educación", "Taller de lectura"),
    ("Educación", "Refuerzo escolar en matemática"),
    ("Formación docente", "Capacitación docente en comprensión lectora"),
    ("Deporte", "Festival deportivo"),
    ("Arte y cultura", "Taller de música"),
    ("Donación", "Entrega de kits escolares"),
    ("Infraestructura", "Rehabilitación de servicios higiénicos"),
    ("Protección", "Charla sobre prevención de la violencia"),
)

SPANISH_HEADERS = (
    "Organización", "Código modular", "Institución educativa", "Distrito", "Ubigeo",
    "Actividad", "Sector", "Fecha inicio", "Fecha fin", "Beneficiarios",
)  # fmt: skip
ENGLISH_HEADERS = (
    "Implementing partner", "School code", "School name", "District", "District code",
    "Activity", "Sector", "Start date", "End date", "People reached",
)  # fmt: skip
HXL_TAGS = (
    "#org+impl", "#loc+code", "#loc+name", "#adm3+name", "#adm3+code", "#activity+name",
    "#sector", "#date+start", "#date+end", "#reached+ind",
)  # fmt: skip
GROUPS = (("Quién", 1), ("Dónde", 4), ("Qué", 2), ("Cuándo", 2), ("Alcance", 1))

# Problems planted on purpose, with the reason the importer must give.
PLANTED = ("no_date", "unknown_school", "only_month")


@dataclass(frozen=True)
class GeneratedRow:
    organization: str
    code: str  # "" when the sheet gives only the name
    school_name: str
    district: str
    ubigeo: str
    activity: str
    sector: str
    start: object  # date, int serial, text, or None
    end: object
    reached: int | None
    # What a correct import makes of it:
    expected_cod_mod: str | None  # None: the row must be reported, not imported
    planted: str | None = None  # which PLANTED problem, if any
    typo: bool = False  # the school name carries a typo (name-only rows)


def example_row(**changes: object) -> GeneratedRow:
    """One hand-made row at a sample-registry school (I.E. N° 2045 José Carlos Mariátegui, San
    Martín de Porres), for tests that need exact rows; `changes` replace its fields."""
    base = GeneratedRow(
        organization="Fundación Ayni", code="9000001", school_name="José Carlos Mariátegui",
        district="San Martín de Porres", ubigeo="150135", activity="Taller de lectura",
        sector="Educación", start="15/06/2026", end=None, reached=40, expected_cod_mod="9000001",
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def _with_typo(name: str, rng: random.Random) -> str:
    """Swap two neighbouring letters of the longest word: 'Mariátegui' -> 'Mariáetgui'."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 6:
        return name
    at = rng.randrange(1, len(word) - 2)
    words[longest] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(words)


def _date_cell(day: date, style: str) -> object:
    if style == "date":
        return day
    if style == "serial":
        return (day - EXCEL_EPOCH).days
    if style == "iso":
        return day.isoformat()
    if style == "text":
        months = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                  "setiembre", "octubre", "noviembre", "diciembre")  # fmt: skip
        return f"{day.day} de {months[day.month - 1]} de {day.year}"
    return day.strftime("%d/%m/%Y")


def generate_rows(
    schools: Sequence[SchoolRef],
    count: int,
    *,
    seed: int = SEED,
    today: date = date(2026, 5, 4),
    name_only_share: float = 0.1,
    problem_share: float = 0.04,
    typo_share: float = 0.3,
    csv_safe: bool = False,
) -> list[GeneratedRow]:
    """`count` rows over `schools`: 60% in the past year, 40% in the coming months."""
    rng = random.Random(seed)
    styles = ("slash", "iso", "text") if csv_safe else ("date", "serial", "slash", "iso", "text")
    rows = []
    for _ in range(count):
        school = rng.choice(schools)
        sector, activity = rng.choice(ACTIVITIES)
        offset = rng.randint(-330, -3) if rng.random() < 0.6 else rng.randint(3, 150)
        start = today + timedelta(days=offset)
        end = start + timedelta(days=rng.choice((0, 0, 0, 1, 2, 4)))
        style = rng.choice(styles)
        row = GeneratedRow(
            organization=rng.choice(rng.choice(ORGANIZATIONS)),
            code=_code_as_written(school.cod_mod, rng),
            school_name=school.name,
            district=school.district,
            ubigeo=school.ubigeo,
            activity=f"{activity} {start.year}" if rng.random() < 0.3 else activity,
            sector=sector,
            start=_date_cell(start, style),
            end=_date_cell(end, style) if end != start or rng.random() < 0.5 else None,
            reached=rng.choice((None, rng.randint(10, 800))),
            expected_cod_mod=school.cod_mod,
        )
        if rng.random() < name_only_share:
            typo = rng.random() < typo_share
            name = _with_typo(school.name, rng) if typo else school.name
            row = replace(row, code="", school_name=name, typo=typo and name != school.name)
        if rng.random() < problem_share:
            row = _planted(row, rng.choice(PLANTED))
        rows.append(row)
    return rows


def _code_as_written(cod_mod: str, rng: random.Random) -> str:
    """As typed in Excel: often without its leading zeros (the cell was a number)."""
    return cod_mod.lstrip("0") if rng.random() < 0.3 else cod_mod


def _planted(row: GeneratedRow, problem: str) -> GeneratedRow:
    if problem == "no_date":
        return replace(row, start=None, end=None, expected_cod_mod=None, planted=problem)
    if problem == "only_month":
        return replace(row, start="marzo 2026", end=None, expected_cod_mod=None, planted=problem)
    return replace(
        row, code="8999999", school_name="IE Inexistente Número Ocho", expected_cod_mod=None,
        planted=problem,
    )  # fmt: skip


def _cells(row: GeneratedRow) -> list[object]:
    code: object = (
        int(row.code) if row.code.isdigit() and not row.code.startswith("0") else row.code
    )
    return [row.organization, code, row.school_name, row.district, row.ubigeo, row.activity,
            row.sector, row.start, row.end, row.reached]  # fmt: skip


def write_xlsx(
    rows: Sequence[GeneratedRow],
    *,
    hxl: bool = True,
    english: bool = False,
    blank_every: int = 37,
    title: str = "Matriz 3W — Red Educativa",
) -> bytes:
    """A workbook as a coordinator keeps it: title row and merged group headers on top."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "3W"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SPANISH_HEADERS))
    _group_headers(sheet)
    sheet.append(list(ENGLISH_HEADERS if english else SPANISH_HEADERS))
    if hxl:
        sheet.append(list(HXL_TAGS))
    for index, row in enumerate(rows):
        if blank_every and index and index % blank_every == 0:
            sheet.append([])
        sheet.append(_cells(row))
    for column in (8, 9):
        for cells in sheet.iter_cols(min_col=column, max_col=column, min_row=4):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _group_headers(sheet: object) -> None:
    row, column = 2, 1
    for label, width in GROUPS:
        sheet.cell(row=row, column=column, value=label)  # type: ignore[attr-defined]
        if width > 1:
            sheet.merge_cells(  # type: ignore[attr-defined]
                f"{get_column_letter(column)}{row}:{get_column_letter(column + width - 1)}{row}"
            )
        column += width


def narrow_xlsx(rows: int) -> bytes:
    """A long, narrow workbook (four columns, `rows` identical rows) written streaming: cheap
    to make at 25,000 rows, for the checks of the row limit."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("3W")
    sheet.append(["Organización", "Código modular", "Actividad", "Fecha inicio"])
    for _ in range(rows):
        sheet.append(["Fundación Ayni", 9000001, "Taller de lectura", "15/06/2026"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_csv(
    rows: Sequence[GeneratedRow],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    hxl: bool = False,
) -> bytes:
    """A CSV as Excel saves it in Spanish: `;` and, often, latin-1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(SPANISH_HEADERS)
    if hxl:
        writer.writerow(HXL_TAGS)
    for row in rows:
        cells = _cells(row)
        writer.writerow(["" if cell is None else cell for cell in cells])
    return buffer.getvalue().encode(encoding)


def schools_from_registry_csv(path: Path) -> list[SchoolRef]:
    """SchoolRefs of a registry CSV as bench.generate_registry writes it (`;`, official names)."""
    with path.open(encoding="utf-8") as handle:
        return [
            SchoolRef(
                row["COD_MOD"], row["ANEXO"], row["CEN_EDU"], row["D_DIST"].title(), row["CODGEO"]
            )
            for row in csv.DictReader(handle, delimiter=";")
            if row["ANEXO"] == "0" and row["ESTADO"] == "1"  # inactive ones are not imported
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--registry", type=Path, default=Path("bot/data/sample_schools.csv"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rows = generate_rows(schools_from_registry_csv(args.registry), args.rows, seed=args.seed)
    data = write_csv(rows) if args.out.suffix == ".csv" else write_xlsx(rows)
    args.out.write_bytes(data)


if __name__ == "__main__":
    main()
