"""Import MINEDU's school registry (ESCALE "Padrón de Instituciones Educativas").

Two layers:

* Reading (pure, synchronous): `open_registry(path)` recognises a ZIP holding a DBF or CSV, a bare
  DBF, or a CSV (`;` or `,`), detects the text encoding, maps the columns by name through
  `FIELD_ALIASES` and yields `RawRow`s; `parse_row` validates one into a `SchoolRecord`. Anything
  that is not a registry fails here, before a single write, with `RegistryFormatError`.
* Importing (async): `import_registry` upserts in batches, one transaction each, skipping broken
  rows (each one listed with its line and reason in a CSV report) and returning the counts.

Personal data columns of the registry (DIRECTOR, TELEFONO, EMAIL) are never mapped, so they are
never read into a record, let alone stored.
"""

from __future__ import annotations

import _csv
import asyncio
import codecs
import csv
import io
import itertools
import logging
import math
import re
import shutil
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import dbfread

from storage import Storage
from storage.normalize import clean_text, fold
from storage.schools import SchoolRecord, Schools

log = logging.getLogger(__name__)

BATCH_SIZE = 5000  # rows per write transaction
PARSE_CHUNK = 2000  # rows parsed per hop to the worker thread (and per progress call)
ENCODING_SAMPLE_BYTES = 16 * 1024 * 1024

# Canonical field -> accepted column names, most preferred first. Column names are compared
# folded: 'Código Modular', 'CODIGO_MODULAR' and 'codigo modular' are all 'codigo_modular'.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "cod_mod": ("cod_mod", "codmod", "codigo_modular", "cod_modular", "codigo_mod", "codigo"),
    "anexo": ("anexo", "cod_anexo"),
    "codlocal": ("codlocal", "cod_local", "codigo_local", "local_escolar"),
    "name": ("cen_edu", "nombre", "nombre_ie", "nombre_de_la_ie", "institucion_educativa",
             "nombre_institucion", "institucion", "colegio", "escuela", "ie"),
    "level": ("d_niv_mod", "nivel_modalidad", "nivel", "nivel_educativo", "niv_mod"),
    "management": ("d_gestion", "gestion", "tipo_gestion"),
    "address": ("dir_cen", "direccion", "domicilio"),
    "ubigeo": ("codgeo", "ubigeo", "cod_ubigeo"),
    "region": ("d_dpto", "departamento", "region", "dpto", "d_region"),
    "province": ("d_prov", "provincia", "prov"),
    "district": ("d_dist", "distrito", "dist"),
    "ugel": ("d_dreugel", "ugel", "dre_ugel", "d_ugel", "codooii"),
    "latitude": ("nlat_ie", "latitud", "lat", "latitude", "y"),
    "longitude": ("nlong_ie", "longitud", "lon", "lng", "long", "longitude", "x"),
    "status": ("estado", "d_estado", "condicion", "activo"),
}  # fmt: skip
REQUIRED_FIELDS = ("cod_mod", "name")

# Codes the registry uses where a description column is missing (NIV_MOD, GESTION).
LEVEL_CODES = {
    "A1": "Inicial - Cuna", "A2": "Inicial - Jardín", "A3": "Inicial - Cuna-jardín",
    "A5": "Inicial - Programa no escolarizado", "B0": "Primaria", "F0": "Secundaria",
    "D1": "Básica Alternativa-Inicial e Intermedio", "D2": "Básica Alternativa-Avanzado",
    "E0": "Básica Especial", "E1": "Básica Especial-Inicial", "E2": "Básica Especial-Primaria",
    "K0": "Superior Pedagógica", "T0": "Superior Tecnológica", "M0": "Superior Artística",
    "L0": "Técnico Productiva",
}  # fmt: skip
MANAGEMENT_CODES = {
    "1": "Pública de gestión directa", "2": "Pública de gestión privada", "3": "Privada",
}  # fmt: skip
ACTIVE_VALUES = frozenset({"1", "activa", "activo", "a", "si", "true", "vigente"})
INACTIVE_VALUES = frozenset({"2", "0", "inactiva", "inactivo", "i", "no", "false", "cerrada"})

# Generous box around Peru: a point outside it is a data error (swapped columns, 0/0 filler...).
PERU_LATITUDE = (-19.0, 0.5)
PERU_LONGITUDE = (-82.0, -68.0)

# Letters that make Spanish text plausible; the wrong code page turns them into ¥, ¤, Ð, ±...
_SPANISH_LETTERS = frozenset("ÁÉÍÓÚÜÑáéíóúüñ°º")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_DBF_VERSIONS = frozenset({0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x83, 0x8B, 0x8E, 0xCB,
                           0xF5, 0xFB})  # fmt: skip
_CP850_DRIVERS = frozenset({0x01, 0x02, 0x0A, 0x0B, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x14,
                            0x24, 0x25, 0x26, 0x37, 0x40, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
                            0x6A, 0x6B, 0x6C})  # fmt: skip


class RegistryFormatError(Exception):
    """The file is not a school registry we can read; the message says why."""


class RowError(ValueError):
    """One row cannot be imported; the message is the reason written to the report."""


@dataclass(frozen=True)
class RawRow:
    line: int  # CSV: line in the file (header is 1); DBF: record number (first is 1)
    values: Mapping[str, str]  # canonical field -> text as read, stripped


@dataclass(frozen=True)
class SkippedRow:
    line: int
    cod_mod: str
    anexo: str
    reason: str


@dataclass
class ImportResult:
    source: str  # "dbf", "zip/dbf", "csv", "zip/csv"
    encoding: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    ignored_inactive: int = 0  # inactive services not already known (see include_inactive)
    report_path: Path | None = None
    seconds: float = 0.0
    skipped_rows: list[SkippedRow] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return (
            f"{self.rows_read} rows read ({self.source}, {self.encoding}) in {self.seconds:.1f} s:"
            f" {self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged,"
            f" {self.skipped} skipped, {self.ignored_inactive} inactive ignored"
        )


ProgressCallback = Callable[[int, int], None]  # (rows read so far, expected total)


@dataclass
class RegistrySource:
    """An opened registry file: what it is and its rows, not yet validated."""

    kind: str
    encoding: str
    columns: dict[str, str]  # canonical field -> the file's column name
    expected_rows: int
    rows: Iterator[RawRow]


# --- reading --------------------------------------------------------------------------------


def column_key(header: str) -> str:
    """'Código Modular' -> 'codigo_modular': how column names are compared with the aliases."""
    return fold(header).replace(" ", "_")


def map_columns(headers: Sequence[str]) -> dict[str, int]:
    """Canonical field -> position of the preferred matching column. Fails fast when the
    headers do not look like a registry (no código modular or no name column)."""
    positions = {column_key(header): index for index, header in reversed(list(enumerate(headers)))}
    mapped = {}
    for canonical, aliases in FIELD_ALIASES.items():
        found = next((positions[alias] for alias in aliases if alias in positions), None)
        if found is not None:
            mapped[canonical] = found
    missing = [canonical for canonical in REQUIRED_FIELDS if canonical not in mapped]
    if missing:
        expected = "; ".join(f"{name}: {', '.join(FIELD_ALIASES[name])}" for name in missing)
        shown = ", ".join(headers[:15]) + (", ..." if len(headers) > 15 else "")
        raise RegistryFormatError(
            f"not a school registry: no column for {' and '.join(missing)} (expected one of"
            f" {expected}); the file has: {shown or 'no columns'}"
        )
    return mapped


def detect_encoding(sample: bytes, hint: str | None = None) -> str:
    """cp850 or latin-1, whichever decodes the non-ASCII bytes into Spanish letters."""
    counts: dict[int, int] = {}
    for match in _HIGH_BYTE.finditer(sample):
        counts[match[0][0]] = counts.get(match[0][0], 0) + 1
    scores = {}
    for encoding in ("cp850", "latin-1"):
        scores[encoding] = sum(
            count if bytes([byte]).decode(encoding) in _SPANISH_LETTERS else -count
            for byte, count in counts.items()
        )
    if scores["cp850"] == scores["latin-1"]:
        return hint or "latin-1"
    return max(scores, key=lambda encoding: scores[encoding])


@contextmanager
def open_registry(path: Path, *, encoding: str | None = None) -> Iterator[RegistrySource]:
    """Recognise the file and open it; `encoding` overrides the detection."""
    if not path.is_file():
        raise RegistryFormatError(f"{path}: no such file")
    with path.open("rb") as handle:
        head = handle.read(64)
    if zipfile.is_zipfile(path):
        with _open_zip(path, encoding) as source:
            yield source
    elif _looks_like_dbf(head, path.stat().st_size):
        yield _dbf_source(path, encoding, "dbf")
    else:
        yield _csv_source(path.read_bytes(), encoding, "csv", path.name)


@contextmanager
def _open_zip(path: Path, encoding: str | None) -> Iterator[RegistrySource]:
    with zipfile.ZipFile(path) as bundle:
        members = [info for info in bundle.infolist() if not info.is_dir()]
        dbfs = [info for info in members if info.filename.lower().endswith(".dbf")]
        csvs = [info for info in members if info.filename.lower().endswith((".csv", ".txt"))]
        if dbfs:
            member = max(dbfs, key=lambda info: info.file_size)
            # dbfread reads from a path, so the table is unpacked to a temporary directory.
            with tempfile.TemporaryDirectory(prefix="minka-registry-") as folder:
                target = Path(folder) / "registry.dbf"
                with bundle.open(member) as packed, target.open("wb") as unpacked:
                    shutil.copyfileobj(packed, unpacked, 1 << 20)
                yield _dbf_source(target, encoding, "zip/dbf")
            return
        data_files = [info for info in csvs if "diccionario" not in info.filename.lower()]
        if not data_files:
            names = ", ".join(info.filename for info in members[:10]) or "nothing"
            raise RegistryFormatError(f"{path.name}: the ZIP holds no .dbf or .csv ({names})")
        member = max(data_files, key=lambda info: info.file_size)
        yield _csv_source(bundle.read(member), encoding, "zip/csv", member.filename)


def _looks_like_dbf(head: bytes, size: int) -> bool:
    """dBase header sanity: a known version byte, a date, and sizes that fit the file."""
    if len(head) < 32 or head[0] not in _DBF_VERSIONS:
        return False
    month, day = head[2], head[3]
    records = int.from_bytes(head[4:8], "little")
    header_length = int.from_bytes(head[8:10], "little")
    record_length = int.from_bytes(head[10:12], "little")
    return (
        month <= 12 and day <= 31 and 64 < header_length <= size and record_length > 1
        and header_length + records * record_length <= size + 1
    )  # fmt: skip


def _dbf_source(path: Path, encoding: str | None, kind: str) -> RegistrySource:
    try:
        # raw: bytes as stored; we decode only the columns we keep (faster, and our encoding).
        table = dbfread.DBF(str(path), encoding="latin-1", raw=True, recfactory=None,
                            ignore_missing_memofile=True)  # fmt: skip
    except Exception as exc:  # dbfread raises ValueError, struct.error... on a damaged header
        raise RegistryFormatError(f"{path.name}: not a readable DBF table ({exc})") from exc
    mapped = map_columns(table.field_names)
    if encoding is None:
        with path.open("rb") as handle:
            handle.seek(table.header.headerlen)
            sample = handle.read(ENCODING_SAMPLE_BYTES)
        hint = "cp850" if table.header.language_driver in _CP850_DRIVERS else None
        encoding = detect_encoding(sample, hint)
    columns = {name: table.field_names[index] for name, index in mapped.items()}
    rows = _dbf_rows(table, mapped, encoding)
    return RegistrySource(kind, encoding, columns, table.header.numrecords, rows)


def _dbf_rows(table: dbfread.DBF, mapped: dict[str, int], encoding: str) -> Iterator[RawRow]:
    if _is_single_byte(encoding):
        return _dbf_rows_sliced(table, mapped, encoding)
    return _dbf_rows_by_field(table, mapped, encoding)


def _is_single_byte(encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return all(len(decoder.decode(bytes([byte]))) == 1 for byte in (0x41, 0xA5, 0xC3, 0xE2))


def _dbf_rows_sliced(table: dbfread.DBF, mapped: dict[str, int], encoding: str) -> Iterator[RawRow]:
    """Records decoded a megabyte at a time and cut into fields by offset.

    dbfread reads the header and field layout; decoding field by field through it costs about
    25 µs a row, too slow for 180,000 rows. With a one-byte encoding a character offset is the
    byte offset, so slicing the decoded block is exact."""
    starts = [1]  # byte 0 of a record is its deletion flag
    for dbf_field in table.fields:
        starts.append(starts[-1] + dbf_field.length)
    wanted = [(name, starts[index], starts[index + 1]) for name, index in mapped.items()]
    size, remaining = table.header.recordlen, table.header.numrecords
    number = 0
    with open(table.filename, "rb") as handle:
        handle.seek(table.header.headerlen)
        while remaining > 0:
            block = handle.read(size * min(remaining, max(1, (1 << 20) // size)))
            text = block.decode(encoding, "replace")
            for offset in range(0, len(text) - size + 1, size):
                number, remaining = number + 1, remaining - 1
                if text[offset] != "*":  # '*' marks a deleted record
                    record = text[offset : offset + size]
                    values = {name: record[a:b].strip(" \x00") for name, a, b in wanted}
                    yield RawRow(number, values)
            if len(block) < size:
                return  # the file is shorter than its header says


def _dbf_rows_by_field(
    table: dbfread.DBF, mapped: dict[str, int], encoding: str
) -> Iterator[RawRow]:
    wanted = list(mapped.items())
    for number, record in enumerate(table, 1):
        values = {
            name: record[index][1].decode(encoding, "replace").strip(" \x00")
            for name, index in wanted
        }
        yield RawRow(number, values)


def _csv_source(data: bytes, encoding: str | None, kind: str, name: str) -> RegistrySource:
    if b"\x00" in data[:4096]:
        raise RegistryFormatError(f"{name}: not a ZIP, DBF or CSV file (binary content)")
    encoding = encoding or _text_encoding(data)
    text = data.decode(encoding, errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t|", key=first_line.count)
    if first_line.count(delimiter) == 0:
        raise RegistryFormatError(
            f"{name}: not a school registry (the first line has no ';' or ',' separated columns)"
        )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers = next(reader)
    mapped = map_columns(headers)
    columns = {field_name: headers[index] for field_name, index in mapped.items()}
    rows = _csv_rows(reader, mapped, len(headers))
    return RegistrySource(kind, encoding, columns, max(text.count("\n") - 1, 1), rows)


def _text_encoding(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return detect_encoding(data[:ENCODING_SAMPLE_BYTES])
    return "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"


def _csv_rows(reader: _csv.Reader, mapped: dict[str, int], width: int) -> Iterator[RawRow]:
    wanted = list(mapped.items())
    for record in reader:
        line = reader.line_num  # the physical line, right even after quoted line breaks
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != width:
            # A shifted row would put a district into the name: report it rather than guess.
            yield RawRow(line, {"_error": f"has {len(record)} fields, the header has {width}"})
            continue
        yield RawRow(line, {name: record[index].strip() for name, index in wanted})


# --- validating -----------------------------------------------------------------------------


def parse_row(raw: RawRow) -> SchoolRecord:
    """A `SchoolRecord`, or `RowError` saying what is wrong with the row."""
    values = raw.values
    if "_error" in values:
        raise RowError(values["_error"])
    name = _clean(values.get("name", ""))
    if not name:
        raise RowError("missing name")
    latitude, longitude = parse_coordinates(values.get("latitude", ""), values.get("longitude", ""))
    level = values.get("level", "")
    management = values.get("management", "")
    return SchoolRecord(
        cod_mod=parse_cod_mod(values.get("cod_mod", "")),
        anexo=parse_anexo(values.get("anexo", "")),
        codlocal=_digits(values.get("codlocal", ""), 6), name=name,
        level=_cached_clean(LEVEL_CODES.get(level.upper(), level)),
        management=_cached_clean(MANAGEMENT_CODES.get(management, management)),
        address=_clean(values.get("address", "")), ubigeo=_digits(values.get("ubigeo", ""), 6),
        region=_cached_clean(values.get("region", "")),
        province=_cached_clean(values.get("province", "")),
        district=_cached_clean(values.get("district", "")),
        ugel=_cached_clean(values.get("ugel", "")), latitude=latitude, longitude=longitude,
        active=parse_status(values.get("status", "")),
    )  # fmt: skip


def parse_cod_mod(text: str) -> str:
    """Seven digits as text. Fewer digits are zero-padded: spreadsheets drop leading zeros."""
    code = text.strip()
    if not code:
        raise RowError("missing COD_MOD")
    if not code.isdigit() or not code.isascii() or len(code) > 7 or int(code) == 0:
        raise RowError(f"bad COD_MOD {code!r}: expected up to 7 digits")
    return code.zfill(7)


def parse_anexo(text: str) -> str:
    anexo = text.strip() or "0"
    if len(anexo) != 1 or not anexo.isalnum():
        raise RowError(f"bad ANEXO {anexo!r}: expected one digit")
    return anexo


def parse_status(text: str) -> bool:
    """Active unless the row says otherwise; a file without a status column is all active."""
    status = fold(text)
    if not status or status in ACTIVE_VALUES:
        return True
    if status in INACTIVE_VALUES:
        return False
    raise RowError(f"unknown ESTADO {text!r}")


def parse_coordinates(lat_text: str, lon_text: str) -> tuple[float | None, float | None]:
    latitude = _number(lat_text, "latitude")
    longitude = _number(lon_text, "longitude")
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise RowError("latitude and longitude must come together")
    if latitude == 0 and longitude == 0:
        return None, None  # 0/0 is the registry's "no coordinates", not a point at sea
    _in_range(latitude, PERU_LATITUDE, "latitude")
    _in_range(longitude, PERU_LONGITUDE, "longitude")
    return latitude, longitude


def _number(text: str, label: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(f"{label} is not a number: {text!r}") from None
    if not math.isfinite(value):
        raise RowError(f"{label} is not a number: {text!r}")
    return value


def _in_range(value: float, bounds: tuple[float, float], label: str) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise RowError(f"{label} {value} is outside Peru ({bounds[0]} to {bounds[1]})")


def _digits(text: str, width: int) -> str | None:
    """A code like CODLOCAL or ubigeo, zero-padded; None when absent or not a code."""
    text = text.strip()
    if not text.isdigit() or not text.isascii() or len(text) > width:
        return None
    return text.zfill(width)


def _clean(text: str) -> str:
    # clean_text looks at every character; most registry text has nothing for it to fix.
    # (isprintable is False for exactly the categories clean_text drops, and for odd spaces.)
    if text.isprintable() and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return " ".join(text.split())
    return clean_text(text)


@lru_cache(maxsize=65536)
def _cached_clean(text: str) -> str | None:
    """Place, level, UGEL: a few thousand distinct values repeated over 180,000 rows."""
    return _clean(text) or None


# --- importing ------------------------------------------------------------------------------


class _BatchWriter:
    """Queues changed records and writes them a batch per transaction, one batch in flight."""

    def __init__(self, schools: Schools, batch_size: int) -> None:
        self._schools = schools
        self._batch_size = batch_size
        self._pending: list[SchoolRecord] = []
        self._in_flight: asyncio.Task[int] | None = None

    async def add(self, record: SchoolRecord) -> None:
        self._pending.append(record)
        if len(self._pending) >= self._batch_size:
            await self.flush()

    async def flush(self) -> None:
        await self.wait()
        if self._pending:
            batch, self._pending = self._pending, []
            self._in_flight = asyncio.create_task(self._schools.upsert_batch(batch))

    async def wait(self) -> None:
        if self._in_flight is not None:
            task, self._in_flight = self._in_flight, None
            await task


class _Import:
    """The state of one import run: what the database holds and what this file changed."""

    def __init__(self, storage: Storage, result: ImportResult, include_inactive: bool) -> None:
        self.known: dict[tuple[str, str], str] = {}
        self.seen: dict[tuple[str, str], int] = {}
        self.result = result
        self.include_inactive = include_inactive
        self.writer = _BatchWriter(storage.schools, BATCH_SIZE)

    async def take(self, raw: RawRow, parsed: SchoolRecord | RowError) -> None:
        if isinstance(parsed, RowError):
            self.skip(raw.line, raw.values, str(parsed))
            return
        record = parsed
        first_line = self.seen.setdefault(record.key, raw.line)
        if first_line != raw.line:
            self.skip(raw.line, raw.values, f"duplicate COD_MOD+ANEXO (first on line {first_line})")
            return
        await self.classify(record)

    async def classify(self, record: SchoolRecord) -> None:
        old = self.known.get(record.key)
        if old is None and not record.active and not self.include_inactive:
            # A closed service we never had stays out; one we had is updated to inactive below.
            self.result.ignored_inactive += 1
        elif old == record.fingerprint:
            self.result.unchanged += 1
        else:
            if old is None:
                self.result.inserted += 1
            else:
                self.result.updated += 1
            await self.writer.add(record)

    def skip(self, line: int, values: Mapping[str, str], reason: str) -> None:
        skipped = SkippedRow(line, values.get("cod_mod", ""), values.get("anexo", ""), reason)
        self.result.skipped_rows.append(skipped)
        self.result.skipped += 1


async def import_registry(
    storage: Storage,
    path: Path | str,
    *,
    encoding: str | None = None,
    include_inactive: bool = False,
    report_path: Path | None = None,
    write_report: bool = True,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import (upsert) a registry file; see the module docstring. Re-running with the same file
    changes nothing. Raises RegistryFormatError before any write if the file is not a registry.

    The skipped-rows report goes to `report_path`, by default `<input>.skipped.csv` next to the
    input, and is written only when rows were skipped.
    """
    path = Path(path)
    started = time.perf_counter()
    with open_registry(path, encoding=encoding) as source:
        log.info("importing %s: %s, %s, columns %s", path, source.kind, source.encoding,
                 source.columns)  # fmt: skip
        run = _Import(storage, ImportResult(source.kind, source.encoding), include_inactive)
        run.known = await storage.schools.fingerprints()
        await _read_all(run, source, progress)
    result = run.result
    if result.inserted or result.updated:
        await storage.schools.refresh_search_terms()
    if write_report and result.skipped_rows:
        result.report_path = write_skipped_report(
            result.skipped_rows, report_path or path.with_name(path.name + ".skipped.csv")
        )
    result.seconds = time.perf_counter() - started
    log.info("school registry import: %s", result.summary())
    return result


async def _read_all(
    run: _Import, source: RegistrySource, progress: ProgressCallback | None
) -> None:
    """Parse in a worker thread while the database thread writes the previous batch: the
    SQLite work runs without the GIL, so on two cores the two overlap."""
    count = 0
    while chunk := await asyncio.to_thread(parse_chunk, source.rows, PARSE_CHUNK):
        for raw, parsed in chunk:
            await run.take(raw, parsed)
        count += len(chunk)
        if progress is not None:
            progress(count, max(count, source.expected_rows))
    await run.writer.flush()
    await run.writer.wait()
    run.result.rows_read = count


def parse_chunk(
    rows: Iterator[RawRow], size: int
) -> list[tuple[RawRow, SchoolRecord | RowError]]:
    """The next `size` rows, each parsed into a record (digest and search words computed, so
    the event loop has little left to do) or the error that makes it skipped."""
    chunk: list[tuple[RawRow, SchoolRecord | RowError]] = []
    for raw in itertools.islice(rows, size):
        try:
            record = parse_row(raw)
        except RowError as error:
            chunk.append((raw, error))
            continue
        _ = (record.fingerprint, record.search_keys)  # cached: computed here, off the loop
        chunk.append((raw, record))
    return chunk


def write_skipped_report(skipped: Sequence[SkippedRow], path: Path) -> Path | None:
    """CSV of the skipped rows (line, cod_mod, anexo, reason); None if it cannot be written."""
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(("line", "cod_mod", "anexo", "reason"))
            writer.writerows((row.line, row.cod_mod, row.anexo, row.reason) for row in skipped)
    except OSError:
        log.exception("could not write the skipped-rows report to %s", path)
        return None
    return path


SAMPLE_REGISTRY = "sample_schools.csv"


async def load_sample_schools(storage: Storage) -> ImportResult:
    """Import the bundled synthetic registry (bot/data/sample_schools.csv; every COD_MOD starts
    with 9). For the sandbox and tests; idempotent like any import."""
    resource = resources.files("bot").joinpath("data", SAMPLE_REGISTRY)
    with resources.as_file(resource) as path:
        return await import_registry(storage, path, write_report=False)
