"""A person's rights over their data: see all of it, erase all of it (Ley 29733).

Every later feature that stores something about a person adds it to both functions here.
"""

from __future__ import annotations

import json
from typing import Any

from storage.activity_imports import forget_importer, imports_of
from storage.db import Database, Session
from storage.panel_access import end_all_in as end_panel_access


class PersonalData:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def export(self, user_id: int) -> dict[str, Any] | None:
        """Everything stored about the person, as plain JSON-able data; None if nothing is."""
        async with self._db.read() as session:
            member = await session.fetchone(
                "SELECT m.user_id, m.name, m.language, m.role, m.timezone, m.consent_at,"
                " m.consent_version, m.registered_at, m.created_at, m.updated_at,"
                " o.name AS organization FROM members m"
                " LEFT JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = ?",
                (user_id,),
            )
            drafts = await session.fetchall(
                "SELECT flow, data, updated_at FROM drafts WHERE user_id = ?", (user_id,)
            )
            created = await session.fetchall(
                "SELECT name FROM organizations WHERE created_by = ? ORDER BY name", (user_id,)
            )
            activities = await _activities_announced(session, user_id)
            follows = await session.fetchall(
                "SELECT kind, target, mode, created_at FROM follows WHERE chat_id = ?", (user_id,)
            )
            coordination = await _coordination(session, user_id)
            feeds = await session.fetchall(
                "SELECT token, kind, target, created_at FROM calendar_feeds"
                " WHERE owner_id = ? AND revoked_at IS NULL ORDER BY id",
                (user_id,),
            )
            web_sessions = await session.fetchall(
                "SELECT created_at, last_seen_at FROM panel_sessions WHERE user_id = ?"
                " ORDER BY created_at",
                (user_id,),
            )
            coordination["spreadsheets_imported"] = await imports_of(session, user_id)
            relays = await _relays(session, user_id)
        others = (
            drafts, created, activities, follows, feeds, web_sessions,
            *coordination.values(), *relays.values(),
        )  # fmt: skip
        if not (member or any(others)):
            return None
        return {
            "profile": dict(member) if member is not None else None,
            "organizations_created": [row["name"] for row in created],
            "activities_announced": activities,
            "follows": [dict(row) for row in follows],
            **coordination,
            "calendar_links": [dict(row) for row in feeds],
            "web_overview_sessions": [dict(row) for row in web_sessions],
            **relays,
            "unfinished_steps": [
                {"flow": row["flow"], "data": json.loads(row["data"]), "since": row["updated_at"]}
                for row in drafts
            ],
        }

    async def forget(self, user_id: int) -> bool:
        """Erase the person in one transaction; True if there was anything to erase."""
        private_chat_key = json.dumps([user_id, user_id])
        async with self._db.transaction() as session:
            await session.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))
            await session.execute("DELETE FROM pending_questions WHERE chat_id = ?", (user_id,))
            await session.execute(
                "DELETE FROM conversation_states WHERE key = ?", (private_chat_key,)
            )
            await session.execute(
                "UPDATE organizations SET created_by = NULL WHERE created_by = ?", (user_id,)
            )
            # The activity stays with its organization and school; only who announced it goes.
            await session.execute(
                "UPDATE activities SET author_id = NULL WHERE author_id = ?", (user_id,)
            )
            # A change not yet told to followers forgets who made it (they are not told anyway).
            await session.execute(
                "UPDATE activity_events SET actor_id = NULL WHERE actor_id = ?", (user_id,)
            )
            await _forget_private_chat(session, user_id)
            await _forget_coordination(session, user_id)
            # Her calendar links stop working: revoked ones too go, nothing of her is kept.
            await session.execute("DELETE FROM calendar_feeds WHERE owner_id = ?", (user_id,))
            await end_panel_access(session, user_id)  # her web overview closes at once
            await forget_importer(session, user_id)
            await _forget_relays(session, user_id)
            removed = await session.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
        return removed > 0


async def _activities_announced(session: Session, user_id: int) -> list[dict[str, Any]]:
    rows = await session.fetchall(
        "SELECT a.id, s.name AS school, s.cod_mod, a.title, a.description, a.starts_at,"
        " a.ends_at, a.status FROM activities a JOIN schools s ON s.id = a.school_id"
        " WHERE a.author_id = ? ORDER BY a.starts_at, a.id",
        (user_id,),
    )
    return [dict(row) for row in rows]


async def _forget_private_chat(session: Session, chat_id: int) -> None:
    """Follows, waiting summaries and undelivered messages of the person's private chat go;
    sent outbox rows lose their text (the row stays: it keeps the event from being resent)."""
    await session.execute("DELETE FROM follows WHERE chat_id = ?", (chat_id,))
    await session.execute("DELETE FROM digest_entries WHERE chat_id = ?", (chat_id,))
    await session.execute(
        "DELETE FROM outbox WHERE chat_id = ? AND status IN ('pending', 'claimed')", (chat_id,)
    )
    await session.execute("UPDATE outbox SET text = '' WHERE chat_id = ?", (chat_id,))
    await session.execute("DELETE FROM chats WHERE id = ?", (chat_id,))


async def _coordination(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    roles = await session.fetchall(
        "SELECT role, scope_ubigeo, scope_organization_id, granted_at FROM roles WHERE user_id = ?",
        (user_id,),
    )
    sent = await session.fetchall(
        "SELECT id, audience_kind, audience_target, text, created_at FROM broadcasts"
        " WHERE author_id = ? ORDER BY id",
        (user_id,),
    )
    acknowledged = await session.fetchall(
        "SELECT broadcast_id, acked_at FROM broadcast_acks WHERE chat_id = ?", (user_id,)
    )
    received = await session.fetchall(
        "SELECT b.id AS broadcast_id, b.text, o.status, o.sent_at FROM outbox o"
        " JOIN broadcasts b ON o.event_key = 'broadcast:' || b.id"
        " WHERE o.chat_id = ? ORDER BY b.id",
        (user_id,),
    )
    return {
        "roles": [dict(row) for row in roles],
        "broadcasts_sent": [dict(row) for row in sent],
        "broadcasts_received": [dict(row) for row in received],
        "broadcasts_acknowledged": [dict(row) for row in acknowledged],
    }


async def _forget_coordination(session: Session, user_id: int) -> None:
    """Roles go; sent broadcasts stay (their audiences got them) without an author. A ban and
    the audit log are kept: they record what administrators did, not what the person shared."""
    await session.execute("DELETE FROM roles WHERE user_id = ?", (user_id,))
    await session.execute("UPDATE broadcasts SET author_id = NULL WHERE author_id = ?", (user_id,))
    await session.execute("DELETE FROM broadcast_acks WHERE chat_id = ?", (user_id,))


async def _relays(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Relayed messages the person sent and received, and whom they blocked. Who the other
    side is stays a Telegram id: the export is the person's, not a way to learn the other's
    name."""
    sent = await session.fetchall(
        "SELECT id, recipient_id, activity_id, reply_to, text, sent_at FROM relay_messages"
        " WHERE sender_id = ? ORDER BY id",
        (user_id,),
    )
    received = await session.fetchall(
        "SELECT id, sender_id, activity_id, reply_to, text, sent_at FROM relay_messages"
        " WHERE recipient_id = ? ORDER BY id",
        (user_id,),
    )
    blocked = await session.fetchall(
        "SELECT blocked_id, blocked_at FROM relay_blocks WHERE blocker_id = ?", (user_id,)
    )
    return {
        "messages_relayed_sent": [dict(row) for row in sent],
        "messages_relayed_received": [dict(row) for row in received],
        "relays_blocked": [dict(row) for row in blocked],
    }


async def _forget_relays(session: Session, user_id: int) -> None:
    """Messages to and from the person go (the other side keeps them in their own chat), and
    so do the blocks they made. A block against them stays: it protects someone else."""
    await session.execute(
        "DELETE FROM relay_messages WHERE sender_id = ? OR recipient_id = ?", (user_id, user_id)
    )
    await session.execute("DELETE FROM relay_blocks WHERE blocker_id = ?", (user_id,))
