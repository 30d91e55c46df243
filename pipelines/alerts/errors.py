"""Errors of the alerts package (one-line, user-facing messages)."""

from crawler.exceptions import DoclistenError


class AlertRulesError(DoclistenError):
    """The alerts file cannot be read, or a rule in it is invalid."""


class DeliveryError(DoclistenError):
    """An alert could not be delivered (a webhook or mail server refused it or could not be reached)."""
