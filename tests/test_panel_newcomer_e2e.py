"""The web overview as people other than a coordinator meet it, and its edges: signing out,
the period said in words, a tampered period, a teacher and an NGO worker asking /panel.

The real bot over HTTP with the fake Telegram; the pages fetched over real HTTP with httpx.
"""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from storage.activities import Category, NewActivity
from storage.models import OrgKind
from storage.roles import RoleName
from tests.helpers import (
    NOW,
    panel_link,
    register_ngo,
    register_teacher,
    say,
    signed_in,
    storage_of,
    switch_to_english,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")

COORDINATOR, TEACHER, NGO_WORKER = 7101, 7102, 7103


async def add(bot: MinkaApplication, cod_mod: str, org: int | None, hours: float) -> None:
    storage = storage_of(bot)
    school = await storage.schools.get(cod_mod)
    assert school is not None
    start = NOW + timedelta(hours=hours)
    await storage.activities.create(NewActivity(
        school_id=school.id, organization_id=org, author_id=1, title="Campaña de salud",
        description=None, category=Category.SALUD, starts_at=start,
        ends_at=start + timedelta(hours=2),
    ))  # fmt: skip


async def coordinator_of_ate(bot: MinkaApplication, fake: FakeTelegram) -> None:
    await register_teacher(fake, COORDINATOR)
    await storage_of(bot).roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="150103")


async def test_signing_out_ends_the_session_and_the_old_cookie_opens_nothing(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        page = await client.get("/panel/")
        link = re.search(r'href="(/panel/logout\?proof=[0-9a-f]+)" id="logout"', page.text)
        assert page.status_code == 200 and link is not None
        cookie = client.cookies["minka_panel"]
        for forged in ("/panel/logout", "/panel/logout?proof=" + "0" * 32):
            # Another site's link or image (it cannot know the proof) only asks first.
            asked = await client.get(forged)
            assert asked.status_code == 200 and "¿Salir del panorama" in asked.text
            assert link.group(1) in asked.text and "set-cookie" not in asked.headers
            assert (await client.get("/panel/")).status_code == 200  # still signed in
        out = await client.get(link.group(1))
        assert out.status_code == 200 and "Saliste del panorama" in out.text
        assert "/panel" in out.text  # how to get a new link
        cleared = out.headers["set-cookie"].lower()
        assert 'minka_panel=""' in cleared and "max-age=0" in cleared and "path=/panel" in cleared
        assert "minka_panel" not in client.cookies
    base = (await panel_link(fake, COORDINATOR)).split("/panel/")[0]
    async with httpx.AsyncClient(base_url=base, cookies={"minka_panel": cookie}) as copy:
        again = await copy.get("/panel/")  # a copy of the old cookie: deleted on the server
        assert again.status_code == 401 and "escribe /panel" in again.text
        assert "Campaña" not in again.text and 'id="schools"' not in again.text
        twice = await copy.get("/panel/logout")  # signing out again is harmless
        assert twice.status_code == 200


async def test_the_period_is_said_in_words_in_her_language(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        default = (await client.get("/panel/")).text
        # NOW is Thursday 26 November 2026 in Lima; the default period is 30 days either side.
        assert "Periodo: del martes 27 de octubre al sábado 26 de diciembre de 2026" in default
        chosen = (await client.get("/panel/matrix?from=2026-12-31&to=2027-01-06")).text
        assert "del jueves 31 de diciembre de 2026 al miércoles 6 de enero de 2027" in chosen
        one_day = (await client.get("/panel/gaps?from=2026-12-03&to=2026-12-03")).text
        assert "Periodo: jueves 3 de diciembre de 2026<" in one_day
        await switch_to_english(fake, COORDINATOR)
        english = (await client.get("/panel/overlaps?from=2026-12-31&to=2027-01-06")).text
        assert "Period: Thursday 31 December 2026 to Wednesday 6 January 2027" in english


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-12-10&to=2026-12-01",  # the end before the start
        "from=1990-01-01&to=2026-12-01",  # longer than ten years
        "from=9999-12-31&to=9999-12-31",  # no midnight after the calendar's last day
        "from=2026-02-30",  # not a day
        "to=06/01/2027",  # a date field's display, typed into the address
        "from=%3Cscript%3E",
    ],
)
async def test_a_tampered_period_gets_a_friendly_answer(
    bot: MinkaApplication, fake: FakeTelegram, query: str
) -> None:
    await coordinator_of_ate(bot, fake)
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        for page in ("/panel/", "/panel/matrix", "/panel/gaps", "/panel/overlaps",
                     "/panel/export.xlsx"):  # fmt: skip
            answer = await client.get(f"{page}?{query}")
            assert answer.status_code == 400, (page, answer.text)
            assert "Esas fechas no forman un periodo" in answer.text
            assert "<script>" not in answer.text and 'href="/panel/"' in answer.text


async def test_a_teacher_sees_her_school_and_nothing_else(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await register_teacher(fake, TEACHER, school_query="9000002")
    storage = storage_of(bot)
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
    await add(bot, "9000002", ayni.id, 24)
    await add(bot, "9000009", ayni.id, 24)  # another school of Ate: not hers
    school = await storage.schools.get("9000002")
    other = await storage.schools.get("9000009")
    assert school is not None and other is not None
    async with signed_in(await panel_link(fake, TEACHER)) as client:
        page = (await client.get("/panel/")).text
        assert re.findall(r"<small>(\d{7})</small>", page) == ["9000002"]
        card = await client.get(f"/panel/school/{school.id}")
        assert card.status_code == 200 and "Fundación Ayni" in card.text
        assert 'id="contacts"' not in card.text  # the public picture
        assert (await client.get(f"/panel/school/{other.id}")).status_code == 403
        assert (await client.get("/panel/?scope=place-150103")).status_code == 403
        assert (await client.get(f"/panel/?scope=school-{other.id}")).status_code == 403
        matrix = (await client.get("/panel/matrix")).text
        assert "Fundación Ayni" in matrix
        assert (await client.get("/panel/export.xlsx")).status_code == 200


async def test_an_ngo_worker_sees_every_organization_at_her_schools_without_contacts(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await register_ngo(fake, NGO_WORKER, "Lucía", "Fundación Ayni")
    storage = storage_of(bot)
    member = await storage.members.get(NGO_WORKER)
    assert member is not None and member.organization is not None
    sumaq = await storage.organizations.create("Sumaq Kawsay", OrgKind.NGO, 1)
    await add(bot, "9000002", member.organization.id, 24)
    await add(bot, "9000002", sumaq.id, 25)  # another organization at her school, same morning
    await add(bot, "9000009", sumaq.id, 24)  # a school where her organization never worked
    async with signed_in(await panel_link(fake, NGO_WORKER)) as client:
        page = (await client.get("/panel/")).text
        assert re.findall(r"<small>(\d{7})</small>", page) == ["9000002"]
        assert page.count('<tr class="many"') == 1
        overlaps = (await client.get("/panel/overlaps")).text
        assert "Sumaq Kawsay" in overlaps and "Fundación Ayni" in overlaps
        assert (await client.get("/panel/?scope=peru")).status_code == 403
        other = await storage.schools.get("9000009")
        assert other is not None
        assert (await client.get(f"/panel/school/{other.id}")).status_code == 403


async def test_outside_the_sandbox_panel_does_not_mention_the_demo(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    fake.user(7199, "Nadie")
    reply = await say(fake, 7199, "/panel")
    assert "/start" in reply.text and "Carlos" not in reply.text
    assert await storage_of(bot).members.get(1002) is None  # no demo coordinator
    assert await storage_of(bot).organizations.find_by_name("Fundación Ayni (demo)") is None


async def test_a_matrix_cell_says_whose_activities_and_which_category_or_district(
    bot: MinkaApplication, fake: FakeTelegram
) -> None:
    await coordinator_of_ate(bot, fake)
    storage = storage_of(bot)
    sumaq = await storage.organizations.create("Sumaq <b>Kawsay</b>", OrgKind.NGO, 1)
    await add(bot, "9000002", sumaq.id, 24)
    await add(bot, "9000009", None, 48)  # a teacher's own activity
    async with signed_in(await panel_link(fake, COORDINATOR)) as client:
        by_category = await client.get(f"/panel/activities?org={sumaq.id}&category=salud")
        assert "Actividades de Sumaq &lt;b&gt;Kawsay&lt;/b&gt; · Salud</h2>" in by_category.text
        by_district = await client.get("/panel/activities?org=none&district=150103")
        assert "Actividades de Docentes de la escuela · Ate</h2>" in by_district.text
        assert by_district.text.count("<tr data-id=") == 1
