"""`python -m bot import-activities` as an operator runs it: a real process, a real database
file, a generated .xlsx. The dry run prints the bot's report and writes nothing; the import,
the re-import (nothing changes) and a corrected copy (only its rows change); --as a person."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from bench.generate_3w import example_row as row
from bench.generate_3w import write_xlsx
from bot.domain.registry_import import load_sample_schools
from storage import Storage
from storage.roles import RoleName
from tests.helpers import run_cli

ADMIN, COORDINATOR, MEMBER = 900, 3001, 4001
SHEET = [
    row(),
    row(activity="Campaña de vacunación", sector="Salud", start="10/02/2026", reached=300),
    row(start="marzo 2026"),
]


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "minka.db"
    storage = Storage(path)
    await storage.open()
    try:
        await load_sample_schools(storage)
        await storage.roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="2101")  # Puno
    finally:
        await storage.close()
    return path


def minka(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_PATH": str(database), "ADMIN_IDS": str(ADMIN)}
    return run_cli(*args, env=env, cwd=database.parent)


async def count_activities(database: Path) -> int:
    storage = Storage(database)
    await storage.open()
    try:
        return int(await storage.db.scalar("SELECT count(*) FROM activities"))
    finally:
        await storage.close()


async def test_dry_run_import_reimport_and_correction(database: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "3w.xlsx"
    sheet.write_bytes(write_xlsx(SHEET))
    dry = minka(database, "import-activities", str(sheet), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "3 filas: 2 actividades reconocidas en 1 escuela de tu ámbito" in dry.stdout
    assert "1 fecha con solo el mes" in dry.stdout
    assert "fila 7: «marzo 2026» — solo el mes: falta el día" in dry.stdout
    assert "Si importas: 2 nuevas, 0 actualizadas, 0 sin cambios." in dry.stdout
    assert await count_activities(database) == 0

    done = minka(database, "import-activities", str(sheet))
    assert "2 nuevas, 0 actualizadas, 0 sin cambios, 1 fila omitida" in done.stdout
    again = minka(database, "import-activities", str(sheet))
    assert "0 nuevas, 0 actualizadas, 2 sin cambios" in again.stdout
    sheet.write_bytes(write_xlsx([replace(SHEET[0], reached=55, end="16/06/2026"), *SHEET[1:]]))
    fixed = minka(database, "import-activities", str(sheet))
    assert "0 nuevas, 1 actualizada, 1 sin cambios" in fixed.stdout
    assert await count_activities(database) == 2


async def test_as_a_person(database: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "3w.xlsx"
    sheet.write_bytes(write_xlsx(SHEET))
    refused = minka(database, "import-activities", str(sheet), "--as", str(MEMBER))
    assert refused.returncode == 2 and "Solo los coordinadores" in refused.stdout
    outside = minka(database, "import-activities", str(sheet), "--as", str(COORDINATOR))
    assert "3 filas fuera de tu ámbito" in outside.stdout  # a Puno coordinator, Lima rows
    assert "0 actividades reconocidas" in outside.stdout
    assert await count_activities(database) == 0


def test_an_unreadable_file(database: Path, tmp_path: Path) -> None:
    broken = tmp_path / "3w.xlsx"
    broken.write_bytes(write_xlsx(SHEET)[:500])
    result = minka(database, "import-activities", str(broken))
    assert result.returncode == 4 and "el archivo parece dañado" in result.stdout
