"""The coordinator's overview from storage, over a real SQLite file holding the sample registry:
the 3W matrix counted against the activities written, gaps (schools with nothing in the
period), overlaps (two organizations the same morning, one category in one week, multi-day
spans), and scopes that keep other places out."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.announcing import occurrences
from bot.domain.exports import days_period
from bot.domain.registry_import import load_sample_schools
from storage import Storage
from storage.activities import Category, NewActivity
from storage.exports import ExportScope, ScopeKind
from storage.models import OrgKind
from storage.overview import KeptAnswers, OverlapKind, SchoolMarker
from storage.schools import SchoolRecord

LIMA = ZoneInfo("America/Lima")
MARCH = days_period(date(2027, 3, 1), date(2027, 3, 31), LIMA)  # 1 March 2027 is a Monday
ATE = ExportScope(ScopeKind.PLACE, "150103")


def lima(day: int, hour: int) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=LIMA).astimezone(UTC)


async def add(
    storage: Storage,
    cod_mod: str,
    org: int | None,
    start: datetime,
    hours: float = 2,
    category: Category = Category.SALUD,
    repeats_daily: bool = False,
) -> int:
    school = await storage.exports.school_id_by_code(cod_mod)
    assert school is not None
    new = NewActivity(
        school_id=school, organization_id=org, author_id=7, title=f"{category} en {cod_mod}",
        description=None, category=category, starts_at=start,
        ends_at=start + timedelta(hours=hours), repeats_daily=repeats_daily,
    )  # fmt: skip
    return (await storage.activities.create(new)).id


async def registry_record(storage: Storage, cod_mod: str, active: bool) -> SchoolRecord:
    """The school's registry row as an import would hand it over again."""
    row = await storage.db.fetchone(
        "SELECT cod_mod, anexo, codlocal, name, level, management, address, ubigeo, region,"
        " province, district, ugel, latitude, longitude FROM schools WHERE cod_mod = ?",
        (cod_mod,),
    )
    assert row is not None
    return SchoolRecord(**dict(zip(row.keys(), row, strict=True)), active=active)


async def ate_schools(storage: Storage) -> set[str]:
    """Ate's active schools in the sample registry, read directly."""
    rows = await storage.db.fetchall(
        "SELECT cod_mod FROM schools WHERE ubigeo = '150103' AND active = 1"
    )
    return {row["cod_mod"] for row in rows}


@pytest.fixture
async def orgs(storage: Storage) -> dict[str, int]:
    await load_sample_schools(storage)
    names = {"ayni": "Fundación Ayni", "sumaq": "Sumaq Kawsay", "wawa": "Wawa Wasi"}
    return {
        key: (await storage.organizations.create(name, OrgKind.NGO, 7)).id
        for key, name in names.items()
    }


async def test_two_organizations_the_same_morning_overlap(
    storage: Storage, orgs: dict[str, int]
) -> None:
    first = await add(storage, "9000002", orgs["ayni"], lima(2, 9))
    second = await add(storage, "9000002", orgs["sumaq"], lima(2, 10), category=Category.ARTE)
    # Overlaps both, but not `first`: they are of the same organization.
    third = await add(storage, "9000002", orgs["ayni"], lima(2, 10))
    await add(storage, "9000121", orgs["wawa"], lima(2, 9))  # another school: no overlap
    found = await storage.overview.overlaps(ATE, MARCH, LIMA)
    assert [(o.kind, o.first.id, o.second.id) for o in found] == [
        (OverlapKind.SAME_TIME, first, second),
        (OverlapKind.SAME_TIME, second, third),
    ]
    assert {found[0].first.organization_name, found[0].second.organization_name} == {
        "Fundación Ayni",
        "Sumaq Kawsay",
    }


async def test_same_category_in_one_week_overlaps_but_not_across_weeks(
    storage: Storage, orgs: dict[str, int]
) -> None:
    monday = await add(storage, "9000009", orgs["ayni"], lima(1, 9), category=Category.LECTURA)
    friday = await add(storage, "9000009", orgs["sumaq"], lima(5, 15), category=Category.LECTURA)
    # Saturday 6 and Monday 8 are two days apart but in two weeks: not the same week.
    await add(storage, "9000191", orgs["ayni"], lima(6, 9), category=Category.DEPORTE)
    await add(storage, "9000191", orgs["sumaq"], lima(8, 9), category=Category.DEPORTE)
    # The same week, different categories: not flagged.
    await add(storage, "9000122", orgs["ayni"], lima(9, 9), category=Category.ARTE)
    await add(storage, "9000122", orgs["sumaq"], lima(10, 9), category=Category.SALUD)
    found = await storage.overview.overlaps(ATE, MARCH, LIMA)
    assert [(o.kind, o.first.id, o.second.id) for o in found] == [
        (OverlapKind.SAME_WEEK, monday, friday)
    ]


async def test_multi_day_spans_overlap_what_they_cover(
    storage: Storage, orgs: dict[str, int]
) -> None:
    # A campaign from Monday 15 to Wednesday 17 covers a Tuesday workshop of another org.
    campaign = await add(storage, "9000002", orgs["ayni"], lima(15, 8), hours=56)
    tuesday = await add(storage, "9000002", orgs["sumaq"], lima(16, 14), category=Category.ARTE)
    # A span from Friday 19 to Monday 22 reaches the week of a same-category Wednesday 24.
    weekend = await add(storage, "9000121", orgs["ayni"], lima(19, 8), hours=72)
    wednesday = await add(storage, "9000121", orgs["wawa"], lima(24, 9))
    found = await storage.overview.overlaps(ATE, MARCH, LIMA)
    assert {(o.kind, o.first.id, o.second.id) for o in found} == {
        (OverlapKind.SAME_TIME, campaign, tuesday),
        (OverlapKind.SAME_WEEK, weekend, wednesday),
    }


async def test_hours_that_repeat_daily_overlap_only_those_hours(
    storage: Storage, orgs: dict[str, int]
) -> None:
    # "Del 15 al 17 de 9 a 13": the mornings of three days, not the afternoons or nights.
    mornings = await add(
        storage, "9000002", orgs["ayni"], lima(15, 9), hours=52, repeats_daily=True
    )
    await add(storage, "9000002", orgs["sumaq"], lima(16, 15), category=Category.LECTURA)
    await add(storage, "9000002", orgs["wawa"], lima(17, 0), category=Category.DEPORTE)
    tuesday_morning = await add(
        storage, "9000002", orgs["wawa"], lima(16, 10), category=Category.ARTE
    )
    found = await storage.overview.overlaps(ATE, MARCH, LIMA)
    assert [(o.kind, o.first.id, o.second.id) for o in found] == [
        (OverlapKind.SAME_TIME, mornings, tuesday_morning)
    ]


async def test_cancelled_activities_and_other_places_are_left_out(
    storage: Storage, orgs: dict[str, int]
) -> None:
    cancelled = await add(storage, "9000002", orgs["ayni"], lima(2, 9))
    await add(storage, "9000002", orgs["sumaq"], lima(2, 9))
    await storage.activities.cancel(cancelled)
    await add(storage, "9000005", orgs["ayni"], lima(2, 9))  # Puno
    await add(storage, "9000005", orgs["sumaq"], lima(2, 9))
    assert await storage.overview.overlaps(ATE, MARCH, LIMA) == []
    puno = ExportScope(ScopeKind.PLACE, "2101")
    assert len(await storage.overview.overlaps(puno, MARCH, LIMA)) == 1


async def test_a_school_with_no_activity_is_a_gap(storage: Storage, orgs: dict[str, int]) -> None:
    await add(storage, "9000002", orgs["ayni"], lima(2, 9))
    await add(storage, "9000009", orgs["sumaq"], lima(31, 20), hours=8)  # ends 1 April: in
    await add(storage, "9000122", orgs["ayni"], lima(1, 9) - timedelta(days=3))  # February
    cancelled = await add(storage, "9000191", orgs["ayni"], lima(3, 9))
    await storage.activities.cancel(cancelled)
    gaps = await storage.overview.gaps(ATE, MARCH)
    assert {gap.cod_mod for gap in gaps} == await ate_schools(storage) - {"9000002", "9000009"}
    last = {gap.cod_mod: gap.last_activity for gap in gaps}
    assert last["9000121"] is None and last["9000191"] is None  # a cancelled date is no activity
    assert last["9000122"] == lima(1, 9) - timedelta(days=3)


async def test_matrix_counts_match_the_activities(storage: Storage, orgs: dict[str, int]) -> None:
    written: Counter[tuple[int | None, str]] = Counter()
    plan = [
        ("9000002", orgs["ayni"], Category.SALUD), ("9000002", orgs["ayni"], Category.SALUD),
        ("9000121", orgs["ayni"], Category.SALUD), ("9000009", orgs["sumaq"], Category.ARTE),
        ("9000009", None, Category.LECTURA), ("9000001", orgs["sumaq"], Category.ARTE),
    ]  # fmt: skip
    ate = await ate_schools(storage)
    for day, (cod_mod, org, category) in enumerate(plan, start=2):
        await add(storage, cod_mod, org, lima(day, 9), category=category)
        if cod_mod in ate:
            written[(org, category.value)] += 1
    cells = await storage.overview.matrix(ATE, MARCH)
    assert Counter({(c.organization_id, c.key): c.activities for c in cells}) == written
    ayni_salud = next(c for c in cells if c.organization_id == orgs["ayni"])
    assert (ayni_salud.activities, ayni_salud.schools) == (3, 2)
    lima_city = ExportScope(ScopeKind.PLACE, "1501")
    by_district = await storage.overview.matrix(lima_city, MARCH, by_district=True)
    assert {(c.organization_id, c.key, c.activities) for c in by_district} == {
        (orgs["ayni"], "150103", 3), (orgs["sumaq"], "150103", 1), (None, "150103", 1),
        (orgs["sumaq"], "150135", 1),
    }  # fmt: skip


async def test_school_markers_count_activities_and_organizations(
    storage: Storage, orgs: dict[str, int]
) -> None:
    await add(storage, "9000002", orgs["ayni"], lima(2, 9))
    await add(storage, "9000002", orgs["sumaq"], lima(3, 9))
    await add(storage, "9000002", None, lima(4, 9))
    await add(storage, "9000009", orgs["ayni"], lima(2, 9))
    markers = {m.cod_mod: m for m in await storage.overview.schools(ATE, MARCH)}
    assert set(markers) == await ate_schools(storage)
    assert (markers["9000002"].activities, markers["9000002"].organizations) == (3, 3)
    assert (markers["9000009"].activities, markers["9000009"].organizations) == (1, 1)
    assert (markers["9000122"].activities, markers["9000122"].organizations) == (0, 0)
    assert markers["9000002"].latitude == pytest.approx(-12.036585)


async def test_an_organization_sees_the_schools_where_it_works(
    storage: Storage, orgs: dict[str, int]
) -> None:
    await add(storage, "9000002", orgs["ayni"], lima(2, 9))
    await add(storage, "9000002", orgs["sumaq"], lima(2, 9))
    await add(storage, "9000005", orgs["sumaq"], lima(2, 9))
    ayni = ExportScope(ScopeKind.ORGANIZATION, str(orgs["ayni"]))
    assert [m.cod_mod for m in await storage.overview.schools(ayni, MARCH)] == ["9000002"]
    names = {c.organization_name for c in await storage.overview.matrix(ayni, MARCH)}
    assert names == {"Fundación Ayni", "Sumaq Kawsay"}  # the public picture of her schools
    assert len(await storage.overview.overlaps(ayni, MARCH, LIMA)) == 1


def brute_force_overlaps(
    activities: dict[int, tuple[int, int | None, datetime, datetime, bool, Category]],
) -> list[tuple[OverlapKind, int, int]]:
    """Every pair put to the rules the issue states, with the chat's own `occurrences`: no
    pruning, no sweep (what the storage's sweep must agree with)."""

    def weeks(start: datetime, end: datetime) -> tuple[date, date]:
        first, last = start.astimezone(LIMA).date(), (end - timedelta(seconds=1)).astimezone(LIMA)
        return first - timedelta(days=first.weekday()), last.date() - timedelta(last.weekday())

    found = []
    ordered = sorted(activities.items(), key=lambda item: (item[1][2], item[0]))
    for index, (a_id, (a_school, a_org, a_start, a_end, a_daily, a_cat)) in enumerate(ordered):
        for b_id, (b_school, b_org, b_start, b_end, b_daily, b_cat) in ordered[index + 1 :]:
            if a_school != b_school or a_org == b_org:
                continue
            mine = occurrences(a_start, a_end, a_daily, LIMA)
            theirs = occurrences(b_start, b_end, b_daily, LIMA)
            (a_first, a_last), (b_first, b_last) = weeks(a_start, a_end), weeks(b_start, b_end)
            if any(s1 < e2 and s2 < e1 for s1, e1 in mine for s2, e2 in theirs):
                found.append((OverlapKind.SAME_TIME, a_id, b_id))
            elif a_cat == b_cat and a_first <= b_last and b_first <= a_last:
                found.append((OverlapKind.SAME_WEEK, a_id, b_id))
    # The overview's order: by the first one's start, then the first's id, then the second's.
    return sorted(found, key=lambda pair: (activities[pair[1]][2], pair[1], pair[2]))


async def test_the_sweep_finds_what_every_pair_put_to_the_rules_finds(
    storage: Storage, orgs: dict[str, int]
) -> None:
    """Random activities at three schools (one to five days, some repeating their hours
    daily, some of the schools' own teachers): the storage's sweep, which rules pairs out on
    numbers before the rules, finds exactly the overlaps that comparing every pair finds, in
    its order; and its first N are the first N of them, with the total."""
    rng = random.Random(17)
    written: dict[int, tuple[int, int | None, datetime, datetime, bool, Category]] = {}
    schools = {"9000002": 0, "9000009": 0, "9000121": 0}
    for cod_mod in schools:
        schools[cod_mod] = await storage.exports.school_id_by_code(cod_mod) or 0
    for _ in range(60):
        cod_mod = rng.choice(list(schools))
        org = rng.choice([*orgs.values(), None])
        start = lima(rng.randint(1, 28), rng.randint(6, 20))
        hours = rng.choice([1, 2, 4, 26, 50, 74])
        category = rng.choice([Category.SALUD, Category.ARTE, Category.LECTURA])
        daily = hours > 24 and rng.random() < 0.5
        new_id = await add(storage, cod_mod, org, start, hours, category, daily)
        written[new_id] = (schools[cod_mod], org, start, start + timedelta(hours=hours), daily,
                           category)  # fmt: skip
    expected = brute_force_overlaps(written)
    assert len(expected) > 10  # the draw makes both kinds of overlap, several times
    assert {kind for kind, _, _ in expected} == set(OverlapKind)
    found = await storage.overview.overlaps(ATE, MARCH, LIMA)
    assert [(o.kind, o.first.id, o.second.id) for o in found] == expected
    first = await storage.overview.first_overlaps(ATE, MARCH, LIMA, 5)
    assert first.total == len(expected)
    assert [(o.kind, o.first.id, o.second.id) for o in first.shown] == expected[:5]
    assert first.shown == found[:5]


async def test_a_kept_answer_is_used_until_anything_it_shows_changes(
    storage: Storage, orgs: dict[str, int]
) -> None:
    """The overview keeps its answers under a data version that triggers bump with every change
    it can show: asked again, the same markers come back (the very objects kept); after a new
    activity, a cancellation, a renamed organization or a registry change, the next answer is
    read afresh and shows the change at once."""
    first = await add(storage, "9000002", orgs["ayni"], lima(2, 9))
    before = await storage.overview.schools(ATE, MARCH)
    again = await storage.overview.schools(ATE, MARCH)
    assert again == before and again is not before  # a copy of the kept list
    assert all(a is b for a, b in zip(again, before, strict=True))  # kept, not read again
    again.clear()  # what a caller does with its copy is not kept
    assert await storage.overview.schools(ATE, MARCH) == before

    def counts(markers: list[SchoolMarker]) -> dict[str, tuple[int, int]]:
        return {m.cod_mod: (m.activities, m.organizations) for m in markers}

    await add(storage, "9000002", orgs["sumaq"], lima(2, 10))  # a new activity: shown at once
    assert counts(await storage.overview.schools(ATE, MARCH))["9000002"] == (2, 2)
    assert len(await storage.overview.overlaps(ATE, MARCH, LIMA)) == 1
    await storage.activities.cancel(first)  # cancelled: gone at once
    assert counts(await storage.overview.schools(ATE, MARCH))["9000002"] == (1, 1)
    assert await storage.overview.overlaps(ATE, MARCH, LIMA) == []
    cells = await storage.overview.matrix(ATE, MARCH)
    assert [c.organization_name for c in cells] == ["Sumaq Kawsay"]
    async with storage.db.transaction() as session:  # an operator renames it
        await session.execute("UPDATE organizations SET name = 'Sumaq' WHERE id = ?",
                              (orgs["sumaq"],))  # fmt: skip
    assert [c.organization_name for c in await storage.overview.matrix(ATE, MARCH)] == ["Sumaq"]
    assert "9000122" in counts(await storage.overview.schools(ATE, MARCH))  # kept now
    closed = await registry_record(storage, "9000122", active=False)
    assert await storage.schools.upsert_batch([closed]) == 1  # a registry import closes it
    assert "9000122" not in counts(await storage.overview.schools(ATE, MARCH))


async def test_the_version_moves_with_what_the_overview_shows(
    storage: Storage, orgs: dict[str, int]
) -> None:
    version = storage.overview.version
    start = await version()
    activity = await add(storage, "9000002", orgs["ayni"], lima(2, 9))
    assert await version() > start
    moved = await version()
    await storage.activities.cancel(activity)
    assert await version() > moved
    moved = await version()
    unchanged = await registry_record(storage, "9000002", active=True)
    assert await storage.schools.upsert_batch([unchanged]) == 0  # a re-import changing nothing
    assert await version() == moved
    renamed = dataclasses.replace(unchanged, name="IE Renombrada")
    assert await storage.schools.upsert_batch([renamed]) == 1  # the registry renames it
    assert await version() > moved
    moved = await version()
    async with storage.db.transaction() as session:
        # The reminder job's marks (every minute) and authorship change nothing shown: kept.
        await session.execute(
            "UPDATE activities SET reminder_sent_at = ?, checkin_sent_at = ?, author_id = NULL"
            " WHERE id = ?",
            ("2026-03-02T12:00:00+00:00", "2026-03-02T12:00:00+00:00", activity),
        )
    assert await version() == moved
    async with storage.db.transaction() as session:
        await session.execute("UPDATE activities SET title = 'Otro' WHERE id = ?", (activity,))
    assert await version() > moved
    moved = await version()
    async with storage.db.transaction() as session:
        await session.execute("DELETE FROM activities WHERE id = ?", (activity,))
    assert await version() > moved


def test_kept_answers_hold_few_rows_and_the_latest_version_only() -> None:
    kept = KeptAnswers(size=3, rows=10)
    kept.put(("a",), 1, ["a"] * 4, 4)
    kept.put(("b",), 1, ["b"] * 4, 4)
    assert kept.get(("a",), 1) == ["a"] * 4  # used: now the latest
    assert kept.get(("a",), 2) is None  # read at another version: never used
    kept.put(("c",), 1, ["c"] * 4, 4)  # 12 rows in all: the oldest, b, goes
    assert kept.get(("b",), 1) is None and kept.get(("a",), 1) and kept.get(("c",), 1)
    kept.put(("d",), 1, ["d"] * 11, 11)  # more than all it may hold: not kept, nothing goes
    assert kept.get(("d",), 1) is None and kept.get(("a",), 1) and kept.get(("c",), 1)
    kept.put(("a",), 2, ["A"], 1)  # read again at a new version: replaces the old answer
    kept.put(("e",), 1, ["e"], 1)
    kept.put(("f",), 1, ["f"], 1)  # four answers: the oldest, c, goes
    assert kept.get(("a",), 2) == ["A"] and kept.get(("c",), 1) is None
