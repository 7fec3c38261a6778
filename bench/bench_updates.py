"""Update handling: Minka's real Application against a bare PTB echo bot, driven the same way.

Both poll the project's fake Telegram (bot/sandbox/fake_telegram/) over loopback HTTP, so the
Bot API round trip is the same for both. Latency of one update = from the fake creating it
(`send_text`/`press`) to the fake recording the bot's first message (sent or edited) in the chat.
A few concurrent users each run their script step by step; a step starts once the previous one
is answered (for Minka: once all the messages the step produced in the warm-up cycle arrived).

1. Echo: N plain texts answered with the same text by one MessageHandler (no database).
2. Minka: N updates of registered NGO users (onboarded through the bot): school searches by
   text, opening the first result, /quien, /suscribir, /anunciar then /cancelar.
   Both bots run side by side and the paced phase alternates between them in rounds, so a
   change in the (shared) machine's load weighs on both. Target: Minka p95 <= 2 x echo p95.
3. Fan-out: the same mix with the fake limited like Telegram (30 msg/s overall, 1 msg/s per
   chat), first with an idle outbox, then while 10,000 outbox messages to 10,000 chats drain.
4. Start-up: from spawning ``python -m bot run`` (fresh process) to the answer to an update
   that was waiting for it; then the same process answers a mix of updates and its peak memory
   (VmHWM) is read.

Minka's database is the bundled sample registry, or with ``--database`` a copy of a Peru-scale
one (``python -m bench.generate_population``). ``--profile FILE`` writes a pyinstrument profile
of the paced phase (both bots and their fake Telegrams share the event loop, so all show).

Run from the repository root: ``.venv/bin/python -m bench.bench_updates [--updates N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.app import MinkaApplication  # noqa: E402
from bot.domain.registry_import import load_sample_schools  # noqa: E402
from bot.runner import running  # noqa: E402
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage import Storage  # noqa: E402
from storage.outbox import OutboxItem  # noqa: E402
from tests.helpers import bot_environment, make_settings  # noqa: E402
from tests.helpers import register_ngo as onboard_ngo  # noqa: E402

log = logging.getLogger("bench.updates")

FANOUT = 10_000
USERS = 4  # concurrent users in the unlimited phases (--users)
DRAIN_USERS = 8
PER_CHAT_GAP = 1.05  # seconds between a user's steps while the fake enforces 1 msg/s per chat
REPLY_TIMEOUT = 30.0
THINK = 0.25  # paced: 4 users then offer at most 16 updates/s, under the 30 sends/s limiter
PACED_ROUNDS = 3
LIMITED_TIMEOUT = 5.0  # an update not answered by then counts as unanswered
Step = tuple[str, str]  # ("text", "santa rosa") or ("press", "1")
MINKA_SCRIPT: list[Step] = [
    ("text", "santa rosa"),
    ("press", "1"),
    ("text", "2045"),
    ("text", "mariategi"),
    ("text", "/quien 9000001"),
    ("text", "/suscribir 9000001"),
    ("text", "/anunciar"),
    ("text", "/cancelar"),
]
# Words of school names and places all over the registry, for the varied mix.
VARIED_WORDS = [
    "san martin",
    "jose olaya",
    "santa rosa",
    "inicial",
    "cesar vallejo",
    "grau",
    "arequipa",
    "puno",
    "cusco",
    "huancayo",
    "piura",
    "trujillo",
    "chiclayo",
    "iquitos",
    "ayacucho",
    "san juan",
    "virgen",
    "maria auxiliadora",
    "tupac amaru",
    "jose carlos mariategui",
    "ricardo palma",
    "simon bolivar",
    "andres avelino caceres",
    "miguel grau",
    "la libertad",
]
# Where each user starts in the script: after a search ("1" presses its first result) or
# after /anunciar (which /cancelar ends) a user may not start.
START_STEPS = (0, 2, 4, 6)
ECHO_SCRIPT: list[Step] = [("text", text) for _, text in MINKA_SCRIPT if not text.startswith("/")]


@dataclass
class Replies:
    """Records, per chat, when the bot's messages (sent or edited) reached the fake."""

    times: dict[int, list[float]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def hook(self, message: SentMessage, kind: str) -> None:
        if kind in ("sent", "edited"):
            self.times.setdefault(message.chat_id, []).append(time.perf_counter())
            self.changed.set()
            self.changed = asyncio.Event()

    def count(self, chat_id: int) -> int:
        return len(self.times.get(chat_id, []))

    async def wait_count(self, chat_id: int, count: int, within: float = REPLY_TIMEOUT) -> None:
        deadline = time.perf_counter() + within
        while self.count(chat_id) < count:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"chat {chat_id}: {self.count(chat_id)} of {count} replies")
            event = self.changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


async def act(fake: FakeTelegram, user: int, step: Step) -> None:
    kind, value = step
    if kind == "press":
        try:
            await fake.press(user, int(value))
        except LookupError:  # the varied mix's search found nothing (a small registry)
            await fake.send_text(user, "/ayuda")
    else:
        await fake.send_text(user, value)


@dataclass
class Driver:
    """Runs scripts for several users at once and collects per-update latencies."""

    fake: FakeTelegram
    replies: Replies
    expected: dict[Step, int] = field(default_factory=dict)  # replies per step (warm-up)
    latencies: list[float] = field(default_factory=list)
    by_step: dict[Step, list[float]] = field(default_factory=dict)
    lost: int = 0  # updates without any answer within `timeout`
    timeout: float = REPLY_TIMEOUT

    async def step(self, user: int, step: Step) -> None:
        before = self.replies.count(user)
        started = time.perf_counter()
        await act(self.fake, user, step)
        try:
            await self.replies.wait_count(user, before + 1, self.timeout)
        except TimeoutError:
            self.lost += 1
            return
        latency = (self.replies.times[user][before] - started) * 1000
        self.latencies.append(latency)
        self.by_step.setdefault(step, []).append(latency)
        with contextlib.suppress(TimeoutError):  # a later message of the step may be lost
            await self.replies.wait_count(user, before + self.expected.get(step, 1), self.timeout)

    async def calibrate(self, user: int, script: Sequence[Step], settle: float) -> None:
        """Run the script once, unmeasured, learning how many messages each step produces."""
        for step in script:
            before = self.replies.count(user)
            await act(self.fake, user, step)
            await self.replies.wait_count(user, before + 1)
            await asyncio.sleep(settle)
            self.expected[step] = self.replies.count(user) - before

    async def run(
        self, users: Sequence[int], script: Sequence[Step], total: int, gap: float = 0.0
    ) -> float:
        """`total` updates spread over `users`, a user's next step 1 to 1.4 x `gap` seconds
        (seeded) after the bot's last message to them (0: at once); returns the wall time.
        Users start at different points of the script and think for different times, as
        people do; in lockstep, every user would send the slowest step at the same moment."""
        self.latencies, self.by_step, self.lost = [], {}, 0
        per_user = [total // len(users) + (i < total % len(users)) for i in range(len(users))]

        async def user_loop(index: int, user: int, count: int) -> None:
            first = START_STEPS[index % len(START_STEPS)]
            think = random.Random(user)
            for n in range(count):
                await self.step(user, script[(first + n) % len(script)])
                if gap and self.replies.times.get(user):
                    wait = gap * think.uniform(1.0, 1.4)
                    last_reply = self.replies.times[user][-1]
                    await asyncio.sleep(max(0.0, wait - (time.perf_counter() - last_reply)))

        started = time.perf_counter()
        await asyncio.gather(
            *(user_loop(i, u, c) for i, (u, c) in enumerate(zip(users, per_user, strict=True)))
        )
        return time.perf_counter() - started


@dataclass(frozen=True)
class Options:
    database: Path | None = None  # None: the bundled sample registry
    profile: Path | None = None
    memory_updates: int = 200


@contextlib.contextmanager
def profiled(path: Path | None) -> Iterator[None]:
    """Profile the block with pyinstrument into `path` (a text report); nothing if None."""
    if path is None:
        yield
        return
    from pyinstrument import Profiler  # a dev dependency: imported only when asked for

    profiler = Profiler(async_mode="disabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        path.write_text(profiler.output_text(unicode=True, show_all=False))
        print(f"profile of Minka's paced phase written to {path}")


@dataclass
class Figures:
    label: str
    latencies_ms: list[float]
    seconds: float
    lost: int = 0
    too_many_requests: int = 0  # answers of 429 the fake gave during the phase

    def quantile(self, q: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]

    def line(self) -> str:
        rate = (len(self.latencies_ms) + self.lost) / self.seconds
        return (
            f"{self.label:<30} n={len(self.latencies_ms):<4} p50 {self.quantile(50):6.1f} ms  "
            f"p95 {self.quantile(95):6.1f} ms  p99 {self.quantile(99):6.1f} ms  "
            f"{rate:5.1f} updates/s  unanswered {self.lost}"
        )


def settings_for(fake: FakeTelegram, database: Path) -> Settings:
    """The tests' settings, quieter and with no administrator to alert."""
    return make_settings(fake, database, admin_ids=[], log_level="WARNING")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


def print_steps(by_step: dict[Step, list[float]]) -> None:
    """Minka's paced latencies per step of the script: which kind of update costs what."""
    print("Minka, paced, by step (ms):")
    for (_, value), latencies in by_step.items():
        cuts = statistics.quantiles(latencies, n=20, method="inclusive")
        print(f"    {value:<22} n={len(latencies):<4} p50 {cuts[9]:6.1f}  p95 {cuts[18]:6.1f}")


@dataclass
class Contender:
    """A bot under test, running, its users registered and their script calibrated."""

    label: str
    driver: Driver
    users: list[int]
    script: list[Step]


@contextlib.asynccontextmanager
async def echo_bot(concurrent: int) -> AsyncIterator[Contender]:
    """A bare PTB bot: one MessageHandler that replies with the text; no database, no limiter."""
    async with FakeTelegram() as fake:
        replies = Replies()
        fake.on_bot_message = replies.hook
        app = Application.builder().token(fake.token).base_url(fake.base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        users = list(range(3001, 3001 + concurrent))
        for user in users:
            fake.user(user, f"Eco {user}")
        async with app:
            assert app.updater is not None
            await app.updater.start_polling()
            await app.start()
            try:
                driver = Driver(fake, replies)
                for user in users:
                    await driver.calibrate(user, ECHO_SCRIPT, settle=0.0)
                yield Contender("echo", driver, users, ECHO_SCRIPT)
            finally:
                await app.updater.stop()
                await app.stop()


@dataclass
class MinkaRun:
    contender: Contender
    app: MinkaApplication
    fake: FakeTelegram
    drain_users: list[int]


@contextlib.asynccontextmanager
async def minka_bot(folder: Path, concurrent: int, options: Options) -> AsyncIterator[MinkaRun]:
    """Minka as `python -m bot run` runs it, its NGO users onboarded through the bot."""
    database = await prepare_database(folder, "minka.db", options.database)
    async with FakeTelegram() as fake:
        replies = Replies()
        fake.on_bot_message = replies.hook
        async with running(settings_for(fake, database), Storage(database)) as app:
            users = list(range(2001, 2001 + max(concurrent, DRAIN_USERS)))
            for user in users:
                await register_ngo(fake, user)
            driver = Driver(fake, replies)
            for user in users:
                await driver.calibrate(user, MINKA_SCRIPT, settle=0.3)
            print(
                "messages per step (warm-up):",
                ", ".join(f"{value!r} {count}" for (_, value), count in driver.expected.items()),
            )
            contender = Contender("Minka", driver, users[:concurrent], MINKA_SCRIPT)
            yield MinkaRun(contender, app, fake, users[:DRAIN_USERS])


async def paced_rounds(
    contenders: Sequence[Contender], total: int, rounds: int
) -> tuple[list[Figures], dict[Step, list[float]]]:
    """`total` paced updates per bot, in `rounds` that alternate between the bots, so that a
    change in the machine's load (it is shared) weighs on both alike."""
    latencies: dict[str, list[float]] = {c.label: [] for c in contenders}
    seconds = dict.fromkeys(latencies, 0.0)
    minka_steps: dict[Step, list[float]] = {}
    for round_number in range(rounds):
        share = total // rounds + (round_number < total % rounds)
        for contender in contenders:
            driver = contender.driver
            seconds[contender.label] += await driver.run(
                contender.users, contender.script, share, gap=THINK
            )
            latencies[contender.label] += driver.latencies
            if contender.label == "Minka":
                for step, values in driver.by_step.items():
                    minka_steps.setdefault(step, []).extend(values)
    figures = [Figures(f"{label}, paced", latencies[label], seconds[label]) for label in latencies]
    return figures, minka_steps


async def flat_out(contender: Contender, total: int) -> Figures:
    await asyncio.sleep(1.0)  # the rate limiter's window forgets the paced phase
    seconds = await contender.driver.run(contender.users, contender.script, total)
    return Figures(f"{contender.label}, flat out", contender.driver.latencies, seconds)


async def bench_bots(
    total: int, drain_total: int, folder: Path, concurrent: int, options: Options
) -> dict[str, Figures]:
    async with echo_bot(concurrent) as echo_run, minka_bot(folder, concurrent, options) as minka:
        with profiled(options.profile):
            paced, minka_steps = await paced_rounds(
                [echo_run, minka.contender], total, PACED_ROUNDS
            )
        print_steps(minka_steps)
        echo_flat = await flat_out(echo_run, total)
        minka_flat = await flat_out(minka.contender, total)
        quiet, busy = await fan_out(
            minka.app, minka.fake, minka.contender.driver, minka.drain_users, drain_total
        )
    figures = [*paced, echo_flat, minka_flat, quiet, busy]
    return {figure.label: figure for figure in figures}


async def register_ngo(fake: FakeTelegram, user: int) -> None:
    """Onboard `user` as an NGO representative, the way people do, through the bot."""
    await onboard_ngo(fake, user, f"Persona{user}", f"Fundación Banco {user}")


async def prepare_database(folder: Path, name: str, source: Path | None) -> Path:
    """A fresh database for one bot: a copy of `source`, or the bundled sample registry."""
    database = folder / name
    if source is not None:
        shutil.copyfile(source, database)
        return database
    storage = Storage(database)
    await storage.open()
    try:
        await load_sample_schools(storage)
    finally:
        await storage.close()
    return database


async def fan_out(
    app: MinkaApplication, fake: FakeTelegram, driver: Driver, users: list[int], total: int
) -> list[Figures]:
    fake.rate_limit(global_per_second=30, per_chat_per_second=1)
    await asyncio.sleep(1.1)  # the per-chat window forgets the unlimited phase
    driver.timeout = LIMITED_TIMEOUT
    seconds = await driver.run(users, MINKA_SCRIPT, total, gap=PER_CHAT_GAP)
    quiet = Figures("Minka, limited, idle outbox", driver.latencies, seconds, driver.lost)
    items = [OutboxItem(100_000 + n, f"Aviso {n} de la fundación", None) for n in range(FANOUT)]
    for item in items:
        fake.user(item.chat_id, f"Docente {item.chat_id}")
    started = time.perf_counter()
    await app.bot_data.storage.outbox.enqueue("bench:fanout", items)
    enqueue_ms = (time.perf_counter() - started) * 1000
    assert app.bot_data.delivery is not None
    sent_before, refused_before = fake.sent_count, fake.too_many_requests
    app.bot_data.delivery.wake()
    await asyncio.sleep(1.0)  # the drain is under way
    seconds = await driver.run(users, MINKA_SCRIPT, total, gap=PER_CHAT_GAP)
    sent = fake.sent_count - sent_before - total
    refused = fake.too_many_requests - refused_before
    busy = Figures("Minka, limited, 10k draining", driver.latencies, seconds, driver.lost, refused)
    print(
        f"fan-out: enqueued {FANOUT:,} messages in {enqueue_ms:.0f} ms; "
        f"~{sent} outbox messages sent during the {seconds + 1:.1f} s measured "
        f"({sent / (seconds + 1):.1f} msg/s); 429 answers so far: {fake.too_many_requests}"
    )
    return [quiet, busy]


async def bench_startup(folder: Path, options: Options) -> dict[str, float]:
    """Spawn ``python -m bot run`` with an update waiting; time its answer, then let it answer
    a varied mix and read its peak memory."""
    database = await prepare_database(folder, "startup.db", options.database)
    async with FakeTelegram() as fake:
        replies = Replies()
        fake.on_bot_message = replies.hook
        fake.user(2500, "Rosa")
        await fake.send_text(2500, "/start")  # waiting for the bot before it starts
        started = time.perf_counter()
        process = spawn_bot(fake, database, folder)
        try:
            first_poll = await first_call(fake, "getupdates", started)
            await replies.wait_count(2500, 1)
            answered = replies.times[2500][0] - started
            after_start = memory_of(process.pid)
            await varied_mix(fake, replies, options.memory_updates)
            memory = memory_of(process.pid)
        finally:
            process.terminate()
            await asyncio.to_thread(process.wait, 15)
    return {
        "first getUpdates": first_poll * 1000,
        "first answer": answered * 1000,
        "rss after start-up MB": after_start["VmRSS"],
        "peak rss MB": memory["VmHWM"],
    }


def spawn_bot(fake: FakeTelegram, database: Path, folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=folder,  # no .env file here
        env=bot_environment(fake, database, LOG_LEVEL="WARNING"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def memory_of(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak resident memory) of a process, in MB (Linux's /proc)."""
    figures: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0]) / 1024  # kB
    return figures


def varied_script(count: int, seed: int = 11) -> list[Step]:
    """Searches over the whole registry (place and name words, numbers), opening a result,
    /quien and /suscribir on numbered schools: many different schools, cards and pages."""
    rng = random.Random(seed)
    steps: list[Step] = []
    while len(steps) < count:
        words = " ".join(rng.sample(VARIED_WORDS, rng.choice((1, 2))))
        number = rng.randint(1, 3000)
        steps += [("text", words), ("press", "1"), ("text", f"{number}")]
        steps.append(("text", rng.choice(("/quien", "/suscribir")) + f" {number}"))
    return steps[:count]


async def varied_mix(fake: FakeTelegram, replies: Replies, count: int) -> None:
    users = list(range(2601, 2601 + USERS))
    for user in users:
        await register_ngo(fake, user)
    driver = Driver(fake, replies)
    script = varied_script(count)
    await driver.run(users, script, count, gap=0.05)


async def first_call(fake: FakeTelegram, method: str, started: float) -> float:
    while not any(name.lower() == method for name, _ in fake.calls):
        if time.perf_counter() - started > REPLY_TIMEOUT:
            raise TimeoutError(f"no {method} call")
        await asyncio.sleep(0.005)
    return time.perf_counter() - started


async def main_async(
    total: int, drain_total: int, concurrent: int, options: Options
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="minka-bench-") as name:
        folder = Path(name)
        startup = await bench_startup(folder, options)
        bots = await bench_bots(total, drain_total, folder, concurrent, options)
    echo_figures, minka = bots["echo, paced"], bots["Minka, paced"]
    echo_flat, minka_flat = bots["echo, flat out"], bots["Minka, flat out"]
    quiet, busy = bots["Minka, limited, idle outbox"], bots["Minka, limited, 10k draining"]
    data = "sample registry" if options.database is None else f"copy of {options.database.name}"
    print(f"Minka's database: {data}")
    print(
        f"{concurrent} users; paced: a user's next update {THINK * 1000:.0f}-{THINK * 1400:.0f} ms"
        f" after the bot's answer, the bots alternating in {PACED_ROUNDS} rounds; flat out: at once"
    )
    for figures in (echo_figures, minka, echo_flat, minka_flat):
        print(figures.line())
    print(
        f"{DRAIN_USERS} users, next update {PER_CHAT_GAP:.2f} s after the answer, fake Telegram "
        "limited to 30 msg/s overall and 1 msg/s per chat:"
    )
    for figures in (quiet, busy):
        print(figures.line())
    ratio = minka.quantile(95) / echo_figures.quantile(95)
    print(f"p95 Minka / echo (paced): {ratio:.2f} (target <= 2)")
    print(
        f"start-up (python -m bot run, {data}): first getUpdates after "
        f"{startup['first getUpdates']:.0f} ms, first update answered after "
        f"{startup['first answer']:.0f} ms"
    )
    print(
        f"memory of that process: {startup['rss after start-up MB']:.0f} MB resident after "
        f"start-up; peak {startup['peak rss MB']:.0f} MB after {options.memory_updates} more "
        "updates (varied searches, cards, /quien, /suscribir)"
    )
    return {
        "echo_p95_ms": echo_figures.quantile(95),
        "minka_p50_ms": minka.quantile(50),
        "minka_p95_ms": minka.quantile(95),
        "minka_p99_ms": minka.quantile(99),
        "p95_ratio": ratio,
        "minka_flat_out_updates_per_s": len(minka_flat.latencies_ms) / minka_flat.seconds,
        "echo_flat_out_updates_per_s": len(echo_flat.latencies_ms) / echo_flat.seconds,
        "drain_unanswered": busy.lost,
        "limited_idle_p95_ms": quiet.quantile(95),
        "drain_p95_ms": busy.quantile(95),
        "drain_429": busy.too_many_requests,
        "startup_first_answer_ms": startup["first answer"],
        "peak_rss_mb": startup["peak rss MB"],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=300, help="updates per bot (300)")
    parser.add_argument("--drain-updates", type=int, default=80, help="updates per fan-out phase")
    parser.add_argument("--users", type=int, default=USERS, help="concurrent users (4)")
    parser.add_argument("--database", type=Path, help="Minka's data: a copy of this SQLite file")
    parser.add_argument("--memory-updates", type=int, default=200, help="varied updates (200)")
    parser.add_argument("--profile", type=Path, help="write a profile of Minka's paced phase")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # the app's 429 errors are counted instead
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    )
    options = Options(args.database, args.profile, args.memory_updates)
    results = asyncio.run(main_async(args.updates, args.drain_updates, args.users, options))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
