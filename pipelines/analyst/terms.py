"""Words and phrases of texts (1–3 grams, stop words out, per language) and the statistic that says which rose:
the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words",
Political Analysis 16(4), eq. 16–22), the background being both periods together.

A term is counted once per text (a document frequency): one post repeating a phrase is one use of it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from stop_words import AVAILABLE_LANGUAGES, LANGUAGE_MAPPING, get_stop_words

from pipelines.keywords.matcher import snippet

TOKEN = re.compile(r"\w+(?:['’\-]\w+)*", re.UNICODE)
MAX_N = 3
FALLBACK_LANGUAGE = "en"


@lru_cache(maxsize=64)
def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of a language (ISO 639-1 code, as ``posts.language``); English's for an unknown one."""
    code = (language or FALLBACK_LANGUAGE).lower()
    if code not in LANGUAGE_MAPPING and code not in AVAILABLE_LANGUAGES:
        code = FALLBACK_LANGUAGE
    return frozenset(w.casefold() for w in get_stop_words(code))


def tokens(text: str) -> list[str]:
    return [t.casefold().replace("’", "'") for t in TOKEN.findall(text)]


def _content(token: str, stops: frozenset[str]) -> bool:
    return token not in stops and (len(token) > 1 or token.isdigit())


def ngrams(text: str, language: str | None, max_n: int = MAX_N) -> set[str]:
    """The text's terms: words and 2–3 word phrases that neither begin nor end with a stop word (a phrase
    keeps its inner stop words: "cost of insulin"); numbers only inside phrases ("omnipod 5")."""
    stops = stop_words(language)
    words = tokens(text)
    out: set[str] = set()
    for i, first in enumerate(words):
        if not _content(first, stops) or first.isdigit():
            continue
        out.add(first)
        for n in range(2, max_n + 1):
            if i + n > len(words):
                break
            last = words[i + n - 1]
            if _content(last, stops):
                out.add(" ".join(words[i : i + n]))
    return out


def document_frequencies(texts: Iterable[tuple[str, str | None]]) -> tuple[Counter[str], int]:
    """Terms per number of texts holding them, and the number of texts."""
    counts: Counter[str] = Counter()
    n = 0
    for text, language in texts:
        counts.update(ngrams(text, language))
        n += 1
    return counts, n


@dataclass
class Rising:
    term: str
    window: int  # texts of the window holding it
    baseline: int  # texts of the baseline holding it
    log_odds: float  # delta: log-odds ratio, window against baseline
    z: float  # delta over its standard deviation: the ranking


def log_odds(window: Counter[str], baseline: Counter[str], min_count: int = 3) -> list[Rising]:
    """Terms that rose in ``window`` against ``baseline``, most significant first (z > 0, at least
    ``min_count`` window texts). The prior is the pooled counts: alpha_w = y_w(window) + y_w(baseline)."""
    n_i, n_j = sum(window.values()), sum(baseline.values())
    alpha0 = n_i + n_j
    out = []
    for term, y_i in window.items():
        if y_i < min_count:
            continue
        y_j = baseline.get(term, 0)
        alpha = y_i + y_j
        delta = math.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - math.log(
            (y_j + alpha) / (n_j + alpha0 - y_j - alpha)
        )
        z = delta / math.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
        if z > 0:
            out.append(Rising(term, y_i, y_j, delta, z))
    out.sort(key=lambda r: (-r.z, r.term))
    return without_parts(out)


def without_parts(ranked: list[Rising], share: float = 0.8) -> list[Rising]:
    """Drop a term when a longer ranked phrase holding it accounts for most of its uses (``share`` of its
    window texts): "recall" and "pod recall" go when "pod recall notice" says it all."""
    phrases = [r for r in ranked if " " in r.term]
    kept = []
    for r in ranked:
        inside = f" {r.term} "
        if any(
            p is not r
            and len(p.term) > len(r.term)
            and inside in f" {p.term} "
            and p.window >= share * r.window
            for p in phrases
        ):
            continue
        kept.append(r)
    return kept


def find_snippet(text: str, term: str) -> str | None:
    """The term in context in ``text`` (case and punctuation between its words ignored)."""
    pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in term.split()) + r"(?!\w)"
    match = re.search(pattern, text, re.IGNORECASE)
    return snippet(text, match.start(), match.end()) if match else None


def top_terms(
    texts: Iterable[tuple[str, str | None]], exclude: Iterable[str], top: int = 5
) -> list[tuple[str, int]]:
    """The terms most texts hold (at least two), leaving out ``exclude`` and the terms made of its words."""
    counts, _ = document_frequencies(texts)
    skip = {w for e in exclude for w in tokens(e)}
    ranked = [(t, c) for t, c in counts.items() if c >= 2 and not set(t.split()) <= skip and t not in skip]
    ranked.sort(key=lambda tc: (-tc[1], -len(tc[0].split()), tc[0]))
    out: list[tuple[str, int]] = []
    for term, count in ranked:
        if any(f" {term} " in f" {t} " and c >= 0.8 * count for t, c in out):
            continue
        out.append((term, count))
        if len(out) == top:
            break
    return out


def distinctive_terms(
    window: list[tuple[str, str | None]],
    baseline: list[tuple[str, str | None]],
    exclude: Iterable[str],
    top: int = 5,
) -> list[tuple[str, int]]:
    """The window's terms that rose most against the baseline's texts (log-odds, at least two texts), with
    their window counts; the most used terms when nothing rose (an empty or tiny baseline)."""
    skip = {w for e in exclude for w in tokens(e)}
    counts, _ = document_frequencies(window)
    before, _ = document_frequencies(baseline)
    ranked = [
        (r.term, r.window) for r in log_odds(counts, before, min_count=2) if not set(r.term.split()) <= skip
    ]
    return ranked[:top] if ranked else top_terms(window, exclude, top)
