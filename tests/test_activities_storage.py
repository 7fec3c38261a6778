"""Activities against a real SQLite file: validation, clashes, who is active at a school, editing,
and the reminder / check-in claims the periodic job relies on to send each message once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.registry_import import load_sample_schools
from bot.domain.school_life import load_school_life, load_school_lives
from storage import Storage
from storage.activities import (
    CLAIM_BATCH,
    Activity,
    ActivityNotFound,
    ActivityNotScheduled,
    ActivityStatus,
    Category,
    DueMessage,
    InvalidActivity,
    InvalidReason,
    NewActivity,
)
from storage.activity_events import Change, Notice
from storage.models import OrgKind
from storage.outbox import OutboxItem
from tests.helpers import school_id_of

NOW = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
AUTHOR = 501
TEACHER = 502


@dataclass(frozen=True)
class World:
    """Schools of the synthetic registry and two organizations, by role in the tests."""

    primaria: int  # 9000001, building 900001
    secundaria: int  # 9000111, same building 900001
    elsewhere: int  # 9000002, building 900002
    ayni: int
    cuna: int


@pytest.fixture
async def world(storage: Storage) -> World:
    await load_sample_schools(storage)
    await storage.members.record_consent(AUTHOR, "es")
    await storage.members.set_name(AUTHOR, "Rosa Quispe")
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, created_by=AUTHOR)
    cuna = await storage.organizations.create("Cuna Más", OrgKind.INSTITUTION, created_by=AUTHOR)
    return World(
        primaria=await school_id_of(storage, "9000001"),
        secundaria=await school_id_of(storage, "9000111"),
        elsewhere=await school_id_of(storage, "9000002"),
        ayni=ayni.id,
        cuna=cuna.id,
    )


def new_activity(
    school_id: int,
    starts_at: datetime,
    *,
    duration: timedelta = 2 * HOUR,
    org_id: int | None = None,
    author_id: int = AUTHOR,
    title: str = "Campaña de salud visual",
    description: str | None = None,
    category: Category = Category.SALUD,
) -> NewActivity:
    return NewActivity(
        school_id=school_id,
        organization_id=org_id,
        author_id=author_id,
        title=title,
        description=description,
        category=category,
        starts_at=starts_at,
        ends_at=starts_at + duration,
    )


async def announce(storage: Storage, school_id: int, starts_at: datetime, **kw: Any) -> Activity:
    return await storage.activities.create(new_activity(school_id, starts_at, **kw))


def to_authors(due: list[Activity]) -> list[DueMessage]:
    """A message to each author naming the activity (the job composes the real texts)."""
    return [DueMessage(a, OutboxItem(a.author_id or 0, f"{a.id}: {a.title}")) for a in due]


async def claim_reminders(
    storage: Storage, now: datetime, lead: timedelta, *, limit: int = CLAIM_BATCH
) -> list[Activity]:
    """As the periodic job does: read what is due, compose, then claim and enqueue."""
    due = await storage.activities.due_reminders(now, lead, limit=limit)
    return await storage.activities.claim_reminders(now, lead, to_authors(due))


async def claim_checkins(storage: Storage, now: datetime) -> list[Activity]:
    due = await storage.activities.due_checkins(now)
    return await storage.activities.claim_checkins(now, to_authors(due))


# --- create and validation ------------------------------------------------------------------


async def test_create_cleans_and_returns_the_activity(storage: Storage, world: World) -> None:
    created = await announce(
        storage,
        world.primaria,
        NOW + DAY,
        org_id=world.ayni,
        title="  Campaña\u200b  de   lectura ",
        description=" Traer:\n  cuadernos  \n\n",
        category=Category.LECTURA,
    )
    assert created.title == "Campaña de lectura"
    assert created.description == "Traer:\ncuadernos"
    assert created.status is ActivityStatus.SCHEDULED and created.participants is None
    assert created.starts_at == NOW + DAY and created.starts_at.tzinfo is not None
    assert (created.organization_name, created.author_name) == ("Fundación Ayni", "Rosa Quispe")
    assert created.codlocal == "900001"
    assert created.school_name == "I.E. N° 2045 José Carlos Mariátegui"
    assert await storage.activities.get(created.id) == created
    assert await storage.activities.get(created.id + 1) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Feria\tde ciencias", "Feria de ciencias"),
        ("Feria de\nciencias", "Feria de ciencias"),
        ("Feria de\r\nciencias", "Feria de ciencias"),
        ("  Feria\u200b de  ciencias\x00 ", "Feria de ciencias"),
    ],
)
async def test_titles_are_one_clean_line(
    storage: Storage, world: World, typed: str, stored: str
) -> None:
    assert (await announce(storage, world.primaria, NOW, title=typed)).title == stored


async def test_limits_are_inclusive(storage: Storage, world: World) -> None:
    created = await announce(
        storage,
        world.primaria,
        NOW,
        title="t" * 120,
        description="d" * 1000,
        duration=timedelta(seconds=1),
    )
    assert len(created.title) == 120 and created.description is not None
    assert created.ends_at - created.starts_at == timedelta(seconds=1)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": ""}, InvalidReason.TITLE_LENGTH),
        ({"title": " \u200b "}, InvalidReason.TITLE_LENGTH),
        ({"title": "t" * 121}, InvalidReason.TITLE_LENGTH),
        ({"description": "d" * 1001}, InvalidReason.DESCRIPTION_LENGTH),
        ({"duration": timedelta(0)}, InvalidReason.END_BEFORE_START),
        ({"duration": -HOUR}, InvalidReason.END_BEFORE_START),
        # Equal once stored to the second, as the CHECK constraint would see them.
        ({"duration": timedelta(milliseconds=500)}, InvalidReason.END_BEFORE_START),
        ({"school_id": 10**9}, InvalidReason.UNKNOWN_SCHOOL),
        ({"org_id": 10**9}, InvalidReason.UNKNOWN_ORGANIZATION),
        ({"category": "futbol"}, InvalidReason.UNKNOWN_CATEGORY),
    ],
)
async def test_invalid_activities_are_refused_with_a_reason(
    storage: Storage, world: World, changes: dict[str, Any], reason: InvalidReason
) -> None:
    fields = {name: value for name, value in changes.items() if name != "school_id"}
    with pytest.raises(InvalidActivity) as refused:
        await announce(storage, changes.get("school_id", world.primaria), NOW, **fields)
    assert refused.value.reason is reason
    assert await storage.db.scalar("SELECT count(*) FROM activities") == 0


async def test_naive_times_are_a_programming_error(storage: Storage, world: World) -> None:
    with pytest.raises(ValueError, match="naive"):
        await announce(storage, world.primaria, datetime(2026, 5, 4, 10, 0))


# --- clashes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "start_hour", "end_hour", "clashes"),
    [
        ("primaria", 11, 13, True),  # overlaps the end of 10:00-12:00
        ("primaria", 9, 10.5, True),  # overlaps its start
        ("primaria", 10.5, 11, True),  # inside it
        ("primaria", 8, 14, True),  # around it
        ("secundaria", 11, 13, True),  # another service of the same building (CODLOCAL)
        ("elsewhere", 11, 13, False),  # another building
        ("primaria", 12, 14, False),  # starts when it ends
        ("primaria", 8, 10, False),  # ends when it starts
    ],
)
async def test_clashes_by_school_and_building(
    storage: Storage, world: World, where: str, start_hour: float, end_hour: float, clashes: bool
) -> None:
    day = NOW.replace(hour=0) + DAY
    existing = await announce(storage, world.primaria, day + 10 * HOUR)
    found = await storage.activities.clashes(
        getattr(world, where), day + start_hour * HOUR, day + end_hour * HOUR
    )
    assert [activity.id for activity in found] == ([existing.id] if clashes else [])


async def test_clashes_skip_cancelled_and_the_excluded_and_are_ordered(
    storage: Storage, world: World
) -> None:
    later = await announce(storage, world.secundaria, NOW + 2 * HOUR)
    earlier = await announce(storage, world.primaria, NOW + HOUR)
    cancelled = await announce(storage, world.primaria, NOW + HOUR)
    await storage.activities.cancel(cancelled.id)
    found = await storage.activities.clashes(world.primaria, NOW, NOW + DAY)
    assert [a.id for a in found] == [earlier.id, later.id]
    moving = await storage.activities.clashes(world.primaria, NOW, NOW + DAY, exclude_id=earlier.id)
    assert [a.id for a in moving] == [later.id]


async def test_schools_without_codlocal_clash_only_with_themselves(
    storage: Storage, world: World
) -> None:
    async with storage.db.transaction() as session:
        await session.execute(
            "UPDATE schools SET codlocal = NULL WHERE id IN (?, ?)",
            (world.primaria, world.elsewhere),
        )
    await announce(storage, world.elsewhere, NOW)
    assert await storage.activities.clashes(world.primaria, NOW, NOW + HOUR) == []
    assert len(await storage.activities.clashes(world.elsewhere, NOW, NOW + HOUR)) == 1


# --- listings -------------------------------------------------------------------------------


async def test_upcoming_at_school_is_scheduled_not_over_by_start(
    storage: Storage, world: World
) -> None:
    in_progress = await announce(storage, world.primaria, NOW - HOUR)
    await announce(storage, world.primaria, NOW - 3 * HOUR)  # over
    cancelled = await announce(storage, world.primaria, NOW + HOUR)
    await storage.activities.cancel(cancelled.id)
    await announce(storage, world.secundaria, NOW + HOUR)  # same building, other school
    future = [await announce(storage, world.primaria, NOW + days * DAY) for days in (5, 2, 9, 1, 3)]
    upcoming = await storage.activities.upcoming_at_school(world.primaria, NOW)
    by_start = sorted(future, key=lambda a: a.starts_at)
    assert [a.id for a in upcoming] == [in_progress.id] + [a.id for a in by_start[:4]]
    assert all(a.is_upcoming(NOW) for a in upcoming)
    assert len(await storage.activities.upcoming_at_school(world.primaria, NOW, limit=20)) == 6


async def test_upcoming_for_organization_and_for_author(storage: Storage, world: World) -> None:
    ours = await announce(storage, world.primaria, NOW + DAY, org_id=world.ayni)
    theirs = await announce(storage, world.elsewhere, NOW + DAY, org_id=world.cuna, author_id=7)
    own = await announce(storage, world.elsewhere, NOW + 2 * DAY, author_id=TEACHER)
    await announce(storage, world.primaria, NOW - DAY, org_id=world.ayni)  # past
    by_org = await storage.activities.upcoming_for_organization(world.ayni, NOW)
    assert [a.id for a in by_org] == [ours.id]
    assert [a.id for a in await storage.activities.upcoming_for_author(AUTHOR, NOW)] == [ours.id]
    assert [a.id for a in await storage.activities.upcoming_for_author(TEACHER, NOW)] == [own.id]
    assert theirs.is_managed_by(AUTHOR, world.cuna) and not theirs.is_managed_by(AUTHOR, None)
    assert own.is_managed_by(TEACHER, None) and not own.is_managed_by(AUTHOR, world.ayni)


async def test_recent_schools_of_author_are_distinct_latest_first(
    storage: Storage, world: World
) -> None:
    for school_id in (world.primaria, world.elsewhere, world.primaria, world.secundaria):
        await announce(storage, school_id, NOW)
    await announce(storage, world.elsewhere, NOW, author_id=TEACHER)
    recent = await storage.activities.recent_schools_of_author(AUTHOR)
    assert recent == [world.secundaria, world.primaria, world.elsewhere]
    assert await storage.activities.recent_schools_of_author(AUTHOR, limit=1) == [world.secundaria]


# --- who is active at a school --------------------------------------------------------------


async def test_organizations_at_school_counts_last_and_next(storage: Storage, world: World) -> None:
    at = world.primaria
    await announce(storage, at, NOW - 400 * DAY, org_id=world.ayni)  # outside the 12 months
    await announce(storage, at, NOW - 30 * DAY, org_id=world.ayni)
    await announce(storage, at, NOW + 2 * DAY, org_id=world.ayni)
    await announce(storage, at, NOW + 9 * DAY, org_id=world.ayni)
    await announce(storage, at, NOW - 10 * DAY, org_id=world.cuna)
    await announce(storage, at, NOW - 20 * DAY, org_id=world.cuna)
    await announce(storage, at, NOW + 5 * DAY, author_id=TEACHER)  # the school's own teachers
    await announce(storage, world.secundaria, NOW + DAY, org_id=world.cuna)  # other school
    presence = await storage.activities.organizations_at_school(at, NOW)
    summary = [(p.name, p.kind, p.activities, p.last_at, p.next_at) for p in presence]
    assert summary == [
        ("Fundación Ayni", OrgKind.NGO, 3, NOW - 30 * DAY, NOW + 2 * DAY),
        (None, None, 1, None, NOW + 5 * DAY),
        ("Cuna Más", OrgKind.INSTITUTION, 2, NOW - 10 * DAY, None),
    ]
    assert presence[1].is_school_teachers and not presence[0].is_school_teachers
    assert await storage.activities.counts_at_school(at, NOW) == (3, 2)


@pytest.mark.parametrize(
    ("started_days_ago", "active"), [(364, True), (365, True), (366, False), (-1, True)]
)
async def test_organizations_at_school_window_is_twelve_months(
    storage: Storage, world: World, started_days_ago: int, active: bool
) -> None:
    await announce(storage, world.primaria, NOW - started_days_ago * DAY, org_id=world.ayni)
    presence = await storage.activities.organizations_at_school(world.primaria, NOW)
    assert [p.organization_id for p in presence] == ([world.ayni] if active else [])


async def test_cancelled_and_rescheduled_do_not_make_an_organization_active(
    storage: Storage, world: World
) -> None:
    cancelled = await announce(storage, world.primaria, NOW + DAY, org_id=world.ayni)
    await storage.activities.cancel(cancelled.id)
    moved = await announce(storage, world.primaria, NOW - DAY, org_id=world.cuna)
    await storage.activities.record_outcome(moved.id, ActivityStatus.RESCHEDULED)
    assert await storage.activities.organizations_at_school(world.primaria, NOW) == []
    assert await storage.activities.counts_at_school(world.primaria, NOW) == (0, 0)


# --- update, cancel -------------------------------------------------------------------------


async def test_update_changes_only_what_is_given(storage: Storage, world: World) -> None:
    created = await announce(storage, world.primaria, NOW + DAY, description="Traer DNI")
    renamed = await storage.activities.update(created.id, title=" Nueva  fecha ")
    assert (renamed.title, renamed.description, renamed.starts_at) == (
        "Nueva fecha",
        "Traer DNI",
        created.starts_at,
    )
    cleared = await storage.activities.update(created.id, description="  ")
    assert cleared.description is None
    longer = await storage.activities.update(created.id, ends_at=created.ends_at + HOUR)
    assert (longer.starts_at, longer.ends_at) == (created.starts_at, created.ends_at + HOUR)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": ""}, InvalidReason.TITLE_LENGTH),
        ({"description": "d" * 1001}, InvalidReason.DESCRIPTION_LENGTH),
        ({"starts_at": NOW + 3 * DAY}, InvalidReason.END_BEFORE_START),  # after the kept end
        ({"ends_at": NOW}, InvalidReason.END_BEFORE_START),
    ],
)
async def test_update_validates_like_create(
    storage: Storage, world: World, changes: dict[str, Any], reason: InvalidReason
) -> None:
    created = await announce(storage, world.primaria, NOW + DAY)
    with pytest.raises(InvalidActivity) as refused:
        await storage.activities.update(created.id, **changes)
    assert refused.value.reason is reason
    assert await storage.activities.get(created.id) == created


async def test_new_time_gets_a_new_reminder_and_checkin(storage: Storage, world: World) -> None:
    created = await announce(storage, world.primaria, NOW + HOUR, duration=HOUR)
    assert await claim_reminders(storage, NOW, DAY) != []
    assert await claim_checkins(storage, NOW + 3 * HOUR) != []
    await storage.activities.update(created.id, title="Solo el título")
    assert await claim_reminders(storage, NOW, DAY) == []
    assert await claim_checkins(storage, NOW + 3 * HOUR) == []
    await storage.activities.update(created.id, starts_at=NOW + 2 * HOUR, ends_at=NOW + 3 * HOUR)
    assert [a.id for a in await claim_reminders(storage, NOW, DAY)] == [created.id]
    checkins = await claim_checkins(storage, NOW + 4 * HOUR)
    assert [a.id for a in checkins] == [created.id]


async def test_cancel_once_with_a_reason(storage: Storage, world: World) -> None:
    created = await announce(storage, world.primaria, NOW + DAY)
    cancelled = await storage.activities.cancel(created.id, "  Paro de\ntransportistas ")
    assert cancelled.status is ActivityStatus.CANCELLED
    assert cancelled.cancel_reason == "Paro de transportistas"
    assert not cancelled.is_upcoming(NOW)
    with pytest.raises(ActivityNotScheduled) as again:
        await storage.activities.cancel(created.id)
    assert again.value.status is ActivityStatus.CANCELLED
    with pytest.raises(ActivityNotScheduled):
        await storage.activities.update(created.id, title="Otra")
    with pytest.raises(InvalidActivity) as too_long:
        await storage.activities.cancel(
            (await announce(storage, world.primaria, NOW)).id, "r" * 301
        )
    assert too_long.value.reason is InvalidReason.CANCEL_REASON_LENGTH


async def test_missing_activity(storage: Storage, world: World) -> None:
    with pytest.raises(ActivityNotFound):
        await storage.activities.cancel(404)
    with pytest.raises(ActivityNotFound):
        await storage.activities.update(404, title="x")
    with pytest.raises(ActivityNotFound):
        await storage.activities.record_outcome(404, ActivityStatus.DONE)


# --- reminders and check-ins ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_in", "due"),
    [
        (23 * HOUR, True),
        (DAY, True),  # exactly `lead` ahead
        (DAY + timedelta(seconds=1), False),
        (timedelta(seconds=1), True),
        (timedelta(0), False),  # starting now: too late for a reminder
        (-HOUR, False),
    ],
)
async def test_reminder_window(
    storage: Storage, world: World, starts_in: timedelta, due: bool
) -> None:
    await announce(storage, world.primaria, NOW + starts_in)
    assert len(await claim_reminders(storage, NOW, DAY)) == (1 if due else 0)


async def test_reminders_skip_cancelled_and_forgotten_authors(
    storage: Storage, world: World
) -> None:
    cancelled = await announce(storage, world.primaria, NOW + HOUR)
    await storage.activities.cancel(cancelled.id)
    await announce(storage, world.primaria, NOW + HOUR, author_id=TEACHER)
    await storage.members.record_consent(TEACHER, "es")
    await storage.personal_data.forget(TEACHER)
    assert await claim_reminders(storage, NOW, DAY) == []


async def test_each_reminder_is_claimed_once_even_concurrently(
    storage: Storage, world: World
) -> None:
    created = [await announce(storage, world.primaria, NOW + n * HOUR) for n in (1, 2, 3)]
    batches = await asyncio.gather(*(claim_reminders(storage, NOW, DAY) for _ in range(5)))
    claimed = [a.id for batch in batches for a in batch]
    assert sorted(claimed) == [a.id for a in created]
    assert await claim_reminders(storage, NOW + HOUR / 2, DAY) == []
    stamp = await storage.db.scalar("SELECT DISTINCT reminder_sent_at FROM activities")
    assert stamp == NOW.isoformat()


async def test_claims_hold_across_connections(storage: Storage, world: World) -> None:
    """Two processes on one file (a deploy overlapping the old bot): BEGIN IMMEDIATE decides."""
    other = Storage(storage.db.path)
    await other.open()
    try:
        for n in range(10):
            await announce(storage, world.primaria, NOW - DAY + n * HOUR)
        batches = await asyncio.gather(
            claim_checkins(storage, NOW),
            claim_checkins(other, NOW),
            claim_checkins(storage, NOW),
        )
    finally:
        await other.close()
    assert sorted(len(batch) for batch in batches) == [0, 0, 10]


@pytest.mark.parametrize(
    ("ended_ago", "due"),
    [
        (timedelta(0), True),  # ends exactly now
        (HOUR, True),
        (7 * DAY - timedelta(seconds=1), True),
        (7 * DAY, False),  # the bot was offline too long: no stale question
        (-HOUR, False),  # still going on
    ],
)
async def test_checkin_window(
    storage: Storage, world: World, ended_ago: timedelta, due: bool
) -> None:
    await announce(storage, world.primaria, NOW - ended_ago - 2 * HOUR)
    claimed = await claim_checkins(storage, NOW)
    assert len(claimed) == (1 if due else 0)
    assert await claim_checkins(storage, NOW) == []


async def test_checkins_are_claimed_once_and_skip_answered(storage: Storage, world: World) -> None:
    first = await announce(storage, world.primaria, NOW - 3 * HOUR)
    answered = await announce(storage, world.primaria, NOW - 3 * HOUR)
    await storage.activities.record_outcome(answered.id, ActivityStatus.DONE, 12)
    batches = await asyncio.gather(*(claim_checkins(storage, NOW) for _ in range(4)))
    assert sorted(a.id for batch in batches for a in batch) == [first.id]


async def test_claims_respect_the_batch_limit(storage: Storage, world: World) -> None:
    for n in range(3):
        await announce(storage, world.primaria, NOW + (n + 1) * HOUR)
    first = await claim_reminders(storage, NOW, DAY, limit=2)
    rest = await claim_reminders(storage, NOW, DAY, limit=2)
    assert (len(first), len(rest)) == (2, 1)
    assert first[0].starts_at < first[1].starts_at < rest[0].starts_at


# --- events for followers ---------------------------------------------------------------------


async def test_a_change_records_its_event_in_its_own_write(storage: Storage, world: World) -> None:
    """Created, updated and cancelled: one event each, written with the change or not at all;
    the heads-ups go to the outbox right away."""
    heads_up = OutboxItem(TEACHER, "Aviso: otra actividad a la misma hora")
    notice = Notice(Change.CREATED, AUTHOR, NOW, [heads_up])
    created = await storage.activities.create(
        new_activity(world.primaria, NOW + DAY), notice=notice
    )
    with pytest.raises(InvalidActivity):  # refused: neither the activity nor its event
        await storage.activities.create(new_activity(404, NOW + DAY), notice=notice)
    updated = await storage.activities.update(
        created.id, title="Otra", notice=Notice(Change.UPDATED, TEACHER, NOW)
    )
    cancelled = Notice(Change.CANCELLED, None, NOW)
    await storage.activities.cancel(created.id, notice=cancelled)
    with pytest.raises(ActivityNotScheduled):  # a second cancel is refused: no second event
        await storage.activities.cancel(created.id, notice=cancelled)
    pending = await storage.activity_events.pending()
    assert [(e.activity_id, e.change, e.actor_id, e.at) for e in pending] == [
        (created.id, Change.CREATED, AUTHOR, NOW),
        (created.id, Change.UPDATED, TEACHER, NOW),
        (created.id, Change.CANCELLED, None, NOW),
    ]
    assert pending[1].event_key == f"activity:{created.id}:updated:{updated.updated_at.isoformat()}"
    assert await outbox_rows(storage) == [
        (f"heads-up:{created.id}", TEACHER, "Aviso: otra actividad a la misma hora")
    ]


async def test_an_event_is_finished_once(storage: Storage, world: World) -> None:
    """Two callers finishing the same event (the handler and the minute job): one enqueues."""
    await storage.activities.create(
        new_activity(world.primaria, NOW + DAY), notice=Notice(Change.CREATED, AUTHOR, NOW)
    )
    (event,) = await storage.activity_events.pending()
    item = OutboxItem(TEACHER, "Nueva actividad")
    finished = await asyncio.gather(
        *(storage.activity_events.finish(event, [item], []) for _ in range(3))
    )
    assert sorted(finished) == [False, False, True]
    assert await storage.activity_events.pending() == []
    assert await outbox_rows(storage) == [(event.event_key, TEACHER, "Nueva actividad")]


async def test_forgetting_the_actor_of_a_waiting_event(storage: Storage, world: World) -> None:
    await storage.members.record_consent(TEACHER, "es")
    await storage.activities.create(
        new_activity(world.primaria, NOW + DAY), notice=Notice(Change.CREATED, TEACHER, NOW)
    )
    await storage.personal_data.forget(TEACHER)
    (event,) = await storage.activity_events.pending()
    assert event.actor_id is None


async def outbox_rows(storage: Storage) -> list[tuple[str, int, str]]:
    rows = await storage.db.fetchall("SELECT event_key, chat_id, text FROM outbox ORDER BY id")
    return [tuple(row) for row in rows]


async def test_claimed_means_queued_once(storage: Storage, world: World) -> None:
    created = await announce(storage, world.primaria, NOW + HOUR)
    batches = await asyncio.gather(*(claim_reminders(storage, NOW, DAY) for _ in range(3)))
    assert [a.id for batch in batches for a in batch] == [created.id]
    assert await outbox_rows(storage) == [
        (
            f"reminder:{created.id}:{(NOW + HOUR).isoformat()}",
            AUTHOR,
            f"{created.id}: Campaña de salud visual",
        )
    ]


async def test_an_activity_edited_after_it_was_read_is_claimed_next_time(
    storage: Storage, world: World
) -> None:
    """A reminder composed from the old title (even within the same second: updated_at has a
    resolution of one second) is dropped, never sent: the next run composes the new one."""
    created = await announce(storage, world.primaria, NOW + HOUR)
    stale = to_authors(await storage.activities.due_reminders(NOW, DAY))
    await storage.activities.update(created.id, title="Taller nuevo")
    assert await storage.activities.claim_reminders(NOW, DAY, stale) == []
    assert await outbox_rows(storage) == []
    assert [a.title for a in await claim_reminders(storage, NOW, DAY)] == ["Taller nuevo"]
    assert [text for _, _, text in await outbox_rows(storage)] == [f"{created.id}: Taller nuevo"]


# --- outcomes -------------------------------------------------------------------------------


async def test_outcome_yes_then_count(storage: Storage, world: World) -> None:
    created = await announce(storage, world.primaria, NOW - 3 * HOUR)
    done = await storage.activities.record_outcome(created.id, ActivityStatus.DONE)
    assert (done.status, done.participants) == (ActivityStatus.DONE, None)
    counted = await storage.activities.record_outcome(created.id, ActivityStatus.DONE, 35)
    assert counted.participants == 35
    tapped_again = await storage.activities.record_outcome(created.id, ActivityStatus.DONE)
    assert tapped_again.participants == 35
    corrected = await storage.activities.record_outcome(created.id, ActivityStatus.NOT_HELD)
    assert (corrected.status, corrected.participants) == (ActivityStatus.NOT_HELD, None)


@pytest.mark.parametrize(
    ("status", "participants", "reason"),
    [
        (ActivityStatus.SCHEDULED, None, InvalidReason.NOT_AN_OUTCOME),
        (ActivityStatus.CANCELLED, None, InvalidReason.NOT_AN_OUTCOME),
        (ActivityStatus.NOT_HELD, 3, InvalidReason.PARTICIPANTS),
        (ActivityStatus.RESCHEDULED, 0, InvalidReason.PARTICIPANTS),
        (ActivityStatus.DONE, -1, InvalidReason.PARTICIPANTS),
        (ActivityStatus.DONE, 100_001, InvalidReason.PARTICIPANTS),
    ],
)
async def test_invalid_outcomes(
    storage: Storage,
    world: World,
    status: ActivityStatus,
    participants: int | None,
    reason: InvalidReason,
) -> None:
    created = await announce(storage, world.primaria, NOW - 3 * HOUR)
    with pytest.raises(InvalidActivity) as refused:
        await storage.activities.record_outcome(created.id, status, participants)
    assert refused.value.reason is reason


@pytest.mark.parametrize("participants", [0, 100_000])
async def test_participant_limits_are_inclusive(
    storage: Storage, world: World, participants: int
) -> None:
    created = await announce(storage, world.primaria, NOW - 3 * HOUR)
    done = await storage.activities.record_outcome(created.id, ActivityStatus.DONE, participants)
    assert done.participants == participants


async def test_cancelled_activity_has_no_outcome(storage: Storage, world: World) -> None:
    created = await announce(storage, world.primaria, NOW - 3 * HOUR)
    await storage.activities.cancel(created.id)
    with pytest.raises(ActivityNotScheduled):
        await storage.activities.record_outcome(created.id, ActivityStatus.DONE, 5)


# --- privacy --------------------------------------------------------------------------------


async def test_export_lists_and_forget_anonymises_activities(
    storage: Storage, world: World
) -> None:
    created = await announce(storage, world.primaria, NOW + DAY, org_id=world.ayni)
    exported = await storage.personal_data.export(AUTHOR)
    assert exported is not None
    [listed] = exported["activities_announced"]
    assert (listed["id"], listed["cod_mod"], listed["title"]) == (
        created.id,
        "9000001",
        created.title,
    )
    assert (listed["starts_at"], listed["status"]) == ((NOW + DAY).isoformat(), "scheduled")
    assert await storage.personal_data.forget(AUTHOR)
    assert await storage.personal_data.export(AUTHOR) is None
    kept = await storage.activities.get(created.id)
    assert kept is not None and (kept.author_id, kept.author_name) == (None, None)
    assert kept.organization_id == world.ayni
    assert await storage.activities.upcoming_for_author(AUTHOR, NOW) == []
    assert await storage.activities.recent_schools_of_author(AUTHOR) == []


# --- many schools at once (inline results) ---------------------------------------------------


async def test_school_lives_in_bulk_equal_one_by_one(storage: Storage, world: World) -> None:
    await announce(storage, world.primaria, NOW + 2 * DAY, org_id=world.ayni)
    await announce(storage, world.secundaria, NOW - 30 * DAY, org_id=world.cuna)
    await storage.members.record_consent(TEACHER, "es")
    await storage.members.set_school(TEACHER, world.elsewhere)
    quiet = await school_id_of(storage, "9000003")
    ids = [world.primaria, world.secundaria, world.elsewhere, quiet]

    lives = await load_school_lives(storage, ids, NOW)

    assert lives == {i: await load_school_life(storage, i, NOW) for i in ids}
    assert lives[world.primaria].upcoming and lives[world.secundaria].organizations


async def test_an_activity_over_several_days_keeps_its_daily_hours(
    storage: Storage, world: World
) -> None:
    """Migration 0010: repeats_daily is written, read back, and defaults to one stretch."""
    three_days = new_activity(world.primaria, NOW + DAY, duration=2 * DAY + 4 * HOUR)
    campaign = await storage.activities.create(replace(three_days, repeats_daily=True))
    plain = await announce(storage, world.primaria, NOW + 5 * DAY)
    assert campaign.repeats_daily and not plain.repeats_daily
    assert await storage.activities.get(campaign.id) == campaign
    found = await storage.activities.clashes(world.primaria, NOW + 2 * DAY, NOW + 2 * DAY + HOUR)
    assert [a.id for a in found] == [campaign.id]  # storage finds the span; the domain the hours


async def test_a_campaign_is_reminded_before_its_first_day_and_checked_after_its_last(
    storage: Storage, world: World
) -> None:
    three_days = new_activity(world.primaria, NOW + DAY, duration=2 * DAY + 4 * HOUR)
    campaign = await storage.activities.create(replace(three_days, repeats_daily=True))
    reminded = await storage.activities.due_reminders(NOW + 2 * HOUR, DAY)
    assert [a.id for a in reminded] == [campaign.id]  # a day before the first day
    assert await storage.activities.due_checkins(NOW + 2 * DAY) == []  # its second day
    checked = await storage.activities.due_checkins(NOW + 3 * DAY + 5 * HOUR)
    assert [a.id for a in checked] == [campaign.id]  # once the last day is over
