"""Telegram Web App start data (initData), verified as Telegram documents it.

When the /panel button opens the overview inside Telegram, the page receives `initData`: the
person and the moment, signed with a key derived from the bot's token (secret key =
HMAC-SHA256(key="WebAppData", msg=token); hash = HMAC-SHA256(secret key, the sorted key=value
lines without `hash`)). The server checks the signature and the age; only then does the person
get a session. `sign_init_data` does what Telegram does, for the sandbox and the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode

# Telegram signs initData when the Web App opens; a copy older than this is refused, so an
# initData that leaked (a screenshot, a log) does not open the panel later.
INIT_DATA_MAX_AGE = timedelta(hours=1)
# A phone's clock a little ahead of the server's is not an attack.
CLOCK_SKEW = timedelta(minutes=5)


class InitDataProblem(StrEnum):
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    TOO_OLD = "too_old"
    NO_USER = "no_user"


class InvalidInitData(ValueError):
    def __init__(self, problem: InitDataProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def _secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> bytes:
    lines = (f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash")
    return "\n".join(lines).encode()


def _signature(fields: dict[str, str], bot_token: str) -> str:
    return hmac.new(_secret_key(bot_token), _check_string(fields), hashlib.sha256).hexdigest()


def _fields(init_data: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InvalidInitData(InitDataProblem.MALFORMED) from None
    fields = dict(pairs)
    if len(fields) != len(pairs) or "hash" not in fields or "auth_date" not in fields:
        raise InvalidInitData(InitDataProblem.MALFORMED)
    return fields


def _user_id(fields: dict[str, str]) -> int:
    try:
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, TypeError, ValueError):
        raise InvalidInitData(InitDataProblem.NO_USER) from None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise InvalidInitData(InitDataProblem.NO_USER)
    return user_id


def verify_init_data(init_data: str, bot_token: str, now: datetime) -> int:
    """The Telegram user id the initData vouches for; InvalidInitData says why not."""
    fields = _fields(init_data)
    if not hmac.compare_digest(_signature(fields, bot_token), fields["hash"]):
        raise InvalidInitData(InitDataProblem.BAD_SIGNATURE)
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise InvalidInitData(InitDataProblem.MALFORMED) from None
    if not now - INIT_DATA_MAX_AGE <= signed_at <= now + CLOCK_SKEW:
        raise InvalidInitData(InitDataProblem.TOO_OLD)
    return _user_id(fields)


def sign_init_data(user_id: int, bot_token: str, signed_at: datetime) -> str:
    """initData as Telegram would send it for this person (the sandbox and tests)."""
    fields = {
        "auth_date": str(int(signed_at.timestamp())),
        "query_id": "minka-sandbox",
        "user": json.dumps({"id": user_id, "first_name": "Sandbox"}, separators=(",", ":")),
    }
    return urlencode({**fields, "hash": _signature(fields, bot_token)})
