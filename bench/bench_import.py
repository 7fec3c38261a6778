"""Importing a 3W spreadsheet at Peru scale: a 5,000-row .xlsx previewed and imported against
the 180,000-service registry, 3,000 organizations and 100,000 activities.

    .venv/bin/python -m bench.bench_import --database /tmp/peru.sqlite   # built beforehand
    .venv/bin/python -m bench.bench_import                             # builds one (~35 s)

The sheet comes from `bench.generate_3w` over active schools of Lima province (a UGEL's
matrix): 10% of rows give only the school's name and district (searched), 4% carry a planted
problem. Figures, each the code the bot runs without Telegram:

- preview: read the .xlsx, match every row, classify what importing would do (target < 5 s);
- import: the same file planned again and written in one transaction, then the followers'
  summaries composed and enqueued (target < 10 s);
- re-import: the same file again, nothing changes (every row compared, none written).

The database is copied first, so a given file can be measured again. Prints numbers; not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.generate_3w import SchoolRef, generate_rows, write_xlsx
from bench.generate_population import NOW, build_full_scale_database
from bot.domain.activity_import import PlanContext, file_hash, preview, run_import
from bot.outbox.import_summary import tell_import_followers
from storage import Storage
from storage.activity_imports import ImportResult

LIMA = ZoneInfo("America/Lima")
PROVINCE = "1501"  # Lima: a UGEL coordinator's sheet stays in one province


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a database built by generate_population")
    parser.add_argument("--rows", type=int, default=5000, help="rows of the sheet")
    parser.add_argument("--now", type=datetime.fromisoformat, default=NOW)
    args = parser.parse_args(argv)
    asyncio.run(run(args.database, args.rows, args.now))


async def run(database: Path | None, rows: int, now: datetime) -> None:
    with tempfile.TemporaryDirectory(prefix="minka-import-") as folder:
        copy = Path(folder) / "peru.sqlite"
        if database is None:
            report = await build_full_scale_database(copy, now=now, verbose=False)
            print(f"built {copy.name} in {sum(report.seconds.values()):.1f} s")
        else:
            await asyncio.to_thread(shutil.copyfile, database, copy)
        storage = Storage(copy)
        await storage.open()
        try:
            await measure(storage, rows, now)
        finally:
            await storage.close()


async def sheet(storage: Storage, rows: int, now: datetime) -> bytes:
    schools = await storage.schools.in_ubigeo_prefix(PROVINCE, limit=4000)
    refs = [
        SchoolRef(s.cod_mod, s.anexo, s.name, (s.district or "").title(), s.ubigeo or "")
        for s in schools
        if s.anexo == "0"
    ]
    started = time.perf_counter()
    data = write_xlsx(generate_rows(refs, rows, today=now.astimezone(LIMA).date()))
    elapsed = time.perf_counter() - started
    print(
        f"sheet: {rows} rows over {len(refs)} schools, {len(data) / 1e6:.1f} MB ({elapsed:.1f} s)"
    )
    return data


async def measure(storage: Storage, rows: int, now: datetime) -> None:
    data = await sheet(storage, rows, now)
    context = PlanContext(storage, None, LIMA, now)
    started = time.perf_counter()
    plan = await preview("3w.xlsx", data, context)
    elapsed = time.perf_counter() - started
    recognised = f"{len(plan.rows)} rows recognised at {plan.schools} schools"
    print(f"preview: {elapsed:.2f} s (target < 5 s): {recognised}, {len(plan.problems)} problems")
    for label in ("import", "re-import"):
        started = time.perf_counter()
        result = await import_file(storage, data, context)
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{n} {what}" for what, n in result.counts().items())
        print(f"{label}: {elapsed:.2f} s (target < 10 s): {counts}")


async def import_file(storage: Storage, data: bytes, context: PlanContext) -> ImportResult:
    """What "Importar" does: plan the file again, then write it with the followers' hook."""
    plan = await preview("3w.xlsx", data, context)
    pending = await storage.activity_imports.create_pending(None, "3w.xlsx", file_hash(data), None)
    result = await run_import(pending.id, plan, context, importer_id=None)
    await tell_import_followers(
        storage, result, tz=LIMA, default_language="es", importer_id=None, who="UGEL"
    )
    return result


if __name__ == "__main__":
    main()
