"""Plain dataclasses that storage functions return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """What kind of person a member is (not their permissions)."""

    TEACHER = "teacher"
    NGO = "ngo"
    INSTITUTION = "institution"


class OrgKind(StrEnum):
    NGO = "ngo"
    INSTITUTION = "institution"


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    kind: OrgKind
    verified: bool


@dataclass(frozen=True)
class Member:
    user_id: int
    language: str
    name: str | None
    role: Role | None
    organization: Organization | None
    timezone: str | None
    consent_at: datetime
    registered_at: datetime | None

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None
