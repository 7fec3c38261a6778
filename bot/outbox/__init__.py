"""Everything Minka sends on its own, and its delivery: follower notifications (fan-out),
reminders, check-ins, daily digests, broadcast reports, and the worker that drains the
outbox table within Telegram's limits.

May import: bot.runtime, bot.views, bot.domain, storage, telegram. Not handlers, the cli or the
sandbox.
"""
