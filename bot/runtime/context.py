"""The typed CallbackContext every handler receives (PTB's `contexttypesbot` pattern).

`context.storage`, `context.settings` and `context.now()` instead of casting bot_data;
`await context.language()` for the person's language, read from the database at most once per
update: PTB builds one context per update (`Application.process_update` builds it lazily for the
first matching handler and hands the same object to every handler group), so a value cached on it
lives as long as the update. The one exception, a conversation's timeout (PTB hands it the
context of the flow's last update), forgets the cached language first.

`context.user_data` is a typed `UserData`, never persisted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ConversationHandler, ExtBot

from bot.runtime.updates import UnexpectedUpdate
from bot.views.texts import language_of
from storage.clock import utc_now

if TYPE_CHECKING:
    from typing import Self

    from bot.outbox.delivery import DeliveryWorker
    from bot.settings import Settings
    from storage import Storage
    from storage.models import Member


class BotData:
    """Application-wide objects, set once by build_application (PTB creates it without args)."""

    storage: Storage
    settings: Settings
    # monotonic time of the last error alert sent to ADMIN_IDS (they get at most one a minute)
    last_admin_alert: float = float("-inf")
    # Every ConversationHandler, so that starting one flow can end a person's others.
    conversations: list[ConversationHandler[Any]]
    # The outbox's sender, set when the bot runs (None in a bare Application).
    delivery: DeliveryWorker | None = None
    # What time it is (aware UTC). Tests replace it to move time without sleeping.
    clock: Callable[[], datetime] = staticmethod(utc_now)
    # Where people reach the web server (calendar links): PUBLIC_URL, or the address it was
    # bound to; set by bot.runner when the server starts ('' in a bare Application).
    public_url: str = ""
    # Set by `python -m bot sandbox`: an answer that would be a dead end there (/panel before
    # registering) may point at the sandbox's demo coordinator.
    sandbox: bool = False


@dataclass
class UserData:
    """What Minka keeps about a person in memory between their updates. Never persisted
    (conversation persistence stores only flow states), so a restart forgets it: nothing here
    may be needed to finish a flow, only to make it smoother."""

    # A deep link's payload (/start s_0325753_0), kept until the newcomer consents.
    start_payload: str | None = None
    # A newcomer's /idioma choice: they are not a member yet, so it cannot be stored.
    language: str | None = None
    # The last /exportar buttons that sent a file: a second press sends nothing more.
    exports_sent: list[str] = field(default_factory=list)

    def take_start_payload(self) -> str | None:
        """The kept payload, forgotten as it is handed over (it is used once)."""
        payload, self.start_payload = self.start_payload, None
        return payload

    def clear(self) -> None:
        """Forget everything (consent refused, /olvidarme)."""
        self.start_payload = None
        self.language = None
        self.exports_sent.clear()


class MinkaContext(CallbackContext[ExtBot[None], UserData, dict[Any, Any], BotData]):
    """What every handler gets. Handlers use these properties instead of casting bot_data."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._user: User | None = None  # the update's sender, for their language
        self._language: str | None = None  # cached for this update once read

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Self, Any, Any, Any, Any]
    ) -> Self:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._user = update.effective_user
        return context

    @property
    def storage(self) -> Storage:
        return self.bot_data.storage

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def user_data(self) -> UserData:
        """The person's in-memory data. Only updates with a sender have one; handlers only
        touch it for those, so its absence is a bug, raised as such."""
        data = super().user_data
        if data is None:
            raise UnexpectedUpdate("user_data of an update without a sender")
        return data

    @user_data.setter
    def user_data(self, _: object) -> NoReturn:
        raise AttributeError("user_data is changed field by field, never replaced")

    def now(self) -> datetime:
        return self.bot_data.clock()

    async def language(self) -> str:
        """The member's chosen language; else a newcomer's choice; else Telegram's. Read once
        per update (with the member, see `member`), then cached on the context."""
        if self._language is None:
            await self.member()
        return self._language or self.settings.default_language

    def use_language(self, language: str) -> None:
        """The person just chose a language (/idioma): the rest of the update speaks it."""
        self._language = language

    def forget_language(self) -> None:
        """Read it again next time: for a context PTB reuses after its update (a
        conversation's timeout runs with the context of the flow's last update)."""
        self._language = None

    async def member(self) -> Member | None:
        """The update's sender as stored now: a fresh read, as a handler may have just changed
        them. The first read of an update also settles its language, so that a handler which
        reads the member and needs the language makes one database read, not two."""
        if self._user is None:
            return None
        member = await self.storage.members.get(self._user.id)
        if self._language is None:
            self._language = self._language_of(member, self._user)
        return member

    def _language_of(self, member: Member | None, user: User) -> str:
        if member is not None:
            return member.language
        if self.user_data.language is not None:
            return self.user_data.language
        return language_of(user.language_code, self.settings.default_language)
