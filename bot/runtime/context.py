"""The typed CallbackContext handlers receive: `context.storage`, `context.settings`, languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ConversationHandler, ExtBot

from bot.views.texts import language_of
from storage.clock import utc_now

if TYPE_CHECKING:
    from bot.outbox.delivery import DeliveryWorker
    from bot.settings import Settings
    from storage import Storage


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


class MinkaContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """What every handler gets. Handlers use these properties instead of casting bot_data."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def storage(self) -> Storage:
        return self.bot_data.storage

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    def now(self) -> datetime:
        return self.bot_data.clock()


async def language_for(update: object, context: MinkaContext) -> str:
    """The member's chosen language; else a choice made during onboarding; else Telegram's."""
    user = update.effective_user if isinstance(update, Update) else None
    if user is None:
        return context.settings.default_language
    member = await context.storage.members.get(user.id)
    if member is not None:
        return member.language
    chosen = context.user_data.get("language") if context.user_data is not None else None
    if isinstance(chosen, str):
        return chosen
    return language_of(user.language_code, context.settings.default_language)
