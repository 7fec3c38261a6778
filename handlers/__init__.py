"""Telegram-facing handlers, one module per feature, thin: read the update, call a service or
storage, render a view, reply. Each feature module exposes `handlers()`; `registry` orders them;
`conversations` is the framework every guided flow is built with.

May import: bot.runtime, bot.views, bot.domain, bot.outbox, storage, telegram. Not bot.app, the
cli or the sandbox.
"""
