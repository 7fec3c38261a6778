"""Time bot.domain.dates: the cold parse in a fresh process, and warm parses over the test table.

Run from the repository root: ``.venv/bin/python bench/bench_dates.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.dates import LIMA, DateFlag, parse_when, warm_up  # noqa: E402
from tests.test_dates import CASES, NOW  # noqa: E402

# Runs in a fresh interpreter, so nothing is imported or cached yet.
COLD_SCRIPT = """
import json, time
started = time.perf_counter()
from datetime import datetime
from functools import partial
from bot.domain.dates import LIMA, parse_when, warm_up
imported = time.perf_counter()
now = datetime(2026, 11, 26, 10, 0, tzinfo=LIMA)
parse_when("el próximo lunes a las 3 de la tarde", now=now)
grammar = time.perf_counter()
parse_when("hace 2 días", now=now)  # the dateparser fallback: loads its language data
fallback = time.perf_counter()
print(json.dumps({
    "import_ms": (imported - started) * 1000,
    "first_grammar_parse_ms": (grammar - imported) * 1000,
    "first_fallback_parse_ms": (fallback - grammar) * 1000,
}))
"""

WARM_UP_SCRIPT = """
import json, time
from bot.domain.dates import warm_up
started = time.perf_counter()
warm_up()
print(json.dumps({"warm_up_ms": (time.perf_counter() - started) * 1000}))
"""


def run_fresh(script: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def time_calls(call: Callable[[], object], rounds: int) -> list[float]:
    """Milliseconds per call, one sample per call."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def warm_samples(phrases: list[str], now: datetime, rounds: int) -> list[float]:
    samples: list[float] = []
    for phrase in phrases:
        samples += time_calls(partial(parse_when, phrase, now=now), rounds)
    return samples


def dateparser_samples(phrases: list[str], rounds: int) -> list[float]:
    """dateparser alone on the same phrases, for comparison."""
    import dateparser

    base = NOW.replace(tzinfo=None)
    options = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY", "RELATIVE_BASE": base}
    samples: list[float] = []
    for phrase in phrases:
        call = partial(dateparser.parse, phrase, languages=["es", "en"], settings=options)
        samples += time_calls(call, rounds)
    return samples


def report(label: str, samples: list[float]) -> None:
    p50, p95 = percentile(samples, 0.50), percentile(samples, 0.95)
    print(f"{label:<38} p50 {p50:6.3f} ms   p95 {p95:6.3f} ms   max {max(samples):6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="parses per phrase")
    rounds = parser.parse_args().rounds

    cold = run_fresh(COLD_SCRIPT)
    cold |= run_fresh(WARM_UP_SCRIPT)
    print("cold, fresh process:")
    for name, value in cold.items():
        print(f"  {name:<28} {value:8.1f} ms")

    warm_up()
    phrases = [case.phrase for case in CASES]
    now = datetime(2026, 11, 26, 10, 0, tzinfo=LIMA)
    print(f"\nwarm, {len(phrases)} phrases x {rounds} rounds:")
    report("parse_when (all table phrases)", warm_samples(phrases, now, rounds))
    fallback = [case.phrase for case in CASES if DateFlag.FALLBACK in case.flags]
    report("parse_when (dateparser fallback only)", warm_samples(fallback, now, rounds))
    report("dateparser.parse alone (reference)", dateparser_samples(phrases, max(1, rounds // 4)))
    per_phrase = {p: statistics.median(warm_samples([p], now, rounds)) for p in phrases}
    slowest = sorted(per_phrase.items(), key=lambda item: item[1], reverse=True)[:3]
    print("slowest phrases (median):", ", ".join(f"{p!r} {ms:.3f} ms" for p, ms in slowest))


if __name__ == "__main__":
    main()
