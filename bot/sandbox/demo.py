"""The sandbox's demo: Carlos, a registered coordinator, and a small labelled set of activities,
so that a newcomer sees a full overview with two commands (`/as Carlos`, then `/panel`).

Only `bot.sandbox.session` calls this, on the sandbox's own database: `python -m bot run` never
seeds anything. Everything goes through storage's own functions, as real people would write it:
Carlos registers as onboarding stores it (consent, name, role, organization, then registered),
and the activities arrive as one operator's 3W import, written all or nothing in one
transaction and idempotent by its rows' keys. Every demo organization and title ends in
"(demo)", so nobody mistakes them for real data. A second start adds nothing: when the demo's
organizations exist, the import is not run again (its days are counted from the first start,
so a later start would otherwise add a second copy).

The set is made to show each page something: a school with two organizations the same
morning, a school with the same category twice in one week, a multi-day span overlapping a
workshop, past activities (so some schools are not gaps), and many schools with none.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage import Storage
from storage.activities import Category
from storage.activity_imports import ImportRow
from storage.models import OrgKind, Role
from storage.roles import RoleName

log = logging.getLogger(__name__)

# Carlos, a test user of the terminal chat (bot.sandbox.chat), coordinates Lima province.
DEMO_COORDINATOR, DEMO_COORDINATOR_NAME = 1002, "Carlos"
DEMO_SCOPE = "1501"
DEMO_COORDINATOR_ORG = "Red de coordinación Lima (demo)"
DEMO_FILE = "minka-sandbox-demo (demo)"
DEMO_MARK = "(demo)"

AYNI, KALLPA = "Fundación Ayni (demo)", "Kallpa Educa (demo)"
MUNI, SUMAQ = "Municipalidad de Lima (demo)", "Sumaq Kawsay (demo)"
_KINDS = {MUNI: OrgKind.INSTITUTION}


@dataclass(frozen=True)
class DemoActivity:
    """One row of the demo: where, who, what, and when in days from next Monday (Lima)."""

    cod_mod: str
    organization: str
    title: str
    category: Category
    day: int  # days after next Monday; negative is in the past
    start: time
    end: time
    last_day: int | None = None  # a span of days: its last day (same counting)


# Next week, so the same-week pairs fall in one Monday-to-Sunday week inside the default period.
DEMO_ACTIVITIES: tuple[DemoActivity, ...] = (
    # I.E. N° 2045 (San Martín de Porres): two organizations the same Wednesday morning.
    DemoActivity("9000001", AYNI, "Campaña de salud bucal (demo)", Category.SALUD, 2,
                 time(9), time(12)),
    DemoActivity("9000001", MUNI, "Charla de nutrición (demo)", Category.SALUD, 2,
                 time(10), time(11)),
    # IEP San Martín de Porres (Ate): the same category twice in one week, different days.
    DemoActivity("9000002", AYNI, "Tamizaje visual (demo)", Category.SALUD, 0, time(9), time(11)),
    DemoActivity("9000002", KALLPA, "Vacunación (demo)", Category.SALUD, 3, time(8), time(10)),
    # IEI N° 123 (Comas): a reading week (Monday to Friday) and a workshop on its Wednesday.
    DemoActivity("9000003", KALLPA, "Semana de la lectura (demo)", Category.LECTURA, 0,
                 time(9), time(13), last_day=4),
    DemoActivity("9000003", SUMAQ, "Taller de cuentos (demo)", Category.LECTURA, 2,
                 time(10), time(12)),
    # One organization at a school: past and upcoming, so the map and the gaps differ.
    DemoActivity("9000007", AYNI, "Feria de ciencias (demo)", Category.OTRO, -10,
                 time(9), time(13)),
    DemoActivity("9000009", MUNI, "Donación de útiles (demo)", Category.DONACION, -20,
                 time(10), time(12)),
    DemoActivity("9000018", SUMAQ, "Torneo de vóley (demo)", Category.DEPORTE, -5,
                 time(15), time(17)),
    DemoActivity("9000033", KALLPA, "Mural colectivo (demo)", Category.ARTE, 8, time(9), time(12)),
    DemoActivity("9000024", MUNI, "Capacitación docente (demo)", Category.DOCENTES, 9,
                 time(14), time(17)),
)  # fmt: skip


def next_monday(now: datetime, tz: ZoneInfo) -> date:
    today = now.astimezone(tz).date()
    return today + timedelta(days=7 - today.weekday())


async def seed_demo(storage: Storage, now: datetime, tz: ZoneInfo) -> bool:
    """Carlos registered and the demo activities imported; False when they were already."""
    registered = await register_demo_coordinator(storage)
    imported = await import_demo_activities(storage, now, tz)
    return registered or imported


async def register_demo_coordinator(storage: Storage) -> bool:
    """Carlos as onboarding stores a coordinator (each step idempotent, so a start cut short
    finishes on the next one), and his coordinator role for Lima province."""
    await storage.roles.grant(DEMO_COORDINATOR, RoleName.COORDINATOR, scope_ubigeo=DEMO_SCOPE)
    member = await storage.members.get(DEMO_COORDINATOR)
    if member is not None and member.is_registered:
        return False  # registered (by the demo, or by hand): his answers are kept
    members = storage.members
    await members.record_consent(DEMO_COORDINATOR, "es")
    await members.set_name(DEMO_COORDINATOR, DEMO_COORDINATOR_NAME)
    await members.set_role(DEMO_COORDINATOR, Role.INSTITUTION)
    await members.create_and_join_organization(
        DEMO_COORDINATOR, DEMO_COORDINATOR_ORG, OrgKind.INSTITUTION
    )
    await members.complete_registration(DEMO_COORDINATOR)
    return True


async def import_demo_activities(storage: Storage, now: datetime, tz: ZoneInfo) -> bool:
    """The demo's activities as one operator import (one transaction), unless already there."""
    if await storage.organizations.find_by_name(AYNI) is not None:
        return False
    rows = await demo_rows(storage, next_monday(now, tz), tz)
    digest = hashlib.sha256(DEMO_FILE.encode()).hexdigest()
    pending = await storage.activity_imports.create_pending(None, DEMO_FILE, digest, None)
    result = await storage.activity_imports.apply(pending.id, None, rows, tz=tz, now=now)
    log.info("sandbox: demo activities imported: %s", result.counts())
    return True


async def demo_rows(storage: Storage, monday: date, tz: ZoneInfo) -> list[ImportRow]:
    rows = []
    for number, item in enumerate(DEMO_ACTIVITIES, start=1):
        school = await storage.schools.get(item.cod_mod)
        if school is None:  # a registry without the sample schools: leave that row out
            continue
        first = monday + timedelta(days=item.day)
        last = monday + timedelta(days=item.last_day if item.last_day is not None else item.day)
        rows.append(ImportRow(
            row_number=number, school_id=school.id, organization_id=None,
            organization_name=item.organization, title=item.title, description=None,
            category=item.category, starts_at=datetime.combine(first, item.start, tz),
            ends_at=datetime.combine(last, item.end, tz),
            organization_kind=_KINDS.get(item.organization, OrgKind.NGO),
        ))  # fmt: skip
    return rows
