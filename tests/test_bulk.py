"""storage.bulk and bench.generate_population at small scale: the bulk-loaded population passes
the schema's constraints and reads back through the normal repositories as if the bot wrote it."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.generate_population import (
    JOB_TICK_S,
    NOW,
    REMINDER_LEAD,
    Sizes,
    build_population,
    generate_population,
    main,
)
from bot.domain.registry_import import load_sample_schools
from storage import Storage
from storage.activities import PRESENCE_WINDOW, ActivityStatus, InvalidActivity
from storage.bulk import (
    BulkData,
    BulkMember,
    InvalidBulkRow,
    PopulationSchool,
    active_schools,
    load,
    table_counts,
)
from storage.follows import FollowKind, FollowMode, recipients_in
from storage.models import Role

SIZES = Sizes(people=200, activities=400)
DUMP = (
    "SELECT * FROM organizations ORDER BY id",
    "SELECT * FROM members ORDER BY user_id",
    "SELECT * FROM chats ORDER BY id",
    "SELECT * FROM follows ORDER BY chat_id, kind, target",
    "SELECT * FROM activities ORDER BY id",
)


@dataclass
class Loaded:
    storage: Storage
    data: BulkData


@pytest.fixture
async def loaded(storage: Storage) -> Loaded:
    await load_sample_schools(storage)
    schools = await active_schools(storage.db)
    data = generate_population(schools, sizes=SIZES, seed=11)
    await load(storage.db, data, batch_size=64)  # several batches per table
    return Loaded(storage, data)


async def test_everything_is_loaded_with_foreign_keys_on(loaded: Loaded) -> None:
    db, data = loaded.storage.db, loaded.data
    assert await db.scalar("PRAGMA foreign_keys") == 1
    assert await db.fetchall("PRAGMA foreign_key_check") == []
    counts = await table_counts(db)
    assert counts == {
        "schools": len(await active_schools(db)),
        "organizations": len(data.organizations),
        "members": 200,
        "chats": len(data.chats),
        "follows": len(data.follows),
        "activities": 400,
    }
    roles = Counter(member.role for member in data.members)
    assert roles == {Role.TEACHER: 120, Role.NGO: 70, Role.INSTITUTION: 10}


async def test_members_read_back_as_registered(loaded: Loaded) -> None:
    for bulk in loaded.data.members[:20]:
        member = await loaded.storage.members.require(bulk.user_id)
        assert member.is_registered and member.role is bulk.role
        assert member.school_id == bulk.school_id
        assert member.share_contact == (bulk.username is not None)
        org = member.organization
        assert (org.id if org else None) == bulk.organization_id
        assert member.registered_at is not None
        assert member.consent_at <= member.registered_at <= NOW


async def test_people_at_school_counts_teachers_and_shared_contacts(loaded: Loaded) -> None:
    teachers = Counter(m.school_id for m in loaded.data.members if m.role is Role.TEACHER)
    busiest, count = teachers.most_common(1)[0]
    assert busiest is not None and count > 1
    people = await loaded.storage.members.people_at_school(busiest)
    assert people.teachers == count
    shared = [m.username for m in loaded.data.members if m.school_id == busiest and m.username]
    assert sorted(c.username for c in people.contacts) == sorted(shared)


async def test_upcoming_and_presence_at_a_school(loaded: Loaded) -> None:
    activities = loaded.data.activities
    upcoming = [a for a in activities if a.status is ActivityStatus.SCHEDULED and a.ends_at > NOW]
    school_id = Counter(a.school_id for a in upcoming).most_common(1)[0][0]
    expected = sorted((a.starts_at, a.title) for a in upcoming if a.school_id == school_id)
    found = await loaded.storage.activities.upcoming_at_school(school_id, NOW, limit=100)
    assert sorted((a.starts_at, a.title) for a in found) == expected
    present = {
        a.organization_id
        for a in activities
        if a.school_id == school_id
        and a.starts_at >= NOW - PRESENCE_WINDOW
        and a.status not in (ActivityStatus.CANCELLED, ActivityStatus.RESCHEDULED)
    }
    presence = await loaded.storage.activities.organizations_at_school(school_id, NOW)
    assert {p.organization_id for p in presence} == present


async def test_organizations_are_found_by_name(loaded: Loaded) -> None:
    organizations = loaded.storage.organizations
    for bulk in loaded.data.organizations:
        org = await organizations.get(bulk.id)
        assert org is not None and (org.name, org.kind, org.verified) == (
            bulk.name,
            bulk.kind,
            bulk.verified,
        )
        assert await organizations.find_by_name(bulk.name.upper()) == org
        assert (await organizations.find_similar(bulk.name))[0] == org


async def test_follows_and_recipients(loaded: Loaded) -> None:
    storage, data = loaded.storage, loaded.data
    school_follows = [f for f in data.follows if f.kind is FollowKind.SCHOOL]
    school_id = int(Counter(f.target for f in school_follows).most_common(1)[0][0])
    school = await storage.schools.get_by_id(school_id)
    assert school is not None
    inactive = {chat.id for chat in data.chats if chat.blocked_since is not None}
    targets = {(FollowKind.SCHOOL, str(school_id)), (FollowKind.DISTRICT, school.ubigeo)}
    expected = {f.chat_id for f in data.follows if (f.kind, f.target) in targets} - inactive
    async with storage.db.read() as session:
        recipients = await recipients_in(session, school_id, None)
    assert {r.chat_id for r in recipients} == expected
    chat_id = school_follows[0].chat_id
    mine = [f for f in data.follows if f.chat_id == chat_id]
    stored = await storage.follows.of_chat(chat_id)
    assert sorted((f.kind, f.target) for f in stored) == sorted((f.kind, f.target) for f in mine)
    assert {f.mode for f in mine} == {await storage.follows.mode_of(chat_id)}


async def test_past_activities_carry_the_bots_marks(loaded: Loaded) -> None:
    overdue = NOW - timedelta(seconds=JOB_TICK_S)
    for a in loaded.data.activities:
        if a.reminder_sent_at is not None:
            assert a.starts_at - REMINDER_LEAD <= a.reminder_sent_at < a.starts_at
        if a.status in (ActivityStatus.DONE, ActivityStatus.NOT_HELD):
            assert a.checkin_sent_at is not None and a.checkin_sent_at >= a.ends_at
        if a.ends_at <= overdue and a.status is not ActivityStatus.CANCELLED:
            assert a.checkin_sent_at is not None
        assert a.created_at <= min(a.starts_at, NOW) and a.created_at <= a.updated_at
    # Nothing overdue for the periodic job, as if the bot had been running all along.
    claimed = await loaded.storage.activities.due_checkins(NOW)
    assert all(NOW - a.ends_at <= timedelta(seconds=JOB_TICK_S) for a in claimed)


async def test_invalid_rows_are_refused_and_a_failed_batch_leaves_nothing(loaded: Loaded) -> None:
    db, data = loaded.storage.db, loaded.data
    member = data.members[0]
    with pytest.raises(InvalidBulkRow):
        await load(db, BulkData(members=[replace(member, language="fr")]))
    activity = data.activities[0]
    with pytest.raises(InvalidActivity):
        await load(db, BulkData(activities=[replace(activity, ends_at=activity.starts_at)]))
    fresh = BulkMember(1, "es", "Ana Quispe", Role.TEACHER, None, None, None, NOW, NOW)
    with pytest.raises(sqlite3.IntegrityError):  # the second one is a duplicate id
        await load(db, BulkData(members=[fresh, member]))
    assert await loaded.storage.members.get(1) is None


async def test_the_same_seed_gives_the_same_database(tmp_path: Path) -> None:
    async def dump(path: Path) -> list[list[tuple[object, ...]]]:
        storage = Storage(path)
        await storage.open()
        await load_sample_schools(storage)
        await build_population(storage, sizes=SIZES, seed=5)
        rows = [await storage.db.fetchall(sql) for sql in DUMP]
        await storage.close()
        return [[tuple(row) for row in table] for table in rows]

    first, second = await dump(tmp_path / "a.db"), await dump(tmp_path / "b.db")
    assert first == second and all(first)
    schools = await _sample_schools(tmp_path / "c.db")
    assert generate_population(schools, sizes=SIZES, seed=5) != generate_population(
        schools, sizes=SIZES, seed=6
    )


async def _sample_schools(path: Path) -> list[PopulationSchool]:
    storage = Storage(path)
    await storage.open()
    await load_sample_schools(storage)
    schools = await active_schools(storage.db)
    await storage.close()
    return schools


def test_cli_builds_a_small_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "small.sqlite"
    now = datetime(2026, 6, 1, 14, tzinfo=UTC).isoformat()
    main(["--out", str(out), "--rows", "300", "--people", "60", "--activities", "80",
          "--now", now])  # fmt: skip
    printed = capsys.readouterr().out
    assert "import registry" in printed and "members 60" in printed
    connection = sqlite3.connect(out)
    try:
        assert connection.execute("SELECT count(*) FROM activities").fetchone() == (80,)
        assert connection.execute("SELECT count(*) FROM follows WHERE mode = ?",
                                  (FollowMode.INSTANT.value,)).fetchone()[0] > 0  # fmt: skip
    finally:
        connection.close()
    with pytest.raises(FileExistsError):
        main(["--out", str(out), "--rows", "300", "--people", "60", "--activities", "80"])
