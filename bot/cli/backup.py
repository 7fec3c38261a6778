"""`python -m bot backup PATH` and `python -m bot restore PATH`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bot.settings import Settings
from storage.backup import DatabaseInUse, NotABackup, backup, restore

log = logging.getLogger(__name__)


def add_backup_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    saving = sub.add_parser("backup", help="copy the database to PATH (safe while the bot runs)")
    saving.add_argument("path", type=Path)
    loading = sub.add_parser(
        "restore", help="replace the database with the backup at PATH (stop the bot first)"
    )
    loading.add_argument("path", type=Path)


def run_backup(settings: Settings, args: argparse.Namespace) -> int:
    try:
        size = backup(settings.database_path, args.path)
    except NotABackup as exc:
        log.error("%s", exc)
        return 2
    print(f"Backed up {settings.database_path} to {args.path} ({size:,} bytes)")
    return 0


def run_restore(settings: Settings, args: argparse.Namespace) -> int:
    try:
        restore(args.path, settings.database_path)
    except DatabaseInUse:
        log.error("Minka is running on %s: stop it before restoring", settings.database_path)
        return 4
    except NotABackup as exc:
        log.error("%s", exc)
        return 2
    print(f"Restored {settings.database_path} from {args.path}")
    return 0
