"""The `minka` / `python -m bot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot.cli.activities import add_import_activities_parser, run_import_activities
from bot.cli.admin import COMMANDS as ADMIN_COMMANDS
from bot.cli.admin import add_admin_parsers, run_admin
from bot.cli.backup import add_backup_parsers, run_backup, run_restore
from bot.cli.exports import add_export_parser, run_export
from bot.cli.schools import add_import_parser, run_import
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from storage import DatabaseUnavailable, MigrationError, Storage
from storage.backup import DatabaseInUse
from storage.clock import utc_now
from storage.outbox import QueueStats

log = logging.getLogger("bot")

STATUS_WINDOW = timedelta(hours=1)

NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather in Telegram (send /newbot) and put "
    "it in .env or the environment; or try Minka without a token: python -m bot sandbox"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Minka: who does what, where and when at Peru's schools, in a Telegram chat.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the bot against Telegram (default; webhook if WEBHOOK_URL)")
    sandbox = sub.add_parser(
        "sandbox", help="try the bot without a token: a local fake Telegram and a terminal chat"
    )
    sandbox.add_argument("--database", help="SQLite file (default: minka-sandbox.db)")
    add_import_parser(sub)
    add_import_activities_parser(sub)
    sub.add_parser(
        "status",
        help="show the delivery queue: pending, sent and failed in the last hour, inactive chats",
    )
    add_admin_parsers(sub)
    add_backup_parsers(sub)
    add_export_parser(sub)
    return parser


def run_bot(settings: Settings) -> int:
    from bot.runner import serve

    if not settings.has_token:
        log.error(NO_TOKEN)
        return 1
    asyncio.run(serve(settings))
    return 0


def run_sandbox(settings: Settings, database: str | None) -> int:
    from bot.sandbox.session import sandbox_session

    asyncio.run(sandbox_session(settings, database))
    return 0


def run_status(settings: Settings) -> int:
    """Read the outbox of DATABASE_PATH (the bot may be running) and print a summary."""
    if not settings.database_path.is_file():
        log.error("No database at %s (set DATABASE_PATH)", settings.database_path)
        return 1
    stats = asyncio.run(read_queue_stats(settings.database_path))
    print(format_queue_stats(stats, settings.database_path))  # the command's output
    return 0


async def read_queue_stats(database: Path) -> QueueStats:
    storage = Storage(database)
    await storage.open()
    try:
        return await storage.outbox.stats(utc_now() - STATUS_WINDOW)
    finally:
        await storage.close()


def format_queue_stats(stats: QueueStats, database: Path) -> str:
    lines = [
        f"Delivery queue of {database}",
        f"  pending:         {stats.pending} ({stats.waiting} waiting for a retry or a set time)",
        f"  being sent:      {stats.claimed}",
        f"  last hour:       {stats.sent} sent, {stats.failed} failed, {stats.skipped} skipped",
        f"  inactive chats:  {stats.inactive_chats} (blocked the bot, left, or gone)",
    ]
    if stats.failure_reasons:
        lines.append("  failures in the last hour:")
        lines += [f"    {count} x {reason}" for reason, count in stats.failure_reasons]
    return "\n".join(lines)


def log_level_for(command: str | None, settings: Settings) -> str:
    """The sandbox chat shares the terminal with the logs: keep them quiet unless asked."""
    if command == "sandbox" and "log_level" not in settings.model_fields_set:
        return "WARNING"
    return settings.log_level


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        configure_logging("INFO")
        log.error("%s", exc)
        return 2
    configure_logging(log_level_for(args.command, settings))
    try:
        if args.command == "sandbox":
            return run_sandbox(settings, args.database)
        if args.command == "import-schools":
            return asyncio.run(run_import(settings, args))
        if args.command == "import-activities":
            return asyncio.run(run_import_activities(settings, args))
        if args.command == "status":
            return run_status(settings)
        if args.command == "backup":
            return run_backup(settings, args)
        if args.command == "restore":
            return run_restore(settings, args)
        if args.command == "export":
            return asyncio.run(run_export(settings, args))
        if args.command in ADMIN_COMMANDS:
            return asyncio.run(run_admin(settings, args))
        return run_bot(settings)
    except DatabaseInUse as exc:
        log.error("Minka cannot start: %s", exc)
        return 3
    except (MigrationError, DatabaseUnavailable) as exc:
        log.error("Minka cannot start: %s", exc)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
