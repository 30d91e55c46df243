"""One-line descriptions of failed requests, for ``fetch_errors``, ``sources.last_error`` and the CLI.

The Scrapy-specific wording; the line itself is :func:`crawler.exceptions.one_line`'s.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.exceptions import one_line
from crawler.middlewares.ssrf import refusal_reason

# Scrapy raises some of these without a message.
_SILENT = {
    "ResponseDataLossError": "the connection closed before the whole response arrived",
    "DownloadCancelledError": "download cancelled: the response is larger than DOWNLOAD_MAXSIZE",
    "DownloadTimeoutError": "timed out (DOWNLOAD_TIMEOUT)",
}


def error_message(failure: Any) -> str:
    """A one-line description of a failed request (the SSRF guard's reason when it refused)."""
    request = failure.request
    reason = refusal_reason(urlsplit(request.url).hostname)
    if reason:  # Twisted and Scrapy report a refused name as a failed lookup
        return reason
    detail = one_line(failure.getErrorMessage())
    name = failure.type.__name__
    if failure.check(IgnoreRequest) and request.meta.get("redirect_urls") and "redirections" in detail:
        return f"too many redirects (more than REDIRECT_MAX_TIMES); the last went to {request.url}"
    if failure.check(IgnoreRequest) and detail:
        return detail
    if not detail:
        return f"{name}: {_SILENT.get(name, 'no details')}"
    return f"{name}: {detail}"
