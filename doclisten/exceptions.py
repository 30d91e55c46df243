"""Errors of the front door (the rest derive from :class:`crawler.exceptions.DoclistenError` in their
own package): the CLI's guard prints their message as it is."""

from crawler.exceptions import DoclistenError


class CommandError(DoclistenError):
    """A command cannot do what it was asked: a file it cannot read or write, a page it cannot fetch."""
