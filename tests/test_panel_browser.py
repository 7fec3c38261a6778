"""The web overview in a real browser: Debian's headless Chromium driven by Selenium through
Debian's chromium-driver (the two come from one Debian source at one version, so they always
match, and nothing is downloaded at test time; Playwright would need its own build or a pinned
match with Debian's). `.ci/run` installs both with apt-get when missing; elsewhere, without them,
these tests are skipped, with the reason.

The person logs in both ways (the one-time link, and the Web App with initData signed as
Telegram signs it), the map draws one marker per school with coordinates coloured as the list
marks it, over tiles from a local tile server (tests never reach the internet), and each page
is photographed at phone (360×640) and desktop (1280×800) size into the test's folder. On the
sandbox's demo set, the matrix's every cell, the gaps' and the overlaps' rows as the browser
shows them are compared with what storage computes, and "Salir" ends the session.
`MINKA_SCREENSHOTS=docs/screenshots` refreshes the README's pictures from that test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import MinkaApplication
from bot.domain.exports import days_period
from bot.domain.panel import default_days
from bot.domain.registry_import import load_sample_schools
from bot.domain.webapp_auth import sign_init_data
from bot.runner import running
from bot.sandbox.demo import DEMO_COORDINATOR, seed_demo
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from bot.web.server import web_server
from storage import Storage
from storage.activities import ActivityStatus, Category, NewActivity
from storage.exports import ExportScope, Period, ScopeKind
from storage.models import OrgKind
from storage.roles import RoleName
from tests.helpers import (
    NOW,
    make_settings,
    panel_link,
    register_teacher,
    set_clock,
    storage_of,
)

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and DRIVER) and not os.environ.get("CI"):
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only once the browser is known to be there
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

COORDINATOR = 6101
PHONE, DESKTOP = (360, 640), (1280, 800)
LIMA = ExportScope(ScopeKind.PLACE, "1501")
# Where the demo's screenshots go: the test's folder, or (MINKA_SCREENSHOTS=docs/screenshots)
# the README's pictures, refreshed on purpose rather than by every test run.
SCREENSHOTS_ENV = "MINKA_SCREENSHOTS"


def tile_png() -> bytes:
    """A plain light tile with a grid line, so a screenshot shows where tiles were drawn."""
    image = Image.new("RGB", (256, 256), (228, 232, 226))
    for i in range(256):
        image.putpixel((i, 0), (200, 205, 198))
        image.putpixel((0, i), (200, 205, 198))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def tiles() -> AsyncIterator[str]:
    """A tile server on 127.0.0.1, like any {z}/{x}/{y} provider."""
    body = tile_png()

    async def tile(request: Request) -> Response:
        return Response(body, media_type="image/png")

    app = Starlette(routes=[Route("/{z:int}/{x:int}/{y:int}.png", tile)])
    async with web_server(app, "127.0.0.1", 0) as port:
        yield f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"


@pytest.fixture
def settings(fake: FakeTelegram, tmp_path: Path, tiles: str) -> Settings:
    return make_settings(fake, tmp_path / "minka.db", tile_url=tiles)


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[MinkaApplication]:
    storage = Storage(settings.database_path)
    await storage.open()
    await load_sample_schools(storage)
    async with running(settings, storage) as app:
        set_clock(app, NOW)
        yield app


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--hide-scrollbars", "--lang=es-PE"):  # fmt: skip
        options.add_argument(flag)
    # A phone in Peru: pages nobody is signed in to yet speak the browser's language.
    options.add_experimental_option("prefs", {"intl.accept_languages": "es-PE,es"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


async def seed(bot: MinkaApplication, fake: FakeTelegram) -> None:
    """A coordinator of Ate, two organizations there (one school with both), one in Puno."""
    await register_teacher(fake, COORDINATOR)
    storage = storage_of(bot)
    await storage.roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="150103")
    ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, 1)
    sumaq = await storage.organizations.create("Sumaq Kawsay", OrgKind.NGO, 1)
    for cod_mod, org, hours in (("9000002", ayni.id, 24), ("9000002", sumaq.id, 25),
                                ("9000009", ayni.id, 48), ("9000005", ayni.id, 24)):  # fmt: skip
        school = await storage.schools.get(cod_mod)
        assert school is not None
        start = NOW + timedelta(hours=hours)
        await storage.activities.create(NewActivity(
            school_id=school.id, organization_id=org, author_id=1, title="Campaña de salud",
            description=None, category=Category.SALUD, starts_at=start,
            ends_at=start + timedelta(hours=2),
        ))  # fmt: skip


def load(driver: webdriver.Chrome, url: str, size: tuple[int, int]) -> None:
    driver.set_window_size(*size)
    driver.get(url)


def wait_for_map(driver: webdriver.Chrome) -> int:
    """How many markers map.js drew, once it has (it writes the count when done)."""

    def drawn(d: webdriver.Chrome) -> str | None:
        return d.find_element(By.ID, "map").get_attribute("data-markers")

    return int(WebDriverWait(driver, 30).until(drawn) or "0")


def marker_counts(driver: webdriver.Chrome) -> dict[str, int]:
    return {kind: len(driver.find_elements(By.CSS_SELECTOR, f"path.school.{kind}"))
            for kind in ("none", "one", "many")}  # fmt: skip


def rows_with_coordinates(driver: webdriver.Chrome) -> dict[str, int]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#schools tbody tr[data-lat]")
    counts = {"none": 0, "one": 0, "many": 0}
    for row in rows:
        counts[str(row.get_attribute("class"))] += 1
    return counts


async def test_link_login_map_pages_and_screenshots(
    bot: MinkaApplication, fake: FakeTelegram, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    await seed(bot, fake)
    link = await panel_link(fake, COORDINATOR)
    base = link.split("/panel/")[0]
    shots = tmp_path / "screenshots"
    shots.mkdir()

    def visit() -> tuple[int, dict[str, int], dict[str, int]]:
        load(browser, link, PHONE)
        assert browser.current_url == f"{base}/panel/"  # the token left the address bar
        markers = wait_for_map(browser)
        browser.save_screenshot(str(shots / "overview-phone.png"))
        found, listed = marker_counts(browser), rows_with_coordinates(browser)
        load(browser, f"{base}/panel/", DESKTOP)
        wait_for_map(browser)
        browser.save_screenshot(str(shots / "overview-desktop.png"))
        for page in ("matrix", "gaps", "overlaps"):
            for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
                load(browser, f"{base}/panel/{page}", size)
                browser.save_screenshot(str(shots / f"{page}-{name}.png"))
        return markers, found, listed

    markers, found, listed = await asyncio.to_thread(visit)
    assert found == listed and markers == sum(listed.values())
    assert found["many"] == 1 and found["one"] == 1 and found["none"] > 0

    def foreign_and_reused() -> tuple[str, str]:
        load(browser, f"{base}/panel/?scope=place-2101", PHONE)
        forbidden = browser.find_element(By.ID, "message").text
        load(browser, link, PHONE)  # the same link again
        return forbidden, browser.find_element(By.ID, "message").text

    forbidden, reused = await asyncio.to_thread(foreign_and_reused)
    assert "No tienes acceso" in forbidden and "ya se usó" in reused
    for shot in shots.iterdir():  # a real picture of the page's size, not an empty file
        with Image.open(shot) as image:
            width = image.size[0]
        assert width in (PHONE[0], DESKTOP[0]), shot.name


async def test_web_app_login_and_an_expired_link(
    bot: MinkaApplication, fake: FakeTelegram, browser: webdriver.Chrome
) -> None:
    await seed(bot, fake)
    link = await panel_link(fake, COORDINATOR)
    base = link.split("/panel/")[0]
    init_data = sign_init_data(COORDINATOR, fake.token, NOW)
    set_clock(bot, NOW + timedelta(minutes=11))  # the link has expired; initData is 11 min old

    def visit() -> tuple[str, str, int]:
        load(browser, link, PHONE)
        expired = browser.find_element(By.ID, "message").text
        # As Telegram opens a Web App: the signed data in the address's fragment.
        load(browser, f"{base}/panel/webapp#tgWebAppData={quote(init_data)}", PHONE)
        WebDriverWait(browser, 30).until(lambda d: d.current_url == f"{base}/panel/")
        markers = wait_for_map(browser)
        load(browser, f"{base}/panel/webapp#tgWebAppData=forged", PHONE)
        refused = browser.find_element(By.ID, "message").text
        return expired, refused, markers

    expired, refused, markers = await asyncio.to_thread(visit)
    assert "venció" in expired
    assert markers > 0
    assert "Telegram" in refused


def shots_folder(tmp_path: Path) -> Path:
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def expected_matrix(bot: MinkaApplication, period: Period) -> dict[tuple[str, str], int]:
    """(organization, category) → activities held, counted from storage's 3W export rows (not
    the overview's own query): what each cell of the page must say."""
    counts: dict[tuple[str, str], int] = {}
    async for batch in storage_of(bot).exports.activities(LIMA, period):
        for a in batch:
            if a.status in (ActivityStatus.CANCELLED, ActivityStatus.RESCHEDULED):
                continue
            key = ("none" if a.organization_id is None else str(a.organization_id), a.category)
            counts[key] = counts.get(key, 0) + 1
    return counts


def matrix_cells(driver: webdriver.Chrome) -> dict[tuple[str, str], int]:
    """Every non-empty cell of the organizations × categories table, as the browser shows it."""
    cells = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#by-category tbody tr"):
        org = str(row.get_attribute("data-org"))
        for cell in row.find_elements(By.CSS_SELECTOR, "td[data-key]"):
            if cell.text.strip():
                cells[(org, str(cell.get_attribute("data-key")))] = int(cell.text)
    return cells


def shown(driver: webdriver.Chrome, selector: str, *attributes: str) -> list[tuple[str, ...]]:
    rows = driver.find_elements(By.CSS_SELECTOR, selector)
    return [tuple(str(r.get_attribute(a)) for a in attributes) for r in rows]


def photograph(driver: webdriver.Chrome, base: str, folder: Path, school_id: int) -> None:
    """Every page at phone and desktop size (the overview once its map is drawn), a school's
    card and a matrix cell's activities too."""
    load(driver, f"{base}/panel/matrix", DESKTOP)
    cell = driver.find_element(By.CSS_SELECTOR, "#by-category td a").get_attribute("href")
    pages = {"overview": f"{base}/panel/", "matrix": f"{base}/panel/matrix",
             "gaps": f"{base}/panel/gaps", "overlaps": f"{base}/panel/overlaps",
             "school": f"{base}/panel/school/{school_id}", "cell": str(cell)}  # fmt: skip
    for page, url in pages.items():
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            load(driver, url, size)
            if page == "overview":
                wait_for_map(driver)
            driver.save_screenshot(str(folder / f"{page}-{name}.png"))


async def test_the_sandbox_demo_in_the_browser_matches_storage_then_signs_out(
    bot: MinkaApplication, fake: FakeTelegram, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """What a newcomer sees with `/as Carlos` and `/panel`: the matrix's every cell, the gaps'
    and the overlaps' rows read in the browser equal what storage computes for the same scope
    and period; screenshots of each page; then "Salir", and the old session opens nothing."""
    storage = storage_of(bot)
    await seed_demo(storage, NOW, bot.bot_data.settings.tz)
    fake.user(DEMO_COORDINATOR, "Carlos")
    link = await panel_link(fake, DEMO_COORDINATOR)
    base, tz = link.split("/panel/")[0], bot.bot_data.settings.tz
    period = days_period(*default_days(NOW, tz), tz)
    matrix = await expected_matrix(bot, period)
    gaps = await storage.overview.gaps(LIMA, Period(NOW - timedelta(days=60), NOW))
    overlaps = await storage.overview.overlaps(LIMA, period, tz)
    folder = shots_folder(tmp_path)
    two_organizations = await storage.schools.get("9000001")
    assert two_organizations is not None

    def visit() -> tuple[dict[tuple[str, str], int], list[tuple[str, ...]], list[tuple[str, ...]]]:
        load(browser, link, DESKTOP)
        photograph(browser, base, folder, two_organizations.id)
        load(browser, f"{base}/panel/matrix", PHONE)
        cells = matrix_cells(browser)
        load(browser, f"{base}/panel/gaps", PHONE)
        gap_rows = shown(browser, "#gaps tbody tr", "data-cod-mod")
        load(browser, f"{base}/panel/overlaps", PHONE)
        pairs = shown(browser, "#overlaps li[data-kind]", "data-kind", "data-first", "data-second")
        return cells, gap_rows, pairs

    cells, gap_rows, pairs = await asyncio.to_thread(visit)
    assert cells == matrix and len(cells) >= 5
    assert sorted(gap_rows) == sorted((g.cod_mod,) for g in gaps) and len(gap_rows) > 10
    assert sorted(pairs) == sorted(
        (o.kind.value, str(o.first.id), str(o.second.id)) for o in overlaps
    )
    assert {kind for kind, _, _ in pairs} == {"same_time", "same_week"}

    def sign_out() -> tuple[str, str]:
        load(browser, f"{base}/panel/", PHONE)
        browser.find_element(By.ID, "logout").click()
        WebDriverWait(browser, 30).until(
            lambda d: d.current_url.startswith(f"{base}/panel/logout?proof=")
        )
        said = browser.find_element(By.ID, "message").text
        load(browser, f"{base}/panel/matrix", PHONE)  # the old session, had the cookie stayed
        return said, browser.find_element(By.ID, "message").text

    said, after = await asyncio.to_thread(sign_out)
    assert "Saliste" in said and "/panel" in said
    assert "escribe /panel" in after
    assert await storage.db.scalar("SELECT count(*) FROM panel_sessions") == 0
    assert len(list(folder.glob("*.png"))) >= 12
    for shot in folder.glob("*.png"):
        with Image.open(shot) as image:
            assert image.size[0] in (PHONE[0], DESKTOP[0]), shot.name
