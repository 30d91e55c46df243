"""``doclisten report``: mention volume over time, share of voice, top authors and mean sentiment."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sqlalchemy import Connection, case, desc, func, select

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


def plot(report: Report, path: str) -> None:
    """A line chart of mention volume over time, one line per keyword (matplotlib, Agg backend)."""
    fmt = plot_format(path)
    import matplotlib

    matplotlib.use("Agg")
    from datetime import date

    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if not report.periods:
        raise AnalystError("nothing to plot: no keyword mentions match these filters")
    periods = all_periods(report.periods[0], report.periods[-1], report.by)
    x = [date.fromisoformat(p) for p in periods]
    marker = "o" if len(periods) <= 60 else None
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=100)
    try:
        for keyword in report.keywords:
            series = report.volume.get(keyword, {})
            ax.plot(
                x,  # type: ignore[arg-type]
                [series.get(p, 0) for p in periods],
                marker=marker,
                markersize=4,
                linewidth=1.6,
                label=keyword,
            )
        ax.set_title(f"Mentions per {report.by}")
        ax.set_xlabel(f"{report.by} (UTC)")
        ax.set_ylabel("mentions")
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="keyword")
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(path, format=fmt)
    except OSError as exc:
        raise AnalystError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
