"""Coordinators against a real SQLite file: roles and scopes, the audit log, bans, broadcast
audiences (preview == what is enqueued), reports from outbox outcomes, acknowledgements, and
organization verification and merges."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.registry_import import load_sample_schools
from storage import Storage
from storage.activities import Category, NewActivity
from storage.audit import AuditAction
from storage.broadcasts import (
    CANCELLED_ERROR,
    Audience,
    AudienceChat,
    AudienceKind,
    Broadcast,
    BroadcastNotAllowed,
    BroadcastProblem,
    BroadcastReport,
    BroadcastStatus,
    EveryoneLimitReached,
    InvalidBroadcast,
    broadcast_id_of,
    event_key,
)
from storage.chats import ChatType
from storage.follows import FollowKind
from storage.models import OrgKind, Role
from storage.organizations import CannotMerge, UnknownOrganization
from storage.outbox import OutboxItem
from storage.roles import InvalidScope, Permissions, RoleName, Scope, ScopeProblem
from tests.helpers import school_id_of

HOUR = timedelta(hours=1)
BLOCKED = "Forbidden: bot was blocked by the user"

# People (private chats are their user ids) and groups of the test world.
ROSA = 101  # teacher at SMP; follows her school too (one message, not two)
LUIS = 102  # teacher at SMP who never had a chats row (a member's chat is writable)
CARLOS = 103  # teacher at SMP whose chat blocked the bot
BANNED = 104  # teacher at SMP, banned
FOLLOWER = 105  # follows the SMP school, not a registered member
PUNO_TEACHER = 106  # teacher in Santa Rosa (Puno)
ANA = 107  # member of Fundación Ayni
ADMIN, COORDINATOR = 900, 901
GROUP = -100  # follows the district of SMP; speaks English
OLD_GROUP = -200  # followed the SMP school, then kicked the bot
ATE_GROUP = -300  # follows a school in Ate (same province, other district)
AYNI_FANS = -400  # follows Fundación Ayni

SMP, ATE, SANTA_ROSA = "150135", "150103", "210808"


@dataclass(frozen=True)
class World:
    smp: int  # school 9000001 in San Martín de Porres
    ate: int  # school 9000002 in Ate
    puno: int  # school 9000004 in Santa Rosa
    ayni: int
    cuna: int


async def _teacher(storage: Storage, user_id: int, school_id: int) -> None:
    await storage.members.record_consent(user_id, "es")
    await storage.members.set_name(user_id, f"Docente {user_id}")
    await storage.members.set_role(user_id, Role.TEACHER)
    await storage.members.set_school(user_id, school_id)
    await storage.members.complete_registration(user_id)


async def _group(storage: Storage, chat_id: int, kind: FollowKind, target: str) -> None:
    await storage.chats.remember(chat_id, ChatType.SUPERGROUP, f"Grupo {chat_id}", "en")
    await storage.follows.follow(chat_id, kind, target)


@pytest.fixture
async def world(storage: Storage) -> World:
    await load_sample_schools(storage)
    smp = await school_id_of(storage, "9000001")
    ate = await school_id_of(storage, "9000002")
    puno = await school_id_of(storage, "9000004")
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, created_by=ANA)
    cuna = await storage.organizations.create("Cuna Más", OrgKind.INSTITUTION, created_by=ANA)
    for teacher in (ROSA, LUIS, CARLOS, BANNED):
        await _teacher(storage, teacher, smp)
    await _teacher(storage, PUNO_TEACHER, puno)
    await storage.chats.remember(ROSA, ChatType.PRIVATE)
    await storage.follows.follow(ROSA, FollowKind.SCHOOL, str(smp))
    await storage.chats.mark_inactive(CARLOS, BLOCKED)
    await storage.moderation.ban(BANNED, ADMIN, "spam")
    await storage.chats.remember(FOLLOWER, ChatType.PRIVATE)
    await storage.follows.follow(FOLLOWER, FollowKind.SCHOOL, str(smp))
    await _group(storage, GROUP, FollowKind.DISTRICT, SMP)
    await _group(storage, OLD_GROUP, FollowKind.SCHOOL, str(smp))
    await storage.chats.mark_inactive(OLD_GROUP, "Forbidden: bot was kicked")
    await _group(storage, ATE_GROUP, FollowKind.SCHOOL, str(ate))
    await _group(storage, AYNI_FANS, FollowKind.ORGANIZATION, str(ayni.id))
    await storage.members.record_consent(ANA, "en")
    await storage.members.join_organization(ANA, ayni.id)
    await storage.members.complete_registration(ANA)
    return World(smp, ate, puno, ayni.id, cuna.id)


def admin() -> Permissions:
    return Permissions(ADMIN, is_admin=True, coordinator_scopes=())


def coordinator(*scopes: Scope) -> Permissions:
    return Permissions(COORDINATOR, is_admin=False, coordinator_scopes=scopes)


def render(broadcast: Broadcast, chat: AudienceChat) -> OutboxItem:
    return OutboxItem(chat.chat_id, f"[{chat.language}] {broadcast.text}")


async def outbox_rows(storage: Storage, key: str) -> dict[int, str]:
    rows = await storage.db.fetchall(
        "SELECT chat_id, status FROM outbox WHERE event_key = ?", (key,)
    )
    return {row["chat_id"]: row["status"] for row in rows}


async def audit_actions(storage: Storage) -> list[str]:
    return [entry.action for entry in await storage.audit.entries()]


# --- permissions and scopes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("permissions", "place", "covered"),
    [
        (coordinator(Scope(SMP)), SMP, True),
        (coordinator(Scope(SMP)), ATE, False),  # another district
        (coordinator(Scope(SMP)), "1501", False),  # the province around it
        (coordinator(Scope("1501")), SMP, True),  # a province covers its districts
        (coordinator(Scope("1501")), ATE, True),
        (coordinator(Scope("1501")), "1501", True),
        (coordinator(Scope("1501")), "15", False),
        (coordinator(Scope("1501")), SANTA_ROSA, False),
        (coordinator(Scope("21")), SANTA_ROSA, True),
        (coordinator(Scope(organization_id=1)), SMP, False),  # an organization is no place
        (coordinator(Scope()), SANTA_ROSA, True),  # no scope: everywhere
        (coordinator(Scope(SMP), Scope(SANTA_ROSA)), SANTA_ROSA, True),
        (admin(), "15", True),
        (Permissions(5, False, ()), SMP, False),  # a member
    ],
)
def test_covers_ubigeo(permissions: Permissions, place: str, covered: bool) -> None:
    assert permissions.covers_ubigeo(place) is covered


@pytest.mark.parametrize(
    ("permissions", "org_id", "covered"),
    [
        (coordinator(Scope(organization_id=1)), 1, True),
        (coordinator(Scope(organization_id=1)), 2, False),
        (coordinator(Scope(SMP)), 1, False),  # a district's coordinator: not an org's members
        (coordinator(Scope()), 2, True),
        (admin(), 2, True),
        (Permissions(5, False, ()), 1, False),
    ],
)
def test_covers_organization(permissions: Permissions, org_id: int, covered: bool) -> None:
    assert permissions.covers_organization(org_id) is covered


async def test_permissions_come_from_grants_and_admin_ids(storage: Storage, world: World) -> None:
    roles = storage.roles
    member = await roles.permissions(ROSA, admin_ids=[ADMIN])
    assert not member.is_admin and not member.is_coordinator and not member.can_broadcast
    assert (await roles.permissions(ADMIN, admin_ids=[ADMIN])).is_admin
    await roles.grant(ROSA, RoleName.COORDINATOR, scope_ubigeo=SMP)
    await roles.grant(ROSA, RoleName.COORDINATOR, scope_organization_id=world.ayni)
    rosa = await roles.permissions(ROSA, admin_ids=[ADMIN])
    assert rosa.coordinator_scopes == (Scope(SMP), Scope(organization_id=world.ayni))
    assert rosa.is_coordinator and not rosa.is_admin
    await roles.grant(LUIS, RoleName.ADMIN, actor_id=ADMIN)
    assert (await roles.permissions(LUIS, admin_ids=[])).is_admin


async def test_grant_is_idempotent_and_audited_once(storage: Storage, world: World) -> None:
    first = await storage.roles.grant(ROSA, RoleName.COORDINATOR, scope_ubigeo="1501", actor_id=7)
    again = await storage.roles.grant(ROSA, RoleName.COORDINATOR, scope_ubigeo=" 1501 ")
    assert again == first and first.granted_by == 7 and first.scope == Scope("1501")
    assert len(await storage.roles.all_grants()) == 1
    entries = [e for e in await storage.audit.entries() if e.action == AuditAction.GRANT]
    assert len(entries) == 1
    assert (entries[0].actor_id, entries[0].subject) == (7, f"user:{ROSA}")
    assert entries[0].details == {"role": "coordinator", "ubigeo": "1501", "organization_id": None}


@pytest.mark.parametrize(
    ("role", "ubigeo", "org_id", "problem"),
    [
        (RoleName.COORDINATOR, "1", None, ScopeProblem.NOT_AN_UBIGEO_PREFIX),
        (RoleName.COORDINATOR, "150", None, ScopeProblem.NOT_AN_UBIGEO_PREFIX),
        (RoleName.COORDINATOR, "15a1", None, ScopeProblem.NOT_AN_UBIGEO_PREFIX),
        (RoleName.COORDINATOR, "99", None, ScopeProblem.UNKNOWN_PLACE),
        (RoleName.COORDINATOR, "150199", None, ScopeProblem.UNKNOWN_PLACE),
        (RoleName.COORDINATOR, None, 999, ScopeProblem.UNKNOWN_ORGANIZATION),
        (RoleName.COORDINATOR, SMP, 1, ScopeProblem.TWO_SCOPES),
        (RoleName.ADMIN, "15", None, ScopeProblem.ADMIN_HAS_NO_SCOPE),
    ],
)
async def test_grant_refuses_invalid_scopes(
    storage: Storage,
    world: World,
    role: RoleName,
    ubigeo: str | None,
    org_id: int | None,
    problem: ScopeProblem,
) -> None:
    with pytest.raises(InvalidScope) as raised:
        await storage.roles.grant(ROSA, role, scope_ubigeo=ubigeo, scope_organization_id=org_id)
    assert raised.value.problem is problem
    assert await storage.roles.all_grants() == []
    assert AuditAction.GRANT not in await audit_actions(storage)


async def test_revoke_one_scope_or_all(storage: Storage, world: World) -> None:
    roles = storage.roles
    for scope in (SMP, "21"):
        await roles.grant(ROSA, RoleName.COORDINATOR, scope_ubigeo=scope)
    await roles.grant(ROSA, RoleName.COORDINATOR, scope_organization_id=world.ayni)
    assert await roles.revoke(ROSA, RoleName.COORDINATOR, scope_ubigeo="21", actor_id=1) == 1
    assert len(await roles.all_grants()) == 2
    assert await roles.revoke(ROSA, RoleName.ADMIN) == 0  # nothing to revoke: not audited
    assert await roles.revoke(ROSA, RoleName.COORDINATOR) == 2  # no scope: every grant
    assert not (await roles.permissions(ROSA, admin_ids=[])).is_coordinator
    revokes = [e for e in await storage.audit.entries() if e.action == AuditAction.REVOKE]
    assert len(revokes) == 2 and len(revokes[0].details["removed"]) == 2


async def test_resolve_user(storage: Storage, world: World) -> None:
    await storage.members.set_contact_sharing(ROSA, "RosaQuispe")
    roles = storage.roles
    assert await roles.resolve_user(" 123 ") == 123
    assert await roles.resolve_user("@rosaquispe") == ROSA  # Telegram usernames ignore case
    assert await roles.resolve_user("@nobody") is None
    assert await roles.resolve_user("rosaquispe") is None  # a name is not a username
    assert await roles.resolve_user("@") is None
    await storage.members.set_contact_sharing(ROSA, None)  # stopped sharing: forgotten
    assert await roles.resolve_user("@RosaQuispe") is None


async def test_place_parts(storage: Storage, world: World) -> None:
    assert await storage.roles.place_parts("1501") == ("LIMA", "LIMA")
    assert await storage.roles.place_parts(SANTA_ROSA) == ("PUNO", "MELGAR", "SANTA ROSA")
    assert await storage.roles.place_parts("99") == ()


# --- audiences ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("school", {ROSA, LUIS, FOLLOWER}),
        (Audience.area(SMP), {ROSA, LUIS, FOLLOWER, GROUP}),
        (Audience.area("1501"), {ROSA, LUIS, FOLLOWER, GROUP, ATE_GROUP}),
        (Audience.area("15"), {ROSA, LUIS, FOLLOWER, GROUP, ATE_GROUP}),
        (Audience.area(ATE), {ATE_GROUP}),
        (Audience.area("21"), {PUNO_TEACHER}),
        (Audience.area("08"), set()),
        ("organization", {ANA, AYNI_FANS}),
        (Audience.everyone(), {ROSA, LUIS, PUNO_TEACHER, ANA, GROUP, ATE_GROUP, AYNI_FANS}),
    ],
)
async def test_audience_chats_and_size_agree(
    storage: Storage, world: World, audience: Audience | str, expected: set[int]
) -> None:
    if audience == "school":
        audience = Audience.school(world.smp)
    elif audience == "organization":
        audience = Audience.organization(world.ayni)
    assert isinstance(audience, Audience)
    chats = await storage.broadcasts.audience_chats(audience)
    ids = [chat.chat_id for chat in chats]
    assert sorted(ids) == ids and set(ids) == expected  # each chat once, by id
    size = await storage.broadcasts.size(audience)
    assert size.chats == len(chats)
    assert size.people == sum(chat.is_private for chat in chats)
    assert size.groups == sum(not chat.is_private for chat in chats)


async def test_audience_chats_carry_the_language(storage: Storage, world: World) -> None:
    chats = await storage.broadcasts.audience_chats(Audience.everyone())
    languages = {chat.chat_id: (chat.chat_type, chat.language) for chat in chats}
    assert languages[ROSA] == ("private", "es")
    assert languages[LUIS] == ("private", "es")  # no chats row: the member's language
    assert languages[ANA] == ("private", "en")
    assert languages[GROUP] == ("supergroup", "en")


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("150135", AudienceKind.DISTRICT),
        ("1501", AudienceKind.PROVINCE),
        ("15", AudienceKind.REGION),
    ],
)
def test_area_audience_kind_follows_the_prefix(target: str, kind: AudienceKind) -> None:
    assert Audience.area(target) == Audience(kind, target)


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        (AudienceKind.DISTRICT, "1501"),
        (AudienceKind.REGION, "1a"),
        (AudienceKind.SCHOOL, ""),
        (AudienceKind.SCHOOL, "0"),
        (AudienceKind.ORGANIZATION, "x"),
        (AudienceKind.EVERYONE, "15"),
    ],
)
def test_audience_target_must_fit_its_kind(kind: AudienceKind, target: str) -> None:
    with pytest.raises(InvalidBroadcast) as raised:
        Audience(kind, target)
    assert raised.value.problem is BroadcastProblem.BAD_AUDIENCE


# --- who may broadcast where ----------------------------------------------------------------------


# Scopes: an ubigeo prefix, "ayni" (the organization) or "" (everywhere); no scope: a member.
# Audiences named by text are resolved against the world's ids.
@pytest.mark.parametrize(
    ("scopes", "audience", "allowed"),
    [
        ((SMP,), "smp school", True),
        ((SMP,), Audience.area(SMP), True),
        ((SMP,), Audience.area(ATE), False),  # district A cannot reach district B
        ((SMP,), "puno school", False),
        ((SMP,), Audience.area("1501"), False),
        (("1501",), Audience.area(ATE), True),
        (("1501",), "smp school", True),
        (("1501",), "ayni", False),
        (("ayni",), "ayni", True),
        (("ayni",), "cuna", False),
        (("ayni",), Audience.area(SMP), False),
        ((SMP, "ayni"), "ayni", True),
        (("",), Audience.area("21"), True),
        (("",), Audience.everyone(), False),  # everyone: admins only
        ((), Audience.area(SMP), False),  # a member cannot broadcast at all
    ],
)
async def test_scope_enforcement(
    storage: Storage,
    world: World,
    scopes: tuple[str, ...],
    audience: Audience | str,
    allowed: bool,
) -> None:
    named = {
        "smp school": Audience.school(world.smp),
        "puno school": Audience.school(world.puno),
        "ayni": Audience.organization(world.ayni),
        "cuna": Audience.organization(world.cuna),
    }
    target = named[audience] if isinstance(audience, str) else audience
    author = coordinator(*(_scope(text, world) for text in scopes))
    assert await storage.broadcasts.allows(author, target) is allowed
    if allowed:
        created = await storage.broadcasts.create(author, None, target, "Aviso", False, render)
        assert created.recipients == (await storage.broadcasts.size(target, author.user_id)).chats
    else:
        with pytest.raises(BroadcastNotAllowed):
            await storage.broadcasts.create(author, None, target, "Aviso", False, render)
        assert await storage.db.scalar("SELECT COUNT(*) FROM broadcasts") == 0


def _scope(text: str, world: World) -> Scope:
    if text == "ayni":
        return Scope(organization_id=world.ayni)
    return Scope(text or None)


async def test_admin_reaches_everyone_and_a_banned_admin_nobody(
    storage: Storage, world: World
) -> None:
    created = await storage.broadcasts.create(
        admin(), None, Audience.everyone(), "Hola a todos", False, render
    )
    assert created.recipients == 7
    await storage.moderation.ban(ADMIN, None)
    with pytest.raises(BroadcastNotAllowed):
        await storage.broadcasts.create(admin(), None, Audience.everyone(), "Otra", False, render)


async def test_the_daily_cap_on_everyone_holds_for_admins_sending_at_once(
    storage: Storage, world: World
) -> None:
    async def send(text: str) -> Broadcast | EveryoneLimitReached:
        try:
            return await storage.broadcasts.create(
                admin(), None, Audience.everyone(), text, False, render, everyone_per_day=1
            )
        except EveryoneLimitReached as exc:
            return exc

    outcomes = await asyncio.gather(send("Aviso uno"), send("Aviso dos"))

    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "Broadcast", "EveryoneLimitReached"
    ]  # fmt: skip
    assert await storage.db.scalar("SELECT COUNT(*) FROM broadcasts") == 1


# --- create ---------------------------------------------------------------------------------------


async def test_create_enqueues_exactly_the_preview_once(storage: Storage, world: World) -> None:
    audience = Audience.area("1501")
    preview = await storage.broadcasts.size(audience, admin().user_id)
    created = await storage.broadcasts.create(
        admin(), world.ayni, audience, "  Reunión de\n\n directores \u200b", True, render
    )
    assert created.text == "Reunión de\n\ndirectores" and created.with_ack
    assert created.status is BroadcastStatus.SENDING and created.recipients == preview.chats
    rows = await outbox_rows(storage, event_key(created.id))
    assert set(rows) == {ROSA, LUIS, FOLLOWER, GROUP, ATE_GROUP}
    assert set(rows.values()) == {"pending"}
    texts = await storage.db.fetchall(
        "SELECT chat_id, text FROM outbox WHERE event_key = ?", (event_key(created.id),)
    )
    assert {row["text"] for row in texts if row["chat_id"] == GROUP} == {
        "[en] Reunión de\n\ndirectores"
    }
    assert await storage.broadcasts.get(created.id) == created
    entry = (await storage.audit.entries())[0]
    assert (entry.action, entry.subject, entry.actor_id) == (
        "broadcast",
        f"broadcast:{created.id}",
        ADMIN,
    )
    assert entry.details["recipients"] == 5 and entry.details["audience"] == "province"


@pytest.mark.parametrize(
    ("text", "ok"), [("", False), ("\u200b  ", False), ("x" * 3500, True), ("x" * 3501, False)]
)
async def test_text_length(storage: Storage, world: World, text: str, ok: bool) -> None:
    create = storage.broadcasts.create(admin(), None, Audience.area("21"), text, False, render)
    if ok:
        assert (await create).recipients == 1
        return
    with pytest.raises(InvalidBroadcast) as raised:
        await create
    assert raised.value.problem is BroadcastProblem.TEXT_LENGTH


@pytest.mark.parametrize(
    ("audience", "problem"),
    [
        (Audience.school(99_999), BroadcastProblem.UNKNOWN_SCHOOL),
        (Audience.organization(99_999), BroadcastProblem.UNKNOWN_ORGANIZATION),
    ],
)
async def test_unknown_targets(
    storage: Storage, world: World, audience: Audience, problem: BroadcastProblem
) -> None:
    with pytest.raises(InvalidBroadcast) as raised:
        await storage.broadcasts.create(admin(), None, audience, "Hola", False, render)
    assert raised.value.problem is problem


async def test_a_render_for_another_chat_stores_nothing(storage: Storage, world: World) -> None:
    def misaddressed(broadcast: Broadcast, chat: AudienceChat) -> OutboxItem:
        return OutboxItem(1, broadcast.text)

    with pytest.raises(ValueError, match="render"):
        await storage.broadcasts.create(
            admin(), None, Audience.area(SMP), "Hola", False, misaddressed
        )
    assert await storage.db.scalar("SELECT COUNT(*) FROM broadcasts") == 0
    assert await storage.db.scalar("SELECT COUNT(*) FROM outbox") == 0


def test_event_keys() -> None:
    assert broadcast_id_of(event_key(42)) == 42
    assert broadcast_id_of("activity:42") is None
    assert broadcast_id_of("broadcast:x") is None


# --- outcomes, report, acknowledgements -----------------------------------------------------------


async def deliver(
    storage: Storage, broadcast: Broadcast, outcomes: dict[int, str], default: str = "sent"
) -> None:
    """Play the delivery worker: claim every copy, then sent / failed / blocked / pending."""
    claimed = await storage.outbox.claim(datetime.now(UTC), 50)
    for message in claimed:
        assert message.event_key == event_key(broadcast.id)
        outcome = outcomes.get(message.chat_id, default)
        if outcome == "sent":
            await storage.outbox.mark_sent(message.id, datetime.now(UTC))
        elif outcome == "failed":
            await storage.outbox.mark_failed(message.id, "Bad Request: chat not found")
        elif outcome == "blocked":
            await storage.chats.mark_inactive(message.chat_id, BLOCKED)
            await storage.outbox.skip_chat(message.chat_id, BLOCKED)
        else:
            await storage.outbox.release([message.id])  # still pending


async def test_report_counts_outcomes_and_is_claimed_once(storage: Storage, world: World) -> None:
    broadcasts = storage.broadcasts
    sent = await broadcasts.create(admin(), None, Audience.area(SMP), "Aviso", True, render)
    await deliver(storage, sent, {FOLLOWER: "blocked", GROUP: "failed", LUIS: "pending"})
    assert await broadcasts.ack(sent.id, ROSA) is True
    report = await broadcasts.report(sent.id)
    assert report == BroadcastReport(
        recipients=4, delivered=1, blocked=1, failed=1, pending=1, acknowledged=1
    )
    assert not report.settled and await broadcasts.reports_due() == []
    assert await broadcasts.mark_reported(sent.id) is False  # not settled yet
    await deliver(storage, sent, {})  # Luis's copy goes out
    settled = await broadcasts.report(sent.id)
    assert settled is not None and settled.settled and settled.delivered == 2
    (due,) = await broadcasts.reports_due()
    assert (due.broadcast.id, due.report) == (sent.id, settled)
    assert await broadcasts.mark_reported(sent.id) is True
    assert await broadcasts.mark_reported(sent.id) is False  # the report goes once
    assert await broadcasts.reports_due() == []
    done = await broadcasts.get(sent.id)
    assert done is not None and done.status is BroadcastStatus.DONE and done.reported_at


async def test_report_message_is_enqueued_with_the_claim(storage: Storage, world: World) -> None:
    sent = await storage.broadcasts.create(
        admin(), None, Audience.area("21"), "Aviso", False, render
    )
    await deliver(storage, sent, {})

    (due,) = await storage.broadcasts.reports_due()
    report_text = OutboxItem(ADMIN, f"Entregado a {due.report.delivered}")
    assert await storage.broadcasts.mark_reported(sent.id, report_text) is True
    assert await storage.broadcasts.mark_reported(sent.id, report_text) is False
    rows = await storage.db.fetchall(
        "SELECT chat_id, text FROM outbox WHERE event_key = ?", (f"broadcast-report:{sent.id}",)
    )
    assert [tuple(row) for row in rows] == [(ADMIN, "Entregado a 1")]


async def test_ack_counts_once_per_chat(storage: Storage, world: World) -> None:
    broadcasts = storage.broadcasts
    with_ack = await broadcasts.create(admin(), None, Audience.area(SMP), "A", True, render)
    without = await broadcasts.create(admin(), None, Audience.area(SMP), "B", False, render)
    assert await broadcasts.ack(with_ack.id, GROUP) is True
    assert await broadcasts.ack(with_ack.id, GROUP) is False  # pressed again
    assert await broadcasts.ack(with_ack.id, PUNO_TEACHER) is False  # not a recipient
    assert await broadcasts.ack(without.id, GROUP) is False  # no button was sent
    assert await broadcasts.ack(9999, GROUP) is False  # unknown
    report = await broadcasts.report(with_ack.id)
    assert report is not None and report.acknowledged == 1
    assert await broadcasts.report(9999) is None


async def test_history_and_limits(storage: Storage, world: World) -> None:
    broadcasts, now = storage.broadcasts, datetime.now(UTC)
    author = coordinator(Scope())
    old = await broadcasts.create(
        author, None, Audience.area("21"), "1", False, render, now=now - 2 * HOUR
    )
    new = await broadcasts.create(author, None, Audience.area(SMP), "2", False, render, now=now)
    everyone = await broadcasts.create(admin(), None, Audience.everyone(), "3", False, render)
    assert await broadcasts.count_since(COORDINATOR, now - HOUR) == 1
    assert await broadcasts.count_since(COORDINATOR, now - 3 * HOUR) == 2
    assert await broadcasts.count_everyone_since(now - HOUR) == 1
    mine = await broadcasts.of_author(COORDINATOR)
    assert [b.id for b, _report in mine] == [new.id, old.id]  # newest first
    assert mine[0].report.recipients == 4 and mine[0].report.pending == 4
    assert [s.broadcast.id for s in await broadcasts.recent(limit=2)] == [everyone.id, new.id]


# --- bans -----------------------------------------------------------------------------------------


async def test_ban_cancels_pending_broadcasts_and_is_audited(
    storage: Storage, world: World
) -> None:
    author = coordinator(Scope("15"))
    await storage.roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="15")
    sent = await storage.broadcasts.create(
        author, None, Audience.area("1501"), "Aviso", False, render
    )
    await deliver(storage, sent, {ROSA: "sent"}, default="pending")
    outcome = await storage.moderation.ban(COORDINATOR, ADMIN, "  abuso ")
    assert outcome.newly_banned and outcome.cancelled_broadcasts == (sent.id,)
    assert outcome.skipped_messages == 4  # all but Rosa's, which was delivered
    assert (await outbox_rows(storage, event_key(sent.id)))[ROSA] == "sent"
    report = await storage.broadcasts.report(sent.id)
    assert report is not None and (report.delivered, report.cancelled, report.blocked) == (1, 4, 0)
    cancelled = await storage.broadcasts.get(sent.id)
    assert cancelled is not None and cancelled.status is BroadcastStatus.CANCELLED
    assert await storage.broadcasts.reports_due() == []  # no report for a cancelled one
    assert await storage.moderation.is_banned(COORDINATOR)
    assert await storage.moderation.banned_ids() == {BANNED, COORDINATOR}
    entry = (await storage.audit.entries())[0]
    assert (entry.action, entry.actor_id, entry.details["reason"]) == ("ban", ADMIN, "abuso")
    again = await storage.moderation.ban(COORDINATOR, ADMIN)
    assert not again.newly_banned and again.cancelled_broadcasts == ()
    assert (await audit_actions(storage)).count("ban") == 2  # BANNED's, and this one once


async def test_cancelled_copies_skipped_rows_use_the_cancel_marker(
    storage: Storage, world: World
) -> None:
    sent = await storage.broadcasts.create(
        admin(), None, Audience.area("21"), "Aviso", False, render
    )
    assert await storage.broadcasts.cancel(sent.id, ADMIN) is True
    assert await storage.broadcasts.cancel(sent.id, ADMIN) is False
    error = await storage.db.scalar(
        "SELECT error FROM outbox WHERE event_key = ?", (event_key(sent.id),)
    )
    assert error == CANCELLED_ERROR


async def test_a_banned_person_is_in_no_audience_until_unbanned(
    storage: Storage, world: World
) -> None:
    def ids(chats: list[AudienceChat]) -> set[int]:
        return {chat.chat_id for chat in chats}

    assert BANNED not in ids(await storage.broadcasts.audience_chats(Audience.school(world.smp)))
    assert await storage.moderation.unban(BANNED, ADMIN) is True
    assert await storage.moderation.unban(BANNED, ADMIN) is False
    assert not await storage.moderation.is_banned(BANNED)
    assert BANNED in ids(await storage.broadcasts.audience_chats(Audience.school(world.smp)))
    assert "unban" in await audit_actions(storage)


async def test_announcements_are_counted_for_the_daily_limit(
    storage: Storage, world: World
) -> None:
    start = datetime.now(UTC) + timedelta(days=3)
    new = NewActivity(world.smp, None, ROSA, "Feria", None, Category.OTRO, start, start + HOUR)
    await storage.activities.create(new)
    await storage.activities.create(new)
    since = datetime.now(UTC) - timedelta(days=1)
    assert await storage.moderation.activities_by_author_since(ROSA, since) == 2
    assert await storage.moderation.activities_by_author_since(LUIS, since) == 0


# --- organizations: verify, find, merge -----------------------------------------------------------


async def test_verify_and_unverify_are_audited(storage: Storage, world: World) -> None:
    verified = await storage.organizations.verify(world.ayni, ADMIN)
    assert verified.verified
    stored = await storage.organizations.get(world.ayni)
    assert stored is not None and stored.verified
    assert not (
        await storage.organizations.verify(world.ayni, COORDINATOR, verified=False)
    ).verified
    assert (await audit_actions(storage))[:2] == ["unverify", "verify"]
    with pytest.raises(UnknownOrganization):
        await storage.organizations.verify(9999, ADMIN)


async def test_find_by_name_ignores_case_and_accents(storage: Storage, world: World) -> None:
    found = await storage.organizations.find_by_name("  fundacion AYNI ")
    assert found is not None and found.id == world.ayni
    assert await storage.organizations.find_by_name("Ayni") is None  # exact names only
    assert await storage.organizations.find_by_name("") is None


async def test_merge_keeps_everything(storage: Storage, world: World) -> None:
    orgs = storage.organizations
    duplicate = await orgs.create("Fundacion Ayni Peru", OrgKind.NGO, created_by=LUIS)
    await orgs.verify(duplicate.id, ADMIN)
    await storage.members.join_organization(LUIS, duplicate.id)
    start = datetime.now(UTC) + timedelta(days=2)
    activity = await storage.activities.create(
        NewActivity(
            world.smp, duplicate.id, LUIS, "Taller", None, Category.ARTE, start, start + HOUR
        )
    )
    await storage.follows.follow(ROSA, FollowKind.ORGANIZATION, str(duplicate.id))
    await storage.follows.follow(AYNI_FANS, FollowKind.ORGANIZATION, str(duplicate.id))  # both
    await storage.roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_organization_id=duplicate.id)
    await storage.roles.grant(LUIS, RoleName.COORDINATOR, scope_organization_id=duplicate.id)
    await storage.roles.grant(LUIS, RoleName.COORDINATOR, scope_organization_id=world.ayni)
    sent = await storage.broadcasts.create(
        admin(), duplicate.id, Audience.organization(duplicate.id), "Hola", False, render
    )

    merged = await orgs.merge(world.ayni, duplicate.id, actor_id=ADMIN)

    assert (merged.members, merged.activities, merged.follows) == (1, 1, 2)
    assert (merged.broadcasts, merged.roles) == (1, 2)
    assert merged.kept.verified  # the duplicate was verified
    assert await orgs.get(duplicate.id) is None
    kept = await orgs.get(world.ayni)
    assert kept is not None and kept.verified
    luis = await storage.members.get(LUIS)
    assert luis is not None and luis.organization is not None and luis.organization.id == world.ayni
    moved = await storage.activities.get(activity.id)
    assert moved is not None and moved.organization_id == world.ayni
    followers = await storage.db.fetchall(
        "SELECT chat_id, target FROM follows WHERE kind = 'organization' ORDER BY chat_id"
    )
    assert [tuple(row) for row in followers] == [
        (AYNI_FANS, str(world.ayni)),
        (ROSA, str(world.ayni)),
    ]
    scopes = {(g.user_id, g.scope_organization_id) for g in await storage.roles.all_grants()}
    assert scopes == {(COORDINATOR, world.ayni), (LUIS, world.ayni)}
    history = await storage.broadcasts.get(sent.id)
    assert history is not None and history.organization_id == world.ayni
    assert history.audience == Audience.organization(world.ayni)
    entry = (await storage.audit.entries())[0]
    assert (entry.action, entry.subject) == ("merge_organizations", f"organization:{world.ayni}")
    assert entry.details["dropped_name"] == "Fundacion Ayni Peru"


async def test_merge_refuses_itself_and_unknown_ids(storage: Storage, world: World) -> None:
    with pytest.raises(CannotMerge):
        await storage.organizations.merge(world.ayni, world.ayni)
    with pytest.raises(UnknownOrganization):
        await storage.organizations.merge(world.ayni, 9999)
    assert await storage.organizations.get(world.ayni) is not None


async def test_audit_entries_newest_first_with_a_limit(storage: Storage, world: World) -> None:
    await storage.organizations.verify(world.ayni, ADMIN)
    await storage.organizations.verify(world.cuna, None)
    latest = await storage.audit.entries(limit=2)
    assert [e.subject for e in latest] == [
        f"organization:{world.cuna}",
        f"organization:{world.ayni}",
    ]
    assert latest[0].actor_id is None and latest[0].details == {
        "name": "Cuna Más",
        "was_verified": False,
    }
    assert latest[0].at.tzinfo is not None
