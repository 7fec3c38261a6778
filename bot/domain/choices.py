"""Which button a typed answer means: people on cheap phones often type instead of tapping.

"educación" at the category step means "Lectura y educación", "si" means "Sí", "2" means
"2 h", "tarde" means "Tarde 14–18", "dcoentes" means "Docentes". Case, accents, emoji and
punctuation do not count; a word may be a typo away from the label's. A typed answer picks a
button only when exactly one fits best: anything else is asked again, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.normalize import fold
from storage.schools import edit_distance

YES_WORDS = frozenset({"si", "sii", "claro", "ok", "okay", "dale", "yes", "yep", "sure"})
FILLER_WORDS = frozenset(
    {"el", "la", "los", "las", "de", "del", "y", "a", "en", "un", "una", "the", "of", "and", "an",
     "por", "favor", "please", "opcion", "soy", "es", "im"}
)  # fmt: skip
# A label whose first word is one of these is the "yes" of its question.
YES_LABELS = frozenset({"si", "yes", "acepto", "accept", "i"})


def words_of(text: str) -> list[str]:
    return [word for word in fold(text).split() if word not in FILLER_WORDS]


def allowed_typos(word: str) -> int:
    """Numbers and short words must be exact: '1 h' is not '2 h', 'no' is not 'si'."""
    if word.isdigit() or len(word) <= 3:
        return 0
    return 1 if len(word) <= 7 else 2


def word_distance(typed: str, label_words: Sequence[str]) -> int | None:
    """Edits from `typed` to the closest word of the label; None if none is close enough."""
    typos = allowed_typos(typed)
    best = min((edit_distance(typed, word, typos) for word in label_words), default=typos + 1)
    return best if best <= typos else None


def fit(typed: Sequence[str], label: str) -> tuple[int, int] | None:
    """(typos, words of the label not typed) when every typed word is in the label."""
    label_words = words_of(label)
    distances = [word_distance(word, label_words) for word in typed]
    if not label_words or any(distance is None for distance in distances):
        return None
    typos = sum(distance for distance in distances if distance is not None)
    return typos, max(len(label_words) - len(typed), 0)


def exact_choice(text: str, labels: Sequence[str]) -> int | None:
    """The one label `text` spells out, but for case, accents and punctuation ("omitir" is
    "Omitir", "si" is "Sí"); for steps that also take free text, where "Rosa" typed at the
    name step must stay "Rosa" and not become the "Usar «Rosa Quispe»" button."""
    typed = fold(text)
    found = [index for index, label in enumerate(labels) if typed and fold(label) == typed]
    return found[0] if len(found) == 1 else None


def _first_word(folded: str) -> str:
    return folded.split(" ", 1)[0]


def match_choice(text: str, labels: Sequence[str]) -> int | None:
    """The index of the one label `text` means, or None (nothing fits, or several equally)."""
    typed = words_of(text)
    if not typed:
        return None
    folded = [fold(label) for label in labels]
    exact = [index for index, label in enumerate(folded) if label == fold(text)]
    if len(exact) == 1:
        return exact[0]
    if typed[0] in YES_WORDS and len(typed) == 1:
        yes = [
            i
            for i, label in enumerate(folded)
            if label.split()[:1] and label.split()[0] in YES_LABELS
        ]
        return yes[0] if len(yes) == 1 else None
    fits = {index: fit(typed, label) for index, label in enumerate(labels)}
    ranked = sorted((score, index) for index, score in fits.items() if score is not None)
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1]
