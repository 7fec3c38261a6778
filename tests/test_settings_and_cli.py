"""Settings errors, the missing-token path and the CLI, as a person would meet them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_PATH", "ADMIN_IDS", "TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_path == Path("minka.db")
    assert settings.default_language == "es" and settings.timezone == "America/Lima"
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert not settings.has_token and settings.admin_ids == []


@pytest.mark.parametrize(
    ("value", "expected"), [("1", [1]), ("1, 22 ,333", [1, 22, 333]), ("", []), (" ", [])]
)
def test_admin_ids_are_comma_separated(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: list[int]
) -> None:
    monkeypatch.setenv("ADMIN_IDS", value)
    assert load_settings(_env_file=None).admin_ids == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ADMIN_IDS", "abc", "ADMIN_IDS"),
        ("ADMIN_IDS", "12,x3", "'x3' is not a Telegram user id"),
        ("TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE"),
        ("WEBHOOK_PORT", "99999", "WEBHOOK_PORT"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "http"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL"),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        load_settings(_env_file=None)


def test_webhook_requires_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://example.org/minka")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(_env_file=None)


def test_token_is_secret_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:very-secret")
    settings = load_settings(_env_file=None)
    assert "very-secret" not in repr(settings) and settings.token == "123:very-secret"


def test_missing_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 1
    assert "@BotFather" in result.stderr and "python -m bot sandbox" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_setting_exits_without_traceback(tmp_path: Path) -> None:
    result = run_cli("run", env={"ADMIN_IDS": "abc"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "ADMIN_IDS" in result.stderr and "Traceback" not in result.stderr


def test_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=oops\n", encoding="utf-8")
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2 and "ADMIN_IDS" in result.stderr


def test_help_lists_every_subcommand(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "sandbox"):
        assert command in result.stdout


def test_env_example_lists_every_field_and_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = {line.split("=")[0] for line in example.splitlines() if line and line[0].isupper()}
    assert names == {field.upper() for field in Settings.model_fields}
    (tmp_path / ".env").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.webhook_url is None and not settings.has_token
