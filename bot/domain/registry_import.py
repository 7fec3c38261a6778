"""Import MINEDU's school registry (ESCALE "Padrón de Instituciones Educativas").

Two layers:

* Reading (pure, synchronous): `open_registry(path)` recognises a ZIP holding a DBF or CSV, a bare
  DBF, or a CSV (`;` or `,`), detects the text encoding, maps the columns by name through
  `FIELD_ALIASES` and yields `RawRow`s; `parse_key`, `parse_status` and `parse_record` validate
  one into a `SchoolRecord` or raise `RowError`. Anything that is not a registry fails here,
  before a single write, with `RegistryFormatError`.
* Importing (async): `import_registry` upserts in batches, one transaction each, skipping broken
  rows (each one listed with its line and reason in a CSV report) and returning the counts.
  A big file is read and classified in a second process while this one writes.

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
import pickle
import re
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, NamedTuple, cast

import dbfread
import dbfread.codepages

from storage import Storage
from storage.normalize import clean_text, fold
from storage.schools import SchoolRecord, Schools

log = logging.getLogger(__name__)

BATCH_SIZE = 5000  # changed rows per write transaction
PARSE_CHUNK = 1000  # rows classified between progress calls
PARALLEL_FROM_ROWS = 20_000  # below this, starting a second process costs more than it saves
WORKER_CHUNK = 5000  # rows per message from the reader process
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
# What a DBF's language driver byte suggests, when the bytes themselves do not tell.
_DRIVER_HINTS = {"cp850": "cp850", "cp437": "cp850", "cp1252": "latin-1"}


class RegistryFormatError(Exception):
    """The file is not a school registry we can read; the message says why."""


class RowError(ValueError):
    """One row cannot be imported; the message is the reason written to the report."""


class RawRow(NamedTuple):  # a NamedTuple: 180,000 of them are made per import
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
    ignored_inactive: int = 0  # inactive services not already stored (see include_inactive)
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

    kind: str  # "dbf", "zip/dbf", "csv", "zip/csv"
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
    """Recognise the file and open it; `encoding` overrides the detection. Nothing is written
    to disk: a DBF inside a ZIP is read straight from the archive."""
    if not path.is_file():
        raise RegistryFormatError(f"no such file: {path}")
    if encoding is not None:
        _check_encoding(encoding)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as bundle:
            member, kind = _registry_member(bundle)
            with bundle.open(member) as stream:
                yield _open_stream(stream, encoding, kind)
        return
    with path.open("rb") as stream:
        kind = "dbf" if _looks_like_dbf(stream.read(32), path.stat().st_size) else "csv"
        stream.seek(0)
        yield _open_stream(stream, encoding, kind)


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise RegistryFormatError(f"unknown encoding {encoding!r} (try cp850 or latin-1)") from None


def _open_stream(stream: IO[bytes], encoding: str | None, kind: str) -> RegistrySource:
    if kind.endswith("dbf"):
        return _dbf_source(stream, encoding, kind)
    return _csv_source(stream.read(), encoding, kind)


def _registry_member(bundle: zipfile.ZipFile) -> tuple[zipfile.ZipInfo, str]:
    """The table inside an ESCALE ZIP: the biggest .dbf, else the biggest .csv that is not a
    data dictionary."""
    members = [info for info in bundle.infolist() if not info.is_dir()]
    dbfs = [info for info in members if info.filename.lower().endswith(".dbf")]
    if dbfs:
        return max(dbfs, key=lambda info: info.file_size), "zip/dbf"
    csvs = [
        info for info in members
        if info.filename.lower().endswith((".csv", ".txt"))
        and "diccionario" not in info.filename.lower()
    ]  # fmt: skip
    if not csvs:
        names = ", ".join(info.filename for info in members[:10]) or "nothing"
        raise RegistryFormatError(f"the ZIP holds no .dbf or .csv table (it has: {names})")
    return max(csvs, key=lambda info: info.file_size), "zip/csv"


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


# --- DBF ---


def _dbf_source(stream: IO[bytes], encoding: str | None, kind: str) -> RegistrySource:
    table = _dbf_layout(_dbf_header_bytes(stream))
    mapped = map_columns(table.field_names)
    first_block = stream.read(ENCODING_SAMPLE_BYTES)
    if encoding is None:
        hint = _DRIVER_HINTS.get(_driver_encoding(table.header.language_driver))  # or None
        encoding = detect_encoding(first_block, hint)
    columns = {name: table.field_names[index] for name, index in mapped.items()}
    blocks = itertools.chain([first_block], iter(lambda: stream.read(1 << 20), b""))
    rows = _dbf_rows(table, mapped, encoding, blocks)
    return RegistrySource(kind, encoding, columns, table.header.numrecords, rows)


def _driver_encoding(language_driver: int) -> str:
    try:
        return str(dbfread.codepages.guess_encoding(language_driver))
    except LookupError:
        return "unknown"


def _dbf_header_bytes(stream: IO[bytes]) -> bytes:
    start = stream.read(32)
    if len(start) < 32 or start[0] not in _DBF_VERSIONS:
        raise RegistryFormatError("not a DBF table (no dBase header)")
    header_length = int.from_bytes(start[8:10], "little")
    return start + stream.read(max(header_length - 32, 0))


def _dbf_layout(header: bytes) -> dbfread.DBF:
    """dbfread parses the header and field descriptors. It wants a file, and the records may be
    inside a ZIP, so it gets a file holding just the header."""
    with tempfile.TemporaryDirectory(prefix="minka-registry-") as folder:
        header_file = Path(folder) / "header.dbf"
        header_file.write_bytes(header + b"\x1a")
        try:
            return dbfread.DBF(str(header_file), encoding="latin-1", raw=True,
                               ignore_missing_memofile=True)  # fmt: skip
        except Exception as exc:  # dbfread raises ValueError, struct.error... on bad headers
            raise RegistryFormatError(f"not a readable DBF table ({exc})") from exc


def _dbf_rows(
    table: dbfread.DBF, mapped: dict[str, int], encoding: str, blocks: Iterator[bytes]
) -> Iterator[RawRow]:
    """Records cut into fields by byte offset.

    With a one-byte encoding (cp850, latin-1) a whole block is decoded at once and the text is
    sliced: decoding field by field costs about 25 µs a row, too slow for 180,000 rows."""
    starts = [1]  # byte 0 of a record is its deletion flag
    for dbf_field in table.fields:
        starts.append(starts[-1] + dbf_field.length)
    wanted = [(name, starts[index], starts[index + 1]) for name, index in mapped.items()]
    size = table.header.recordlen
    single_byte = _is_single_byte(encoding)
    number = 0
    for block in _whole_records(blocks, size, table.header.numrecords):
        text = block.decode(encoding, "replace") if single_byte else None
        for at in range(0, len(block), size):
            number += 1
            if block[at] == 0x2A:  # '*' marks a deleted record
                continue
            if text is not None:
                values = {name: text[at + a : at + b].strip(" \x00") for name, a, b in wanted}
            else:
                values = {
                    name: block[at + a : at + b].decode(encoding, "replace").strip(" \x00")
                    for name, a, b in wanted
                }
            yield RawRow(number, values)


def _whole_records(blocks: Iterator[bytes], size: int, count: int) -> Iterator[bytes]:
    """Re-cut a stream of blocks so that each holds whole records, `count` records in all."""
    rest, remaining = b"", count * size
    for block in blocks:
        data = rest + block
        usable = min(len(data) - len(data) % size, remaining)
        rest, remaining = data[usable:], remaining - usable
        if usable:
            yield data[:usable]
        if remaining <= 0:
            return


def _is_single_byte(encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return all(len(decoder.decode(bytes([byte]))) == 1 for byte in (0x41, 0xA5, 0xC3, 0xE2))


# --- CSV ---


def _csv_source(data: bytes, encoding: str | None, kind: str) -> RegistrySource:
    if b"\x00" in data[:4096]:
        raise RegistryFormatError("not a ZIP, DBF or CSV file (it has binary content)")
    encoding = encoding or _text_encoding(data)
    text = data.decode(encoding, errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t|", key=first_line.count)
    if first_line.count(delimiter) == 0:
        raise RegistryFormatError(
            "not a school registry: the first line has no ';' or ',' separated column names"
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


def parse_key(values: Mapping[str, str]) -> tuple[str, str]:
    """(cod_mod, anexo): checked first, so a row can be recognised before it is fully read."""
    if "_error" in values:
        raise RowError(values["_error"])
    return parse_cod_mod(values.get("cod_mod", "")), parse_anexo(values.get("anexo", ""))


def parse_record(values: Mapping[str, str], cod_mod: str, anexo: str, active: bool) -> SchoolRecord:
    name = _clean(values.get("name", ""))
    if not name:
        raise RowError("missing name")
    latitude, longitude = parse_coordinates(values.get("latitude", ""), values.get("longitude", ""))
    level = values.get("level", "")
    management = values.get("management", "")
    return SchoolRecord(
        cod_mod=cod_mod, anexo=anexo, codlocal=_digits(values.get("codlocal", ""), 6), name=name,
        level=_cached_clean(LEVEL_CODES.get(level.upper(), level)),
        management=_cached_clean(MANAGEMENT_CODES.get(management, management)),
        address=_clean(values.get("address", "")), ubigeo=_digits(values.get("ubigeo", ""), 6),
        region=_cached_clean(values.get("region", "")),
        province=_cached_clean(values.get("province", "")),
        district=_cached_clean(values.get("district", "")),
        ugel=_cached_clean(values.get("ugel", "")), latitude=latitude, longitude=longitude,
        active=active,
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


@lru_cache(maxsize=256)
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


class Outcome(Enum):
    """What an import does with one row (the value names the ImportResult counter)."""

    INSERT = "inserted"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    IGNORE = "ignored_inactive"
    SKIP = "skipped"


@dataclass
class Chunk:
    """The outcome of classifying some rows: counts, records to write, rows skipped."""

    rows: int = 0
    counts: dict[Outcome, int] = field(default_factory=dict)
    records: list[SchoolRecord] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)


class RowClassifier:
    """Decides each row's `Outcome` against what the database already holds."""

    def __init__(self, known: Mapping[tuple[str, str], str], include_inactive: bool) -> None:
        self.known = known  # (cod_mod, anexo) -> digest; only read, never changed
        self.include_inactive = include_inactive
        self.seen: dict[tuple[str, str], int] = {}

    def classify_chunk(self, rows: Iterator[RawRow], size: int) -> Chunk:
        chunk = Chunk()
        for raw in itertools.islice(rows, size):
            chunk.rows += 1
            try:
                outcome, record = self.classify(raw)
            except RowError as error:
                outcome, record = Outcome.SKIP, None
                values = raw.values
                chunk.skipped.append(SkippedRow(
                    raw.line, values.get("cod_mod", ""), values.get("anexo", ""), str(error)
                ))  # fmt: skip
            chunk.counts[outcome] = chunk.counts.get(outcome, 0) + 1
            if record is not None:
                chunk.records.append(record)
        return chunk

    def classify(self, raw: RawRow) -> tuple[Outcome, SchoolRecord | None]:
        """The outcome, with the record to write for INSERT and UPDATE; RowError to skip."""
        key = parse_key(raw.values)
        first_line = self.seen.setdefault(key, raw.line)
        if first_line != raw.line:
            raise RowError(f"duplicate COD_MOD+ANEXO (first on line {first_line})")
        active = parse_status(raw.values.get("status", ""))
        old = self.known.get(key)
        if old is None and not active and not self.include_inactive:
            # A closed service we never had stays out (unread); one we had is marked inactive.
            return Outcome.IGNORE, None
        record = parse_record(raw.values, *key, active)
        if old == record.fingerprint:
            return Outcome.UNCHANGED, None
        return (Outcome.INSERT if old is None else Outcome.UPDATE), record


async def import_registry(
    storage: Storage,
    path: Path | str,
    *,
    encoding: str | None = None,
    include_inactive: bool = False,
    report_path: Path | None = None,
    write_report: bool = True,
    progress: ProgressCallback | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import (upsert) a registry file; see the module docstring. Re-running with the same file
    changes nothing. Raises RegistryFormatError before any write if the file is not a registry.

    Inactive services are imported only with `include_inactive`, except that a service already
    stored is always updated, so one that closed is marked inactive. The skipped-rows report
    goes to `report_path`, by default `<input>.skipped.csv` next to the input, and is written
    only when rows were skipped. `parallel` reads the file in a second process (default: for
    files of PARALLEL_FROM_ROWS rows or more).
    """
    path = Path(path)
    started = time.perf_counter()
    with open_registry(path, encoding=encoding) as source:
        log.info("importing %s: %s, %s, columns %s", path, source.kind, source.encoding,
                 source.columns)  # fmt: skip
        result = ImportResult(source.kind, source.encoding)
        known = await storage.schools.fingerprints()
        if parallel is None:
            parallel = source.expected_rows >= PARALLEL_FROM_ROWS
        if parallel:
            chunks = _chunks_from_worker(path, source.encoding, known, include_inactive)
        else:
            chunks = _chunks_here(source, RowClassifier(known, include_inactive))
        await _write_chunks(storage.schools, chunks, result, progress, source.expected_rows)
    await _finish(storage, result, path, report_path, write_report)
    result.seconds = time.perf_counter() - started
    log.info("school registry import: %s", result.summary())
    return result


async def _finish(
    storage: Storage, result: ImportResult, path: Path, report_path: Path | None, report: bool
) -> None:
    if result.inserted or result.updated:
        await storage.schools.refresh_search_terms()
    if report and result.skipped_rows:
        target = report_path or path.with_name(path.name + ".skipped.csv")
        result.report_path = write_skipped_report(result.skipped_rows, target)


async def _write_chunks(
    schools: Schools,
    chunks: AsyncIterator[Chunk],
    result: ImportResult,
    progress: ProgressCallback | None,
    expected_rows: int,
) -> None:
    pending: list[SchoolRecord] = []
    async for chunk in chunks:
        result.rows_read += chunk.rows
        for outcome, count in chunk.counts.items():
            setattr(result, outcome.value, getattr(result, outcome.value) + count)
        result.skipped_rows.extend(chunk.skipped)
        pending.extend(chunk.records)
        if len(pending) >= BATCH_SIZE:
            await schools.upsert_batch(pending)
            pending = []
        if progress is not None:
            progress(result.rows_read, max(result.rows_read, expected_rows))
    if pending:
        await schools.upsert_batch(pending)


async def _chunks_here(source: RegistrySource, classifier: RowClassifier) -> AsyncIterator[Chunk]:
    """Classify in this process, between writes. (In a thread it was slower: the thread and
    the database thread fight over the GIL, which executemany takes back for every row.)"""
    while (chunk := classifier.classify_chunk(source.rows, PARSE_CHUNK)).rows:
        yield chunk


async def _chunks_from_worker(
    path: Path, encoding: str, known: Mapping[tuple[str, str], str], include_inactive: bool
) -> AsyncIterator[Chunk]:
    """Classify in a second process while this one writes: the two halves of an import take
    about the same time, and only a process gets its own core past the GIL.

    The worker is `python -c ...` on a pipe (not multiprocessing, whose spawn re-runs the
    caller's main script). Messages are length-prefixed pickles; both ends are this module."""
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _WORKER_COMMAND, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert worker.stdin is not None and worker.stdout is not None  # both are PIPE
    try:
        worker.stdin.write(_frame((str(path), encoding, dict(known), include_inactive)))
        await worker.stdin.drain()
        worker.stdin.close()
        while (item := await _receive(worker.stdout)) is not None:
            yield item
        await worker.wait()
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()


_WORKER_COMMAND = "from bot.domain.registry_import import classify_in_worker; classify_in_worker()"


def _frame(item: object) -> bytes:
    payload = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    return len(payload).to_bytes(8, "little") + payload


async def _receive(stream: asyncio.StreamReader) -> Chunk | None:
    try:
        size = int.from_bytes(await stream.readexactly(8), "little")
        item = pickle.loads(await stream.readexactly(size))  # our own child: trusted
    except asyncio.IncompleteReadError:
        raise RuntimeError("the registry reader process stopped unexpectedly") from None
    if isinstance(item, str):
        raise RuntimeError(f"the registry reader process failed: {item}")
    return cast(Chunk | None, item)


def classify_in_worker() -> None:
    """The second process of a parallel import: read the job from stdin, send chunks of
    classified rows to stdout, then None; or the error as text (exceptions may not pickle)."""
    source_in, out = sys.stdin.buffer, sys.stdout.buffer
    path, encoding, known, include_inactive = pickle.loads(
        source_in.read(int.from_bytes(source_in.read(8), "little"))
    )
    try:
        classifier = RowClassifier(known, include_inactive)
        with open_registry(Path(path), encoding=encoding) as source:
            while (chunk := classifier.classify_chunk(source.rows, WORKER_CHUNK)).rows:
                for record in chunk.records:
                    _ = record.search_keys  # cached on the record: computed on this core
                out.write(_frame(chunk))
        out.write(_frame(None))
    except Exception as exc:  # reported to the parent, which raises it there
        out.write(_frame(f"{type(exc).__name__}: {exc}"))
    out.flush()


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
