"""Storage against a real SQLite file: migrations, transactions, members and organizations."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage import MigrationError, Storage
from storage.db import Database
from storage.members import InvalidName, NotAMember
from storage.migrate import Migration, bundled_migrations, migrate, split_statements
from storage.models import OrgKind, Role
from storage.organizations import InvalidOrganizationName


async def test_open_applies_every_migration_once(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "m.db")
    await storage.open()
    versions = await storage.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
    assert [row[0] for row in versions] == [m.version for m in bundled_migrations()]
    assert await migrate(storage.db) == []  # re-running is harmless
    await storage.close()
    reopened = Storage(tmp_path / "m.db")
    await reopened.open()  # and so is opening an up-to-date file again
    assert await reopened.members.get(1) is None
    await reopened.close()


async def test_pragmas_are_set(storage: Storage) -> None:
    assert await storage.db.scalar("PRAGMA journal_mode") == "wal"
    assert await storage.db.scalar("PRAGMA foreign_keys") == 1
    assert await storage.db.scalar("PRAGMA busy_timeout") == 5000


async def test_failing_migration_rolls_back_and_says_which(tmp_path: Path) -> None:
    db = Database(tmp_path / "f.db")
    await db.open()
    broken = Migration(1, "broken", "CREATE TABLE a (x INTEGER);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(MigrationError, match="0001_broken"):
        await migrate(db, [broken])
    tables = await db.fetchall("SELECT name FROM sqlite_master WHERE name = 'a'")
    assert tables == []  # the CREATE of the same migration was rolled back
    assert await db.scalar("SELECT count(*) FROM schema_migrations") == 0
    await db.close()


async def test_storage_refuses_to_open_on_a_broken_migration(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE organizations (id INTEGER)")  # 0001 will collide with this
    raw.commit()
    raw.close()
    storage = Storage(path)
    with pytest.raises(MigrationError, match="0001_members_and_organizations"):
        await storage.open()
    assert not storage.db.is_open


@pytest.mark.parametrize(
    ("script", "count"),
    [
        ("CREATE TABLE a (x);", 1),
        ("CREATE TABLE a (x); CREATE TABLE b (y);\n", 1),  # one line, one complete chunk
        ("CREATE TABLE a (x);\n-- comment\nCREATE TABLE b (y);\n", 2),
        ("CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 1;\n  SELECT 1;\nEND;\n", 1),
    ],
)
def test_split_statements_understands_triggers(script: str, count: int) -> None:
    assert len(split_statements(script)) == count


async def test_transaction_rolls_back_on_error(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.db.transaction() as session:
            await session.execute(
                "INSERT INTO organizations (name, name_key, kind, created_at)"
                " VALUES ('A', 'a', 'ngo', 'now')"
            )
            raise RuntimeError("half-way")
    assert await storage.db.scalar("SELECT count(*) FROM organizations") == 0


async def test_concurrent_transactions_never_commit_each_others_half_work(storage: Storage) -> None:
    """The failure PTB users hit with a shared aiosqlite connection: one commit takes another's."""

    async def failing_writer() -> None:
        async with storage.db.transaction() as session:
            await session.execute(
                "INSERT INTO organizations (name, name_key, kind, created_at)"
                " VALUES ('Bad', 'bad', 'ngo', 'now')"
            )
            await asyncio.sleep(0.01)  # let the other writer run meanwhile
            raise RuntimeError("fails after writing")

    async def good_writer() -> None:
        await storage.organizations.create("Good", OrgKind.NGO, created_by=1)

    results = await asyncio.gather(failing_writer(), good_writer(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    names = [row[0] for row in await storage.db.fetchall("SELECT name FROM organizations")]
    assert names == ["Good"]


async def test_member_lifecycle(storage: Storage) -> None:
    assert await storage.members.get(7) is None
    with pytest.raises(NotAMember):
        await storage.members.set_name(7, "Rosa")  # nothing is stored before consent
    await storage.members.record_consent(7, "es")
    assert await storage.members.set_name(7, "  Rosa\u200b   Quispe ") == "Rosa Quispe"
    await storage.members.set_role(7, Role.NGO)
    org = await storage.members.create_and_join_organization(7, "Fundación Ayni", OrgKind.NGO)
    member = await storage.members.complete_registration(7)
    assert member.is_registered and member.organization == org and member.role is Role.NGO


@pytest.mark.parametrize("name", ["", " ", "R", "x" * 65, "\u200b\u200b\u200b"])
async def test_invalid_names_are_refused(storage: Storage, name: str) -> None:
    await storage.members.record_consent(8, "en")
    with pytest.raises(InvalidName):
        await storage.members.set_name(8, name)


async def test_organizations_meet_despite_accents_and_case(storage: Storage) -> None:
    first = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, created_by=1)
    again = await storage.organizations.create("FUNDACION   ayni", OrgKind.NGO, created_by=2)
    assert again.id == first.id
    await storage.organizations.create("Ayni Perú SAC", OrgKind.INSTITUTION, created_by=3)
    found = await storage.organizations.find_similar("ayni fundacion")
    assert [org.id for org in found] == [first.id]
    assert len(await storage.organizations.find_similar("ayni")) == 2
    assert await storage.organizations.find_similar("%") == []


@pytest.mark.parametrize("name", ["", "   ", "!!!", "x" * 101])
async def test_invalid_organization_names(storage: Storage, name: str) -> None:
    with pytest.raises(InvalidOrganizationName):
        await storage.organizations.create(name, OrgKind.NGO, created_by=1)


async def test_forget_erases_the_person(storage: Storage) -> None:
    await storage.members.record_consent(9, "es")
    await storage.drafts.update(9, "onboarding", org_name="X")
    await storage.conversations.save("onboarding", (9, 9), "org_pick")
    exported = await storage.personal_data.export(9)
    assert exported is not None and exported["profile"]["user_id"] == 9
    assert await storage.personal_data.forget(9)
    assert await storage.personal_data.export(9) is None
    assert await storage.conversations.load("onboarding") == {}


async def test_conversation_states_round_trip(storage: Storage) -> None:
    await storage.conversations.save("flow", (1, 2), "name")
    await storage.conversations.save("flow", (3, 3), "role")
    await storage.conversations.save("flow", (3, 3), None)
    assert await storage.conversations.load("flow") == {(1, 2): "name"}


@pytest.mark.parametrize(
    ("raw", "multiline", "expected"),
    [
        ("Paro de\ntransportistas", False, "Paro de transportistas"),
        ("a\tb\r\nc", False, "a b c"),
        ("  Rosa\u200b\u202e Quispe\x00 ", False, "Rosa Quispe"),
        ("línea 1\r\n\n  línea   2 ", True, "línea 1\n\nlínea 2"),
        ("e\u0301", False, "é"),  # combining accent composed (NFC)
    ],
)
def test_clean_text(raw: str, multiline: bool, expected: str) -> None:
    from storage.normalize import clean_text

    assert clean_text(raw, keep_newlines=multiline) == expected


async def test_forget_also_drops_follows_and_undelivered_messages(storage: Storage) -> None:
    from storage.follows import FollowKind
    from storage.outbox import OutboxItem

    await storage.members.record_consent(9, "es")
    await storage.chats.remember(9, "private")
    await storage.follows.follow(9, FollowKind.DISTRICT, "150135")
    await storage.outbox.enqueue("event:1", [OutboxItem(9, "hola")])
    exported = await storage.personal_data.export(9)
    assert exported is not None and exported["follows"][0]["target"] == "150135"
    assert await storage.personal_data.forget(9)
    assert await storage.personal_data.export(9) is None
    assert await storage.chats.get(9) is None
    assert await storage.db.scalar("SELECT count(*) FROM outbox WHERE chat_id = 9") == 0


# Drafts merge in one statement (json_set); each case is a sequence of updates checked against
# Python's dict.update, the meaning the flows rely on.
DRAFT_UPDATES = [
    [{"title": "Taller"}],
    [{"title": "Taller", "day": None}, {"day": "2026-12-07"}],
    [{"a": 1, "b": True}, {"b": False, "c": [1, "dos", None]}, {"a": None}],
    [{"nested": {"x": 1, "y": 2}}, {"nested": {"x": 3}}],  # replaced whole, not merged
    [{"text": 'comillas " y \\ y <b>ñ</b> 📣'}, {"text": ""}],
    [{"n": 1.5, "big": 2**53}, {"n": 0}],
]


@pytest.mark.parametrize("updates", DRAFT_UPDATES)
async def test_draft_update_merges_like_dict_update(storage: Storage, updates: list) -> None:
    expected: dict[str, object] = {}
    for values in updates:
        expected.update(values)
        assert await storage.drafts.update(5, "announce", **values) == expected
    assert await storage.drafts.get(5, "announce") == expected
    assert await storage.drafts.get(5, "other") == {}  # flows keep their own drafts


async def test_draft_update_of_nothing_reads_the_draft(storage: Storage) -> None:
    await storage.drafts.update(5, "announce", title="Taller")
    assert await storage.drafts.update(5, "announce") == {"title": "Taller"}
    assert await storage.drafts.update(6, "announce") == {}
    assert await storage.drafts.get(6, "announce") == {}
