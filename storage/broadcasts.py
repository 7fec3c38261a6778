"""Broadcasts (/difundir): one message from a coordinator or admin to an audience.

An audience is the people and groups around one school, one district / province / region (an
ubigeo prefix of 6 / 4 / 2 digits), one organization, or everyone. `audience_chats` is the one
query that says who that is; `size` counts the very same query, so a preview's count is the
number of messages `create` enqueues (unless someone follows or leaves in between).

`create` writes the broadcast and one outbox row per chat (event_key 'broadcast:<id>') in one
transaction. Live counts come from those outbox rows: sent = delivered, skipped = blocked (the
chat blocked the bot or left) unless the broadcast was cancelled, failed = failed. When no row
is pending or claimed any more the broadcast has settled, and `mark_reported` claims the author's
final report exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

import aiosqlite

from storage.audit import AuditAction, broadcast_subject, record
from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session, StorageError
from storage.normalize import clean_text
from storage.outbox import OutboxItem, enqueue
from storage.roles import Permissions

MAX_BROADCAST_CHARS = 3500  # fixed by the issue; Telegram's limit is 4096 with the header
EVENT_PREFIX = "broadcast:"
REPORT_EVENT_PREFIX = "broadcast-report:"
# The outbox error of copies skipped because the broadcast was cancelled (not "blocked").
CANCELLED_ERROR = "broadcast cancelled"


class AudienceKind(StrEnum):
    SCHOOL = "school"
    DISTRICT = "district"
    PROVINCE = "province"
    REGION = "region"
    ORGANIZATION = "organization"
    EVERYONE = "everyone"


class BroadcastStatus(StrEnum):
    SENDING = "sending"  # copies enqueued; not reported yet
    DONE = "done"  # settled and the report to the author claimed
    CANCELLED = "cancelled"  # its author was banned (or it was cancelled): undelivered skipped


class BroadcastProblem(StrEnum):
    """Why a broadcast was refused; handlers map each to a localized message."""

    BAD_AUDIENCE = "bad_audience"  # a target that does not fit its kind
    UNKNOWN_SCHOOL = "unknown_school"
    UNKNOWN_ORGANIZATION = "unknown_organization"
    TEXT_LENGTH = "text_length"


class InvalidBroadcast(StorageError):
    def __init__(self, problem: BroadcastProblem, value: object = None) -> None:
        super().__init__(f"{problem.value}: {value!r}")
        self.problem = problem
        self.value = value


class BroadcastNotAllowed(StorageError):
    """The author may not reach this audience (not a coordinator, outside their scope, not an
    admin for 'everyone', or banned)."""


class EveryoneLimitReached(StorageError):
    """The bot-wide daily number of broadcasts to everyone was reached."""


_AREA_KIND_BY_LENGTH = {
    6: AudienceKind.DISTRICT,
    4: AudienceKind.PROVINCE,
    2: AudienceKind.REGION,
}
_AREA_LENGTH = {kind: length for length, kind in _AREA_KIND_BY_LENGTH.items()}


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class Audience:
    """Who a broadcast is for. target: a school id, an ubigeo prefix of the kind's length, an
    organization id (all as text), or '' for everyone."""

    kind: AudienceKind
    target: str = ""

    def __post_init__(self) -> None:
        if not self._target_fits():
            raise InvalidBroadcast(BroadcastProblem.BAD_AUDIENCE, (self.kind, self.target))

    def _target_fits(self) -> bool:
        if self.kind is AudienceKind.EVERYONE:
            return self.target == ""
        if self.kind in _AREA_LENGTH:
            return _is_digits(self.target) and len(self.target) == _AREA_LENGTH[self.kind]
        return _is_digits(self.target) and int(self.target) > 0

    @classmethod
    def school(cls, school_id: int) -> Audience:
        return cls(AudienceKind.SCHOOL, str(school_id))

    @classmethod
    def area(cls, ubigeo_prefix: str) -> Audience:
        """A district ('150135'), province ('1501') or region ('15'), by the prefix's length."""
        kind = _AREA_KIND_BY_LENGTH.get(len(ubigeo_prefix))
        if kind is None:
            raise InvalidBroadcast(BroadcastProblem.BAD_AUDIENCE, ubigeo_prefix)
        return cls(kind, ubigeo_prefix)

    @classmethod
    def organization(cls, org_id: int) -> Audience:
        return cls(AudienceKind.ORGANIZATION, str(org_id))

    @classmethod
    def everyone(cls) -> Audience:
        return cls(AudienceKind.EVERYONE, "")

    @property
    def is_area(self) -> bool:
        return self.kind in _AREA_LENGTH


@dataclass(frozen=True)
class AudienceChat:
    """One chat a broadcast goes to; language is the group's or the member's (None: unknown)."""

    chat_id: int
    chat_type: str
    language: str | None

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"


@dataclass(frozen=True)
class AudienceSize:
    people: int  # private chats
    groups: int  # groups, supergroups and channels

    @property
    def chats(self) -> int:
        return self.people + self.groups


@dataclass(frozen=True)
class Broadcast:
    id: int
    author_id: int | None  # None once the author was forgotten
    organization_id: int | None
    audience: Audience
    text: str
    with_ack: bool
    status: BroadcastStatus
    recipients: int
    created_at: datetime
    reported_at: datetime | None


@dataclass(frozen=True)
class BroadcastReport:
    recipients: int
    delivered: int  # sent
    blocked: int  # skipped: the chat blocked the bot, left, or was gone
    failed: int  # Telegram refused it for good, or retries ran out
    pending: int  # pending or being sent
    acknowledged: int  # chats that pressed "Recibido ✅"
    cancelled: int = 0  # skipped because the broadcast was cancelled

    @property
    def settled(self) -> bool:
        """Every copy reached an outcome: the author's report may go."""
        return self.pending == 0


class BroadcastSummary(NamedTuple):
    """A past broadcast with its live counts, for /difusiones (unpacks as broadcast, report)."""

    broadcast: Broadcast
    report: BroadcastReport


# Builds the copy one chat receives (the lead renders per language and adds the ack button,
# whose callback data needs the broadcast id). Called inside the write transaction: keep it pure.
Render = Callable[[Broadcast, AudienceChat], OutboxItem]


def event_key(broadcast_id: int) -> str:
    return f"{EVENT_PREFIX}{broadcast_id}"


def broadcast_id_of(outbox_event_key: str) -> int | None:
    """The broadcast an outbox row belongs to, or None if it is not a broadcast copy."""
    number = outbox_event_key.removeprefix(EVENT_PREFIX)
    if number == outbox_event_key or not _is_digits(number):
        return None
    return int(number)


# --- who is in an audience ---------------------------------------------------------------------

# The chats each kind of audience is made of, before the filters every audience shares. These are
# constant SQL fragments chosen by kind; every value is a bound parameter.
_CANDIDATES = {
    AudienceKind.SCHOOL: """
        SELECT chat_id FROM follows WHERE kind = 'school' AND target = :target
        UNION SELECT user_id FROM members
        WHERE school_id = :number AND role = 'teacher' AND registered_at IS NOT NULL""",
    # Areas: the range low..high holds exactly the 6-digit ubigeos starting with the prefix.
    "area": """
        SELECT chat_id FROM follows WHERE kind = 'district' AND target BETWEEN :low AND :high
        UNION SELECT chat_id FROM follows WHERE kind = 'school' AND target IN
            (SELECT CAST(id AS TEXT) FROM schools WHERE ubigeo BETWEEN :low AND :high)
        UNION SELECT m.user_id FROM members m JOIN schools s ON s.id = m.school_id
        WHERE s.ubigeo BETWEEN :low AND :high AND m.role = 'teacher'
            AND m.registered_at IS NOT NULL""",
    AudienceKind.ORGANIZATION: """
        SELECT user_id FROM members WHERE organization_id = :number AND registered_at IS NOT NULL
        UNION SELECT chat_id FROM follows WHERE kind = 'organization' AND target = :target""",
    AudienceKind.EVERYONE: """
        SELECT user_id FROM members WHERE registered_at IS NOT NULL
        UNION SELECT id FROM chats WHERE type != 'private'""",
}

# Shared by every audience: each chat once (UNION), only chats the bot can write to (a member's
# private chat may have no chats row yet: that is writable), never a banned person.
_AUDIENCE_TEMPLATE = """
WITH candidates(chat_id) AS ({candidates})
SELECT k.chat_id, COALESCE(c.type, 'private') AS chat_type,
       COALESCE(c.language, m.language) AS language
FROM candidates k
LEFT JOIN chats c ON c.id = k.chat_id
LEFT JOIN members m ON m.user_id = k.chat_id
WHERE (c.active = 1 OR (c.id IS NULL AND k.chat_id > 0))
  AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.user_id = k.chat_id)
  AND k.chat_id IS NOT :sender
"""

_AUDIENCE_SQL = {
    key: _AUDIENCE_TEMPLATE.format(candidates=fragment) for key, fragment in _CANDIDATES.items()
}
# `size` counts the very same statement, so it cannot disagree with `audience_chats`.
_AUDIENCE_SIZE_SQL = {
    key: "SELECT COUNT(*), COALESCE(SUM(chat_type = 'private'), 0) FROM (" + sql + ")"
    for key, sql in _AUDIENCE_SQL.items()
}


def _query_key(audience: Audience) -> str:
    return "area" if audience.is_area else audience.kind


def _audience_params(audience: Audience, sender: int | None = None) -> dict[str, Any]:
    """The statement's parameters; `sender` (the author) is left out of their own audience."""
    target = audience.target
    return {
        "sender": sender,
        "target": target,
        "number": int(target) if _is_digits(target) else None,
        "low": target.ljust(6, "0"),
        "high": target.ljust(6, "9"),
    }


async def audience_chats_in(
    session: Session, audience: Audience, sender: int | None = None
) -> list[AudienceChat]:
    params = _audience_params(audience, sender)
    rows = await session.fetchall(_AUDIENCE_SQL[_query_key(audience)], params)
    chats = [AudienceChat(row["chat_id"], row["chat_type"], row["language"]) for row in rows]
    return sorted(chats, key=lambda chat: chat.chat_id)


async def audience_size_in(
    session: Session, audience: Audience, sender: int | None = None
) -> AudienceSize:
    row = await session.fetchone(
        _AUDIENCE_SIZE_SQL[_query_key(audience)], _audience_params(audience, sender)
    )
    assert row is not None  # an aggregate always returns a row
    total, people = int(row[0]), int(row[1])
    return AudienceSize(people=people, groups=total - people)


# --- who may reach it ----------------------------------------------------------------------------


async def allows_in(session: Session, permissions: Permissions, audience: Audience) -> bool:
    """Scope enforcement: a member reaches nobody, a coordinator only audiences inside their
    scope, an admin everyone. An unknown school or organization is InvalidBroadcast."""
    await _check_target_exists(session, audience)
    if not permissions.can_broadcast:
        return False
    if audience.kind is AudienceKind.EVERYONE:
        return permissions.is_admin
    if audience.kind is AudienceKind.ORGANIZATION:
        return permissions.covers_organization(int(audience.target))
    if audience.kind is AudienceKind.SCHOOL:
        ubigeo = await session.scalar(
            "SELECT ubigeo FROM schools WHERE id = ?", (int(audience.target),)
        )
        return permissions.covers_ubigeo(ubigeo or "")
    return permissions.covers_ubigeo(audience.target)


async def _check_target_exists(session: Session, audience: Audience) -> None:
    if audience.kind is AudienceKind.SCHOOL:
        sql, problem = "SELECT 1 FROM schools WHERE id = ?", BroadcastProblem.UNKNOWN_SCHOOL
    elif audience.kind is AudienceKind.ORGANIZATION:
        sql = "SELECT 1 FROM organizations WHERE id = ?"
        problem = BroadcastProblem.UNKNOWN_ORGANIZATION
    else:
        return  # an area with no schools is simply empty
    if await session.scalar(sql, (int(audience.target),)) is None:
        raise InvalidBroadcast(problem, audience.target)


async def _is_banned(session: Session, user_id: int) -> bool:
    return await session.scalar("SELECT 1 FROM bans WHERE user_id = ?", (user_id,)) is not None


# --- rows and counts -----------------------------------------------------------------------------


def clean_broadcast_text(text: str) -> str:
    cleaned = clean_text(text, keep_newlines=True)
    if not 1 <= len(cleaned) <= MAX_BROADCAST_CHARS:
        raise InvalidBroadcast(BroadcastProblem.TEXT_LENGTH, len(cleaned))
    return cleaned


def _row_to_broadcast(row: aiosqlite.Row) -> Broadcast:
    created_at = from_db(row["created_at"])
    assert created_at is not None  # NOT NULL
    return Broadcast(
        id=row["id"],
        author_id=row["author_id"],
        organization_id=row["organization_id"],
        audience=Audience(AudienceKind(row["audience_kind"]), row["audience_target"]),
        text=row["text"],
        with_ack=bool(row["with_ack"]),
        status=BroadcastStatus(row["status"]),
        recipients=row["recipients"],
        created_at=created_at,
        reported_at=from_db(row["reported_at"]),
    )


_REPORT = """
SELECT COALESCE(SUM(status = 'sent'), 0) AS delivered,
       COALESCE(SUM(status = 'skipped' AND error IS NOT :cancelled), 0) AS blocked,
       COALESCE(SUM(status = 'skipped' AND error IS :cancelled), 0) AS cancelled,
       COALESCE(SUM(status = 'failed'), 0) AS failed,
       COALESCE(SUM(status IN ('pending', 'claimed')), 0) AS pending
FROM outbox WHERE event_key = :key
"""


async def _report_in(session: Session, broadcast: Broadcast) -> BroadcastReport:
    counts = await session.fetchone(
        _REPORT, {"key": event_key(broadcast.id), "cancelled": CANCELLED_ERROR}
    )
    assert counts is not None  # an aggregate always returns a row
    acknowledged = await session.scalar(
        "SELECT COUNT(*) FROM broadcast_acks WHERE broadcast_id = ?", (broadcast.id,)
    )
    return BroadcastReport(
        recipients=broadcast.recipients,
        delivered=int(counts["delivered"]),
        blocked=int(counts["blocked"]),
        failed=int(counts["failed"]),
        pending=int(counts["pending"]),
        acknowledged=int(acknowledged),
        cancelled=int(counts["cancelled"]),
    )


async def _summaries_in(session: Session, rows: Sequence[aiosqlite.Row]) -> list[BroadcastSummary]:
    broadcasts = [_row_to_broadcast(row) for row in rows]
    return [BroadcastSummary(b, await _report_in(session, b)) for b in broadcasts]


# --- cancelling (also used by bans) --------------------------------------------------------------


async def sending_ids_of(session: Session, author_id: int) -> list[int]:
    rows = await session.fetchall(
        "SELECT id FROM broadcasts WHERE author_id = ? AND status = 'sending' ORDER BY id",
        (author_id,),
    )
    return [row["id"] for row in rows]


async def cancel_in(session: Session, broadcast_ids: Sequence[int], now: datetime) -> int:
    """Cancel broadcasts still sending, inside the caller's transaction: copies not sent yet
    are skipped. Return how many copies were skipped. A copy the worker holds right now may
    still go out (the worker then marks it sent, which is the truth)."""
    stamp, skipped = to_db(now), 0
    for broadcast_id in broadcast_ids:
        skipped += await session.execute(
            "UPDATE outbox SET status = 'skipped', error = ?, updated_at = ?"
            " WHERE event_key = ? AND status IN ('pending', 'claimed')",
            (CANCELLED_ERROR, stamp, event_key(broadcast_id)),
        )
        await session.execute(
            "UPDATE broadcasts SET status = 'cancelled' WHERE id = ? AND status = 'sending'",
            (broadcast_id,),
        )
    return skipped


# --- the repository ------------------------------------------------------------------------------


# "Settled": no copy of broadcast b is pending or being sent. 'broadcast:' is EVENT_PREFIX; the
# outbox's UNIQUE (event_key, chat_id) index finds a broadcast's copies.
_UNREPORTED_SETTLED = """
SELECT b.* FROM broadcasts b
WHERE b.status = 'sending' AND b.reported_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_key = 'broadcast:' || b.id
                  AND o.status IN ('pending', 'claimed'))
ORDER BY b.id
"""

_CLAIM_REPORT = """
UPDATE broadcasts AS b SET status = 'done', reported_at = ?
WHERE b.id = ? AND b.status = 'sending' AND b.reported_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_key = 'broadcast:' || b.id
                  AND o.status IN ('pending', 'claimed'))
"""


class Broadcasts:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- audiences ---

    async def audience_chats(
        self, audience: Audience, sender: int | None = None
    ) -> list[AudienceChat]:
        """The chats a broadcast to this audience would be sent to, by chat id; never the
        `sender`'s own chat (an author does not receive their own notice)."""
        async with self._db.read() as session:
            return await audience_chats_in(session, audience, sender)

    async def size(self, audience: Audience, sender: int | None = None) -> AudienceSize:
        """How many chats `audience_chats` returns (the same query, counted), for the preview."""
        async with self._db.read() as session:
            return await audience_size_in(session, audience, sender)

    async def allows(self, permissions: Permissions, audience: Audience) -> bool:
        async with self._db.read() as session:
            return await allows_in(session, permissions, audience)

    # --- sending ---

    async def create(
        self,
        author: Permissions,
        organization_id: int | None,
        audience: Audience,
        text: str,
        with_ack: bool,
        render: Render,
        *,
        now: datetime | None = None,
        everyone_per_day: int | None = None,
    ) -> Broadcast:
        """Store the broadcast and enqueue one copy per audience chat (built by `render`) in
        one transaction, and audit it. `author` is the sender's Permissions (from
        Roles.permissions): the scope is enforced here too, whatever the handler checked.
        BroadcastNotAllowed if the author may not reach the audience or is banned;
        InvalidBroadcast for bad text or an unknown school / organization;
        EveryoneLimitReached if `everyone_per_day` broadcasts to everyone were sent in the last
        24 hours (counted in this transaction: two admins at once cannot both pass)."""
        cleaned = clean_broadcast_text(text)
        moment = now or utc_now()
        async with self._db.transaction() as session:
            await self._check_author(session, author, audience)
            if audience.kind is AudienceKind.EVERYONE and everyone_per_day is not None:
                await _check_everyone_cap(session, everyone_per_day, moment)
            broadcast = await self._insert(
                session, author.user_id, organization_id, audience, cleaned, with_ack, moment
            )
            chats = await audience_chats_in(session, audience, author.user_id)
            items = [_addressed(render(broadcast, chat), chat) for chat in chats]
            await enqueue(session, event_key(broadcast.id), items, now=moment)
            await session.execute(
                "UPDATE broadcasts SET recipients = ? WHERE id = ?", (len(items), broadcast.id)
            )
            await record(
                session, author.user_id, AuditAction.BROADCAST, broadcast_subject(broadcast.id),
                _broadcast_details(broadcast, len(items)), now=moment,
            )  # fmt: skip
        return replace(broadcast, recipients=len(items))

    @staticmethod
    async def _check_author(session: Session, author: Permissions, audience: Audience) -> None:
        if await _is_banned(session, author.user_id):
            raise BroadcastNotAllowed(f"user {author.user_id} is banned")
        if not await allows_in(session, author, audience):
            raise BroadcastNotAllowed(f"user {author.user_id} may not reach {audience}")

    @staticmethod
    async def _insert(
        session: Session,
        author_id: int,
        organization_id: int | None,
        audience: Audience,
        text: str,
        with_ack: bool,
        now: datetime,
    ) -> Broadcast:
        if organization_id is not None and (
            await session.scalar("SELECT 1 FROM organizations WHERE id = ?", (organization_id,))
            is None
        ):
            raise InvalidBroadcast(BroadcastProblem.UNKNOWN_ORGANIZATION, organization_id)
        broadcast_id = await session.insert(
            "INSERT INTO broadcasts (author_id, organization_id, audience_kind, audience_target,"
            " text, with_ack, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (author_id, organization_id, audience.kind.value, audience.target, text, with_ack,
             to_db(now)),
        )  # fmt: skip
        row = await session.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        assert row is not None  # just inserted
        return _row_to_broadcast(row)

    async def cancel(self, broadcast_id: int, actor_id: int | None) -> bool:
        """Stop a broadcast still sending: copies not sent yet are skipped. False if it was not
        sending (unknown, done or already cancelled)."""
        now = utc_now()
        async with self._db.transaction() as session:
            status = await session.scalar(
                "SELECT status FROM broadcasts WHERE id = ?", (broadcast_id,)
            )
            if status != BroadcastStatus.SENDING:
                return False
            skipped = await cancel_in(session, [broadcast_id], now)
            await record(
                session, actor_id, AuditAction.CANCEL_BROADCAST, broadcast_subject(broadcast_id),
                {"skipped_messages": skipped}, now=now,
            )  # fmt: skip
        return True

    # --- acknowledgements and reports ---

    async def ack(self, broadcast_id: int, chat_id: int) -> bool:
        """ "Recibido ✅" pressed in a chat: True the first time. False if already acknowledged,
        or if the broadcast is unknown, asked for no acknowledgement or was not sent there."""
        async with self._db.transaction() as session:
            added = await session.execute(
                "INSERT INTO broadcast_acks (broadcast_id, chat_id, acked_at)"
                " SELECT b.id, :chat, :now FROM broadcasts b WHERE b.id = :id AND b.with_ack = 1"
                " AND EXISTS (SELECT 1 FROM outbox o WHERE o.event_key = :key"
                "  AND o.chat_id = :chat)"
                " ON CONFLICT (broadcast_id, chat_id) DO NOTHING",
                {
                    "id": broadcast_id,
                    "chat": chat_id,
                    "key": event_key(broadcast_id),
                    "now": to_db(utc_now()),
                },
            )
        return added > 0

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else _row_to_broadcast(row)

    async def report(self, broadcast_id: int) -> BroadcastReport | None:
        """Live counts; None if the broadcast is unknown."""
        async with self._db.read() as session:
            row = await session.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
            return None if row is None else await _report_in(session, _row_to_broadcast(row))

    async def reports_due(self) -> list[BroadcastSummary]:
        """Broadcasts still sending whose every copy reached an outcome, with their final counts:
        their author's report is due (read outside any write, so it can be composed there)."""
        async with self._db.read() as session:
            rows = await session.fetchall(_UNREPORTED_SETTLED)
            return await _summaries_in(session, rows)

    async def mark_reported(self, broadcast_id: int, report: OutboxItem | None = None) -> bool:
        """Claim the final report of a settled broadcast: True once, False ever after (or if it
        is not settled, or cancelled). With `report` (composed beforehand), the message is
        enqueued in the same transaction, so it is sent exactly once even across a crash."""
        async with self._db.transaction() as session:
            claimed = await session.execute(_CLAIM_REPORT, (to_db(utc_now()), broadcast_id))
            if claimed and report is not None:
                await enqueue(session, f"{REPORT_EVENT_PREFIX}{broadcast_id}", [report])
        return claimed > 0

    # --- history and limits ---

    async def of_author(self, author_id: int, limit: int = 10) -> list[BroadcastSummary]:
        """The author's latest broadcasts, newest first, with live counts (/difusiones)."""
        async with self._db.read() as session:
            rows = await session.fetchall(
                "SELECT * FROM broadcasts WHERE author_id = ? ORDER BY id DESC LIMIT ?",
                (author_id, limit),
            )
            return await _summaries_in(session, rows)

    async def recent(self, limit: int = 20) -> list[BroadcastSummary]:
        """Everyone's latest broadcasts, newest first (/difusiones for admins)."""
        async with self._db.read() as session:
            rows = await session.fetchall(
                "SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,)
            )
            return await _summaries_in(session, rows)

    async def count_since(self, author_id: int, since: datetime) -> int:
        """Broadcasts the author created since `since`, cancelled ones included."""
        count = await self._db.scalar(
            "SELECT COUNT(*) FROM broadcasts WHERE author_id = ? AND created_at >= ?",
            (author_id, to_db(since)),
        )
        return int(count)

    async def count_everyone_since(self, since: datetime) -> int:
        """'Everyone' broadcasts by anybody since `since`: the cap is for the whole bot."""
        async with self._db.read() as session:
            return await _everyone_since(session, since)


async def _everyone_since(session: Session, since: datetime) -> int:
    count = await session.scalar(
        "SELECT COUNT(*) FROM broadcasts WHERE audience_kind = 'everyone' AND created_at >= ?",
        (to_db(since),),
    )
    return int(count)


async def _check_everyone_cap(session: Session, per_day: int, moment: datetime) -> None:
    sent = await _everyone_since(session, moment - timedelta(days=1))
    if sent >= per_day:
        raise EveryoneLimitReached(f"{sent} broadcasts to everyone in the last day")


def _addressed(item: OutboxItem, chat: AudienceChat) -> OutboxItem:
    """A render that addressed another chat would break the preview == recipients promise."""
    if item.chat_id != chat.chat_id:
        raise ValueError(f"render returned a message for chat {item.chat_id}, not {chat.chat_id}")
    return item


def _broadcast_details(broadcast: Broadcast, recipients: int) -> dict[str, Any]:
    return {
        "audience": broadcast.audience.kind.value,
        "target": broadcast.audience.target,
        "organization_id": broadcast.organization_id,
        "recipients": recipients,
        "with_ack": broadcast.with_ack,
        "chars": len(broadcast.text),
    }
