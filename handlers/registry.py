"""The ordered handler registry: every handler of the bot, in the order PTB must try them.

PTB tries the handlers of a group in order and stops at the first match. So conversations come
first (a flow's steps must see the person's typed answers and button presses before anything
else), then each feature's commands and buttons (their filters do not overlap: commands have
distinct names, button payloads distinct prefixes), and last the catch-alls. Each feature module
exposes `handlers()`; this module only decides the order.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, TypeHandler, filters

from bot.runtime.persistence import flush_conversations
from handlers import (
    activities,
    admin,
    announce,
    broadcasts,
    calendar_links,
    common,
    exports,
    follows,
    free_text,
    imports,
    my_school,
    onboarding,
    panel,
    privacy,
    profile,
    relay,
    schools,
)
from handlers.conversations import Handler

# Group -1 drops updates of banned people; group 0 answers the update; group 1 runs after it
# (persisting conversation states).
GATE, ANSWER, AFTERWARDS = -1, 0, 1


def handler_registry() -> list[Handler]:
    """Every handler of group ANSWER, in the order PTB must try them."""
    private = filters.ChatType.PRIVATE
    return [
        # 1. Features with conversations: their flows own their own /cancel and off-script
        #    answers. /perfil and its buttons come with the profile flow.
        *onboarding.handlers(),
        *my_school.handlers(),
        *announce.handlers(),
        *profile.handlers(),
        *activities.handlers(),
        *broadcasts.handlers(),
        *relay.handlers(),
        # 2. Following, linking groups, and the bot being added to a group or unblocked.
        *follows.handlers(),
        # 3. Data out: 3W exports and calendar links. Before schools: /calendario's school
        #    buttons are school buttons with their own action.
        *exports.handlers(),
        *calendar_links.handlers(),
        *panel.handlers(),
        # 4. Commands and buttons that work anywhere, Spanish and English names alike; inline
        #    mode ("@bot santa rosa" in any chat) comes with schools.
        *admin.handlers(),
        *imports.handlers(),
        *schools.handlers(),
        *privacy.handlers(),
        *common.handlers(),
        # 5. Catch-alls: stale or tampered buttons, unknown commands; shared locations in a
        #    private chat are school searches, free text is read for what it means
        #    (a greeting, an action, or a school).
        CallbackQueryHandler(common.stale_button),
        MessageHandler(filters.COMMAND & private, common.unknown_command),
        MessageHandler(filters.LOCATION & private, schools.on_location),
        MessageHandler(filters.TEXT & private, free_text.on_free_text),
    ]


def gate_handlers() -> list[Handler]:
    """Group GATE: runs before anything answers."""
    return [admin.ban_gate()]


def afterwards_handlers() -> list[Handler]:
    """Group AFTERWARDS: runs after the answer."""
    return [TypeHandler(Update, flush_conversations)]
