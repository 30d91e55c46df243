"""Enrichment: language and sentiment of posts and comments, sentiment of each keyword mention.

Language comes from py3langid (its model ships with the package, no download); texts too short or
too ambiguous to tell get NULL. Sentiment is VADER's compound score, -1 .. 1: for a post or a
comment, the mean over its sentences (VADER scores sentences; a whole post would saturate at ±1);
for a keyword match, the mean over the sentences that contain its mentions. A sentence is scored
once per text even when several matches, or the body and the title-and-body text a post is tagged
on, contain it.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    SentiText,
)

from crawler.items import CommentsItem, PostItem
from pipelines.annotations import TextAnnotations, annotations_of
from pipelines.keywords.matcher import Match
from pipelines.keywords.text import post_text

logger = logging.getLogger(__name__)

MIN_CONFIDENCE = 0.3  # py3langid normalized probability below which the language is unknown
MIN_LETTERS = 12
_BOUNDARY = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+|\n+")
_LETTER = re.compile(r"[^\W\d_]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence (split after . ! ? … and at line breaks)."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@lru_cache(maxsize=4)
def load_identifier(languages: tuple[str, ...] = ()) -> Any:
    """py3langid's model (half a second to load; read-only once loaded, so shared in a process)."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        identifier.set_languages(list(languages))
    return identifier


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _negates(word: str) -> bool:
    """VADER's ``negated([word])`` for one lower-case word."""
    return word in _NEGATE or "n't" in word


_NEGATE = frozenset(NEGATE)


class Vader(SentimentIntensityAnalyzer):
    """VADER's analyzer with the same scores for less work (the steps of vaderSentiment 3.3.2, pinned
    below 4 in pyproject.toml; ``tests/test_enrich.py`` compares the two).

    ``polarity_scores`` starts by replacing each emoji with its description, walking the text one
    character at a time and building a new string (a tenth to a fifth of its time); a text none of whose
    characters is an emoji comes out of that pass unchanged, so the rest of the method runs on it
    directly. The negation and idiom checks lower-case every word of the sentence for each sentiment
    word they look around, and the "but" check once more; here the sentence's words are lower-cased once.
    """

    def __init__(self) -> None:
        super().__init__()
        # the pass looks up one character at a time: only one-character emoji can ever match
        self._emoji_chars = frozenset(e for e in self.emojis if len(e) == 1)
        self._lowered: tuple[list[str], list[str]] | None = None

    def _lower(self, words: list[str]) -> list[str]:
        """``words`` lower-cased (the last sentence's list, kept while its words are checked)."""
        if self._lowered is None or self._lowered[0] is not words:
            self._lowered = (words, [str(w).lower() for w in words])
        return self._lowered[1]

    def _negation_check(self, valence: float, words: list[str], start_i: int, i: int) -> float:
        lower = self._lower(words)
        if start_i == 0 and _negates(lower[i - 1]):
            valence = valence * N_SCALAR
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                pass
            elif _negates(lower[i - 2]):
                valence = valence * N_SCALAR
        if start_i == 2:
            if (
                lower[i - 3] == "never"
                and (lower[i - 2] == "so" or lower[i - 2] == "this")
                or (lower[i - 1] == "so" or lower[i - 1] == "this")
            ):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                pass
            elif _negates(lower[i - 3]):
                valence = valence * N_SCALAR
        return valence

    def _but_check(self, words: list[str], sentiments: list[float]) -> list[float]:
        lower = self._lower(words)
        if "but" in lower:
            bi = lower.index("but")
            for sentiment in sentiments:  # (VADER's loop, kept as it is: it finds values, not positions)
                si = sentiments.index(sentiment)
                if si < bi:
                    sentiments.pop(si)
                    sentiments.insert(si, sentiment * 0.5)
                elif si > bi:
                    sentiments.pop(si)
                    sentiments.insert(si, sentiment * 1.5)
        return sentiments

    def _special_idioms_check(self, valence: float, words: list[str], i: int) -> float:
        lower = self._lower(words)
        onezero = f"{lower[i - 1]} {lower[i]}"
        twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
        twoone = f"{lower[i - 2]} {lower[i - 1]}"
        threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
        threetwo = f"{lower[i - 3]} {lower[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in SPECIAL_CASES:
                valence = SPECIAL_CASES[seq]
                break
        if len(lower) - 1 > i:
            zeroone = f"{lower[i]} {lower[i + 1]}"
            if zeroone in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroone]
        if len(lower) - 1 > i + 1:
            zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
            if zeroonetwo in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in BOOSTER_DICT:
                valence = valence + BOOSTER_DICT[n_gram]
        return valence

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not isinstance(text, str) or not self._emoji_chars.isdisjoint(text):
            return super().polarity_scores(text)
        text = text.strip()
        sentitext = SentiText(text)
        sentiments: list[float] = []
        words_and_emoticons = sentitext.words_and_emoticons
        for i, item in enumerate(words_and_emoticons):
            if item.lower() in BOOSTER_DICT or (
                i < len(words_and_emoticons) - 1
                and item.lower() == "kind"
                and words_and_emoticons[i + 1].lower() == "of"
            ):
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)


class Enricher:
    def __init__(self, languages: Sequence[str] | None = None):
        self.languages = [lang.strip().lower() for lang in languages or () if lang.strip()]
        self._identifier: Any = None
        self._vader = Vader()

    @property
    def identifier(self) -> Any:
        if self._identifier is None:
            self._identifier = load_identifier(tuple(self.languages))
        return self._identifier

    def language(self, text: str) -> str | None:
        if len(_LETTER.findall(text[:2000])) < MIN_LETTERS:
            return None
        code, confidence = self.identifier.classify(text)
        return str(code) if confidence >= MIN_CONFIDENCE else None

    def _compound(self, sentence: str, scored: dict[str, float] | None = None) -> float:
        """VADER's compound score of ``sentence``; ``scored`` remembers the sentences of one text."""
        if scored is None:
            return float(self._vader.polarity_scores(sentence)["compound"])
        score = scored.get(sentence)
        if score is None:
            score = scored[sentence] = float(self._vader.polarity_scores(sentence)["compound"])
        return score

    def sentiment(
        self,
        text: str,
        sentences: list[tuple[int, int]] | None = None,
        scored: dict[str, float] | None = None,
    ) -> float | None:
        spans = sentence_spans(text) if sentences is None else sentences
        return _mean([self._compound(text[s:e], scored) for s, e in spans])

    def mention_sentiment(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        sentences: list[tuple[int, int]] | None = None,
        scored: dict[str, float] | None = None,
    ) -> float | None:
        """Mean compound score of the sentences containing ``spans``."""
        sentences = sentence_spans(text) if sentences is None else sentences
        if not sentences:
            return None
        starts = [s for s, _ in sentences]
        chosen = sorted({max(bisect_right(starts, start) - 1, 0) for start, _ in spans})
        return _mean([self._compound(text[sentences[i][0] : sentences[i][1]], scored) for i in chosen])

    def annotate(self, text: str, facts: TextAnnotations, tagged_text: str | None = None) -> None:
        """Fill ``facts``: language and sentiment of ``text``, sentiment of each keyword match.

        ``tagged_text`` is the text the matches were found in when it is not ``text`` (a post's
        title and body, see :func:`pipelines.keywords.post_text`).
        """
        sentences, scored = sentence_spans(text), dict[str, float]()
        facts.language = self.language(text)
        facts.sentiment = self.sentiment(text, sentences, scored)
        facts.enriched = True
        if tagged_text is None or tagged_text == text:
            self.annotate_matches(text, facts.matches or (), sentences, scored)
        else:
            self.annotate_matches(tagged_text, facts.matches or (), scored=scored)

    def annotate_matches(
        self,
        text: str,
        matches: Sequence[Match],
        sentences: list[tuple[int, int]] | None = None,
        scored: dict[str, float] | None = None,
    ) -> None:
        if not matches:
            return
        sentences = sentence_spans(text) if sentences is None else sentences
        scored = {} if scored is None else scored
        for match in matches:
            match.sentiment = self.mention_sentiment(text, match.spans, sentences, scored)


class EnrichPipeline:
    """Language and sentiment for posts, comments and keyword mentions (after the keywords pipeline)."""

    def __init__(self, languages: Sequence[str] | None = None):
        self.languages = list(languages or ())
        self.enricher: Enricher | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> EnrichPipeline:
        return cls(crawler.settings.getlist("DOCLISTEN_LANGUAGES"))

    def open_spider(self) -> None:
        self.enricher = Enricher(self.languages)

    def close_spider(self) -> None:
        self.enricher = None

    def process_item(self, item: Any) -> Any:
        if self.enricher is None or not isinstance(item, (PostItem, CommentsItem)):
            return item
        notes = annotations_of(item)
        if isinstance(item, PostItem):
            tagged = post_text(item.title, item.content_text)
            self.enricher.annotate(item.content_text, notes.post, tagged_text=tagged)
        for comment, facts in zip(item.comments, notes.for_comments(len(item.comments)), strict=True):
            self.enricher.annotate(comment.text, facts)
        return item
