"""Minka's application. The top of this package is the composition root: `__main__` (the
command line), `app` (build_application), `runner` (start and stop), `settings` and `logs`.
Below it, packages with one job each; docs/architecture.md shows the layers and what each may
import (checked by `lint-imports`):

- `runtime`: PTB plumbing: the typed context, persistence, per-person concurrency, the send budget;
- `views`: what people read: texts and `t()`, commands, button payloads, keyboards, cards;
- `domain`: the rules, free of Telegram: dates, announcing, school search, the registry import;
- `outbox`: everything the bot sends on its own, and the worker that delivers it;
- `cli`: the operators' commands; `sandbox`: the fake Telegram and the terminal chat.
"""
