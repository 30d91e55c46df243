"""The root of doclisten's errors: every package's errors derive from :class:`DoclistenError`.

A ``DoclistenError``'s message is a one-line, user-facing explanation; the CLI prints it as it is.
:func:`one_line` is the one way any other exception (or a library's error text) becomes such a line.
"""

from __future__ import annotations

ONE_LINE_LIMIT = 500


class DoclistenError(Exception):
    """Base class: the message is a one-line, user-facing explanation."""


def one_line(value: BaseException | str, limit: int = ONE_LINE_LIMIT, *, named: bool = False) -> str:
    """An exception or an error text as one line of at most ``limit`` characters.

    The first non-blank line, with its runs of whitespace made single spaces (what follows it —
    SQLAlchemy's ``[SQL: …]``, a driver's ``DETAIL``/``HINT``, a parser's excerpt — is detail). An
    exception wrapping a driver's error (SQLAlchemy's ``.orig``) speaks with the driver's words; one
    without a message is named by its type. ``named``: ``Type: message``, for errors nobody expected.
    """
    if isinstance(value, BaseException):
        name = type(value).__name__
        text = _first_line(str(getattr(value, "orig", None) or value))
        if named and text:
            text = f"{name}: {text}"
        return (text or name)[:limit]
    return _first_line(value)[:limit]


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())
    return ""
