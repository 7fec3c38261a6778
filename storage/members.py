"""Members: people who accepted the privacy notice. Nothing is stored before that."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from storage.clock import from_db, to_db, utc_now
from storage.db import Database, StorageError
from storage.models import Contact, Member, Organization, OrgKind, Role, SchoolPeople
from storage.normalize import clean_text
from storage.organizations import Organizations, clean_organization_name

MAX_NAME_LENGTH = 64
CONSENT_VERSION = "2026-11"

_SELECT = (
    "SELECT m.*, o.id AS org_id, o.name AS org_name, o.kind AS org_kind,"
    " o.verified AS org_verified"
    " FROM members m LEFT JOIN organizations o ON o.id = m.organization_id"
)


class NotAMember(StorageError):
    """The person has not accepted the privacy notice (or was forgotten)."""


class InvalidName(StorageError):
    """A person's name that is empty after cleaning, or too long."""


def clean_person_name(name: str) -> str:
    cleaned = clean_text(name)
    if len(cleaned) < 2 or len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidName(name)
    return cleaned


def _row_to_member(row: aiosqlite.Row) -> Member:
    org = None
    if row["org_id"] is not None:
        org = Organization(
            row["org_id"], row["org_name"], OrgKind(row["org_kind"]), bool(row["org_verified"])
        )
    consent_at = from_db(row["consent_at"])
    assert consent_at is not None  # NOT NULL in the schema
    return Member(
        user_id=row["user_id"],
        language=row["language"],
        name=row["name"],
        role=Role(row["role"]) if row["role"] else None,
        organization=org,
        timezone=row["timezone"],
        consent_at=consent_at,
        registered_at=from_db(row["registered_at"]),
        school_id=row["school_id"],
        share_contact=bool(row["share_contact"]),
        username=row["username"],
    )


class Members:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> Member | None:
        row = await self._db.lookup(_SELECT + " WHERE m.user_id = ?", (user_id,))
        return None if row is None else _row_to_member(row)

    async def languages(self, user_ids: Sequence[int]) -> dict[int, str]:
        """Each member's language (members without one, or gone, are left out), to compose
        messages to them before taking the write lock."""
        languages: dict[int, str] = {}
        async with self._db.read() as session:
            for user_id in set(user_ids):
                language = await session.scalar(
                    "SELECT language FROM members WHERE user_id = ?", (user_id,)
                )
                if language:
                    languages[user_id] = language
        return languages

    async def require(self, user_id: int) -> Member:
        member = await self.get(user_id)
        if member is None:
            raise NotAMember(user_id)
        return member

    async def record_consent(self, user_id: int, language: str) -> Member:
        """The person pressed "Acepto": from now on we may store what they tell us."""
        now = to_db(utc_now())
        async with self._db.transaction() as session:
            await session.execute(
                "INSERT INTO members (user_id, language, consent_at, consent_version,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET consent_at = excluded.consent_at,"
                " consent_version = excluded.consent_version, updated_at = excluded.updated_at",
                (user_id, language, now, CONSENT_VERSION, now, now),
            )
        return await self.require(user_id)

    async def set_name(self, user_id: int, name: str) -> str:
        cleaned = clean_person_name(name)
        await self._update(
            user_id,
            "UPDATE members SET name = ?, updated_at = ? WHERE user_id = ?",
            (cleaned, to_db(utc_now()), user_id),
        )
        return cleaned

    async def set_language(self, user_id: int, language: str) -> None:
        await self._update(
            user_id,
            "UPDATE members SET language = ?, updated_at = ? WHERE user_id = ?",
            (language, to_db(utc_now()), user_id),
        )

    async def set_role(self, user_id: int, role: Role) -> None:
        await self._update(
            user_id,
            "UPDATE members SET role = ?, updated_at = ? WHERE user_id = ?",
            (role.value, to_db(utc_now()), user_id),
        )

    async def join_organization(self, user_id: int, org_id: int) -> None:
        await self._update(
            user_id,
            "UPDATE members SET organization_id = ?, updated_at = ? WHERE user_id = ?",
            (org_id, to_db(utc_now()), user_id),
        )

    async def create_and_join_organization(
        self, user_id: int, org_name: str, kind: OrgKind
    ) -> Organization:
        """Create the organization (or reuse its twin) and join it, all or nothing."""
        cleaned = clean_organization_name(org_name)
        async with self._db.transaction() as session:
            org = await Organizations.create_in(session, cleaned, kind, user_id)
            changed = await session.execute(
                "UPDATE members SET organization_id = ?, updated_at = ? WHERE user_id = ?",
                (org.id, to_db(utc_now()), user_id),
            )
            if changed == 0:
                raise NotAMember(user_id)
        return org

    async def set_school(self, user_id: int, school_id: int | None) -> None:
        await self._update(
            user_id,
            "UPDATE members SET school_id = ?, updated_at = ? WHERE user_id = ?",
            (school_id, to_db(utc_now()), user_id),
        )

    async def set_contact_sharing(self, user_id: int, username: str | None) -> None:
        """Share `username` with people who look at one's school, or (None) stop and forget it."""
        await self._update(
            user_id,
            "UPDATE members SET share_contact = ?, username = ?, updated_at = ? WHERE user_id = ?",
            (username is not None, username, to_db(utc_now()), user_id),
        )

    async def people_at_school(self, school_id: int) -> SchoolPeople:
        # Two reads of the index on school_id (lookups: nothing in this process can commit
        # between them, as nothing is awaited there).
        teachers = await self._db.lookup(
            "SELECT count(*) FROM members WHERE school_id = ? AND role = 'teacher'"
            " AND registered_at IS NOT NULL",
            (school_id,),
        )
        rows = await self._db.lookup_all(
            "SELECT name, username FROM members WHERE school_id = ? AND share_contact = 1"
            " AND username IS NOT NULL AND name IS NOT NULL ORDER BY name",
            (school_id,),
        )
        count = 0 if teachers is None else int(teachers[0])
        return SchoolPeople(count, [Contact(r["name"], r["username"]) for r in rows])

    async def schools_with_members(self, school_ids: Sequence[int]) -> set[int]:
        """Which of these schools some member named as theirs (a superset of those
        people_at_school has something to say about)."""
        if not school_ids:
            return set()
        marks = ", ".join("?" * len(school_ids))
        rows = await self._db.fetchall(
            f"SELECT DISTINCT school_id FROM members WHERE school_id IN ({marks})",
            tuple(school_ids),
        )
        return {row[0] for row in rows}

    async def complete_registration(self, user_id: int) -> Member:
        now = to_db(utc_now())
        await self._update(
            user_id,
            "UPDATE members SET registered_at = COALESCE(registered_at, ?), updated_at = ?"
            " WHERE user_id = ?",
            (now, now, user_id),
        )
        return await self.require(user_id)

    async def _update(self, user_id: int, sql: str, params: tuple[object, ...]) -> None:
        async with self._db.transaction() as session:
            if await session.execute(sql, params) == 0:
                raise NotAMember(user_id)
