"""Logging set-up, called once by the CLI (never at import)."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # PTB's per-request debug chatter is noise at our INFO level.
    updater_level = max(logging.INFO, logging.getLevelName(level))
    logging.getLogger("telegram.ext.Updater").setLevel(updater_level)
