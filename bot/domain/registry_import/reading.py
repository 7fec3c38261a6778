"""Opening a registry file: a ZIP holding a DBF or CSV, a bare DBF, or a CSV; what it is
decides which reader yields its rows."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bot.domain.registry_import.csv_table import csv_source
from bot.domain.registry_import.dbf import dbf_source, looks_like_dbf
from bot.domain.registry_import.records import RegistryFormatError, RegistrySource


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
        kind = "dbf" if looks_like_dbf(stream.read(32), path.stat().st_size) else "csv"
        stream.seek(0)
        yield _open_stream(stream, encoding, kind)


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise RegistryFormatError(f"unknown encoding {encoding!r} (try cp850 or latin-1)") from None


def _open_stream(stream: IO[bytes], encoding: str | None, kind: str) -> RegistrySource:
    if kind.endswith("dbf"):
        return dbf_source(stream, encoding, kind)
    return csv_source(stream.read(), encoding, kind)


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
