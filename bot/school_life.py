"""What cards, /quien and inline results show about a school, read in one place.

The handlers and the benchmarks (bench/bench_storage.py) both call `load_school_life`, so the
figures measured are those of the code people use.
"""

from __future__ import annotations

from datetime import datetime

from bot.school_views import FollowState, SchoolLife
from storage import Storage
from storage.follows import FollowKind
from storage.schools import School


async def load_school_life(storage: Storage, school_id: int, now: datetime) -> SchoolLife:
    """People (teachers, shared contacts), the next activities and the organizations active at
    the school as of `now`."""
    activities = storage.activities
    return SchoolLife(
        people=await storage.members.people_at_school(school_id),
        upcoming=await activities.upcoming_at_school(school_id, now),
        organizations=await activities.organizations_at_school(school_id, now),
    )


async def load_follow_state(storage: Storage, chat_id: int, school: School) -> FollowState:
    """Whether the chat follows the school and its district (the card's buttons say so)."""
    follows = storage.follows
    return FollowState(
        school=await follows.is_following(chat_id, FollowKind.SCHOOL, str(school.id)),
        district=bool(school.ubigeo)
        and await follows.is_following(chat_id, FollowKind.DISTRICT, school.ubigeo or ""),
    )
