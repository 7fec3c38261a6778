"""What cards, /quien and inline results show about a school, read in one place.

The handlers and the benchmarks (bench/bench_storage.py) both call `load_school_life`, so the
figures measured are those of the code people use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage import Storage
from storage.activities import Activity, OrganizationPresence
from storage.follows import FollowKind
from storage.models import SchoolPeople
from storage.schools import School


@dataclass(frozen=True)
class SchoolLife:
    """Who is at a school and what happens there: what cards and /quien show."""

    people: SchoolPeople
    upcoming: Sequence[Activity]
    organizations: Sequence[OrganizationPresence]

    @property
    def organization_count(self) -> int:
        return sum(1 for presence in self.organizations if not presence.is_school_teachers)


@dataclass(frozen=True)
class FollowState:
    """Whether the chat looking at a card already follows the school and its district."""

    school: bool = False
    district: bool = False


def quiet_school() -> SchoolLife:
    """What load_school_life finds at a school nobody named and with no activities."""
    return SchoolLife(people=SchoolPeople(0, []), upcoming=[], organizations=[])


async def load_school_life(storage: Storage, school_id: int, now: datetime) -> SchoolLife:
    """People (teachers, shared contacts), the next activities and the organizations active at
    the school as of `now`."""
    activities = storage.activities
    return SchoolLife(
        people=await storage.members.people_at_school(school_id),
        upcoming=await activities.upcoming_at_school(school_id, now),
        organizations=await activities.organizations_at_school(school_id, now),
    )


async def load_school_lives(
    storage: Storage, school_ids: Sequence[int], now: datetime
) -> dict[int, SchoolLife]:
    """`load_school_life` for many schools (inline results): two queries find the schools with
    people or activities, and only those are read one by one. Most schools in a page of
    results have neither (at Peru scale three quarters have no activity at all)."""
    busy = await storage.members.schools_with_members(school_ids)
    busy |= await storage.activities.schools_with_activities(school_ids, now)
    return {
        school_id: await load_school_life(storage, school_id, now)
        if school_id in busy
        else quiet_school()
        for school_id in school_ids
    }


async def load_follow_state(storage: Storage, chat_id: int, school: School) -> FollowState:
    """Whether the chat follows the school and its district (the card's buttons say so)."""
    follows = storage.follows
    return FollowState(
        school=await follows.is_following(chat_id, FollowKind.SCHOOL, str(school.id)),
        district=bool(school.ubigeo)
        and await follows.is_following(chat_id, FollowKind.DISTRICT, school.ubigeo or ""),
    )
