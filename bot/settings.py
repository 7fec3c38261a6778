"""Minka's settings: one pydantic-settings class, loaded once at start-up and passed in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org/bot"

Language = Literal["es", "en"]
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Every knob of a deployment. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = TELEGRAM_API_URL
    database_path: Path = Path("minka.db")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: Language = "es"
    timezone: str = "America/Lima"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    reminder_hours: int = Field(default=24, ge=1, le=168)
    # Proactive messages per second, all chats together. Telegram allows about 30; at least 5 of
    # them stay free for replies to people (bot.runtime.rate_limit).
    send_rate: int = Field(default=25, ge=1, le=25)
    # Abuse limits: activities one person may announce per day, broadcasts one coordinator may
    # send per hour, and broadcasts to everyone (by all admins together) per day.
    max_announcements_per_day: int = Field(default=10, ge=1, le=1000)
    max_broadcasts_per_hour: int = Field(default=3, ge=1, le=100)
    max_everyone_broadcasts_per_day: int = Field(default=1, ge=0, le=24)
    # Messages one person may have relayed to other people ("Escribir a…") in 24 hours.
    max_relays_per_day: int = Field(default=5, ge=1, le=100)

    @field_validator("telegram_bot_token", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`WEBHOOK_URL=` in .env (as .env.example has it) means "not set", not "empty URL"."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        """ADMIN_IDS is written by people as '123, 456'; accept that, a single id, or a list."""
        if isinstance(value, int):
            return [value]
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"{part!r} is not a Telegram user id (digits only)")
            return [int(part) for part in parts]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use e.g. America/Lima)") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _bot_api_url(cls, value: str) -> str:
        """PTB appends the token to this URL, so it must end in /bot like Telegram's."""
        value = value.rstrip("/")
        if not value.endswith("/bot"):
            raise ValueError(f"must end with /bot, e.g. {TELEGRAM_API_URL}")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_format(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters of A-Z a-z 0-9 _ - as a webhook secret."""
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("use 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_url", "telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if self.webhook_url and not secret:
            raise ValueError(
                "WEBHOOK_URL is set but WEBHOOK_SECRET is not: set a long random secret so that "
                "only Telegram can post updates"
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str:
        """The bot token; callers check `has_token` first."""
        if self.telegram_bot_token is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set")
        return self.telegram_bot_token.get_secret_value()

    @property
    def has_token(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_bot_token.get_secret_value().strip())


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the setting and the problem."""


def load_settings(**overrides: object) -> Settings:
    """Read the environment and `.env` once; turn pydantic's report into one readable message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]).upper() or "settings"
        lines.append(f"Setting {name}: {error['msg']}")
    return "Invalid configuration:\n  " + "\n  ".join(lines)
