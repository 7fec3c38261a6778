"""Importing MINEDU's school registry: formats, encodings, broken rows, idempotence."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path

import pytest

from bench.generate_registry import (
    OFFICIAL_COLUMNS,
    Row,
    generate_rows,
    write_csv,
    write_dbf,
    write_dbf_zip,
)
from bot.domain.registry_import import (
    FIELD_ALIASES,
    RegistryFormatError,
    detect_encoding,
    import_registry,
    load_sample_schools,
)
from bot.domain.school_search import search_schools
from storage import Storage
from storage.schools import SchoolRecord


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = Storage(tmp_path / "t.db")
    await opened.open()
    yield opened
    await opened.close()


@lru_cache(maxsize=1)
def _generated() -> tuple[Row, ...]:
    return tuple(generate_rows(2500, sample=True))


def sample_rows(count: int = 120) -> list[Row]:
    """The hand-made schools of the sample (COD_MOD 9000001... in order) and some others.
    (The generator is deterministic: the first `count` rows are the same for any total.)"""
    return [dict(row) for row in _generated()[:count]]


def write_rows(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def official_row(**values: str) -> Row:
    row = dict.fromkeys(OFFICIAL_COLUMNS, "")
    row.update({"ANEXO": "0", "ESTADO": "1", "D_DIST": "ATE", "D_PROV": "LIMA", "D_DPTO": "LIMA"})
    row.update(values)
    return row


# --- formats and encodings ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp850", "latin-1"])
async def test_dbf_in_zip_detects_the_encoding_by_its_spanish_letters(
    store: Storage, tmp_path: Path, encoding: str
) -> None:
    rows = sample_rows()
    registry = tmp_path / "Padron_web.zip"
    write_dbf_zip(rows, registry, encoding=encoding)

    result = await import_registry(store, registry)

    assert (result.source, result.encoding) == ("zip/dbf", encoding)
    assert result.inserted == sum(row["ESTADO"] == "1" for row in rows)
    assert result.skipped == 0
    nino = await store.schools.get("9000003")
    assert nino is not None and nino.name == "IEI N° 123 Niño Jesús"
    cetpro = await store.schools.get("9000029")
    assert cetpro is not None and cetpro.name == "CETPRO Ñañañique"


def test_encoding_detection_prefers_the_code_page_that_yields_n_with_tilde() -> None:
    text = "NIÑO JESÚS, SEÑOR DE HUANCA, ÑAÑAÑIQUE"
    assert detect_encoding(text.encode("cp850")) == "cp850"
    assert detect_encoding(text.encode("latin-1")) == "latin-1"
    assert detect_encoding(b"PLAIN ASCII", hint="cp850") == "cp850"


async def test_forced_encoding_is_used_as_given(store: Storage, tmp_path: Path) -> None:
    registry = tmp_path / "padron.zip"
    write_dbf_zip(sample_rows(20), registry, encoding="latin-1")

    assert (await import_registry(store, registry, encoding="cp850")).encoding == "cp850"
    # A multi-byte encoding is decoded field by field; wrong bytes become U+FFFD, nothing fails.
    forced = await import_registry(store, registry, encoding="utf-8")
    assert (forced.encoding, forced.skipped) == ("utf-8", 0)
    with pytest.raises(RegistryFormatError, match="unknown encoding"):
        await import_registry(store, registry, encoding="klingon")


async def test_a_bare_dbf_imports_too(store: Storage, tmp_path: Path) -> None:
    registry = tmp_path / "padron.dbf"
    write_dbf(sample_rows(30), registry, encoding="cp850")

    result = await import_registry(store, registry)

    assert result.source == "dbf" and result.inserted > 0 and result.skipped == 0


async def test_semicolon_csv_in_the_official_columns(store: Storage, tmp_path: Path) -> None:
    rows = sample_rows()
    registry = tmp_path / "padron.csv"
    write_csv(rows, registry)

    result = await import_registry(store, registry)

    assert (result.source, result.encoding) == ("csv", "utf-8")
    assert result.inserted == sum(row["ESTADO"] == "1" for row in rows)
    school = await store.schools.get("9000001")
    assert school is not None
    assert (school.codlocal, school.level, school.district) == (
        "900001",
        "Primaria",
        "SAN MARTÍN DE PORRES",
    )
    assert school.latitude is not None and -13 < school.latitude < -11


async def test_generic_csv_maps_column_aliases_and_keeps_leading_zeros(
    store: Storage, tmp_path: Path
) -> None:
    registry = write_rows(
        tmp_path / "colegios.csv",
        ["Código Modular", "Nombre de la IE", "Nivel", "Distrito", "Provincia", "Departamento",
         "Latitud", "Longitud", "Teléfono"],
        [["0325753", "IE Santa Rosa", "Primaria", "Puno", "Puno", "Puno", "-15.84", "-70.02",
          "051-999999"],
         ["325754", "Colegio San Carlos", "Secundaria", "Puno", "Puno", "Puno", "", "", ""]],
        delimiter=",",
    )  # fmt: skip

    result = await import_registry(store, registry)

    assert result.inserted == 2 and result.skipped == 0
    first = await store.schools.get("0325753")
    assert first is not None and first.name == "IE Santa Rosa" and first.anexo == "0"
    assert (first.district, first.level, first.latitude) == ("Puno", "Primaria", -15.84)
    padded = await store.schools.get("0325754")  # a spreadsheet dropped the leading zero
    assert padded is not None and padded.latitude is None


async def test_personal_data_columns_are_never_stored(store: Storage, tmp_path: Path) -> None:
    registry = tmp_path / "padron.zip"
    write_dbf_zip(sample_rows(40), registry)
    await import_registry(store, registry)

    columns = {row[1] for row in await store.db.fetchall("PRAGMA table_info(schools)")}
    assert not columns & {"director", "telefono", "email"}
    stored = await store.db.fetchall("SELECT * FROM schools")
    values = " ".join(str(value) for row in stored for value in tuple(row))
    assert "Director Sintético" not in values and "example.invalid" not in values


async def test_progress_is_reported_up_to_the_rows_read(store: Storage, tmp_path: Path) -> None:
    registry = tmp_path / "padron.csv"
    write_csv(sample_rows(2500), registry)
    calls: list[tuple[int, int]] = []

    result = await import_registry(store, registry, progress=lambda *call: calls.append(call))

    assert len(calls) >= 3
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1][0] == result.rows_read == 2500
    assert all(done <= total for done, total in calls)


async def test_a_second_process_imports_the_same_as_one(tmp_path: Path) -> None:
    registry = tmp_path / "padron.zip"
    write_dbf_zip(sample_rows(300), registry)
    results = []
    for parallel in (False, True):
        storage = Storage(tmp_path / f"parallel-{parallel}.db")
        await storage.open()
        try:
            results.append(await import_registry(storage, registry, parallel=parallel))
            results.append(await import_registry(storage, registry, parallel=parallel))
        finally:
            await storage.close()
    counts = [(r.inserted, r.updated, r.unchanged, r.skipped, r.ignored_inactive) for r in results]
    assert counts[0] == counts[2] and counts[1] == counts[3]
    assert counts[1][0] == 0 and counts[1][2] == counts[0][0]


# --- broken rows ----------------------------------------------------------------------------


async def test_broken_rows_are_skipped_with_line_and_reason(store: Storage, tmp_path: Path) -> None:
    good = official_row(COD_MOD="0000123", CEN_EDU="IE Buena", NLAT_IE="-12.02", NLONG_IE="-76.9")
    rows = [
        good,
        official_row(COD_MOD="12AB567", CEN_EDU="IE Código Malo"),
        official_row(COD_MOD="0000124", CEN_EDU=""),
        official_row(COD_MOD="0000125", CEN_EDU="IE Lat Texto", NLAT_IE="abc", NLONG_IE="-76.9"),
        official_row(COD_MOD="0000126", CEN_EDU="IE En Madrid", NLAT_IE="40.4", NLONG_IE="-3.7"),
        official_row(COD_MOD="0000127", CEN_EDU="IE Sin Longitud", NLAT_IE="-12.0"),
        official_row(COD_MOD="0000123", CEN_EDU="IE Buena Otra Vez"),
        official_row(COD_MOD="0000128", CEN_EDU="IE Bien", NLAT_IE="-12,05", NLONG_IE="-77,01"),
    ]
    registry = tmp_path / "padron.csv"
    write_csv(rows, registry)
    with registry.open("a", encoding="utf-8") as out:
        out.write("0000129;0;solo tres campos\n")

    result = await import_registry(store, registry)

    assert (result.inserted, result.skipped) == (2, 7)
    assert result.report_path == tmp_path / "padron.csv.skipped.csv"
    with result.report_path.open(encoding="utf-8") as report:
        skipped = {row["line"]: row for row in csv.DictReader(report)}
    assert sorted(skipped) == ["10", "3", "4", "5", "6", "7", "8"]
    assert "COD_MOD" in skipped["3"]["reason"] and skipped["3"]["cod_mod"] == "12AB567"
    assert skipped["4"]["reason"] == "missing name"
    assert "not a number" in skipped["5"]["reason"]
    assert "outside Peru" in skipped["6"]["reason"]
    assert "together" in skipped["7"]["reason"]
    assert "duplicate" in skipped["8"]["reason"] and "line 2" in skipped["8"]["reason"]
    assert "fields" in skipped["10"]["reason"]
    decimal_comma = await store.schools.get("0000128")
    assert decimal_comma is not None and decimal_comma.longitude == -77.01


async def test_report_goes_where_asked(store: Storage, tmp_path: Path) -> None:
    registry = tmp_path / "padron.csv"
    write_csv([official_row(COD_MOD="x", CEN_EDU="Mala")], registry)

    result = await import_registry(store, registry, report_path=tmp_path / "out.csv")

    assert result.report_path == tmp_path / "out.csv" and result.report_path.is_file()


# --- active and inactive --------------------------------------------------------------------


async def test_inactive_services_are_left_out_unless_asked(store: Storage, tmp_path: Path) -> None:
    rows = [
        official_row(COD_MOD="0000201", CEN_EDU="IE Abierta", ESTADO="1"),
        official_row(COD_MOD="0000202", CEN_EDU="IE Cerrada", ESTADO="2", D_ESTADO="Inactiva"),
    ]
    registry = tmp_path / "padron.csv"
    write_csv(rows, registry)

    default = await import_registry(store, registry)
    assert (default.inserted, default.ignored_inactive) == (1, 1)
    assert await store.schools.get("0000202") is None

    everything = await import_registry(store, registry, include_inactive=True)
    assert (everything.inserted, everything.unchanged) == (1, 1)
    closed = await store.schools.get("0000202")
    assert closed is not None and closed.active is False


async def test_a_known_school_that_closed_is_marked_inactive(
    store: Storage, tmp_path: Path
) -> None:
    registry = tmp_path / "padron.csv"
    write_csv([official_row(COD_MOD="0000301", CEN_EDU="IE Que Cierra")], registry)
    await import_registry(store, registry)
    write_csv([official_row(COD_MOD="0000301", CEN_EDU="IE Que Cierra", ESTADO="2")], registry)

    result = await import_registry(store, registry)

    assert (result.updated, result.ignored_inactive) == (1, 0)
    school = await store.schools.get("0000301")
    assert school is not None and school.active is False


# --- idempotence ----------------------------------------------------------------------------


async def test_reimport_is_idempotent_and_a_changed_row_is_updated(
    store: Storage, tmp_path: Path
) -> None:
    rows = sample_rows()
    registry = tmp_path / "padron.zip"
    write_dbf_zip(rows, registry)
    first = await import_registry(store, registry)

    again = await import_registry(store, registry)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.inserted)

    renamed = [dict(row) for row in rows]
    renamed[0]["CEN_EDU"] = "I.E. N° 2045 Amauta Renovada"
    write_dbf_zip(renamed, registry)
    changed = await import_registry(store, registry)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, first.inserted - 1)
    assert await store.schools.count() == first.inserted

    # The word index followed the update: the new name is found, the old one no longer.
    found = await search_schools(store, "amauta renovada")
    assert [school.cod_mod for school in found.schools] == ["9000001"]
    old = await search_schools(store, "mariategui san martin de porres")
    assert "9000001" not in [school.cod_mod for school in old.schools]


async def test_the_bundled_sample_is_synthetic_and_loads_twice(store: Storage) -> None:
    first = await load_sample_schools(store)
    again = await load_sample_schools(store)

    assert first.inserted >= 300 and first.skipped == 0
    assert again.inserted == 0 and again.unchanged == first.inserted
    codes = await store.db.fetchall("SELECT cod_mod FROM schools")
    assert all(row[0].startswith("9") for row in codes)


# --- not a registry -------------------------------------------------------------------------


async def test_a_file_that_is_no_registry_fails_fast_and_writes_nothing(
    store: Storage, tmp_path: Path
) -> None:
    members = tmp_path / "members.csv"
    members.write_text("nombre;telefono\nAna;999\n", encoding="utf-8")
    picture = tmp_path / "foto.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\nwithout columns\n", encoding="utf-8")
    bundle = tmp_path / "otro.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("leeme.pdf", "%PDF-1.4")

    cases = {
        members: "no column for cod_mod",
        picture: "binary",
        notes: "no ';' or ','",
        bundle: "no .dbf or .csv",
        tmp_path / "missing.zip": "no such file",
    }
    for path, message in cases.items():
        with pytest.raises(RegistryFormatError, match=message):
            await import_registry(store, path)
    assert await store.schools.count() == 0


def test_the_column_alias_table_is_documented() -> None:
    doc = Path(__file__).parents[1].joinpath("docs", "schools-import.md").read_text("utf-8")
    for aliases in FIELD_ALIASES.values():
        for alias in aliases:
            assert f"`{alias}`" in doc, alias


async def test_rows_written_directly_are_searchable_before_the_vocabulary_refresh(
    store: Storage,
) -> None:
    record = SchoolRecord(
        cod_mod="0000401", anexo="0", codlocal=None, name="IE Solitaria", level="Primaria",
        management=None, address=None, ubigeo=None, region="Puno", province="Puno",
        district="Puno", ugel=None, latitude=None, longitude=None, active=True,
    )  # fmt: skip
    assert await store.schools.upsert_batch([record]) == 1
    assert await store.schools.upsert_batch([record]) == 0  # same digest: not written again

    found = await search_schools(store, "solitaria puno")

    assert [school.cod_mod for school in found.schools] == ["0000401"]
