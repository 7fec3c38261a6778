"""The `minka` / `python -m bot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.cli_schools import add_import_parser, run_import
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from storage import DatabaseUnavailable, MigrationError

log = logging.getLogger("bot")

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
        return run_bot(settings)
    except (MigrationError, DatabaseUnavailable) as exc:
        log.error("Minka cannot start: %s", exc)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
