"""A BasePersistence that stores ConversationHandler states in our SQLite database, nothing else.

Domain data lives in our own tables; PTB's user/chat/bot data stay in memory (store_data all
False): the typed `UserData` (bot.runtime.context) is deliberately never stored. Together with
`flush_conversations` (run after every update) a restart, even a crash, resumes a person exactly
at the step they were on.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import BasePersistence, CallbackContext, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.runtime.context import UserData
from storage import Storage, StorageError

log = logging.getLogger(__name__)

NOTHING_BUT_CONVERSATIONS = PersistenceInput(
    bot_data=False, chat_data=False, user_data=False, callback_data=False
)
_SAVED = object()  # what `_unsaved.get` answers for a state another writer already saved


class SQLiteConversationPersistence(BasePersistence[UserData, dict[Any, Any], Any]):
    def __init__(self, storage: Storage, update_interval: float = 5.0) -> None:
        super().__init__(store_data=NOTHING_BUT_CONVERSATIONS, update_interval=update_interval)
        self._storage = storage
        # States whose write failed (database busy): PTB will not hand them to us again until
        # they change, so we keep them and retry on every later write and on flush.
        self._unsaved: dict[tuple[str, ConversationKey], object | None] = {}

    async def get_conversations(self, name: str) -> ConversationDict:
        return dict(await self._storage.conversations.load(name))

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._unsaved[(name, key)] = new_state
        await self._save_unsaved()

    async def _save_unsaved(self) -> None:
        for (name, key), state in list(self._unsaved.items()):
            try:
                await self._storage.conversations.save(name, key, state)
            except StorageError as exc:
                log.warning("conversation state not saved yet, will retry: %s", exc)
                return
            # Still the state just saved (not a newer one, and not already removed by a
            # concurrent writer: an ended flow's state is None, so `get` alone cannot tell).
            if self._unsaved.get((name, key), _SAVED) is state:
                del self._unsaved[(name, key)]

    # PTB asks for the rest even when store_data says no; they are deliberately empty.
    async def get_user_data(self) -> dict[int, UserData]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> Any:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: Any) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Any) -> None:
        return None

    async def flush(self) -> None:
        await self._save_unsaved()


async def flush_conversations(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Write changed conversation states right after each update instead of every few seconds."""
    await context.application.update_persistence()
