"""What people read and press: the text catalogs and `t()` (which escapes every value), the
command registry, typed button payloads, keyboards, deep links, QR codes, school and activity
views. Pure rendering: no database, no sending.

May import: bot.domain, storage (its dataclasses), telegram (markup types). Not handlers,
bot.runtime, bot.outbox, the cli or the sandbox.
"""
