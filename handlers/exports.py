"""/exportar: a 3W/4W file of a scope and a period, sent in the chat.

Three taps: the scope (skipped when the person has one), the period (this month, last month,
this year; another period is typed: `/exportar 1501 01/03/2027 31/03/2027`), the format (.xlsx,
or .xlsx and CSV). Each button carries the whole choice so far, so a press works after a
restart, and the last one checks permissions again (a tampered button gets nothing it should
not). The file is built in a temporary folder and deleted once sent.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from telegram import InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.domain.exports import (
    InvalidPeriod,
    InvalidScopeCode,
    PeriodChoice,
    PeriodProblem,
    counted,
    days_period,
    describe_scope,
    export_content,
    file_name,
    may_export,
    parse_day,
    parse_scope_code,
    period_code,
    period_days,
    period_from_code,
    scopes_for,
)
from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.commands import EXPORT
from bot.views.export_files import ExportTooLarge, scope_label, write_csv, write_xlsx
from bot.views.keyboards import Button, column
from bot.views.texts import Markup, label, t
from handlers.common import answering, stale_button
from handlers.conversations import Handler
from storage.exports import ExportScope, Period, ScopeKind

KIND_CODES = {ScopeKind(kind): code for code, kind in cb.SCOPE_CODES.items()}
_PERIOD_PROBLEMS = {
    PeriodProblem.END_BEFORE_START: "export_end_before_start",
    PeriodProblem.TOO_LONG: "export_too_long_period",
}


# Who and what ------------------------------------------------------------------------------


async def allowed(context: MinkaContext, user_id: int, scope: ExportScope) -> bool:
    permissions = await context.storage.roles.permissions(user_id, context.settings.admin_ids)
    member = await context.member()
    org_id = member.organization.id if member and member.organization else None
    ubigeo = None
    if scope.kind is ScopeKind.SCHOOL:
        school = await context.storage.schools.get_by_id(int(scope.value))
        ubigeo = school.ubigeo if school else None
    return may_export(permissions, org_id, scope, ubigeo)


async def own_scopes(context: MinkaContext, user_id: int) -> list[ExportScope]:
    permissions = await context.storage.roles.permissions(user_id, context.settings.admin_ids)
    member = await context.member()
    org_id = member.organization.id if member and member.organization else None
    return scopes_for(permissions, org_id)


async def scope_name(context: MinkaContext, scope: ExportScope, lang: str) -> str:
    return scope_label(await describe_scope(context.storage, scope), lang)


def period_name(period: Period, lang: str, context: MinkaContext) -> str:
    first, last = period_days(period, context.settings.tz)
    return label(lang, "export_period_days", first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}")


async def typed_code(context: MinkaContext, scope: ExportScope) -> str | None:
    """How the person would type the scope in /exportar (None: it cannot be typed)."""
    if scope.kind is ScopeKind.PLACE:
        return scope.value
    if scope.kind is ScopeKind.SCHOOL:
        school = await context.storage.schools.get_by_id(int(scope.value))
        return school.cod_mod if school else None
    return None


# The command ---------------------------------------------------------------------------------


async def export_command(update: Update, context: MinkaContext) -> None:
    message, user = message_of(update), user_of(update)
    lang = await context.language()
    if context.args:
        await export_typed(message, context, user.id, context.args, lang)
        return
    scopes = await own_scopes(context, user.id)
    if not scopes:
        await message.reply_text(t(lang, "export_not_allowed"))
    elif len(scopes) == 1:
        await ask_period(message, context, scopes[0], lang)
    else:
        buttons = [(await scope_name(context, scope, lang), _scope_payload(scope))
                   for scope in scopes]  # fmt: skip
        await message.reply_text(t(lang, "export_pick_scope"), reply_markup=column(buttons))


async def export_typed(
    message: Message, context: MinkaContext, user_id: int, args: list[str], lang: str
) -> None:
    """/exportar CODE [FROM TO]: the scope typed, and maybe the period."""
    if len(args) not in (1, 3):  # one day alone is not a period: ask, do not guess the other
        await message.reply_text(t(lang, "export_usage"))
        return
    scope = await typed_scope(message, context, args[0], lang)
    if scope is None:
        return
    if not await allowed(context, user_id, scope):
        name = await scope_name(context, scope, lang)
        await message.reply_text(t(lang, "export_scope_not_allowed", scope=name))
        return
    if len(args) == 1:
        await ask_period(message, context, scope, lang)
        return
    code = await typed_period(message, args[1], args[2], context, lang)
    if code is not None:
        await ask_format(message, context, scope, code, lang)


async def typed_scope(
    message: Message, context: MinkaContext, text: str, lang: str
) -> ExportScope | None:
    try:
        code = parse_scope_code(text)
    except InvalidScopeCode:
        await message.reply_text(t(lang, "export_usage"))
        return None
    if code.kind is ScopeKind.PLACE and await context.storage.exports.place_exists(code.value):
        return ExportScope(ScopeKind.PLACE, code.value)
    school = await context.storage.exports.school_id_by_code(code.value)
    if code.kind is ScopeKind.SCHOOL and school is not None:
        return ExportScope(ScopeKind.SCHOOL, str(school))
    await message.reply_text(t(lang, "export_scope_unknown", code=text[:20]))
    return None


async def typed_period(
    message: Message, first: str, last: str, context: MinkaContext, lang: str
) -> str | None:
    """The period code of two typed days, or None once the person was told what is wrong."""
    try:
        days = parse_day(first), parse_day(last)
    except InvalidPeriod as exc:
        await message.reply_text(t(lang, "export_bad_day", text=exc.text[:20]))
        return None
    try:
        days_period(*days, context.settings.tz)
    except InvalidPeriod as exc:
        await message.reply_text(t(lang, _PERIOD_PROBLEMS[exc.problem]))
        return None
    return period_code(*days)


# The steps -----------------------------------------------------------------------------------


def _scope_payload(scope: ExportScope) -> cb.ExportScopeChoice:
    return cb.ExportScopeChoice(KIND_CODES[scope.kind], scope.value)


def _scope_of(code: str, value: str) -> ExportScope | None:
    kind = cb.SCOPE_CODES.get(code)
    if kind is None or (kind != "everywhere" and not value.isdigit()):
        return None
    return ExportScope(ScopeKind(kind), value)


async def ask_period(
    message: Message, context: MinkaContext, scope: ExportScope, lang: str, edit: bool = False
) -> None:
    code = KIND_CODES[scope.kind]
    buttons: list[Button] = [
        (label(lang, f"export_btn_{choice.value}"),
         cb.ExportPeriodChoice(code, scope.value, choice.value))
        for choice in PeriodChoice
    ]  # fmt: skip
    text = t(lang, "export_pick_period", scope=await scope_name(context, scope, lang))
    typed = await typed_code(context, scope)
    if typed is not None:
        text = Markup(text + "\n\n" + t(lang, "export_other_period", code=typed))
    send = message.edit_text if edit else message.reply_text
    await send(text, reply_markup=column(buttons))


async def ask_format(
    message: Message,
    context: MinkaContext,
    scope: ExportScope,
    period: str,
    lang: str,
    edit: bool = False,
) -> None:
    code = KIND_CODES[scope.kind]
    buttons: list[Button] = [
        (label(lang, "export_btn_xlsx"), cb.ExportFormatChoice(code, scope.value, period, False)),
        (label(lang, "export_btn_xlsx_csv"),
         cb.ExportFormatChoice(code, scope.value, period, True)),
    ]  # fmt: skip
    resolved = period_from_code(period, context.now(), context.settings.tz)
    text = t(lang, "export_pick_format", scope=await scope_name(context, scope, lang),
             period=period_name(resolved, lang, context))  # fmt: skip
    send = message.edit_text if edit else message.reply_text
    await send(text, reply_markup=column(buttons))


async def on_scope(update: Update, context: MinkaContext) -> None:
    query, user = query_of(update), user_of(update)
    choice = cb.ExportScopeChoice.unpack(query.data)
    scope = _scope_of(choice.scope, choice.value) if choice else None
    if scope is None or not await allowed(context, user.id, scope):
        await stale_button(update, context)
        return
    lang = await context.language()
    async with answering(query):
        await ask_period(message_of(update), context, scope, lang, edit=True)


async def on_period(update: Update, context: MinkaContext) -> None:
    query = query_of(update)
    choice = cb.ExportPeriodChoice.unpack(query.data)
    scope = _scope_of(choice.scope, choice.value) if choice else None
    if choice is None or scope is None or choice.period not in {p.value for p in PeriodChoice}:
        await stale_button(update, context)
        return
    lang = await context.language()
    async with answering(query):
        await ask_format(message_of(update), context, scope, choice.period, lang, edit=True)


async def on_format(update: Update, context: MinkaContext) -> None:
    query, user = query_of(update), user_of(update)
    choice = cb.ExportFormatChoice.unpack(query.data)
    scope = _scope_of(choice.scope, choice.value) if choice else None
    period = _period_or_none(choice.period, context) if choice else None
    if choice is None or scope is None or period is None:
        await stale_button(update, context)
        return
    lang = await context.language()
    if not await allowed(context, user.id, scope):
        await stale_button(update, context)
        return
    if _already_sent(context, query.data if isinstance(query.data, str) else None):
        await query.answer(label(lang, "export_already_sent"))
        return
    async with answering(query):
        await send_export(message_of(update), context, scope, period, choice.with_csv, lang)


def _period_or_none(code: str, context: MinkaContext) -> Period | None:
    try:
        return period_from_code(code, context.now(), context.settings.tz)
    except InvalidPeriod:
        return None


def _already_sent(context: MinkaContext, data: str | None) -> bool:
    """A second press of the same button (the file is on its way or arrived) sends nothing."""
    sent = context.user_data.exports_sent
    if data is None or data in sent:
        return True
    sent[:] = [*sent[-9:], data]
    return False


# The file ------------------------------------------------------------------------------------


async def send_export(
    message: Message,
    context: MinkaContext,
    scope: ExportScope,
    period: Period,
    with_csv: bool,
    lang: str,
) -> None:
    names = {"scope": await scope_name(context, scope, lang),
             "period": period_name(period, lang, context)}  # fmt: skip
    await message.edit_text(t(lang, "export_preparing", **names))
    await message.chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    with tempfile.TemporaryDirectory(prefix="minka-export-") as folder:
        try:
            files = await build_files(Path(folder), context, scope, period, with_csv, lang)
        except ExportTooLarge as exc:
            await message.reply_text(t(lang, "export_too_large", size=exc.size // 1_000_000))
            return
        (xlsx, count), csv_file = files
        caption = t(lang, "export_caption", count=count, **names)
        await message.reply_document(_input(xlsx), caption=caption)
        if csv_file is not None:
            await message.reply_document(_input(csv_file), caption=t(lang, "export_caption_csv"))


async def build_files(
    folder: Path,
    context: MinkaContext,
    scope: ExportScope,
    period: Period,
    with_csv: bool,
    lang: str,
) -> tuple[tuple[Path, int], Path | None]:
    """The .xlsx (and the CSV) in `folder`, and how many activities they hold."""
    tz, exports = context.settings.tz, context.storage.exports
    tally = [0]
    content = await export_content(exports, scope, period)
    content = replace(content, activities=counted(content.activities, tally))
    code = await typed_code(context, scope)
    xlsx = folder / file_name(scope, period, tz, "xlsx", code)
    await write_xlsx(xlsx, content, lang, tz)
    if not with_csv:
        return (xlsx, tally[0]), None
    csv_file = folder / file_name(scope, period, tz, "csv", code)
    await write_csv(csv_file, exports.activities(scope, period), lang, tz)
    return (xlsx, tally[0]), csv_file


def _input(path: Path) -> InputFile:
    return InputFile(path.read_bytes(), filename=path.name)


def handlers() -> list[Handler]:
    """/exportar and its three steps' buttons, in private chats (files of a whole scope are for
    the person who asked, not for a group)."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(EXPORT.names, export_command, private),
        CallbackQueryHandler(on_scope, pattern=cb.ExportScopeChoice.matches()),
        CallbackQueryHandler(on_period, pattern=cb.ExportPeriodChoice.matches()),
        CallbackQueryHandler(on_format, pattern=cb.ExportFormatChoice.matches()),
    ]
