"""One way to name a place in every text, so no template has to guess an article.

A district, province or region is named with its article and its kind ("el distrito de
Comas", "the district of Comas"); a school or an organization by its own name. Templates put
the phrase where a noun goes and never write a preposition before it that would have to
contract ("de el" must read "del"), nor a kind label before it ("Distrito: el distrito de
Comas"): a list that shows the kind beside the name uses the bare name (`display_place`).
"""

from __future__ import annotations

from bot.views.texts import label
from storage.schools import School

REGISTRY_PLACES = ("district", "province", "region")  # written in capitals by the registry
PLACE_KINDS = (*REGISTRY_PLACES, "school", "organization")
_LOWER_PARTICLES = {"de", "del", "la", "las", "los", "y", "el"}


def display_place(name: str | None) -> str:
    """The registry writes places in capitals ("SAN MARTÍN DE PORRES"): show them as names."""
    if not name or not name.isupper():
        return name or ""
    words = name.lower().split()
    return " ".join(
        word if index and word in _LOWER_PARTICLES else word.capitalize()
        for index, word in enumerate(words)
    )


def place_name(lang: str, kind: str, name: str | None) -> str:
    """A place as a noun phrase: 'el distrito de San Martín de Porres', 'I.E. N° 2045'."""
    if kind not in PLACE_KINDS:
        raise ValueError(f"not a kind of place: {kind!r}")
    shown = display_place(name) if kind in REGISTRY_PLACES else name or ""
    return label(lang, f"place_{kind}", name=shown)


def school_name(school: School, lang: str) -> str:
    """A school with its level, which tells apart the services sharing one name and code."""
    if not school.level:
        return school.name
    return label(lang, "school_with_level", name=school.name, level=school.level)
