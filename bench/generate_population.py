"""A deterministic Peru-scale Minka database for benchmarks and demos.

    .venv/bin/python -m bench.generate_population --out /tmp/minka-peru.sqlite
    .venv/bin/python -m bench.generate_population --out /tmp/small.sqlite --rows 20000 \
        --people 5000 --activities 10000

Builds on the synthetic school registry of `bench.generate_registry` (imported as the operator
would, with `import_registry`), then invents the people who use Minka and what
they did, and loads them with `storage.bulk`:

- about 3,000 organizations (NGOs, foundations, company foundations, public programmes,
  municipalities, health centres), some verified, each with a home department or national;
- 50,000 members: 60 % teachers at active schools (a few schools with dozens of teachers, most
  with none), 35 % NGO staff, 5 % institution staff; mostly Spanish; some share a @username;
- 100,000 activities over the 12 months before and the 3 months after `now`, concentrated on a
  few schools (Zipf-like), each school with a handful of regular organizations, 15 % announced by
  the school's own teachers; past ones done, not held, cancelled or awaiting the check-in
  answer, with the reminder and check-in marks the bot would have set;
- one private chat per member and about 500 groups; about 100,000 follows of schools, districts
  and organizations, instant or daily.

Everything comes from one seeded `random.Random` and a fixed `now` (never the wall clock): the
same arguments give the same database.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from bench.generate_registry import SEED as REGISTRY_SEED
from bench.generate_registry import generate_rows, write_dbf_zip
from bot.domain.registry_import import import_registry
from storage import Storage
from storage.activities import ActivityStatus, Category
from storage.bulk import (
    BulkActivity,
    BulkChat,
    BulkData,
    BulkFollow,
    BulkMember,
    BulkOrganization,
    PopulationSchool,
    active_schools,
    load,
    table_counts,
)
from storage.chats import ChatType
from storage.follows import FollowKind, FollowMode
from storage.models import OrgKind, Role
from storage.normalize import fold, strip_accents

SEED = 2047
T = TypeVar("T")
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Lima
LIMA = ZoneInfo("America/Lima")
PAST = timedelta(days=365)
FUTURE = timedelta(days=90)
REMINDER_LEAD = timedelta(hours=24)  # Settings.reminder_hours' default
JOB_TICK_S = 60  # bot.outbox.jobs.INTERVAL: reminders and check-ins go out at most a minute late

# --- names ----------------------------------------------------------------------------------

WOMEN = (
    "Rosa", "María", "Carmen", "Luz", "Ana", "Juana", "Elena", "Flor", "Yolanda", "Gladys",
    "Maribel", "Milagros", "Sonia", "Lucía", "Patricia", "Rocío", "Karina", "Verónica", "Jessica",
    "Lourdes", "Marleny", "Nelly", "Soledad", "Ruth", "Silvia", "Elizabeth", "Doris", "Giovanna",
    "Roxana", "Katherine", "Fiorella", "Yesenia", "Mercedes", "Teresa", "Hilda", "Norma", "Delia",
    "Beatriz", "Pilar", "Nataly", "Marisol", "Vilma", "Haydée", "Luzmila", "Edith", "Janet",
)  # fmt: skip
MEN = (
    "José", "Juan", "Luis", "Carlos", "Jorge", "Víctor", "César", "Miguel", "Pedro", "Julio",
    "Edwin", "Wilber", "Walter", "Raúl", "Alberto", "Fredy", "Hugo", "Percy", "Elmer", "Roberto",
    "Marco", "Ronald", "Edgar", "Javier", "Henry", "Richard", "Jhon", "Alex", "Wilfredo", "Rubén",
    "Óscar", "Nilton", "Rolando", "Gustavo", "Abel", "Félix", "Fernando", "Manuel", "Jesús",
    "Ángel", "Efraín", "Yuri", "Américo", "Teófilo", "Saúl", "Germán",
)  # fmt: skip
SURNAMES = (
    "Quispe", "Mamani", "Flores", "Huamán", "Rodríguez", "Sánchez", "García", "Rojas", "Chávez",
    "Díaz", "Ramos", "Torres", "Vargas", "Mendoza", "Castillo", "Condori", "Ccori", "Apaza",
    "Gutiérrez", "Cruz", "Espinoza", "Ramírez", "López", "Pérez", "Gonzales", "Fernández",
    "Romero", "Vásquez", "Salazar", "Cárdenas", "Choque", "Ticona", "Huanca", "Cusi", "Yupanqui",
    "Paucar", "Ccahuana", "Villanueva", "Alvarado", "Medina", "Aguilar", "Herrera", "Castro",
    "Morales", "Ruiz", "Silva", "Paredes", "Delgado", "Zevallos", "Tello", "Luna", "Huillca",
    "Layme", "Coaquira", "Pari", "Calla", "Nina", "Puma", "Inga", "Limachi", "Pacheco", "Ñaupari",
)  # fmt: skip

# --- organizations --------------------------------------------------------------------------

NGO_PREFIXES = (
    "Fundación", "Fundación", "Asociación", "Asociación", "ONG", "ONG", "Colectivo", "Red",
    "Centro", "Instituto", "Voluntariado", "Proyecto", "Movimiento", "Iniciativa",
)  # fmt: skip
NGO_CORES = (
    "Ayni", "Minka", "Wiñay", "Sumaq Kawsay", "Pachamama", "Inti", "Kusi Warma", "Nuevo Amanecer",
    "Semillas del Futuro", "Manos Unidas", "Corazón Andino", "Luz del Ande", "Niños del Sol",
    "Educar para Crecer", "Leer es Volar", "Puentes", "Sembrando Esperanza", "Aprender Juntos",
    "Mundo Libre", "Tierra Fértil", "Ayllu", "Kallpa", "Chaski", "Yachay", "Warmi", "Killa",
    "Qhapaq Ñan", "Allin Kawsay", "Hatun Sonqo", "Munay", "Camino Claro", "Futuro Sostenible",
    "Arco Iris", "Alas", "Raíces", "Horizontes", "Crecer Juntos", "Primero la Infancia",
    "Agua Limpia", "Sonrisas", "Abrazo", "Esperanza Viva", "Libros Abiertos", "Ciencia Viva",
    "Deporte y Vida", "Arte en los Andes", "Salud sin Fronteras", "Mujeres Emprendedoras",
    "Niñez Segura", "Ecoescuelas", "Techo Digno", "Escuelas Amigas", "Voces del Sur",
    "Amazonía Viva", "Selva Verde", "Mar de Grau", "Cumbres", "Pukllay", "Tinkuy", "Wawa Wasi",
)  # fmt: skip
COMPANIES = (
    "Telefónica", "Backus", "Interbank", "BBVA", "Alicorp", "Graña y Montero", "Romero",
    "Minera Andina", "Antamina", "Cementos del Sur", "Caja Rural", "Agroexportadora Valle Verde",
    "Pesquera del Pacífico", "Banco Continental", "Cooperativa San Cristóbal", "Petroperú",
    "Textil Andina", "Hidrandina", "Supermercados Unidos", "Transportes Cruz del Sur",
)  # fmt: skip
PROGRAMMES = (
    "Aprendo en Casa", "Lee Conmigo", "Escuelas Saludables", "Juntos por la Niñez",
    "Cuna Más", "Alimentación Escolar", "Escuela Segura", "Maestros que Dejan Huella",
    "Acompañamiento Pedagógico", "Deporte Escolar", "Orquestando", "Tablets para Todos",
    "Mantenimiento de Locales Escolares", "Soporte Emocional", "Vacunación Escolar",
)  # fmt: skip
INSTITUTION_FORMS = (
    "Municipalidad Distrital de {district}", "Municipalidad Provincial de {province}",
    "UGEL {province}", "DRE {region}", "Centro de Salud {district}", "Puesto de Salud {district}",
    "Posta Médica {district}", "DEMUNA {district}", "Biblioteca Municipal de {district}",
    "Comisaría {district}", "Compañía de Bomberos {district}", "Programa {programme}",
    "Programa {programme} {region}", "Red de Salud {province}", "Universidad Nacional de {region}",
)  # fmt: skip
SMALL_WORDS = frozenset({"de", "del", "la", "las", "los", "y", "el"})

# --- activities -----------------------------------------------------------------------------

TITLES: dict[Category, tuple[str, ...]] = {
    Category.SALUD: (
        "Campaña de vacunación contra la influenza", "Despistaje de anemia",
        "Tamizaje de agudeza visual", "Charla de salud bucal", "Campaña de desparasitación",
        "Control de peso y talla", "Taller de lavado de manos", "Fluorización dental",
        "Charla sobre alimentación saludable", "Campaña de vacunación VPH",
        "Taller de salud mental para adolescentes", "Atención odontológica gratuita",
        "Tamizaje de audición", "Prevención del dengue",
    ),
    Category.LECTURA: (
        "Taller de lectura", "Hora del cuento", "Club de lectura", "Biblioteca itinerante",
        "Reforzamiento de matemática", "Taller de comprensión lectora", "Maratón de lectura",
        "Tutoría escolar", "Taller de escritura creativa", "Feria de ciencias",
        "Reforzamiento de comunicación", "Taller de robótica educativa",
        "Lectura en quechua", "Olimpiada de matemática",
    ),
    Category.DOCENTES: (
        "Capacitación docente en lectoescritura", "Taller de evaluación formativa",
        "Capacitación en herramientas digitales", "Círculo de interaprendizaje",
        "Taller de educación intercultural bilingüe", "Capacitación en tutoría y convivencia",
        "Jornada de reflexión pedagógica", "Taller de planificación curricular",
        "Capacitación en educación inclusiva", "Acompañamiento pedagógico en aula",
    ),
    Category.DEPORTE: (
        "Campeonato interescolar de fútbol", "Clínica de vóley", "Juegos florales deportivos",
        "Olimpiadas escolares", "Taller de atletismo", "Festival de juegos tradicionales",
        "Clases de ajedrez", "Caminata por la salud", "Campeonato de básquet",
    ),
    Category.ARTE: (
        "Taller de danza folclórica", "Concurso de dibujo y pintura", "Taller de teatro",
        "Festival de música andina", "Taller de zampoña", "Mural participativo",
        "Taller de títeres", "Concurso de canto", "Taller de cerámica", "Coro escolar",
    ),
    Category.DONACION: (
        "Entrega de útiles escolares", "Donación de libros", "Entrega de chompas y frazadas",
        "Donación de tablets", "Entrega de mochilas", "Donación de zapatillas",
        "Entrega de kits de higiene", "Donación de mobiliario escolar",
        "Entrega de leche y desayunos", "Donación de material deportivo",
    ),
    Category.INFRAESTRUCTURA: (
        "Pintado de aulas", "Reparación de techos", "Instalación de lavaderos",
        "Mantenimiento de servicios higiénicos", "Instalación de paneles solares",
        "Construcción de biohuerto", "Mejora del patio", "Instalación de internet",
        "Cambio de ventanas", "Reparación de carpetas",
    ),
    Category.OTRO: (
        "Escuela de padres", "Simulacro de sismo", "Taller de prevención de la violencia",
        "Feria vocacional", "Charla de orientación vocacional", "Reunión con padres de familia",
        "Taller de educación financiera", "Campaña de reciclaje", "Taller de primeros auxilios",
        "Día del logro", "Charla sobre uso seguro de internet", "Limpieza de la comunidad",
    ),
}  # fmt: skip
ORG_CATEGORY_WEIGHTS = (18, 20, 12, 9, 9, 14, 6, 12)  # in Category order
TEACHER_CATEGORY_WEIGHTS = (6, 30, 10, 16, 18, 4, 2, 14)
AUDIENCES = (
    "para inicial", "para 1.° y 2.° grado", "para 3.° y 4.° grado", "para 5.° y 6.° grado",
    "para secundaria", "para 1.° de secundaria", "para 5.° de secundaria", "para docentes",
    "para padres de familia", "(segunda fecha)", "– turno tarde", "– turno mañana",
)  # fmt: skip
DESCRIPTIONS = (
    "Traer DNI de los estudiantes.", "Coordinado con la dirección de la escuela.",
    "Se necesita un aula con proyector.", "Los padres deben firmar la autorización.",
    "Los estudiantes deben traer su cuaderno de control.",
    "Llevaremos los materiales; pedimos apoyo de dos docentes.",
    "Actividad gratuita.\nCupos limitados por sección.",
    "Nos reunimos en la puerta principal 15 minutos antes.",
    "En caso de lluvia se realiza en el patio techado.",
    "Por favor confirmar el número de estudiantes por aula.",
    "Se entregará constancia a los docentes participantes.",
)  # fmt: skip
CANCEL_REASONS = (
    "Paro de transportistas", "Lluvias intensas en la zona", "La UGEL programó otra actividad",
    "Feriado regional", "Falta de movilidad", "La escuela pidió otra fecha",
    "Huelga docente", "Suspensión de clases por heladas",
)  # fmt: skip
# (hours, weight): short sessions mostly, some half days, a few whole days.
DURATIONS = ((1, 14), (1.5, 8), (2, 22), (3, 16), (4, 12), (5, 8), (6, 6), (8, 6))
START_SLOTS = ((8, 16), (8.5, 6), (9, 16), (10, 12), (11, 8), (14, 10), (15, 8), (16, 4))

GROUP_KINDS = ("Docentes", "Padres de familia", "APAFA", "Profes", "Coordinación")
DISTRICT_GROUPS = ("Red educativa", "Mesa de concertación", "ONG de", "Voluntarios de")
BLOCKED = "Forbidden: bot was blocked by the user"
KICKED = "Forbidden: bot was kicked from the supergroup chat"


def place(text: str | None) -> str:
    """'SAN JUAN DE LURIGANCHO' -> 'San Juan de Lurigancho' (the registry is upper case)."""
    words = (text or "Perú").lower().split()
    return " ".join(w if i and w in SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def username_base(name: str) -> str:
    plain = strip_accents(name.replace("ñ", "n").replace("Ñ", "N")).lower()
    return "_".join(word for word in plain.replace(".", " ").split() if word.isalpha())[:24]


@dataclass(frozen=True)
class Sizes:
    people: int = 50_000
    activities: int = 100_000
    organizations: int | None = None  # default: 3,000 per 50,000 people
    groups: int | None = None  # default: 500 per 50,000 people

    @property
    def organization_count(self) -> int:
        default = max(6, round(self.people * 3_000 / 50_000))
        return default if self.organizations is None else self.organizations

    @property
    def group_count(self) -> int:
        default = max(2, round(self.people * 500 / 50_000))
        return default if self.groups is None else self.groups


class Picker(Generic[T]):
    """Weighted choice with precomputed cumulative weights (one bisect per draw)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(weights))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> T:
        x = rng.random() * self.cumulative[-1]
        return self.items[min(bisect_right(self.cumulative, x), len(self.items) - 1)]


@dataclass
class Person:
    user_id: int
    registered_at: datetime


@dataclass
class World:
    """What later steps need from earlier ones."""

    staff: dict[int, list[Person]] = field(default_factory=lambda: defaultdict(list))
    teachers: dict[int, list[Person]] = field(default_factory=lambda: defaultdict(list))
    org_schools: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Every organization activity at a school, as its organization id (repeats: visits).
    school_orgs: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Lifecycle:
    """How an activity went, and what the bot marked on the way."""

    status: ActivityStatus
    updated_at: datetime
    reminder_sent_at: datetime | None = None
    checkin_sent_at: datetime | None = None
    participants: int | None = None
    cancel_reason: str | None = None


@dataclass(frozen=True)
class OrgSpec:
    id: int
    name: str
    kind: OrgKind
    verified: bool
    home: str | None  # region (department) it works in; None: national


# A few schools get most of the activity (and of the teachers): weight (rank + OFFSET) ** -EXP.
# At 135,000 active schools and 100,000 activities the busiest gets about 200 activities and 60
# teachers, about 200 schools get 50 activities or more, and three quarters of them none.
ZIPF_OFFSET = 80
ZIPF_EXPONENT = 1.05
TEACHER_SHARE = 0.19  # of activities drawn as teacher-announced (some fall back to organizations)
REGULARS = 3.0  # how readily a school gets a new organization (see organization_at)


class PopulationFaker:
    """Invents the population over a list of active schools; call `build()` once."""

    def __init__(
        self, schools: Sequence[PopulationSchool], sizes: Sizes, now: datetime, seed: int
    ) -> None:
        if not schools:
            raise ValueError("the population needs active schools: import a registry first")
        self.rng = random.Random(seed)
        self.now = now.replace(microsecond=0)
        self.sizes = sizes
        self.by_id = {school.id: school for school in schools}
        order = sorted(schools, key=lambda school: school.id)
        self.rng.shuffle(order)
        ranks = [(rank + ZIPF_OFFSET) ** -ZIPF_EXPONENT for rank in range(len(order))]
        self.popular = Picker(order, ranks)
        self.world = World()
        self.usernames: set[str] = set()
        # Set once members exist (activities and follows use them).
        self.org_pickers: dict[str | None, Picker[int]] = {}
        self.org_home: dict[int, str | None] = {}
        self.teacher_schools: Picker[int] = Picker([], [])
        self.durations = Picker([hours for hours, _ in DURATIONS], [w for _, w in DURATIONS])
        self.start_hours = Picker([hour for hour, _ in START_SLOTS], [w for _, w in START_SLOTS])
        self.categories = {
            True: Picker(list(Category), TEACHER_CATEGORY_WEIGHTS),
            False: Picker(list(Category), ORG_CATEGORY_WEIGHTS),
        }

    def build(self) -> BulkData:
        specs = self.organization_specs()
        members = self.members(specs)
        organizations = [self.organization(spec) for spec in specs]
        activities = self.activities(specs)
        chats, follows = self.chats_and_follows(members, specs)
        return BulkData(organizations, members, chats, follows, activities)

    # --- time ---

    def seconds_ago(self, seconds: float) -> datetime:
        return self.now - timedelta(seconds=int(seconds))

    def between(self, start: datetime, end: datetime) -> datetime:
        span = max((end - start).total_seconds(), 0.0)
        return start + timedelta(seconds=int(self.rng.random() * span))

    def joined_at(self) -> datetime:
        """Registration time: over two years, more of it lately (the bot grows)."""
        return self.seconds_ago(self.rng.triangular(1, 730, 1) * 86_400)

    # --- organizations ---

    def organization_specs(self) -> list[OrgSpec]:
        keys: set[str] = set()
        specs = []
        for org_id in range(1, self.sizes.organization_count + 1):
            kind = OrgKind.INSTITUTION if self.rng.random() < 0.2 else OrgKind.NGO
            school = self.popular.pick(self.rng)
            national = kind is OrgKind.NGO and self.rng.random() < 0.2
            name = self.unique_name(keys, kind, school)
            verified = self.rng.random() < (0.35 if kind is OrgKind.INSTITUTION else 0.12)
            specs.append(OrgSpec(org_id, name, kind, verified, None if national else school.region))
        return specs

    def unique_name(self, keys: set[str], kind: OrgKind, school: PopulationSchool) -> str:
        for attempt in range(30):
            name = self.org_name(kind, school if attempt < 10 else self.popular.pick(self.rng))
            if attempt >= 20:
                name = f"{name} {attempt - 18}"
            if fold(name) not in keys:
                keys.add(fold(name))
                return name
        raise RuntimeError("no unique organization name")  # not with these word lists

    def org_name(self, kind: OrgKind, school: PopulationSchool) -> str:
        rng = self.rng
        if kind is OrgKind.INSTITUTION:
            return rng.choice(INSTITUTION_FORMS).format(
                district=place(school.district), province=place(school.province),
                region=place(school.region), programme=rng.choice(PROGRAMMES),
            )  # fmt: skip
        if rng.random() < 0.12:
            name = f"Fundación {rng.choice(COMPANIES)}"
        else:
            name = f"{rng.choice(NGO_PREFIXES)} {rng.choice(NGO_CORES)}"
        if rng.random() < 0.35:
            name += " " + place(school.region if rng.random() < 0.6 else school.district)
        return name

    def organization(self, spec: OrgSpec) -> BulkOrganization:
        staff = self.world.staff.get(spec.id)
        creator = staff[0] if staff else None
        created_at = creator.registered_at if creator else self.seconds_ago(700 * 86_400)
        return BulkOrganization(
            spec.id, spec.name, spec.kind, spec.verified,
            creator.user_id if creator else None, created_at,
        )  # fmt: skip

    # --- people ---

    def members(self, specs: Sequence[OrgSpec]) -> list[BulkMember]:
        people = self.sizes.people
        teachers, ngo = round(people * 0.60), round(people * 0.35)
        roles = [Role.TEACHER] * teachers + [Role.NGO] * ngo
        roles += [Role.INSTITUTION] * (people - teachers - ngo)
        self.rng.shuffle(roles)
        user_ids = self.rng.sample(range(100_000_000, 8_000_000_000), people)
        employers = {Role.NGO: self.employer_queue(specs, OrgKind.NGO),
                     Role.INSTITUTION: self.employer_queue(specs, OrgKind.INSTITUTION)}  # fmt: skip
        members = []
        for user_id, role in zip(user_ids, roles, strict=True):
            org_id, creator = employers[role]() if role in employers else (None, False)
            members.append(self.member(user_id, role, org_id, creator))
        return members

    def employer_queue(self, specs: Sequence[OrgSpec], kind: OrgKind) -> EmployerQueue:
        """Each organization gets one person first (its creator), then by its size."""
        own = [spec.id for spec in specs if spec.kind is kind]
        sizes = [self.rng.lognormvariate(0, 1.0) for _ in own]
        return EmployerQueue(self.rng, own, Picker(own, sizes))

    def member(self, user_id: int, role: Role, org_id: int | None, creator: bool) -> BulkMember:
        rng = self.rng
        registered = self.seconds_ago(rng.uniform(450, 730) * 86_400) if creator else None
        registered = registered or self.joined_at()
        school_id = self.popular.pick(rng).id if role is Role.TEACHER else None
        name = self.person_name(role)
        shares = rng.random() < (0.20 if role is Role.TEACHER else 0.12)
        person = Person(user_id, registered)
        if school_id is not None:
            self.world.teachers[school_id].append(person)
        if org_id is not None:
            self.world.staff[org_id].append(person)
        return BulkMember(
            user_id, "en" if rng.random() < 0.07 else "es", name, role, org_id, school_id,
            self.username(name) if shares else None,
            registered - timedelta(seconds=rng.randint(30, 900)), registered,
        )  # fmt: skip

    def person_name(self, role: Role) -> str:
        rng = self.rng
        first = rng.choice(WOMEN if rng.random() < 0.62 else MEN)
        surname, second = rng.choice(SURNAMES), rng.choice(SURNAMES)
        roll = rng.random()
        if roll < 0.40:
            name = f"{first} {surname} {second}"
        elif roll < 0.80:
            name = f"{first} {surname}"
        elif roll < 0.88:
            name = f"{first} {rng.choice(WOMEN + MEN)} {surname}"
        else:
            name = f"{first} {surname}".lower()
        if role is Role.TEACHER and rng.random() < 0.08:
            name = ("Prof. " if rng.random() < 0.5 else "Profe ") + name
        return name

    def username(self, name: str) -> str:
        base = username_base(name.removeprefix("Prof. ").removeprefix("Profe "))
        candidate = base if len(base) >= 5 else f"{base}_pe"
        while candidate in self.usernames:
            candidate = f"{base}{self.rng.randint(1, 9999)}"
        self.usernames.add(candidate)
        return candidate

    # --- activities ---

    def activities(self, specs: Sequence[OrgSpec]) -> list[BulkActivity]:
        self.org_pickers = self.organization_pickers(specs)
        teachers = self.world.teachers
        self.teacher_schools = Picker(list(teachers), [len(v) for v in teachers.values()])
        days = self.day_picker()
        return [self.activity(days) for _ in range(self.sizes.activities)]

    def organization_pickers(self, specs: Sequence[OrgSpec]) -> dict[str | None, Picker[int]]:
        """Organizations with staff (someone must have announced), by home region; key None:
        national ones, "*": all. Bigger organizations announce more."""
        groups: dict[str | None, list[OrgSpec]] = defaultdict(list)
        for spec in specs:
            if self.world.staff.get(spec.id):
                groups[spec.home].append(spec)
                groups["*"].append(spec)
        return {
            home: Picker([s.id for s in group], [len(self.world.staff[s.id]) for s in group])
            for home, group in groups.items()
        }

    def day_picker(self) -> Picker[date]:
        """Days from a year before `now` to three months after: school days mostly (the
        school year runs March to mid-December), fewer far ahead (not announced yet)."""
        today = self.now.astimezone(LIMA).date()
        first = today - timedelta(days=PAST.days)
        days = [first + timedelta(days=n) for n in range(PAST.days + FUTURE.days + 1)]
        return Picker(days, [self.day_weight(day, today) for day in days])

    @staticmethod
    def day_weight(day: date, today: date) -> float:
        weight = {6: 0.05, 5: 0.35}.get(day.weekday(), 1.0)
        if day.month in (1, 2) or (day.month == 12 and day.day > 20):
            weight *= 0.25  # summer holidays
        elif (day.month, day.day) >= (7, 22) and (day.month, day.day) <= (8, 5):
            weight *= 0.4  # winter holidays
        ahead = (day - today).days
        return weight * (1 - 0.6 * ahead / FUTURE.days if ahead > 0 else 1)

    def activity(self, days: Picker[date]) -> BulkActivity:
        starts, ends = self.when(days)
        created = self.created_before(starts)
        school_id, org_id, author_id = self.who(created)
        category, title, description = self.what(teacher=org_id is None)
        life = self.lifecycle(starts, ends, created)
        return BulkActivity(
            school_id, org_id, author_id, title, description, category, starts, ends,
            life.status, life.participants, life.cancel_reason, life.reminder_sent_at,
            life.checkin_sent_at, created, life.updated_at,
        )  # fmt: skip

    def when(self, days: Picker[date]) -> tuple[datetime, datetime]:
        day = days.pick(self.rng)
        hour = self.start_hours.pick(self.rng)
        local = datetime(day.year, day.month, day.day, tzinfo=LIMA) + timedelta(hours=hour)
        starts = local.astimezone(UTC)
        return starts, starts + timedelta(hours=self.durations.pick(self.rng))

    def created_before(self, starts: datetime) -> datetime:
        """Announced an hour to two months ahead (about a week, typically); never after now."""
        lead_days = min(self.rng.expovariate(1 / 8), 60)
        created = starts - timedelta(hours=1, seconds=int(lead_days * 86_400))
        if created > self.now:
            created = self.seconds_ago(self.rng.uniform(60, 14 * 86_400))
        return created

    def who(self, created: datetime) -> tuple[int, int | None, int | None]:
        """(school, organization, author): a teacher of the school, or someone of an
        organization that works there (most schools have a few regular ones)."""
        if self.teacher_schools and self.rng.random() < TEACHER_SHARE:
            school_id = self.teacher_schools.pick(self.rng)
            author = _registered_by(self.rng, self.world.teachers[school_id], created)
            if author is not None:
                return school_id, None, author.user_id
        school = self.popular.pick(self.rng)
        org_id = self.organization_at(school)
        self.world.org_schools[org_id].append(school.id)
        author = _registered_by(self.rng, self.world.staff[org_id], created)
        author = author or self.world.staff[org_id][0]  # the creator, registered long ago
        forgotten = self.rng.random() < 0.01  # used /olvidarme since
        return school.id, org_id, None if forgotten else author.user_id

    def organization_at(self, school: PopulationSchool) -> int:
        """A Chinese restaurant process: an organization that already came comes again in
        proportion to its visits; a new one comes with chance REGULARS / (REGULARS + visits).
        A school with 200 activities ends up with about a dozen organizations."""
        visits = self.world.school_orgs[school.id]
        if visits and self.rng.random() >= REGULARS / (REGULARS + len(visits)):
            org_id = self.rng.choice(visits)
        else:
            org_id = self.some_organization(school.region)
        visits.append(org_id)
        return org_id

    def some_organization(self, region: str | None) -> int:
        """One from the region mostly, else a national one (or any)."""
        pickers = self.org_pickers
        local = pickers.get(region)
        if local is not None and self.rng.random() < 0.75:
            return local.pick(self.rng)
        return (pickers.get(None) or pickers["*"]).pick(self.rng)

    def what(self, *, teacher: bool) -> tuple[Category, str, str | None]:
        rng = self.rng
        category = self.categories[teacher].pick(rng)
        title = rng.choice(TITLES[category])
        if rng.random() < 0.25:
            title = f"{title} {rng.choice(AUDIENCES)}"
        description = None
        if rng.random() < 0.35:
            description = "\n".join(rng.sample(DESCRIPTIONS, rng.randint(1, 2)))
        return category, title, description

    # --- what happened ---

    def lifecycle(self, starts: datetime, ends: datetime, created: datetime) -> Lifecycle:
        """Cancelled before it started, or reminded (REMINDER_LEAD ahead) and, once over,
        asked "¿Se realizó?" and answered (or not yet)."""
        cancel_share = 0.08 if ends <= self.now else 0.04
        if self.rng.random() < cancel_share:
            return self.cancelled(starts, created)
        reminder = self.tick_after(max(starts - REMINDER_LEAD, created), before=starts)
        checkin = self.tick_after(ends, before=self.now + timedelta(seconds=1))
        if checkin is None:  # upcoming, under way, or ended this very minute
            return Lifecycle(ActivityStatus.SCHEDULED, created, reminder)
        return self.answered(reminder, checkin)

    def tick_after(self, due: datetime, *, before: datetime) -> datetime | None:
        """When the periodic job sent what was due at `due`; None if not yet."""
        sent = due + timedelta(seconds=self.rng.randint(1, JOB_TICK_S))
        return sent if sent < before and sent <= self.now else None

    def cancelled(self, starts: datetime, created: datetime) -> Lifecycle:
        at = self.between(created, min(starts, self.now))
        reminder = self.tick_after(max(starts - REMINDER_LEAD, created), before=at)
        reason = self.rng.choice(CANCEL_REASONS) if self.rng.random() < 0.6 else None
        return Lifecycle(ActivityStatus.CANCELLED, at, reminder, cancel_reason=reason)

    def answered(self, reminder: datetime | None, checkin: datetime) -> Lifecycle:
        rng = self.rng
        answered = checkin + timedelta(seconds=int(rng.expovariate(1 / 7_200)))
        roll = rng.random()
        if roll < 0.07 or answered > self.now:  # never answered (or not yet)
            return Lifecycle(ActivityStatus.SCHEDULED, checkin, reminder, checkin)
        if roll < 0.15:
            status = ActivityStatus.NOT_HELD if roll < 0.13 else ActivityStatus.RESCHEDULED
            return Lifecycle(status, answered, reminder, checkin)
        participants = int(rng.lognormvariate(3.6, 0.8)) if rng.random() < 0.8 else None
        return Lifecycle(ActivityStatus.DONE, answered, reminder, checkin, participants)

    # --- chats and follows ---

    def chats_and_follows(
        self, members: Sequence[BulkMember], specs: Sequence[OrgSpec]
    ) -> tuple[list[BulkChat], list[BulkFollow]]:
        self.org_home = {spec.id: spec.home for spec in specs}
        chats: list[BulkChat] = []
        follows: list[BulkFollow] = []
        for member in members:
            chats.append(self.private_chat(member))
            follows.extend(self.member_follows(member))
        taken: set[int] = set()
        for _ in range(self.sizes.group_count):
            chat, group_follows = self.group(taken)
            chats.append(chat)
            follows.extend(group_follows)
        return chats, follows

    def private_chat(self, member: BulkMember) -> BulkChat:
        """The chat id is the user id, as in Telegram; a few blocked the bot since."""
        if self.rng.random() < 0.02:
            since = self.between(member.registered_at, self.now)
            return BulkChat(member.user_id, ChatType.PRIVATE, None, None,
                            member.registered_at, since, BLOCKED)  # fmt: skip
        return BulkChat(member.user_id, ChatType.PRIVATE, None, None, member.registered_at)

    def member_follows(self, member: BulkMember) -> list[BulkFollow]:
        if member.role is Role.TEACHER:
            own = [] if self.rng.random() < 0.6 else [str(member.school_id)]
            return self.follows(member.user_id, member.registered_at, own, [], [])
        org_id = member.organization_id
        schools = self.followed_schools(org_id)
        districts = self.followed_districts(schools)
        organizations = []
        if org_id is not None and self.rng.random() < 0.15:
            home = self.org_home.get(org_id)
            other = org_id if self.rng.random() < 0.5 else self.some_organization(home)
            organizations.append(str(other))
        return self.follows(member.user_id, member.registered_at, schools, districts,
                            organizations)  # fmt: skip

    def followed_schools(self, org_id: int | None) -> list[str]:
        """1-10 schools, mostly where the organization works."""
        wanted = self.rng.choices(range(1, 11), (20, 18, 15, 12, 10, 8, 6, 5, 3, 3))[0]
        worked = self.world.org_schools.get(org_id or 0)
        chosen: dict[str, None] = {}  # ordered set
        for _ in range(wanted * 2):
            if worked and self.rng.random() < 0.7:
                chosen[str(self.rng.choice(worked))] = None
            else:
                chosen[str(self.popular.pick(self.rng).id)] = None
            if len(chosen) == wanted:
                break
        return list(chosen)

    def followed_districts(self, schools: Sequence[str]) -> list[str]:
        if not schools or self.rng.random() >= 0.25:
            return []
        picks = self.rng.sample(list(schools), min(len(schools), self.rng.choice((1, 1, 2))))
        return [u for u in dict.fromkeys(_ubigeo(self.by_id[int(s)]) for s in picks) if u]

    def follows(
        self, chat_id: int, since: datetime, schools: Sequence[str],
        districts: Sequence[str], organizations: Sequence[str],
    ) -> list[BulkFollow]:  # fmt: skip
        """One chat's follows, all in the chat's one mode (set_mode applies to all)."""
        mode = FollowMode.DAILY if self.rng.random() < 0.15 else FollowMode.INSTANT
        until = min(since + timedelta(days=60), self.now)
        kinds = ((FollowKind.SCHOOL, schools), (FollowKind.DISTRICT, districts),
                 (FollowKind.ORGANIZATION, organizations))  # fmt: skip
        return [
            BulkFollow(chat_id, kind, target, mode, self.between(since, until))
            for kind, targets in kinds
            for target in targets
        ]

    def group(self, taken: set[int]) -> tuple[BulkChat, list[BulkFollow]]:
        """A school's group (linked with /vincular) or a district network's."""
        rng = self.rng
        chat_id, chat_type = self.group_id(taken)
        school = self.popular.pick(rng)
        created = self.seconds_ago(rng.triangular(1, 540, 1) * 86_400)
        ubigeo = _ubigeo(school)
        if rng.random() < 0.6 or not ubigeo:
            title = f"{rng.choice(GROUP_KINDS)} {school.name}"[:128]
            districts = [ubigeo] if ubigeo and rng.random() < 0.3 else []
            follows = self.follows(chat_id, created, [str(school.id)], districts, [])
        else:
            title = f"{rng.choice(DISTRICT_GROUPS)} {place(school.district)}"
            other = _ubigeo(self.popular.pick(rng))
            districts = list(dict.fromkeys([ubigeo, other] if other and rng.random() < 0.3
                                           else [ubigeo]))  # fmt: skip
            follows = self.follows(chat_id, created, [], districts, [])
        language = "en" if rng.random() < 0.05 else "es"
        blocked = self.between(created, self.now) if rng.random() < 0.03 else None
        chat = BulkChat(chat_id, chat_type, title, language, created, blocked,
                        KICKED if blocked else None)  # fmt: skip
        return chat, follows

    def group_id(self, taken: set[int]) -> tuple[int, ChatType]:
        """Supergroups are -100 and ten digits; basic groups other negative ids."""
        while True:
            if self.rng.random() < 0.7:
                chat_id = -(1_000_000_000_000 + self.rng.randrange(1_000_000_000, 9_999_999_999))
                chat_type = ChatType.SUPERGROUP
            else:
                chat_id, chat_type = -self.rng.randrange(200_000_000, 999_999_999), ChatType.GROUP
            if chat_id not in taken:
                taken.add(chat_id)
                return chat_id, chat_type


class EmployerQueue:
    """Hands out organizations to staff: each one once first (its creator), then weighted."""

    def __init__(self, rng: random.Random, first: Sequence[int], picker: Picker[int]) -> None:
        self.rng = rng
        self.pending = list(reversed(first))
        self.picker = picker

    def __call__(self) -> tuple[int | None, bool]:
        if self.pending:
            return self.pending.pop(), True
        return (self.picker.pick(self.rng) if self.picker else None), False


def _registered_by(rng: random.Random, people: Sequence[Person], moment: datetime) -> Person | None:
    """Someone of `people` already registered at `moment` (a few random tries)."""
    for _ in range(4):
        person = rng.choice(people) if people else None
        if person is not None and person.registered_at <= moment:
            return person
    return None


def _ubigeo(school: PopulationSchool) -> str:
    ubigeo = school.ubigeo or ""
    return ubigeo if len(ubigeo) == 6 and ubigeo.isdigit() else ""


def generate_population(
    schools: Sequence[PopulationSchool],
    *,
    sizes: Sizes = Sizes(),
    now: datetime = NOW,
    seed: int = SEED,
) -> BulkData:
    """The whole population, in memory; pure (same arguments, same result)."""
    return PopulationFaker(schools, sizes, now, seed).build()


# --- building databases ---------------------------------------------------------------------


@dataclass
class BuildReport:
    """Seconds per step and rows per table."""

    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    size_bytes: int = 0

    def summary(self) -> str:
        steps = ", ".join(f"{step} {secs:.2f} s" for step, secs in self.seconds.items())
        rows = ", ".join(f"{table} {count:,}" for table, count in self.counts.items())
        return f"{steps}\nrows: {rows}\nfile: {self.size_bytes / 1e6:.0f} MB"


class Stopwatch:
    def __init__(self, report: BuildReport, verbose: bool) -> None:
        self.report, self.verbose = report, verbose
        self.started = time.perf_counter()

    def lap(self, step: str, detail: str = "") -> None:
        now = time.perf_counter()
        self.report.seconds[step] = now - self.started
        self.started = now
        if self.verbose:
            print(f"{step}: {self.report.seconds[step]:.2f} s {detail}".rstrip(), flush=True)


async def build_population(
    storage: Storage,
    *,
    sizes: Sizes = Sizes(),
    now: datetime = NOW,
    seed: int = SEED,
    verbose: bool = False,
) -> BuildReport:
    """Generate the population over the active schools of an open storage and bulk-load it."""
    report = BuildReport()
    watch = Stopwatch(report, verbose)
    schools = await active_schools(storage.db)
    data = generate_population(schools, sizes=sizes, now=now, seed=seed)
    watch.lap("generate population", f"({len(schools):,} active schools)")
    loaded = await load(storage.db, data)
    watch.lap("load population", "(" + ", ".join(f"{k} {v:,}" for k, v in loaded.items()) + ")")
    report.counts = await table_counts(storage.db)
    return report


async def build_full_scale_database(
    path: Path,
    *,
    rows: int = 180_000,
    sizes: Sizes = Sizes(),
    now: datetime = NOW,
    seed: int = SEED,
    registry_seed: int = REGISTRY_SEED,
    verbose: bool = True,
) -> BuildReport:
    """A new database at `path` (which must not exist): the synthetic registry of `rows`
    services imported as an operator would, then the population bulk-loaded."""
    if await asyncio.to_thread(path.exists):
        raise FileExistsError(path)
    report = BuildReport()
    watch = Stopwatch(report, verbose)
    with tempfile.TemporaryDirectory(prefix="minka-population-") as folder:
        registry = Path(folder) / "Padron_web.zip"
        write_dbf_zip(generate_rows(rows, seed=registry_seed), registry, encoding="cp850")
        watch.lap("generate registry", f"({rows:,} rows)")
        storage = Storage(path)
        await storage.open()
        try:
            imported = await import_registry(storage, registry, write_report=False)
            watch.lap("import registry", f"({imported.summary()})")
            population = await build_population(
                storage, sizes=sizes, now=now, seed=seed, verbose=verbose
            )
        finally:
            await storage.close()
    report.seconds.update(population.seconds)
    report.counts = population.counts
    report.size_bytes = (await asyncio.to_thread(path.stat)).st_size
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the new SQLite file")
    parser.add_argument("--rows", type=int, default=180_000, help="registry rows (services)")
    parser.add_argument("--people", type=int, default=Sizes.people)
    parser.add_argument("--activities", type=int, default=Sizes.activities)
    parser.add_argument("--organizations", type=int, help="default: 3,000 per 50,000 people")
    parser.add_argument("--groups", type=int, help="group chats; default: 500 per 50,000 people")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--now", type=datetime.fromisoformat, default=NOW, help="reference time, ISO 8601"
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    if args.now.tzinfo is None:
        parser.error("--now needs a UTC offset, e.g. 2026-11-24T15:00:00+00:00")
    if args.force:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    sizes = Sizes(args.people, args.activities, args.organizations, args.groups)
    started = time.perf_counter()
    report = asyncio.run(build_full_scale_database(
        args.out, rows=args.rows, sizes=sizes, now=args.now, seed=args.seed
    ))  # fmt: skip
    print(report.summary())
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
