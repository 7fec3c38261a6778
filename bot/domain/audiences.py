"""Which audiences a coordinator is offered in /difundir: only those her scope can reach.

A district coordinator used to be offered "Una provincia" and "Una región", which could only
fail. A place scope reaches its own level and the levels inside it (a province scope: the
province, its districts and schools); an organization scope reaches no place; an admin or a
coordinator without a scope reaches every level.
"""

from __future__ import annotations

from storage.broadcasts import AudienceKind
from storage.roles import Permissions

# The digits of an ubigeo prefix naming each kind of place (a school is inside a district).
PLACE_DIGITS = {
    AudienceKind.SCHOOL: 6,
    AudienceKind.DISTRICT: 6,
    AudienceKind.PROVINCE: 4,
    AudienceKind.REGION: 2,
}


def offered_kinds(permissions: Permissions, own_organization_id: int | None) -> list[AudienceKind]:
    """The audience kinds to offer, in menu order."""
    kinds = [kind for kind in PLACE_DIGITS if reaches_level(permissions, PLACE_DIGITS[kind])]
    if own_organization_id is not None and permissions.covers_organization(own_organization_id):
        kinds.append(AudienceKind.ORGANIZATION)
    if permissions.is_admin:
        kinds.append(AudienceKind.EVERYONE)
    return kinds


def reaches_level(permissions: Permissions, digits: int) -> bool:
    """Whether some place with an ubigeo prefix of `digits` digits is inside the scope."""
    if permissions.is_admin:
        return True
    return any(
        scope.is_everywhere or (scope.ubigeo is not None and len(scope.ubigeo) <= digits)
        for scope in permissions.coordinator_scopes
    )
