"""The command registry: one place that names every command in Spanish and English.

Handlers register with `Command.names`, the menus set with setMyCommands and /help all come from
this list, so they can never disagree. Each command says who can use it (`who`): /ayuda lists
what this person can use and counts the rest, shown with "/ayuda todo".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.views.texts import Markup, label, t

EVERYONE, TEACHERS, COORDINATORS, ADMINS, GROUPS = (
    "everyone", "teachers", "coordinators", "admins", "groups",
)  # fmt: skip


@dataclass(frozen=True)
class Command:
    es: str
    en: str
    description: str  # text key
    in_menu: bool = True
    who: str = EVERYONE  # who can use it: EVERYONE, TEACHERS, COORDINATORS, ADMINS or GROUPS

    @property
    def names(self) -> tuple[str, ...]:
        return (self.es,) if self.es == self.en else (self.es, self.en)

    def name_in(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


START = Command("start", "start", "cmd_start")
HELP = Command("ayuda", "help", "cmd_help")
LANGUAGE = Command("idioma", "language", "cmd_language")
PRIVACY = Command("privacidad", "privacy", "cmd_privacy")
MY_DATA = Command("misdatos", "mydata", "cmd_mydata")
FORGET_ME = Command("olvidarme", "forgetme", "cmd_forgetme")
CANCEL = Command("cancelar", "cancel", "cmd_cancel")
SEARCH = Command("buscar", "school", "cmd_search")
WHO = Command("quien", "who", "cmd_who")
QR = Command("qr", "qr", "cmd_qr")
MY_SCHOOL = Command("miescuela", "myschool", "cmd_myschool", who=TEACHERS)
PROFILE = Command("perfil", "profile", "cmd_profile")
ANNOUNCE = Command("anunciar", "announce", "cmd_announce")
ACTIVITIES = Command("actividades", "activities", "cmd_activities")
SUBSCRIBE = Command("suscribir", "subscribe", "cmd_subscribe")
SUBSCRIPTIONS = Command("suscripciones", "subscriptions", "cmd_subscriptions")
BROADCAST = Command("difundir", "broadcast", "cmd_broadcast", who=COORDINATORS)
BROADCASTS = Command("difusiones", "broadcasts", "cmd_broadcasts", who=COORDINATORS)
VERIFY = Command("verificar", "verify", "cmd_verify", who=COORDINATORS)
# Admin commands work for admins only; the menu of everyone else does not list them.
GRANT = Command("otorgar", "grant", "cmd_grant", in_menu=False, who=ADMINS)
REVOKE = Command("revocar", "revoke", "cmd_revoke", in_menu=False, who=ADMINS)
BAN = Command("bloquear", "ban", "cmd_ban", in_menu=False, who=ADMINS)
# Group commands: the greeting in a new group explains them, the private menu does not list them.
LINK = Command("vincular", "link", "cmd_link", in_menu=False, who=GROUPS)
UNLINK = Command("desvincular", "unlink", "cmd_unlink", in_menu=False, who=GROUPS)

# Menu order: what people need most first.
COMMANDS: tuple[Command, ...] = (
    START,
    ANNOUNCE,
    ACTIVITIES,
    SEARCH,
    WHO,
    SUBSCRIBE,
    SUBSCRIPTIONS,
    BROADCAST,
    BROADCASTS,
    VERIFY,
    MY_SCHOOL,
    QR,
    PROFILE,
    HELP,
    LANGUAGE,
    PRIVACY,
    MY_DATA,
    FORGET_ME,
    CANCEL,
    LINK,
    UNLINK,
    GRANT,
    REVOKE,
    BAN,
)


def menu_entries(lang: str) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands in `lang`."""
    return [(c.name_in(lang), label(lang, c.description)) for c in COMMANDS if c.in_menu]


MAIN_MENU_SIZE = 7  # the main menu shows what people use most; /ayuda shows everything


def main_menu_list(lang: str) -> Markup:
    lines = command_list(lang).split("\n")[:MAIN_MENU_SIZE]
    more = t(lang, "help_line", command=HELP.name_in(lang), description=label(lang, "cmd_more"))
    return Markup("\n".join([*lines, more]))


def command_list(lang: str) -> Markup:
    """The commands as HTML lines for /help and the main menu."""
    return Markup(
        "\n".join(
            t(lang, "help_line", command=name, description=description)
            for name, description in menu_entries(lang)
        )
    )


def help_text(lang: str, audiences: frozenset[str] | None) -> Markup:
    """/ayuda: the commands of `audiences` (the person's: everyone's, and teachers',
    coordinators' or admins' as they are), and how many others exist; None: every command."""
    usable = [c for c in COMMANDS if audiences is None or c.who in audiences]
    lines = Markup(
        "\n".join(
            t(lang, "help_line", command=c.name_in(lang), description=label(lang, c.description))
            for c in usable
        )
    )
    text = t(lang, "help", commands=lines)
    others = len(COMMANDS) - len(usable)
    if others:
        return Markup(text + "\n\n" + t(lang, "help_others", count=others))
    return text
