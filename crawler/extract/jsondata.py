"""JSON answers of the platforms' public endpoints (Disqus, Discourse, Substack): their shape is not trusted."""

from __future__ import annotations

import json
from typing import Any


def load_object(body: bytes | str, what: str) -> dict[str, Any]:
    """``body`` as a JSON object; a ``ValueError`` naming ``what`` (one line) when it is not one. An error
    answer (``{"error": …}`` / ``{"errors": […]}``) is given back like any object: the caller knows which
    keys it needs (:func:`error_of` says what the answer said)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{what}: not JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def error_of(data: dict[str, Any]) -> str:
    """ ": <what an error answer says>" or "" (for a one-line message)."""
    error = data.get("error") or data.get("errors")
    return f": {' '.join(str(error).split())[:200]}" if error else ""


def shaped(value: Any, kind: type) -> Any:
    """``value`` when it is a ``kind`` (dict, list), else an empty one."""
    return value if isinstance(value, kind) else kind()
