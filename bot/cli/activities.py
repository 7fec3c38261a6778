"""`python -m bot import-activities FILE [--dry-run] [--as USER_ID]`: a 3W spreadsheet from the
shell, with the same preview and report the bot gives in the chat (as plain text).

Without --as, the operator imports anywhere and is recorded as the importer "operator"
(NULL). With --as, the import runs with that person's permissions and is recorded as theirs:
a coordinator's rows outside her scope are reported, someone without a role is refused.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bot.domain.activity_import import (
    ImportPlan,
    PlanContext,
    UnreadableSheet,
    file_hash,
    preview,
    run_import,
)
from bot.outbox.import_summary import tell_import_followers
from bot.settings import Settings
from bot.views.import_views import (
    as_plain_text,
    preview_text,
    problems_text,
    result_text,
    sheet_problem_text,
)
from bot.views.texts import label
from storage import Storage
from storage.clock import utc_now

log = logging.getLogger(__name__)

EXIT_REFUSED, EXIT_UNREADABLE = 2, 4
ALL_PROBLEMS = ALL_CHARS = 10**9  # the terminal lists every problem, the chat the first ones


def add_import_activities_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import-activities",
        help="import a 3W spreadsheet of activities (.xlsx or .csv); see docs/import-activities.md",
    )
    parser.add_argument("path", type=Path, help="the spreadsheet")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the report and the problems; write nothing"
    )
    parser.add_argument(
        "--as", dest="as_user", type=int, metavar="USER_ID",
        help="import as this Telegram user, within their coordinator scope",
    )  # fmt: skip


async def run_import_activities(settings: Settings, args: argparse.Namespace) -> int:
    if not args.path.is_file():
        log.error("No such file: %s", args.path)
        return EXIT_REFUSED
    data = args.path.read_bytes()
    storage = Storage(settings.database_path)
    await storage.open()
    try:
        return await _import(storage, settings, args, data)
    finally:
        await storage.close()


async def _import(
    storage: Storage, settings: Settings, args: argparse.Namespace, data: bytes
) -> int:
    lang, name = settings.default_language, args.path.name
    permissions = None
    if args.as_user is not None:
        permissions = await storage.roles.permissions(args.as_user, settings.admin_ids)
        if not (permissions.is_admin or permissions.is_coordinator):
            print(as_plain_text(label(lang, "import_not_allowed")))
            return EXIT_REFUSED
    context = PlanContext(storage, permissions, settings.tz, utc_now())
    try:
        plan = await preview(name, data, context)
    except UnreadableSheet as exc:
        print(as_plain_text(sheet_problem_text(exc.problem, lang, name)))
        return EXIT_UNREADABLE
    print_preview(plan, lang)
    if not (args.dry_run or plan.missing_columns or not plan.rows):
        await _write(storage, settings, args, data, plan, context)
    return 0


def print_preview(plan: ImportPlan, lang: str) -> None:
    """What the bot shows in the chat, and every problem (the chat shows the first ones)."""
    print(as_plain_text(preview_text(plan, lang)))
    if plan.problems:
        print(as_plain_text(problems_text(plan, lang, ALL_PROBLEMS, max_chars=ALL_CHARS)))


async def _write(
    storage: Storage,
    settings: Settings,
    args: argparse.Namespace,
    data: bytes,
    plan: ImportPlan,
    context: PlanContext,
) -> None:
    lang, name = settings.default_language, args.path.name
    pending = await storage.activity_imports.create_pending(
        args.as_user, name, file_hash(data), None
    )
    who = await _importer_name(storage, args.as_user, lang)
    result = await run_import(pending.id, plan, context, importer_id=args.as_user)
    print(as_plain_text(result_text(result, name, lang)))
    # The running bot's delivery worker sends them (at its next poll).
    await tell_import_followers(
        storage, result, tz=settings.tz, default_language=lang, importer_id=args.as_user, who=who
    )


async def _importer_name(storage: Storage, user_id: int | None, lang: str) -> str:
    member = await storage.members.get(user_id) if user_id is not None else None
    if member is not None and member.name:
        return member.name
    return label(lang, "import_operator")
