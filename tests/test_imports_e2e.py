"""A coordinator sends her 3W spreadsheet to the bot over real HTTP (the fake Telegram): the
preview with its problems, the import, a re-send that changes nothing, a corrected copy that
changes only its rows; followers hear once; outsiders, corrupt and oversized files, a button
pressed twice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.generate_3w import (
    GeneratedRow,
    example_row,
    generate_rows,
    narrow_xlsx,
    schools_from_registry_csv,
    write_csv,
    write_xlsx,
)
from bot.app import MinkaApplication
from bot.domain.registry_import import load_sample_schools
from bot.runner import running
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from bot.settings import Settings
from bot.views import callbacks as cb
from storage import Storage
from storage.roles import RoleName
from tests.helpers import (
    NOW,
    ROOT,
    outbox_busy,
    register_ngo,
    register_teacher,
    say,
    set_clock,
    storage_of,
    tap,
)

COORDINATOR, ROSA, OUTSIDER, LUIS = 3001, 1001, 1002, 1003
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def frozen_clock(request: pytest.FixtureRequest) -> None:
    """The running bot's clock at NOW (the restart test starts its own bots)."""
    if "bot" in request.fixturenames:
        set_clock(request.getfixturevalue("bot"), NOW)


def sheet_rows() -> list[GeneratedRow]:
    """Two upcoming activities at Rosa's school, then generated rows all over the sample
    registry (some outside Lima, some with planted problems)."""
    schools = schools_from_registry_csv(ROOT / "bot" / "data" / "sample_schools.csv")
    mine = [
        example_row(start="10/12/2026", end="11/12/2026"),
        example_row(activity="Campaña de salud bucal", sector="Salud", start="2026-12-03"),
    ]
    return mine + generate_rows(schools, 60, today=NOW.date(), problem_share=0.1)


async def lima_coordinator(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_ngo(fake, COORDINATOR, "Elena", "UGEL 02")
    await storage_of(bot).roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="1501")


async def send_file(fake: FakeTelegram, user: int, name: str, data: bytes) -> SentMessage:
    await fake.send_document(user, name, data, XLSX)
    return await fake.next_message(user, timeout=60)


async def rosa_follows_her_school(fake: FakeTelegram) -> None:
    """From the school's card, as people do."""
    await register_teacher(fake, ROSA)
    await say(fake, ROSA, "/start s_9000001_0")
    await tap(fake, ROSA, "🔔 Seguir")


def summaries(fake: FakeTelegram) -> list[SentMessage]:
    return [m for m in fake.messages(ROSA) if "importó" in (m.plain_text or "")]


async def test_preview_problems_import_resend_and_correction(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await lima_coordinator(fake, bot)
    await rosa_follows_her_school(fake)
    rows = sheet_rows()
    data = write_xlsx(rows)

    preview = await send_file(fake, COORDINATOR, "3w.xlsx", data)
    assert f"{len(rows)} filas:" in preview.plain_text
    assert "actividades reconocidas en" in preview.plain_text
    assert "fuera de tu ámbito" in preview.plain_text  # Puno and Cusco rows
    assert "organizaciones nuevas (no verificadas)" in preview.plain_text
    assert preview.button_labels == ["Ver problemas", "Importar", "Cancelar"]
    new = int(preview.plain_text.split("Si importas: ")[1].split(" nuevas")[0])

    problems = await tap(fake, COORDINATOR, "Ver problemas")
    assert "Problemas de «3w.xlsx»" in problems.plain_text
    assert "fila " in problems.plain_text and "fuera de tu ámbito" in problems.plain_text

    done = await tap(fake, COORDINATOR, "Importar")
    assert f"Importé «3w.xlsx»: {new} nuevas, 0 actualizadas, 0 sin cambios" in done.plain_text
    await fake.wait_until(lambda: bool(summaries(fake)) and not outbox_busy(bot), timeout=20)
    (summary,) = summaries(fake)  # one message for the whole import, not one per row
    assert "Elena importó" in summary.plain_text and "Campaña de salud bucal" in summary.plain_text

    again = await send_file(fake, COORDINATOR, "3w.xlsx", data)
    assert f"Si importas: 0 nuevas, 0 actualizadas, {new} sin cambios" in again.plain_text
    unchanged = await tap(fake, COORDINATOR, "Importar")
    assert f"0 nuevas, 0 actualizadas, {new} sin cambios" in unchanged.plain_text

    corrected = [replace(rows[0], reached=77, end="12/12/2026"), *rows[1:]]
    fixed_preview = await send_file(fake, COORDINATOR, "3w-corregido.xlsx", write_xlsx(corrected))
    assert f"0 nuevas, 1 actualizada, {new - 1} sin cambios" in fixed_preview.plain_text
    fixed = await tap(fake, COORDINATOR, "Importar")
    assert f"0 nuevas, 1 actualizada, {new - 1} sin cambios" in fixed.plain_text
    await fake.wait_until(lambda: len(summaries(fake)) == 2 and not outbox_busy(bot), timeout=20)
    assert "Taller de lectura" in summaries(fake)[-1].plain_text  # only the changed row

    # "Importar" pressed again on the first preview: told, nothing written.
    await fake.press_button(COORDINATOR, preview.message_id, preview.buttons[1]["callback_data"])
    await fake.wait_until(lambda: "ya se importó" in str(fake.callback_answers[-1].get("text")))


async def test_cancel_and_a_forged_button(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await lima_coordinator(fake, bot)
    await send_file(fake, COORDINATOR, "3w.xlsx", write_xlsx([example_row()]))
    cancelled = await tap(fake, COORDINATOR, "Cancelar")
    assert "no importé «3w.xlsx»" in cancelled.plain_text
    forged = cb.ImportAction(999, cb.IMPORT_RUN).pack()
    await fake.press_button(COORDINATOR, cancelled.message_id, forged)
    await fake.wait_until(lambda: len(fake.callback_answers) >= 2)
    assert (
        storage_of(bot) and await storage_of(bot).db.scalar("SELECT count(*) FROM activities") == 0
    )


async def test_an_outsider_is_refused(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, OUTSIDER)
    refused = await send_file(fake, OUTSIDER, "3w.xlsx", write_xlsx([example_row()]))
    assert "Solo los coordinadores y administradores pueden importar" in refused.plain_text


async def test_corrupt_and_oversized_files(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await lima_coordinator(fake, bot)
    corrupt = await send_file(fake, COORDINATOR, "3w.xlsx", write_xlsx([example_row()])[:700])
    assert "el archivo parece dañado" in corrupt.plain_text
    for name, many in (
        ("grande.xlsx", narrow_xlsx(25_000)),
        ("grande.csv", write_csv([example_row()] * 25_000, delimiter=",")),
    ):
        too_many = await send_file(fake, COORDINATOR, name, many)
        assert f"«{name}» tiene más de 20 000 filas" in too_many.plain_text
    fake.fail_next("getFile", status=400, description="Bad Request: invalid file_id")
    lost = await send_file(fake, COORDINATOR, "3w.xlsx", write_xlsx([example_row()]))
    assert "No pude descargar «3w.xlsx» de Telegram" in lost.plain_text
    huge = await send_file(fake, COORDINATOR, "enorme.csv", b"x" * (11 * 1024 * 1024))
    assert "pesa más de 10 MB" in huge.plain_text
    assert await storage_of(bot).db.scalar("SELECT count(*) FROM activity_imports") == 0


async def test_an_imported_activity_shows_where_it_came_from(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await lima_coordinator(fake, bot)
    await send_file(fake, COORDINATOR, "3w.xlsx", write_xlsx([example_row(start="10/12/2026")]))
    await tap(fake, COORDINATOR, "Importar")
    await register_ngo(fake, LUIS, "Luis", "Fundación Ayni")  # joins the imported organization
    listing = await say(fake, LUIS, "/actividades")
    (button,) = listing.button_labels
    assert "Taller de lectura" in button
    shown = await tap(fake, LUIS, button)
    assert "Importada de «3w.xlsx», fila 5, por Elena" in shown.plain_text
    assert "jueves 10 de diciembre de 2026 – todo el día" in shown.plain_text  # no midnights
    card = await say(fake, LUIS, "/start s_9000001_0")  # the school's card lists it by day
    assert "jue 10/12 — Taller de lectura" in card.plain_text, card.plain_text
    assert "0:00" not in card.plain_text


async def test_importar_works_after_a_restart(fake: FakeTelegram, settings: Settings) -> None:
    """The preview's buttons outlive the process: the pending import is in the database and
    the file is fetched again from Telegram."""
    storage = Storage(settings.database_path)
    await storage.open()
    await load_sample_schools(storage)
    await storage.roles.grant(COORDINATOR, RoleName.COORDINATOR, scope_ubigeo="1501")
    await storage.close()
    fake.user(COORDINATOR, "Elena")
    async with running(settings) as first:
        set_clock(first, NOW)
        preview = await send_file(fake, COORDINATOR, "3w.xlsx", write_xlsx([example_row()]))
        assert "Si importas: 1 nueva," in preview.plain_text
    async with running(settings) as second:
        set_clock(second, NOW)
        done = await tap(fake, COORDINATOR, "Importar")
        assert "Importé «3w.xlsx»: 1 nueva," in done.plain_text
        assert await storage_of(second).db.scalar("SELECT count(*) FROM activities") == 1
