"""The sandbox serves calendar feeds on 127.0.0.1: a newcomer registers in the terminal chat,
asks /calendario, and the link it prints opens while the sandbox runs (a real process)."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import httpx
import icalendar

from tests.helpers import ROOT, clean_environment

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/cal/[A-Za-z0-9_-]+\.ics)")


async def read_until(process: asyncio.subprocess.Process, pattern: str) -> str:
    """The sandbox's output up to the first line matching `pattern`."""
    assert process.stdout is not None
    seen = ""
    while not re.search(pattern, seen):
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            raise AssertionError(f"the sandbox ended before {pattern!r}:\n{seen}")
        seen += line.decode()
    return seen


async def type_line(process: asyncio.subprocess.Process, text: str) -> None:
    assert process.stdin is not None
    process.stdin.write(text.encode() + b"\n")
    await process.stdin.drain()


async def test_a_feed_link_from_the_sandbox_opens(tmp_path: Path) -> None:
    env = {**clean_environment(), "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--database", str(tmp_path / "sandbox.db"),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        for typed, answer in (("/start", r"\[1\] Acepto"), ("1", r"Usar"), ("1", r"Docente"),
                              ("1", r"Lo digo después"), ("1", r"/anunciar|/ayuda")):  # fmt: skip
            await type_line(process, typed)
            await read_until(process, answer)
        await type_line(process, "/calendario")
        match = LINK.search(await read_until(process, LINK.pattern))
        assert match is not None
        async with httpx.AsyncClient() as client:
            response = await client.get(match.group(1))
        assert response.status_code == 200
        assert (
            icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"] == "Minka: lo que sigo"
        )
        await type_line(process, "/quit")
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
