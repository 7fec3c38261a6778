"""Finding a school as teachers type it, against the bundled synthetic registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bench.shared_data import REALWORLD
from bot.domain.registry_import import load_sample_schools
from bot.domain.school_search import SearchResult, search_schools
from storage import Storage
from storage.normalize import fold
from storage.schools import School, SchoolRecord, haversine_km, school_words

# The sample is loaded once per module; the tests using it share the module's event loop.
in_module_loop = pytest.mark.asyncio(loop_scope="module")

SMP = "San Martín de Porres"
SJL = "San Juan de Lurigancho"
MARIATEGUI_2045 = ("I.E. N° 2045 José Carlos Mariátegui", SMP)

# (what a teacher types, the school's name, its district)
QUERIES: list[tuple[str, str, str]] = [
    # the issue's own examples
    ("san martin de porres ate", "IEP San Martín de Porres", "Ate"),
    ("IE 2045", *MARIATEGUI_2045),
    ("mariategi 2045", *MARIATEGUI_2045),
    ("sna martin de porres ate", "IEP San Martín de Porres", "Ate"),
    ("santa rosa puno", "I.E. Santa Rosa", "Puno"),
    # number forms
    ("N° 2045", *MARIATEGUI_2045),
    ("nro 2045", *MARIATEGUI_2045),
    ("Nº2045", *MARIATEGUI_2045),
    ("institución educativa 2045", *MARIATEGUI_2045),
    ("I.E. N° 2045 José Carlos Mariátegui", *MARIATEGUI_2045),
    ("1182", "I.E. N° 1182 El Bosque", SJL),
    ("ie 0086 arguedas", "IE N° 0086 José María Arguedas", SJL),
    ("50001", "IE N° 50001 Clorinda Matto de Turner", "Wanchaq"),
    ("70025 puno", "IE N° 70025 Independencia Nacional", "Puno"),
    ("iei 123 niño jesus", "IEI N° 123 Niño Jesús", "Comas"),
    ("iei n° 124 nino jesus", "IEI N° 124 Niño Jesús", "Ate"),
    ("fe y alegria 11", "I.E. Fe y Alegría N° 11", "Comas"),
    ("sagrado corazon de jesus 2046", "IE N° 2046 Sagrado Corazón de Jesús", "Comas"),
    ("virgen de guadalupe 20450", "I.E. N° 20450 Virgen de Guadalupe", "Ate"),
    ("50538 urubamba", "I.E. N° 50538 Urubamba", "Urubamba"),
    # without accents, typos, abbreviations
    ("nino jesus comas", "IEI N° 123 Niño Jesús", "Comas"),
    ("garsilaso de la vega", "I.E. Inca Garcilaso de la Vega", "Cusco"),
    ("senor de huanka san sebastian", "IEI N° 288 Señor de Huanca", "San Sebastián"),
    ("clorinda mato de turner wanchaq", "IE N° 50001 Clorinda Matto de Turner", "Wanchaq"),
    ("politecnico los andes", "Colegio Nacional Politécnico Los Andes", "Juliaca"),
    ("jose antonio encinas juliaca", "I.E.S. José Antonio Encinas", "Juliaca"),
    ("GUE san carlos puno", "Gran Unidad Escolar San Carlos", "Puno"),
    ("gran unidad escolar san carlos", "Gran Unidad Escolar San Carlos", "Puno"),
    ("ntra sra del carmen wanchaq", "IEP Nuestra Señora del Carmen", "Wanchaq"),
    ("mcal ramon castilla", "IE Emblemática Mariscal Ramón Castilla", "Ayaviri"),
    ("emblematica ramon castilla ayaviri", "IE Emblemática Mariscal Ramón Castilla", "Ayaviri"),
    ("el bosque sjl", "I.E. N° 1182 El Bosque", SJL),
    ("mi pequeño mundo smp", "IEI N° 092 Mi Pequeño Mundo", SMP),
    ("nanañique", "CETPRO Ñañañique", "Ilave"),
    ("cetpro ñañañique ilave", "CETPRO Ñañañique", "Ilave"),
    ("santa maria goreti", "IEP Santa María Goretti", "Santiago"),
    ("colegio de ciencias", "Glorioso Colegio Nacional de Ciencias", "Cusco"),
    ("glorioso san carlos ilave", "I.E. N° 72001 Glorioso San Carlos de Ilave", "Ilave"),
    ("los jazmines", "I.E. N° 0147 Los Jazmines", SJL),
    ("pronoei los angelitos", "PRONOEI Los Angelitos", "Juliaca"),
    # place words mixed with the name
    ("jose carlos mariategui juliaca", "I.E. José Carlos Mariátegui", "Juliaca"),
    ("mariategui cusco", "I.E. José Carlos Mariátegui", "Cusco"),
    ("santa rosa melgar", "Colegio Nacional Mixto Santa Rosa", "Santa Rosa"),
    ("colegio nacional mixto santa rosa", "Colegio Nacional Mixto Santa Rosa", "Santa Rosa"),
    ("mariscal caceres ate", "I.E. N° 0096 Mariscal Andrés Avelino Cáceres", "Ate"),
    ("jose maria arguedas san juan de lurigancho", "IE N° 0086 José María Arguedas", SJL),
    ("tupac amaru san sebastian", "I.E. Túpac Amaru", "San Sebastián"),
    ("nacional mixto micaela bastidas ate", "Colegio Nacional Mixto Micaela Bastidas", "Ate"),
    ("micaela bastidas santiago cusco", "IE N° 56002 Micaela Bastidas", "Santiago"),
    ("daniel alcides carrion comas", "I.E. Daniel Alcides Carrión", "Comas"),
    ("ceba cesar vallejo comas", "CEBA César Vallejo", "Comas"),
    ("virgen de fatima juliaca", "IEP Virgen de Fátima", "Juliaca"),
    ("san juan bautista juliaca", "I.E. San Juan Bautista", "Juliaca"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sample(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Storage]:
    storage = Storage(Path(tmp_path_factory.mktemp("schools")) / "t.db")
    await storage.open()
    await load_sample_schools(storage)
    yield storage
    await storage.close()


def rank_of(result: SearchResult, name: str, district: str) -> int | None:
    """1-based position of the first hit that is the expected school, or None."""
    for position, school in enumerate(result.schools, 1):
        if school.name == name and fold(school.district or "") == fold(district):
            return position
    return None


@pytest.mark.parametrize(("query", "name", "district"), QUERIES)
@in_module_loop
async def test_typical_query_finds_the_school_in_the_top_three(
    sample: Storage, query: str, name: str, district: str
) -> None:
    result = await search_schools(sample, query, limit=3)

    found = [(school.name, school.district) for school in result.schools]
    assert rank_of(result, name, district) is not None, f"{query!r} gave {found}"


@in_module_loop
async def test_hit_rates_over_the_query_table(sample: Storage) -> None:
    ranks = [rank_of(await search_schools(sample, query, limit=3), name, district)
             for query, name, district in QUERIES]  # fmt: skip
    top1 = sum(rank == 1 for rank in ranks) / len(QUERIES)
    top3 = sum(rank is not None for rank in ranks) / len(QUERIES)
    print(f"\nschool search over {len(QUERIES)} queries: top-1 {top1:.1%}, top-3 {top3:.1%}")
    assert len(QUERIES) >= 30
    assert top3 >= 0.95
    assert top1 >= 0.85


@in_module_loop
async def test_codigo_modular_with_or_without_anexo(sample: Storage) -> None:
    for text in ("9000001", " 9000001-0 ", "9000001 / 0"):
        result = await search_schools(sample, text)
        assert result.matched_by == "code"
        assert [school.code for school in result.schools] == ["9000001"]
    unknown = await search_schools(sample, "0325753")
    assert unknown.matched_by == "code" and unknown.hits == ()


@in_module_loop
async def test_codlocal_lists_the_services_of_one_building(sample: Storage) -> None:
    result = await search_schools(sample, "900002")  # IEP San Martín de Porres, Ate

    assert result.matched_by == "codlocal"
    levels = {school.level for school in result.schools}
    assert levels == {"Inicial - Jardín", "Primaria", "Secundaria"}


@in_module_loop
async def test_every_level_of_a_school_is_offered(sample: Storage) -> None:
    result = await search_schools(sample, "IE 2045")

    assert {school.level for school in result.schools[:2]} == {"Primaria", "Secundaria"}
    assert {school.codlocal for school in result.schools[:2]} == {"900001"}


@in_module_loop
async def test_pages_and_more(sample: Storage) -> None:
    first = await search_schools(sample, "santa rosa", limit=2)
    second = await search_schools(sample, "santa rosa", limit=2, offset=2)

    assert len(first.hits) == 2 and first.has_more
    assert not {s.id for s in first.schools} & {s.id for s in second.schools}
    assert [hit.score for hit in first.hits] == sorted((hit.score for hit in first.hits),
                                                       reverse=True)  # fmt: skip


@in_module_loop
async def test_nothing_to_search_and_nothing_found(sample: Storage) -> None:
    for text in ("", "   ", "zzzqqqxxx wwwkkk", "!!!"):
        result = await search_schools(sample, text)
        assert result.hits == () and not result.has_more, text
        assert result.matched_by == "nothing", text


@in_module_loop
async def test_generic_words_alone_are_told_apart_from_nothing_found(sample: Storage) -> None:
    """'colegio' says "a school", not which: the person is asked for a name, not told that no
    school exists."""
    for text in ("colegio", "Colegio", "la escuela", "I.E.", "IE N°", "institución educativa"):
        result = await search_schools(sample, text)
        assert result.hits == () and result.matched_by == "generic", text


@pytest.mark.parametrize(
    ("query", "district"),
    [("san martin de porres", SMP), ("san juan de lurigancho", SJL), ("santa rosa", "Santa Rosa")],
)
@in_module_loop
async def test_a_district_named_in_full_ranks_first(
    sample: Storage, query: str, district: str
) -> None:
    """Schools named like the district exist elsewhere (San Martín de Porres in Ate, Juliaca,
    SJL): the district's own schools come first."""
    result = await search_schools(sample, query, limit=3)
    assert result.schools and all(
        fold(school.district or "") == fold(district) for school in result.schools[:2]
    ), [(s.name, s.district) for s in result.schools]


@in_module_loop
async def test_closed_services_of_the_sample_are_not_loaded(sample: Storage) -> None:
    assert await sample.schools.get("9000036") is None  # IEI N° 321 Semillitas, inactive
    result = await search_schools(sample, "semillitas 321 puno")
    assert rank_of(result, "IEI N° 321 Semillitas", "Puno") is None


def test_search_words_fold_abbreviations_and_numbers() -> None:
    assert school_words("I.E. N° 0045 Sta. Rosa") == ("45", "santa", "rosa")
    assert school_words("Nº2045-A") == ("2045",)
    assert school_words("I.E.P. San Martín de Porres") == ("san", "martin", "porres")
    assert school_words("SJL") == ("san", "juan", "lurigancho")
    assert school_words("Niño Jesús") == school_words("NINO JESUS") == ("nino", "jesus")


# --- near me --------------------------------------------------------------------------------


@in_module_loop
async def test_nearest_schools_come_closest_first(sample: Storage) -> None:
    found = await sample.schools.nearest(-12.026, -76.921, limit=5)  # Ate

    assert len(found) == 5
    distances = [distance for _, distance in found]
    assert distances == sorted(distances) and distances[0] < 3
    assert all(fold(school.district or "") == "ate" for school, _ in found[:3])
    for school, distance in found:
        assert school.latitude is not None and school.longitude is not None
        assert distance == pytest.approx(
            haversine_km(-12.026, -76.921, school.latitude, school.longitude)
        )


@in_module_loop
async def test_nearest_is_exact_not_just_inside_the_first_box(sample: Storage) -> None:
    everything = await sample.db.fetchall(
        "SELECT * FROM schools WHERE active = 1 AND latitude IS NOT NULL"
    )
    point = (-15.6, -70.1)  # between Puno and Juliaca: no school within kilometres
    expected = sorted(haversine_km(*point, row["latitude"], row["longitude"]) for row in everything)

    found = await sample.schools.nearest(*point, limit=7)

    assert [round(d, 6) for _, d in found] == [round(d, 6) for d in expected[:7]]


@in_module_loop
async def test_nearest_far_from_everything_still_answers(sample: Storage) -> None:
    found = await sample.schools.nearest(-3.75, -73.25, limit=3)  # Iquitos: no sample there

    assert len(found) == 3 and all(isinstance(school, School) for school, _ in found)
    assert found[0][1] > 500


def test_haversine_lima_to_cusco() -> None:
    assert haversine_km(-12.046, -77.043, -13.517, -71.979) == pytest.approx(572, abs=10)


async def test_an_ambiguous_query_offers_the_shortest_names_of_all_its_matches(
    tmp_path: Path,
) -> None:
    """Thousands of "San Juan": the word index is read in order of name length, so the
    plainest names come first whichever ids they have."""
    storage = Storage(tmp_path / "many.db")
    await storage.open()
    try:
        long_ones = [
            _record(f"{n:07d}", f"IE San Juan Bautista de la Cruz Alta {n}") for n in range(1100)
        ]
        short = _record("0999999", "IE San Juan")  # imported last: the highest id
        await storage.schools.upsert_batch([*long_ones, short])
        await storage.schools.refresh_search_terms()
        found = await search_schools(storage, "san juan", limit=3)
    finally:
        await storage.close()
    assert found.schools[0].cod_mod == "0999999"
    assert found.has_more


def _record(cod_mod: str, name: str) -> SchoolRecord:
    return SchoolRecord(
        cod_mod=cod_mod, anexo="0", codlocal=None, name=name, level="Primaria",
        management=None, address=None, ubigeo="150101", region="Lima", province="Lima",
        district="Lima", ugel=None, latitude=None, longitude=None, active=True,
    )  # fmt: skip


def _drelm_records(count: int) -> list[SchoolRecord]:
    """The first rows of the real DRELM padrón (read, never copied into the repository)."""
    lines = (REALWORLD / "drelm_pages.psv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("|")
    rows = [dict(zip(header, line.split("|"), strict=True)) for line in lines[1 : count + 1]]
    return [_drelm_record(row) for row in rows]


def _drelm_record(row: dict[str, str]) -> SchoolRecord:
    return SchoolRecord(
        cod_mod=row["COD_MOD"], anexo=row["ANEXO"], codlocal=row["CODLOCAL"],
        name=row["CEN_EDU"], level=row["D_NIV_MOD"], management=row["D_GESTION"],
        address=row["DIR_CEN"], ubigeo=row["CODGEO"], region="Lima", province="Lima",
        district=row["D_DIST"], ugel=row["D_DREUGEL"], latitude=float(row["NLAT_IE"]),
        longitude=float(row["NLONG_IE"]), active=True,
    )  # fmt: skip


@pytest.mark.parametrize(
    "label",
    ["código modular {}", "cod mod {}", "cód. modular: {}", "CM {}", "c.m. {}", "cod.mod. {}",
     "Código Modular N° {}", "COD MOD: {}-0", "codigo {}", "cod modular:{}"],
)  # fmt: skip
async def test_a_label_before_a_real_codigo_modular_finds_the_school(
    tmp_path: Path, label: str
) -> None:
    records = _drelm_records(20)
    storage = Storage(tmp_path / "real.db")
    await storage.open()
    try:
        await storage.schools.upsert_batch(records)
        await storage.schools.refresh_search_terms()
        for record in records[:5]:
            found = await search_schools(storage, label.format(record.cod_mod))
            assert found.matched_by == "code"
            assert [school.cod_mod for school in found.schools] == [record.cod_mod]
        codlocal = await search_schools(storage, f"código local {records[0].codlocal}")
    finally:
        await storage.close()
    assert codlocal.matched_by == "codlocal"
    assert records[0].cod_mod in {school.cod_mod for school in codlocal.schools}


@in_module_loop
async def test_a_label_without_a_code_is_searched_as_words(sample: Storage) -> None:
    result = await search_schools(sample, "cm 2045 mariategui")
    assert result.matched_by == "words"
