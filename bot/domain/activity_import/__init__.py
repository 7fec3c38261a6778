"""Importing "who does what where" (3W/4W) spreadsheets coordinators already keep.

Three steps, each its own module, none of them touching Telegram:

1. `reading`: the file's bytes to a table (.xlsx with openpyxl, .csv in UTF-8 or latin-1 with
   `,` or `;`), refusing what cannot be read (too big, too many rows, protected, corrupt,
   empty). `headers` finds the header row and which column is which (aliases, HXL hashtags).
2. `planning` (with `values` and `matching`): every row to an activity or a problem: the
   school by código modular or by name and district, the organization by name or acronym,
   dates from serials, "dd/mm/yyyy", ISO, month names or spans, the category from the sector.
3. `storage.activity_imports`: the plan written in one transaction; re-imports update by row
   key (organization + school + title + start day) instead of duplicating.

The bot (`handlers/imports.py`) and the command line (`python -m bot import-activities`) both
call `preview` and `run_import`, so they report the same thing.
"""

from __future__ import annotations

import hashlib

from bot.domain.activity_import.planning import ImportPlan, PlanContext, RowProblem, plan_import
from bot.domain.activity_import.reading import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    SheetProblem,
    UnreadableSheet,
    read_table,
)
from storage.activity_imports import ImportResult

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ImportPlan",
    "PlanContext",
    "RowProblem",
    "SheetProblem",
    "UnreadableSheet",
    "file_hash",
    "preview",
    "run_import",
]


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def preview(file_name: str, data: bytes, context: PlanContext) -> ImportPlan:
    """Read and match the file; nothing is written. Raises UnreadableSheet."""
    table = read_table(file_name, data)
    return await plan_import(file_name, table, context)


async def run_import(
    import_id: int,
    plan: ImportPlan,
    context: PlanContext,
    *,
    importer_id: int | None,
) -> ImportResult:
    """Write the plan's rows in one transaction (the import must still be pending)."""
    return await context.storage.activity_imports.apply(
        import_id,
        importer_id,
        plan.rows,
        tz=context.tz,
        now=context.now,
        skipped=len(plan.problems),
    )
