"""Who may open the web overview: Telegram Web App initData verified by HMAC and age; from
storage, a link works once within 10 minutes, a session
ends after 12 idle hours, a ban or /olvidarme ends everything at once, and the database holds no
token that opens anything."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from bot.domain.webapp_auth import (
    InitDataProblem,
    InvalidInitData,
    sign_init_data,
    verify_init_data,
)
from storage import Storage
from storage.panel_access import LinkProblem, LinkRefused
from tests.helpers import NOW

USER = 4242


async def test_a_link_works_once(storage: Storage) -> None:
    token = await storage.panel_access.create_link(USER, NOW)
    user, session = await storage.panel_access.redeem_link(token, NOW + timedelta(minutes=9))
    assert user == USER
    assert await storage.panel_access.session_user(session, NOW) == USER
    with pytest.raises(LinkRefused) as refused:
        await storage.panel_access.redeem_link(token, NOW + timedelta(minutes=9))
    assert refused.value.problem is LinkProblem.USED


async def test_a_link_expires_after_ten_minutes(storage: Storage) -> None:
    token = await storage.panel_access.create_link(USER, NOW)
    with pytest.raises(LinkRefused) as refused:
        await storage.panel_access.redeem_link(token, NOW + timedelta(minutes=10))
    assert refused.value.problem is LinkProblem.EXPIRED
    with pytest.raises(LinkRefused) as unknown:
        await storage.panel_access.redeem_link(token[:-1] + "x", NOW)
    assert unknown.value.problem is LinkProblem.UNKNOWN


async def test_the_database_holds_no_usable_token(storage: Storage) -> None:
    token = await storage.panel_access.create_link(USER, NOW)
    _, session = await storage.panel_access.redeem_link(token, NOW)
    stored = await storage.db.fetchall(
        "SELECT token_hash FROM panel_links UNION ALL SELECT token_hash FROM panel_sessions"
    )
    assert len(stored) == 2
    assert not {token, session} & {row["token_hash"] for row in stored}


async def test_a_session_ends_after_twelve_idle_hours(storage: Storage) -> None:
    session = await storage.panel_access.open_session(USER, NOW)
    later = NOW + timedelta(hours=11)
    assert await storage.panel_access.session_user(session, later) == USER  # kept alive
    assert await storage.panel_access.session_user(session, later + timedelta(hours=11)) == USER
    gone = later + timedelta(hours=23, minutes=1)
    assert await storage.panel_access.session_user(session, gone) is None
    assert await storage.panel_access.session_user(session, NOW) is None  # deleted, not hidden


async def test_a_ban_ends_sessions_and_links(storage: Storage) -> None:
    session = await storage.panel_access.open_session(USER, NOW)
    link = await storage.panel_access.create_link(USER, NOW)
    await storage.moderation.ban(USER, actor_id=None, reason="spam")
    assert await storage.panel_access.session_user(session, NOW) is None
    with pytest.raises(LinkRefused):
        await storage.panel_access.redeem_link(link, NOW)
    with pytest.raises(LinkRefused) as refused:
        await storage.panel_access.open_session(USER, NOW)
    assert refused.value.problem is LinkProblem.BANNED


async def test_forgetting_ends_sessions_and_misdatos_lists_them(storage: Storage) -> None:
    session = await storage.panel_access.open_session(USER, NOW)
    data = await storage.personal_data.export(USER)
    assert data is not None and len(data["web_overview_sessions"]) == 1
    assert session not in str(data)
    await storage.personal_data.forget(USER)
    assert await storage.panel_access.session_user(session, NOW) is None
    assert await storage.personal_data.export(USER) is None


TOKEN = "123456:ABC-the-bot-token"


def test_init_data_signed_by_telegram_is_accepted() -> None:
    init_data = sign_init_data(USER, TOKEN, NOW)
    assert verify_init_data(init_data, TOKEN, NOW + timedelta(minutes=59)) == USER


def test_init_data_from_telegram_docs_layout_is_verified_independently() -> None:
    # The signature computed here straight from Telegram's description, not by the module.
    user = '{"id":4242,"first_name":"Rosa"}'
    check = f"auth_date={int(NOW.timestamp())}\nquery_id=q1\nuser={user}"
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    query = urlencode(
        {"user": user, "query_id": "q1", "auth_date": int(NOW.timestamp()), "hash": digest}
    )
    assert verify_init_data(query, TOKEN, NOW) == USER


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda d: d.replace("4242", "4243"), InitDataProblem.BAD_SIGNATURE),
        (lambda d: d + "&extra=1", InitDataProblem.BAD_SIGNATURE),
        (lambda d: "not init data", InitDataProblem.MALFORMED),
        (lambda d: d.replace("hash=", "hush="), InitDataProblem.MALFORMED),
    ],
)
def test_tampered_init_data_is_refused(
    tamper: Callable[[str], str], problem: InitDataProblem
) -> None:
    with pytest.raises(InvalidInitData) as refused:
        verify_init_data(tamper(sign_init_data(USER, TOKEN, NOW)), TOKEN, NOW)
    assert refused.value.problem is problem


def test_old_init_data_or_another_bots_is_refused() -> None:
    init_data = sign_init_data(USER, TOKEN, NOW)
    with pytest.raises(InvalidInitData) as old:
        verify_init_data(init_data, TOKEN, NOW + timedelta(hours=1, seconds=1))
    assert old.value.problem is InitDataProblem.TOO_OLD
    with pytest.raises(InvalidInitData) as other:
        verify_init_data(init_data, "999:another-bot", NOW)
    assert other.value.problem is InitDataProblem.BAD_SIGNATURE
