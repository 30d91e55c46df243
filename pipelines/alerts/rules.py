"""Alert rules and the TOML file they live in (``DOCLISTEN_ALERTS_FILE``, see docs/alerts.md)::

[defaults]                      # optional: what every rule gets unless it says otherwise
window = "1d"                   # the period whose count is judged: 30m, 6h, 1d, 7d ...
baseline = "28d"                # the trailing time before the window that says what is normal
sensitivity = "medium"          # low (p < 0.001), medium (p < 0.01), high (p < 0.05), or a p-value
min_count = 5                   # never a spike below this many mentioning posts and comments

[[alert]]
name = "Omnipod"                # unique: the alert's name, and the key of its state
keyword = "Omnipod"             # one of: keyword (a keyword_matches.keyword), group, query (search syntax)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pipelines.alerts.errors import AlertRulesError
from pipelines.tomlfile import read_toml_file

SENSITIVITY = {"low": 0.001, "medium": 0.01, "high": 0.05}
DEFAULTS: dict[str, Any] = {"window": "1d", "baseline": "28d", "sensitivity": "medium", "min_count": 5}
_KINDS = ("keyword", "group", "query")
_KEYS = {"name", *_KINDS, *DEFAULTS}
MIN_BASELINE_WINDOWS = 3


@dataclass(frozen=True)
class AlertRule:
    name: str
    kind: str  # keyword | group | query
    target: str  # the keyword, the group or the search query
    window: timedelta
    baseline_windows: int
    alpha: float
    min_count: int

    @property
    def label(self) -> str:
        return {"keyword": "keyword", "group": "group", "query": "search"}[self.kind] + f" {self.target}"


def parse_duration(value: Any, where: str) -> timedelta:
    from pipelines.analyst.filters import AnalystError
    from pipelines.analyst.filters import parse_duration as duration

    try:
        return duration(value, where)
    except AnalystError as exc:
        raise AlertRulesError(str(exc)) from None


def parse_sensitivity(value: Any, where: str) -> float:
    if isinstance(value, str) and value in SENSITIVITY:
        return SENSITIVITY[value]
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 < value < 1:
        return float(value)
    raise AlertRulesError(f"{where}: sensitivity {value!r}: use low, medium, high or a p-value below 1")


def _rule(entry: Any, defaults: dict[str, Any], where: str) -> AlertRule:
    if not isinstance(entry, dict):
        raise AlertRulesError(f"{where}: must be a table ([[alert]])")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise AlertRulesError(f"{where}: unknown key {unknown[0]!r} (expected {', '.join(sorted(_KEYS))})")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 256:
        raise AlertRulesError(f"{where}: 'name' must be a non-empty string (≤ 256 characters)")
    where = f"{where} ({name.strip()})"
    kinds = [k for k in _KINDS if k in entry]
    if len(kinds) != 1:
        raise AlertRulesError(f"{where}: give exactly one of keyword, group or query")
    target = entry[kinds[0]]
    if not isinstance(target, str) or not target.strip():
        raise AlertRulesError(f"{where}: {kinds[0]!r} must be a non-empty string")
    if kinds[0] == "query":
        from pipelines.analyst.search_query import parse_search

        try:
            parse_search(target)
        except Exception as exc:  # the search syntax's own one-line message
            raise AlertRulesError(f"{where}: query: {exc}") from None
    values = {**defaults, **entry}
    window = parse_duration(values["window"], f"{where}: window")
    baseline = parse_duration(values["baseline"], f"{where}: baseline")
    windows = int(baseline / window)
    if windows < MIN_BASELINE_WINDOWS:
        raise AlertRulesError(
            f"{where}: baseline {values['baseline']} holds {windows} windows of {values['window']}; "
            f"it needs at least {MIN_BASELINE_WINDOWS}"
        )
    min_count = values["min_count"]
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise AlertRulesError(f"{where}: min_count must be a whole number ≥ 1")
    alpha = parse_sensitivity(values["sensitivity"], where)
    return AlertRule(name.strip(), kinds[0], target.strip(), window, windows, alpha, min_count)


def parse_alert_rules(data: dict[str, Any], where: str) -> list[AlertRule]:
    unknown = sorted(set(data) - {"defaults", "alert"})
    if unknown:
        raise AlertRulesError(f"{where}: unknown table {unknown[0]!r} (expected [defaults] and [[alert]])")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or set(defaults) - set(DEFAULTS):
        raise AlertRulesError(f"{where}: [defaults] takes only {', '.join(DEFAULTS)}")
    entries = data.get("alert", [])
    if not isinstance(entries, list):
        raise AlertRulesError(f"{where}: 'alert' must be a list of rules ([[alert]] tables)")
    rules, seen = [], set()
    for number, entry in enumerate(entries, 1):
        rule = _rule(entry, {**DEFAULTS, **defaults}, f"{where}: [[alert]] #{number}")
        if rule.name in seen:
            raise AlertRulesError(f"{where}: alert {rule.name!r} appears twice")
        seen.add(rule.name)
        rules.append(rule)
    return rules


def load_alert_rules(path: str | Path) -> list[AlertRule]:
    file = Path(path).expanduser()
    data = read_toml_file(file, "alerts file", "DOCLISTEN_ALERTS_FILE", AlertRulesError)
    return parse_alert_rules(data, str(file))
