"""Which school and which organization a row means.

Schools: by código modular first (one query for the whole sheet); else by name and district
through the same search people use in the chat (`school_search`), accepting only a clear winner
in the right district. Anything less is a problem with the best guess attached, for the person
to check: a sheet row is not a conversation, so a guess is never imported as a fact.

Organizations: against the existing ones, ignoring case, accents and punctuation, with the
usual abbreviations written out ("Asoc." is "Asociación") and legal forms dropped ("S.A.C."),
and by acronym ("CARE" for "CARE Perú", "ADRA" for "Agencia Adventista de Desarrollo y Recursos
Asistenciales (ADRA)") when exactly one organization has it. Names no organization has become
new organizations, created unverified on import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.school_search import search_schools
from storage import Storage
from storage.models import Organization, OrgKind
from storage.normalize import fold
from storage.schools import School

# A clear winner: scores this high, and this far ahead of the runner-up.
CLEAR_SCORE = 0.8
CLEAR_MARGIN = 0.1


@dataclass(frozen=True)
class SchoolMatch:
    school: School | None  # None: not accepted
    guess: School | None = None  # the best candidate, offered for checking


class SchoolMatcher:
    """Looks schools up for a whole sheet, remembering each answer (3W sheets repeat them)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._by_code: dict[tuple[str, str], School] = {}
        self._by_name: dict[tuple[str, str, str], SchoolMatch] = {}

    async def load_codes(self, cod_mods: Iterable[str]) -> None:
        for school in await self._storage.schools.with_cod_mods(set(cod_mods)):
            self._by_code[(school.cod_mod, school.anexo)] = school

    def by_code(self, cod_mod: str, anexo: str | None) -> School | None:
        """The service with this code; without an anexo, the main one ('0')."""
        return self._by_code.get((cod_mod, anexo or "0"))

    async def by_name(self, name: str, district: str, ubigeo: str) -> SchoolMatch:
        key = (fold(name), fold(district), ubigeo)
        if key not in self._by_name:
            self._by_name[key] = await self._search(name, district, ubigeo)
        return self._by_name[key]

    async def _search(self, name: str, district: str, ubigeo: str) -> SchoolMatch:
        query = f"{name} {district}".strip()
        result = await search_schools(self._storage, query, limit=5)
        hits = [hit for hit in result.hits if _in_place(hit.school, district, ubigeo)]
        if not hits:
            guess = result.hits[0].school if result.hits else None
            return SchoolMatch(None, guess)
        best = hits[0]
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        if best.score >= CLEAR_SCORE and best.score - runner_up >= CLEAR_MARGIN:
            return SchoolMatch(best.school)
        return SchoolMatch(None, best.school)


def _in_place(school: School, district: str, ubigeo: str) -> bool:
    """A district or ubigeo given in the sheet must be the school's."""
    if ubigeo and school.ubigeo != ubigeo:
        return False
    return not district or fold(school.district or "") == fold(district)


# --- organizations --------------------------------------------------------------------------

ABBREVIATIONS = {
    "asoc": "asociacion", "assoc": "asociacion", "fund": "fundacion", "fdn": "fundacion",
    "inst": "instituto", "org": "organizacion", "cia": "compania", "intl": "internacional",
    "int": "internacional", "ong": "", "ongd": "",
}  # fmt: skip
LEGAL_FORMS = ("s a c", "sac", "s a", "e i r l", "eirl", "s r l", "srl", "s a a", "saa")
STOP_WORDS = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "para", "en", "por"})
_PARENTHESIS = re.compile(r"\(([^)]*)\)")


def organization_key(name: str) -> str:
    """The comparison key: folded, abbreviations written out, legal forms and "ONG" dropped."""
    words = [ABBREVIATIONS.get(word, word) for word in fold(_PARENTHESIS.sub(" ", name)).split()]
    key = " ".join(word for word in words if word)
    for form in LEGAL_FORMS:
        key = key.removesuffix(" " + form)
    return key


def acronyms_of(name: str) -> set[str]:
    """What an organization may be called for short: a parenthesised acronym, the initials of
    its significant words, and a leading all-capitals word ("CARE Perú")."""
    found = {fold(part) for part in _PARENTHESIS.findall(name) if fold(part)}
    words = [word for word in organization_key(name).split() if word not in STOP_WORDS]
    if len(words) >= 2:
        found.add("".join(word[0] for word in words))
    first = name.split()[0] if name.split() else ""
    if len(first) >= 2 and first.isupper() and first.isalpha():
        found.add(fold(first))
    return found


# First words of public bodies: a new organization named so is an institution, not an NGO.
INSTITUTION_WORDS = (
    "municipalidad", "ministerio", "ugel", "dre", "gobierno regional", "programa",
    "centro de salud", "posta", "hospital", "red de salud", "policia", "comisaria",
    "universidad", "instituto nacional", "direccion regional", "minsa", "minedu", "midis",
)  # fmt: skip


def kind_of(name: str) -> OrgKind:
    """The kind a new organization is created with, from how its name begins."""
    key = fold(name)
    public = any(key == word or key.startswith(word + " ") for word in INSTITUTION_WORDS)
    return OrgKind.INSTITUTION if public else OrgKind.NGO


def looks_like_acronym(text: str) -> bool:
    plain = text.replace(".", "").strip()
    return 2 <= len(plain) <= 10 and plain.isalpha() and plain.isupper()


@dataclass(frozen=True)
class OrganizationMatch:
    organization: Organization | None  # None: a new organization named `name`
    name: str


class OrganizationMatcher:
    """Matches a sheet's organization names against Minka's, once per distinct spelling."""

    def __init__(self, organizations: Sequence[Organization]) -> None:
        self._by_key = {organization_key(org.name): org for org in organizations}
        self._by_acronym: dict[str, list[Organization]] = {}
        for org in organizations:
            for acronym in acronyms_of(org.name):
                self._by_acronym.setdefault(acronym, []).append(org)
        self._new: dict[str, str] = {}  # key -> the first spelling seen, for new ones

    def match(self, name: str) -> OrganizationMatch:
        key = organization_key(name)
        if key in self._by_key:
            return OrganizationMatch(self._by_key[key], self._by_key[key].name)
        found = self._by_acronym_of(name)
        if found is not None:
            return OrganizationMatch(found, found.name)
        first_spelling = self._new.setdefault(key, " ".join(name.split()))
        return OrganizationMatch(None, first_spelling)

    def _by_acronym_of(self, name: str) -> Organization | None:
        candidates: set[str] = set()
        if looks_like_acronym(name):
            candidates.add(fold(name.replace(".", "")))
        candidates |= {fold(part) for part in _PARENTHESIS.findall(name) if fold(part)}
        for acronym in candidates:
            orgs = {org.id: org for org in self._by_acronym.get(acronym, [])}
            if len(orgs) == 1:
                return next(iter(orgs.values()))
        return None

    @property
    def new_names(self) -> list[str]:
        return list(self._new.values())
