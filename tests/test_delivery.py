"""Durable delivery: the outbox and chats in SQLite, and the worker sending through the real
Application to the fake Telegram, with its limits and its errors."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import format_queue_stats
from bot.app import MinkaApplication
from bot.outbox.delivery import ChatPacing, DeliveryPolicy, DeliveryWorker, SendPacer
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from bot.settings import SettingsError, load_settings
from storage import Storage
from storage.chats import ChatType
from storage.clock import to_db, utc_now
from storage.outbox import OutboxItem, enqueue
from tests.helpers import run_cli, storage_of

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
GROUP, SUPERGROUP = -4001, -1004001
KEYBOARD = {"inline_keyboard": [[{"text": "Ver escuela", "callback_data": "s:9000001:0"}]]}


def items(chat_ids: range | list[int], text: str = "Aviso") -> list[OutboxItem]:
    return [OutboxItem(chat_id, f"{text} {chat_id}") for chat_id in chat_ids]


async def statuses(storage: Storage, event_key: str | None = None) -> dict[int, str]:
    """chat id -> status of its row for `event_key` (every row when None)."""
    rows = await storage.db.fetchall(
        "SELECT chat_id, status FROM outbox WHERE ? IS NULL OR event_key = ? ORDER BY id",
        (event_key, event_key),
    )
    return {row[0]: row[1] for row in rows}


# --- Storage: outbox ----------------------------------------------------------------------------


async def test_enqueue_is_idempotent_per_event_and_chat(storage: Storage) -> None:
    assert await storage.outbox.enqueue("activity:1", items([1, 2, 3])) == 3
    assert await storage.outbox.enqueue("activity:1", items([2, 3, 4])) == 1
    assert await storage.outbox.enqueue("activity:2", items([1])) == 1
    count = await storage.db.scalar("SELECT COUNT(*) FROM outbox")
    assert count == 5


async def test_enqueue_in_a_failed_transaction_leaves_nothing(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.db.transaction() as session:
            assert await enqueue(session, "activity:1", items([1, 2])) == 2
            raise RuntimeError("the event itself could not be stored")
    assert await storage.db.scalar("SELECT COUNT(*) FROM outbox") == 0


async def test_claim_takes_the_oldest_due_message_of_each_chat(storage: Storage) -> None:
    outbox = storage.outbox
    await outbox.enqueue("e1", [OutboxItem(1, "one", KEYBOARD)])
    await outbox.enqueue("e2", items([2]))
    await outbox.enqueue("e3", items([1]))  # chat 1's second: waits for its first
    await outbox.enqueue("e4", items([3]))
    await outbox.enqueue("digest", items([4]), not_before=NOW + timedelta(hours=1))
    await storage.chats.mark_inactive(5, "Forbidden: bot was blocked by the user")
    await outbox.enqueue("e5", items([5]))  # an inactive chat gets nothing

    first = await outbox.claim(NOW, 10, exclude_chats=[3])
    assert [(m.event_key, m.chat_id) for m in first] == [("e1", 1), ("e2", 2)]
    assert first[0].reply_markup == KEYBOARD and first[0].attempts == 0
    later = await outbox.claim(NOW + timedelta(hours=1), 10)
    assert [(m.event_key, m.chat_id) for m in later] == [("e3", 1), ("e4", 3), ("digest", 4)]
    assert await outbox.claim(NOW + timedelta(hours=1), 10) == []
    assert (await statuses(storage, "e5")) == {5: "skipped"}


async def test_claim_respects_the_limit_in_creation_order(storage: Storage) -> None:
    await storage.outbox.enqueue("broadcast", items(range(100, 130)))
    claimed = await storage.outbox.claim(NOW, 10)
    assert [m.chat_id for m in claimed] == list(range(100, 110))


async def test_stale_claims_go_back_to_pending(storage: Storage) -> None:
    await storage.outbox.enqueue("e1", items([1, 2]))
    claimed = await storage.outbox.claim(NOW, 10)
    assert len(claimed) == 2 and await storage.outbox.claim(NOW, 10) == []
    assert await storage.outbox.requeue_stale_claims(NOW - timedelta(seconds=1)) == 0
    assert await storage.outbox.requeue_stale_claims(NOW) == 2
    again = await storage.outbox.claim(NOW, 10)
    assert [m.id for m in again] == [m.id for m in claimed]


async def test_outcomes_and_stats(storage: Storage) -> None:
    outbox = storage.outbox
    await outbox.enqueue("e1", items([1, 2, 3, 4]))
    one, two, three, _four = await outbox.claim(NOW, 10)
    await outbox.mark_sent(one.id, utc_now())
    await outbox.mark_failed(two.id, "Bad Request: message is too long")
    await outbox.retry_later(three.id, utc_now() + timedelta(minutes=5), "Bad Gateway")
    await storage.chats.mark_inactive(4, "Forbidden: bot was blocked by the user")
    assert await outbox.skip_chat(4, "Forbidden: bot was blocked by the user") == 1
    stats = await outbox.stats(utc_now() - timedelta(hours=1))
    assert (stats.pending, stats.waiting, stats.claimed) == (1, 1, 0)
    assert (stats.sent, stats.failed, stats.skipped, stats.inactive_chats) == (1, 1, 1, 1)
    assert stats.failure_reasons == (("Bad Request: message is too long", 1),)
    text = format_queue_stats(stats, Path("minka.db"))
    assert "1 sent, 1 failed, 1 skipped" in text and "message is too long" in text


# --- Storage: chats -----------------------------------------------------------------------------


async def test_remember_reactivates_a_chat_that_blocked_the_bot(storage: Storage) -> None:
    await storage.chats.mark_inactive(7, "Forbidden: bot was blocked by the user")
    blocked = await storage.chats.get(7)
    assert blocked is not None and not blocked.active and blocked.type is ChatType.PRIVATE
    assert blocked.blocked_since is not None and await storage.chats.inactive_count() == 1
    chat = await storage.chats.remember(7, "private")
    assert chat.active and chat.blocked_since is None and chat.inactive_reason is None
    await storage.chats.mark_inactive(7, "Forbidden: user is deactivated")
    assert await storage.chats.reactivate(7) and not await storage.chats.reactivate(8)
    assert await storage.chats.inactive_count() == 0


async def test_migrate_moves_follows_and_undelivered_messages(storage: Storage) -> None:
    await storage.chats.remember(GROUP, "group", "Docentes UGEL 02", "es")
    await storage.chats.remember(SUPERGROUP, "supergroup")
    async with storage.db.transaction() as session:
        await session.executemany(
            "INSERT INTO follows (chat_id, kind, target, created_at) VALUES (?, ?, ?, ?)",
            [(GROUP, "school", "1", to_db(NOW)), (GROUP, "district", "150101", to_db(NOW))],
        )
        await session.execute(
            "INSERT INTO follows (chat_id, kind, target, created_at) VALUES (?, 'school', '1', ?)",
            (SUPERGROUP, to_db(NOW)),
        )
    await storage.outbox.enqueue("sent-before", items([GROUP]))
    (sent,) = await storage.outbox.claim(NOW, 10)
    await storage.outbox.mark_sent(sent.id, NOW)
    await storage.outbox.enqueue("e1", items([GROUP]))
    await storage.outbox.enqueue("e2", items([GROUP, SUPERGROUP]))  # already there for both

    await storage.chats.migrate(GROUP, SUPERGROUP)

    old, new = await storage.chats.get(GROUP), await storage.chats.get(SUPERGROUP)
    assert old is not None and not old.active and old.migrated_to == SUPERGROUP
    assert new is not None and new.active and new.type is ChatType.SUPERGROUP
    assert (new.title, new.language) == ("Docentes UGEL 02", "es")
    follows = await storage.db.fetchall("SELECT chat_id, kind, target FROM follows ORDER BY kind")
    assert [tuple(row) for row in follows] == [
        (SUPERGROUP, "district", "150101"),
        (SUPERGROUP, "school", "1"),
    ]
    rows = await storage.db.fetchall("SELECT event_key, chat_id, status FROM outbox ORDER BY id")
    assert [tuple(row) for row in rows] == [
        ("sent-before", GROUP, "sent"),
        ("e1", SUPERGROUP, "pending"),
        ("e2", GROUP, "skipped"),
        ("e2", SUPERGROUP, "pending"),
    ]
    assert await storage.chats.inactive_count() == 0  # a migrated group moved; it isn't blocked


# --- Limits, without a network -----------------------------------------------------------------


def test_group_gets_at_most_twenty_a_minute() -> None:
    policy = DeliveryPolicy()
    pacing = ChatPacing(policy)
    for second in range(20):
        assert GROUP not in pacing.busy(float(second * 2))
        pacing.start(GROUP)
        pacing.finished(GROUP, float(second * 2), is_group=True)
    assert GROUP in pacing.busy(39.0 + policy.chat_interval + 1)  # 20 in the last minute
    assert GROUP in pacing.busy(59.9)
    assert GROUP not in pacing.busy(60.0 + policy.chat_interval)  # the first left the window


def test_private_chat_gets_at_most_one_a_second() -> None:
    pacing = ChatPacing(DeliveryPolicy())
    pacing.start(7)
    assert pacing.busy(0.0) == [7]  # in flight
    pacing.finished(7, 10.0, is_group=False)
    assert pacing.busy(10.9) == [7] and pacing.busy(11.1) == []


def test_pacer_never_exceeds_the_rate_in_any_second() -> None:
    pacer, now = SendPacer(25), 0.0
    starts: list[float] = []
    while len(starts) < 200:
        now = max(now, pacer.turn()) + 0.001  # always a little late, as sleeps are
        pacer.take(now)
        starts.append(now)
    assert max(sum(1 for s in starts if t - 1 < s <= t) for t in starts) <= 25
    assert 199 / (starts[-1] - starts[0]) >= 24.5  # and lateness does not drift the schedule


def test_backoff_doubles_and_is_capped() -> None:
    policy = DeliveryPolicy(retry_base=2, retry_cap=10)
    assert [policy.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [2, 4, 8, 10]


# --- End to end: the real Application and the fake Telegram -------------------------------------


def worker_of(app: MinkaApplication) -> DeliveryWorker:
    worker = app.bot_data.delivery
    assert worker is not None and worker.running
    return worker


async def send_all(fake: FakeTelegram, app: MinkaApplication, within: float = 10) -> None:
    """Wake the worker and wait until nothing is due or in flight."""
    worker = worker_of(app)
    worker.wake()
    await fake.wait_until(lambda: not worker.busy, within, what="the outbox to drain")


def users(fake: FakeTelegram, ids: range | list[int]) -> list[int]:
    for user_id in ids:
        fake.user(user_id, f"User{user_id}")
    return list(ids)


def record_send_times(fake: FakeTelegram) -> dict[int, list[float]]:
    times: dict[int, list[float]] = defaultdict(list)

    def record(message: SentMessage, kind: str) -> None:
        if kind == "sent":
            times[message.chat_id].append(time.monotonic())

    fake.on_bot_message = record
    return times


async def test_every_message_is_delivered_exactly_once(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    chats = users(fake, range(3001, 3021))
    outbox = storage_of(bot).outbox
    await outbox.enqueue(
        "activity:1", [OutboxItem(c, f"<b>Nuevo</b> {c}", KEYBOARD) for c in chats]
    )
    await outbox.enqueue("activity:1", items(chats))  # the same event again: nothing new
    await send_all(fake, bot)
    for chat_id in chats:
        (message,) = fake.messages(chat_id)
        assert message.plain_text == f"Nuevo {chat_id}" and message.button_labels == ["Ver escuela"]
        assert message.parse_mode == "HTML"
    assert set((await statuses(storage_of(bot))).values()) == {"sent"}


async def test_one_message_a_second_per_chat_without_holding_up_others(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.rate_limit(per_chat_per_second=1)
    busy, *others = users(fake, [3101, 3102, 3103])
    times = record_send_times(fake)
    outbox = storage_of(bot).outbox
    for n in range(3):
        await outbox.enqueue(f"event:{n}", [OutboxItem(busy, f"mensaje {n}")])
    await outbox.enqueue("event:other", items(others))
    started = time.monotonic()
    await send_all(fake, bot)
    assert [m.plain_text for m in fake.messages(busy)] == ["mensaje 0", "mensaje 1", "mensaje 2"]
    gaps = [later - earlier for earlier, later in zip(times[busy], times[busy][1:], strict=False)]
    assert min(gaps) >= 1.0 and fake.too_many_requests == 0
    assert all(times[other][0] - started < 0.5 for other in others)  # not behind the busy chat


async def test_flood_limit_pauses_sending_and_loses_nothing(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    chats = users(fake, range(3201, 3206))
    fake.fail_next("sendMessage", status=429, retry_after=1)
    times = record_send_times(fake)
    await storage_of(bot).outbox.enqueue("broadcast:1", items(chats))
    started = time.monotonic()
    await send_all(fake, bot)
    assert all(len(fake.messages(chat_id)) == 1 for chat_id in chats)
    # All sending paused for the second Telegram asked for (one send may have been on its way
    # already when the 429 came back).
    early = [t for chat_times in times.values() for t in chat_times if t - started < 0.9]
    assert len(early) <= 1
    assert set((await statuses(storage_of(bot))).values()) == {"sent"}


async def test_blocked_chat_is_skipped_until_it_comes_back(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    blocked, other = users(fake, [3301, 3302])
    fake.block(blocked)
    storage = storage_of(bot)
    for n in range(2):
        await storage.outbox.enqueue(f"event:{n}", items([blocked, other]))
    await send_all(fake, bot)
    assert fake.messages(blocked) == [] and len(fake.messages(other)) == 2
    attempts = [p for name, p in fake.calls if name == "sendMessage" and p["chat_id"] == blocked]
    assert len(attempts) == 1  # the first 403 skipped the other one
    chat = await storage.chats.get(blocked)
    assert chat is not None and not chat.active and "blocked" in (chat.inactive_reason or "")
    skipped = await storage.db.fetchall(
        "SELECT error FROM outbox WHERE chat_id = ? AND status = 'skipped'", (blocked,)
    )
    assert len(skipped) == 2 and "blocked" in skipped[0][0]

    fake.unblock(blocked)
    await storage.chats.remember(blocked, "private")  # e.g. the person sent /start again
    await storage.outbox.enqueue("event:after", items([blocked]))
    await send_all(fake, bot)
    assert [m.plain_text for m in fake.messages(blocked)] == [f"Aviso {blocked}"]


async def test_server_error_is_retried_with_backoff(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    (chat_id,) = users(fake, [3401])
    fake.fail_next("sendMessage", status=502)
    storage = storage_of(bot)
    await storage.outbox.enqueue("reminder:1", items([chat_id]))
    worker_of(bot).wake()
    row = await row_when(storage, "SELECT * FROM outbox WHERE attempts > 0")
    assert row["error"] == "Bad Gateway" and row["attempts"] == 1
    wait = datetime.fromisoformat(row["not_before"]) - utc_now()
    assert timedelta(0) < wait <= timedelta(seconds=2)  # first backoff: 2 s
    bot.bot_data.clock = lambda: utc_now() + timedelta(seconds=3)  # instead of sleeping
    await send_all(fake, bot)
    assert len(fake.messages(chat_id)) == 1
    assert await statuses(storage) == {chat_id: "sent"}


async def row_when(storage: Storage, sql: str, within: float = 5.0) -> dict[str, Any]:
    """The first row `sql` returns, polling until there is one (the worker writes meanwhile)."""
    deadline = time.monotonic() + within
    while (row := await storage.db.fetchone(sql)) is None:
        assert time.monotonic() < deadline, f"no row for {sql!r} within {within} s"
        await asyncio.sleep(0.05)
    return dict(row)


async def test_retries_run_out_and_keep_telegrams_error(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    (chat_id,) = users(fake, [3501])
    storage = storage_of(bot)
    await worker_of(bot).stop()  # this test's own worker: no backoff, two attempts
    worker = DeliveryWorker(
        bot.bot,
        storage.chats,
        storage.outbox,
        policy=DeliveryPolicy(retry_base=0, max_attempts=2, poll_interval=0.05),
    )
    fake.fail_next("sendMessage", status=500, times=2)
    await storage.outbox.enqueue("reminder:1", items([chat_id]))
    await worker.start()
    try:
        row = await row_when(storage, "SELECT * FROM outbox WHERE status = 'failed'")
    finally:
        await worker.stop()
    assert (row["attempts"], row["error"]) == (2, "Internal Server Error")
    assert fake.messages(chat_id) == []


async def test_bad_request_fails_the_message_and_unknown_chat_is_inactive(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    (chat_id,) = users(fake, [3601])
    storage = storage_of(bot)
    await storage.outbox.enqueue("bad", [OutboxItem(chat_id, "<b>sin cerrar")])
    await storage.outbox.enqueue("ok", [OutboxItem(chat_id, "bien")])
    await storage.outbox.enqueue("nobody", [OutboxItem(999_999, "a nadie")])
    await send_all(fake, bot)
    rows = await storage.db.fetchall("SELECT event_key, status, error FROM outbox ORDER BY id")
    by_event = {row[0]: (row[1], row[2]) for row in rows}
    assert by_event["bad"][0] == "failed" and "parse entities" in by_event["bad"][1]
    assert by_event["ok"] == ("sent", None)
    assert by_event["nobody"] == ("skipped", "Chat not found")
    gone = await storage.chats.get(999_999)
    assert gone is not None and not gone.active


async def test_group_upgraded_to_supergroup_gets_its_messages_at_the_new_id(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.group(GROUP, "Docentes UGEL 02")
    fake.migrate_group(GROUP, SUPERGROUP)
    storage = storage_of(bot)
    await storage.chats.remember(GROUP, "group", "Docentes UGEL 02", "es")
    await storage.outbox.enqueue("e1", [OutboxItem(GROUP, "primero")])
    await storage.outbox.enqueue("e2", [OutboxItem(GROUP, "segundo")])
    await send_all(fake, bot)
    assert [m.plain_text for m in fake.messages(SUPERGROUP)] == ["primero", "segundo"]
    assert fake.messages(GROUP) == []
    old = await storage.chats.get(GROUP)
    assert old is not None and old.migrated_to == SUPERGROUP
    assert await statuses(storage) == {SUPERGROUP: "sent"}


async def test_stop_finishes_in_flight_sends_and_start_sends_the_rest(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    chats = users(fake, range(3701, 3726))
    storage = storage_of(bot)
    worker = worker_of(bot)
    await storage.outbox.enqueue("broadcast:2", items(chats))
    worker.wake()
    await fake.wait_until(lambda: fake.sent_count >= 5)
    await worker.stop()
    stats = await storage.outbox.stats(utc_now() - timedelta(hours=1))
    assert stats.claimed == 0 and stats.sent == fake.sent_count
    assert stats.pending == len(chats) - fake.sent_count > 0
    await worker.start()
    await send_all(fake, bot)
    assert all(len(fake.messages(chat_id)) == 1 for chat_id in chats)


async def test_enqueued_message_is_found_by_the_poll_without_a_wake(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    (chat_id,) = users(fake, [3801])
    await storage_of(bot).outbox.enqueue("late", items([chat_id]))
    await fake.next_message(chat_id, timeout=2.5)  # found by the once-a-second poll


# --- The status command -------------------------------------------------------------------------


async def test_status_command_prints_the_queue(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "minka.db")
    await storage.open()
    await storage.outbox.enqueue("e1", items([1, 2, 3]))
    one, two = await storage.outbox.claim(utc_now(), 2)
    await storage.outbox.mark_sent(one.id, utc_now())
    await storage.outbox.mark_failed(two.id, "Bad Request: message is too long")
    await storage.chats.mark_inactive(9, "Forbidden: bot was blocked by the user")
    await storage.close()
    result = run_cli("status", env={"DATABASE_PATH": str(tmp_path / "minka.db")}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pending:         1 (0 waiting" in result.stdout
    assert "last hour:       1 sent, 1 failed, 0 skipped" in result.stdout
    assert "inactive chats:  1" in result.stdout
    assert "1 x Bad Request: message is too long" in result.stdout

    missing = run_cli("status", env={"DATABASE_PATH": str(tmp_path / "none.db")}, cwd=tmp_path)
    assert missing.returncode == 1 and "No database" in missing.stderr


def test_send_rate_setting_is_bounded() -> None:
    assert load_settings(_env_file=None, send_rate=25).send_rate == 25
    with pytest.raises(SettingsError, match="SEND_RATE"):
        load_settings(_env_file=None, send_rate=26)
