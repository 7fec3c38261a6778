"""CSV registries: `;`, `,`, tab or `|` separated, UTF-8 or a single-byte code page."""

from __future__ import annotations

import _csv
import csv
import io
from collections.abc import Iterator

from bot.domain.registry_import.columns import ENCODING_SAMPLE_BYTES, detect_encoding, map_columns
from bot.domain.registry_import.records import RawRow, RegistryFormatError, RegistrySource


def csv_source(data: bytes, encoding: str | None, kind: str) -> RegistrySource:
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
