"""``doclisten report``: mention volume over time, share of voice, top authors and mean sentiment."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sqlalchemy import Connection, and_, case, desc, func, or_, select
from sqlalchemy.orm import aliased

from pipelines.analyst.filters import AnalystError, Filters, match_time
from pipelines.store.models import Comment, KeywordMatch, Post

PERIODS = ("day", "week", "month")
PLOT_FORMATS = ("png", "svg", "pdf")


@dataclass
class Report:
    by: str
    periods: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # the top keywords, most mentioned first
    volume: dict[str, dict[str, int]] = field(default_factory=dict)  # keyword -> period -> mentions
    share: list[tuple[str, str, int, float]] = field(default_factory=list)  # group, keyword, mentions, share
    authors: list[tuple[str, int, int]] = field(default_factory=list)  # author, mentions, matches
    sentiment: list[tuple[str, int, float | None]] = field(default_factory=list)  # keyword, matches, mean
    # unique authors: keyword -> period -> distinct authors of the mentions; keyword -> over the whole range
    unique_authors: dict[str, dict[str, int]] = field(default_factory=dict)
    unique_total: dict[str, int] = field(default_factory=dict)
    # authors by replies received to their mentioning posts and comments: author, replies, repliers, items
    replied: list[tuple[str, int, int, int]] = field(default_factory=list)
    daily: dict[str, dict[str, int]] = field(default_factory=dict)  # keyword -> day -> mentions (charts)

    @property
    def total(self) -> int:
        return sum(m for _, _, m, _ in self.share)


def bucket(dialect: str, by: str, when: Any) -> Any:
    """The period a time falls in, as text ``YYYY-MM-DD`` (weeks start on Monday, months on the 1st)."""
    if by not in PERIODS:
        raise AnalystError(f"--by {by}: choose day, week or month")
    if dialect == "sqlite":
        if by == "day":
            return func.date(when)
        if by == "week":
            return func.date(when, "weekday 0", "-6 days")
        return func.strftime("%Y-%m-01", when)
    return func.to_char(func.date_trunc(by, func.timezone("UTC", when)), "YYYY-MM-DD")


def live() -> list[Any]:
    """Deleted posts and comments (deleted upstream, in their grace period) are left out (docs/privacy.md)."""
    return [Post.deleted_at.is_(None), Comment.deleted_at.is_(None)]


def _base(f: Filters, *columns: Any) -> Any:
    when = match_time()
    return (
        select(*columns)
        .select_from(KeywordMatch)
        .join(Post, Post.id == KeywordMatch.post_id)
        .outerjoin(Comment, Comment.id == KeywordMatch.comment_id)
        .where(*f.window(when), *f.source_clause(Post.source_id), *f.match_clause(), *live())
    )


def build_report(conn: Connection, f: Filters, by: str = "week", top: int = 10) -> Report:
    report, f = Report(by), f.resolved(conn)
    period = bucket(conn.dialect.name, by, match_time()).label("period")
    mentions = func.sum(KeywordMatch.count).label("mentions")
    kw, group = KeywordMatch.keyword, KeywordMatch.keyword_group
    totals = conn.execute(
        _base(f, group, kw, mentions).group_by(group, kw).order_by(desc("mentions"), kw)
    ).all()
    group_totals: dict[str, int] = defaultdict(int)
    for g, _, m in totals:
        group_totals[g] += m
    report.share = [(g, k, m, m / group_totals[g]) for g, k, m in totals]
    report.keywords = list(dict.fromkeys(k for _, k, _ in totals))[:top]
    rows = conn.execute(
        _base(f, period, kw, mentions).where(kw.in_(report.keywords)).group_by(period, kw).order_by(period)
    ).all()
    report.periods = sorted({p for p, _, _ in rows if p})
    for p, k, m in rows:
        report.volume.setdefault(k, {})[p] = m
    author = case((KeywordMatch.comment_id.is_(None), Post.author), else_=Comment.author).label("author")
    report.authors = [
        (a, m, n)
        for a, m, n in conn.execute(
            _base(f, author, mentions, func.count().label("matches"))
            .where(author.is_not(None))
            .group_by(author)
            .order_by(desc("mentions"), author)
            .limit(top)
        ).all()
    ]
    _authors(conn, f, report, by, author, top)
    report.sentiment = [
        (k, n, float(s) if s is not None else None)
        for k, n, s in conn.execute(
            _base(f, kw, func.count(KeywordMatch.sentiment), func.avg(KeywordMatch.sentiment))
            .where(kw.in_(report.keywords))
            .group_by(kw)
            .order_by(kw)
        ).all()
    ]
    return report


def _authors(conn: Connection, f: Filters, report: Report, by: str, author: Any, top: int) -> None:
    """Unique authors per keyword (and period), the authors whose mentions drew the most replies, and the
    daily volume the charts re-bucket."""
    kw, dialect = KeywordMatch.keyword, conn.dialect.name
    period = bucket(dialect, by, match_time()).label("period")
    unique = func.count(func.distinct(author)).label("authors")
    top_kw = kw.in_(report.keywords)
    for p, k, n in conn.execute(_base(f, period, kw, unique).where(top_kw).group_by(period, kw)):
        report.unique_authors.setdefault(k, {})[p] = n
    report.unique_total = {k: n for k, n in conn.execute(_base(f, kw, unique).where(top_kw).group_by(kw))}
    day = bucket(dialect, "day", match_time()).label("day")
    mentions = func.sum(KeywordMatch.count)
    for d, k, m in conn.execute(_base(f, day, kw, mentions).where(top_kw).group_by(day, kw)):
        report.daily.setdefault(k, {})[d] = m
    report.replied = replies_received(conn, f, author, top)


def replies_received(conn: Connection, f: Filters, author: Any, top: int) -> list[tuple[str, int, int, int]]:
    """Per author of mentioning posts and comments: the replies they drew (top-level comments on such a post,
    replies to such a comment; their own replies not counted), the distinct repliers, the items."""
    items = (
        _base(f, KeywordMatch.post_id, KeywordMatch.comment_id, author.label("author"))
        .where(author.is_not(None))
        .distinct()
        .subquery()
    )
    reply = aliased(Comment)
    on_posts = and_(items.c.comment_id.is_(None), reply.post_id == items.c.post_id, reply.parent_id.is_(None))
    on_comments = and_(items.c.comment_id.is_not(None), reply.parent_id == items.c.comment_id)
    replies: dict[str, int] = defaultdict(int)
    repliers: dict[str, set[str | None]] = defaultdict(set)
    for on in (on_posts, on_comments):
        rows = conn.execute(
            select(items.c.author, reply.author, func.count())
            .select_from(items)
            .join(reply, on)
            .where(or_(reply.author.is_(None), reply.author != items.c.author))
            .group_by(items.c.author, reply.author)
        )
        for who, replier, n in rows:
            replies[who] += n
            repliers[who].add(replier)
    written = {a: n for a, n in conn.execute(select(items.c.author, func.count()).group_by(items.c.author))}
    ranked = sorted(replies, key=lambda a: (-replies[a], -len(repliers[a]), a))[:top]
    return [(a, replies[a], len(repliers[a]), written.get(a, 0)) for a in ranked]


def all_periods(first: str, last: str, by: str) -> list[str]:
    """Every period from ``first`` to ``last``: quiet periods are plotted as zero, not skipped."""
    from datetime import date, timedelta

    day, end, out = date.fromisoformat(first), date.fromisoformat(last), []
    while day <= end:
        out.append(day.isoformat())
        if by == "month":
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            day += timedelta(days=1 if by == "day" else 7)
    return out


def plot_format(path: str) -> str:
    """The chart's file format, from the name's extension (checked before any work is done)."""
    fmt = PurePath(path).suffix.lower().removeprefix(".")
    if fmt not in PLOT_FORMATS:
        raise AnalystError(f"--plot {path}: the chart's file name must end in .png, .svg or .pdf")
    return fmt


def plot(
    report: Report, path: str, filters: Filters | None = None, by: str | None = None, chart: str = "auto"
) -> None:
    """The volume as a chart (``pipelines.analyst.charts``): the bucket fitted to the data unless ``by``."""
    from pipelines.analyst.charts import draw

    fmt = plot_format(path)
    if not report.daily:
        raise AnalystError("nothing to plot: no keyword mentions match these filters")
    draw(report, path, fmt, filters or Filters(), by, chart)
