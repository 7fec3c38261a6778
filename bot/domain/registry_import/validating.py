"""Validating one row into a `SchoolRecord`, or a `RowError` that says what is wrong with it
(the reason written to the skipped-rows report)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from bot.domain.registry_import.records import RowError
from storage.normalize import clean_text, fold
from storage.schools import SchoolRecord

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
