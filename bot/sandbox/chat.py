"""A terminal chat with the bot through the fake Telegram server.

A person types as one of a few test users (Rosa, Carlos, Emma; `/as NAME` creates another);
the bot's answers are printed as they arrive, HTML rendered as plain text and inline buttons
numbered row by row so that typing the number presses them. Buttons whose label is itself a
number (a calendar's days) are quoted, and `/say TEXT` sends a number as text, so "15" is
never taken for the fifteenth of the month when it presses the fifteenth button.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from bot.sandbox.fake_telegram import FakeTelegram, FakeUser, Params, SentMessage
from bot.sandbox.fake_telegram.keyboards import inline_markup

log = logging.getLogger(__name__)

DEFAULT_USERS: tuple[tuple[int, str, str], ...] = (
    (1001, "Rosa", "es"),
    (1002, "Carlos", "es"),
    (1003, "Emma", "en"),
)

BANNER = """\
Minka sandbox: chat with the bot as a test user. / Habla con el bot como usuario de prueba.
Users / usuarios: Rosa (es), Carlos (es), Emma (en). Rosa and Emma are new: try /start.
Web overview demo / panorama de demostración: /as Carlos, then / luego /panel (open its link here).
  /as NAME [es|en]  switch user, or create one / cambiar de usuario, o crearlo
  /users            list users / ver usuarios
  /loc LAT LON      share a location / compartir ubicación (e.g. /loc -11.9798 -77.0744)
  /file PATH        send a file (a 3W spreadsheet) / enviar un archivo (una planilla 3W)
  N                 press button [N] / pulsar el botón [N]
  /say TEXT         send TEXT as typed, even a number / enviar TEXT tal cual, aunque sea un número
  /quit             exit / salir
Anything else is sent as a message. / Todo lo demás se envía como mensaje."""
NUMBER_HINT = (
    "    (N presses button [N]; /say N sends the text N / N pulsa el botón [N]; /say N envía N)"
)
LOCATION_EXAMPLE = "-11.9798 -77.0744"  # I.E. N° 2045, San Martín de Porres, Lima
FIRST_NEW_USER_ID = 1100


# The bot counts as done once nothing moved (no Bot API call, no update taken) for this long.
SETTLE_QUIET_S = 0.25
SETTLE_MAX_S = 10.0


def render_message(message: SentMessage) -> str:
    """A bot message as readable text: file line, text without markup, numbered buttons."""
    lines: list[str] = []
    if message.kind != "text":
        size = len(message.file_bytes or b"")
        lines.append(f"[{message.kind}: {message.filename or 'unnamed'}, {size} bytes]")
    if message.plain_text:
        lines.append(message.plain_text)
    lines.extend(keyboard_lines(message))
    return "\n".join(lines)


def keyboard_lines(message: SentMessage) -> list[str]:
    """The inline keyboard row by row, each button with the number that presses it; a label
    that is a number is quoted so "[12] «5»" cannot be read as button 5."""
    rows = (inline_markup(message.reply_markup) or {}).get("inline_keyboard", [])
    lines: list[str] = []
    number, numeric = 0, False
    for row in rows:
        cells = []
        for button in row:
            number += 1
            text = str(button.get("text", ""))
            numeric = numeric or text.strip().isdigit()
            cells.append(f"[{number}] «{text}»" if text.strip().isdigit() else f"[{number}] {text}")
        lines.append("  ".join(cells))
    return [*lines, NUMBER_HINT] if numeric else lines


def _indent_continuation(text: str) -> str:
    return text.replace("\n", "\n    ")


class _ChatSession:
    """The state of one terminal chat: who is typing, and how bot output is shown."""

    def __init__(
        self, fake: FakeTelegram, out: Callable[[str], None], users: Sequence[tuple[int, str, str]]
    ) -> None:
        self.fake = fake
        self.out = out
        self.users = [fake.user(uid, name, language_code=lang) for uid, name, lang in users]
        self.current = self.users[0]
        # What each message said when last printed, so an edit that only drops buttons is short.
        self._shown_texts: dict[tuple[int, int], str | None] = {}

    def show_bot_message(self, message: SentMessage, event: str) -> None:
        """on_bot_message hook: print what the bot did, naming the recipient if not us."""
        who = "bot" if message.chat_id == self.current.id else f"bot -> {self._name(message)}"
        if event == "deleted":
            self.out(f"{who}: (deleted message {message.message_id})")
            return
        key = (message.chat_id, message.message_id)
        unchanged_text = event == "edited" and self._shown_texts.get(key) == message.plain_text
        self._shown_texts[key] = message.plain_text
        if unchanged_text and not message.buttons:
            self.out(f"{who} (edited): (buttons removed)")
            return
        edited = " (edited)" if event == "edited" else ""
        self.out(f"{who}{edited}: {_indent_continuation(render_message(message))}")

    def show_callback_answer(self, params: Params) -> None:
        """on_callback_answer hook: the toast or alert the user would see after a tap."""
        if params.get("text"):
            kind = "alert" if params.get("show_alert") else "notice"
            self.out(f"bot ({kind}): {params['text']}")

    def _name(self, message: SentMessage) -> str:
        user = next((u for u in self.users if u.id == message.chat_id), None)
        return user.first_name if user else f"chat {message.chat_id}"

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False means the person wants to leave."""
        command, _, argument = line.partition(" ")
        command = command.lower()
        if not line:
            return True
        if command == "/quit":
            return False
        if command == "/users":
            self._list_users()
        elif command == "/as":
            self._switch_user(argument.strip())
        elif command == "/loc":
            await self._share_location(argument)
        elif command == "/file":
            await self._send_file(argument.strip())
        elif command == "/say" and argument.strip():
            await self.fake.send_text(self.current.id, argument.strip())
        elif line.isdigit() and len(line) <= 2:
            await self._press(int(line))
        else:
            await self.fake.send_text(self.current.id, line)
        await self._wait_for_bot()
        return True

    async def _wait_for_bot(self) -> None:
        """Let the bot answer before the next line is read: matters when lines are piped in,
        and keeps "press 1" pointing at the keyboard the person has just seen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_MAX_S
        seen: tuple[int, int] | None = None
        while loop.time() < deadline:
            activity = (len(self.fake.calls), len(self.fake.pending_updates))
            if activity == seen:
                return
            seen = activity
            await asyncio.sleep(SETTLE_QUIET_S)

    def _list_users(self) -> None:
        for user in self.users:
            marker = "  <- you" if user == self.current else ""
            self.out(f"  {user.first_name} ({user.id}, {user.language_code}){marker}")

    def _switch_user(self, argument: str) -> None:
        """`/as Rosa` switches; `/as Lucía en` creates Lucía (English) on first use."""
        name, _, language = argument.rpartition(" ")
        if language.lower() not in ("es", "en"):
            name, language = argument, "es"
        name = name.strip()
        if not name:
            self.out("Usage / Uso: /as NAME [es|en]   (e.g. /as Lucía)")
            self._list_users()
            return
        found = _find_user(self.users, name) or self._create_user(name, language.lower())
        self.current = found
        self.out(f"You are now {found.first_name}. / Ahora eres {found.first_name}.")

    def _create_user(self, name: str, language: str) -> FakeUser:
        user_id = max([FIRST_NEW_USER_ID - 1, *(user.id for user in self.users)]) + 1
        user = self.fake.user(user_id, name, language_code=language)
        self.users.append(user)
        self.out(f"New user {name} ({user_id}, {language}). / Nuevo usuario {name}.")
        return user

    async def _share_location(self, argument: str) -> None:
        try:
            latitude, longitude = (float(part) for part in argument.split())
        except ValueError:
            self.out(f"Usage / Uso: /loc LAT LON   (e.g. /loc {LOCATION_EXAMPLE})")
            return
        await self.fake.share_location(self.current.id, latitude, longitude)

    async def _send_file(self, argument: str) -> None:
        """Send a local file as a document (coordinators import spreadsheets this way; set
        ADMIN_IDS to a test user's id to try it as an admin)."""
        found = await asyncio.to_thread(_read_local_file, argument)
        if found is None:
            self.out("Usage / Uso: /file PATH   (e.g. /file matriz-3w.xlsx)")
            return
        await self.fake.send_document(self.current.id, *found)

    async def _press(self, number: int) -> None:
        try:
            await self.fake.press(self.current.id, number)
        except LookupError:
            # No such button: the number is what the person meant to say ("5" participants).
            await self.fake.send_text(self.current.id, str(number))
        except ValueError as error:  # a URL or other non-callback button
            self.out(f"(button {number} does not send anything to the bot: {error})")


def _read_local_file(argument: str) -> tuple[str, bytes] | None:
    path = Path(argument).expanduser()
    return (path.name, path.read_bytes()) if argument and path.is_file() else None


def _find_user(users: Sequence[FakeUser], name: str) -> FakeUser | None:
    wanted = name.casefold()
    return next((user for user in users if user.first_name.casefold() == wanted), None)


async def run_chat(
    fake: FakeTelegram,
    lines: AsyncIterator[str],
    out: Callable[[str], None],
    users: Sequence[tuple[int, str, str]] | None = None,
) -> None:
    """Chat with the bot behind `fake`, reading typed `lines` until /quit or their end."""
    session = _ChatSession(fake, out, users or DEFAULT_USERS)
    previous_hooks = fake.on_bot_message, fake.on_callback_answer
    fake.on_bot_message = session.show_bot_message
    fake.on_callback_answer = session.show_callback_answer
    try:
        out(BANNER)
        out(f"You are {session.current.first_name}. / Eres {session.current.first_name}.")
        async for line in lines:
            if not await session.handle(line.strip()):
                break
        out("Bye! / ¡Adiós!")
    finally:
        fake.on_bot_message, fake.on_callback_answer = previous_hooks


async def stdin_lines() -> AsyncIterator[str]:
    """Lines typed on stdin, read in a worker thread so the event loop keeps running.
    Ends at EOF (also when there is no stdin at all, as in CI)."""
    if sys.stdin is None:
        return
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            log.debug("stdin reached EOF")
            return
        yield line.rstrip("\r\n")
