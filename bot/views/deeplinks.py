"""Deep links that open Minka at a school: t.me/<bot>?start=s_<COD_MOD>_<ANEXO>.

Telegram allows 64 characters of A-Za-z0-9_- in a start payload; ours are 11.
"""

from __future__ import annotations

import re

_SCHOOL_PAYLOAD = re.compile(r"^s_(\d{7})_([0-9A-Za-z])$")


def school_payload(cod_mod: str, anexo: str) -> str:
    return f"s_{cod_mod}_{anexo}"


def parse_school_payload(payload: str | None) -> tuple[str, str] | None:
    """(cod_mod, anexo) of a school link's payload, or None for anything else."""
    match = _SCHOOL_PAYLOAD.match(payload or "")
    return (match[1], match[2]) if match else None


def school_link(bot_username: str, cod_mod: str, anexo: str) -> str:
    return f"https://t.me/{bot_username}?start={school_payload(cod_mod, anexo)}"
