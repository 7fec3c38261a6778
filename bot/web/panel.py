"""The coordinator's overview on the web: routes, who is asking, and what she may see.

GET only. A person arrives with a one-time link (/panel/enter/<token>) or from the Telegram Web
App (/panel/webapp, whose script hands Telegram's signed initData to /panel/webapp/enter); either
becomes a session cookie (HttpOnly, SameSite; Secure when PUBLIC_URL is https) and a redirect, so
no token stays in the address bar. Every page reads the session, then checks the scope in its
address against what the person may see (bot.domain.panel): 403 otherwise, for pages and the
export alike. Queries are storage.overview's; pages are rendered by bot.web.panel_views.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import xstatic.pkg.leaflet
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.datastructures import QueryParams
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.domain.exports import export_content, file_name, period_days
from bot.domain.panel import (
    BadAddress,
    BadPeriod,
    Viewer,
    gap_period,
    parse_days,
    parse_scope_param,
    scope_param,
)
from bot.domain.webapp_auth import InvalidInitData, verify_init_data
from bot.views.export_files import ExportTooLarge, write_xlsx
from bot.views.places import display_place
from bot.views.texts import label, language_of
from bot.web.panel_views import (
    STATIC,
    environment,
    local,
    matrix_rows,
    matrix_table,
    overlap_items,
    period_words,
    school_rows,
    scope_name,
    split_by_now,
    texts_for,
)
from bot.web.security import RateLimiter, SecurityHeaders
from storage import Storage
from storage.activities import Category
from storage.exports import ExportScope, Period, ScopeKind
from storage.overview import CellActivity, MatrixCell
from storage.panel_access import SESSION_IDLE, LinkRefused

COOKIE = "minka_panel"
PANEL_PATH = "/panel"
# storage.panel_access.new_token: 32 random bytes in URL-safe base64.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_LINK_PROBLEMS = {"used": "web_link_used", "expired": "web_link_expired"}
_MAX_INIT_DATA = 4096
_MAX_ID = 2**62
# Overlaps shown on one page: more is a list nobody calls through (and a slow page); the page
# says how many there are and to narrow the period or the scope.
OVERLAPS_SHOWN = 200


@dataclass(frozen=True)
class PanelConfig:
    bot_token: str  # '' without a token: Web App starts are then refused
    admin_ids: tuple[int, ...]
    tz: ZoneInfo
    tile_url: str  # '' for no map
    secure_cookie: bool  # PUBLIC_URL is https
    default_language: str


class Refusal(Exception):
    """A page that cannot be shown: its status and the text that says why."""

    def __init__(self, status: int, key: str, lang: str | None = None) -> None:
        super().__init__(key)
        self.status, self.key, self.lang = status, key, lang


@dataclass(frozen=True)
class Asked:
    """What a page was asked for, checked: who, which scope, which period."""

    viewer: Viewer
    scope: ExportScope
    period: Period
    days: tuple[str, str]  # the period's first and last local day, as the form shows them
    logout: str  # the sign-out link, with the session's proof

    def query(self, **extra: str) -> str:
        first, last = self.days
        return urlencode({"scope": scope_param(self.scope), "from": first, "to": last, **extra})


Page = Callable[[Request], Awaitable[Response]]


class PanelSite:
    def __init__(
        self, storage: Storage, config: PanelConfig, clock: Callable[[], datetime]
    ) -> None:
        self.storage, self.config, self.clock = storage, config, clock
        self.env = environment()
        self.limiter = RateLimiter()

    def asgi(self) -> Starlette:
        page = self._page
        routes = [
            Route("/", page(self.overview)), Route("/matrix", page(self.matrix)),
            Route("/gaps", page(self.gaps)), Route("/overlaps", page(self.overlaps)),
            Route("/activities", page(self.activities)),
            Route("/school/{school_id:int}", page(self.school)),
            Route("/export.xlsx", page(self.export)),
            Route("/enter/{token}", page(self.enter)), Route("/webapp", page(self.webapp)),
            Route("/webapp/enter", page(self.webapp_enter)), Route("/logout", page(self.logout)),
            Mount("/static", StaticFiles(directory=STATIC)),
            Mount("/leaflet", StaticFiles(directory=leaflet_dir())),
        ]  # fmt: skip
        middleware = [
            Middleware(SecurityHeaders, tile_url=self.config.tile_url),
            # zlib's default level, not Starlette's 9: a UGEL's 1 MB school list compresses in
            # 15 ms rather than 32, to 96 KB rather than 88 (measured).
            Middleware(GZipMiddleware, minimum_size=1000, compresslevel=6),
        ]
        return Starlette(routes=routes, middleware=middleware)

    # -- Plumbing ------------------------------------------------------------------------------

    def _page(self, handler: Page) -> Page:
        """Run a page; a refusal or an unreadable address becomes a friendly page."""

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except Refusal as refusal:
                lang = refusal.lang or self._browser_language(request)
                return self._message(lang, refusal.key, refusal.status)
            except BadPeriod:
                return self._message(self._browser_language(request), "web_bad_period", 400)
            except BadAddress:
                return self._message(self._browser_language(request), "web_bad_address", 400)

        return run

    def _browser_language(self, request: Request) -> str:
        header = request.headers.get("accept-language", "")
        first = header.split(",")[0].split(";")[0].strip()
        default = self.config.default_language
        return language_of(first, default) if first else default

    def _render(self, name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
        template = self.env.get_template(name)
        body = template.render(**texts_for(lang), **values)
        headers = {"Cache-Control": "no-store"}
        return HTMLResponse(body, status_code=status, headers=headers)

    def _message(self, lang: str, key: str, status: int) -> HTMLResponse:
        return self._render("message.html", lang, status, key=key)

    async def _viewer(self, request: Request) -> Viewer:
        token = request.cookies.get(COOKIE, "")
        user = None
        if _TOKEN.fullmatch(token):
            user = await self.storage.panel_access.session_user(token, self.clock())
        if user is None:
            raise Refusal(401, "web_login_needed")
        member = await self.storage.members.get(user)
        permissions = await self.storage.roles.permissions(user, self.config.admin_ids)
        lang = member.language if member else self.config.default_language
        return Viewer(user, lang, permissions, member)

    async def _may_see(self, viewer: Viewer, scope: ExportScope) -> bool:
        if scope.kind is not ScopeKind.SCHOOL:
            return viewer.may_see(scope)
        school = await self.storage.schools.get_by_id(int(scope.value))
        if school is None:
            raise Refusal(404, "web_not_found", viewer.language)
        if viewer.may_see(scope, school.ubigeo):
            return True
        # An organization's people see the schools where it works.
        orgs = {int(s.value) for s in viewer.scopes() if s.kind is ScopeKind.ORGANIZATION}
        return bool(orgs & await self.storage.overview.organizations_at(school.id))

    async def _asked(self, request: Request) -> Asked:
        viewer = await self._viewer(request)
        scopes = viewer.scopes()
        if not scopes:
            raise Refusal(403, "web_forbidden", viewer.language)
        params = request.query_params
        scope = parse_scope_param(params["scope"]) if "scope" in params else scopes[0]
        if not await self._may_see(viewer, scope):
            raise Refusal(403, "web_forbidden", viewer.language)
        return self._asked_for(request, viewer, scope)

    async def _frame(self, asked: Asked, section: str) -> dict[str, Any]:
        """What the layout around every page needs."""
        lang = asked.viewer.language
        names = [(scope_param(s), await scope_name(self.storage, s, lang))
                 for s in asked.viewer.scopes()]  # fmt: skip
        if scope_param(asked.scope) not in dict(names):
            names.append(
                (scope_param(asked.scope), await scope_name(self.storage, asked.scope, lang))
            )
        return {
            "asked": asked, "section": section, "scopes": names,
            "scope_value": scope_param(asked.scope), "first": asked.days[0],
            "last": asked.days[1], "query": asked.query(),
            "period_words": period_words(asked.days, lang),
            "logout_href": asked.logout,
            "local": lambda moment: local(moment, self.config.tz),
        }  # fmt: skip

    # -- Entering ------------------------------------------------------------------------------

    def _limited(self, request: Request) -> None:
        client = request.client.host if request.client else "?"
        if not self.limiter.allow(client):
            raise Refusal(429, "web_too_many")

    def _signed_in(self, session_token: str) -> RedirectResponse:
        response = RedirectResponse(f"{PANEL_PATH}/", status_code=303)
        response.set_cookie(
            COOKIE, session_token, max_age=int(SESSION_IDLE.total_seconds()),
            path=PANEL_PATH, httponly=True, secure=self.config.secure_cookie,
            # Telegram's web clients frame the Web App from another site: a cookie must be
            # SameSite=None (which needs Secure) to reach it there. Without https, Lax.
            samesite="none" if self.config.secure_cookie else "lax",
        )  # fmt: skip
        return response

    async def enter(self, request: Request) -> Response:
        self._limited(request)
        token = request.path_params["token"]
        if not _TOKEN.fullmatch(token):
            raise Refusal(404, "web_link_unknown")
        try:
            _, session = await self.storage.panel_access.redeem_link(token, self.clock())
        except LinkRefused as refused:
            problem = _LINK_PROBLEMS.get(refused.problem.value, "web_link_unknown")
            raise Refusal(410, problem) from None
        return self._signed_in(session)

    async def webapp(self, request: Request) -> Response:
        """The Web App's first page: its script reads Telegram's initData and comes back."""
        return self._render("webapp.html", self._browser_language(request))

    async def webapp_enter(self, request: Request) -> Response:
        self._limited(request)
        init_data = request.query_params.get("init", "")
        if not self.config.bot_token or not init_data or len(init_data) > _MAX_INIT_DATA:
            raise Refusal(403, "web_webapp_failed")
        try:
            user = verify_init_data(init_data, self.config.bot_token, self.clock())
            session = await self.storage.panel_access.open_session(user, self.clock())
        except (InvalidInitData, LinkRefused):
            raise Refusal(403, "web_webapp_failed") from None
        return self._signed_in(session)

    async def logout(self, request: Request) -> Response:
        """Sign out (a GET, like every page: the site has no forms that post): the session ends
        on the server, so a copy of the cookie opens nothing either, and the cookie is cleared.
        The pages' link carries a proof made from the session (`logout_proof`), which another
        site cannot know: a link or image elsewhere pointing here only asks first."""
        token, lang = request.cookies.get(COOKIE, ""), self._browser_language(request)
        user = None
        if _TOKEN.fullmatch(token):
            user = await self.storage.panel_access.session_user(token, self.clock())
        if user is not None:
            member = await self.storage.members.get(user)
            lang = member.language if member else lang  # said in her language, as the pages
            proof = request.query_params.get("proof", "")
            if not hmac.compare_digest(proof.encode(), logout_proof(token).encode()):
                return self._render(
                    "message.html", lang, 200, key="web_logout_confirm",
                    logout_href=logout_href(token),
                )  # fmt: skip
            await self.storage.panel_access.end_session(token)
        response = self._message(lang, "web_logged_out", 200)
        response.delete_cookie(
            COOKIE, path=PANEL_PATH, httponly=True, secure=self.config.secure_cookie,
            samesite="none" if self.config.secure_cookie else "lax",
        )  # fmt: skip
        return response

    # -- Pages ---------------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        asked = await self._asked(request)
        markers = await self.storage.overview.schools(asked.scope, asked.period)
        return self._render(
            "overview.html", asked.viewer.language, **await self._frame(asked, "overview"),
            rows=school_rows(markers, asked.query()), count=len(markers),
            active=sum(1 for m in markers if m.activities),
            activities=sum(m.activities for m in markers), tile_url=self.config.tile_url,
        )  # fmt: skip

    async def matrix(self, request: Request) -> Response:
        asked = await self._asked(request)
        overview, wide = self.storage.overview, asked.scope.kind is not ScopeKind.SCHOOL
        # Both matrices at once (one school is one district: no second one): each query reads
        # on a connection and a thread of its own, and SQLite lets go of the GIL while it
        # reads, so the two overlap on two cores.
        by_category, by_district = await asyncio.gather(
            overview.matrix(asked.scope, asked.period),
            overview.matrix(asked.scope, asked.period, True) if wide else _nothing(),
        )
        categories = matrix_table(by_category, [c.value for c in Category])
        districts = None
        if wide:
            keys = sorted({c.key or "" for c in by_district})
            districts = matrix_table(by_district, keys)
            names = await self.storage.overview.district_names(keys)
        lang, query = asked.viewer.language, asked.query()
        own = label(lang, "web_own_teachers")
        return self._render(
            "matrix.html", lang, **await self._frame(asked, "matrix"),
            categories=categories, districts=districts,
            category_rows=matrix_rows(categories, "category", query, own),
            district_rows=matrix_rows(districts, "district", query, own) if districts else "",
            category_names={c.value: label(asked.viewer.language, f"category_{c.value}")
                            for c in Category},
            district_names=names if districts else {},
        )  # fmt: skip

    async def gaps(self, request: Request) -> Response:
        asked = await self._asked(request)
        days, period = gap_period(request.query_params.get("days"), self.clock())
        gaps = await self.storage.overview.gaps(asked.scope, period)
        if request.query_params.get("sort") == "level":
            gaps.sort(key=lambda g: (g.level or "", g.district or "", g.name))
        return self._render(
            "gaps.html", asked.viewer.language, **await self._frame(asked, "gaps"),
            gaps=gaps, days=days, sort=request.query_params.get("sort", "district"),
        )  # fmt: skip

    async def overlaps(self, request: Request) -> Response:
        asked = await self._asked(request)
        found = await self.storage.overview.first_overlaps(
            asked.scope, asked.period, self.config.tz, OVERLAPS_SHOWN
        )
        return self._render(
            "overlaps.html", asked.viewer.language, **await self._frame(asked, "overlaps"),
            overlaps=found.shown, count=found.total,
            items=overlap_items(found.shown, asked.query(), asked.viewer.language, self.config.tz),
        )  # fmt: skip

    async def activities(self, request: Request) -> Response:
        """A matrix cell's activities: one organization ('none': the schools' own teachers)
        in one category or district."""
        asked = await self._asked(request)
        org, category, district = _cell(request.query_params)
        found = await self.storage.overview.cell_activities(
            asked.scope, asked.period, org, category, district
        )
        names = await self._cell_names(asked.viewer.language, org, found, category, district)
        org_name, key_name = names
        return self._render(
            "activities.html", asked.viewer.language, **await self._frame(asked, "matrix"),
            found=found, org_name=org_name, key_name=key_name,
        )  # fmt: skip

    async def _cell_names(
        self,
        lang: str,
        org: int | None,
        found: list[CellActivity],
        category: str | None,
        district: str | None,
    ) -> tuple[str, str]:
        """What a matrix cell is, said above its activities: whose, and which category or
        district (a person who followed the link sees where she is). An organization's name
        comes from the cell's own activities, in the viewer's scope: an id typed into the
        address names no organization outside it."""
        if org is None:
            org_name = label(lang, "web_own_teachers")
        else:
            org_name = next((f.activity.organization_name for f in found), None) or "?"
        if category is not None:
            return org_name, label(lang, f"category_{category}")
        names = await self.storage.overview.district_names([district] if district else [])
        return org_name, display_place(names.get(district or "", district or ""))

    async def school(self, request: Request) -> Response:
        viewer = await self._viewer(request)
        school_id = request.path_params["school_id"]
        if school_id > _MAX_ID:  # SQLite's integers end at 2**63
            raise Refusal(404, "web_not_found", viewer.language)
        scope = ExportScope(ScopeKind.SCHOOL, str(school_id))
        if not await self._may_see(viewer, scope):
            raise Refusal(403, "web_forbidden", viewer.language)
        school = await self.storage.schools.get_by_id(school_id)
        assert school is not None  # _may_see answered 404 otherwise
        asked = self._asked_for(request, viewer, scope)
        found = await self.storage.overview.school_activities(school_id, asked.period)
        upcoming, past = split_by_now(found, self.clock())
        contacts = []
        if viewer.sees_contacts:
            contacts = (await self.storage.members.people_at_school(school_id)).contacts
        organizations = sorted({a.organization_name or "" for a in found})
        return self._render(
            "school.html", viewer.language, **await self._frame(asked, "overview"),
            school=school, upcoming=upcoming, past=past, contacts=contacts,
            organizations=organizations,
        )  # fmt: skip

    def _asked_for(self, request: Request, viewer: Viewer, scope: ExportScope) -> Asked:
        """The period the address asks for, for a viewer and a scope already allowed."""
        params = request.query_params
        period = parse_days(params.get("from"), params.get("to"), self.clock(), self.config.tz)
        first, last = period_days(period, self.config.tz)
        days = (first.isoformat(), last.isoformat())
        return Asked(viewer, scope, period, days, logout_href(request.cookies.get(COOKIE, "")))

    async def export(self, request: Request) -> Response:
        """The exports issue's 3W workbook of what the page shows."""
        asked = await self._asked(request)
        folder = Path(tempfile.mkdtemp(prefix="minka-panel-"))
        name = file_name(asked.scope, asked.period, self.config.tz, "xlsx")
        path = folder / name
        content = await export_content(self.storage.exports, asked.scope, asked.period)
        try:
            await write_xlsx(path, content, asked.viewer.language, self.config.tz)
        except ExportTooLarge:
            _remove(folder)
            raise Refusal(413, "web_export_too_large", asked.viewer.language) from None
        return FileResponse(
            path, filename=name, background=BackgroundTask(_remove, folder),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )  # fmt: skip


async def _nothing() -> list[MatrixCell]:
    return []


def _cell(params: QueryParams) -> tuple[int | None, str | None, str | None]:
    """A matrix cell's organization ('none': the schools' own teachers), and its category or
    district; BadAddress for anything a cell's link never carries."""
    org_text = params.get("org", "")
    category, district = params.get("category"), params.get("district")
    if not (org_text == "none" or (org_text.isdigit() and len(org_text) <= 9)):
        raise BadAddress(f"org {org_text!r}")
    if category is not None and category not in {c.value for c in Category}:
        raise BadAddress(f"category {category!r}")
    if district is not None and not (district.isdigit() and len(district) == 6):
        raise BadAddress(f"district {district!r}")
    return (None if org_text == "none" else int(org_text)), category, district


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink(missing_ok=True)
    folder.rmdir()


def leaflet_dir() -> Path:
    """Leaflet's files as the xstatic-leaflet package installed them (never copied here)."""
    return Path(xstatic.pkg.leaflet.BASE_DIR)


def logout_proof(session: str) -> str:
    """What the sign-out link carries: made from the session cookie, which only the signed-in
    browser holds (HttpOnly), so another site cannot sign her out with a link or an image."""
    return hashlib.sha256(b"minka-panel-logout:" + session.encode()).hexdigest()[:32]


def logout_href(session: str) -> str:
    return f"{PANEL_PATH}/logout?{urlencode({'proof': logout_proof(session)})}"
