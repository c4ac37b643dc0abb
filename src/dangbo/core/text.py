"""Vietnamese text: normalisation, accent folding and name order.

Folding drops the tone and vowel marks (NFD, combining marks removed) and maps
đ/Đ by hand, since they do not decompose. ``name_sort_key`` builds a string
whose plain byte order is the Vietnamese order of personal names: given name
first, then middle name, then family name; within a word the letters
a ă â b c d đ e ê … o ô ơ … u ư … and, only where the letters are equal, the
tones in the order none, huyền, hỏi, ngã, sắc, nặng. Stored in a column with
byte collation, it sorts the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django.db.models import Q

_TONES = {
    "\u0300": "1",  # huyền
    "\u0309": "2",  # hỏi
    "\u0303": "3",  # ngã
    "\u0301": "4",  # sắc
    "\u0323": "5",  # nặng
}
# Marks that make a distinct letter (ă â ê ô ơ ư), kept as part of the letter.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
# Each letter becomes one printable character, all above the separators used below.
_LETTER_CODE = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
_SPACE_RE = re.compile(r"\s+")


def normalize(value: str) -> str:
    """Return the text in NFC with single spaces and no outer whitespace."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def fold(value: str) -> str:
    """Return lower-case text without accents: "Nguyễn Văn Đức" -> "nguyen van duc"."""
    # Word by word (every step works within a word), each distinct word folded once.
    return " ".join(map(_fold_word, normalize(value).split(" ")))


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def name_words_match(field: str, query: str) -> Q:
    """Match every typed word against the start of a word of the folded name in ``field``.

    "nguyen van an" finds "Nguyễn Văn An", "Nguyễn Văn Anh" and "Nguyễn Văn Ân", never
    "Nguyễn Văn Bình" (whose "văn" merely contains "an"). The folded name has single
    spaces, so a word starts the name or follows a space; both tests are plain LIKE
    patterns and work alike on SQLite and PostgreSQL.
    """
    q = Q()
    for word in fold(query).split():
        q &= Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})
    return q


def split_name(full_name: str) -> tuple[str, str, str]:
    """Split a Vietnamese full name into (family, middle, given)."""
    words = normalize(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


@functools.lru_cache(maxsize=65536)
def _word_key(text: str) -> str:
    letters: list[str] = []
    tones: list[str] = []
    for ch in normalize(text).lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        tone = next((_TONES[m] for m in marks if m in _TONES), "0")
        if letter in _LETTER_CODE:
            letters.append(_LETTER_CODE[letter])
            tones.append(tone)
        elif letter == " ":
            letters.append("#")  # a space sorts before any letter
            tones.append("0")
        elif letter.isalnum():
            letters.append(letter if letter.isascii() else "~")
            tones.append("0")
        # other punctuation is ignored
    # Letters compare first; the tones only break ties ("!" < any letter code).
    return "".join(letters) + "!" + "".join(tones)


def name_sort_key(full_name: str) -> str:
    """Return the byte-ordered key of a name in Vietnamese order (given, middle, family)."""
    family, middle, given = split_name(full_name)
    return " ".join(_word_key(part) for part in (given, middle, family))
