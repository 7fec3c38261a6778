"""Calendar feeds over real HTTP from the bot's own web server (started by `running()`, as in
production), parsed by `icalendar` and by `recurring-ical-events` as a second reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
import recurring_ical_events

from bot.app import MinkaApplication
from storage import Storage
from storage.activities import Category, NewActivity
from storage.calendar_feeds import CalendarFeed, FeedKind, UnknownFeedTarget
from storage.chats import ChatType
from storage.follows import FollowKind
from storage.models import OrgKind

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
ROSA = 1001


@pytest.fixture(autouse=True)
def frozen_clock(bot: MinkaApplication) -> None:
    bot.bot_data.clock = lambda: NOW


def storage_of(app: MinkaApplication) -> Storage:
    return app.bot_data.storage


async def announce(storage: Storage, cod_mod: str, org_id: int | None, title: str, day: int) -> int:
    school = await storage.exports.school_id_by_code(cod_mod)
    assert school is not None
    starts = NOW + timedelta(days=day)
    activity = await storage.activities.create(
        NewActivity(
            school_id=school, organization_id=org_id, author_id=ROSA, title=title,
            description=None, category=Category.LECTURA, starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )
    )  # fmt: skip
    return activity.id


async def fetch(app: MinkaApplication, feed: CalendarFeed, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=app.bot_data.public_url) as client:
        return await client.get(f"/cal/{feed.token}.ics", headers=headers)


def events_of(body: bytes) -> dict[str, icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def sequence(event: icalendar.Component) -> int:
    return int(str(event["SEQUENCE"]))


async def follow(storage: Storage, kind: FollowKind, target: str) -> None:
    await storage.chats.remember(ROSA, ChatType.PRIVATE)
    await storage.follows.follow(ROSA, kind, target)


async def test_a_persons_feed_shows_what_she_follows(bot: MinkaApplication) -> None:
    storage = storage_of(bot)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, ROSA)
    reading = await announce(storage, "9000001", None, "Taller de lectura", 3)
    ate = await announce(storage, "9000002", ayni.id, "Campaña <b>visual</b>", 5)
    elsewhere = await announce(storage, "9000002", None, "No la sigo", 6)
    school = await storage.exports.school_id_by_code("9000001")
    await follow(storage, FollowKind.SCHOOL, str(school))
    await follow(storage, FollowKind.ORGANIZATION, str(ayni.id))
    feed = await storage.calendar_feeds.link_for(ROSA, FeedKind.FOLLOWS, "", "es")
    response = await fetch(bot, feed)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["X-WR-CALNAME"] == "Minka: lo que sigo"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Lima"]
    assert "REFRESH-INTERVAL" in calendar and "X-PUBLISHED-TTL" in calendar
    events = events_of(response.content)
    uids = {f"activity-{reading}@minka.pe", f"activity-{ate}@minka.pe"}
    assert set(events) == uids and f"activity-{elsewhere}@minka.pe" not in events
    visual = events[f"activity-{ate}@minka.pe"]
    assert str(visual["SUMMARY"]) == "Campaña <b>visual</b>"  # text as typed, not HTML
    assert visual.decoded("DTSTART") == (NOW + timedelta(days=5)).astimezone(
        visual.decoded("DTSTART").tzinfo
    )
    assert "Rosa" not in response.text  # no person in a feed
    # The second reader sees the same events in the month.
    seen = recurring_ical_events.of(calendar).between(NOW, NOW + timedelta(days=30))
    assert {str(event["UID"]) for event in seen} == uids


async def test_an_edit_keeps_the_uid_and_raises_the_sequence(bot: MinkaApplication) -> None:
    storage = storage_of(bot)
    activity = await announce(storage, "9000001", None, "Taller de lectura", 3)
    school = await storage.exports.school_id_by_code("9000001")
    feed = await storage.calendar_feeds.link_for(ROSA, FeedKind.SCHOOL, str(school), "es")
    uid = f"activity-{activity}@minka.pe"
    before = events_of((await fetch(bot, feed)).content)[uid]
    await storage.activities.update(activity, title="Taller de lectura y escritura",
                                    starts_at=NOW + timedelta(days=4),
                                    ends_at=NOW + timedelta(days=4, hours=3))  # fmt: skip
    after_edit = events_of((await fetch(bot, feed)).content)
    assert list(after_edit) == [uid]  # replaced, not duplicated
    edited = after_edit[uid]
    assert sequence(edited) > sequence(before)
    assert str(edited["SUMMARY"]) == "Taller de lectura y escritura"
    await storage.activities.cancel(activity, "lluvia")
    cancelled = events_of((await fetch(bot, feed)).content)[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert sequence(cancelled) > sequence(edited)
    second_reader = recurring_ical_events.of(
        icalendar.Calendar.from_ical((await fetch(bot, feed)).content)
    ).between(NOW, NOW + timedelta(days=30))
    assert [str(event["STATUS"]) for event in second_reader] == ["CANCELLED"]


async def test_unchanged_feed_answers_304_and_a_change_a_new_etag(bot: MinkaApplication) -> None:
    storage = storage_of(bot)
    activity = await announce(storage, "9000001", None, "Taller de lectura", 3)
    school = await storage.exports.school_id_by_code("9000001")
    feed = await storage.calendar_feeds.link_for(ROSA, FeedKind.SCHOOL, str(school), "en")
    first = await fetch(bot, feed)
    etag = first.headers["etag"]
    again = await fetch(bot, feed, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    await storage.activities.update(activity, title="Taller de lectura II")
    changed = await fetch(bot, feed, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert str(icalendar.Calendar.from_ical(changed.content)["X-WR-CALNAME"]).startswith("Minka")


async def test_revoked_unknown_and_garbage_tokens_answer_404(bot: MinkaApplication) -> None:
    storage = storage_of(bot)
    old = await storage.calendar_feeds.link_for(ROSA, FeedKind.FOLLOWS, "", "es")
    assert (await storage.calendar_feeds.link_for(ROSA, FeedKind.FOLLOWS, "", "es")) == old
    new = await storage.calendar_feeds.renew(ROSA, FeedKind.FOLLOWS, "", "es")
    assert new.token != old.token
    assert (await fetch(bot, old)).status_code == 404
    assert (await fetch(bot, new)).status_code == 200
    async with httpx.AsyncClient(base_url=bot.bot_data.public_url) as client:
        for path in ("/cal/" + "A" * 43 + ".ics", "/cal/<script>.ics", "/cal/../x.ics", "/"):
            assert (await client.get(path)).status_code == 404, path
    with pytest.raises(UnknownFeedTarget):
        await storage.calendar_feeds.link_for(ROSA, FeedKind.SCHOOL, "999999", "es")


async def test_forgetting_a_person_revokes_her_links(bot: MinkaApplication) -> None:
    storage = storage_of(bot)
    await storage.members.record_consent(ROSA, "es")
    feed = await storage.calendar_feeds.link_for(ROSA, FeedKind.FOLLOWS, "", "es")
    data = await storage.personal_data.export(ROSA)
    assert data is not None and [link["token"] for link in data["calendar_links"]] == [feed.token]
    await storage.personal_data.forget(ROSA)
    assert (await fetch(bot, feed)).status_code == 404
    assert await storage.calendar_feeds.of_owner(ROSA) == []


async def test_a_link_to_a_merged_duplicate_shows_the_kept_organization(
    bot: MinkaApplication,
) -> None:
    storage = storage_of(bot)
    kept = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, ROSA)
    duplicate = await storage.organizations.create("Ayni Perú", OrgKind.NGO, ROSA)
    of_kept = await announce(storage, "9000001", kept.id, "Taller", 2)
    of_duplicate = await announce(storage, "9000002", duplicate.id, "Campaña", 3)
    feed = await storage.calendar_feeds.link_for(
        ROSA, FeedKind.ORGANIZATION, str(duplicate.id), "es"
    )
    merge = await storage.organizations.merge(kept.id, duplicate.id)
    assert merge.calendar_links == 1
    response = await fetch(bot, feed)
    assert response.status_code == 200
    assert set(events_of(response.content)) == {
        f"activity-{of_kept}@minka.pe",
        f"activity-{of_duplicate}@minka.pe",
    }
    assert icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"] == "Minka: Fundación Ayni"


async def test_a_campaign_with_daily_hours_repeats_each_day(bot: MinkaApplication) -> None:
    """13 to 15 July, 9:00 to 13:00 each day: three occurrences of four hours, not one event
    over three days and nights (both readers agree)."""
    storage = storage_of(bot)
    school = await storage.exports.school_id_by_code("9000001")
    assert school is not None
    lima = ZoneInfo("America/Lima")
    first = datetime(2027, 3, 10, 9, tzinfo=lima)
    campaign = await storage.activities.create(
        NewActivity(
            school_id=school, organization_id=None, author_id=ROSA, title="Vacunación",
            description=None, category=Category.SALUD, starts_at=first,
            ends_at=first + timedelta(days=2, hours=4), repeats_daily=True,
        )
    )  # fmt: skip
    feed = await storage.calendar_feeds.link_for(ROSA, FeedKind.SCHOOL, str(school), "es")
    calendar = icalendar.Calendar.from_ical((await fetch(bot, feed)).content)
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"activity-{campaign.id}@minka.pe"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=4)
    days = recurring_ical_events.of(calendar).between(NOW, NOW + timedelta(days=30))
    assert [(o.decoded("DTSTART").day, o.decoded("DTSTART").hour) for o in days] == [
        (10, 9), (11, 9), (12, 9),
    ]  # fmt: skip
