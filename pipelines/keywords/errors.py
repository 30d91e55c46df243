"""Errors of the keywords package (one-line, user-facing messages)."""

from crawler.exceptions import DoclistenError


class RulesError(DoclistenError):
    """The keyword rules file cannot be read, or a rule or query in it is invalid."""


class QueryError(RulesError):
    """A boolean query is not well formed."""
