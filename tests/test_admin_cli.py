"""The operator's administration commands, run as `python -m bot ...` processes against a real
database file: grant, revoke, roles, audit, merge-orgs, ban and unban, and their mistakes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.domain.registry_import import load_sample_schools
from storage import Storage
from storage.models import OrgKind
from tests.helpers import run_cli

ROSA, LUIS, ADMIN = 101, 102, 900


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    """Schools, two members (Rosa shares her @username), an organization and its duplicate."""
    path = tmp_path / "minka.db"
    storage = Storage(path)
    await storage.open()
    try:
        await load_sample_schools(storage)
        for user_id, name in ((ROSA, "Rosa Quispe"), (LUIS, "Luis Mamani")):
            await storage.members.record_consent(user_id, "es")
            await storage.members.set_name(user_id, name)
        await storage.members.set_contact_sharing(ROSA, "RosaQuispe")
        ayni = await storage.organizations.create("Fundación Ayni", OrgKind.NGO, ROSA)
        duplicate = await storage.organizations.create("Ayni Perú", OrgKind.NGO, LUIS)
        await storage.members.join_organization(LUIS, duplicate.id)
        await storage.members.join_organization(ROSA, ayni.id)
    finally:
        await storage.close()
    return path


def minka(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_PATH": str(database), "ADMIN_IDS": str(ADMIN)}
    return run_cli(*args, env=env, cwd=database.parent)


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_grant_roles_revoke_and_audit(database: Path) -> None:
    granted = minka(database, "grant", str(ROSA), "coordinator", "--scope", "1501")
    assert granted.returncode == 0, granted.stderr
    assert "101 (Rosa Quispe) is coordinator (1501 Lima, Lima)" in granted.stdout
    by_name = minka(database, "grant", "@rosaquispe", "coordinator", "--org", "fundacion ayni")
    assert "organization Fundación Ayni" in by_name.stdout
    assert "have not started the bot" in minka(database, "grant", "555", "admin").stdout

    table = minka(database, "roles").stdout.splitlines()
    assert table[0].split() == ["USER", "ID", "NAME", "ROLE", "SCOPE", "GRANTED", "BY", "WHEN"]
    assert any(line.startswith("900") and "ADMIN_IDS" in line for line in table)
    assert any("Rosa Quispe" in line and "1501 Lima, Lima" in line for line in table)
    assert any(line.startswith("555") and "admin" in line for line in table)

    revoked = minka(database, "revoke", str(ROSA), "coordinator", "--scope", "1501")
    assert revoked.returncode == 0 and "Revoked 1 coordinator" in revoked.stdout
    again = minka(database, "revoke", str(ROSA), "coordinator", "--scope", "1501")
    assert_clean_error(again, 1, "no such coordinator grant")

    audit = minka(database, "audit", "--limit", "2")
    lines = audit.stdout.splitlines()
    assert audit.returncode == 0 and len(lines) == 3  # header and two entries, newest first
    assert "revoke" in lines[1] and "command line" in lines[1] and "user:101" in lines[1]
    assert "grant" in lines[2] and "user:555" in lines[2]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("grant", "@nobody", "coordinator"), "Unknown user '@nobody'"),
        (("grant", "Rosa", "coordinator"), "Unknown user"),
        (("grant", "101", "coordinator", "--scope", "1a"), "2, 4 or 6 digits"),
        (("grant", "101", "coordinator", "--scope", "99"), "no school in the registry"),
        (("grant", "101", "coordinator", "--org", "Nadie"), "Unknown organization 'Nadie'"),
        (("grant", "101", "admin", "--scope", "15"), "admins act everywhere"),
        (("grant", "101", "coordinator", "--scope", "15", "--org", "1"), "not both"),
        (("merge-orgs", "Fundación Ayni", "fundacion ayni"), "are the same organization"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    database: Path, args: tuple[str, ...], words: str
) -> None:
    assert_clean_error(minka(database, *args), 2, words)
    assert "grant" not in minka(database, "audit").stdout  # nothing was changed


def test_merge_orgs_by_name(database: Path) -> None:
    merged = minka(database, "merge-orgs", "Fundación Ayni", "Ayni Peru")
    assert merged.returncode == 0, merged.stderr
    assert "Merged Ayni Perú (#2) into Fundación Ayni (#1): 1 members" in merged.stdout
    listed = minka(database, "audit").stdout
    assert "merge_organizations" in listed and '"dropped_name": "Ayni Perú"' in listed
    assert_clean_error(minka(database, "merge-orgs", "1", "2"), 2, "Unknown organization '2'")


def test_ban_and_unban(database: Path) -> None:
    banned = minka(database, "ban", "@RosaQuispe", "--reason", "spam")
    assert banned.returncode == 0 and "101 (Rosa Quispe) is banned." in banned.stdout
    assert "already banned" in minka(database, "ban", str(ROSA)).stdout
    assert "no longer banned" in minka(database, "unban", str(ROSA)).stdout
    assert_clean_error(minka(database, "unban", str(ROSA)), 1, "was not banned")
    audit = minka(database, "audit").stdout
    assert "unban" in audit and '"reason": "spam"' in audit


def test_roles_on_a_fresh_database_and_no_database(database: Path, tmp_path: Path) -> None:
    assert "900" in minka(database, "roles").stdout  # ADMIN_IDS, even before any grant
    missing = minka(tmp_path / "typo.db", "roles")
    assert_clean_error(missing, 1, "No database at")
    assert not (tmp_path / "typo.db").exists()  # a typo does not create an empty database
    help_text = run_cli("--help", cwd=tmp_path).stdout
    for command in ("grant", "revoke", "roles", "audit", "merge-orgs", "ban", "unban"):
        assert command in help_text
