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
    school_id: int | None = None
    share_contact: bool = False
    username: str | None = None

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None


@dataclass(frozen=True)
class Contact:
    """A person who agreed to be reachable: shown as name and @username."""

    name: str
    username: str


@dataclass(frozen=True)
class SchoolPeople:
    """Who is known to work at a school (activities add organizations in a later migration)."""

    teachers: int
    contacts: list[Contact]
