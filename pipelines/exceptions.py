"""Errors raised by the pipelines package."""

from crawler.exceptions import DoclistenError


class DatabaseError(DoclistenError):
    """The database cannot be opened, migrated or written."""


class SourceError(DoclistenError):
    """A source cannot be added, found or changed."""
