"""The root of doclisten's errors: every package's errors derive from :class:`DoclistenError`.

A ``DoclistenError``'s message is a one-line, user-facing explanation; the CLI prints it as it is.
"""


class DoclistenError(Exception):
    """Base class: the message is a one-line, user-facing explanation."""
