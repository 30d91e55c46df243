"""``doclisten report --emerging``: the words and phrases whose use rose most in a window against the time
before it, per language (reads ``posts``, ``comments``, ``keyword_matches``; the statistic is in
``pipelines.analyst.terms``).

The window ends at ``--until`` (default: the newest post or comment, so a database crawled a while ago still
answers) and lasts ``--window`` (default 7 days; ``--since`` starts it instead); the baseline is the
``--baseline`` (default 90 days) before it. Near-duplicate posts (``duplicate_of``) are left out, so a
syndicated post counts once; ``--source``, ``--keyword`` and ``--group`` narrow the texts to those blogs or
to the posts and comments that mention those keywords.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select

from pipelines.analyst.filters import AnalystError, Filters
from pipelines.analyst.terms import Rising, document_frequencies, find_snippet, log_odds
from pipelines.store.models import TS, Comment, KeywordMatch, Post
from pipelines.store.search_index import post_text

UNDETERMINED = "und"


@dataclass
class Emerging:
    language: str
    term: str
    window: int  # texts of the window that use it
    baseline: int  # texts of the baseline that use it
    z: float
    log_odds: float
    snippet: str
    url: str


@dataclass
class EmergingReport:
    start: datetime
    end: datetime
    baseline_start: datetime
    texts: dict[str, tuple[int, int]] = field(default_factory=dict)  # language -> (window, baseline)
    terms: list[Emerging] = field(default_factory=list)


@dataclass
class Text:
    when: datetime
    body: str
    language: str
    url: str


def _match_filter(f: Filters, post_id: Any, comment_id: Any) -> list[Any]:
    if not f.has_match_filter:
        return []
    same = KeywordMatch.comment_id.is_(None) if comment_id is None else KeywordMatch.comment_id == comment_id
    return [exists().where(and_(KeywordMatch.post_id == post_id, same, *f.match_clause()))]


def texts(conn: Connection, f: Filters, start: datetime, end: datetime) -> Iterator[Text]:
    from crawler.extract.dates import to_utc

    post_when = func.coalesce(Post.published_at, Post.first_seen_at, type_=TS)
    posts = select(post_when, Post.title, Post.content_text, Post.language, Post.url).where(
        post_when >= start, post_when < end, Post.duplicate_of.is_(None),
        *f.source_clause(Post.source_id), *_match_filter(f, Post.id, None),
    )  # fmt: skip
    for when, title, body, language, url in conn.execute(posts):
        yield Text(to_utc(when), post_text(title, body), language or UNDETERMINED, url)
    comment_when = func.coalesce(Comment.published_at, Comment.first_seen_at, type_=TS)
    comments = (
        select(comment_when, Comment.content_text, Comment.language, Post.url, Comment.external_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            comment_when >= start, comment_when < end, *f.source_clause(Post.source_id),
            *_match_filter(f, Comment.post_id, Comment.id),
        )
    )  # fmt: skip
    for when, body, language, url, external in conn.execute(comments):
        link = f"{url}#comment-{external}" if external else url
        yield Text(to_utc(when), body, language or UNDETERMINED, link)


def newest(conn: Connection) -> datetime | None:
    from crawler.extract.dates import to_utc

    found = [
        conn.execute(
            select(func.max(func.coalesce(Post.published_at, Post.first_seen_at, type_=TS)))
        ).scalar(),
        conn.execute(
            select(func.max(func.coalesce(Comment.published_at, Comment.first_seen_at, type_=TS)))
        ).scalar(),
    ]
    known = [to_utc(w) for w in found if w is not None]
    return max(known) if known else None


def emerging_terms(
    conn: Connection,
    f: Filters,
    window: timedelta = timedelta(days=7),
    baseline: timedelta = timedelta(days=90),
    top: int = 10,
    min_count: int = 3,
) -> EmergingReport:
    f = f.resolved(conn)
    last = f.until or newest(conn)
    if last is None:
        raise AnalystError("no posts or comments yet: nothing to compare")
    end = last if f.until else last + timedelta(microseconds=1)
    start = f.since or end - window
    report = EmergingReport(start, end, start - baseline)
    now: dict[str, list[Text]] = defaultdict(list)
    before: dict[str, list[Text]] = defaultdict(list)
    for t in texts(conn, f, report.baseline_start, end):
        (now if t.when >= start else before)[t.language].append(t)
    for language in sorted(now):
        window_counts, n_window = document_frequencies((t.body, language) for t in now[language])
        baseline_counts, n_base = document_frequencies((t.body, language) for t in before.get(language, []))
        report.texts[language] = (n_window, n_base)
        for rising in log_odds(window_counts, baseline_counts, min_count)[:top]:
            report.terms.append(_example(language, rising, now[language]))
    return report


def _example(language: str, rising: Rising, window: list[Text]) -> Emerging:
    for t in sorted(window, key=lambda t: t.when, reverse=True):
        cut = find_snippet(t.body, rising.term)
        if cut:
            return Emerging(
                language, rising.term, rising.window, rising.baseline, rising.z, rising.log_odds, cut, t.url
            )
    return Emerging(language, rising.term, rising.window, rising.baseline, rising.z, rising.log_odds, "", "")
