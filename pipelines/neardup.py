"""Near-duplicate posts: MinHash signatures of word shingles, banded for LSH.

A post body becomes a set of 5-word shingles (words folded like keywords: case, accents and
punctuation ignored) and a 128-value MinHash signature (datasketch). The signature is cut into 32
bands of 4 values; each band is hashed to one 64-bit key. Two posts whose shingle sets have a
Jaccard similarity of 0.5 share at least one band key with probability 0.87, at 0.7 with 0.9997,
so the band keys, stored in the database (``neardup_bands``), find candidates with an indexed
lookup from any process; candidates are then verified on the estimated Jaccard similarity.

The layout (shingle size, permutations, bands) is fixed: stored signatures stay comparable across
versions and settings. The threshold only applies at verification and can change at any time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash

from pipelines.keywords.fold import fold

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 5
SEED = 1
SCHEME = "affine32"
DEFAULT_THRESHOLD = 0.7
DEFAULT_MIN_WORDS = 40


@dataclass(frozen=True, eq=False)
class Signature:
    hashvalues: np.ndarray  # NUM_PERM unsigned 32-bit values
    words: int

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, words: int) -> Signature:
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), words)

    def band_keys(self) -> list[int]:
        """One signed 64-bit key per band (the band number is part of the hashed bytes)."""
        values = self.hashvalues.astype("<u4")
        keys = []
        for band in range(BANDS):
            chunk = bytes((band,)) + values[band * ROWS : (band + 1) * ROWS].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).digest()
            keys.append(int.from_bytes(digest, "big", signed=True))
        return keys

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / NUM_PERM


def shingles(text: str, size: int = SHINGLE_WORDS) -> tuple[set[bytes], int]:
    """The set of ``size``-word shingles of ``text`` and its number of words."""
    words = fold(text).text.split()
    if len(words) <= size:
        return ({" ".join(words).encode()} if words else set()), len(words)
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}, len(words)


class Hasher:
    """Computes signatures; holds the permutations so they are drawn once."""

    def __init__(self, min_words: int = DEFAULT_MIN_WORDS):
        self.min_words = min_words
        self._permutations: Any = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations

    def signature(self, text: str) -> Signature | None:
        """None for texts shorter than ``min_words`` (too short to tell a copy from a coincidence)."""
        grams, words = shingles(text)
        if words < self.min_words:
            return None
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=self._permutations, scheme=SCHEME)
        minhash.update_batch(list(grams))
        return Signature(np.array(minhash.hashvalues, dtype=np.uint32), words)
