"""Roles: what a person may do beyond being a member.

Everyone is a member. A coordinator may verify organizations and broadcast, within a scope: a
place (an ubigeo prefix: '15' a region, '1501' a province, '150135' a district), one
organization, or everywhere (no scope). An admin may do everything; the ADMIN_IDS of the settings
are admins without a row in `roles`. Every grant and revocation is audited in its transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from storage.audit import AuditAction, record, user_subject
from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session, StorageError

UBIGEO_PREFIX_LENGTHS = (2, 4, 6)


class RoleName(StrEnum):
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class ScopeProblem(StrEnum):
    """Why a scope was refused; handlers map each to a localized message."""

    NOT_AN_UBIGEO_PREFIX = "not_an_ubigeo_prefix"  # not 2, 4 or 6 digits
    UNKNOWN_PLACE = "unknown_place"  # no school's ubigeo starts with it
    UNKNOWN_ORGANIZATION = "unknown_organization"
    TWO_SCOPES = "two_scopes"  # a place and an organization at once
    ADMIN_HAS_NO_SCOPE = "admin_has_no_scope"


class InvalidScope(StorageError):
    def __init__(self, problem: ScopeProblem, value: object = None) -> None:
        super().__init__(f"{problem.value}: {value!r}")
        self.problem = problem
        self.value = value


@dataclass(frozen=True)
class Scope:
    """Where a coordinator acts. Neither field set: everywhere."""

    ubigeo: str | None = None
    organization_id: int | None = None

    @property
    def is_everywhere(self) -> bool:
        return self.ubigeo is None and self.organization_id is None

    def covers_ubigeo(self, ubigeo_or_prefix: str) -> bool:
        """A place scope covers the places inside it: '1501' covers '150135', not '15'."""
        if self.is_everywhere:
            return True
        return self.ubigeo is not None and ubigeo_or_prefix.startswith(self.ubigeo)

    def covers_organization(self, org_id: int) -> bool:
        # A place scope does not reach an organization's members, who may be anywhere.
        return self.is_everywhere or self.organization_id == org_id


@dataclass(frozen=True)
class Grant:
    id: int
    user_id: int
    role: RoleName
    scope_ubigeo: str | None
    scope_organization_id: int | None
    granted_by: int | None  # None: the operator at the command line
    granted_at: datetime

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_ubigeo, self.scope_organization_id)


@dataclass(frozen=True)
class Permissions:
    user_id: int
    is_admin: bool
    coordinator_scopes: tuple[Scope, ...]

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_scopes)

    @property
    def can_broadcast(self) -> bool:
        return self.is_admin or self.is_coordinator

    def covers_ubigeo(self, ubigeo_or_prefix: str) -> bool:
        """May act on this region / province / district (or a school with this ubigeo)."""
        if self.is_admin:
            return True
        return any(scope.covers_ubigeo(ubigeo_or_prefix) for scope in self.coordinator_scopes)

    def covers_organization(self, org_id: int) -> bool:
        if self.is_admin:
            return True
        return any(scope.covers_organization(org_id) for scope in self.coordinator_scopes)


def _row_to_grant(row: aiosqlite.Row) -> Grant:
    granted_at = from_db(row["granted_at"])
    assert granted_at is not None  # NOT NULL
    return Grant(
        id=row["id"],
        user_id=row["user_id"],
        role=RoleName(row["role"]),
        scope_ubigeo=row["scope_ubigeo"],
        scope_organization_id=row["scope_organization_id"],
        granted_by=row["granted_by"],
        granted_at=granted_at,
    )


def checked_scope_shape(
    role: RoleName, scope_ubigeo: str | None, scope_organization_id: int | None
) -> Scope:
    """The checks that need no database: digits, lengths, one scope at most, admins unscoped."""
    ubigeo = scope_ubigeo.strip() if scope_ubigeo is not None else None
    if ubigeo is not None and scope_organization_id is not None:
        raise InvalidScope(ScopeProblem.TWO_SCOPES, (ubigeo, scope_organization_id))
    if role is RoleName.ADMIN and (ubigeo is not None or scope_organization_id is not None):
        raise InvalidScope(ScopeProblem.ADMIN_HAS_NO_SCOPE, ubigeo or scope_organization_id)
    if ubigeo is not None and not (
        ubigeo.isascii() and ubigeo.isdigit() and len(ubigeo) in UBIGEO_PREFIX_LENGTHS
    ):
        raise InvalidScope(ScopeProblem.NOT_AN_UBIGEO_PREFIX, ubigeo)
    return Scope(ubigeo, scope_organization_id)


async def check_scope_exists(session: Session, scope: Scope) -> None:
    """A place must be the prefix of some school's ubigeo; an organization must exist."""
    if scope.ubigeo is not None:
        low, high = scope.ubigeo.ljust(6, "0"), scope.ubigeo.ljust(6, "9")
        found = await session.scalar(
            "SELECT 1 FROM schools WHERE ubigeo BETWEEN ? AND ? LIMIT 1", (low, high)
        )
        if found is None:
            raise InvalidScope(ScopeProblem.UNKNOWN_PLACE, scope.ubigeo)
    if scope.organization_id is not None:
        found = await session.scalar(
            "SELECT 1 FROM organizations WHERE id = ?", (scope.organization_id,)
        )
        if found is None:
            raise InvalidScope(ScopeProblem.UNKNOWN_ORGANIZATION, scope.organization_id)


def _scope_details(role: RoleName, scope: Scope) -> dict[str, object]:
    return {"role": role.value, "ubigeo": scope.ubigeo, "organization_id": scope.organization_id}


_SAME_GRANT = (
    "SELECT * FROM roles WHERE user_id = ? AND role = ? AND scope_ubigeo IS ?"
    " AND scope_organization_id IS ?"
)


class Roles:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def permissions(self, user_id: int, admin_ids: Collection[int]) -> Permissions:
        """What the person may do; `admin_ids` (settings.admin_ids) are admins too."""
        rows = await self._db.fetchall(
            "SELECT role, scope_ubigeo, scope_organization_id FROM roles WHERE user_id = ?"
            " ORDER BY id",
            (user_id,),
        )
        granted_admin = any(row["role"] == RoleName.ADMIN for row in rows)
        scopes = tuple(
            Scope(row["scope_ubigeo"], row["scope_organization_id"])
            for row in rows
            if row["role"] == RoleName.COORDINATOR
        )
        return Permissions(user_id, user_id in admin_ids or granted_admin, scopes)

    async def grant(
        self,
        user_id: int,
        role: RoleName,
        *,
        scope_ubigeo: str | None = None,
        scope_organization_id: int | None = None,
        actor_id: int | None = None,
    ) -> Grant:
        """Grant the role in this scope. Granting what the person already has returns the
        existing grant and writes nothing (not even an audit entry: nothing changed)."""
        scope = checked_scope_shape(role, scope_ubigeo, scope_organization_id)
        async with self._db.transaction() as session:
            await check_scope_exists(session, scope)
            params = (user_id, role.value, scope.ubigeo, scope.organization_id)
            existing = await session.fetchone(_SAME_GRANT, params)
            if existing is not None:
                return _row_to_grant(existing)
            grant_id = await session.insert(
                "INSERT INTO roles (user_id, role, scope_ubigeo, scope_organization_id,"
                " granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)",
                (*params, actor_id, to_db(utc_now())),
            )
            details = _scope_details(role, scope)
            await record(session, actor_id, AuditAction.GRANT, user_subject(user_id), details)
            row = await session.fetchone("SELECT * FROM roles WHERE id = ?", (grant_id,))
        assert row is not None  # just inserted
        return _row_to_grant(row)

    async def revoke(
        self,
        user_id: int,
        role: RoleName,
        *,
        scope_ubigeo: str | None = None,
        scope_organization_id: int | None = None,
        actor_id: int | None = None,
    ) -> int:
        """Take the role away; return how many grants went. With no scope given, every grant of
        that role goes (what "revoke 123 coordinator" means to an operator); with a scope, only
        that one. Audited when something went."""
        scope = checked_scope_shape(role, scope_ubigeo, scope_organization_id)
        async with self._db.transaction() as session:
            rows = await self._matching(session, user_id, role, scope)
            if not rows:
                return 0
            await session.executemany(
                "DELETE FROM roles WHERE id = ?", [(row["id"],) for row in rows]
            )
            removed = [_scope_details(role, _row_to_grant(row).scope) for row in rows]
            await record(
                session,
                actor_id,
                AuditAction.REVOKE,
                user_subject(user_id),
                {"role": role.value, "removed": removed},
            )
        return len(rows)

    @staticmethod
    async def _matching(
        session: Session, user_id: int, role: RoleName, scope: Scope
    ) -> list[aiosqlite.Row]:
        if scope.is_everywhere:
            return await session.fetchall(
                "SELECT * FROM roles WHERE user_id = ? AND role = ?", (user_id, role.value)
            )
        return await session.fetchall(
            _SAME_GRANT, (user_id, role.value, scope.ubigeo, scope.organization_id)
        )

    async def all_grants(self) -> list[Grant]:
        """Every grant, by person then role, for `python -m bot roles` and /roles."""
        rows = await self._db.fetchall("SELECT * FROM roles ORDER BY user_id, role, id")
        return [_row_to_grant(row) for row in rows]

    async def resolve_user(self, text: str) -> int | None:
        """A Telegram user id from what an operator typed: digits, or '@username'.

        Usernames can only be matched for members who chose to share their contact in /perfil:
        Minka stores a username only then. Telegram usernames ignore case. If several members
        claim the same username (one of them changed it since), None: better no match than
        granting a role to the wrong person.
        """
        typed = text.strip()
        if typed.isascii() and typed.isdigit():
            return int(typed)
        if not typed.startswith("@") or len(typed) < 2:
            return None
        rows = await self._db.fetchall(
            "SELECT user_id FROM members WHERE share_contact = 1 AND lower(username) = lower(?)"
            " LIMIT 2",
            (typed[1:],),
        )
        return rows[0]["user_id"] if len(rows) == 1 else None

    async def place_parts(self, ubigeo_prefix: str) -> tuple[str, ...]:
        """The registry's names of a place, region first: ('LIMA', 'LIMA') for '1501'; empty
        if no school is there. Callers format them (bot.views.school_views.display_place)."""
        prefix = ubigeo_prefix.strip()
        if not (prefix.isascii() and prefix.isdigit() and len(prefix) in UBIGEO_PREFIX_LENGTHS):
            return ()
        row = await self._db.fetchone(
            "SELECT region, province, district FROM schools WHERE ubigeo BETWEEN ? AND ? LIMIT 1",
            (prefix.ljust(6, "0"), prefix.ljust(6, "9")),
        )
        if row is None:
            return ()
        parts = (row["region"], row["province"], row["district"])[: len(prefix) // 2]
        return tuple(str(part) for part in parts if part)
