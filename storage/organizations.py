"""Organizations people work for: NGOs, foundations, companies, public programmes."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.audit import AuditAction, organization_subject, record
from storage.clock import to_db, utc_now
from storage.db import Database, Session, StorageError
from storage.models import Organization, OrgKind
from storage.normalize import clean_text, fold

MAX_NAME_LENGTH = 100


class InvalidOrganizationName(StorageError):
    """Empty after cleaning, or longer than MAX_NAME_LENGTH."""


class UnknownOrganization(StorageError):
    """No organization has this id (or name)."""


class CannotMerge(StorageError):
    """An organization cannot be merged into itself."""


class CannotVerifyOwn(StorageError):
    """Nobody verifies (or unverifies) the organization they belong to."""


@dataclass(frozen=True)
class OrganizationMerge:
    """What `merge` moved from the dropped organization to the kept one."""

    kept: Organization
    dropped: Organization
    members: int
    activities: int
    follows: int  # chats that followed the dropped one (each now follows the kept one)
    broadcasts: int
    roles: int  # coordinator scopes
    calendar_links: int = 0  # calendar feeds of the dropped one (now showing the kept one)


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
        row = await self._db.lookup("SELECT * FROM organizations WHERE id = ?", (org_id,))
        return None if row is None else row_to_organization(row)

    async def every(self) -> list[Organization]:
        """All organizations, by name: what a spreadsheet's names are matched against (a few
        thousand at most, so one read beats a query per row)."""
        rows = await self._db.fetchall("SELECT * FROM organizations ORDER BY name_key")
        return [row_to_organization(row) for row in rows]

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
        session: Session, name: str, kind: OrgKind, created_by: int | None
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

    async def find_by_name(self, name: str) -> Organization | None:
        """The organization whose name is this one, ignoring case, accents and punctuation."""
        key = fold(name)
        if not key:
            return None
        row = await self._db.fetchone("SELECT * FROM organizations WHERE name_key = ?", (key,))
        return None if row is None else row_to_organization(row)

    async def verify(
        self, org_id: int, actor_id: int | None, verified: bool = True
    ) -> Organization:
        """Set (or clear) the verified mark; audited in the same transaction. CannotVerifyOwn
        when `actor_id` belongs to the organization (the operator, None, may)."""
        async with self._db.transaction() as session:
            org = await _require(session, org_id)
            own = await session.fetchone(
                "SELECT 1 FROM members WHERE user_id = ? AND organization_id = ?",
                (actor_id, org_id),
            )
            if own is not None:
                raise CannotVerifyOwn(f"{actor_id} belongs to organization {org_id}")
            await session.execute(
                "UPDATE organizations SET verified = ? WHERE id = ?", (verified, org_id)
            )
            action = AuditAction.VERIFY if verified else AuditAction.UNVERIFY
            details = {"name": org.name, "was_verified": org.verified}
            await record(session, actor_id, action, organization_subject(org_id), details)
        return Organization(org.id, org.name, org.kind, verified)

    async def merge(
        self, keep_id: int, drop_id: int, actor_id: int | None = None
    ) -> OrganizationMerge:
        """Merge a duplicate (`drop_id`) into `keep_id` in one transaction: members,
        activities, followers, broadcasts and coordinator scopes move; the kept one is
        verified if either was; the duplicate is deleted; audited."""
        if keep_id == drop_id:
            raise CannotMerge(keep_id)
        async with self._db.transaction() as session:
            kept, dropped = await _require(session, keep_id), await _require(session, drop_id)
            merge = await _move_everything(session, kept, dropped)
            await _finish_merge(session, merge, actor_id)
        return merge


async def _require(session: Session, org_id: int) -> Organization:
    row = await session.fetchone("SELECT * FROM organizations WHERE id = ?", (org_id,))
    if row is None:
        raise UnknownOrganization(org_id)
    return row_to_organization(row)


async def _move_everything(
    session: Session, kept: Organization, dropped: Organization
) -> OrganizationMerge:
    now = to_db(utc_now())
    members = await session.execute(
        "UPDATE members SET organization_id = ?, updated_at = ? WHERE organization_id = ?",
        (kept.id, now, dropped.id),
    )
    activities = await session.execute(
        "UPDATE activities SET organization_id = ?, updated_at = ? WHERE organization_id = ?",
        (kept.id, now, dropped.id),
    )
    return OrganizationMerge(
        # A verified duplicate was vouched for: the merged organization keeps the mark.
        kept=Organization(kept.id, kept.name, kept.kind, kept.verified or dropped.verified),
        dropped=dropped,
        members=members,
        activities=activities,
        follows=await _move_organization_follows(session, str(kept.id), str(dropped.id)),
        calendar_links=await _move_calendar_links(session, str(kept.id), str(dropped.id)),
        broadcasts=await _move_broadcasts(session, kept.id, dropped.id),
        roles=await _move_role_scopes(session, kept.id, dropped.id),
    )


async def _move_organization_follows(session: Session, keep: str, drop: str) -> int:
    """Followers of the duplicate follow the kept one; a chat following both keeps one row."""
    followers = await session.scalar(
        "SELECT COUNT(*) FROM follows WHERE kind = 'organization' AND target = ?", (drop,)
    )
    await session.execute(
        "INSERT INTO follows (chat_id, kind, target, mode, created_at)"
        " SELECT chat_id, kind, ?, mode, created_at FROM follows"
        " WHERE kind = 'organization' AND target = ?"
        " ON CONFLICT (chat_id, kind, target) DO NOTHING",
        (keep, drop),
    )
    await session.execute("DELETE FROM follows WHERE kind = 'organization' AND target = ?", (drop,))
    return int(followers)


async def _move_calendar_links(session: Session, keep: str, drop: str) -> int:
    """Calendar links to the duplicate keep working and show the kept organization."""
    return await session.execute(
        "UPDATE calendar_feeds SET target = ? WHERE kind = 'organization' AND target = ?",
        (keep, drop),
    )


async def _move_broadcasts(session: Session, keep_id: int, drop_id: int) -> int:
    """Broadcasts sent on behalf of the duplicate, or to its members."""
    params = {
        "keep": keep_id,
        "drop": drop_id,
        "keep_text": str(keep_id),
        "drop_text": str(drop_id),
    }
    touched = await session.scalar(
        "SELECT COUNT(*) FROM broadcasts WHERE organization_id = :drop"
        " OR (audience_kind = 'organization' AND audience_target = :drop_text)",
        params,
    )
    await session.execute(
        "UPDATE broadcasts SET organization_id = :keep WHERE organization_id = :drop", params
    )
    await session.execute(
        "UPDATE broadcasts SET audience_target = :keep_text"
        " WHERE audience_kind = 'organization' AND audience_target = :drop_text",
        params,
    )
    return int(touched)


async def _move_role_scopes(session: Session, keep_id: int, drop_id: int) -> int:
    """Coordinators of the duplicate coordinate the kept one; one who had both keeps one."""
    moved = await session.execute(
        "UPDATE OR IGNORE roles SET scope_organization_id = ? WHERE scope_organization_id = ?",
        (keep_id, drop_id),
    )
    duplicates = await session.execute(
        "DELETE FROM roles WHERE scope_organization_id = ?", (drop_id,)
    )
    return moved + duplicates


async def _finish_merge(session: Session, merge: OrganizationMerge, actor_id: int | None) -> None:
    await session.execute(
        "UPDATE organizations SET verified = ? WHERE id = ?", (merge.kept.verified, merge.kept.id)
    )
    await session.execute("DELETE FROM organizations WHERE id = ?", (merge.dropped.id,))
    details = {
        "dropped_id": merge.dropped.id,
        "dropped_name": merge.dropped.name,
        "kept_name": merge.kept.name,
        "members": merge.members,
        "activities": merge.activities,
        "follows": merge.follows,
        "calendar_links": merge.calendar_links,
        "broadcasts": merge.broadcasts,
        "roles": merge.roles,
    }
    await record(
        session,
        actor_id,
        AuditAction.MERGE_ORGANIZATIONS,
        organization_subject(merge.kept.id),
        details,
    )
