"""Schools at Peru scale: import time, search and "near me" latencies, search hit rates.

    .venv/bin/python -m bench.bench_schools            # 180,000 rows, 1,000 queries
    .venv/bin/python -m bench.bench_schools --rows 20000 --queries 300

Generates the synthetic registry as ESCALE ships it (DBF in a ZIP, cp850), imports it into a
fresh SQLite file, imports it again (nothing changes), then times `search_schools` over realistic
generated queries (typos, no accents, abbreviations, number forms, place words, códigos
modulares) and `Schools.nearest` around random schools. Prints numbers; not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.generate_registry import Row, generate_rows, write_dbf_zip
from bot.domain.registry_import import import_registry
from bot.domain.school_search import SearchResult, search_schools
from storage import Storage
from storage.normalize import fold, strip_accents
from storage.schools import STOP_WORDS, school_words

NUMBER_FORMS = ("N° {n}", "nro {n}", "{n}", "n° {n}", "No. {n}", "Nº{n}")
PREFIXES = ("", "", "", "ie ", "colegio ", "I.E. ", "iep ", "escuela ")
NEIGHBOUR_KEYS = dict(zip("abcdefghijklmnopqrstuvwxyz", "sqxswrfhujklnbpolaeyivecut", strict=True))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=180_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    asyncio.run(run(args.rows, args.queries, args.seed))


async def run(rows: int, queries: int, seed: int) -> None:
    print_machine()
    with tempfile.TemporaryDirectory(prefix="minka-bench-") as folder:
        registry = Path(folder) / "Padron_web.zip"
        started = time.perf_counter()
        generated = generate_rows(rows)
        write_dbf_zip(generated, registry, encoding="cp850")
        size_mb = registry.stat().st_size / 1e6
        print(f"generated {len(generated)} rows, {size_mb:.1f} MB ZIP"
              f" ({time.perf_counter() - started:.1f} s, not part of the import)")  # fmt: skip
        storage = Storage(Path(folder) / "bench.db")
        await storage.open()
        try:
            await bench_import(storage, registry)
            rng = random.Random(seed)
            active = [row for row in generated if row["ESTADO"] == "1"]
            await bench_search(storage, [realistic_query(rng.choice(active), rng)
                                         for _ in range(queries)])  # fmt: skip
            await bench_nearest(storage, active, rng, queries)
        finally:
            await storage.close()


def print_machine() -> None:
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python"
          f" {platform.python_version()}, SQLite {sqlite3.sqlite_version}")  # fmt: skip


async def bench_import(storage: Storage, registry: Path) -> None:
    first = await import_registry(storage, registry)
    print(f"import (empty database): {first.seconds:.2f} s -- {first.summary()}")
    again = await import_registry(storage, registry)
    print(f"re-import (no changes):  {again.seconds:.2f} s -- {again.summary()}")
    size_mb = storage.db.path.stat().st_size / 1e6
    print(f"database file: {size_mb:.0f} MB")


# --- search ---------------------------------------------------------------------------------


class Query:
    KINDS = ("código modular", "name and place", "name only")

    def __init__(self, text: str, row: Row, kind: str) -> None:
        self.text = text
        self.row = row
        self.kind = kind

    def found_in(self, result: SearchResult, top: int) -> bool:
        """Hit if one of the first `top` is the school, or one indistinguishable from it (same
        name in the same district: the inicial/primaria/secundaria of one school, or twins)."""
        name, district = school_words(self.row["CEN_EDU"]), fold(self.row["D_DIST"])
        return any(
            hit.school.cod_mod == self.row["COD_MOD"]
            or (school_words(hit.school.name) == name
                and fold(hit.school.district or "") == district)
            for hit in result.hits[:top]
        )  # fmt: skip


def realistic_query(row: Row, rng: random.Random) -> Query:
    """What a teacher might type for this school."""
    if rng.random() < 0.08:
        code = row["COD_MOD"] + ("-" + row["ANEXO"] if rng.random() < 0.3 else "")
        return Query(code, row, "código modular")
    words = name_words(row["CEN_EDU"], rng)
    kind = "name and place"
    if rng.random() < 0.5:
        words.append(row["D_DIST"].lower())
    elif rng.random() < 0.2:
        words.append(row["D_PROV"].lower())
    else:
        kind = "name only"
    text = rng.choice(PREFIXES) + " ".join(words)
    if rng.random() < 0.8:
        text = text.lower()
    if rng.random() < 0.6:
        text = strip_accents(text)
    return Query(add_typos(text, rng), row, kind)


def name_words(name: str, rng: random.Random) -> list[str]:
    """The name without its "I.E. N°" dressing, the number in another form, maybe shortened."""
    plain = name.replace("N°", " ").replace("Nº", " ").replace("Nro.", " ").replace(".", ". ")
    words = [
        word
        for word in plain.split()  # drop "I.E.", "Colegio"...; keep "de", "la"
        if word.isdigit() or school_words(word) or (fold(word) in STOP_WORDS and len(word) > 1)
    ]
    number = next((word for word in words if word.isdigit()), None)
    words = [word for word in words if not word.isdigit()]
    if len(words) > 3 and rng.random() < 0.4:
        words = words[-2:]  # "mariategui" rather than "jose carlos mariategui"
    if number is not None and (not words or rng.random() < 0.8):
        words.insert(0, rng.choice(NUMBER_FORMS).format(n=number.lstrip("0") or "0"))
    return words


def add_typos(text: str, rng: random.Random) -> str:
    roll = rng.random()
    typos = 2 if roll < 0.1 else 1 if roll < 0.45 else 0
    for _ in range(typos):
        words = text.split()
        long_words = [
            index for index, word in enumerate(words) if len(word) >= 5 and word.isalpha()
        ]
        if not long_words:
            break
        index = rng.choice(long_words)
        words[index] = typo(words[index], rng)
        text = " ".join(words)
    return text


def typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    return word[:at] + NEIGHBOUR_KEYS.get(word[at], word[at]) + word[at + 1 :]


async def bench_search(storage: Storage, queries: list[Query]) -> None:
    for query in queries[:50]:  # warm the page cache and the code paths
        await search_schools(storage, query.text)
    timings: list[float] = []
    hits: dict[str, list[tuple[bool, bool]]] = {kind: [] for kind in Query.KINDS}
    for query in queries:
        started = time.perf_counter()
        result = await search_schools(storage, query.text)
        timings.append((time.perf_counter() - started) * 1000)
        hits[query.kind].append((query.found_in(result, 1), query.found_in(result, 3)))
    print(f"search, {len(queries)} queries: {percentiles(timings)}")
    for kind, outcomes in hits.items():
        top1 = sum(first for first, _ in outcomes) / max(len(outcomes), 1)
        top3 = sum(third for _, third in outcomes) / max(len(outcomes), 1)
        print(f"    {kind} ({len(outcomes)}): intended school first {top1:.1%}, top 3 {top3:.1%}")
    for query in queries[:8]:
        print(f"    e.g. {query.text!r} for {query.row['CEN_EDU']!r} ({query.row['D_DIST']})")


async def bench_nearest(
    storage: Storage, active: list[Row], rng: random.Random, count: int
) -> None:
    located = [row for row in active if row["NLAT_IE"]]
    points = [(float(row["NLAT_IE"]) + rng.gauss(0, 0.01), float(row["NLONG_IE"])
               + rng.gauss(0, 0.01)) for row in rng.sample(located, count)]  # fmt: skip
    for latitude, longitude in points[:50]:
        await storage.schools.nearest(latitude, longitude)
    timings = []
    for latitude, longitude in points:
        started = time.perf_counter()
        await storage.schools.nearest(latitude, longitude, limit=5)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"nearest 5, {count} points near schools: {percentiles(timings)}")


def percentiles(timings_ms: list[float]) -> str:
    cuts = statistics.quantiles(timings_ms, n=100)
    return f"p50 {cuts[49]:.2f} ms, p95 {cuts[94]:.2f} ms, max {max(timings_ms):.2f} ms"


if __name__ == "__main__":
    main()
