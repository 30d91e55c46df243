"""Near-duplicate posts: MinHash signatures of word shingles, banded for LSH.

A post body becomes a set of 5-word shingles (words folded like keywords: case, accents and
punctuation ignored) and a 128-value MinHash signature (datasketch's "affine32" scheme, computed here with
numpy: the same values, without importing datasketch, whose LSH modules load SciPy, a second of start-up
for every crawl process; ``tests/test_neardup.py`` compares the two). The signature is cut into 32
bands of 4 values; each band is hashed to one 64-bit key. Two posts whose shingle sets have a
Jaccard similarity of 0.5 share at least one band key with probability 0.87, at 0.7 with 0.9997,
so the band keys, stored in the database (``neardup_bands``), find candidates with an indexed
lookup from any process; candidates are then verified on the estimated Jaccard similarity.

The layout (shingle size, permutations, bands) is fixed: stored signatures stay comparable across
versions and settings. The threshold only applies at verification and can change at any time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

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


# MurmurHash3's 32-bit finalizer: (shift, multiplier, shift, multiplier, shift)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_EMPTY = np.uint32(0xFFFFFFFF)


@cache
def permutations(seed: int = SEED, num_perm: int = NUM_PERM) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations ``h -> a * h + b mod 2**32`` (``a`` odd), drawn as it draws them."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(grams: Iterable[bytes], seed: int = SEED, num_perm: int = NUM_PERM) -> np.ndarray:
    """datasketch's ``MinHash(scheme="affine32").update_batch(grams).hashvalues``: each gram's SHA-1 (first
    four bytes, little-endian), mixed by the MurmurHash3 finalizer, through each permutation; the minimum."""
    hv = np.array(
        [int.from_bytes(hashlib.sha1(g).digest()[:4], "little") for g in grams], dtype=np.uint32
    ).reshape(-1, 1)
    if not hv.size:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    a, b = permutations(seed, num_perm)
    return np.asarray((hv * a + b).min(axis=0), dtype=np.uint32)


class Hasher:
    """Computes signatures."""

    def __init__(self, min_words: int = DEFAULT_MIN_WORDS):
        self.min_words = min_words

    def signature(self, text: str) -> Signature | None:
        """None for texts shorter than ``min_words`` (too short to tell a copy from a coincidence)."""
        grams, words = shingles(text)
        if words < self.min_words:
            return None
        return Signature(minhash(grams), words)
