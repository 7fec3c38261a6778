"""The texts and keyboards of every message Minka sends on its own, in one place.

Follower notifications, clash heads-ups, reminders, check-ins, daily digests, broadcast copies
and broadcast reports are all composed here, each in its reader's language, as `OutboxItem`s
(or, for digests, lines) ready to enqueue. Nothing here reads or writes the database: callers
read what is needed first, compose, then write, so composing never holds the write lock longer
than it must.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.dates import format_when
from bot.views import callbacks as cb
from bot.views.activity_views import (
    activity_when,
    checkin_keyboard,
    date_language,
    who_did,
)
from bot.views.relay_views import write_button
from bot.views.texts import Markup, label, t
from storage.activities import Activity, NewActivity
from storage.activity_events import Change
from storage.broadcasts import AudienceChat, Broadcast, BroadcastReport, Render
from storage.follows import FollowKind, Recipient
from storage.outbox import OutboxItem

KIND_CODES = {FollowKind.SCHOOL: "s", FollowKind.DISTRICT: "d", FollowKind.ORGANIZATION: "o"}
DIGEST_CHARS = 3800  # room under Telegram's 4096 for the "y N más" line
REMINDER, CHECKIN = "reminder", "checkin"


# --- follower notifications ----------------------------------------------------------------------


def notification_text(activity: Activity, change: Change, lang: str, tz: ZoneInfo) -> Markup:
    when = activity_when(activity, lang, tz)  # several days: all of them, in one message
    text = t(
        lang,
        f"notification_{change}",
        who=who_did(activity, lang),
        title=activity.title,
        school=activity.school_name,
        when=when,
    )
    if change is Change.CANCELLED and activity.cancel_reason:
        text = Markup(text + "\n" + t(lang, "notification_reason", reason=activity.cancel_reason))
    return text


def notification_buttons(
    activity: Activity, recipient: Recipient, lang: str
) -> InlineKeyboardMarkup:
    """See the school; stop following what brought this message (school, district or org)."""
    unfollow = cb.FollowToggle(KIND_CODES[recipient.kind], recipient.target, False)
    view = cb.SchoolAction(cb.CARD, activity.school_id)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label(lang, "btn_view_school"), callback_data=view.pack()),
                InlineKeyboardButton(label(lang, "btn_unfollow"), callback_data=unfollow.pack()),
            ]
        ]
    )


# --- heads-ups about clashes ---------------------------------------------------------------------


def heads_up_item(
    new: NewActivity, who: str, school_name: str, other: Activity, lang: str, tz: ZoneInfo
) -> Callable[[int], OutboxItem]:
    """To the author of `other`: `who` announced `new` at the same time and place; with
    "✉️ Escribir a <who>" (handlers/relay.py), which needs the new activity's id."""
    assert other.author_id is not None
    dl = date_language(lang)
    text = t(
        lang,
        "heads_up",
        who=who,
        title=new.title,
        school=school_name,
        when=format_when(new.starts_at, dl, tz=tz),
        mine=other.title,
        mine_when=format_when(other.starts_at, dl, tz=tz),
    )
    recipient = other.author_id

    def item(activity_id: int) -> OutboxItem:
        button = write_button(who, cb.RelayWrite(activity_id), lang)
        return OutboxItem(recipient, str(text), InlineKeyboardMarkup([[button]]).to_dict())

    return item


# --- reminders and check-ins ---------------------------------------------------------------------


def author_item(activity: Activity, kind: str, lang: str, tz: ZoneInfo) -> OutboxItem:
    """The reminder before an activity, or the check-in ("¿Se realizó?") after, to its author."""
    assert activity.author_id is not None  # only activities with an author fall due
    when = activity_when(activity, lang, tz)  # a campaign: all its days
    text = t(lang, kind, title=activity.title, school=activity.school_name, when=when)
    markup = checkin_keyboard(activity.id, lang).to_dict() if kind == CHECKIN else None
    return OutboxItem(activity.author_id, str(text), markup)


# --- daily digests -------------------------------------------------------------------------------


def digest_text(lines: list[str], lang: str) -> str:
    """The header and as many lines as fit in one Telegram message, then "y N más"."""
    text, shown = str(t(lang, "digest_header")), 0
    for line in lines:
        if len(text) + len(line) + 2 > DIGEST_CHARS:
            break
        text, shown = f"{text}\n\n{line}", shown + 1
    if shown < len(lines):
        text += "\n\n" + str(t(lang, "digest_more", count=len(lines) - shown))
    return text


# --- broadcasts ----------------------------------------------------------------------------------


def copy_renderer(texts: dict[str, Markup], default_language: str) -> Render:
    """The copy each recipient chat receives, from the message already rendered per language.
    Storage calls this inside the broadcast's transaction, once per chat: it only picks the
    text and shares one "Recibido ✅" keyboard per language."""
    keyboards: dict[tuple[int, str], dict[str, Any]] = {}

    def render(broadcast: Broadcast, chat: AudienceChat) -> OutboxItem:
        lang = chat.language if chat.language in texts else default_language
        markup = None
        if broadcast.with_ack:
            if (broadcast.id, lang) not in keyboards:
                keyboards[broadcast.id, lang] = ack_keyboard(broadcast.id, lang)
            markup = keyboards[broadcast.id, lang]
        return OutboxItem(chat.chat_id, str(texts[lang]), markup)

    return render


def ack_keyboard(broadcast_id: int, lang: str) -> dict[str, Any]:
    button = InlineKeyboardButton(
        label(lang, "btn_received"), callback_data=cb.BroadcastAck(broadcast_id).pack()
    )
    return InlineKeyboardMarkup([[button]]).to_dict()


def report_item(broadcast: Broadcast, report: BroadcastReport, lang: str) -> OutboxItem:
    """The author's one report once every copy is settled."""
    assert broadcast.author_id is not None
    text = t(
        lang,
        "broadcast_report",
        excerpt=excerpt(broadcast.text),
        delivered=report.delivered,
        blocked=report.blocked,
        failed=report.failed,
        acknowledged=report.acknowledged,
    )
    return OutboxItem(broadcast.author_id, str(text))


def excerpt(text: str, length: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= length else one_line[: length - 1] + "…"


# --- a 3W import's summary to followers ---------------------------------------------------------

MAX_IMPORT_LINES = 5  # activities named in a follower's summary of an import


def import_summary_text(
    who: str, activities: Sequence[Activity], lang: str, tz: ZoneInfo
) -> Markup:
    """One message per chat and import: the new or changed upcoming activities it follows.
    Imported activities are whole days: the date alone, never a made-up hour."""
    lines = [
        t(
            lang,
            "import_followers_line",
            title=activity.title,
            school=activity.school_name,
            day=f"{activity.starts_at.astimezone(tz):%d/%m/%Y}",
        )
        for activity in activities[:MAX_IMPORT_LINES]
    ]
    if len(activities) > MAX_IMPORT_LINES:
        lines.append(t(lang, "import_followers_more", count=len(activities) - MAX_IMPORT_LINES))
    summary = Markup("\n".join(lines))
    return t(lang, "import_followers_summary", who=who, count=len(activities), lines=summary)
