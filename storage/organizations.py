"""Organizations people work for: NGOs, foundations, companies, public programmes."""

from __future__ import annotations

import aiosqlite

from storage.clock import to_db, utc_now
from storage.db import Database, Session, StorageError
from storage.models import Organization, OrgKind
from storage.normalize import clean_text, fold

MAX_NAME_LENGTH = 100


class InvalidOrganizationName(StorageError):
    """Empty after cleaning, or longer than MAX_NAME_LENGTH."""


def row_to_organization(row: aiosqlite.Row) -> Organization:
    return Organization(
        id=row["id"], name=row["name"], kind=OrgKind(row["kind"]), verified=bool(row["verified"])
    )


def clean_organization_name(name: str) -> str:
    cleaned = clean_text(name)
    if not fold(cleaned) or len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidOrganizationName(name)
    return cleaned


class Organizations:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, org_id: int) -> Organization | None:
        row = await self._db.fetchone("SELECT * FROM organizations WHERE id = ?", (org_id,))
        return None if row is None else row_to_organization(row)

    async def find_similar(self, name: str, limit: int = 5) -> list[Organization]:
        """Organizations whose folded name contains every folded word typed, exact match first."""
        key = fold(name)
        if not key:
            return []
        words = key.split()
        anchor = max(words, key=len)  # the most selective word narrows the scan in SQL
        rows = await self._db.fetchall(
            "SELECT * FROM organizations WHERE name_key LIKE ?"
            " ORDER BY name_key != ?, length(name_key), name_key",
            (f"%{anchor}%", key),
        )
        padded = [(f" {row['name_key']} ", row) for row in rows]
        matches = [row for text, row in padded if all(word in text for word in words)]
        return [row_to_organization(row) for row in matches[:limit]]

    async def create(self, name: str, kind: OrgKind, created_by: int) -> Organization:
        """Create, or return the existing organization with the same folded name."""
        cleaned = clean_organization_name(name)
        async with self._db.transaction() as session:
            return await self.create_in(session, cleaned, kind, created_by)

    @staticmethod
    async def create_in(
        session: Session, name: str, kind: OrgKind, created_by: int
    ) -> Organization:
        key = fold(name)
        await session.execute(
            "INSERT INTO organizations (name, name_key, kind, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING",
            (name, key, kind.value, created_by, to_db(utc_now())),
        )
        row = await session.fetchone("SELECT * FROM organizations WHERE name_key = ?", (key,))
        assert row is not None  # inserted or already there, inside this transaction
        return row_to_organization(row)
