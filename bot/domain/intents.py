"""What a registered person means by free text typed outside any guided flow.

Free text used to be a school search, so "hola", "gracias" or "quiero anunciar una actividad"
were answered "No encontré escuelas". Greetings, thanks and help words get the menu; a sentence
that names an action (anunciar, buscar, seguir, quién trabaja) is offered that action; only
what is left, which looks like a school, is searched. Pure text rules, no Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.normalize import fold


class Intent(StrEnum):
    MENU = "menu"  # a greeting, thanks, "ok", "menú", "ayuda"
    ANNOUNCE = "announce"
    SEARCH = "search"  # "buscar" with or without a school after it; plain text with `query`
    FOLLOW = "follow"
    WHO = "who"


@dataclass(frozen=True)
class Detected:
    intent: Intent
    query: str = ""  # what is left to search: "buscar santa rosa" -> "santa rosa"


# Words that on their own (in any number and order) only greet, thank or ask for help.
_SMALL_TALK = """hola holi ola buenas buenos buen dia dias tardes noches saludos que tal alo
    hi hello hey
    good morning afternoon evening gracias muchas mil thanks thank you ok okay oki vale listo
    bien muy chevere genial perfecto entendido de nada menu ayuda help inicio start opciones
    comandos commands profe profesora profesor senora senor please por favor"""
SMALL_TALK = frozenset(_SMALL_TALK.split())
# Phrases naming an action, folded; the first found wins, longest phrases first.
ACTION_PHRASES: dict[str, Intent] = {
    "quien trabaja": Intent.WHO,
    "quienes trabajan": Intent.WHO,
    "who works": Intent.WHO,
    "anunciar": Intent.ANNOUNCE,
    "anuncio": Intent.ANNOUNCE,
    "publicar": Intent.ANNOUNCE,
    "announce": Intent.ANNOUNCE,
    "suscribir": Intent.FOLLOW,
    "suscribirme": Intent.FOLLOW,
    "seguir": Intent.FOLLOW,
    "follow": Intent.FOLLOW,
    "subscribe": Intent.FOLLOW,
    "buscar": Intent.SEARCH,
    "busco": Intent.SEARCH,
    "search": Intent.SEARCH,
    "find": Intent.SEARCH,
}
# Around the action: "quiero buscar el colegio santa rosa" searches "santa rosa".
_REQUEST = """quiero quisiera puedo como deseo necesito me gustaria i want to would like can how
    una un la el las los a en de at in for una escuela colegio school activity actividad
    aqui aca alli ahi here there mi my esta este this nuestra our"""
REQUEST_WORDS = frozenset(_REQUEST.split())


def detect_intent(text: str) -> Detected:
    words = fold(text).split()
    if not words or all(word in SMALL_TALK for word in words):
        return Detected(Intent.MENU)
    found = _action_in(words)
    if found is None:
        return Detected(Intent.SEARCH, text.strip())
    intent, after = found
    rest = [word for word in after if word not in REQUEST_WORDS]
    return Detected(intent, " ".join(rest) if intent in (Intent.SEARCH, Intent.WHO) else "")


def _action_in(words: list[str]) -> tuple[Intent, list[str]] | None:
    """The first action phrase in `words` and the words after it."""
    for start in range(len(words)):
        for phrase, intent in ACTION_PHRASES.items():
            length = len(phrase.split())
            if " ".join(words[start : start + length]) == phrase:
                return intent, words[start + length :]
    return None
