"""Who may open the web overview: one-time links and the browser sessions they become.

/panel hands a person a link that works once within 10 minutes; redeeming it (or a verified
Telegram Web App start) opens a session whose token lives in an HttpOnly cookie and ends after 12
idle hours. Tokens are 32 random bytes; only their SHA-256 is stored, so the database alone
opens nothing. Banning a person or /olvidarme deletes her links and sessions
(`end_all_in`, called in those transactions). A banned person's session is refused even before.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from storage.clock import from_db, to_db
from storage.db import Database, Session, StorageError

LINK_LIFETIME = timedelta(minutes=10)
SESSION_IDLE = timedelta(hours=12)
# last_seen_at is written at most this often: a page view is then a read, not a write.
SEEN_RESOLUTION = timedelta(minutes=1)


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"  # never handed out (or its owner was forgotten)
    USED = "used"
    EXPIRED = "expired"
    BANNED = "banned"


class LinkRefused(StorageError):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def end_all_in(session: Session, user_id: int) -> None:
    """Delete the person's links and sessions inside the caller's transaction."""
    await session.execute("DELETE FROM panel_links WHERE user_id = ?", (user_id,))
    await session.execute("DELETE FROM panel_sessions WHERE user_id = ?", (user_id,))


async def _is_banned(session: Session, user_id: int) -> bool:
    return await session.scalar("SELECT 1 FROM bans WHERE user_id = ?", (user_id,)) is not None


async def _open_in(session: Session, user_id: int, now: datetime) -> str:
    token = new_token()
    await session.execute(
        "INSERT INTO panel_sessions (token_hash, user_id, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?)",
        (token_hash(token), user_id, to_db(now), to_db(now)),
    )
    return token


class PanelAccess:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_link(self, user_id: int, now: datetime) -> str:
        """A new one-time link token for the person (older links keep their own 10 minutes)."""
        token = new_token()
        async with self._db.transaction() as session:
            # Links past their time are of no use to anyone: drop them as new ones are made.
            await session.execute("DELETE FROM panel_links WHERE expires_at < ?", (to_db(now),))
            await session.execute(
                "INSERT INTO panel_links (token_hash, user_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (token_hash(token), user_id, to_db(now), to_db(now + LINK_LIFETIME)),
            )
        return token

    async def redeem_link(self, token: str, now: datetime) -> tuple[int, str]:
        """Use the link once: (its person, a new session token). LinkRefused says why not."""
        async with self._db.transaction() as session:
            row = await session.fetchone(
                "SELECT user_id, expires_at, used_at FROM panel_links WHERE token_hash = ?",
                (token_hash(token),),
            )
            if row is None:
                raise LinkRefused(LinkProblem.UNKNOWN)
            if row["used_at"] is not None:
                raise LinkRefused(LinkProblem.USED)
            if row["expires_at"] <= to_db(now):
                raise LinkRefused(LinkProblem.EXPIRED)
            if await _is_banned(session, row["user_id"]):
                raise LinkRefused(LinkProblem.BANNED)
            await session.execute(
                "UPDATE panel_links SET used_at = ? WHERE token_hash = ?",
                (to_db(now), token_hash(token)),
            )
            return row["user_id"], await _open_in(session, row["user_id"], now)

    async def open_session(self, user_id: int, now: datetime) -> str:
        """A session for a person Telegram vouched for (a verified Web App start)."""
        async with self._db.transaction() as session:
            if await _is_banned(session, user_id):
                raise LinkRefused(LinkProblem.BANNED)
            return await _open_in(session, user_id, now)

    async def end_session(self, token: str) -> bool:
        """Sign out: delete this browser's session (True when there was one to delete)."""
        async with self._db.transaction() as session:
            deleted = await session.execute(
                "DELETE FROM panel_sessions WHERE token_hash = ?", (token_hash(token),)
            )
        return deleted > 0

    async def session_user(self, token: str, now: datetime) -> int | None:
        """The person of a live session, keeping it alive; None when unknown, idle for 12
        hours (then deleted) or banned."""
        digest = token_hash(token)
        row = await self._db.fetchone(
            "SELECT p.user_id, p.last_seen_at, b.user_id AS banned FROM panel_sessions p"
            " LEFT JOIN bans b ON b.user_id = p.user_id WHERE p.token_hash = ?",
            (digest,),
        )
        if row is None or row["banned"] is not None:
            return None
        last_seen = from_db(row["last_seen_at"])
        assert last_seen is not None  # NOT NULL column
        if now - last_seen >= SESSION_IDLE:
            async with self._db.transaction() as session:
                await session.execute("DELETE FROM panel_sessions WHERE token_hash = ?", (digest,))
            return None
        if now - last_seen >= SEEN_RESOLUTION:
            async with self._db.transaction() as session:
                await session.execute(
                    "UPDATE panel_sessions SET last_seen_at = ? WHERE token_hash = ?",
                    (to_db(now), digest),
                )
        return int(row["user_id"])
