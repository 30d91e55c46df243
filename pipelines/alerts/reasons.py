"""Why an alert fired: the count against the expected range, who and where, what else is said, the mood,
and three examples. The reasons are plain JSON (stored in ``alerts.reasons``, sent as they are)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any

from sqlalchemy import Connection

from pipelines.alerts.rules import AlertRule
from pipelines.alerts.spikes import Verdict
from pipelines.analyst.mentions import Detail, Mention, cooccurring_keywords, details
from pipelines.analyst.terms import distinctive_terms, find_snippet, tokens
from pipelines.keywords.matcher import snippet

TOP = 3
SAMPLES = 3
BASELINE_TEXTS = 2000  # the newest baseline texts the terms are compared with


def duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(fmean(known), 3) if known else None


def _samples(found: list[Detail], words: list[str]) -> list[dict[str, Any]]:
    """Newest first, one per author before a second of anyone."""
    newest = sorted(found, key=lambda d: d.when.timestamp() if d.when else 0.0, reverse=True)
    picked: list[Detail] = []
    authors: set[str | None] = set()
    for d in newest:
        if d.author not in authors and len(picked) < SAMPLES:
            picked.append(d)
            authors.add(d.author)
    picked += [d for d in newest if d not in picked][: SAMPLES - len(picked)]
    out = []
    for d in picked:
        cut = next((s for w in words if (s := find_snippet(d.text, w))), None) or snippet(d.text, 0, 0)
        out.append(
            {
                "kind": d.kind, "url": d.url, "title": d.title, "author": d.author, "source": d.source,
                "published_at": d.when.isoformat() if d.when else None, "snippet": cut[:300],
            }
        )  # fmt: skip
    return out


def build_reasons(
    conn: Connection,
    rule: AlertRule,
    verdict: Verdict,
    window: list[Mention],
    baseline: list[Mention],
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    found = details(conn, [m.key for m in window])
    excluded = [rule.target] if rule.kind == "keyword" else []
    words = [rule.target] if rule.kind == "keyword" else []
    before, now = _mean([m.sentiment for m in baseline]), _mean([m.sentiment for m in window])
    return {
        "rule": rule.name,
        "what": rule.label,
        "window": {"start": start.isoformat(), "end": end.isoformat(), "length": duration(rule.window)},
        "count": verdict.count,
        "expected": round(verdict.expected, 2),
        "expected_range": [0, verdict.upper],
        "p_value": verdict.p_value,
        "model": verdict.model,
        "baseline": {"windows": rule.baseline_windows, "items": len(baseline)},
        "top_sources": Counter(d.source or "?" for d in found).most_common(TOP),
        "top_authors": Counter(d.author for d in found if d.author).most_common(TOP),
        "cooccurring_keywords": cooccurring_keywords(conn, [m.key for m in window], excluded)[:5],
        "top_terms": distinctive_terms(
            [(d.text, d.language) for d in found],
            [(d.text, d.language) for d in details(conn, [m.key for m in baseline[-BASELINE_TEXTS:]])],
            excluded + _query_words(rule),
        ),
        "sentiment": {
            "window": now,
            "baseline": before,
            "shift": round(now - before, 3) if now is not None and before is not None else None,
        },
        "samples": _samples(found, words),
    }


def _query_words(rule: AlertRule) -> list[str]:
    if rule.kind != "query":
        return []
    return [w for w in tokens(rule.target) if w.upper() not in {"AND", "OR", "NOT", "NEAR"}]
