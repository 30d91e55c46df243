"""Text folding for keyword matching.

``fold(text)`` lower-cases (casefold), strips diacritics and turns every character that is not a
letter, a digit or ``#`` into a space, so ``Accu-Chek``, ``ACCU CHEK`` and ``accu–chek`` all read
``accu chek``. Rule terms go through the same function, and matching requires a space (or ``#``)
on both sides of a term, which is how word boundaries are respected.

Most texts fold one character to one character, so offsets in the folded text are offsets in the
original; when a character folds to several (``ß`` -> ``ss``) or to none (a combining accent of a
decomposed text), :class:`Folded` keeps an explicit map back to the original for snippets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

HASH = "#"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_ONE_ASCII = "\x00"  # cache marker: this character does not fold to exactly one ASCII character


@lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """The folded form of one character: letters/digits/# lower-cased without accents, else a space."""
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    folded = "".join(ch if ch.isalnum() or ch == HASH else " " for ch in base)
    return " " if folded and not folded.strip() else folded  # "…" is one separator, not three


_ASCII_TABLE = bytes(ord(fold_char(chr(i))) for i in range(128)) + bytes(range(128, 256))


@lru_cache(maxsize=65536)
def _one_ascii(char: str) -> str:
    folded = fold_char(char)
    return folded if len(folded) == 1 and folded.isascii() else _NOT_ONE_ASCII


def _replace_non_ascii(match: re.Match[str]) -> str:
    return _one_ascii(match.group())


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on demand."""

    def __missing__(self, key: int) -> str:
        value = fold_char(chr(key))
        self[key] = value
        return value


_TABLE = _FoldTable()


@dataclass(frozen=True)
class Folded:
    text: str
    offsets: tuple[int, ...] | None = None  # folded index -> original index; None: identity
    original_length: int = 0

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` range of the folded ``[start, end)`` range."""
        if self.offsets is None:
            return start, end
        if start >= len(self.offsets):
            return self.original_length, self.original_length
        last = self.offsets[max(end - 1, start)]
        return self.offsets[start], last + 1


# Frequent non-ASCII characters of English blog text, replaced with str.replace (C speed) before the
# per-character pass: typographic quotes, dashes, ellipsis, spaces, and common accented letters.
_FREQUENT = [
    (char, fold_char(char))
    for char in "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00a0\u2011\u2010\u00ab\u00bb\u2022\u00b7"
    "\u00e9\u00e8\u00ea\u00e0\u00e1\u00e2\u00e4\u00e7\u00ed\u00ef\u00f1\u00f3\u00f4\u00f6\u00fa\u00fc"
]


def fold(text: str) -> Folded:
    if not text.isascii():
        quick = text
        for char, folded_char in _FREQUENT:
            if char in quick:
                quick = quick.replace(char, folded_char)
        if not quick.isascii():
            quick = _NON_ASCII.sub(_replace_non_ascii, quick)
        if _NOT_ONE_ASCII not in quick:
            text_ascii = quick
        else:
            return _fold_unicode(text)
    else:
        text_ascii = text
    folded = text_ascii.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    return Folded(folded, None, len(text))


def _fold_unicode(text: str) -> Folded:
    if all(len(_TABLE[ord(char)]) == 1 for char in set(text)):
        return Folded(text.translate(_TABLE), None, len(text))
    parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece = _TABLE[ord(char)]
        parts.append(piece)
        offsets.extend([index] * len(piece))
    return Folded("".join(parts), tuple(offsets), len(text))


def fold_term(term: str) -> list[str]:
    """The words of a rule term, folded: ``"Accu-Chek"`` -> ``["accu", "chek"]``."""
    return fold(term).text.split()
