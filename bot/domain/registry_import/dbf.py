"""DBF tables (ESCALE's own format), read record by record straight from a stream, so a DBF
inside a ZIP is never written to disk."""

from __future__ import annotations

import codecs
import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import dbfread
import dbfread.codepages

from bot.domain.registry_import.columns import ENCODING_SAMPLE_BYTES, detect_encoding, map_columns
from bot.domain.registry_import.records import RawRow, RegistryFormatError, RegistrySource

_DBF_VERSIONS = frozenset({0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x83, 0x8B, 0x8E, 0xCB,
                           0xF5, 0xFB})  # fmt: skip
# What a DBF's language driver byte suggests, when the bytes themselves do not tell.
_DRIVER_HINTS = {"cp850": "cp850", "cp437": "cp850", "cp1252": "latin-1"}


def looks_like_dbf(head: bytes, size: int) -> bool:
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


def dbf_source(stream: IO[bytes], encoding: str | None, kind: str) -> RegistrySource:
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
