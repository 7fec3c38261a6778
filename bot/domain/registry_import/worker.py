"""The second process of a parallel import: it reads and classifies a big file while the first
one writes (only a process gets its own core past the GIL)."""

from __future__ import annotations

import asyncio
import pickle
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import cast

from bot.domain.registry_import.classifying import Chunk, RowClassifier
from bot.domain.registry_import.reading import open_registry

WORKER_CHUNK = 5000  # rows per message from the reader process


async def chunks_from_worker(
    path: Path, encoding: str, known: Mapping[tuple[str, str], str], include_inactive: bool
) -> AsyncIterator[Chunk]:
    """Classify in a second process while this one writes: the two halves of an import take
    about the same time, and only a process gets its own core past the GIL.

    The worker is `python -c ...` on a pipe (not multiprocessing, whose spawn re-runs the
    caller's main script). Messages are length-prefixed pickles; both ends are this module."""
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _WORKER_COMMAND, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert worker.stdin is not None and worker.stdout is not None  # both are PIPE
    try:
        worker.stdin.write(_frame((str(path), encoding, dict(known), include_inactive)))
        await worker.stdin.drain()
        worker.stdin.close()
        while (item := await _receive(worker.stdout)) is not None:
            yield item
        await worker.wait()
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()


_WORKER_COMMAND = (
    "from bot.domain.registry_import.worker import classify_in_worker; classify_in_worker()"
)


def _frame(item: object) -> bytes:
    payload = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    return len(payload).to_bytes(8, "little") + payload


async def _receive(stream: asyncio.StreamReader) -> Chunk | None:
    try:
        size = int.from_bytes(await stream.readexactly(8), "little")
        item = pickle.loads(await stream.readexactly(size))  # our own child: trusted
    except asyncio.IncompleteReadError:
        raise RuntimeError("the registry reader process stopped unexpectedly") from None
    if isinstance(item, str):
        raise RuntimeError(f"the registry reader process failed: {item}")
    return cast(Chunk | None, item)


def classify_in_worker() -> None:
    """The second process of a parallel import: read the job from stdin, send chunks of
    classified rows to stdout, then None; or the error as text (exceptions may not pickle)."""
    source_in, out = sys.stdin.buffer, sys.stdout.buffer
    path, encoding, known, include_inactive = pickle.loads(
        source_in.read(int.from_bytes(source_in.read(8), "little"))
    )
    try:
        classifier = RowClassifier(known, include_inactive)
        with open_registry(Path(path), encoding=encoding) as source:
            while (chunk := classifier.classify_chunk(source.rows, WORKER_CHUNK)).rows:
                for record in chunk.records:
                    _ = record.search_keys  # cached on the record: computed on this core
                out.write(_frame(chunk))
        out.write(_frame(None))
    except Exception as exc:  # reported to the parent, which raises it there
        out.write(_frame(f"{type(exc).__name__}: {exc}"))
    out.flush()
