"""Deterministic synthetic copies of MINEDU's school registry (ESCALE padrón) for tests and benches.

Every school here is invented. Every COD_MOD starts with 9 (real ones do not reach 9000000 in the
shapes used here), so a synthetic row can never be mistaken for, or collide with, a real service.
Names, places and shapes imitate the real registry: official column names, several services
(inicial/primaria/secundaria) sharing one CODLOCAL, about a quarter inactive, names with and
without "I.E."/"N°", upper case without accents or mixed case with accents, and the personal-data
columns (DIRECTOR, TELEFONO, EMAIL) filled with obviously fake values so tests can prove they are
never stored.

    python -m bench.generate_registry --sample --rows 420 --format csv \
        --out bot/data/sample_schools.csv
    python -m bench.generate_registry --rows 180000 --format dbf-zip --encoding cp850 \
        --out /tmp/padron.zip
"""

from __future__ import annotations

import argparse
import csv
import random
import struct
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from storage.normalize import strip_accents

SEED = 2045
Row = dict[str, str]

OFFICIAL_COLUMNS = (
    "COD_MOD", "ANEXO", "CODLOCAL", "CEN_EDU", "NIV_MOD", "D_NIV_MOD", "GESTION", "D_GESTION",
    "GES_DEP", "D_GES_DEP", "DIR_CEN", "CODGEO", "D_DPTO", "D_PROV", "D_DIST", "CODOOII",
    "D_DREUGEL", "NLAT_IE", "NLONG_IE", "TALUMNO", "TDOCENTE", "DIRECTOR", "TELEFONO", "EMAIL",
    "ESTADO", "D_ESTADO",
)  # fmt: skip
# DBF field widths; "N" fields are numeric (right-aligned text), everything else character.
DBF_FIELDS = {
    "COD_MOD": ("C", 7, 0), "ANEXO": ("C", 1, 0), "CODLOCAL": ("C", 6, 0),
    "CEN_EDU": ("C", 100, 0), "NIV_MOD": ("C", 2, 0), "D_NIV_MOD": ("C", 60, 0),
    "GESTION": ("C", 1, 0), "D_GESTION": ("C", 40, 0), "GES_DEP": ("C", 2, 0),
    "D_GES_DEP": ("C", 40, 0), "DIR_CEN": ("C", 120, 0), "CODGEO": ("C", 6, 0),
    "D_DPTO": ("C", 40, 0), "D_PROV": ("C", 60, 0), "D_DIST": ("C", 60, 0),
    "CODOOII": ("C", 6, 0), "D_DREUGEL": ("C", 80, 0), "NLAT_IE": ("N", 12, 6),
    "NLONG_IE": ("N", 12, 6), "TALUMNO": ("N", 6, 0), "TDOCENTE": ("N", 5, 0),
    "DIRECTOR": ("C", 80, 0), "TELEFONO": ("C", 20, 0), "EMAIL": ("C", 60, 0),
    "ESTADO": ("C", 1, 0), "D_ESTADO": ("C", 10, 0),
}  # fmt: skip

LEVELS = {
    "A2": "Inicial - Jardín", "A5": "Inicial - Programa no escolarizado", "B0": "Primaria",
    "F0": "Secundaria", "D2": "Básica Alternativa-Avanzado", "L0": "Técnico Productiva",
}  # fmt: skip
MANAGEMENT = {"1": "Pública de gestión directa", "2": "Pública de gestión privada", "3": "Privada"}


@dataclass(frozen=True)
class District:
    ubigeo: str
    region: str
    province: str
    name: str
    ugel: str
    latitude: float
    longitude: float
    weight: float = 1.0

    @property
    def ugel_code(self) -> str:
        return self.ubigeo[:4] + "00"


# Real districts of the three sample regions (approximate centres; UGEL names as in ESCALE).
SAMPLE_DISTRICTS = (
    District("150101", "Lima", "Lima", "Lima", "UGEL 03 Breña", -12.046, -77.043, 2.0),
    District("150103", "Lima", "Lima", "Ate", "UGEL 06 Ate", -12.026, -76.921, 3.0),
    District("150110", "Lima", "Lima", "Comas", "UGEL 04 Comas", -11.933, -77.047, 3.0),
    District("150132", "Lima", "Lima", "San Juan de Lurigancho",
             "UGEL 05 San Juan de Lurigancho", -11.977, -76.999, 4.0),
    District("150135", "Lima", "Lima", "San Martín de Porres", "UGEL 02 Rímac",
             -12.003, -77.083, 3.0),
    District("210101", "Puno", "Puno", "Puno", "UGEL Puno", -15.840, -70.022, 2.0),
    District("211101", "Puno", "San Román", "Juliaca", "UGEL San Román", -15.499, -70.133, 2.5),
    District("210801", "Puno", "Melgar", "Ayaviri", "UGEL Melgar", -14.882, -70.589, 1.0),
    District("210808", "Puno", "Melgar", "Santa Rosa", "UGEL Melgar", -14.612, -70.788, 0.7),
    District("210501", "Puno", "El Collao", "Ilave", "UGEL El Collao", -16.087, -69.638, 1.0),
    District("080101", "Cusco", "Cusco", "Cusco", "UGEL Cusco", -13.517, -71.979, 2.0),
    District("080108", "Cusco", "Cusco", "Wanchaq", "UGEL Cusco", -13.527, -71.961, 1.0),
    District("080105", "Cusco", "Cusco", "San Sebastián", "UGEL Cusco", -13.531, -71.938, 1.2),
    District("080106", "Cusco", "Cusco", "Santiago", "UGEL Cusco", -13.530, -71.990, 1.2),
    District("081301", "Cusco", "Urubamba", "Urubamba", "UGEL Urubamba", -13.305, -72.116, 0.8),
)  # fmt: skip
_BY_NAME = {district.name: district for district in SAMPLE_DISTRICTS}

# Departments (INEI code, name, approximate centre) for Peru-scale synthetic data.
DEPARTMENTS = (
    ("01", "Amazonas", -6.23, -77.87), ("02", "Áncash", -9.53, -77.53),
    ("03", "Apurímac", -13.64, -72.88), ("04", "Arequipa", -16.40, -71.54),
    ("05", "Ayacucho", -13.16, -74.22), ("06", "Cajamarca", -7.16, -78.51),
    ("07", "Callao", -12.05, -77.12), ("08", "Cusco", -13.53, -71.97),
    ("09", "Huancavelica", -12.79, -74.97), ("10", "Huánuco", -9.93, -76.24),
    ("11", "Ica", -14.07, -75.73), ("12", "Junín", -12.07, -75.21),
    ("13", "La Libertad", -8.11, -79.03), ("14", "Lambayeque", -6.77, -79.84),
    ("15", "Lima", -12.05, -77.04), ("16", "Loreto", -3.75, -73.25),
    ("17", "Madre de Dios", -12.59, -69.19), ("18", "Moquegua", -17.19, -70.93),
    ("19", "Pasco", -10.68, -76.26), ("20", "Piura", -5.19, -80.63),
    ("21", "Puno", -15.84, -70.02), ("22", "San Martín", -6.03, -76.97),
    ("23", "Tacna", -18.01, -70.25), ("24", "Tumbes", -3.57, -80.45),
    ("25", "Ucayali", -8.38, -74.55),
)  # fmt: skip

PATRONS = (
    "José Carlos Mariátegui", "César Vallejo", "Miguel Grau", "Francisco Bolognesi",
    "Túpac Amaru", "Micaela Bastidas", "José Olaya", "Ricardo Palma", "Inca Garcilaso de la Vega",
    "José María Arguedas", "Santa Rosa", "San Martín de Porres", "Daniel Alcides Carrión",
    "Jorge Basadre", "María Parado de Bellido", "Andrés Avelino Cáceres", "Alfonso Ugarte",
    "Ramón Castilla", "Simón Bolívar", "José de San Martín", "Virgen de Fátima",
    "Virgen de Guadalupe", "Sagrado Corazón de Jesús", "Niño Jesús", "Cristo Rey", "Santa Ana",
    "San Pedro", "San Juan Bautista", "Manuel Scorza", "Abraham Valdelomar",
    "Clorinda Matto de Turner", "Chabuca Granda", "Víctor Raúl Haya de la Torre",
    "Antonio Raimondi", "Julio C. Tello", "Pedro Ruiz Gallo", "Hipólito Unanue",
    "Toribio Rodríguez de Mendoza", "Mateo Pumacahua", "Juan Santos Atahualpa", "Manco Cápac",
    "Pachacútec", "Guamán Poma de Ayala", "Ciro Alegría", "Javier Heraud", "Juan Pablo II",
    "Madre Teresa de Calcuta", "Santa María", "San José", "Señor de los Milagros",
    "Inmaculada Concepción", "Divino Maestro", "Nuestra Señora de Copacabana", "Rosa de América",
    "Mariscal Cáceres", "Libertador San Martín", "Horacio Zeballos Gámez", "Gran Amauta",
    "Los Andes", "Villa María", "Las Palmeras", "El Buen Pastor", "San Francisco de Asís",
    "Santa Teresita del Niño Jesús", "Nuestra Señora del Carmen", "Independencia Nacional",
    "Emilio Romero Padilla", "Carlos Oquendo de Amat", "Gamaliel Churata", "Tupac Katari",
)  # fmt: skip
INITIAL_NAMES = (
    "Mis Pequeños Angelitos", "Mi Pequeño Mundo", "Los Pitufos", "Niño Jesús", "Divino Niño",
    "Mis Primeros Pasos", "Semillitas", "Gotitas de Amor", "Los Angelitos", "Caritas Felices",
    "Rayitos de Sol", "Estrellitas", "Mundo Mágico", "Pasitos de Luz",
)  # fmt: skip
STREETS = ("Av.", "Jr.", "Calle", "Pasaje", "Carretera", "Mz.")
SYLLABLES = (
    "huan", "ca", "pam", "pa", "chi", "llac", "ta", "ma", "yo", "qui", "ru", "sa", "co", "cha",
    "tam", "bo", "hua", "ri", "lla", "pu", "quis", "to", "ya", "cu", "mar", "an", "ti", "pi",
)  # fmt: skip

# Hand-made schools the search tests look for, with look-alikes the random part adds around them.
# (name, district, level codes, management code, active)
ANCHORS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("I.E. N° 2045 José Carlos Mariátegui", "San Martín de Porres", "B0 F0", "1", True),
    ("IEP San Martín de Porres", "Ate", "A2 B0 F0", "3", True),
    ("IEI N° 123 Niño Jesús", "Comas", "A2", "1", True),
    ("Colegio Nacional Mixto Santa Rosa", "Santa Rosa", "F0", "1", True),
    ("I.E. Santa Rosa", "Puno", "B0 F0", "1", True),
    ("Gran Unidad Escolar San Carlos", "Puno", "F0", "1", True),
    ("I.E. N° 1182 El Bosque", "San Juan de Lurigancho", "B0 F0", "1", True),
    ("IE N° 0086 José María Arguedas", "San Juan de Lurigancho", "B0", "1", True),
    ("I.E. N° 0096 Mariscal Andrés Avelino Cáceres", "Ate", "B0 F0", "1", True),
    ("Glorioso Colegio Nacional de Ciencias", "Cusco", "F0", "1", True),
    ("I.E. Inca Garcilaso de la Vega", "Cusco", "F0", "1", True),
    ("IE N° 50001 Clorinda Matto de Turner", "Wanchaq", "B0 F0", "1", True),
    ("IEI N° 288 Señor de Huanca", "San Sebastián", "A2", "1", True),
    ("IE N° 70025 Independencia Nacional", "Puno", "B0 F0", "1", True),
    ("I.E.S. José Antonio Encinas", "Juliaca", "F0", "1", True),
    ("IEP Virgen de Fátima", "Juliaca", "A2 B0", "3", True),
    ("Colegio Nacional Politécnico Los Andes", "Juliaca", "F0", "1", True),
    ("IEI N° 092 Mi Pequeño Mundo", "San Martín de Porres", "A2", "1", True),
    ("CEBA César Vallejo", "Comas", "D2", "1", True),
    ("IEP Santa María Goretti", "Santiago", "A2 B0 F0", "3", True),
    ("I.E. Túpac Amaru", "San Sebastián", "F0", "1", True),
    ("IE N° 56002 Micaela Bastidas", "Santiago", "B0", "1", True),
    ("PRONOEI Los Angelitos", "Juliaca", "A5", "1", True),
    ("I.E. Daniel Alcides Carrión", "Comas", "B0 F0", "1", True),
    ("I.E. Fe y Alegría N° 11", "Comas", "B0 F0", "2", True),
    ("IEP Nuestra Señora del Carmen", "Wanchaq", "A2 B0", "3", True),
    ("I.E. N° 0147 Los Jazmines", "San Juan de Lurigancho", "B0", "1", True),
    ("I.E. San Juan Bautista", "Juliaca", "B0 F0", "1", True),
    ("CETPRO Ñañañique", "Ilave", "L0", "1", True),
    ("I.E. N° 72001 Glorioso San Carlos de Ilave", "Ilave", "B0", "1", True),
    ("IE Emblemática Mariscal Ramón Castilla", "Ayaviri", "F0", "1", True),
    ("I.E. N° 50538 Urubamba", "Urubamba", "B0", "1", True),
    ("Colegio Nacional Mixto Micaela Bastidas", "Ate", "F0", "1", True),
    ("IE N° 2046 Sagrado Corazón de Jesús", "Comas", "B0", "1", True),
    ("I.E. N° 20450 Virgen de Guadalupe", "Ate", "B0", "1", True),
    ("IEI N° 321 Semillitas", "Puno", "A2", "1", False),
)  # fmt: skip
# Look-alikes: same names elsewhere, so a search has to use the place words to pick the right one.
LOOKALIKES = (
    ("I.E. José Carlos Mariátegui", "Juliaca", "F0"), ("IE N° 3045 José Carlos Mariátegui",
    "Comas", "B0"), ("I.E. José Carlos Mariátegui", "Cusco", "B0 F0"),
    ("IEP Santa Rosa", "Comas", "A2 B0"), ("I.E. Santa Rosa", "Santiago", "B0"),
    ("IE N° 70035 Santa Rosa", "Juliaca", "B0"), ("I.E. San Martín de Porres", "Juliaca", "B0"),
    ("IEP San Martín de Porres", "San Martín de Porres", "A2 B0"),
    ("IEI N° 124 Niño Jesús", "Ate", "A2"), ("IEI Niño Jesús", "Juliaca", "A2"),
    ("I.E. Túpac Amaru", "Juliaca", "B0"), ("I.E. César Vallejo", "Comas", "B0 F0"),
    ("IE N° 1183 El Bosque", "Ate", "B0"), ("IEP Virgen de Fátima", "Comas", "A2"),
    ("I.E. Micaela Bastidas", "Puno", "F0"),
)  # fmt: skip


# --- geography ------------------------------------------------------------------------------


def invented_place(rng: random.Random) -> str:
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    roll = rng.random()
    if roll < 0.12:
        return f"San {rng.choice(('Pedro', 'Juan', 'José', 'Miguel', 'Pablo'))} de {name}"
    if roll < 0.18:
        return f"Santa {rng.choice(('Rosa', 'Ana', 'María', 'Lucía'))} de {name}"
    return name


def peru_districts(rng: random.Random) -> list[District]:
    """The sample districts plus about 1,800 invented ones across the 25 departments."""
    districts = list(SAMPLE_DISTRICTS)
    for code, region, lat, lon in DEPARTMENTS:
        for province_number in range(1, rng.randint(6, 11)):
            province = invented_place(rng)
            for district_number in range(1, rng.randint(5, 14)):
                ubigeo = f"{code}{province_number + 20:02d}{district_number:02d}"
                name = province if district_number == 1 else invented_place(rng)
                weight = rng.lognormvariate(0, 0.8) * (3 if code in ("07", "15") else 1)
                # Kept inside Peru's box, like real places (the importer rejects points outside).
                point_lat = min(max(lat + rng.uniform(-1.2, 1.2), -18.2), -0.2)
                point_lon = min(max(lon + rng.uniform(-1.2, 1.2), -81.2), -68.8)
                districts.append(District(
                    ubigeo, region, province, name, f"UGEL {province}", point_lat, point_lon, weight
                ))  # fmt: skip
    return districts


# --- names ----------------------------------------------------------------------------------


def number_form(rng: random.Random, number: int) -> str:
    digits = f"{number:04d}" if number < 1000 and rng.random() < 0.3 else str(number)
    return rng.choice(("N° ", "Nº ", "Nro. ", "N°", "", "")) + digits


def public_prefix(rng: random.Random) -> str:
    return rng.choice(("I.E. ", "IE ", "I.E.", "Institución Educativa ", "", "", "Escuela "))


def building_name(rng: random.Random) -> tuple[str, str, str]:
    """(name, level codes, management code) for one invented school building."""
    roll = rng.random()
    patron = rng.choice(PATRONS)
    if roll < 0.55:
        number = rng.choice((rng.randint(1, 3999), rng.randint(20000, 89999)))
        tail = f" {patron}" if rng.random() < 0.6 else ""
        levels = "B0" + (" F0" if rng.random() < 0.4 else "")
        levels += " A2" if rng.random() < 0.3 else ""
        return public_prefix(rng) + number_form(rng, number) + tail, levels, "1"
    if roll < 0.68:
        prefix = rng.choice(("Colegio Nacional ", "Colegio Nacional Mixto ", "I.E. ", "IE "))
        return prefix + patron, rng.choice(("F0", "B0 F0")), "1"
    if roll < 0.88:
        prefix = rng.choice(("IEP ", "I.E.P. ", "Colegio Particular ", "Colegio "))
        return prefix + patron, rng.choice(("A2 B0", "A2 B0 F0", "B0 F0", "A2")), "3"
    if roll < 0.97:
        initial = rng.choice(INITIAL_NAMES)
        if rng.random() < 0.3:
            return f"PRONOEI {initial}", "A5", "1"
        return f"IEI {number_form(rng, rng.randint(1, 1500))} {initial}", "A2", "1"
    kind = rng.choice((("CEBA ", "D2"), ("CETPRO ", "L0")))
    return kind[0] + patron, kind[1], "1"


def registry_case(rng: random.Random, name: str) -> str:
    """Half the real registry is upper case without accents (but with Ñ)."""
    if rng.random() < 0.45:
        return strip_accents(name.replace("ñ", "\0").replace("Ñ", "\0")).replace("\0", "Ñ").upper()
    return name


# --- rows -----------------------------------------------------------------------------------


class RegistryFaker:
    def __init__(self, seed: int, districts: Sequence[District], inactive_share: float) -> None:
        self.rng = random.Random(seed)
        self.districts = list(districts)
        self.weights = [district.weight for district in districts]
        self.inactive_share = inactive_share
        # random.sample of a big range is slow-ish (0.5 s) but fixes the bundled sample's
        # random stream, which the sandbox and the end-to-end tests rely on: keep it.
        self.codes = iter(self.rng.sample(range(1000, 1_000_000), 600_000))
        self.locals = iter(self.rng.sample(range(100_000, 900_000), 400_000))
        self.serial = 0

    def service(self, name: str, district: District, level: str, management: str, *,
                codlocal: str, active: bool, cod_mod: str | None = None) -> Row:  # fmt: skip
        rng, self.serial = self.rng, self.serial + 1
        cod_mod = cod_mod or f"9{next(self.codes):06d}"
        lat, lon = self.point_in(district)
        return {
            "COD_MOD": cod_mod, "ANEXO": "1" if rng.random() < 0.02 else "0",
            "CODLOCAL": codlocal, "CEN_EDU": name, "NIV_MOD": level, "D_NIV_MOD": LEVELS[level],
            "GESTION": management, "D_GESTION": MANAGEMENT[management],
            "GES_DEP": "A1" if management == "1" else "B4",
            "D_GES_DEP": "Sector Educación" if management != "3" else "Particular",
            "DIR_CEN": self.address(), "CODGEO": district.ubigeo, "D_DPTO": district.region.upper(),
            "D_PROV": district.province.upper(), "D_DIST": district.name.upper(),
            "CODOOII": district.ugel_code, "D_DREUGEL": district.ugel, "NLAT_IE": lat,
            "NLONG_IE": lon, "TALUMNO": str(rng.randint(5, 1200)),
            "TDOCENTE": str(rng.randint(1, 60)), "DIRECTOR": f"Director Sintético {self.serial}",
            "TELEFONO": f"900{self.serial:06d}", "EMAIL": f"ie{cod_mod}@example.invalid",
            "ESTADO": "1" if active else "2", "D_ESTADO": "Activa" if active else "Inactiva",
        }  # fmt: skip

    def point_in(self, district: District) -> tuple[str, str]:
        if self.rng.random() < 0.04:  # the real registry has services without coordinates
            return "", ""
        lat = district.latitude + self.rng.gauss(0, 0.015)
        lon = district.longitude + self.rng.gauss(0, 0.015)
        return f"{lat:.6f}", f"{lon:.6f}"

    def address(self) -> str:
        street = self.rng.choice(STREETS)
        return f"{street} {self.rng.choice(PATRONS)} {self.rng.randint(1, 2500)}"

    def building(self, name: str, district: District, levels: str, management: str,
                 active: bool) -> list[Row]:  # fmt: skip
        codlocal = f"{next(self.locals):06d}"
        return [
            self.service(name, district, level, management, codlocal=codlocal, active=active)
            for level in levels.split()
        ]

    def random_building(self) -> list[Row]:
        rng = self.rng
        district = rng.choices(self.districts, self.weights)[0]
        name, levels, management = building_name(rng)
        active = rng.random() >= self.inactive_share
        rows = self.building(registry_case(rng, name), district, levels, management, active)
        if len(rows) > 1 and rows[-1]["NIV_MOD"] == "A2" and rng.random() < 0.5:
            # The inicial of a school often has its own number and name: "IEI N° 123 ...".
            initial = f"IEI {number_form(rng, rng.randint(1, 1500))} {rng.choice(INITIAL_NAMES)}"
            rows[-1]["CEN_EDU"] = registry_case(rng, initial)
        return rows


def fixed_rows(faker: RegistryFaker) -> list[Row]:
    """The anchors (COD_MOD 9000001, 9000002, ... in order) and their look-alikes."""
    rows: list[Row] = []
    for number, (name, district, levels, management, active) in enumerate(ANCHORS, 1):
        codlocal = f"9{number:05d}"
        for offset, level in enumerate(levels.split()):
            # The main level is 9000001, 9000002...; other levels of anchor n: 9000100 + 10n + i.
            cod_mod = f"9{100 + number * 10 + offset:06d}" if offset else f"9{number:06d}"
            rows.append(
                faker.service(
                    name,
                    _BY_NAME[district],
                    level,
                    management,
                    codlocal=codlocal,
                    active=active,
                    cod_mod=cod_mod,
                )
            )
    for name, district, levels in LOOKALIKES:
        rows.extend(faker.building(name, _BY_NAME[district], levels, "1", True))
    for row in rows:
        row["ANEXO"] = "0"
    return rows


def generate_rows(count: int, *, seed: int = SEED, sample: bool = False) -> list[Row]:
    """`count` registry rows: the fixed schools first, then invented ones. `sample` keeps to
    the 15 real districts of Lima, Puno and Cusco; otherwise the whole (invented) country."""
    districts = SAMPLE_DISTRICTS if sample else peru_districts(random.Random(seed + 1))
    faker = RegistryFaker(seed, districts, inactive_share=0.12 if sample else 0.25)
    rows = fixed_rows(faker)
    while len(rows) < count:
        rows.extend(faker.random_building())
    return rows[: max(count, 0)]


# --- writers --------------------------------------------------------------------------------


def write_csv(rows: Sequence[Row], path: Path, *, encoding: str = "utf-8",
              delimiter: str = ";") -> None:  # fmt: skip
    with path.open("w", encoding=encoding, errors="replace", newline="") as out:
        writer = csv.DictWriter(out, OFFICIAL_COLUMNS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def dbf_bytes(rows: Sequence[Row], encoding: str) -> Iterator[bytes]:
    """A dBase III table (what ESCALE ships): header, field descriptors, fixed-width records."""
    fields = [(name, *DBF_FIELDS[name]) for name in OFFICIAL_COLUMNS]
    record_length = 1 + sum(length for _, _, length, _ in fields)
    header_length = 32 + 32 * len(fields) + 1
    today = date.today()
    # Language driver 0: "unknown", like many real exports; the reader must detect the encoding.
    yield struct.pack("<BBBBLHH20x", 0x03, today.year - 1900, today.month, today.day,
                      len(rows), header_length, record_length)  # fmt: skip
    for name, kind, length, decimals in fields:
        yield struct.pack("<11sc4xBB14x", name.encode("ascii"), kind.encode(), length, decimals)
    yield b"\r"
    for row in rows:
        yield b" " + b"".join(_dbf_value(row.get(name, ""), kind, length, encoding)
                              for name, kind, length, _ in fields)  # fmt: skip
    yield b"\x1a"


def _dbf_value(value: str, kind: str, length: int, encoding: str) -> bytes:
    raw = value.encode(encoding, errors="replace")[:length]
    return raw.rjust(length) if kind == "N" else raw.ljust(length)


def write_dbf(rows: Sequence[Row], path: Path, *, encoding: str = "cp850") -> None:
    with path.open("wb") as out:
        out.writelines(dbf_bytes(rows, encoding))


def write_dbf_zip(rows: Sequence[Row], path: Path, *, encoding: str = "cp850") -> None:
    """Like ESCALE's Padron_web_YYYYMMDD.zip: the DBF plus a small data dictionary."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
        with bundle.open("Padron_web.dbf", "w", force_zip64=True) as member:
            member.writelines(dbf_bytes(rows, encoding))
        bundle.writestr("Diccionario_de_datos.txt", "Datos sintéticos generados por Minka.\n")


def write(rows: Sequence[Row], path: Path, output_format: str, encoding: str | None) -> None:
    if output_format == "csv":
        write_csv(rows, path, encoding=encoding or "utf-8")
    elif output_format == "dbf":
        write_dbf(rows, path, encoding=encoding or "cp850")
    else:
        write_dbf_zip(rows, path, encoding=encoding or "cp850")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=420)
    parser.add_argument("--format", choices=("csv", "dbf", "dbf-zip"), default="csv")
    parser.add_argument("--encoding", help="csv: utf-8 (default); dbf: cp850 (default), latin-1")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--sample", action="store_true", help="only Lima, Puno and Cusco")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = generate_rows(args.rows, seed=args.seed, sample=args.sample)
    write(rows, args.out, args.format, args.encoding)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
