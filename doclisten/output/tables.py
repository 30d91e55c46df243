"""Plain-text tables for the analyst commands (CSV and JSON Lines: ``pipelines.analyst.export``).

Times are ISO 8601 in UTC (``2024-01-07T23:30:00+00:00``) in tables, CSV, JSON Lines and exports
(``pipelines.analyst.export.plain``).
A table is as wide as its content (long text cut at ``MAX_CELL``) or, given a width, fitted to it:
the widest text columns are cut first; numbers and times are never cut and no column is dropped.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from typing import Any

from pipelines.analyst.export import STORED_TIME, plain

MAX_CELL = 60
MIN_CELL = 4  # a text column is never cut narrower than this or its name
GAP = "  "


def terminal_width() -> int | None:
    """The width to fit tables to: ``COLUMNS`` or the terminal's; None when writing to a pipe or file."""
    return shutil.get_terminal_size(fallback=(0, 0)).columns or None


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    value = plain(value)
    text = " ".join(str(value).split())
    return cut(text, MAX_CELL)


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _is_text(values: list[Any]) -> bool:
    """A column that may be cut: text, not numbers or times."""
    return any(isinstance(v, str) and not STORED_TIME.fullmatch(v) for v in values)


def fit(names: Sequence[str], widths: list[int], text: list[bool], width: int) -> list[int]:
    """Column widths within ``width``: the widest text columns lose characters first."""
    budget = width - len(GAP) * (len(widths) - 1)
    floors = [min(w, max(len(n), MIN_CELL)) if t else w for n, w, t in zip(names, widths, text, strict=True)]
    cap = max(widths, default=0)
    while cap > 0 and sum(max(f, min(w, cap)) for w, f in zip(widths, floors, strict=True)) > budget:
        cap -= 1
    return [max(f, min(w, cap)) for w, f in zip(widths, floors, strict=True)]


def format_table(names: Sequence[str], rows: Iterable[Sequence[Any]], width: int | None = None) -> str:
    """A text table; with ``width``, fitted to it (see :func:`fit`) as far as the columns' names allow."""
    raw = [list(row) for row in rows]
    cells = [[cell(v) for v in row] for row in raw]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
    if width is not None:
        text = [_is_text([row[i] for row in raw]) for i in range(len(names))]
        widths = fit(names, widths, text, width)
        cells = [[cut(c, w) for c, w in zip(r, widths, strict=True)] for r in cells]
    lines = [GAP.join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append(GAP.join("-" * w for w in widths))
    lines += [GAP.join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)
