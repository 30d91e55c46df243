"""Enrichment: language (py3langid), VADER sentiment of texts and of keyword mentions; pipelines chained."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.utils.test import get_crawler
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from pipelines.enrich import Enricher, EnrichPipeline, Vader, sentence_spans
from pipelines.keywords.pipeline import KeywordsPipeline


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher()


def test_sentences_split_after_punctuation_and_lines() -> None:
    text = "I love my Dexcom! The price is awful.\n\nWhy? “Because.” Done"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "I love my Dexcom!",
        "The price is awful.",
        "Why?",
        "“Because.”",
        "Done",
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("My school nurse told us the first time you mix glucagon should not be the real emergency.", "en"),
        ("Merci beaucoup pour cet article, il m'a beaucoup aidée avec ma pompe à insuline.", "fr"),
        ("Ich trage seit zehn Jahren eine Insulinpumpe und bin sehr zufrieden damit.", "de"),
        ("Gracias por compartir tu historia, mi hija también tiene diabetes tipo 1.", "es"),
        ("Thanks!", None),
        ("🙂🙂", None),
    ],
)
def test_language(enricher: Enricher, text: str, language: str | None) -> None:
    assert enricher.language(text) == language


def test_languages_can_be_restricted() -> None:
    assert Enricher(["en", "fr"]).language("Ich trage seit zehn Jahren eine Insulinpumpe.") in {"en", "fr"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "I love my new pump!!! It is kind of great, but the sensor is NOT good?",
        "\t kind of bad \n",
        "KIND OF awful, no good at all",
        "This is the bomb :) and I am at least happy",
        "Not the least bit scary, never!",
        "It was never so good, without doubt good, and I can't say it isn't bad",
        "The new pump is not very good but the sensor is the bomb, kind of",
        "Nothing is sort of great, nor really awful; cut the mustard",
        "My CGM 😀 works ❤ and I am happy 🙂",
        "😀",
    ],
)
def test_vader_fast_path_scores_as_vader(text: str) -> None:
    """Text without emoji skips VADER's emoji pass: every score stays VADER's own."""
    assert Vader().polarity_scores(text) == SentimentIntensityAnalyzer().polarity_scores(text)


def test_sentiment_is_a_mean_of_sentence_compounds(enricher: Enricher) -> None:
    happy = enricher.sentiment("I love my new pump. It is wonderful and I am so happy.")
    sad = enricher.sentiment("The pharmacy was horrible. I am angry and scared.")
    assert happy is not None and sad is not None and happy > 0.5 and sad < -0.5
    assert enricher.sentiment("") is None


def test_mention_sentiment_uses_the_sentences_around_the_mention(enricher: Enricher) -> None:
    text = "I love my Dexcom, it is great. The pharmacy is terrible and the Humalog price is awful."
    dexcom = text.index("Dexcom")
    humalog = text.index("Humalog")
    good = enricher.mention_sentiment(text, [(dexcom, dexcom + 6)])
    bad = enricher.mention_sentiment(text, [(humalog, humalog + 7)])
    assert good is not None and bad is not None and good > 0.5 > 0 > -0.5 > bad


def test_keywords_then_enrich_annotate_posts_and_comments() -> None:
    crawler = get_crawler(settings_dict={"DOCLISTEN_KEYWORDS_FILE": None})
    keywords, enrich = KeywordsPipeline.from_crawler(crawler), EnrichPipeline.from_crawler(crawler)
    enrich.open_spider()
    item = PostItem(
        1,
        "https://blog.example/a/",
        "https://blog.example/a/",
        "wordpress",
        "Accu-Chek Aviva review",
        "Kim",
        datetime(2015, 10, 1, tzinfo=UTC),
        None,
        "The meter is fast and I really like it. The software is terrible.",
        comments=[ExtractedComment("Roche sent me a free meter, great service!", external_id="1")],
    )
    item = enrich.process_item(keywords.process_item(item))
    notes = item.annotations
    assert notes is not None
    assert notes.post.language == "en" and notes.post.enriched and notes.post.sentiment is not None
    (accu,) = [m for m in notes.post.matches or [] if m.keyword == "Accu-Chek"]
    assert accu.snippet.startswith("Accu-Chek Aviva review")  # the title is tagged too
    (roche,) = [m for m in notes.comments[0].matches or [] if m.keyword == "Roche"]
    assert roche.sentiment is not None and roche.sentiment > 0.5
    comments = CommentsItem(1, "https://blog.example/a/", "feed", [ExtractedComment("Dexcom alarms, ugh.")])
    notes = enrich.process_item(keywords.process_item(comments)).annotations
    assert notes is not None and [m.keyword for m in notes.comments[0].matches or []] == ["Dexcom"]
    enrich.close_spider()
