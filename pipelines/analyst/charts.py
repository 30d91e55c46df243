"""``doclisten report --plot``: mention volume charts a reader can compare (matplotlib, Agg backend).

- The bucket fits the data unless ``--by`` says otherwise: the finest of day, week, month, quarter and year
  that draws at most ``MAX_PERIODS`` periods over the range that holds mentions, so twelve years of data
  are 50 quarters, not 600 mostly empty weeks. The range, the bucket and the filters are in the title.
- ``lines`` (one line per keyword, for a few keywords), ``multiples`` (a panel per keyword, shared axes:
  shapes and sizes compare at a glance) or ``heatmap`` (keyword × period, counts in the cells);
  ``auto``: lines up to ``LINES_UP_TO`` keywords, small multiples beyond.
- PNG, SVG or PDF by the file's extension.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pipelines.analyst.filters import AnalystError, Filters

if TYPE_CHECKING:
    from pipelines.analyst.report import Report

BUCKETS = ("day", "week", "month", "quarter", "year")
MAX_PERIODS = 60
LINES_UP_TO = 3


def start_of(day: date, bucket: str) -> date:
    if bucket == "day":
        return day
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def following(day: date, bucket: str) -> date:
    if bucket == "day":
        return day + timedelta(days=1)
    if bucket == "week":
        return day + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[bucket]
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def periods(first: date, last: date, bucket: str) -> list[date]:
    out, day = [], start_of(first, bucket)
    while day <= last:
        out.append(day)
        day = following(day, bucket)
    return out


def fit_bucket(first: date, last: date) -> str:
    for bucket in BUCKETS:
        if len(periods(first, last, bucket)) <= MAX_PERIODS:
            return bucket
    return "year"


def label(day: date, bucket: str) -> str:
    if bucket == "year":
        return f"{day.year}"
    if bucket == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if bucket == "month":
        return f"{day:%Y-%m}"
    return day.isoformat()


def series(report: Report, by: str | None) -> tuple[str, list[date], dict[str, list[int]]]:
    """The bucket, its periods and each top keyword's mentions per period (zero-filled)."""
    days = sorted({date.fromisoformat(d) for k in report.keywords for d in report.daily.get(k, {})})
    if not days:
        raise AnalystError("nothing to plot: no keyword mentions match these filters")
    bucket = by or fit_bucket(days[0], days[-1])
    axis = periods(days[0], days[-1], bucket)
    index = {p: i for i, p in enumerate(axis)}
    out: dict[str, list[int]] = {}
    for keyword in report.keywords:
        values = [0] * len(axis)
        for d, m in report.daily.get(keyword, {}).items():
            values[index[start_of(date.fromisoformat(d), bucket)]] += int(m)
        out[keyword] = values
    return bucket, axis, out


def title(bucket: str, axis: list[date], f: Filters, keywords: int, chart: str) -> str:
    span = f"{label(axis[0], bucket)} – {label(axis[-1], bucket)}"
    parts = [f"Mentions per {bucket}, {span}"]
    if f.groups:
        parts.append("group " + ", ".join(f.groups))
    if f.keywords:
        parts.append("keyword " + ", ".join(f.keywords))
    if f.sources:
        parts.append("source " + ", ".join(f.sources))
    if f.since:
        parts.append(f"since {f.since:%Y-%m-%d}")
    if f.until:
        parts.append(f"until {f.until - timedelta(microseconds=1):%Y-%m-%d}")
    parts.append(f"top {keywords} keywords" if chart != "lines" or keywords > 1 else "")
    return " · ".join(p for p in parts if p)


def draw(report: Report, path: str, fmt: str, f: Filters, by: str | None, chart: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bucket, axis, values = series(report, by)
    if chart == "auto":
        chart = "lines" if len(values) <= LINES_UP_TO else "multiples"
    draw_chart = {"lines": _lines, "multiples": _multiples, "heatmap": _heatmap}[chart]
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # SVG text stays text (searchable, smaller)
        _save(
            plt, draw_chart(plt, bucket, axis, values), path, fmt, title(bucket, axis, f, len(values), chart)
        )


def _save(plt: Any, fig: Any, path: str, fmt: str, heading: str) -> None:
    try:
        fig.suptitle(heading, fontsize=11)
        fig.tight_layout()
        fig.savefig(path, format=fmt)
    except OSError as exc:
        raise AnalystError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)


def _date_axis(ax: Any) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _lines(plt: Any, bucket: str, axis: list[date], values: dict[str, list[int]]) -> Any:
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=100)
    marker = "o" if len(axis) <= MAX_PERIODS else None
    for keyword, counts in values.items():
        ax.plot(axis, counts, marker=marker, markersize=4, linewidth=1.6, label=f"{keyword} ({sum(counts)})")
    ax.set_xlabel(f"{bucket} (UTC)")
    ax.set_ylabel("mentions")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    _date_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="keyword")
    return fig


def _width(bucket: str) -> float:
    return {"day": 0.8, "week": 5.6, "month": 24.0, "quarter": 72.0, "year": 300.0}[bucket]


def _multiples(plt: Any, bucket: str, axis: list[date], values: dict[str, list[int]]) -> Any:
    n = len(values)
    fig, axes = plt.subplots(
        n, 1, figsize=(10, 1.0 + 1.05 * n), dpi=100, sharex=True, sharey=True, squeeze=False
    )
    for ax, (keyword, counts) in zip(axes[:, 0], values.items(), strict=True):
        ax.bar(axis, counts, width=_width(bucket), color="#3b6ea5", align="edge")
        ax.text(
            0.005,
            0.92,
            f"{keyword} ({sum(counts)})",
            transform=ax.transAxes,
            va="top",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )
        ax.grid(True, axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    axes[n // 2, 0].set_ylabel("mentions")
    axes[-1, 0].set_xlabel(f"{bucket} (UTC)")
    _date_axis(axes[-1, 0])
    return fig


def _heatmap(plt: Any, bucket: str, axis: list[date], values: dict[str, list[int]]) -> Any:
    import numpy as np

    matrix = np.ma.masked_equal(np.array(list(values.values()), dtype=float), 0)
    fig, ax = plt.subplots(
        figsize=(max(8.0, min(16.0, 2 + 0.25 * len(axis))), 1.6 + 0.4 * len(values)), dpi=100
    )
    image = ax.imshow(matrix, aspect="auto", cmap="Blues", interpolation="nearest", vmin=0)
    ax.set_yticks(range(len(values)), [f"{k} ({sum(c)})" for k, c in values.items()])
    step = max(1, len(axis) // 16)
    ax.set_xticks(
        range(0, len(axis), step), [label(p, bucket) for p in axis[::step]], rotation=45, ha="right"
    )
    if len(axis) <= 40:
        top = max(max(c) for c in values.values())
        for row, counts in enumerate(values.values()):
            for col, value in enumerate(counts):
                if value:
                    ink = "white" if value > 0.6 * top else "black"  # readable on the darkest cells
                    ax.text(col, row, str(value), ha="center", va="center", fontsize=7, color=ink)
    ax.set_xlabel(f"{bucket} (UTC; blank: none)")
    fig.colorbar(image, ax=ax, label="mentions", fraction=0.03, pad=0.01)
    return fig
