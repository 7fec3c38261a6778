"""The web overview over real HTTP, beside the real bot: /panel in the chat gives a one-time
link, the link becomes a session cookie, every page and the export check the scope on the
server, the Web App start is verified, and the pages show what the database holds."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from markupsafe import escape

from bot.app import MinkaApplication
from bot.domain.webapp_auth import sign_init_data
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings, SettingsError, load_settings
from bot.views.panel_message import panel_keyboard, panel_text
from bot.web.panel import OVERLAPS_SHOWN
from bot.web.panel_views import overlap_items, school_rows
from bot.web.security import RateLimiter, content_security_policy
from storage.activities import Category, NewActivity
from storage.models import OrgKind
from storage.overview import ActivityBrief, Overlap, OverlapKind, SchoolMarker
from storage.roles import RoleName
from tests.helpers import (
    NOW,
    panel_link,
    register_ngo,
    register_teacher,
    say,
    set_clock,
    signed_in,
    storage_of,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")

COORDINATOR = 5101


async def coordinator_of_ate(bot: MinkaApplication, fake: FakeTelegram) -> None:
    await register_teacher(fake, COORDINATOR)
    await storage_of(bot).roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="150103")


async def add(bot: MinkaApplication, cod_mod: str, org: int | None, hours_from_now: float,
              category: Category = Category.SALUD) -> int:  # fmt: skip
    storage = storage_of(bot)
    school = await storage.schools.get(cod_mod)
    assert school is not None
    start = NOW + timedelta(hours=hours_from_now)
    new = NewActivity(school_id=school.id, organization_id=org, author_id=1, title="Campaña",
                      description=None, category=category, starts_at=start,
                      ends_at=start + timedelta(hours=2))  # fmt: skip
    return (await storage.activities.create(new)).id


async def test_a_link_works_once_and_becomes_a_strict_cookie(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    link = await panel_link(fake, COORDINATOR)
    async with httpx.AsyncClient() as browser:
        first = await browser.get(link)
        assert first.status_code == 303
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/panel" in cookie
        assert "max-age=43200" in cookie
        again = await httpx.AsyncClient().get(link)
        assert again.status_code == 410 and "ya se usó" in again.text
        page = await browser.get(link.split("/panel/")[0] + "/panel/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://web.telegram.org" in csp
    assert "script-src 'self'" in csp and "https://tile.openstreetmap.org" in csp
    assert page.headers["referrer-policy"] == "no-referrer"


async def test_an_expired_link_and_no_session_are_told(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    link = await panel_link(fake, COORDINATOR)
    set_clock(bot, NOW + timedelta(minutes=10, seconds=1))
    async with httpx.AsyncClient() as browser:
        expired = await browser.get(link)
        assert expired.status_code == 410 and "venció" in expired.text
        base = link.split("/panel/")[0]
        anonymous = await browser.get(base + "/panel/", headers={"accept-language": "en-US"})
        assert anonymous.status_code == 401 and "/panel" in anonymous.text
        assert "send /panel" in anonymous.text
        posted = await browser.post(base + "/panel/")
        assert posted.status_code == 405  # GET only


async def test_the_overview_lists_the_scope_and_refuses_another(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    storage = storage_of(bot)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
    sumaq = await storage.organizations.create("Sumaq <b>Kawsay</b>", OrgKind.NGO, 1)
    await add(bot, "9000002", ayni.id, 24)
    await add(bot, "9000002", sumaq.id, 25)  # overlaps the first: two organizations there
    await add(bot, "9000009", ayni.id, 48)
    await add(bot, "9000005", ayni.id, 24)  # Puno: not in Ate
    rows = await storage.db.fetchall(
        "SELECT cod_mod FROM schools WHERE ubigeo = '150103' AND active = 1"
    )
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        page = (await client.get("/panel/")).text
        assert set(re.findall(r"<small>(\d{7})</small>", page)) == {r["cod_mod"] for r in rows}
        assert page.count('<tr class="many"') == 1 and page.count('<tr class="one"') == 1
        assert "Sumaq &lt;b&gt;Kawsay" not in page  # names are in the cards, escaped there
        assert (await client.get("/panel/?scope=place-2101")).status_code == 403
        assert (await client.get("/panel/export.xlsx?scope=peru")).status_code == 403
        puno_school = await storage.schools.get("9000005")
        assert puno_school is not None
        assert (await client.get(f"/panel/school/{puno_school.id}")).status_code == 403
        assert (await client.get("/panel/?scope=nonsense")).status_code == 400
        assert (await client.get("/panel/?from=2026-13-01")).status_code == 400
        overlaps = (await client.get("/panel/overlaps")).text
        assert overlaps.count('data-kind="same_time"') == 1
        assert "Sumaq &lt;b&gt;Kawsay&lt;/b&gt;" in overlaps and "<b>Kawsay" not in overlaps


async def test_a_new_activity_shows_at_once_on_pages_seen_before(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    """The pages' answers are kept between requests: one announced meanwhile must show on the
    next request, not after some time."""
    await coordinator_of_ate(bot, fake)
    storage = storage_of(bot)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
    sumaq = await storage.organizations.create("Sumaq Kawsay", OrgKind.NGO, 1)
    await add(bot, "9000002", ayni.id, 24)
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        for _ in range(2):  # the second time from what was kept
            page = (await client.get("/panel/")).text
            assert page.count('<tr class="one"') == 1 and '<tr class="many"' not in page
            assert 'data-kind="same_time"' not in (await client.get("/panel/overlaps")).text
            assert "Sumaq Kawsay" not in (await client.get("/panel/matrix")).text
        later = await add(bot, "9000002", sumaq.id, 25)  # overlaps the first
        page = (await client.get("/panel/")).text
        assert page.count('<tr class="many"') == 1 and '<tr class="one"' not in page
        assert (await client.get("/panel/overlaps")).text.count('data-kind="same_time"') == 1
        assert "Sumaq Kawsay" in (await client.get("/panel/matrix")).text
        await storage.activities.cancel(later)
        assert '<tr class="many"' not in (await client.get("/panel/")).text
        assert 'data-kind="same_time"' not in (await client.get("/panel/overlaps")).text


async def test_a_long_list_of_overlaps_is_cut_and_says_so(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    storage = storage_of(bot)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
    sumaq = await storage.organizations.create("Sumaq Kawsay", OrgKind.NGO, 1)
    for index in range(30):  # 15 × 15 pairs of different organizations at the same time
        await add(bot, "9000002", (ayni.id, sumaq.id)[index % 2], 24)
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        page = (await client.get("/panel/overlaps")).text
    assert page.count("<li data-kind=") == OVERLAPS_SHOWN
    assert f"{OVERLAPS_SHOWN} de 225" in page


async def test_matrix_counts_match_the_database_and_cells_list_them(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    storage = storage_of(bot)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
    plan = [("9000002", Category.SALUD), ("9000121", Category.SALUD),
            ("9000009", Category.ARTE), ("9000001", Category.ARTE)]  # fmt: skip
    for hours, (cod_mod, category) in enumerate(plan, start=1):
        await add(bot, cod_mod, ayni.id, hours * 24, category)
    expected: Counter[str] = Counter()
    for row in await storage.db.fetchall(
        "SELECT a.category FROM activities a JOIN schools s ON s.id = a.school_id"
        " WHERE s.ubigeo = '150103'"
    ):
        expected[row["category"]] += 1
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        matrix = (await client.get("/panel/matrix")).text
        table = matrix.split('id="by-category"')[1].split("</table>")[0]
        cells = dict(re.findall(r'data-key="(\w+)"><a [^>]*>(\d+)</a>', table))
        assert {k: int(v) for k, v in cells.items()} == dict(expected)
        link = re.search(r'href="(/panel/activities\?[^"]*category=salud)"', table)
        assert link is not None
        cell = link.group(1).replace("&amp;", "&")
        listed = (await client.get(cell)).text
        assert listed.count("<tr data-id=") == expected["salud"]
        for tampered in ("category=salud", "org="):
            bad = cell.replace(tampered, tampered + "x<b>")
            assert (await client.get(bad)).status_code == 400
        huge = await client.get(f"/panel/school/{2**70}")
        assert huge.status_code == 404
        xlsx = await client.get("/panel/export.xlsx")
        assert xlsx.status_code == 200
        book = openpyxl.load_workbook(BytesIO(xlsx.content), read_only=True)
        sheet = book.worksheets[0]
        assert sheet.max_row - 2 == sum(expected.values())  # header and HXL rows


async def test_gaps_list_the_quiet_schools(bot: MinkaApplication, fake: FakeTelegram) -> None:
    await coordinator_of_ate(bot, fake)
    storage = storage_of(bot)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
    await add(bot, "9000002", ayni.id, -24 * 10)  # ten days ago
    await add(bot, "9000009", ayni.id, -24 * 40)  # forty days ago
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        recent = (await client.get("/panel/gaps?days=30")).text
        assert 'data-cod-mod="9000009"' in recent and 'data-cod-mod="9000002"' not in recent
        wider = (await client.get("/panel/gaps?days=60&sort=level")).text
        assert 'data-cod-mod="9000009"' not in wider
        assert (await client.get("/panel/gaps?days=0")).status_code == 400


async def test_web_app_start_is_verified(bot: MinkaApplication, fake: FakeTelegram) -> None:
    await coordinator_of_ate(bot, fake)
    base = (await panel_link(fake, COORDINATOR)).split("/panel/")[0]
    good = sign_init_data(COORDINATOR, fake.token, NOW)
    async with httpx.AsyncClient(base_url=base) as client:
        entry = await client.get("/panel/webapp")
        assert entry.status_code == 200 and "/panel/static/webapp.js" in entry.text
        forged = sign_init_data(COORDINATOR, "1:another-bot", NOW)
        refused = await client.get("/panel/webapp/enter", params={"init": forged})
        assert refused.status_code == 403 and "Telegram" in refused.text
        accepted = await client.get("/panel/webapp/enter", params={"init": good})
        assert accepted.status_code == 303
        assert (await client.get("/panel/")).status_code == 200


async def test_a_ban_ends_the_session(bot: MinkaApplication, fake: FakeTelegram) -> None:
    await coordinator_of_ate(bot, fake)
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        assert (await client.get("/panel/")).status_code == 200
        await storage_of(bot).moderation.ban(COORDINATOR, actor_id=None)
        assert (await client.get("/panel/")).status_code == 401


async def test_an_ngo_worker_sees_her_schools_a_coordinator_the_contacts(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await register_ngo(fake, 5202, "Lucía", "Fundación Ayni")
    await register_teacher(fake, 5203, school_query="9000002", username="rosa_docente")
    storage = storage_of(bot)
    await storage.members.set_contact_sharing(5203, "rosa_docente")
    member = await storage.members.get(5202)
    assert member is not None and member.organization is not None
    await add(bot, "9000002", member.organization.id, 24)
    async with signed_in(await panel_link(fake, 5202)) as client:
        page = (await client.get("/panel/")).text
        assert re.findall(r"<small>(\d{7})</small>", page) == ["9000002"]
        school = await storage.schools.get("9000002")
        assert school is not None
        card = await client.get(f"/panel/school/{school.id}")
        assert card.status_code == 200 and 'id="contacts"' not in card.text
        assert (await client.get("/panel/?scope=place-150103")).status_code == 403
    await coordinator_of_ate(bot, fake)  # a coordinator sees the consented contacts
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        card = await client.get(f"/panel/school/{school.id}")
        assert 'id="contacts"' in card.text and "@rosa_docente" in card.text


async def test_a_person_with_nothing_to_see_is_told_in_the_chat(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await register_teacher(fake, 5301)
    reply = await say(fake, 5301, "/panel")
    assert "/miescuela" in reply.text
    fake.user(5302, "Nadie")
    assert "/start" in (await say(fake, 5302, "/panel")).text


def test_tile_url_setting() -> None:
    assert Settings(_env_file=None).tile_url.startswith("https://tile.openstreetmap.org/")  # type: ignore[call-arg]
    assert Settings(_env_file=None, tile_url="").tile_url == ""  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="TILE_URL"):
        load_settings(_env_file=None, tile_url="ftp://tiles.example/{z}/{x}/{y}.png")
    with pytest.raises(SettingsError, match="TILE_URL"):
        load_settings(_env_file=None, tile_url="https://tiles.example/tile.png")


def test_the_web_app_button_only_over_https() -> None:
    keyboard = panel_keyboard("es", "https://minka.example.org")
    assert keyboard is not None
    button = keyboard.inline_keyboard[0][0]
    assert button.web_app is not None
    assert button.web_app.url == "https://minka.example.org/panel/webapp"
    assert "tócalo abajo" in panel_text("es", "https://minka.example.org", "T" * 43)
    assert panel_keyboard("en", "http://127.0.0.1:8080") is None
    assert "tap below" not in panel_text("en", "http://127.0.0.1:8080", "T" * 43)


def test_the_school_list_escapes_what_the_registry_says() -> None:
    hostile = SchoolMarker(
        id=7, cod_mod="0325753", name='<script>alert("x")</script> & Co', level="<b>Primaria",
        ubigeo="150103", district="SAN JUAN DE LURIGANCHO", latitude=-12.0, longitude=None,
        activities=2, organizations=2,
    )  # fmt: skip
    html = school_rows([hostile], "scope=place-150103&from=2026-11-01")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; Co" in html
    assert "&lt;b&gt;Primaria" in html and "San Juan de Lurigancho" in html
    assert 'class="many"' in html and "data-lat" not in html  # no longitude: not on the map
    assert "?scope=place-150103&amp;from=2026-11-01" in html


def test_the_overlap_list_escapes_titles_and_names() -> None:
    def brief(id: int, title: str, org: str | None) -> ActivityBrief:
        start = datetime(2026, 11, 2, 14, tzinfo=UTC)
        return ActivityBrief(id, title, Category.SALUD, start, start + timedelta(hours=2),
                             None if org is None else id, org)  # fmt: skip

    hostile = Overlap(
        school_id=7, cod_mod="0325753", school_name="<i>I.E.</i> 'Ñ' & \"Co\"",
        district="SAN JUAN DE LURIGANCHO", kind=OverlapKind.SAME_TIME,
        first=brief(1, "<script>alert(1)</script>", "Sumaq <b>Kawsay</b>"),
        second=brief(2, "Taller & charla", None),
    )  # fmt: skip
    html = overlap_items(
        [hostile], "scope=place-150103&from=2026-11-01", "es", ZoneInfo("America/Lima")
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert str(escape(hostile.school_name)) in html and "<i>" not in html
    assert "Sumaq &lt;b&gt;Kawsay&lt;/b&gt;" in html and "Taller &amp; charla" in html
    assert "<b>Docentes de la escuela</b>: Taller" in html  # the schools' own teachers
    assert "(Salud, 02/11/2026 09:00 – 02/11/2026 11:00)" in html  # Lima's time
    assert 'data-first="1" data-second="2"' in html and "San Juan de Lurigancho" in html
    assert "?scope=place-150103&amp;from=2026-11-01" in html


def test_token_endpoints_allow_a_few_tries_a_minute_per_client() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=3, clock=lambda: now[0])
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.2")  # another client has its own count
    now[0] = 60.5
    assert limiter.allow("10.0.0.1")  # a minute later


def test_the_policy_admits_the_tile_server_and_telegram_frames_only() -> None:
    policy = content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.example.org" in policy
    assert "frame-ancestors 'self' https://web.telegram.org" in policy
    assert "img-src 'self' data:;" in content_security_policy("")  # no map: no tile server
