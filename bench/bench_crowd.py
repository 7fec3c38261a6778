"""Crowd day: a whole training scans the school's QR at once. Are the answers fair?

N people (300 by default) start at the same moment and each goes through onboarding as a
teacher and then follows a school from its card (the deep link the QR holds), the way
tests/helpers.py drives a person: /start, accept the notice, the name, the role, "later" for
the school, the card, "Seguir". The real Application (`running()`, as `python -m bot run`, with
the production CHAT_SEND_RATE of 1) talks to the fake Telegram limited like Telegram: 30
messages a second overall and one a second per chat, answering 429 beyond that.

Run twice: with an idle outbox, and while `--drain` notifications (10,000 by default) go out to
other chats. For each run it prints:

- the first-answer wait of every step (from a person's action to the bot's first answer in
  their chat: a new message, or the tapped prompt edited into the next one; an edit that only
  takes buttons away is not an answer): p50, p95 and max over all steps, and the median
  person's slowest step;
- Bot API calls per onboarding (those naming a chat, which Telegram's limits count, and all but
  getUpdates);
- the fair bound: max(people × chat calls per step ÷ 30, 1 s). "Chat calls per step" is the
  measured number of calls naming a chat (sends and edits, which the bot's budget counts
  alike) per onboarding, divided by the 7 steps: the average, not the step that needs most.
  If everybody took the same step at the same moment, a queue serving them in turn at
  Telegram's 30 a second would answer the last of them after that many seconds; it can never
  be sooner than Telegram's one second between two messages to one chat (the bench's people
  answer at once; real people read first). The target is a slowest wait ≤ 1.5 × that bound;
- lost (people who did not finish), duplicated (a step answered more often than expected) and
  answers of 429;
- how long the crowd took, and the calls naming a chat per second meanwhile (the crowd's and
  the drain's: at Telegram's 30 the budget was the limit, below it something else was);
- where the crowd queued, sampled every half second: updates in progress (running, or waiting
  for one of the bot's concurrent-update slots or for their person's earlier update), and the
  replies (first answers and follow-ups) and outbox requests waiting in the send budget
  (requests, and the chats they are for), and the event loop's lag (how late a sample came:
  the process was busy or the machine gave it no CPU; a stall delays everybody at once, which
  no queue order can help): mean and max.

Run from the repository root: ``.venv/bin/python -m bench.bench_crowd [--people N]
[--drain N] [--json PATH]``. The figures depend on the machine: on a shared, loaded one they
show that it works, not how fast it is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.domain.registry_import import load_sample_schools
from bot.runner import running
from bot.runtime.rate_limit import Priority
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from storage import Storage
from storage.outbox import OutboxItem
from tests.helpers import make_settings

TELEGRAM_PER_SECOND = 30
FAIR_FACTOR = 1.5
SEND_RATE = 25
FIRST_PERSON = 700_000
FIRST_FOLLOWER = 900_000
SCHOOL = "9000001"
STEP_TIMEOUT_S = 300.0
QUEUE_SAMPLE_S = 0.5
# Methods whose requests name a chat: Telegram's limits (and the bot's budget) count them.
# Telegram's (and the bot's) pace for one chat: no answer can come sooner after the last one.
CHAT_INTERVAL_S = 1.0
CHAT_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage", "sendPhoto"}
)
NOTIFICATION = "📣 <b>Fundación Ayni</b> anunció «Campaña de salud visual» en I.E. 2031."


@dataclass
class Person:
    """One person of the crowd: their chat and the first-answer wait of each step."""

    user_id: int
    name: str
    waits: list[float] = field(default_factory=list)
    finished: bool = False


class Answers:
    """When the bot's answers reached each chat (the fake's hook): new messages, and edits that
    changed a message's text (a prompt folded into the next one). An edit of the buttons
    alone answers nothing."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.times: dict[int, list[float]] = defaultdict(list)
        self._texts: dict[tuple[int, int], str] = {}
        fake.on_bot_message = self._record

    def _record(self, message: SentMessage, kind: str) -> None:
        key = (message.chat_id, message.message_id)
        changed = kind == "sent" or (kind == "edited" and self._texts.get(key) != message.text)
        self._texts[key] = message.text
        if changed:
            self.times[message.chat_id].append(time.monotonic())

    def count(self, chat_id: int) -> int:
        return len(self.times[chat_id])

    def first_after(self, chat_id: int, moment: float) -> float:
        return next(t for t in self.times[chat_id] if t >= moment) - moment


# One step: the person's action, then how many answers the bot gives (new messages, and the
# tapped prompt edited into the next one), and how many of them are new messages (as
# tests/helpers.py register_teacher expects them).
Step = tuple[Callable[[FakeTelegram, Person], Awaitable[object]], int, int]

STEPS: list[Step] = [
    (lambda fake, p: fake.send_text(p.user_id, "/start"), 1, 1),  # welcome and notice
    (lambda fake, p: fake.press(p.user_id, "Acepto"), 1, 0),  # edited: what's your name
    (lambda fake, p: fake.press(p.user_id, f"Usar «{p.name}»"), 1, 0),  # edited: your role
    (lambda fake, p: fake.press(p.user_id, "Docente"), 1, 0),  # edited: your school
    # edited: "later, with /miescuela"; new: welcome, menu
    (lambda fake, p: fake.press(p.user_id, "Lo digo después"), 3, 2),
    (lambda fake, p: fake.send_text(p.user_id, f"/start s_{SCHOOL}_0"), 1, 1),  # the card (QR)
    (lambda fake, p: fake.press(p.user_id, "🔔 Seguir"), 1, 1),  # followed
]


async def take_steps(fake: FakeTelegram, answers: Answers, person: Person) -> None:
    for act, replies, _ in STEPS:
        expected = answers.count(person.user_id) + replies
        acted = time.monotonic()
        await act(fake, person)
        await fake.wait_until(
            lambda: answers.count(person.user_id) >= expected,  # noqa: B023 - awaited here
            STEP_TIMEOUT_S,
            what=f"the answers of chat {person.user_id}",
        )
        person.waits.append(answers.first_after(person.user_id, acted))
    person.finished = True


async def crowd_day(database: Path, people: int, drain: int) -> dict[str, float]:
    async with FakeTelegram() as fake:
        fake.rate_limit(global_per_second=TELEGRAM_PER_SECOND, per_chat_per_second=1)
        crowd = [Person(FIRST_PERSON + n, f"Persona {n}") for n in range(people)]
        for person in crowd:
            fake.user(person.user_id, person.name)
        followers = [FIRST_FOLLOWER + n for n in range(drain)]
        for chat_id in followers:
            fake.user(chat_id, f"Seguidor {chat_id}")
        settings = make_settings(
            fake, database, admin_ids=[], send_rate=SEND_RATE, chat_send_rate=1
        )
        storage = Storage(database)
        await storage.open()
        await load_sample_schools(storage)
        async with running(settings, storage) as app:
            if followers:
                items = [OutboxItem(chat_id, NOTIFICATION) for chat_id in followers]
                await storage.outbox.enqueue("activity:crowd", items)
                assert app.bot_data.delivery is not None
                app.bot_data.delivery.wake()
            answers = Answers(fake)
            calls_before = len(fake.calls)
            queues = asyncio.create_task(sample_queues(app))
            started = time.monotonic()
            await asyncio.gather(
                *(take_steps(fake, answers, p) for p in crowd), return_exceptions=True
            )
            lasted = time.monotonic() - started
            queues.cancel()
            calls = fake.calls[calls_before:]
        figures = summarize(crowd, calls, fake, set(followers))
        rate = sum(1 for name, _ in calls if name in CHAT_METHODS) / lasted
        return {
            **figures,
            "crowd_s": lasted,
            "chat_calls_per_s": rate,
            **queue_figures(await queues),
        }


Sample = tuple[int, int, int, int, float]


async def sample_queues(app: Any) -> list[Sample]:
    """Until cancelled, every half second: updates in progress, replies waiting (requests,
    chats), outbox requests waiting, and how late the sample came (the event loop's lag: the
    process was busy or got no CPU); returned when cancelled."""
    limiter, processor = app.bot.rate_limiter, app.update_processor
    samples: list[Sample] = []
    due = time.monotonic()
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            lag = max(0.0, time.monotonic() - due)
            first, followups = limiter.waiting(Priority.REPLY), limiter.waiting(Priority.FOLLOWUP)
            chats, replies = first[0] + followups[0], first[1] + followups[1]
            _, background = limiter.waiting(Priority.BACKGROUND)
            samples.append((processor.in_progress, replies, chats, background, lag))
            due = time.monotonic() + QUEUE_SAMPLE_S
            await asyncio.sleep(QUEUE_SAMPLE_S)
    return samples


def queue_figures(samples: list[Sample]) -> dict[str, float]:
    names = (
        "updates_in_progress",
        "replies_waiting",
        "reply_chats_waiting",
        "outbox_waiting",
        "loop_lag",
    )
    figures: dict[str, float] = {}
    for index, name in enumerate(names):
        values = [sample[index] for sample in samples] or [0]
        figures[f"queue_{name}_mean"] = statistics.fmean(values)
        figures[f"queue_{name}_max"] = max(values)
    return figures


def summarize(
    crowd: list[Person], calls: list[tuple[str, Any]], fake: FakeTelegram, followers: set[int]
) -> dict[str, float]:
    """The figures of one run; calls to the followers' chats (the drain) are not the crowd's."""
    ours = [
        name for name, params in calls if name != "getUpdates" and _chat_of(params) not in followers
    ]
    by_method = Counter(ours)
    people = len(crowd)
    chat_calls = sum(n for method, n in by_method.items() if method in CHAT_METHODS)
    per_step = chat_calls / people / len(STEPS)
    waits = [w for p in crowd for w in p.waits]
    slowest = [max(p.waits) for p in crowd if p.waits]
    fair_bound = max(people * per_step / TELEGRAM_PER_SECOND, CHAT_INTERVAL_S)
    return {
        "people": people,
        "wait_p50_s": _percentile(waits, 50),
        "wait_p95_s": _percentile(waits, 95),
        "wait_max_s": max(waits, default=0.0),
        "slowest_per_person_p50_s": _percentile(slowest, 50),
        **{
            f"step{index + 1}_max_s": max(
                (p.waits[index] for p in crowd if len(p.waits) > index), default=0.0
            )
            for index in range(len(STEPS))
        },
        "chat_calls_per_onboarding": chat_calls / people,
        "calls_per_onboarding": len(ours) / people,
        "fair_bound_s": fair_bound,
        "slowest_over_bound": max(waits, default=0.0) / fair_bound if fair_bound else 0.0,
        "lost": sum(not p.finished for p in crowd),
        "duplicated": _duplicated(crowd, fake),
        "too_many_requests": fake.too_many_requests,
        **{f"method_{method}": n / people for method, n in sorted(by_method.items())},
    }


def _chat_of(params: dict[str, object]) -> int | None:
    value = params.get("chat_id")
    return int(str(value)) if value is not None and str(value).lstrip("-").isdigit() else None


def _duplicated(crowd: list[Person], fake: FakeTelegram) -> int:
    """Messages beyond what the steps expect: a reply sent twice (e.g. retried after a 429
    Telegram had in fact accepted)."""
    expected = sum(new for _, _, new in STEPS)
    return sum(max(0, len(fake.messages(p.user_id)) - expected) for p in crowd)


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def report(title: str, figures: dict[str, float]) -> None:
    print(f"{title}:")
    print(
        f"  first-answer wait per step: p50 {figures['wait_p50_s']:.2f} s, "
        f"p95 {figures['wait_p95_s']:.2f} s, max {figures['wait_max_s']:.2f} s; "
        f"median person's slowest {figures['slowest_per_person_p50_s']:.2f} s"
    )
    steps = [figures[f"step{n}_max_s"] for n in range(1, len(STEPS) + 1)]
    print("  slowest wait by step: " + ", ".join(f"{wait:.1f}" for wait in steps) + " s")
    print(
        f"  calls per onboarding: {figures['chat_calls_per_onboarding']:.1f} naming a chat, "
        f"{figures['calls_per_onboarding']:.1f} in all ("
        + ", ".join(f"{k[7:]} {v:.1f}" for k, v in figures.items() if k.startswith("method_"))
        + ")"
    )
    print(
        f"  the crowd took {figures['crowd_s']:.1f} s; calls naming a chat (the crowd's and the "
        f"drain's) {figures['chat_calls_per_s']:.1f} a second"
    )
    bound, ratio = figures["fair_bound_s"], figures["slowest_over_bound"]
    verdict = "met" if ratio <= FAIR_FACTOR else "NOT met"
    print(f"  fair bound {bound:.2f} s; slowest / bound = {ratio:.2f} (target ≤ 1.5: {verdict})")
    print(
        f"  lost {figures['lost']:.0f}, duplicated {figures['duplicated']:.0f}, "
        f"429 answers {figures['too_many_requests']:.0f}"
    )
    print(
        "  queued (mean / max): "
        + ", ".join(
            f"{name.replace('_', ' ')} {figures[f'queue_{name}_mean']:.0f} / "
            f"{figures[f'queue_{name}_max']:.0f}"
            for name in ("updates_in_progress", "replies_waiting", "reply_chats_waiting")
        )
        + f", outbox waiting {figures['queue_outbox_waiting_mean']:.0f} / "
        f"{figures['queue_outbox_waiting_max']:.0f}; event loop lag "
        f"{figures['queue_loop_lag_mean']:.2f} / {figures['queue_loop_lag_max']:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300, help="people at once (300)")
    parser.add_argument("--drain", type=int, default=10_000, help="notifications (10,000)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"$ .venv/bin/python -m bench.bench_crowd --people {args.people} --drain {args.drain}")
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        for label, drain in (("idle", 0), ("drain", args.drain)):
            figures = asyncio.run(crowd_day(Path(directory) / f"{label}.db", args.people, drain))
            report(
                f"{args.people} people at once, outbox {label} ({drain:,} notifications)", figures
            )
            results.update({f"{label}_{key}": value for key, value in figures.items()})
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
