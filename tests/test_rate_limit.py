"""The shared send budget: replies go first, the outbox takes what is left, 429 pauses all."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.runtime.rate_limit import FLOOD_CHATS, Priority, SharedRateLimiter, SlidingWindow


class Recorder:
    """A fake Bot API call: records when it ran, answers after `latency` seconds."""

    def __init__(self, latency: float = 0.0, fail_with: list[Exception] | None = None) -> None:
        self.latency = latency
        self.fail_with = list(fail_with or [])
        self.started: list[tuple[float, str]] = []

    async def __call__(self, tag: str) -> dict[str, Any]:
        self.started.append((asyncio.get_running_loop().time(), tag))
        await asyncio.sleep(self.latency)
        if self.fail_with:
            raise self.fail_with.pop(0)
        return {"ok": tag}


async def send(
    limiter: SharedRateLimiter,
    call: Recorder,
    tag: str,
    chat_id: int | str | None = 1,
    priority: Priority | None = None,
) -> Any:
    data = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(call, (tag,), {}, "sendMessage", data, priority)


def in_any_second(times: list[float]) -> int:
    """The most calls that started within one second of each other."""
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_window_counts_requests_in_flight_and_answered_within_the_period() -> None:
    window = SlidingWindow(1.0)
    window.take()
    window.take()
    assert window.wait(0.0, cap=2) is None  # both in flight: only an answer frees a slot
    window.give_back(0.5)
    assert window.wait(0.6, cap=2) == pytest.approx(0.9)  # the answered one leaves at 1.5
    assert window.wait(1.5, cap=2) == 0.0
    assert window.used(1.6) == 1


async def test_never_more_than_the_overall_limit_in_any_second() -> None:
    limiter = SharedRateLimiter(background_per_second=5, overall_per_second=10)
    call = Recorder(latency=0.01)
    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(send(limiter, call, f"r{i}", chat_id=i) for i in range(25)))
    times = [at for at, _ in call.started]
    assert in_any_second(times) <= 10
    assert max(times) - started >= 2.0  # 25 requests at 10 a second


async def test_background_takes_only_its_share_and_replies_pass_it() -> None:
    limiter = SharedRateLimiter(background_per_second=4, overall_per_second=6)
    call = Recorder(latency=0.01)
    background = [
        asyncio.create_task(
            send(limiter, call, f"b{i}", chat_id=100 + i, priority=Priority.BACKGROUND)
        )
        for i in range(8)
    ]
    await asyncio.sleep(0.1)
    assert len(call.started) == 4  # the outbox stops at its share...
    before = asyncio.get_running_loop().time()
    await asyncio.gather(send(limiter, call, "r1", chat_id=1), send(limiter, call, "r2", chat_id=2))
    assert asyncio.get_running_loop().time() - before < 0.1  # ...so replies need not wait
    await asyncio.gather(*background)
    tags = [tag for _, tag in call.started]
    assert tags.index("r2") < tags.index("b4")


async def test_group_chats_get_twenty_a_minute() -> None:
    limiter = SharedRateLimiter(background_per_second=25, group_per_minute=3)
    call = Recorder()
    for i in range(3):
        await send(limiter, call, f"g{i}", chat_id=-100)
    await send(limiter, call, "other group", chat_id=-200)
    await send(limiter, call, "private", chat_id=5)
    blocked = asyncio.create_task(send(limiter, call, "g3", chat_id=-100))
    await asyncio.sleep(0.2)
    assert not blocked.done()
    blocked.cancel()


async def test_requests_without_a_chat_are_not_counted() -> None:
    limiter = SharedRateLimiter(background_per_second=1, overall_per_second=1)
    call = Recorder()
    await send(limiter, call, "message", chat_id=1)
    async with asyncio.timeout(0.2):
        await asyncio.gather(*(send(limiter, call, f"u{i}", chat_id=None) for i in range(20)))


async def test_a_reply_that_meets_429_waits_and_is_sent() -> None:
    limiter = SharedRateLimiter(background_per_second=5, reply_retries=2)
    call = Recorder(fail_with=[RetryAfter(1)])
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await send(limiter, call, "reply") == {"ok": "reply"}
    assert loop.time() - started >= 1.0
    assert len(call.started) == 2


async def test_a_429_on_one_chat_pauses_that_chat_only() -> None:
    limiter = SharedRateLimiter(background_per_second=5)
    call = Recorder(fail_with=[RetryAfter(1)])
    loop = asyncio.get_running_loop()
    with pytest.raises(RetryAfter):
        await send(limiter, call, "outbox", chat_id=1, priority=Priority.BACKGROUND)
    paused_at = loop.time()
    await send(limiter, call, "reply elsewhere", chat_id=2)
    assert loop.time() - paused_at < 0.1  # another person's reply did not wait
    await send(limiter, call, "reply to the flooded chat", chat_id=1)
    assert loop.time() - paused_at >= 0.9  # the flooded chat waited out Telegram's pause


async def test_429s_for_several_chats_pause_everyone() -> None:
    limiter = SharedRateLimiter(background_per_second=5)
    call = Recorder(fail_with=[RetryAfter(1)] * FLOOD_CHATS)
    loop = asyncio.get_running_loop()
    for chat in range(FLOOD_CHATS):
        with pytest.raises(RetryAfter):
            await send(limiter, call, "outbox", chat_id=chat, priority=Priority.BACKGROUND)
    paused_at = loop.time()
    await send(limiter, call, "reply", chat_id=99)
    assert loop.time() - paused_at >= 0.9  # the bot-wide limit was hit: everyone waits


async def test_a_429_without_a_chat_pauses_everyone() -> None:
    limiter = SharedRateLimiter(background_per_second=5, reply_retries=0)
    call = Recorder(fail_with=[RetryAfter(1)])
    loop = asyncio.get_running_loop()
    with pytest.raises(RetryAfter):
        await send(limiter, call, "setMyCommands", chat_id=None)
    paused_at = loop.time()
    await send(limiter, call, "reply", chat_id=5)
    assert loop.time() - paused_at >= 0.9


async def test_new_messages_to_one_chat_are_paced_and_edits_are_not() -> None:
    limiter = SharedRateLimiter(background_per_second=5, chat_per_second=2)
    call = Recorder()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await send(limiter, call, "first", chat_id=1)
    edit = ("edit",)
    await limiter.process_request(call, edit, {}, "editMessageText", {"chat_id": 1}, None)
    assert loop.time() - started < 0.1  # an edit does not wait for the chat's pace
    await send(limiter, call, "second", chat_id=1)
    assert loop.time() - started >= 0.5  # two a second to this chat
    await send(limiter, call, "other chat", chat_id=2)
    assert loop.time() - started < 0.6


async def test_chats_take_turns_in_the_order_they_asked() -> None:
    """A crowd at two a second: each person's requests in order, people in turn, nobody
    served behind someone who asked later."""
    limiter = SharedRateLimiter(background_per_second=1, overall_per_second=4)
    call = Recorder()
    await asyncio.gather(*(send(limiter, call, "earlier", chat_id=9) for _ in range(4)))
    asked = [(chat, step) for chat in (1, 2, 3) for step in range(3)]  # 1 asks thrice, then 2...
    tasks = [asyncio.create_task(send(limiter, call, f"{c}:{s}", chat_id=c)) for c, s in asked]
    await asyncio.gather(*tasks)  # the window was full: they all queued
    order = [tag for _, tag in call.started][4:]
    assert order[:6] == ["1:0", "2:0", "3:0", "1:1", "2:1", "3:1"]  # round robin
    for chat in (1, 2, 3):
        assert [t for t in order if t.startswith(f"{chat}:")] == [f"{chat}:{s}" for s in range(3)]


async def test_a_cancelled_waiter_gives_its_turn_away() -> None:
    limiter = SharedRateLimiter(background_per_second=1, overall_per_second=1)
    call = Recorder()
    await send(limiter, call, "first", chat_id=1)
    cancelled = asyncio.create_task(send(limiter, call, "gone", chat_id=2))
    waiting = asyncio.create_task(send(limiter, call, "next", chat_id=3))
    await asyncio.sleep(0.05)
    cancelled.cancel()
    assert await waiting == {"ok": "next"}
    assert [tag for _, tag in call.started] == ["first", "next"]


async def test_a_reply_gives_up_after_its_retries() -> None:
    limiter = SharedRateLimiter(background_per_second=5, reply_retries=1)
    call = Recorder(fail_with=[RetryAfter(0), RetryAfter(0)])
    with pytest.raises(RetryAfter):
        await send(limiter, call, "reply")
    assert len(call.started) == 2


def test_background_share_must_fit_in_the_overall_limit() -> None:
    with pytest.raises(ValueError, match="background_per_second"):
        SharedRateLimiter(background_per_second=31)


async def test_a_reply_that_meets_a_5xx_is_retried_without_holding_up_others() -> None:
    limiter = SharedRateLimiter(background_per_second=5, transient_retries=2, transient_backoff=0.3)
    flaky = Recorder(fail_with=[NetworkError("Bad Gateway")])
    steady = Recorder()
    loop = asyncio.get_running_loop()
    started = loop.time()
    retried = asyncio.create_task(send(limiter, flaky, "confirmation", chat_id=1))
    await asyncio.sleep(0.05)  # the 502 was met; the retry waits its backoff
    assert await send(limiter, steady, "other", chat_id=2) == {"ok": "other"}
    assert loop.time() - started < 0.2  # the other person did not wait for the backoff
    assert await retried == {"ok": "confirmation"}
    assert [tag for _, tag in flaky.started] == ["confirmation", "confirmation"]


async def test_transient_retries_are_bounded_and_bad_requests_never_retried() -> None:
    limiter = SharedRateLimiter(background_per_second=5, transient_retries=2, transient_backoff=0)
    down = Recorder(fail_with=[NetworkError("Bad Gateway")] * 3)
    with pytest.raises(NetworkError):
        await send(limiter, down, "reply")
    assert len(down.started) == 3
    wrong = Recorder(fail_with=[BadRequest("Message is too long")])
    with pytest.raises(BadRequest):
        await send(limiter, wrong, "reply")
    assert len(wrong.started) == 1


async def test_background_requests_are_not_retried_here() -> None:
    limiter = SharedRateLimiter(background_per_second=5)
    call = Recorder(fail_with=[NetworkError("Bad Gateway")])
    with pytest.raises(NetworkError):
        await send(limiter, call, "outbox", priority=Priority.BACKGROUND)
    assert len(call.started) == 1  # the worker keeps its own backoff in the database


async def test_the_outbox_leaves_a_slot_for_every_reply_still_waiting() -> None:
    limiter = SharedRateLimiter(background_per_second=4, overall_per_second=4, chat_per_second=1)
    call = Recorder()
    await send(limiter, call, "r0", chat_id=1)
    paced = asyncio.create_task(send(limiter, call, "r1", chat_id=1))  # waits for its chat's pace
    background = [
        asyncio.create_task(
            send(limiter, call, f"b{i}", chat_id=100 + i, priority=Priority.BACKGROUND)
        )
        for i in range(4)
    ]
    await asyncio.sleep(0.1)
    started = [tag for _, tag in call.started]
    assert started == ["r0", "b0", "b1"]  # r0 holds one slot, one is kept for r1: two are left
    await asyncio.gather(paced, *background)
    tags = [tag for _, tag in call.started]
    assert tags.index("r1") < tags.index("b2")


async def test_a_first_answer_goes_before_someone_elses_follow_up() -> None:
    """On a crowd day a person's first answer does not wait behind another person's second
    message of the same step (an update is a task: its later requests are follow-ups)."""
    limiter = SharedRateLimiter(background_per_second=1, overall_per_second=1)
    call = Recorder()

    async def welcome_and_menu() -> None:
        await send(limiter, call, "a: welcome", chat_id=1)
        await send(limiter, call, "a: menu", chat_id=1)  # waits for the window

    first = asyncio.create_task(welcome_and_menu())
    await asyncio.sleep(0.05)
    later = asyncio.create_task(send(limiter, call, "b: answer", chat_id=2))  # asked later
    await asyncio.gather(first, later)
    assert [tag for _, tag in call.started] == ["a: welcome", "b: answer", "a: menu"]


async def test_a_follow_up_that_waited_long_enough_takes_turns_with_first_answers() -> None:
    """Newcomers arriving faster than the limit do not hold a follow-up back for as long as
    they keep coming: after its patience it joins the first answers' turns."""
    limiter = SharedRateLimiter(
        background_per_second=1, overall_per_second=20, followup_patience=0.3
    )
    call = Recorder()

    async def welcome_and_menu() -> None:
        await asyncio.sleep(0.6)  # the first second's slots are spent: newcomers queue
        await send(limiter, call, "welcome", chat_id=1)
        await send(limiter, call, "menu", chat_id=1)

    async def newcomers() -> None:  # 40 a second for 1.5 s, against 20 a second
        tasks = []
        for n in range(60):
            tasks.append(asyncio.create_task(send(limiter, call, f"n{n}", chat_id=100 + n)))
            await asyncio.sleep(0.025)
        await asyncio.gather(*tasks)

    await asyncio.gather(welcome_and_menu(), newcomers())
    tags = [tag for _, tag in call.started]
    # Without the patience the menu would come after every newcomer (first answers first);
    # with it, it takes its turn among those that came after it waited 0.3 s.
    assert tags.index("menu") < tags.index("n57"), tags
