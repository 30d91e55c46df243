"""Errors raised by the pipelines package."""


class DoclistenError(Exception):
    """Base class: the message is a one-line, user-facing explanation."""


class DatabaseError(DoclistenError):
    """The database cannot be opened, migrated or written."""


class SourceError(DoclistenError):
    """A source cannot be added, found or changed."""
