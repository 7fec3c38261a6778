"""parse_when over the Spanish corpora of Duckling and chrono (in ../shared, never copied).

The table in docs/dates.md comes from ``python -m bench.peer_dates``; here the numbers that
must hold: no case is wrong (a different moment with no note), and every refusal has a reason.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.peer_dates import REALWORLD, Result, chrono_cases, duckling_cases, judge, run_all

pytestmark = pytest.mark.skipif(
    not (REALWORLD / "duckling_es_cases.json").exists(), reason="../shared is not checked out"
)


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return run_all()[0]


def test_both_corpora_are_read_whole() -> None:
    assert len(duckling_cases()) == 225
    scored, unscored = chrono_cases()
    assert len(scored) + len(unscored) == 67


def test_no_case_is_wrong(results: list[Result]) -> None:
    wrong = [(r.case.text, r.got) for r in results if r.outcome == "wrong"]
    assert wrong == []


def test_most_cases_are_right(results: list[Result]) -> None:
    counts = Counter(r.outcome for r in results)
    assert counts["right"] >= 155  # docs/dates.md: 155 of 274 right
    assert counts["right"] + counts["flagged"] >= 176


def test_every_refusal_has_a_named_reason(results: list[Result]) -> None:
    unexplained = [
        r.case.text for r in results if r.outcome == "refused" and r.reason.startswith("other:")
    ]
    assert unexplained == []


def test_a_span_of_days_is_judged_on_its_last_day_too() -> None:
    """The runner itself: a reading that stops at the first day of a span is not right."""
    case = next(c for c in duckling_cases() if c.text == "13 a 15 de julio")
    assert judge(case).outcome == "right"
    shortened = type(case)(case.corpus, "13 de julio", case.reference, case.start, case.last, False)
    assert judge(shortened).outcome == "wrong"
