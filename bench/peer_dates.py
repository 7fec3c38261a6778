"""parse_when against the Spanish test corpora of two well-known parsers, Duckling and chrono.

The corpora live outside the repository (``<repo>/../shared/data/realworld/``, see its README)
and are read, never copied. Each case is run with its corpus's own reference time, taken as a
wall-clock time in Lima, and sorted into one of four outcomes:

- right: the same moment at the grain the corpus asserts (the day for a day, the minute for a
  time; for a span over several days, its first and last day too);
- flagged: a different moment, but with a note that tells the person which part was guessed
  (a flag about the day when the day differs, about the time when the time differs);
- wrong: a different moment with no such note: what must never happen;
- refused: None, each with the reason (a period, a holiday, a season, ...).

Run it: ``.venv/bin/python -m bench.peer_dates`` prints the table of docs/dates.md and every
case that is not right. ``tests/test_dates_peers.py`` checks that none is wrong.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bench.shared_data import REALWORLD
from bot.domain.dates import LIMA, DateFlag, ParsedWhen, parse_when

Outcome = Literal["right", "flagged", "wrong", "refused"]

# A flag that tells the person the day was guessed, or the time was.
DAY_NOTES = frozenset({
    DateFlag.NEXT_YEAR, DateFlag.BARE_DAY, DateFlag.WEEKDAY_MISMATCH, DateFlag.NO_DATE,
    DateFlag.FALLBACK, DateFlag.DAY_OR_HOUR, DateFlag.THIS_WEEK, DateFlag.FAR_FUTURE,
})  # fmt: skip
TIME_NOTES = frozenset({
    DateFlag.NO_TIME, DateFlag.PART_OF_DAY, DateFlag.ASSUMED_PM, DateFlag.ASSUMED_AM,
    DateFlag.FALLBACK, DateFlag.DAY_OR_HOUR, DateFlag.FROM_NOW,
})  # fmt: skip

# Why a refused phrase is refused, first match wins (over the lower-cased phrase).
REFUSAL_REASONS: tuple[tuple[str, str], ...] = (
    (r"navidad|nochevieja|a[nñ]o nuevo|d[ií]a (mundial|internacional|de l)",
     "a holiday or observance: Minka has no holiday calendar"),
    (r"verano|invierno", "a season: no day to offer"),
    (r"mil novecientos", "a year in words ('mil novecientos noventa'): a far past year"),
    (r"(lunes|martes|mi[eé]rcoles|domingo) de (esta|la) semana",
     "a weekday 'de esta semana' / 'de la semana pasada': not in the grammar, refused not guessed"),
    (r"semana|weekend|\bmes(es)?\b|a[nñ]os?\b|\bano\b",
     "a period (week, month, year): no day to offer"),
    (r"pr[oó]xim[oa]s \d|\d pr[oó]xim",
     "the next N minutes, hours or days: a period, not a moment"),
    (r"pasad[oa]s?\b|hace ", "a past moment or period: an activity is announced ahead"),
    (r"^(ma|mx)\.?$", "a two-letter weekday abbreviation ('ma', 'mx'): too easily something else"),
    (r"^por \d", "a duration ('por 5 minutos'), not a moment"),
    (r"fecha l[ií]mite", "a sentence around the moment: the when-field takes the moment alone"),
    (r"ahora|ahorita|^ya$|cuanto antes|momento|segundo",
     "'now' or seconds: an activity needs a day and an hour"),
    (r"\b(ac|d\. ?c\.)|\b\d{3}\b", "an era or a far year"),
    (r"cero|zero|\d \d \d|\b(seis|siete|ocho|nueve) (dos|tres|cuatro|cinco)\b",
     "a time spelt digit by digit ('seis cero dos', 'seis dos')"),
    (r"cet", "a time zone other than Lima's"),
)  # fmt: skip


@dataclass(frozen=True)
class PeerCase:
    corpus: str
    text: str
    reference: datetime
    start: datetime
    last: datetime | None  # the last moment of a span, inclusive; None for a moment
    compare_time: bool


@dataclass(frozen=True)
class Result:
    case: PeerCase
    outcome: Outcome
    got: ParsedWhen | None
    reason: str = ""


def _moment(parts: list[int]) -> datetime | None:
    year, month, day, hour, minute, second = parts
    if year < 1 or month < 1:
        return None  # a month or year grain ("el mes que viene"): no day
    return datetime(year, month, max(day, 1), hour, minute, second, tzinfo=LIMA)


def duckling_cases() -> list[PeerCase]:
    """Duckling's reference time is Tuesday 12 February 2013, 04:30; ends are exclusive."""
    reference = datetime(2013, 2, 12, 4, 30, tzinfo=LIMA)
    cases = []
    for item in _load("duckling_es_cases.json"):
        start = _moment(item["start"])
        end = _moment(item["end"]) if item["end"] else None
        if start is None:
            start = reference  # a month or year: refused anyway; kept to be counted
        last = end - timedelta(seconds=1) if end is not None else None
        compare_time = item["grain"] in ("Hour", "Minute", "Second")
        cases.append(PeerCase("duckling", item["text"], reference, start, last, compare_time))
    return cases


def chrono_cases() -> tuple[list[PeerCase], list[str]]:
    """chrono's cases with a reference time; the texts of those without one, apart."""
    cases, unscored = [], []
    for item in _load("chrono_es_cases.json"):
        reference = _moment(item["ref"]) if item["ref"] else None
        start = _moment(item["start"]) if item["start"] else None
        if reference is None or start is None:
            unscored.append(item["text"])
            continue
        last = _moment(item["end"]) if item["end"] else None
        text = item["text"].strip()
        cases.append(PeerCase("chrono", text, reference, start, last, item["time_asserted"]))
    return cases, unscored


def _load(name: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads((REALWORLD / name).read_text(encoding="utf-8"))
    return loaded


def judge(case: PeerCase) -> Result:
    got = parse_when(case.text, now=case.reference, tz=LIMA, spans=True)
    if got is None:
        return Result(case, "refused", None, refusal_reason(case.text))
    day_differs = _day_differs(case, got)
    time_differs = case.compare_time and _clock(got.start) != _clock(case.start)
    if not day_differs and not time_differs:
        return Result(case, "right", got)
    explained = (not day_differs or got.flags & DAY_NOTES) and (
        not time_differs or got.flags & TIME_NOTES
    )
    return Result(case, "flagged" if explained else "wrong", got)


def _day_differs(case: PeerCase, got: ParsedWhen) -> bool:
    if got.start.date() != case.start.date():
        return True
    spans = case.last is not None and case.last.date() != case.start.date()
    if not spans:
        return False
    assert case.last is not None
    return got.last_day != case.last.date()


def _clock(moment: datetime) -> tuple[int, int]:
    return moment.hour, moment.minute


def refusal_reason(text: str) -> str:
    folded = text.casefold()
    for pattern, reason in REFUSAL_REASONS:
        if re.search(pattern, folded):
            return reason
    return "other: not understood"


def run_all() -> tuple[list[Result], list[str]]:
    chrono, unscored = chrono_cases()
    return [judge(case) for case in [*duckling_cases(), *chrono]], unscored


def table(results: Iterable[Result]) -> str:
    """The Markdown table of docs/dates.md: one row per corpus and a total."""
    results = list(results)
    rows = [
        "| corpus | cases | right | flagged | wrong | refused |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for corpus in ("duckling", "chrono", "total"):
        chosen = [r for r in results if corpus in ("total", r.case.corpus)]
        counts = Counter(r.outcome for r in chosen)
        cells = [str(counts[o]) for o in ("right", "flagged", "wrong", "refused")]
        rows.append(f"| {corpus} | {len(chosen)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _describe(result: Result) -> str:
    got = result.got
    if got is None:
        return f"refused ({result.reason})"
    end = f" - {got.end:%Y-%m-%d %H:%M}" if got.end else ""
    end += f" to {got.last_day}" if got.last_day else ""
    flags = ", ".join(sorted(got.flags)) or "no flag"
    return f"{got.start:%Y-%m-%d %H:%M}{end} [{flags}]"


def main() -> None:
    results, unscored = run_all()
    print(table(results))
    refusals = Counter(r.reason for r in results if r.outcome == "refused")
    print("\nrefused, by reason:")
    for reason, count in refusals.most_common():
        print(f"  {count:3d}  {reason}")
    print(f"\nchrono cases without a reference time (not scored): {len(unscored)}")
    for result in results:
        if result.outcome not in ("right",):
            expected = f"{result.case.start:%Y-%m-%d %H:%M}"
            if result.case.last is not None:
                expected += f" .. {result.case.last:%Y-%m-%d %H:%M}"
            print(f"{result.outcome:8} {result.case.corpus:8} {result.case.text!r:45} "
                  f"expected {expected}; got {_describe(result)}")  # fmt: skip


if __name__ == "__main__":
    main()
