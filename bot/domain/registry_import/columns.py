"""How a registry's columns and bytes are understood: the column names each field may have
(`FIELD_ALIASES`), and the text encoding (cp850 or latin-1) that makes its bytes Spanish."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.registry_import.records import RegistryFormatError
from storage.normalize import fold

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

# Letters that make Spanish text plausible; the wrong code page turns them into ¥, ¤, Ð, ±...
_SPANISH_LETTERS = frozenset("ÁÉÍÓÚÜÑáéíóúüñ°º")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


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
