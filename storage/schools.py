"""Schools from MINEDU's registry: storage, search words, and the "near me" lookup.

A row is an educational *service* (one level at one school), keyed by código modular + anexo. The
search side keeps three derived word lists per row (name, place, level), an FTS5 index over them
(kept in step by `upsert_batch`, in the same transaction) and a vocabulary with deletion variants
for spelling correction, which `refresh_search_terms()` brings up to date after an import.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import aiosqlite

from storage.clock import to_db, utc_now
from storage.db import Database, Session

# Bump when school_words() changes: every row's digest changes, so the next import rewrites keys.
SEARCH_KEY_VERSION = "1"

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.32
MAX_NEAREST_RADIUS_KM = 4096.0  # Peru is about 2,000 km long
# A search's candidates up to this many are read as a lookup, on the loop's thread: ~10-15 µs a
# row at Peru scale (50 rows: under 0.7 ms), less than the trip to the database thread costs a
# busy loop (1-2 ms, docs/performance.md "The read path"); more stay on the database thread.
INLINE_CANDIDATES = 50

# Registry names are full of these; they say what kind of place it is, not which one.
NOISE_WORDS = frozenset({
    "ie", "iep", "iei", "iee", "ies", "iepi", "ce", "cei", "cep", "colegio", "col", "cole",
    "escuela", "esc", "institucion", "educativa", "educativo", "inst", "pronoei", "pronei",
    "n", "no", "nro", "num", "numero",
})  # fmt: skip
STOP_WORDS = frozenset({"de", "del", "la", "las", "los", "el", "y", "e", "en", "a", "al"})
# Abbreviations as both the registry and people write them, folded, mapped to the full words.
SYNONYMS = {
    "sta": "santa", "sto": "santo", "sn": "san", "sr": "senor", "sra": "senora",
    "srta": "senorita", "ntra": "nuestra", "nstra": "nuestra", "ntro": "nuestro",
    "sgdo": "sagrado", "mcal": "mariscal", "gral": "general", "cnel": "coronel",
    "tte": "teniente", "cap": "capitan", "pdte": "presidente", "dr": "doctor",
    "ing": "ingeniero", "prof": "profesor", "inmac": "inmaculada", "gue": "gran unidad escolar",
    "sjl": "san juan lurigancho", "smp": "san martin porres", "sjm": "san juan miraflores",
    "ves": "villa salvador", "vmt": "villa maria triunfo",
}  # fmt: skip

# "N° 2045", "Nº2045", "nro. 2045", "No 2045": the marker goes, the number stays.
_NUMBER_MARK = re.compile(r"\bn(?:ro|um|umero|o)?\s*[°º.]*\s*(?=\d)")
# "I.E.P.", "i. e.", "S.J.L." -> "iep", "ie", "sjl" (single letters joined by dots).
_DOTTED_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?:\.\s?[a-z])+\.?(?![a-z0-9])")
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
# Folded word -> the words it stands for: () drops noise and stop words, SYNONYMS expand.
_REWRITES: dict[str, tuple[str, ...]] = {
    **{word: () for word in NOISE_WORDS | STOP_WORDS},
    **{short: tuple(full.split()) for short, full in SYNONYMS.items()},
}

_COLUMNS = (
    "cod_mod, anexo, codlocal, name, level, management, address, ubigeo, region, province,"
    " district, ugel, latitude, longitude, active, name_key, place_key, level_key, source_hash"
)
_INSERT = (
    f"INSERT INTO schools (id, {_COLUMNS}, created_at, updated_at)"
    " VALUES (" + ", ".join("?" * 22) + ")"
)
_UPDATE = (
    "UPDATE schools SET "
    + ", ".join(f"{column.strip()} = ?" for column in _COLUMNS.split(","))
    + ", updated_at = ? WHERE id = ?"
)
_FTS_ADD = "INSERT INTO schools_fts (rowid, name_key, place_key, level_key) VALUES (?, ?, ?, ?)"
_FTS_REMOVE = (
    "INSERT INTO schools_fts (schools_fts, rowid, name_key, place_key, level_key)"
    " VALUES ('delete', ?, ?, ?, ?)"
)
# The web overview keeps its answers under this counter (migration 0018, storage.overview):
# a registry batch that wrote schools bumps it once, in its own transaction (a trigger per row
# cost the 135,000-row import 3-5 s). A database migrated only up to an earlier version (the
# upgrade tests seed such databases with today's code) has no counter, and nothing kept.
_OVERVIEW_CHANGED = "UPDATE overview_version SET version = version + 1 WHERE id = 1"
_HAS_OVERVIEW_VERSION = (
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'overview_version'"
)
_ID_BITS = 32  # the word index's rowid: length(name_key) above these bits, schools.id in them
_ID_MASK = (1 << _ID_BITS) - 1
_KEYS_PER_QUERY = 10_000  # SQLite allows 32,766 parameters


@dataclass(frozen=True)
class School:
    id: int
    cod_mod: str
    anexo: str
    codlocal: str | None
    name: str
    level: str | None
    management: str | None
    address: str | None
    ubigeo: str | None
    region: str | None
    province: str | None
    district: str | None
    ugel: str | None
    latitude: float | None
    longitude: float | None
    active: bool

    @property
    def code(self) -> str:
        """'0325753' for the main service, '0325753-1' for an annex."""
        return self.cod_mod if self.anexo == "0" else f"{self.cod_mod}-{self.anexo}"


@dataclass
class SchoolRecord:
    """One validated registry row, as the importer hands it to `upsert_batch`.

    Treat as immutable. Not frozen only because a frozen dataclass is ten times slower to
    create, and an import creates 180,000 of them."""

    cod_mod: str
    anexo: str
    codlocal: str | None
    name: str
    level: str | None
    management: str | None
    address: str | None
    ubigeo: str | None
    region: str | None
    province: str | None
    district: str | None
    ugel: str | None
    latitude: float | None
    longitude: float | None
    active: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.cod_mod, self.anexo)

    def values(self) -> tuple[object, ...]:
        """The fields in column order (`dataclasses.astuple` deep-copies: too slow for 180k)."""
        return (
            self.cod_mod, self.anexo, self.codlocal, self.name, self.level, self.management,
            self.address, self.ubigeo, self.region, self.province, self.district, self.ugel,
            self.latitude, self.longitude, self.active,
        )  # fmt: skip

    @cached_property
    def search_keys(self) -> tuple[str, str, str]:
        """name_key, place_key, level_key as stored and indexed."""
        place_key = _place_key(self.district, self.province, self.region)
        return " ".join(school_words(self.name)), place_key, " ".join(place_words(self.level))

    @cached_property
    def fingerprint(self) -> str:
        """Digest of every stored field, so an unchanged row is recognised without reading it."""
        text = repr((SEARCH_KEY_VERSION, *self.values()))  # one C call; floats repr exactly
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class TermGroup:
    """Alternatives for one typed word: any of `terms`, or any word starting with `prefix`."""

    terms: tuple[str, ...]
    prefix: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A school found by the word index: only what ranking reads. A search ranks up to 300 of
    them and shows 8, so whole `School`s are read for the page alone (`by_ids`)."""

    id: int
    cod_mod: str
    anexo: str
    district: str | None
    province: str | None
    region: str | None
    active: bool
    name_words: tuple[str, ...]
    level_words: tuple[str, ...]


_CANDIDATE_COLUMNS = (
    "s.id, s.cod_mod, s.anexo, s.district, s.province, s.region, s.active, s.name_key, s.level_key"
)


def row_to_candidate(row: aiosqlite.Row) -> Candidate:
    return Candidate(
        row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]),
        tuple(row[7].split()), tuple(row[8].split()),
    )  # fmt: skip


# --- search words ---------------------------------------------------------------------------


def school_words(text: str | None) -> tuple[str, ...]:
    """The words a name, a place or a query is searched by: 'I.E. N° 0045 Sta. Rosa' -> ('45',
    'santa', 'rosa'). Folded, abbreviations expanded, noise and stop words dropped, numbers
    unpadded. Runs once per imported row, hence the shortcuts."""
    if not text:
        return ()
    # ASCII needs no accent stripping, and most registry text is ASCII: skip the slow path.
    if not text.isascii():
        # Accents off, ñ -> n, º -> o; what is left outside ASCII cannot be typed anyway.
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = text.lower()
    if _DIGIT.search(plain):
        plain = _NUMBER_MARK.sub(" ", plain)
    if "." in plain:
        plain = _DOTTED_LETTERS.sub(_join_letters, plain)
    words: list[str] = []
    for token in _WORD.findall(plain):
        if token in _REWRITES:
            words.extend(_REWRITES[token])
        elif token.isdigit():
            words.append(token.lstrip("0") or "0")
        elif len(token) > 1:
            words.append(token)
    return tuple(words)


def _join_letters(match: re.Match[str]) -> str:
    return "".join(match[0].replace(".", " ").split())


@lru_cache(maxsize=16384)
def place_words(text: str | None) -> tuple[str, ...]:
    """`school_words` of a district, province, region or level: few values, repeated a lot."""
    return school_words(text)


@lru_cache(maxsize=16384)
def _place_key(district: str | None, province: str | None, region: str | None) -> str:
    return " ".join(word for place in (district, province, region) for word in place_words(place))


def deletion_variants(word: str, depth: int) -> set[str]:
    """`word` and every string made by deleting up to `depth` characters from it."""
    variants, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {item[:i] + item[i + 1 :] for item in frontier for i in range(len(item))}
        frontier.discard("")
        variants |= frontier
    return variants


def stored_variant_depth(term: str) -> int:
    """How many deletions of a vocabulary word are stored; numbers are matched exactly."""
    if term.isdigit() or len(term) < 3:
        return 0
    return 2 if len(term) >= 8 else 1


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts 1); `limit + 1` if over."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def fts_query(groups: Sequence[TermGroup], *, in_name: int = 0) -> str:
    """An FTS5 MATCH expression: every group must match (the first `in_name` of them in the
    name), through any one of its alternatives."""
    clauses = []
    for index, group in enumerate(groups):
        options = [_quoted(term) for term in group.terms]
        if group.prefix:
            options.append(_quoted(group.prefix) + "*")
        clause = "(" + " OR ".join(options) + ")"
        clauses.append(f"name_key : {clause}" if index < in_name else clause)
    return " AND ".join(clauses)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# --- rows -----------------------------------------------------------------------------------


def row_to_school(row: aiosqlite.Row) -> School:
    return School(
        id=row["id"], cod_mod=row["cod_mod"], anexo=row["anexo"], codlocal=row["codlocal"],
        name=row["name"], level=row["level"], management=row["management"],
        address=row["address"], ubigeo=row["ubigeo"], region=row["region"],
        province=row["province"], district=row["district"], ugel=row["ugel"],
        latitude=row["latitude"], longitude=row["longitude"], active=bool(row["active"]),
    )  # fmt: skip


def fts_rowid(school_id: int, name_key: str) -> int:
    """A school's rowid in the word index: shorter names sort first, then by id."""
    return (len(name_key) << _ID_BITS) + school_id


# What the word index holds for one row: (rowid, name_key, place_key, level_key).
_FtsEntry = tuple[int, str, str, str]


@dataclass
class _BatchPlan:
    inserts: list[tuple[object, ...]] = field(default_factory=list)
    updates: list[tuple[object, ...]] = field(default_factory=list)
    unindex: list[_FtsEntry] = field(default_factory=list)
    index: list[_FtsEntry] = field(default_factory=list)


class Schools:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- lookups ---

    async def get(self, cod_mod: str, anexo: str = "0") -> School | None:
        row = await self._db.lookup(
            "SELECT * FROM schools WHERE cod_mod = ? AND anexo = ?", (cod_mod, anexo)
        )
        return None if row is None else row_to_school(row)

    async def get_by_id(self, school_id: int) -> School | None:
        row = await self._db.lookup("SELECT * FROM schools WHERE id = ?", (school_id,))
        return None if row is None else row_to_school(row)

    async def with_cod_mod(self, cod_mod: str) -> list[School]:
        """Every anexo of one código modular, the main service ('0') first."""
        rows = await self._db.lookup_all(
            "SELECT * FROM schools WHERE cod_mod = ? ORDER BY anexo != '0', anexo", (cod_mod,)
        )
        return [row_to_school(row) for row in rows]

    async def in_codlocal(self, codlocal: str) -> list[School]:
        """The services sharing one building (inicial, primaria, secundaria of one school)."""
        rows = await self._db.fetchall(
            "SELECT * FROM schools WHERE codlocal = ? ORDER BY active DESC, level, cod_mod",
            (codlocal,),
        )
        return [row_to_school(row) for row in rows]

    async def in_ubigeo_prefix(
        self, prefix: str, *, limit: int = 100, active_only: bool = True
    ) -> list[School]:
        """Schools of a department ('15'), province ('1501') or district ('150103')."""
        if not prefix.isdigit() or len(prefix) > 6:
            raise ValueError(f"not an ubigeo prefix: {prefix!r}")
        low, high = prefix.ljust(6, "0"), prefix.ljust(6, "9")
        rows = await self._db.fetchall(
            "SELECT * FROM schools WHERE ubigeo BETWEEN ? AND ? AND (active = 1 OR ?)"
            " ORDER BY ubigeo, name LIMIT ?",
            (low, high, not active_only, limit),
        )
        return [row_to_school(row) for row in rows]

    async def example_code(self) -> str | None:
        """A código modular that exists in the registry loaded, for the examples in help texts
        (the sandbox's synthetic one, Peru's real one): the first active school imported."""
        row = await self._db.fetchone(
            "SELECT cod_mod FROM schools WHERE active = 1 ORDER BY id LIMIT 1"
        )
        return row["cod_mod"] if row is not None else None

    async def count(self, *, active_only: bool = False) -> int:
        sql = "SELECT count(*) FROM schools" + (" WHERE active = 1" if active_only else "")
        return int(await self._db.scalar(sql))

    # --- import ---

    async def fingerprints(self) -> dict[tuple[str, str], str]:
        """(cod_mod, anexo) -> digest of every stored row: what an import compares against."""
        rows = await self._db.fetchall("SELECT cod_mod, anexo, source_hash FROM schools")
        return {(row[0], row[1]): row[2] for row in rows}

    async def upsert_batch(self, records: Sequence[SchoolRecord]) -> int:
        """Insert or update rows in one transaction, with their word index entries; rows whose
        digest is unchanged are left alone. Returns how many rows were written. After the last
        batch, `refresh_search_terms()` updates the spelling vocabulary (import_registry does)."""
        unique = {record.key: record for record in records}  # the last of duplicates wins
        now = to_db(utc_now())
        async with self._db.transaction() as session:
            existing = await _indexed_rows(session, list(unique))
            next_id = int(await session.scalar("SELECT coalesce(max(id), 0) + 1 FROM schools"))
            plan = _plan_batch(unique.values(), existing, next_id, now)
            await _apply_plan(session, plan)
        return len(plan.inserts) + len(plan.updates)

    async def refresh_search_terms(self) -> int:
        """Bring the spelling vocabulary in line with the word index; return its size.

        Only words that appeared or disappeared get their variants written, so refreshing after
        a small re-import is quick.
        """
        async with self._db.transaction() as session:
            current = {row[0]: row[1] for row in await session.fetchall(
                "SELECT term, doc FROM schools_fts_vocab")}  # fmt: skip
            known = {row[0] for row in await session.fetchall("SELECT term FROM school_terms")}
            await _forget_terms(session, known - current.keys())
            await _add_variants(session, current.keys() - known)
            await session.execute("DELETE FROM school_terms")
            await session.executemany(
                "INSERT INTO school_terms (term, docs) VALUES (?, ?)", current.items()
            )
        return len(current)

    # --- search ---

    async def terms_for_variants(self, variants: Collection[str]) -> list[tuple[str, str, int]]:
        """(variant, vocabulary word, its document count) for every stored word sharing a
        deletion variant with one of `variants`. The caller checks the real edit distance."""
        if not variants:
            return []
        marks = ", ".join("?" * len(variants))
        # Index probes, one per variant of the few words typed: a lookup (~0.2 ms at Peru
        # scale, docs/performance.md), where the trip to the database thread costs more.
        rows = await self._db.lookup_all(
            "SELECT v.variant, t.term, t.docs FROM school_term_variants v"
            f" JOIN school_terms t ON t.term = v.term WHERE v.variant IN ({marks})",
            tuple(variants),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def count_matches(
        self, groups: Sequence[TermGroup], *, in_name: int = 0, at_most: int = -1
    ) -> int:
        """How many schools match every group, counting no further than `at_most` (-1: all);
        reads only the word index."""
        if not groups:
            return 0
        sql = "SELECT count(*) FROM (SELECT 1 FROM schools_fts WHERE schools_fts MATCH ? LIMIT ?)"
        params = (fts_query(groups, in_name=in_name), at_most)
        if at_most < 0:  # every match of an ambiguous word: milliseconds, off the loop's thread
            return int(await self._db.scalar(sql, params))
        # At most `at_most` (301) entries of the word index: a lookup (~0.3 ms at Peru scale).
        row = await self._db.lookup(sql, params)
        return 0 if row is None else int(row[0])

    async def candidates(
        self,
        groups: Sequence[TermGroup],
        limit: int,
        *,
        in_name: int = 0,
        shortest_names_first: bool = False,
        counted: int | None = None,
    ) -> list[Candidate]:
        """Schools matching every group, the first `in_name` groups in the name.

        `shortest_names_first` is for match sets too big to rank in Python: the matches whose
        names are shortest (fewest other words), which is the index's own order. `counted`:
        how many match, when the caller counted them (`count_matches`)."""
        if not groups:
            return []
        order = " ORDER BY f.r" if shortest_names_first else ""
        sql = (
            "SELECT " + _CANDIDATE_COLUMNS + " FROM (SELECT rowid AS r FROM schools_fts"
            " WHERE schools_fts MATCH ? ORDER BY rowid LIMIT ?) f"
            " JOIN schools s ON s.id = (f.r & ?)" + order
        )
        params = (fts_query(groups, in_name=in_name), limit, _ID_MASK)
        # A few rows cost less on the loop's thread than the trip to the database thread.
        few = counted is not None and counted <= INLINE_CANDIDATES
        rows = await (self._db.lookup_all if few else self._db.fetchall)(sql, params)
        return [row_to_candidate(row) for row in rows]

    async def nearest(
        self, latitude: float, longitude: float, limit: int = 5, *, active_only: bool = True
    ) -> list[tuple[School, float]]:
        """The `limit` closest schools with their distance in km, closest first.

        A box around the point prefilters through the location index; only schools within the
        box's radius are certain to be the closest, so the box grows until `limit` of them are."""
        if limit < 1:
            return []
        found: list[tuple[float, int]] = []
        radius = 1.0
        while radius <= MAX_NEAREST_RADIUS_KM:
            points = await self._points_in_box(latitude, longitude, radius, active_only)
            found = sorted(
                (haversine_km(latitude, longitude, lat, lon), school_id)
                for school_id, lat, lon in points
            )
            if len(found) >= limit and found[limit - 1][0] <= radius:
                break
            radius *= 4
        top = found[:limit]
        schools = await self.by_ids([school_id for _, school_id in top])
        return [(schools[school_id], distance) for distance, school_id in top]

    async def _points_in_box(
        self, latitude: float, longitude: float, radius_km: float, active_only: bool
    ) -> list[tuple[int, float, float]]:
        d_lat = radius_km / KM_PER_DEGREE_LAT
        cos_lat = max(math.cos(math.radians(latitude)), 0.01)
        d_lon = min(radius_km / (KM_PER_DEGREE_LAT * cos_lat), 180.0)
        rows = await self._db.fetchall(
            "SELECT id, latitude, longitude FROM schools"
            " WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
            " AND (active = 1 OR ?)",
            (latitude - d_lat, latitude + d_lat, longitude - d_lon, longitude + d_lon,
             not active_only),
        )  # fmt: skip
        return [(row[0], row[1], row[2]) for row in rows]

    async def with_cod_mods(self, cod_mods: Collection[str]) -> list[School]:
        """Every anexo of these códigos modulares, in one query (a spreadsheet's thousands of
        codes would exceed SQLite's parameter limit as `?` marks, so they go as one JSON array)."""
        if not cod_mods:
            return []
        rows = await self._db.fetchall(
            "SELECT * FROM schools WHERE cod_mod IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(cod_mods)),),
        )
        return [row_to_school(row) for row in rows]

    async def by_ids(self, ids: Sequence[int]) -> dict[int, School]:
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        rows = await self._db.lookup_all(f"SELECT * FROM schools WHERE id IN ({marks})", ids)
        return {row["id"]: row_to_school(row) for row in rows}


async def _indexed_rows(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, _FtsEntry]]:
    """(cod_mod, anexo) -> (digest, word index entry) of the rows that already exist."""
    found: dict[tuple[str, str], tuple[str, _FtsEntry]] = {}
    wanted = set(keys)
    codes = sorted({cod_mod for cod_mod, _ in keys})
    # One query per batch, not one per few hundred rows: each statement is a round trip to the
    # database thread, and during an import those add up.
    for start in range(0, len(codes), _KEYS_PER_QUERY):
        chunk = codes[start : start + _KEYS_PER_QUERY]
        rows = await session.fetchall(
            "SELECT cod_mod, anexo, source_hash, id, name_key, place_key, level_key"
            f" FROM schools WHERE cod_mod IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for row in rows:
            if (row[0], row[1]) in wanted:
                entry = (fts_rowid(row[3], row[4]), row[4], row[5], row[6])
                found[(row[0], row[1])] = (row[2], entry)
    return found


def _plan_batch(
    records: Iterable[SchoolRecord],
    existing: dict[tuple[str, str], tuple[str, _FtsEntry]],
    next_id: int,
    now: str,
) -> _BatchPlan:
    plan = _BatchPlan()
    for record in records:
        old = existing.get(record.key)
        if old is not None and old[0] == record.fingerprint:
            continue
        values = (*record.values(), *record.search_keys, record.fingerprint)
        if old is None:
            school_id, next_id = next_id, next_id + 1
            plan.inserts.append((school_id, *values, now, now))
        else:
            school_id = old[1][0] & _ID_MASK
            plan.updates.append((*values, now, school_id))
            plan.unindex.append(old[1])
        name_key, place_key, level_key = record.search_keys
        plan.index.append((fts_rowid(school_id, name_key), name_key, place_key, level_key))
    return plan


async def _apply_plan(session: Session, plan: _BatchPlan) -> None:
    # Old entries go first: FTS5 removes a row by the exact words it was indexed with.
    statements: list[tuple[str, Sequence[Sequence[object]]]] = [
        (_FTS_REMOVE, plan.unindex),
        (_INSERT, plan.inserts),
        (_UPDATE, plan.updates),
        (_FTS_ADD, plan.index),
    ]
    for sql, rows in statements:
        if rows:  # each statement is a round trip to the database thread: skip empty ones
            await session.executemany(sql, rows)
    if (plan.inserts or plan.updates) and await session.scalar(_HAS_OVERVIEW_VERSION):
        await session.execute(_OVERVIEW_CHANGED)


async def _forget_terms(session: Session, gone: Iterable[str]) -> None:
    await session.executemany(
        "DELETE FROM school_term_variants WHERE variant = ? AND term = ?",
        ((variant, term) for term in gone
         for variant in deletion_variants(term, stored_variant_depth(term))),
    )  # fmt: skip


async def _add_variants(session: Session, new_terms: Iterable[str]) -> None:
    await session.executemany(
        "INSERT OR IGNORE INTO school_term_variants (variant, term) VALUES (?, ?)",
        ((variant, term) for term in new_terms
         for variant in deletion_variants(term, stored_variant_depth(term))),
    )  # fmt: skip
