"""Import MINEDU's school registry (ESCALE "Padrón de Instituciones Educativas").

Two layers, in this package's modules:

* Reading (pure, synchronous): `reading.open_registry(path)` recognises a ZIP holding a DBF or
  CSV, a bare DBF (`dbf`), or a CSV (`csv_table`, `;` or `,`), detects the text encoding, maps
  the columns by name through `columns.FIELD_ALIASES` and yields `RawRow`s (`records`);
  `validating`'s `parse_key`, `parse_status` and `parse_record` validate one into a
  `SchoolRecord` or raise `RowError`. Anything that is not a registry fails here, before a
  single write, with `RegistryFormatError`.
* Importing (async): `importing.import_registry` upserts in batches, one transaction each,
  skipping broken rows (`classifying` decides each row's outcome; each skipped one is listed
  with its line and reason in a CSV report) and returning the counts. A big file is read and
  classified in a second process (`worker`) while this one writes.

Personal data columns of the registry (DIRECTOR, TELEFONO, EMAIL) are never mapped, so they are
never read into a record, let alone stored.

The names callers use are re-exported here: `from bot.domain.registry_import import ...`.
May import: storage (never telegram).
"""

from __future__ import annotations

from bot.domain.registry_import.columns import FIELD_ALIASES, detect_encoding, map_columns
from bot.domain.registry_import.importing import (
    SAMPLE_REGISTRY,
    import_registry,
    load_sample_schools,
    write_skipped_report,
)
from bot.domain.registry_import.reading import open_registry
from bot.domain.registry_import.records import (
    ImportResult,
    RawRow,
    RegistryFormatError,
    RegistrySource,
    RowError,
    SkippedRow,
)

__all__ = [
    "FIELD_ALIASES",
    "SAMPLE_REGISTRY",
    "ImportResult",
    "RawRow",
    "RegistryFormatError",
    "RegistrySource",
    "RowError",
    "SkippedRow",
    "detect_encoding",
    "import_registry",
    "load_sample_schools",
    "map_columns",
    "open_registry",
    "write_skipped_report",
]
