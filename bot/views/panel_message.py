"""/panel's reply: the one-time link for a computer and, where Telegram allows it, the Web App
button for the phone.

Telegram opens Web Apps only from https addresses, so the button is offered only when the web
server's public address is https (PUBLIC_URL behind a reverse proxy); the sandbox and a bot
without PUBLIC_URL give the link alone, which opens in a browser on the same machine.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.views.texts import Markup, label, t

PANEL_PATH = "/panel"


def panel_link(public_url: str, token: str) -> str:
    return f"{public_url}{PANEL_PATH}/enter/{token}"


def panel_text(lang: str, public_url: str, token: str) -> Markup:
    """The link, and a word on the Web App button when there is one (https only)."""
    key = "panel_intro" if public_url.startswith("https://") else "panel_intro_link_only"
    return t(lang, key, url=panel_link(public_url, token))


def panel_keyboard(lang: str, public_url: str) -> InlineKeyboardMarkup | None:
    if not public_url.startswith("https://"):
        return None
    app = WebAppInfo(url=f"{public_url}{PANEL_PATH}/webapp")
    button = InlineKeyboardButton(label(lang, "panel_btn_open"), web_app=app)
    return InlineKeyboardMarkup([[button]])
