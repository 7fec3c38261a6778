"""Run every benchmark, one subprocess each, and print a summary of the figures with targets.

    .venv/bin/python -m bench            # about 15 minutes on a 2-core machine

First a Peru-scale database is generated (bench.generate_population: the synthetic 180,000-row
registry imported as an operator would, then 50,000 people, 100,000 activities, 3,000
organizations, chats and follows; deterministic). bench_storage and bench_updates read copies
of it. Each benchmark runs in its own interpreter (a failure or a hang does not stop the
others; the cold-start figures stay cold) at sizes that keep the whole run near 12 minutes:
bench_schools at full scale but 500 queries, bench_delivery with a drain of 500 messages (20 s
at SEND_RATE=25), the others at their defaults. bench_updates runs twice: on the Peru-scale
database, then on the bundled sample registry (to tell what data size costs from what every
update costs). bench_crowd (300 people onboarding at once, idle and during a 10,000-message
drain) takes about 6 minutes of that at Telegram's pace. bench_panel (the web overview's
pages at a UGEL's scale, about a minute) works on its own copy of the database, which it tops
up with activities. Their output is shown as it comes; the summary at the end reads the figures.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300  # per benchmark
# The Peru-scale data is generated as of this hour, so that the bot under test, which runs on
# the wall clock, finds it current (no backlog of reminders and check-ins to catch up on).
BUILT_FOR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Figure:
    """One summary line: where the value comes from in a benchmark's output, and its target."""

    name: str
    pattern: str  # regular expression; group 1 is the value
    unit: str
    target: str
    met: Callable[[float], bool] | None  # None: informational, no target


def _under(limit: float) -> Callable[[float], bool]:
    return lambda value: value < limit


def _panel_figures(page: str) -> list[Figure]:
    """One web overview page at the issue's UGEL scale (bench_panel's province): p95 read
    afresh (the target) and kept, and the weight as sent."""
    line = rf"^panel province {page}: afresh p50 [\d.]+ ms, p95 ([\d.]+) ms"
    return [
        Figure(f"panel: UGEL {page} p95", line, "ms", "< 150 ms", _under(150)),
        Figure(
            f"panel: UGEL {page} p95, kept",
            rf"^panel province {page}: .*?; kept p50 [\d.]+ ms, p95 ([\d.]+) ms",
            "ms",
            "-",
            None,
        ),
        Figure(
            f"panel: UGEL {page} sent",
            rf"^panel province {page}: .*?; ([\d.]+) KB sent",
            "KB",
            "< 200 KB",
            _under(200),
        ),
    ]


@dataclass(frozen=True)
class Benchmark:
    name: str
    args: list[str]
    figures: list[Figure]
    timeout_s: float = TIMEOUT_S


BENCHMARKS = [
    Benchmark(
        "population",
        ["-m", "bench.generate_population", "--out", "{db}", "--now", "{now}"],
        [
            Figure("population: build Peru-scale db", r"wrote .* in ([\d.]+) s", "s", "-", None),
            Figure("population: database file", r"file: ([\d.]+) MB", "MB", "-", None),
        ],
    ),
    Benchmark(
        "dates",
        ["bench/bench_dates.py", "--rounds", "50"],
        [
            Figure(
                "dates: parse_when p95 (warm)",
                r"parse_when \(all table phrases\)\s+p50 +"
                r"[\d.]+ ms +p95 +([\d.]+) ms",
                "ms",
                "-",
                None,
            ),
        ],
    ),
    Benchmark(
        "schools",
        ["-m", "bench.bench_schools", "--queries", "500"],
        [
            Figure(
                "schools: import 180k rows",
                r"import \(empty database\): ([\d.]+) s",
                "s",
                "< 15 s",
                lambda v: v < 15,
            ),
            Figure(
                "schools: search p95",
                r"search, \d+ queries: p50 [\d.]+ ms, p95 ([\d.]+) ms",
                "ms",
                "< 10 ms",
                lambda v: v < 10,
            ),
            Figure("schools: nearest p95", r"nearest 5, .*?p95 ([\d.]+) ms", "ms", "-", None),
            Figure("schools: database file", r"database file: ([\d.]+) MB", "MB", "-", None),
        ],
    ),
    Benchmark(
        "import",
        ["-m", "bench.bench_import", "--database", "{db}", "--now", "{now}"],
        [
            Figure("import: preview 5,000 rows", r"^preview: ([\d.]+) s", "s", "< 5 s", _under(5)),
            Figure("import: import 5,000 rows", r"^import: ([\d.]+) s", "s", "< 10 s", _under(10)),
            Figure("import: re-import (unchanged)", r"^re-import: ([\d.]+) s", "s", "-", None),
        ],
    ),
    Benchmark(
        "storage",
        ["-m", "bench.bench_storage", "--database", "{db}", "--samples", "1000", "--now", "{now}"],
        [
            Figure(
                "storage: search p95", r"^search: .*?p95 +([\d.]+) ms", "ms", "< 10 ms", _under(10)
            ),
            Figure(
                "storage: card p95",
                r"^card, \d+ random schools: .*?p95 +([\d.]+) ms",
                "ms",
                "< 10 ms",
                _under(10),
            ),
            Figure(
                "storage: card p95, busiest",
                r"^card, the \d+ busiest schools: .*?p95 +([\d.]+) ms",
                "ms",
                "< 10 ms",
                _under(10),
            ),
            Figure(
                "storage: /quien p95",
                r"^/quien, \d+ random schools: .*?p95 +([\d.]+) ms",
                "ms",
                "< 10 ms",
                _under(10),
            ),
            Figure(
                "storage: /quien p95, busiest",
                r"^/quien, the \d+ busiest schools: .*?p95 +([\d.]+) ms",
                "ms",
                "< 10 ms",
                _under(10),
            ),
        ],
    ),
    Benchmark(
        "delivery",
        ["bench/bench_delivery.py", "--drain", "500", "--rounds", "3"],
        [
            Figure(
                "delivery: enqueue 10k (median)",
                r"\(median ([\d.]+) s\)",
                "s",
                "< 0.5 s",
                lambda v: v < 0.5,
            ),
            Figure(
                "delivery: steady rate",
                r"steady rate: [\d.]+ msg/s = ([\d.]+)%",
                "% of rate",
                ">= 95 %",
                lambda v: v >= 95,
            ),
            Figure("delivery: 429 answers", r"429 answers: (\d+)", "", "0", lambda v: v == 0),
        ],
    ),
    Benchmark(
        "fanout",
        ["-m", "bench.bench_fanout", "--rounds", "5"],
        [
            Figure(
                "fanout: longest write, 10k followers",
                r"write 2, enqueue: median (\d+) ms",
                "ms",
                "< 500 ms",
                lambda v: v < 500,
            ),
            Figure(
                "fanout: composing, no lock",
                r"composing, no lock: median (\d+) ms",
                "ms",
                "-",
                None,
            ),
            Figure(
                "fanout: one write as before",
                r"composing per follower \(before\): median (\d+) ms",
                "ms",
                "-",
                None,
            ),
        ],
    ),
    Benchmark(
        "updates",
        ["-m", "bench.bench_updates", "--database", "{db}", "--updates", "600", "--json", "{json}"],
        [
            Figure("updates: echo p95 (paced)", "echo_p95_ms", "ms", "-", None),
            Figure("updates: Minka p95 (paced)", "minka_p95_ms", "ms", "-", None),
            Figure("updates: p95 Minka / echo", "p95_ratio", "x", "<= 2", lambda v: v <= 2),
            Figure(
                "updates: Minka flat out", "minka_flat_out_updates_per_s", "updates/s", "-", None
            ),
            Figure("updates: p95, idle outbox", "limited_idle_p95_ms", "ms", "-", None),
            Figure("updates: p95 during 10k drain", "drain_p95_ms", "ms", "< 250 ms", _under(250)),
            Figure("updates: unanswered in drain", "drain_unanswered", "", "0", lambda v: v == 0),
            Figure("updates: 429 answers in drain", "drain_429", "", "0", lambda v: v == 0),
            Figure(
                "updates: start-up to 1st answer",
                "startup_first_answer_ms",
                "ms",
                "< 3000 ms",
                _under(3000),
            ),
            Figure("updates: bot's peak RSS", "peak_rss_mb", "MB", "< 200 MB", _under(200)),
        ],
    ),
    Benchmark(
        "crowd",
        ["-m", "bench.bench_crowd", "--people", "300", "--drain", "10000", "--json", "{json}"],
        [
            *(
                figure
                for run in ("idle", "drain")
                for figure in (
                    Figure(f"crowd ({run}): first-answer p50", f"{run}_wait_p50_s", "s", "-", None),
                    Figure(f"crowd ({run}): first-answer p95", f"{run}_wait_p95_s", "s", "-", None),
                    Figure(f"crowd ({run}): slowest wait", f"{run}_wait_max_s", "s", "-", None),
                    Figure(f"crowd ({run}): fair bound", f"{run}_fair_bound_s", "s", "-", None),
                    Figure(
                        f"crowd ({run}): slowest / fair bound",
                        f"{run}_slowest_over_bound",
                        "x",
                        "<= 1.5",
                        lambda v: v <= 1.5,
                    ),
                    Figure(
                        f"crowd ({run}): chat calls / onboarding",
                        f"{run}_chat_calls_per_onboarding",
                        "",
                        "-",
                        None,
                    ),
                    Figure(
                        f"crowd ({run}): lost",
                        f"{run}_lost",
                        "",
                        "0",
                        lambda v: v == 0,
                    ),
                    Figure(
                        f"crowd ({run}): duplicated", f"{run}_duplicated", "", "0", lambda v: v == 0
                    ),
                    Figure(
                        f"crowd ({run}): 429 answers",
                        f"{run}_too_many_requests",
                        "",
                        "0",
                        lambda v: v == 0,
                    ),
                )
            )
        ],
        timeout_s=900,
    ),
    Benchmark(
        "exports",
        ["-m", "bench.bench_exports", "--database", "{db}", "--now", "{now}"],
        [
            Figure(
                "exports: xlsx, all activities", r"export xlsx: .*? in ([\d.]+) s", "s", "-", None
            ),
            Figure(
                "exports: xlsx peak RSS",
                r"export xlsx: .*?peak RSS (\d+) MB",
                "MB",
                "< 200 MB",
                _under(200),
            ),
            Figure(
                "exports: csv, all activities", r"export csv: .*? in ([\d.]+) s", "s", "-", None
            ),
            Figure(
                "exports: feed of 50 schools p95",
                r"feed of 50 schools: .*?; 200 p50 [\d.]+ ms p95 ([\d.]+) ms",
                "ms",
                "< 20 ms",
                _under(20),
            ),
            Figure(
                "exports: feed 304 p95",
                r"feed of 50 schools: .*?; 304 p50 [\d.]+ ms p95 ([\d.]+) ms",
                "ms",
                "-",
                None,
            ),
            Figure(
                "exports: feed first rendering",
                r"feed of 50 schools: .*?first rendering (\d+) ms",
                "ms",
                "-",
                None,
            ),
            Figure(
                "exports: feed of 50 busiest p95",
                r"feed of the 50 busiest schools: .*?; 200 p50 [\d.]+ ms p95 ([\d.]+) ms",
                "ms",
                "-",
                None,
            ),
        ],
    ),
    Benchmark(
        "panel",
        ["-m", "bench.bench_panel", "--database", "{db}", "--now", "{now}"],
        [
            figure
            for page in ("overview", "matrix", "gaps", "overlaps")
            for figure in _panel_figures(page)
        ],
    ),
    Benchmark(
        "updates-sample",
        ["-m", "bench.bench_updates", "--memory-updates", "50", "--json", "{json}"],
        [
            Figure("sample registry: echo p95", "echo_p95_ms", "ms", "-", None),
            Figure("sample registry: Minka p95", "minka_p95_ms", "ms", "-", None),
            Figure("sample registry: Minka / echo", "p95_ratio", "x", "<= 2", lambda v: v <= 2),
        ],
    ),
]


def run(benchmark: Benchmark, folder: Path) -> tuple[str, dict[str, float], float, str]:
    """Run one benchmark, echoing its output; return (output, JSON figures, seconds, status)."""
    json_path = folder / f"{benchmark.name}.json"
    database = folder / "peru.sqlite"  # built by the first benchmark, read by later ones
    args = [
        arg.replace("{json}", str(json_path))
        .replace("{db}", str(database))
        .replace("{now}", BUILT_FOR.isoformat())
        for arg in benchmark.args
    ]
    print(f"\n=== {benchmark.name}: python {' '.join(args)}", flush=True)
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        watchdog = threading.Timer(benchmark.timeout_s, process.kill)
        watchdog.start()
        try:
            for line in process.stdout:
                lines.append(line)
                print(line, end="", flush=True)
            code = process.wait()
        finally:
            watchdog.cancel()
    seconds = time.perf_counter() - started
    status = "ok" if code == 0 else f"failed (exit {code})"
    print(f"=== {benchmark.name}: {status} in {seconds:.0f} s", flush=True)
    figures = json.loads(json_path.read_text()) if json_path.exists() else {}
    return "".join(lines), figures, seconds, status


def value_of(figure: Figure, output: str, figures: dict[str, float]) -> float | None:
    if figure.pattern in figures:
        return float(figures[figure.pattern])
    match = re.search(figure.pattern, output, re.MULTILINE)
    return float(match.group(1)) if match else None


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []
    timings: list[tuple[str, float, str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="minka-bench-") as name:
        for benchmark in BENCHMARKS:
            output, figures, seconds, status = run(benchmark, Path(name))
            timings.append((benchmark.name, seconds, status))
            for figure in benchmark.figures:
                value = value_of(figure, output, figures)
                shown = "n/a" if value is None else f"{value:.4g} {figure.unit}".strip()
                if figure.met is None:
                    verdict = "-"
                else:
                    verdict = "n/a" if value is None else ("yes" if figure.met(value) else "NO")
                rows.append((figure.name, shown, figure.target, verdict))
    print("\n=== summary")
    width = max(len(row[0]) for row in rows)
    print(f"{'figure':<{width}}  {'value':>22}  {'target':>8}  met?")
    for figure_name, shown, target, verdict in rows:
        print(f"{figure_name:<{width}}  {shown:>22}  {target:>8}  {verdict}")
    print()
    for bench_name, seconds, status in timings:
        print(f"{bench_name:<10} {seconds:6.0f} s  {status}")
    print(f"{'total':<10} {time.perf_counter() - started:6.0f} s")


if __name__ == "__main__":
    main()
