"""Occurrences of terms in one folded text, as the boolean evaluation sees them."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

Span = tuple[int, int]  # [start, end) in the folded text
_SPACE = ord(" ")


def word_starts(text: str) -> list[int]:
    """Offsets of the first character of every word of a folded text."""
    chars = np.frombuffer((" " + text).encode("utf-32-le"), dtype=np.uint32)
    starts: list[int] = np.flatnonzero((chars[1:] != _SPACE) & (chars[:-1] == _SPACE)).tolist()
    return starts


class Context:
    """Occurrences of terms in one folded text, as spans and word positions computed on demand.

    ``ends`` holds, per term id, where the Aho-Corasick pass saw the term end (in the text padded
    with one space on each side); ``lengths`` is the length of each term's keys there, and
    ``prefixes`` tells the terms that end with a wildcard.
    """

    def __init__(
        self, text: str, ends: dict[int, list[int]], lengths: Sequence[int], prefixes: Sequence[bool]
    ):
        self.text = text
        self.ends = ends
        self._lengths = lengths
        self._prefixes = prefixes
        self._spans: dict[int, list[Span]] = {}
        self._starts: list[int] | None = None
        self._words: dict[Span, tuple[int, int]] = {}

    def spans(self, term_id: int) -> list[Span]:
        found = self._spans.get(term_id)
        if found is None:
            ends = self.ends.get(term_id)
            if not ends:
                return []
            back = self._lengths[term_id] - 1
            if self._prefixes[term_id]:
                found = [(last - back, self._word_end(last - 1)) for last in ends]
            else:
                found = [(last - back, last - 1) for last in ends]
            self._spans[term_id] = found
        return found

    def _word_end(self, position: int) -> int:
        end = self.text.find(" ", position)
        return len(self.text) if end == -1 else end

    def words(self, span: Span) -> tuple[int, int]:
        """Index of the first and last word of ``span``."""
        found = self._words.get(span)
        if found is None:
            if self._starts is None:
                self._starts = word_starts(self.text)
            starts = self._starts
            found = (bisect_right(starts, span[0]) - 1, bisect_right(starts, span[1] - 1) - 1)
            self._words[span] = found
        return found
