"""How an import of a 3W spreadsheet reads: the preview with its counts, the problems with the
best guesses, the result, and why a file cannot be read. The bot and the command line render
the same texts (the command line as plain text), so they always report the same thing."""

from __future__ import annotations

import html
import re
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.activity_import import ImportPlan, RowProblem, SheetProblem
from bot.domain.dates import format_when
from bot.views import callbacks as cb
from bot.views.activity_views import date_language
from bot.views.texts import Markup, label, t
from storage.activity_imports import ActivitySource, ImportResult

MAX_PROBLEMS_SHOWN = 30
MAX_CHARS = 3800  # the list stays one message (Telegram: 4096), whatever the names' lengths
_TAG = re.compile(r"<[^>]+>")


def as_plain_text(text: str) -> str:
    """A rendered text for a terminal: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def sheet_problem_text(problem: SheetProblem, lang: str, file_name: str) -> Markup:
    return t(lang, f"import_sheet_{problem.value}", file=file_name)


def missing_columns_text(plan: ImportPlan, lang: str) -> Markup:
    names = ", ".join(
        label(lang, f"import_column_{column.value}") for column in plan.missing_columns
    )
    return t(lang, "import_missing_columns", file=plan.file_name, columns=names)


def _problem_counts(plan: ImportPlan, lang: str) -> Markup:
    counts = plan.problem_counts()
    parts = [t(lang, f"import_count_{reason.value}", count=n) for reason, n in counts.items()]
    return Markup("".join(f"; {part}" for part in parts))


def preview_text(plan: ImportPlan, lang: str) -> Markup:
    """ "412 filas: 398 actividades reconocidas en 171 escuelas de tu ámbito; 9 escuelas no
    encontradas; …" and what importing would change."""
    if plan.missing_columns:
        return missing_columns_text(plan, lang)
    effect = plan.effect or ImportResult(0)
    sheet = t(lang, "import_preview_sheet", sheet=plan.sheet) if plan.sheet else ""
    text = t(
        lang, "import_preview", file=plan.file_name, sheet=sheet, rows=plan.total_rows,
        activities=len(plan.rows), schools=plan.schools, problems=_problem_counts(plan, lang),
        new_orgs=len(plan.new_organizations), inserted=effect.inserted, updated=effect.updated,
        unchanged=effect.unchanged,
    )  # fmt: skip
    if plan.merged_cells_filled:
        text = Markup(text + t(lang, "import_preview_merged", count=plan.merged_cells_filled))
    if not plan.rows:
        text = Markup(text + t(lang, "import_nothing_to_import"))
    return text


def preview_buttons(import_id: int, plan: ImportPlan, lang: str) -> InlineKeyboardMarkup:
    def button(key: str, action: str) -> InlineKeyboardButton:
        data = cb.ImportAction(import_id, action).pack()
        return InlineKeyboardButton(label(lang, key), callback_data=data)

    first = [button("btn_import_problems", cb.IMPORT_PROBLEMS)] if plan.problems else []
    second = [button("btn_import_run", cb.IMPORT_RUN)] if plan.rows else []
    return InlineKeyboardMarkup([first + second + [button("btn_import_cancel", cb.IMPORT_CANCEL)]])


def problem_line(problem: RowProblem, lang: str) -> Markup:
    reason = label(lang, f"import_reason_{problem.reason.value}")
    line = t(lang, "import_problem_line", row=problem.row_number, value=problem.value,
             reason=reason)  # fmt: skip
    guess = problem.guess
    if guess is None:
        return line
    return Markup(
        line
        + t(
            lang,
            "import_problem_guess",
            code=guess.code,
            name=f"{guess.name} ({guess.level})" if guess.level else guess.name,
            district=(guess.district or "").title(),
        )
    )


def problems_text(
    plan: ImportPlan, lang: str, limit: int = MAX_PROBLEMS_SHOWN, max_chars: int = MAX_CHARS
) -> Markup:
    """The first problems, each with its row, reason and best guess, within one message."""
    if not plan.problems:
        return t(lang, "import_problems_none")
    lines = [t(lang, "import_problems_title", file=plan.file_name, count=len(plan.problems))]
    size = len(lines[0])
    for problem in plan.problems[:limit]:
        line = problem_line(problem, lang)
        size += len(line) + 1
        if size > max_chars:
            break
        lines.append(line)
    shown = len(lines) - 1
    if len(plan.problems) > shown:
        lines.append(t(lang, "import_problems_more", count=len(plan.problems) - shown))
    return Markup("\n".join(lines))


def result_text(result: ImportResult, file_name: str, lang: str) -> Markup:
    return t(
        lang, "import_done", file=file_name, inserted=result.inserted, updated=result.updated,
        unchanged=result.unchanged, skipped=result.skipped,
        new_orgs=result.organizations_created,
    )  # fmt: skip


def source_text(source: ActivitySource, lang: str, tz: ZoneInfo) -> Markup:
    if source.importer_id is not None:
        who = source.importer_name or str(source.importer_id)
    else:
        who = label(lang, "import_operator" if source.by_operator else "import_forgotten")
    when = format_when(source.imported_at, date_language(lang), tz=tz)
    return t(lang, "import_source", file=source.file_name, row=source.row_number, who=who,
             day=when)  # fmt: skip
