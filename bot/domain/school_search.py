"""Find a school the way teachers type it: "san martin de porres ate", "IE 2045", "0325753".

Pure Python over storage, no Telegram. Three steps:

1. Words. The query is cut into search words exactly like the stored names (`school_words`:
   folded, "I.E."/"N°"/"colegio" dropped, "sta" -> "santa"). Each word is matched against the
   registry's vocabulary: exactly, within one or two typos (deletion variants, then a real edit
   distance), or as a prefix. A word matching nothing is left out.
2. Candidates. The word index returns the schools having, for every word, one of its matches in
   the name, place or level. If none has, each word in turn is left out. If thousands have (an
   ambiguous "san jose"), those with the most typed words in the name come first, shortest names
   first, and only a hundred are ranked.
3. Ranking, in Python: each word scores its best match (exact 1, one typo 0.75-0.85, two 0.65,
   prefix less), counted fully in the name and at 75% in the place (district over province over
   region) or level; plus how much of the name the query covers, a bonus when the query names
   the school's whole district ("san martin de porres" is the district before it is any of the
   schools of that name elsewhere), and active services first.

A query of nothing but generic words ("colegio", "I.E. N°") names no school: it is reported as
`matched_by="generic"` so the person is asked for a name rather than told nothing exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storage import Storage
from storage.normalize import fold
from storage.schools import (
    NOISE_WORDS,
    Candidate,
    School,
    Schools,
    TermGroup,
    deletion_variants,
    edit_distance,
    place_words,
    school_words,
)

CANDIDATE_LIMIT = 300  # all of them ranked in Python
AMBIGUOUS_CANDIDATES = 100  # when thousands match, the best-looking few: a page must say "more"
MAX_QUERY_WORDS = 8
MAX_ALTERNATIVES = 16
MAX_RELAXED_QUERIES = 6
LONG_NOISE_WORDS = tuple(word for word in NOISE_WORDS if len(word) >= 6)

PLACE_WEIGHT = 0.75  # a word found in the place counts less than one found in the name
LEVEL_WEIGHT = 0.7
PLACE_WEIGHTS = (1.0, 0.9, 0.85)  # district, province, region
COVERAGE_WEIGHT = 0.1
DISTRICT_NAMED_BONUS = 0.1  # every word of the district typed: that district first
NAMED_SIMILARITY = 0.75  # a word counts as typed within one typo
ACTIVE_BONUS = 0.05

# What people write before a code: "código modular", "cod mod", "cód. modular:", "CM", "c.m.",
# "código local"... Dropped before the code is matched, so the number alone decides.
_CODE_LABEL = re.compile(
    r"^\s*(?:c[oó]d(?:igo)?\.?\s*(?:(?:mod(?:ular)?|loc(?:al)?)\b\.?)?|c\.?\s*[ml]\b\.?)"
    r"\s*(?:n[°ºo]?\.?\s*)?[:#=-]?\s*",
    re.IGNORECASE,
)
# "0325753", "0325753-0", "0325753 / 1": a código modular, optionally with its anexo.
_COD_MOD = re.compile(r"^\s*(\d{7})(?:\s*[-/ ]\s*([0-9a-z]))?\s*$", re.IGNORECASE)
_CODLOCAL = re.compile(r"^\s*(\d{6})\s*$")


@dataclass(frozen=True)
class SearchHit:
    school: School
    score: float


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[SearchHit, ...]
    has_more: bool  # more hits exist past offset + limit
    matched_by: str  # "code", "codlocal", "words", "generic" (only words such as "colegio") or
    # "nothing"

    @property
    def schools(self) -> list[School]:
        return [hit.school for hit in self.hits]


@dataclass(frozen=True)
class WordMatch:
    """What one typed word may stand for in the registry's vocabulary."""

    word: str
    similar: dict[str, float]  # vocabulary word -> similarity (1.0 exact)
    prefix: str | None  # also any word starting with this

    def similarity(self, stored: str) -> float:
        value = self.similar.get(stored, 0.0)
        if self.prefix and value < 0.9 and stored.startswith(self.prefix):
            # "mariat" for "mariategui": better the more of the word was typed.
            value = max(value, 0.5 + 0.4 * len(self.prefix) / len(stored))
        return value

    def best(self, words: Sequence[str]) -> tuple[float, str | None]:
        best_value, best_word = 0.0, None
        for stored in words:
            value = self.similarity(stored)
            if value > best_value:
                best_value, best_word = value, stored
        return best_value, best_word

    @property
    def can_match(self) -> bool:
        return bool(self.similar or self.prefix)

    def group(self) -> TermGroup:
        return TermGroup(tuple(self.similar), self.prefix)


EMPTY = SearchResult((), False, "nothing")
GENERIC = SearchResult((), False, "generic")


async def search_schools(
    storage: Storage, text: str, *, limit: int = 8, offset: int = 0
) -> SearchResult:
    """Schools matching `text`, best first, `limit` from `offset` on."""
    if limit < 1 or offset < 0:
        raise ValueError("limit must be positive and offset not negative")
    schools = storage.schools
    by_code = await _search_by_code(schools, text)
    if by_code is not None:
        return _page(by_code[0], limit, offset, by_code[1])
    words = list(dict.fromkeys(school_words(text)))[:MAX_QUERY_WORDS]
    if not words:
        return GENERIC if names_only_generic_words(text) else EMPTY
    matches = [match for match in await match_words(schools, words) if match.can_match]
    if not matches:
        return EMPTY
    ranked = rank(await find_candidates(schools, matches), matches)
    if not ranked:
        return EMPTY
    page = ranked[offset : offset + limit]
    found = await schools.by_ids([candidate.id for candidate, _ in page])
    hits = tuple(SearchHit(found[c.id], score) for c, score in page if c.id in found)
    return SearchResult(hits, len(ranked) > offset + limit, "words")


async def _search_by_code(schools: Schools, text: str) -> tuple[list[SearchHit], str] | None:
    """Hits for a código modular (or a 6-digit CODLOCAL); None when `text` is not a code."""
    text = without_code_label(text)
    code = _COD_MOD.match(text)
    if code:
        found = await schools.with_cod_mod(code[1])
        if code[2]:
            found = [school for school in found if school.anexo.lower() == code[2].lower()]
        return [SearchHit(school, 1.0) for school in found], "code"
    codlocal = _CODLOCAL.match(text)
    if codlocal:
        found = await schools.in_codlocal(codlocal[1])
        # Six digits may also be a school's number ("IE 600123"): only a hit makes it a code.
        return ([SearchHit(school, 1.0) for school in found], "codlocal") if found else None
    return None


def without_code_label(text: str) -> str:
    """ "cod. mod.: 0325753" -> "0325753"; text without a label before a number is kept."""
    label = _CODE_LABEL.match(text)
    if label is None or not text[label.end() :].strip()[:1].isdigit():
        return text
    return text[label.end() :]


def names_only_generic_words(text: str) -> bool:
    """'colegio', 'la escuela', 'I.E. N°': letters, but only words that say "a school" and
    nothing about which (`school_words` dropped them all)."""
    return not school_words(text) and re.search("[a-z]", fold(text)) is not None


def _page(hits: Sequence[SearchHit], limit: int, offset: int, matched_by: str) -> SearchResult:
    page = tuple(hits[offset : offset + limit])
    return SearchResult(page, len(hits) > offset + limit, matched_by)


# --- 1. words -------------------------------------------------------------------------------


def allowed_typos(word: str, exists: bool) -> int:
    """How far a stored word may be from the typed one. Numbers must match exactly; a word that
    exists as typed is most likely meant, so short ones get no alternatives."""
    if word.isdigit():
        return 0
    if len(word) <= 4:
        return 0 if exists else 1
    if len(word) >= 8:
        return 1 if exists else 2
    return 1


def is_misspelt_noise(word: str) -> bool:
    """'coelgio', 'esculea': noise words are not in the vocabulary, so a typo in one would
    otherwise find something unrelated, or nothing."""
    return len(word) >= 6 and any(edit_distance(word, noise, 1) <= 1 for noise in LONG_NOISE_WORDS)


def typo_similarity(distance: int, length: int) -> float:
    """How much a word within `distance` edits counts: a typo weighs more in a short word."""
    if distance == 0:
        return 1.0
    if distance == 1:
        return 0.75 if length <= 5 else 0.85 if length >= 8 else 0.8
    return 0.65


async def match_words(schools: Schools, words: Sequence[str]) -> list[WordMatch]:
    """The vocabulary words each typed word may stand for (one database round trip)."""
    variants_of = {word: deletion_variants(word, allowed_typos(word, False)) for word in words}
    by_variant: dict[str, list[tuple[str, int]]] = {}
    rows = await schools.terms_for_variants(set().union(*variants_of.values()))
    for variant, term, docs in rows:
        by_variant.setdefault(variant, []).append((term, docs))
    return [_match_word(word, variants_of[word], by_variant) for word in words]


def _match_word(
    word: str, variants: set[str], by_variant: dict[str, list[tuple[str, int]]]
) -> WordMatch:
    near = {term: docs for variant in variants for term, docs in by_variant.get(variant, ())}
    exists = word in near
    if not exists and is_misspelt_noise(word):
        return WordMatch(word, {}, None)  # "colegio" typed "coelgio" is still just "colegio"
    typos = allowed_typos(word, exists)
    scored = []
    for term, docs in near.items():
        distance = 0 if term == word else edit_distance(word, term, typos)
        if distance <= typos:
            scored.append((typo_similarity(distance, len(word)), docs, term))
    scored.sort(reverse=True)
    # Nothing near it: keep the word itself anyway, in case the vocabulary lags behind the index.
    similar = {term: similarity for similarity, _, term in scored[:MAX_ALTERNATIVES]} or {word: 1.0}
    prefix = word if not exists and len(word) >= 3 and not word.isdigit() else None
    return WordMatch(word, similar, prefix)


# --- 2. candidates --------------------------------------------------------------------------


async def find_candidates(schools: Schools, matches: Sequence[WordMatch]) -> list[Candidate]:
    groups = [match.group() for match in matches]
    found = await _best_candidates(schools, groups)
    if found or len(groups) < 2:
        return found
    # Nothing has every word: maybe one is wrong (a typo too far, another district). Leave each
    # out in turn and pool what that finds: first words that matched only approximately, then
    # from the last (place words tend to come last).
    suspects = sorted(range(len(groups)), key=lambda i: (1.0 in matches[i].similar.values(), -i))
    pooled: dict[int, Candidate] = {}
    for index in suspects[:MAX_RELAXED_QUERIES]:
        for candidate in await _best_candidates(schools, groups[:index] + groups[index + 1 :]):
            pooled.setdefault(candidate.id, candidate)
    return list(pooled.values())


async def _best_candidates(schools: Schools, groups: list[TermGroup]) -> list[Candidate]:
    # Whether there are more than can be ranked; counting all of "san juan"'s 7,000 costs 2 ms.
    total = await schools.count_matches(groups, at_most=CANDIDATE_LIMIT + 1)
    if total <= CANDIDATE_LIMIT:
        return await schools.candidates(groups, CANDIDATE_LIMIT, counted=total) if total else []
    # Too many to rank in Python: an ambiguous query such as "san jose". Take first the schools
    # with the most typed words in their name (people type the name first and the place last),
    # shortest names first; then fewer words in the name.
    found: dict[int, Candidate] = {}
    for in_name in range(len(groups), -1, -1):
        tier = await schools.candidates(
            groups, AMBIGUOUS_CANDIDATES, in_name=in_name, shortest_names_first=True
        )
        for candidate in tier:
            found.setdefault(candidate.id, candidate)
        if len(found) >= AMBIGUOUS_CANDIDATES:
            break
    return list(found.values())[:AMBIGUOUS_CANDIDATES]


# --- 3. ranking -----------------------------------------------------------------------------


def rank(
    candidates: Sequence[Candidate], matches: Sequence[WordMatch]
) -> list[tuple[Candidate, float]]:
    """Candidates with their scores, best first."""
    scored = [(candidate, score(candidate, matches)) for candidate in candidates]
    scored.sort(key=lambda pair: (-pair[1], pair[0].cod_mod, pair[0].anexo))
    return scored


def score(candidate: Candidate, matches: Sequence[WordMatch]) -> float:
    places = [
        (place_words(candidate.district), PLACE_WEIGHTS[0]),
        (place_words(candidate.province), PLACE_WEIGHTS[1]),
        (place_words(candidate.region), PLACE_WEIGHTS[2]),
    ]
    total = 0.0
    covered: set[str] = set()
    for match in matches:
        in_name, name_word = match.best(candidate.name_words)
        in_place = max(match.best(words)[0] * weight for words, weight in places)
        in_level = match.best(candidate.level_words)[0]
        elsewhere = max(PLACE_WEIGHT * in_place, LEVEL_WEIGHT * in_level)
        total += max(in_name, elsewhere)
        if name_word is not None and in_name >= elsewhere:
            covered.add(name_word)
    # Numbers do not count: a query without one fits "N° 2045 Santa Rosa" as well as "Santa Rosa".
    name_words = {word for word in candidate.name_words if not word.isdigit()}
    coverage = len(covered & name_words) / len(name_words) if name_words else 0.0
    named = DISTRICT_NAMED_BONUS if names_whole_place(candidate.district, matches) else 0.0
    return (
        total / len(matches) + COVERAGE_WEIGHT * coverage + named + ACTIVE_BONUS * candidate.active
    )


def names_whole_place(place: str | None, matches: Sequence[WordMatch]) -> bool:
    """Whether every word of `place` was typed (within a typo): "comas", "san martin de porres"."""
    words = place_words(place)
    return bool(words) and all(
        any(match.similarity(word) >= NAMED_SIMILARITY for match in matches) for word in words
    )
