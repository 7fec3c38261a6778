"""Everything SQL lives in this package. Handlers reach it as `context.storage`."""

from __future__ import annotations

from pathlib import Path

from storage.activities import Activities
from storage.activity_events import ActivityEvents
from storage.activity_imports import ActivityImports
from storage.audit import AuditLog
from storage.broadcasts import Broadcasts
from storage.calendar_feeds import CalendarFeeds
from storage.chats import Chats
from storage.conversations import ConversationStates, Drafts
from storage.db import BUSY_TIMEOUT_S, Database, DatabaseUnavailable, StorageError
from storage.digests import Digests
from storage.exports import Exports
from storage.follows import Follows
from storage.members import Members
from storage.migrate import MigrationError, migrate
from storage.moderation import Moderation
from storage.organizations import Organizations
from storage.outbox import Outbox
from storage.overview import Overview
from storage.panel_access import PanelAccess
from storage.privacy import PersonalData
from storage.questions import PendingQuestions
from storage.relays import Relays
from storage.roles import Roles
from storage.schools import Schools

__all__ = ["DatabaseUnavailable", "MigrationError", "Storage", "StorageError"]


class Storage:
    """The process's one database connection and the repositories built on it."""

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.db = Database(path, busy_timeout)
        self.members = Members(self.db)
        self.organizations = Organizations(self.db)
        self.conversations = ConversationStates(self.db)
        self.drafts = Drafts(self.db)
        self.schools = Schools(self.db)
        self.activities = Activities(self.db)
        self.activity_events = ActivityEvents(self.db)
        self.personal_data = PersonalData(self.db)
        self.chats = Chats(self.db)
        self.outbox = Outbox(self.db)
        self.follows = Follows(self.db)
        self.digests = Digests(self.db)
        self.roles = Roles(self.db)
        self.audit = AuditLog(self.db)
        self.moderation = Moderation(self.db)
        self.broadcasts = Broadcasts(self.db)
        self.exports = Exports(self.db)
        self.overview = Overview(self.db)
        self.panel_access = PanelAccess(self.db)
        self.calendar_feeds = CalendarFeeds(self.db)
        self.relays = Relays(self.db)
        self.questions = PendingQuestions(self.db)
        self.activity_imports = ActivityImports(self.db)

    async def open(self) -> None:
        """Open the connection and bring the schema up to date (idempotent)."""
        if self.db.is_open:
            return
        await self.db.open()
        try:
            await migrate(self.db)
        except MigrationError:
            await self.db.close()
            raise

    async def close(self) -> None:
        await self.db.close()
