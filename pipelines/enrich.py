"""Enrichment: language and sentiment of posts and comments, sentiment of each keyword mention.

Language comes from py3langid (its model ships with the package, no download); texts too short or
too ambiguous to tell get NULL. Sentiment is VADER's compound score, -1 .. 1: for a post or a
comment, the mean over its sentences (VADER scores sentences; a whole post would saturate at ±1);
for a keyword match, the mean over the sentences that contain its mentions.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

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


class Enricher:
    def __init__(self, languages: Sequence[str] | None = None):
        self.languages = [lang.strip().lower() for lang in languages or () if lang.strip()]
        self._identifier: Any = None
        self._vader = SentimentIntensityAnalyzer()

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

    def _compound(self, sentence: str) -> float:
        return float(self._vader.polarity_scores(sentence)["compound"])

    def sentiment(self, text: str, sentences: list[tuple[int, int]] | None = None) -> float | None:
        spans = sentence_spans(text) if sentences is None else sentences
        return _mean([self._compound(text[s:e]) for s, e in spans])

    def mention_sentiment(
        self, text: str, spans: Sequence[tuple[int, int]], sentences: list[tuple[int, int]] | None = None
    ) -> float | None:
        """Mean compound score of the sentences containing ``spans``."""
        sentences = sentence_spans(text) if sentences is None else sentences
        if not sentences:
            return None
        starts = [s for s, _ in sentences]
        chosen = sorted({max(bisect_right(starts, start) - 1, 0) for start, _ in spans})
        return _mean([self._compound(text[sentences[i][0] : sentences[i][1]]) for i in chosen])

    def annotate(self, text: str, facts: TextAnnotations, tagged_text: str | None = None) -> None:
        """Fill ``facts``: language and sentiment of ``text``, sentiment of each keyword match.

        ``tagged_text`` is the text the matches were found in when it is not ``text`` (a post's
        title and body, see :func:`pipelines.keywords.post_text`).
        """
        sentences = sentence_spans(text)
        facts.language = self.language(text)
        facts.sentiment = self.sentiment(text, sentences)
        facts.enriched = True
        self.annotate_matches(tagged_text if tagged_text is not None else text, facts.matches or ())

    def annotate_matches(self, text: str, matches: Sequence[Match]) -> None:
        sentences = sentence_spans(text) if matches else []
        for match in matches:
            match.sentiment = self.mention_sentiment(text, match.spans, sentences)


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
