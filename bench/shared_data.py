"""Where the project's shared files are: data nobody on the project wrote (real registry rows,
two parsers' Spanish date corpora), read from there by tests and benchmarks, never copied in.

They are `../shared` from the checkout (CI and every session have them there). A clone made
elsewhere from a local checkout (the README's quick start run in a fresh temporary folder) finds
them as `../shared` from the checkout it was cloned from.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    here = ROOT.parent / "shared"
    if here.is_dir():
        return here
    origin = subprocess.run(
        ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    cloned_from = Path(origin).parent / "shared" if origin and Path(origin).is_dir() else here
    return cloned_from if cloned_from.is_dir() else here


REALWORLD = shared_dir() / "data" / "realworld"
