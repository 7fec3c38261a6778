"""A person's rights over their data: see all of it, erase all of it (Ley 29733).

Every later feature that stores something about a person adds it to both functions here.
"""

from __future__ import annotations

import json
from typing import Any

from storage.db import Database


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
        if member is None and not drafts:
            return None
        return {
            "profile": dict(member) if member is not None else None,
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
            await session.execute(
                "DELETE FROM conversation_states WHERE key = ?", (private_chat_key,)
            )
            removed = await session.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
        return removed > 0
