"""``doclisten report --emerging``: the phrase of a burst injected into the crawled sample site comes out on
top; terms are 1–3 grams without stop words, per language; the log-odds statistic behaves (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from pipelines.analyst.emerging import emerging_terms
from pipelines.analyst.filters import Filters
from pipelines.analyst.terms import log_odds, ngrams, stop_words
from pipelines.store.db import open_database
from tests.alert_data import burst_posts, inject
from tests.conftest import SampleCrawl, run_cli

AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_terms_leave_out_stop_words_per_language() -> None:
    english = ngrams("The cost of insulin is rising for all of us", "en")
    assert "cost of insulin" in english and "insulin" in english and "rising" in english
    assert not {"the", "of", "is", "all", "us", "the cost", "of insulin"} & english
    german = ngrams("Der Preis für Insulin steigt und steigt", "de")
    assert {"preis", "insulin", "preis für insulin"} <= german and not {"der", "für", "und"} & german
    assert "der" in stop_words("de") and "der" not in stop_words("en")
    assert "omnipod 5" in ngrams("My Omnipod 5 arrived", "en") and "5" not in ngrams(
        "My Omnipod 5 arrived", "en"
    )


def test_log_odds_ranks_a_new_term_over_a_steady_one() -> None:
    baseline = Counter({"insulin": 40, "pump": 20, "recall": 1})
    window = Counter({"insulin": 8, "pump": 4, "recall": 9})
    ranked = log_odds(window, baseline, min_count=3)
    assert [r.term for r in ranked][0] == "recall"
    assert all(r.term != "insulin" or r.z < 1 for r in ranked)


def test_the_burst_phrase_comes_out_on_top(sample_crawl_copy: SampleCrawl) -> None:
    inject(sample_crawl_copy.db, burst_posts(AT))
    engine = open_database(sample_crawl_copy.db)
    try:
        with engine.connect() as conn:
            report = emerging_terms(conn, Filters(), timedelta(days=2), timedelta(days=730), top=5)
            before = emerging_terms(
                conn, Filters(until=AT - timedelta(days=2)), timedelta(days=2), timedelta(days=730), top=5
            )
    finally:
        engine.dispose()
    top = report.terms[0]
    assert (top.language, top.term, top.window, top.baseline) == ("en", "occlusion alarm recall", 12, 0)
    assert "occlusion alarm recall" in top.snippet.lower() and top.url.startswith("http://injected.test/")
    # its words are not listed again on their own: the phrase says it all
    assert not {"occlusion", "alarm", "recall", "alarm recall"} & {t.term for t in report.terms}
    assert "occlusion alarm recall" not in {t.term for t in before.terms}


def test_report_emerging_cli(sample_crawl_copy: SampleCrawl) -> None:
    inject(sample_crawl_copy.db, burst_posts(AT))
    out = run_cli(
        "report", "--emerging", "--window", "2d", "--baseline", "730d", "--keyword", "Omnipod",
        db=sample_crawl_copy.db,
    ).stdout  # fmt: skip
    assert "Monroe et al. 2008" in out
    first = next(line for line in out.splitlines() if line.startswith("en "))
    assert "occlusion alarm recall" in first and " 12 " in first
    bad = run_cli("report", "--emerging", "--window", "soon", db=sample_crawl_copy.db, check=False)
    assert bad.returncode == 1 and "--window" in bad.stderr and "not a duration" in bad.stderr
