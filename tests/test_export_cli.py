"""`python -m bot export` as a real process against a real database: the files it writes read
back with openpyxl and libhxl, and its mistakes are one line and exit code 2."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hxl
import openpyxl
import pytest

from bot.domain.registry_import import load_sample_schools
from storage import Storage
from storage.activities import Category, NewActivity
from storage.models import OrgKind
from tests.helpers import run_cli

MARCH_2 = datetime(2027, 3, 2, 14, 0, tzinfo=UTC)


def minka(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"DATABASE_PATH": str(database)}, cwd=database.parent)


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    """Two activities in Lima city (1501), one in Cusco, one in April."""
    path = tmp_path / "minka.db"
    storage = Storage(path)
    await storage.open()
    try:
        await load_sample_schools(storage)
        ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
        cusco = await storage.db.scalar("SELECT cod_mod FROM schools WHERE ubigeo LIKE '08%'")
        plan = [("9000001", 0), ("9000002", 3), (cusco, 1), ("9000001", 40)]
        for cod_mod, days in plan:
            school = await storage.exports.school_id_by_code(cod_mod)
            assert school is not None
            starts = MARCH_2 + timedelta(days=days)
            await storage.activities.create(
                NewActivity(school, ayni.id, 1, f"Taller {cod_mod}", None, Category.ARTE,
                            starts, starts + timedelta(hours=2))
            )  # fmt: skip
    finally:
        await storage.close()
    return path


def test_xlsx_and_csv_of_a_province(database: Path) -> None:
    out = database.parent / "lima.xlsx"
    result = minka(database, "export", "--scope", "1501", "--from", "2027-03-01",
                   "--to", "31/03/2027", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    rows = list(openpyxl.load_workbook(out)["Actividades"].iter_rows(min_row=3, values_only=True))
    assert sorted(str(row[5]) for row in rows) == ["Taller 9000001", "Taller 9000002"]
    csv_out = database.parent / "lima.csv"
    result = minka(database, "export", "--scope", "1501", "--from", "2027-03-01",
                   "--to", "2027-03-31", "--format", "csv", "--language", "en",
                   "--out", str(csv_out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = list(hxl.data(str(csv_out), hxl.InputOptions(allow_local=True)))
    assert sorted(row.get("#loc+code") for row in data) == ["9000001", "9000002"]
    assert {row.get("#org+impl") for row in data} == {"Fundación Ayni"}


def test_a_school_and_everything(database: Path) -> None:
    out = database.parent / "school.xlsx"
    result = minka(database, "export", "--scope", "9000002", "--from", "2027-03-01",
                   "--to", "2027-03-31", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out)["Actividades"]
    assert [row[14] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["9000002"]
    result = minka(database, "export", "--scope", "peru", "--from", "2027-03-01",
                   "--to", "2027-12-31", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(out)["Actividades"].max_row == 2 + 4


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--scope", "15013", "--from", "2027-03-01", "--to", "2027-03-31"), "ubigeo of 2, 4"),
        (("--scope", "99", "--from", "2027-03-01", "--to", "2027-03-31"), "no school"),
        (("--scope", "1234567", "--from", "2027-03-01", "--to", "2027-03-31"), "no school"),
        (("--scope", "1501", "--from", "marzo", "--to", "2027-03-31"), "is not a day"),
        (("--scope", "1501", "--from", "2027-02-30", "--to", "2027-03-31"), "is not a day"),
        (("--scope", "1501", "--from", "2027-03-31", "--to", "2027-03-01"), "must not be before"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    database: Path, args: tuple[str, ...], words: str
) -> None:
    out = database.parent / "never.xlsx"
    assert_clean_error(minka(database, "export", *args, "--out", str(out)), 2, words)
    assert not out.exists()


def test_an_unwritable_place_is_a_clean_error(database: Path) -> None:
    out = database.parent / "no" / "such" / "folder.xlsx"
    result = minka(database, "export", "--scope", "1501", "--from", "2027-03-01",
                   "--to", "2027-03-31", "--out", str(out))  # fmt: skip
    assert_clean_error(result, 5, "cannot write")
