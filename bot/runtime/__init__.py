"""PTB plumbing every handler runs on: the typed `MinkaContext` (the person's language cached
per update, typed user_data), typed accessors for the parts of an update (`updates`),
conversation persistence in SQLite, per-person update concurrency, the one send budget (which
also records the questions flows ask and folds a tapped prompt into the next one), and the
observed Application (each update processed once and logged in one line).

May import: bot.views, bot.domain, storage, telegram. Not handlers, bot.outbox (except for type
checking), the cli or the sandbox.
"""
