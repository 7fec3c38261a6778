"""The audit log: who granted, revoked, verified, banned, broadcast or merged what, and when.

Entries are written with `record(session, ...)` inside the transaction that makes the change,
so the log can never miss a change nor record one that was rolled back. Nothing updates or
deletes entries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import aiosqlite

from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session


class AuditAction(StrEnum):
    GRANT = "grant"
    REVOKE = "revoke"
    VERIFY = "verify"
    UNVERIFY = "unverify"
    BAN = "ban"
    UNBAN = "unban"
    BROADCAST = "broadcast"
    CANCEL_BROADCAST = "cancel_broadcast"
    MERGE_ORGANIZATIONS = "merge_organizations"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None  # None: the operator at the command line
    action: str
    subject: str  # "user:123", "organization:5", "broadcast:7"
    details: dict[str, Any]


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


def organization_subject(org_id: int) -> str:
    return f"organization:{org_id}"


def broadcast_subject(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


async def record(
    session: Session,
    actor_id: int | None,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Append one entry inside the caller's transaction; return its id."""
    return await session.insert(
        "INSERT INTO audit_log (at, actor_id, action, subject, details) VALUES (?, ?, ?, ?, ?)",
        (
            to_db(now or utc_now()),
            actor_id,
            str(action),
            subject,
            json.dumps(dict(details or {}), ensure_ascii=False, sort_keys=True),
        ),
    )


def _row_to_entry(row: aiosqlite.Row) -> AuditEntry:
    at = from_db(row["at"])
    assert at is not None  # NOT NULL
    return AuditEntry(
        id=row["id"],
        at=at,
        actor_id=row["actor_id"],
        action=row["action"],
        subject=row["subject"],
        details=json.loads(row["details"]),
    )


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def entries(self, limit: int = 100) -> list[AuditEntry]:
        """The latest `limit` entries, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (max(0, limit),)
        )
        return [_row_to_entry(row) for row in rows]
