"""Calendar feeds as iCalendar (RFC 5545) text, written with the `icalendar` library.

What makes a subscription behave: one UID per activity for ever (an edit replaces the event in
the phone's calendar instead of adding a second one), SEQUENCE from the activity's edit count,
STATUS:CANCELLED for cancellations (the event is struck out, not silently dropped), DTSTAMP and
LAST-MODIFIED from the last change (so an unchanged feed is byte for byte the same and its ETag
holds), times in America/Lima with its VTIMEZONE, and refresh hints of a few hours.

No person appears in a feed: an event names its organization and school, never who announced it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from bot.views.texts import label
from storage.activities import ActivityStatus
from storage.exports import ExportedActivity

# RFC 7986 REFRESH-INTERVAL and Microsoft's X-PUBLISHED-TTL: hints; many clients ignore them.
REFRESH_INTERVAL = timedelta(hours=3)
PRODID = "-//Minka//Calendario de actividades en escuelas//ES"
UID_DOMAIN = "minka.pe"
# Change it when render_feed changes what it writes: every ETag changes with it.
FEED_FORMAT = 2
# Where bot.web serves a feed; the chat's links and the server share it.
CALENDAR_PATH = "/cal/{token}.ics"

_STATUS = {
    ActivityStatus.CANCELLED: "CANCELLED",
    ActivityStatus.SCHEDULED: "CONFIRMED",
    ActivityStatus.DONE: "CONFIRMED",
    ActivityStatus.RESCHEDULED: "CANCELLED",  # replaced by another date
    ActivityStatus.NOT_HELD: "CANCELLED",
}


def calendar_path(token: str) -> str:
    return CALENDAR_PATH.format(token=token)


def event_uid(activity_id: int) -> str:
    return f"activity-{activity_id}@{UID_DOMAIN}"


def render_feed(
    name: str, activities: Sequence[ExportedActivity], lang: str, tz: ZoneInfo
) -> bytes:
    """The whole feed; the same activities always give the same bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(tz))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    calendar.add_component(Timezone.from_tzid(str(tz)))
    for activity in activities:
        calendar.add_component(_event(activity, lang, tz))
    return calendar.to_ical()


def _event(activity: ExportedActivity, lang: str, tz: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", event_uid(activity.id))
    event.add("sequence", activity.sequence)
    event.add("dtstamp", activity.updated_at)
    event.add("created", activity.created_at)
    event.add("last-modified", activity.updated_at)
    starts, ends = activity.starts_at.astimezone(tz), activity.ends_at.astimezone(tz)
    first_day_end = datetime.combine(starts.date(), ends.timetz())
    if activity.repeats_daily and first_day_end > starts:
        # "Del 13 al 15 de julio, de 9 a 13": the first day's hours, repeated each day; the
        # nights between are not part of it (one event over three days would say they are).
        event.add("rrule", {"FREQ": "DAILY", "COUNT": (ends.date() - starts.date()).days + 1})
        ends = first_day_end
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", _summary(activity, lang))
    event.add("location", f"{activity.school_name} ({activity.cod_mod}), {_place(activity)}")
    event.add("description", _description(activity, lang))
    event.add("categories", [label(lang, f"category_{activity.category}")])
    event.add("status", _STATUS[activity.status])
    return event


def _summary(activity: ExportedActivity, lang: str) -> str:
    if activity.status is ActivityStatus.SCHEDULED or activity.status is ActivityStatus.DONE:
        return activity.title
    return label(lang, "feed_summary_status", title=activity.title,
                 status=label(lang, f"status_{activity.status}"))  # fmt: skip


def _place(activity: ExportedActivity) -> str:
    return ", ".join(part for part in (activity.district, activity.province) if part)


def _description(activity: ExportedActivity, lang: str) -> str:
    who = activity.organization_name or label(lang, "by_teachers")
    lines = [label(lang, "feed_by", organization=who)]
    if activity.description:
        lines.append(activity.description)
    return "\n\n".join(lines)


def feed_etag(name: str, lang: str, tz: ZoneInfo, fingerprint: str) -> str:
    """A strong validator of what render_feed would write, from its inputs: the feed's name,
    language and zone, and the fingerprint of its rows (storage.calendar_feeds); comparing it
    needs neither the rows nor a rendering."""
    key = f"{FEED_FORMAT}|{name}|{lang}|{tz}|{fingerprint}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
