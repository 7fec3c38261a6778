"""Operators' commands behind `python -m bot`: one module per group (schools, backup, admin).

May import: bot.settings, bot.views, bot.domain, storage. Only bot.__main__ imports this package.
"""
