"""Choosing one's organization, in onboarding and in /perfil: similar existing organizations
first, then "create" for the name typed. Every typed name keeps its own number in the flow's
draft, so an older "Create" button creates exactly what it says."""

from __future__ import annotations

from telegram import Update

from bot.runtime.context import MinkaContext
from bot.runtime.updates import message_of, user_of
from bot.views import callbacks as cb
from bot.views.keyboards import Button, column
from bot.views.texts import label, t
from storage.models import OrgKind, Role
from storage.organizations import InvalidOrganizationName, clean_organization_name

ORG_KIND = {Role.NGO: OrgKind.NGO, Role.INSTITUTION: OrgKind.INSTITUTION}
ORGANIZATION_BUTTONS = (cb.OrganizationChoice, cb.CreateOrganization, cb.RetypeOrganization)


async def typed_names(context: MinkaContext, user_id: int, flow: str) -> list[str]:
    return list((await context.storage.drafts.get(user_id, flow)).get("org_names", []))


async def offer_organizations(update: Update, context: MinkaContext, flow: str) -> bool:
    """Answer a typed organization name with choices; False if the name itself is unusable."""
    user, message = user_of(update), message_of(update)
    lang = await context.language()
    try:
        typed = clean_organization_name(message.text or "")
    except InvalidOrganizationName:
        await message.reply_text(t(lang, "org_invalid"))
        return False
    names = [*await typed_names(context, user.id, flow), typed]
    await context.storage.drafts.update(user.id, flow, org_names=names)
    similar = await context.storage.organizations.find_similar(typed)
    buttons: list[Button] = [(org.name, cb.OrganizationChoice(org.id)) for org in similar]
    buttons.append(
        (label(lang, "btn_org_create", name=typed), cb.CreateOrganization(len(names) - 1))
    )
    buttons.append((label(lang, "btn_org_retype"), cb.RetypeOrganization()))
    text = t(lang, "org_matches") if similar else t(lang, "org_no_match", name=typed)
    await message.reply_text(text, reply_markup=column(buttons))
    return True


async def join_from_button(
    context: MinkaContext, user_id: int, data: object, flow: str
) -> str | None:
    """Join the organization a button names; None if the button is stale or tampered with."""
    members = context.storage.members
    existing = cb.OrganizationChoice.unpack(data)
    if existing is not None:
        org = await context.storage.organizations.get(existing.org_id)
        if org is None:
            return None
        await members.join_organization(user_id, org.id)
        return org.name
    create = cb.CreateOrganization.unpack(data)
    names = await typed_names(context, user_id, flow)
    member = await members.require(user_id)
    if create is None or not 0 <= create.index < len(names) or member.role not in ORG_KIND:
        return None
    created = await members.create_and_join_organization(
        user_id, names[create.index], ORG_KIND[member.role]
    )
    return created.name
