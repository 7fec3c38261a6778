"""Minka's HTTP side, served by the bot's own process beside PTB: calendar feeds people's phones
subscribe to (`/cal/<token>.ics`), and the ground the web overview builds on. An ASGI app
(Starlette) run by uvicorn in the bot's event loop, the way python-telegram-bot's
customwebhookbot example does it; PTB's own webhook server, when used, keeps its own port.

May import: bot.runtime, bot.views, bot.domain, storage. Nothing below it imports this package;
only the composition root (bot.runner) starts it.
"""
