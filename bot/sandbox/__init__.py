"""The sandbox: Minka's own fake Telegram Bot API server on 127.0.0.1 and a terminal chat, so
the real bot runs with no token (`python -m bot sandbox`), with a demo coordinator and demo
activities (`demo.py`) so the web overview shows something at once. Tests and benchmarks use the
fake too.

May import: the composition root (bot.runner, bot.settings) and everything below it. Only
bot.__main__ imports this package (tests and bench/ may).
"""
