"""The operator's administration commands: grant, revoke, roles, audit, merge-orgs, ban, unban.

They work on DATABASE_PATH while the bot runs (SQLite WAL) and take effect at once: roles and
bans are read from the database on every update. Whatever they change is in the audit log with
no actor (the operator at the command line). Mistakes (an unknown user, a scope that is no
place, an unknown organization) are one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.settings import Settings
from bot.views.school_views import display_place
from storage import Storage
from storage.audit import AuditEntry
from storage.models import Organization
from storage.organizations import CannotMerge, UnknownOrganization
from storage.roles import Grant, InvalidScope, RoleName, Scope, ScopeProblem

log = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2  # unknown user or organization, invalid scope
EXIT_NOTHING_TO_DO = 1  # revoke / unban of something that was not there; no database
OPERATOR = "command line"
DEFAULT_AUDIT_LIMIT = 50

_SCOPE_PROBLEMS = {
    ScopeProblem.NOT_AN_UBIGEO_PREFIX: "a scope is an ubigeo prefix of 2, 4 or 6 digits"
    " (region 15, province 1501, district 150135)",
    ScopeProblem.UNKNOWN_PLACE: "no school in the registry has an ubigeo starting with it"
    " (imported the registry? python -m bot import-schools)",
    ScopeProblem.UNKNOWN_ORGANIZATION: "no such organization",
    ScopeProblem.TWO_SCOPES: "give --scope or --org, not both",
    ScopeProblem.ADMIN_HAS_NO_SCOPE: "admins act everywhere: no --scope or --org",
}


class CliError(Exception):
    """A mistake in what the operator typed: logged as one line, exit code `code`."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


Command = Callable[[Storage, Settings, argparse.Namespace], Awaitable[int]]


# --- the parsers -------------------------------------------------------------------------------


def add_admin_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, verb in (("grant", "give"), ("revoke", "take away")):
        parser = sub.add_parser(
            name, help=f"{verb} a role: coordinator (optionally scoped) or admin"
        )
        _add_user_argument(parser)
        parser.add_argument("role", choices=[role.value for role in RoleName])
        parser.add_argument(
            "--scope", help="ubigeo prefix: region (15), province (1501) or district (150135)"
        )
        parser.add_argument("--org", help="limit to one organization (its id or exact name)")
    sub.add_parser("roles", help="list who is coordinator or admin, where, granted by whom")
    audit = sub.add_parser("audit", help="print the audit log, newest first")
    audit.add_argument("--limit", type=int, default=DEFAULT_AUDIT_LIMIT, help="entries to show")
    merge = sub.add_parser("merge-orgs", help="merge duplicate organization B into A")
    merge.add_argument("keep", metavar="A", help="the organization kept (id or exact name)")
    merge.add_argument("drop", metavar="B", help="the duplicate, merged into A and deleted")
    ban = sub.add_parser("ban", help="make the bot ignore a person; cancels their broadcasts")
    _add_user_argument(ban)
    ban.add_argument("--reason", help="why (kept in the audit log)")
    unban = sub.add_parser("unban", help="lift a ban")
    _add_user_argument(unban)


def _add_user_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "user", help="Telegram user id, or @username of a member who shares their contact"
    )


async def run_admin(settings: Settings, args: argparse.Namespace) -> int:
    """Run one administration command against DATABASE_PATH; return the exit code."""
    if not settings.database_path.is_file():
        # Never create an empty database because DATABASE_PATH has a typo.
        log.error("No database at %s (set DATABASE_PATH)", settings.database_path)
        return EXIT_NOTHING_TO_DO
    storage = Storage(settings.database_path)
    await storage.open()
    try:
        return await COMMANDS[args.command](storage, settings, args)
    except CliError as exc:
        log.error("%s", exc)
        return exc.code
    except InvalidScope as exc:
        log.error("Invalid scope %s: %s", exc.value, _SCOPE_PROBLEMS[exc.problem])
        return EXIT_BAD_INPUT
    except UnknownOrganization as exc:  # deleted between the lookup and the change
        log.error("Unknown organization %s", exc)
        return EXIT_BAD_INPUT
    finally:
        await storage.close()


# --- grant, revoke, roles ----------------------------------------------------------------------


async def grant(storage: Storage, settings: Settings, args: argparse.Namespace) -> int:
    user_id = await resolve_user(storage, args.user)
    scope = Scope(args.scope, await _org_id(storage, args.org))
    given = await storage.roles.grant(
        user_id,
        RoleName(args.role),
        scope_ubigeo=scope.ubigeo,
        scope_organization_id=scope.organization_id,
    )
    where = await describe_scope(storage, given.scope)
    print(f"{await person(storage, user_id)} is {given.role.value} ({where}).")
    if await storage.members.get(user_id) is None:
        print("Note: they have not started the bot yet; the role is ready when they do.")
    return 0


async def revoke(storage: Storage, settings: Settings, args: argparse.Namespace) -> int:
    user_id = await resolve_user(storage, args.user)
    scope = Scope(args.scope, await _org_id(storage, args.org))
    removed = await storage.roles.revoke(
        user_id,
        RoleName(args.role),
        scope_ubigeo=scope.ubigeo,
        scope_organization_id=scope.organization_id,
    )
    who = await person(storage, user_id)
    if removed == 0:
        raise CliError(f"{who} had no such {args.role} grant", EXIT_NOTHING_TO_DO)
    print(f"Revoked {removed} {args.role} grant(s) of {who}.")
    if user_id in settings.admin_ids:
        print("Note: this person is in ADMIN_IDS and stays an admin until removed from there.")
    return 0


async def list_roles(storage: Storage, settings: Settings, args: argparse.Namespace) -> int:
    header = ("USER ID", "NAME", "ROLE", "SCOPE", "GRANTED BY", "WHEN")
    rows = [await _settings_admin_row(storage, user_id) for user_id in settings.admin_ids]
    rows += [
        await _grant_row(storage, settings, grant) for grant in await storage.roles.all_grants()
    ]
    if not rows:
        print("Nobody is coordinator or admin yet (grant: python -m bot grant ID coordinator).")
        return 0
    print(format_table([header, *rows]))
    return 0


async def _settings_admin_row(storage: Storage, user_id: int) -> tuple[str, ...]:
    return (str(user_id), await _name(storage, user_id), "admin", "everywhere", "ADMIN_IDS", "-")


async def _grant_row(storage: Storage, settings: Settings, grant: Grant) -> tuple[str, ...]:
    granted_by = OPERATOR if grant.granted_by is None else str(grant.granted_by)
    return (
        str(grant.user_id),
        await _name(storage, grant.user_id),
        grant.role.value,
        await describe_scope(storage, grant.scope),
        granted_by,
        local_time(grant.granted_at, settings),
    )


# --- audit, merge-orgs, ban, unban -------------------------------------------------------------


async def audit(storage: Storage, settings: Settings, args: argparse.Namespace) -> int:
    entries = await storage.audit.entries(limit=args.limit)
    if not entries:
        print("The audit log is empty.")
        return 0
    header = ("WHEN", "WHO", "ACTION", "SUBJECT", "DETAILS")
    print(format_table([header, *(_audit_row(entry, settings) for entry in entries)]))
    return 0


def _audit_row(entry: AuditEntry, settings: Settings) -> tuple[str, ...]:
    who = OPERATOR if entry.actor_id is None else str(entry.actor_id)
    details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
    return (local_time(entry.at, settings), who, entry.action, entry.subject, details)


async def merge_orgs(storage: Storage, settings: Settings, args: argparse.Namespace) -> int:
    keep = await find_organization(storage, args.keep)
    drop = await find_organization(storage, args.drop)
    try:
        merged = await storage.organizations.merge(keep.id, drop.id)
    except CannotMerge as exc:
        raise CliError(f"{keep.name} and {drop.name} are the same organization") from exc
    print(
        f"Merged {drop.name} (#{drop.id}) into {keep.name} (#{keep.id}): {merged.members}"
        f" members, {merged.activities} activities, {merged.follows} followers,"
        f" {merged.broadcasts} broadcasts, {merged.roles} coordinator scopes moved."
    )
    return 0


async def ban(storage: Storage, settings: Settings, args: argparse.Namespace) -> int:
    user_id = await resolve_user(storage, args.user)
    outcome = await storage.moderation.ban(user_id, None, args.reason)
    who = await person(storage, user_id)
    print(f"{who} is banned." if outcome.newly_banned else f"{who} was already banned.")
    if outcome.cancelled_broadcasts:
        print(
            f"Cancelled {len(outcome.cancelled_broadcasts)} broadcast(s) still sending;"
            f" {outcome.skipped_messages} undelivered message(s) skipped."
        )
    return 0


async def unban(storage: Storage, settings: Settings, args: argparse.Namespace) -> int:
    user_id = await resolve_user(storage, args.user)
    who = await person(storage, user_id)
    if not await storage.moderation.unban(user_id, None):
        raise CliError(f"{who} was not banned", EXIT_NOTHING_TO_DO)
    print(f"{who} is no longer banned.")
    return 0


COMMANDS: dict[str, Command] = {
    "grant": grant,
    "revoke": revoke,
    "roles": list_roles,
    "audit": audit,
    "merge-orgs": merge_orgs,
    "ban": ban,
    "unban": unban,
}


# --- lookups and formatting ---------------------------------------------------------------------


async def resolve_user(storage: Storage, typed: str) -> int:
    user_id = await storage.roles.resolve_user(typed)
    if user_id is None:
        raise CliError(
            f"Unknown user {typed!r}: give a numeric Telegram id, or the @username of a member"
            " who shares their contact in /perfil"
        )
    return user_id


async def find_organization(storage: Storage, typed: str) -> Organization:
    """By id first (digits), then by exact name (ignoring case and accents)."""
    text = typed.strip()
    found = await storage.organizations.get(int(text)) if text.isdigit() else None
    found = found or await storage.organizations.find_by_name(text)
    if found is None:
        raise CliError(f"Unknown organization {typed!r}: give its id or its exact name")
    return found


async def _org_id(storage: Storage, typed: str | None) -> int | None:
    return None if typed is None else (await find_organization(storage, typed)).id


async def _name(storage: Storage, user_id: int) -> str:
    member = await storage.members.get(user_id)
    return (member.name if member else None) or "-"


async def person(storage: Storage, user_id: int) -> str:
    name = await _name(storage, user_id)
    return f"{user_id} ({name})" if name != "-" else str(user_id)


async def describe_scope(storage: Storage, scope: Scope) -> str:
    if scope.ubigeo is not None:
        parts = await storage.roles.place_parts(scope.ubigeo)
        names = ", ".join(display_place(part) for part in reversed(parts))
        return f"{scope.ubigeo} {names}".strip()
    if scope.organization_id is not None:
        org = await storage.organizations.get(scope.organization_id)
        return f"organization {org.name if org else scope.organization_id}"
    return "everywhere"


def local_time(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is not padded."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    return "\n".join(lines)
