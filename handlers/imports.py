"""A coordinator sends her 3W spreadsheet (.xlsx or .csv) as a file: the bot previews what it
recognised ([Ver problemas] [Importar] [Cancelar]) and imports it in one transaction.

Nothing of the file is kept in memory between the preview and the buttons: the pending import
is a row with the file's Telegram file_id and hash, so "Importar" after a restart downloads the
same file again, checks it is the same, and plans it again with the person's current
permissions. A second press finds the import done and says so.
"""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.domain.activity_import import (
    MAX_FILE_BYTES,
    ImportPlan,
    PlanContext,
    SheetProblem,
    UnreadableSheet,
    file_hash,
    preview,
    run_import,
)
from bot.outbox.hooks import wake_delivery
from bot.outbox.import_summary import tell_import_followers
from bot.runtime.context import MinkaContext
from bot.runtime.updates import chat_of, document_of, message_of, query_of, user_of
from bot.views import callbacks as cb
from bot.views.import_views import (
    preview_buttons,
    preview_text,
    problems_text,
    result_text,
    sheet_problem_text,
)
from bot.views.texts import label, t
from handlers.common import stale_button
from handlers.conversations import Handler
from storage.activity_imports import ActivityImport, ImportNotPending, ImportResult, ImportStatus
from storage.roles import Permissions

DEFAULT_FILE_NAME = "planilla"


async def permissions_to_import(update: Update, context: MinkaContext) -> Permissions | None:
    """Coordinators and admins may import; None for anyone else."""
    user_id = user_of(update).id
    permissions = await context.storage.roles.permissions(user_id, context.settings.admin_ids)
    return permissions if permissions.is_admin or permissions.is_coordinator else None


async def download(update: Update, context: MinkaContext, file_id: str, name: str) -> bytes | None:
    """The file's bytes; None after telling the person Telegram would not hand it over (a
    file_id Telegram no longer knows, a file over its 20 MB download limit)."""
    try:
        telegram_file = await context.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())
    except BadRequest:
        lang = await context.language()
        await chat_of(update).send_message(t(lang, "import_download_failed", file=name))
        return None


async def plan_or_explain(
    update: Update, context: MinkaContext, name: str, data: bytes, permissions: Permissions
) -> ImportPlan | None:
    """The plan, or None after telling the person why the file cannot be read."""
    lang = await context.language()
    plan_context = PlanContext(context.storage, permissions, context.settings.tz, context.now())
    try:
        return await preview(name, data, plan_context)
    except UnreadableSheet as exc:
        await chat_of(update).send_message(sheet_problem_text(exc.problem, lang, name))
        return None


async def on_document(update: Update, context: MinkaContext) -> None:
    message, document = message_of(update), document_of(update)
    lang = await context.language()
    name = document.file_name or DEFAULT_FILE_NAME
    permissions = await permissions_to_import(update, context)
    if permissions is None:
        await message.reply_text(t(lang, "import_not_allowed"))
        return
    if (document.file_size or 0) > MAX_FILE_BYTES:  # refused before downloading it
        await message.reply_text(sheet_problem_text(SheetProblem.TOO_BIG, lang, name))
        return
    data = await download(update, context, document.file_id, name)
    if data is not None:
        await preview_file(update, context, name, data, permissions)


async def preview_file(
    update: Update, context: MinkaContext, name: str, data: bytes, permissions: Permissions
) -> None:
    """Reply with what the file holds and the buttons, keeping it as a pending import."""
    lang, message = await context.language(), message_of(update)
    plan = await plan_or_explain(update, context, name, data, permissions)
    if plan is None:
        return
    if plan.missing_columns:
        await message.reply_text(preview_text(plan, lang))
        return
    pending = await context.storage.activity_imports.create_pending(
        user_of(update).id, name, file_hash(data), document_of(update).file_id
    )
    buttons = preview_buttons(pending.id, plan, lang)
    await message.reply_text(preview_text(plan, lang), reply_markup=buttons)


# The buttons under the preview --------------------------------------------------------------


async def on_import_button(update: Update, context: MinkaContext) -> None:
    query = query_of(update)
    choice = cb.ImportAction.unpack(query.data)
    record = await context.storage.activity_imports.get(choice.import_id) if choice else None
    if choice is None or record is None or record.importer_id != user_of(update).id:
        await stale_button(update, context)  # tampered, or someone else's import
        return
    if record.status is not ImportStatus.PENDING:
        await answer_not_pending(update, context, record.status)
        return
    if choice.action == cb.IMPORT_CANCEL:
        await cancel(update, context, record)
    elif choice.action in (cb.IMPORT_PROBLEMS, cb.IMPORT_RUN):
        await query.answer()
        await plan_again(update, context, record, run=choice.action == cb.IMPORT_RUN)
    else:
        await stale_button(update, context)


async def answer_not_pending(update: Update, context: MinkaContext, status: ImportStatus) -> None:
    lang = await context.language()
    key = (
        "import_already_imported" if status is ImportStatus.IMPORTED else "import_already_cancelled"
    )
    await query_of(update).answer(label(lang, key), show_alert=True)


async def cancel(update: Update, context: MinkaContext, record: ActivityImport) -> None:
    lang = await context.language()
    try:
        await context.storage.activity_imports.cancel(record.id, record.importer_id)
    except ImportNotPending as exc:
        await answer_not_pending(update, context, exc.status)
        return
    await query_of(update).answer()
    await message_of(update).edit_reply_markup(reply_markup=None)
    await chat_of(update).send_message(t(lang, "import_cancelled", file=record.file_name))


async def plan_again(
    update: Update, context: MinkaContext, record: ActivityImport, *, run: bool
) -> None:
    """Download the previewed file again and plan it with today's permissions; then list its
    problems, or import it."""
    lang = await context.language()
    permissions = await permissions_to_import(update, context)
    if permissions is None:
        await chat_of(update).send_message(t(lang, "import_not_allowed"))
        return
    data = await same_file_again(update, context, record)
    if data is None:
        return
    plan = await plan_or_explain(update, context, record.file_name, data, permissions)
    if plan is None:
        return
    if run:
        await import_plan(update, context, record, plan)
    else:
        await chat_of(update).send_message(problems_text(plan, lang))


async def same_file_again(
    update: Update, context: MinkaContext, record: ActivityImport
) -> bytes | None:
    """The previewed file, fetched again and checked to be the same; None after saying why not."""
    lang = await context.language()
    if record.file_id is None:  # imported from the command line: no file to fetch again
        await chat_of(update).send_message(t(lang, "import_gone"))
        return None
    data = await download(update, context, record.file_id, record.file_name)
    if data is not None and file_hash(data) != record.file_hash:
        await chat_of(update).send_message(t(lang, "import_file_changed"))
        return None
    return data


async def import_plan(
    update: Update, context: MinkaContext, record: ActivityImport, plan: ImportPlan
) -> None:
    lang, importer = await context.language(), user_of(update)
    plan_context = PlanContext(context.storage, None, context.settings.tz, context.now())
    try:
        result = await run_import(record.id, plan, plan_context, importer_id=importer.id)
    except ImportNotPending as exc:  # pressed twice at once: the first one imported
        done = exc.status is ImportStatus.IMPORTED
        key = "import_already_imported" if done else "import_already_cancelled"
        await chat_of(update).send_message(t(lang, key))
        return
    await message_of(update).edit_reply_markup(reply_markup=None)
    await chat_of(update).send_message(result_text(result, record.file_name, lang))
    await tell_followers_of(update, context, result)


async def tell_followers_of(update: Update, context: MinkaContext, result: ImportResult) -> None:
    """One summary per following chat, signed with the importer's name."""
    member, importer = await context.member(), user_of(update)
    who = member.name if member is not None and member.name else importer.first_name
    settings = context.settings
    await tell_import_followers(
        context.storage, result, tz=settings.tz, default_language=settings.default_language,
        importer_id=importer.id, who=who,
    )  # fmt: skip
    wake_delivery(context)


def handlers() -> list[Handler]:
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(filters.Document.ALL & private, on_document),
        CallbackQueryHandler(on_import_button, pattern=cb.ImportAction.matches()),
    ]
