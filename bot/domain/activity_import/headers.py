"""Which column is which: the alias table (Spanish and English headers) and HXL hashtags.

Coordinators' sheets never share a template, so a column is recognised by what its header says,
folded (case, accents and punctuation ignored): "Código Modular", "COD_MOD" and "cod. modular"
are the same. When a row of HXL hashtags is present (#org, #loc+code...), the tags win: they
were put there for machines. docs/import-activities.md lists both tables; keep it in step.

The header row is the row among the first ones that names the most fields, so a title row, a
merged group header ("Ubicación" over three columns) or a blank line above it does not matter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from storage.normalize import fold
from storage.schools import edit_distance


class Column(StrEnum):
    ORGANIZATION = "organization"
    SCHOOL_CODE = "school_code"
    ANEXO = "anexo"
    SCHOOL_NAME = "school_name"
    DISTRICT = "district"
    UBIGEO = "ubigeo"
    ACTIVITY = "activity"
    DESCRIPTION = "description"
    SECTOR = "sector"
    START = "start"
    END = "end"
    DATE = "date"  # one column for the day or the span ("3-5 de marzo de 2026")
    REACHED = "reached"


# Folded header -> column. Compared whole; a header that only begins with an alias ("Fecha de
# inicio (dd/mm/aaaa)") matches the longest such alias.
ALIASES: Mapping[Column, tuple[str, ...]] = {
    Column.ORGANIZATION: (
        "organizacion", "organizacion implementadora", "socio", "socio implementador",
        "implementador", "entidad", "ong", "institucion implementadora", "quien",
        "organization", "implementing organization", "implementing partner", "partner", "org",
        "agency",
    ),
    Column.SCHOOL_CODE: (
        "codigo modular", "cod mod", "codmod", "cod modular", "codigo modular ie",
        "codigo modular de la ie", "modular code", "school code", "cod mod ie",
    ),
    Column.ANEXO: ("anexo", "annex"),
    Column.SCHOOL_NAME: (
        "institucion educativa", "ie", "i e", "nombre ie", "nombre de la ie",
        "nombre de la institucion educativa", "escuela", "colegio", "nombre del colegio",
        "centro educativo", "cen edu", "school", "school name", "name ie", "site",
    ),
    Column.DISTRICT: ("distrito", "district", "d dist"),
    Column.UBIGEO: ("ubigeo", "codigo ubigeo", "codgeo", "district code", "ubigeo distrito"),
    Column.ACTIVITY: (
        "actividad", "actividades", "nombre de la actividad", "intervencion", "accion",
        "activity", "activity name", "intervention",
    ),
    Column.DESCRIPTION: ("descripcion", "detalle", "description", "details"),
    Column.SECTOR: (
        "sector", "tipo", "tipo de actividad", "categoria", "cluster", "area tematica",
        "category", "type", "activity type",
    ),
    Column.START: (
        "fecha inicio", "fecha de inicio", "inicio", "desde", "fecha inicial", "start date",
        "start", "date start", "from",
    ),
    Column.END: (
        "fecha fin", "fecha de fin", "fecha final", "fin", "hasta", "fecha de termino",
        "termino", "end date", "end", "date end", "to",
    ),
    Column.DATE: ("fecha", "fechas", "periodo", "date", "dates", "when", "cuando"),
    Column.REACHED: (
        "beneficiarios", "participantes", "alcanzados", "personas alcanzadas",
        "numero de beneficiarios", "n de beneficiarios", "estudiantes", "reached",
        "people reached", "beneficiaries", "participants",
    ),
}  # fmt: skip

_BY_ALIAS: dict[str, Column] = {
    alias: column for column, names in ALIASES.items() for alias in names
}
# Longest first, so "fecha de inicio ..." is START and not DATE.
_PREFIXES = sorted(_BY_ALIAS, key=len, reverse=True)

# HXL: (hashtag, attributes that must be present, attributes that exclude) -> column; the first
# rule that fits wins. #org+prog / +funding are donors, not who ran the activity.
HXL_RULES: tuple[tuple[str, frozenset[str], frozenset[str], Column], ...] = (
    ("#org", frozenset(), frozenset({"prog", "funding", "type", "code", "acronym"}),
     Column.ORGANIZATION),
    ("#loc", frozenset({"code"}), frozenset(), Column.SCHOOL_CODE),
    ("#loc", frozenset(), frozenset(), Column.SCHOOL_NAME),
    ("#adm3", frozenset({"code"}), frozenset(), Column.UBIGEO),
    ("#adm3", frozenset(), frozenset(), Column.DISTRICT),
    ("#activity", frozenset({"description"}), frozenset(), Column.DESCRIPTION),
    ("#activity", frozenset(), frozenset(), Column.ACTIVITY),
    ("#sector", frozenset(), frozenset(), Column.SECTOR),
    ("#date", frozenset({"start"}), frozenset(), Column.START),
    ("#date", frozenset({"end"}), frozenset(), Column.END),
    ("#date", frozenset(), frozenset(), Column.DATE),
    ("#reached", frozenset(), frozenset(), Column.REACHED),
)  # fmt: skip

HEADER_SEARCH_ROWS = 15  # a 3W's header is near the top: a title, a logo row, a blank line
MIN_HEADER_COLUMNS = 3


@dataclass(frozen=True)
class ColumnMap:
    """Where the data starts and which column holds what (0-based indexes)."""

    header_row: int  # 0-based index of the header row (or of the HXL row without headers)
    first_data_row: int
    columns: Mapping[Column, int]
    hxl: bool

    def has(self, column: Column) -> bool:
        return column in self.columns

    @property
    def score(self) -> int:
        return len(self.columns)


def column_of_header(text: object) -> Column | None:
    """The column a header names, or None. "N° de beneficiarios" and "Beneficiarios (total)"
    both name REACHED; one typo is forgiven in a long header ("Organizacoin")."""
    key = fold(str(text or ""))
    if not key:
        return None
    for candidate in (key, key.removeprefix("n ").removeprefix("de ")):
        if candidate in _BY_ALIAS:
            return _BY_ALIAS[candidate]
    for alias in _PREFIXES:
        if len(alias) >= 4 and key.startswith(alias + " "):
            return _BY_ALIAS[alias]
    if len(key) >= 8:
        near = [
            alias for alias in _BY_ALIAS if len(alias) >= 8 and edit_distance(key, alias, 1) <= 1
        ]
        if len(near) == 1:
            return _BY_ALIAS[near[0]]
    return None


def column_of_tag(text: object) -> Column | None:
    """The column an HXL hashtag names ("#loc+code", "#date +start"), or None."""
    parts = str(text or "").strip().lower().replace(" ", "").split("+")
    tag, attributes = parts[0], frozenset(parts[1:])
    for rule_tag, needed, excluded, column in HXL_RULES:
        if tag == rule_tag and needed <= attributes and not attributes & excluded:
            return column
    return None


def is_hxl_row(cells: Sequence[object]) -> bool:
    """Most non-empty cells are hashtags."""
    texts = [str(cell).strip() for cell in cells if cell not in (None, "")]
    tags = [text for text in texts if text.startswith("#")]
    return len(tags) >= 2 and len(tags) * 2 >= len(texts)


def _columns_from(cells: Sequence[object], *, tags: bool = False) -> dict[Column, int]:
    found: dict[Column, int] = {}
    for index, cell in enumerate(cells):
        column = column_of_tag(cell) if tags else column_of_header(cell)
        if column is not None and column not in found:
            found[column] = index
    return found


def find_columns(rows: Sequence[Sequence[object]]) -> ColumnMap | None:
    """The header row (and HXL row, if any) among the first rows; None if no row names at least
    MIN_HEADER_COLUMNS fields."""
    top = rows[:HEADER_SEARCH_ROWS]
    best: tuple[int, dict[Column, int]] | None = None
    for index, cells in enumerate(top):
        found = _columns_from(cells)
        if len(found) >= MIN_HEADER_COLUMNS and (best is None or len(found) > len(best[1])):
            best = (index, found)
    hxl_index = next((i for i, cells in enumerate(top) if is_hxl_row(cells)), None)
    if hxl_index is not None:
        return _with_hxl(rows, best, hxl_index)
    if best is None:
        return None
    return ColumnMap(best[0], best[0] + 1, best[1], hxl=False)


def _with_hxl(
    rows: Sequence[Sequence[object]], best: tuple[int, dict[Column, int]] | None, hxl_index: int
) -> ColumnMap | None:
    """Tags win; header aliases fill the fields no tag names."""
    tagged = _columns_from(rows[hxl_index], tags=True)
    headers = best[1] if best is not None else {}
    taken = set(tagged.values())
    merged = dict(tagged)
    for column, index in headers.items():
        if column not in merged and index not in taken:
            merged[column] = index
    if len(merged) < MIN_HEADER_COLUMNS:
        return None
    header_row = best[0] if best is not None else hxl_index
    return ColumnMap(header_row, max(header_row, hxl_index) + 1, merged, hxl=True)
