"""The Application as Minka runs it: each update processed once, and logged in one line.

The line says which kind of update it was (a command's name, a button's payload prefix, "text",
"location"...), a hash of the user id (never the id, a name or a text), how long it took, and
whether it ended in an error: enough to see load and failures, nothing personal.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections import OrderedDict
from typing import Any

from telegram import Update
from telegram.ext import Application

log = logging.getLogger("minka.updates")

REMEMBERED_UPDATES = 1000  # enough to catch a webhook retry or a replayed update


class ObservedApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, plus duplicate suppression and one structured log line per update."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seen: OrderedDict[int, None] = OrderedDict()
        self.failed_updates: set[int] = set()  # filled by the error handler

    async def process_update(self, update: object) -> None:
        if isinstance(update, Update) and self._already_seen(update.update_id):
            log.info("update=%s outcome=duplicate-ignored", update.update_id)
            return
        started = time.perf_counter()
        await super().process_update(update)
        if isinstance(update, Update):
            self._log(update, time.perf_counter() - started)

    def _already_seen(self, update_id: int) -> bool:
        if update_id in self._seen:
            return True
        self._seen[update_id] = None
        if len(self._seen) > REMEMBERED_UPDATES:
            self._seen.popitem(last=False)
        return False

    def _log(self, update: Update, seconds: float) -> None:
        outcome = "error" if update.update_id in self.failed_updates else "ok"
        self.failed_updates.discard(update.update_id)
        log.info(
            "update=%s user=%s route=%s duration_ms=%.1f outcome=%s",
            update.update_id,
            self._user_hash(update),
            route_of(update),
            seconds * 1000,
            outcome,
        )

    def _user_hash(self, update: Update) -> str:
        user = update.effective_user
        if user is None:
            return "-"
        key = self.bot.token.encode()  # a secret salt: the hash cannot be reversed by guessing ids
        return hmac.new(key, str(user.id).encode(), hashlib.sha256).hexdigest()[:12]


def route_of(update: Update) -> str:
    """What kind of update this was, without any of its content."""
    message = update.effective_message
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        return "button:" + (data.split(":", 1)[0][:8] or "?")
    if update.inline_query is not None:
        return "inline"
    if update.my_chat_member is not None:
        return "membership"
    if message is None:
        return "other"
    if message.text and message.text.startswith("/"):
        return "command:" + message.text.split()[0].split("@")[0][1:33].lower()
    return next(
        (
            kind
            for kind in ("text", "location", "photo", "document")
            if getattr(message, kind, None)
        ),
        "message",
    )
