"""Conversation states and flow drafts: what lets a restart resume a person mid-flow."""

from __future__ import annotations

import json
from typing import Any

from storage.clock import to_db, utc_now
from storage.db import Database

ConversationKey = tuple[int | str, ...]


class ConversationStates:
    """Backing store of our PTB persistence; keys are PTB's tuples, states JSON values."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, name: str) -> dict[ConversationKey, object]:
        rows = await self._db.fetchall(
            "SELECT key, state FROM conversation_states WHERE name = ?", (name,)
        )
        return {tuple(json.loads(row["key"])): json.loads(row["state"]) for row in rows}

    async def save(self, name: str, key: ConversationKey, state: object | None) -> None:
        encoded_key = json.dumps(list(key))
        if state is None:
            await self._db.write(
                "DELETE FROM conversation_states WHERE name = ? AND key = ?", (name, encoded_key)
            )
            return
        await self._db.write(
            "INSERT INTO conversation_states (name, key, state, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET"
            " state = excluded.state, updated_at = excluded.updated_at",
            (name, encoded_key, json.dumps(state), to_db(utc_now())),
        )


class Drafts:
    """Data a multi-step flow collected so far, per user and flow, as a JSON object."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int, flow: str) -> dict[str, Any]:
        row = await self._db.lookup(
            "SELECT data FROM drafts WHERE user_id = ? AND flow = ?", (user_id, flow)
        )
        raw = None if row is None else row["data"]
        return {} if raw is None else dict(json.loads(raw))

    async def replace(self, user_id: int, flow: str, **values: Any) -> None:
        """Start the flow's draft afresh with `values`, in one statement whether or not an
        earlier run of the flow left one (a delete then an insert was a second write before the
        flow's first question)."""
        await self._db.write(
            "INSERT INTO drafts (user_id, flow, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, flow) DO UPDATE SET"
            " data = excluded.data, updated_at = excluded.updated_at",
            (user_id, flow, json.dumps(values), to_db(utc_now())),
        )

    async def update(self, user_id: int, flow: str, **values: Any) -> dict[str, Any]:
        """Merge `values` into the draft and return the result, in one statement: every step of
        a flow touches its draft, and a read then a write in a transaction cost four trips to
        the database thread where this costs one. json_set keeps dict.update's meaning (each
        key replaced or added in place, the others kept, None stored as null)."""
        if not values:
            return await self.get(user_id, flow)
        pairs = [part for key, value in values.items() for part in (_path(key), json.dumps(value))]
        setters = ", ".join("?, json(?)" for _ in values)  # placeholders only, no values
        rows = await self._db.write(
            "INSERT INTO drafts (user_id, flow, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, flow) DO UPDATE SET"
            f" data = json_set(drafts.data, {setters}), updated_at = excluded.updated_at"
            " RETURNING data",
            (user_id, flow, json.dumps(values), to_db(utc_now()), *pairs),
        )
        return dict(json.loads(rows[0]["data"]))

    async def clear(self, user_id: int, flow: str) -> None:
        # Flows clear their draft as they start, when there mostly is none: a lookup spares
        # that write its trips to the database thread. A person's updates run one at a time,
        # so no draft of theirs can appear between the two.
        found = await self._db.lookup(
            "SELECT 1 FROM drafts WHERE user_id = ? AND flow = ?", (user_id, flow)
        )
        if found is None:
            return
        await self._db.write("DELETE FROM drafts WHERE user_id = ? AND flow = ?", (user_id, flow))


def _path(key: str) -> str:
    """The JSON path of one top-level key (quoted: a key may hold any character)."""
    return "$." + json.dumps(key)
