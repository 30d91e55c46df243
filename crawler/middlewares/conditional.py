"""Conditional GET: send the validators the spider attached, let 304 answers through.

The spider puts ``meta["validators"] = (etag, last_modified)`` on requests for URLs it has
seen before; the answer's validators are stored by the storage pipeline with what the page
produced (same transaction), so a killed crawl never leaves a validator without its content.
"""

from __future__ import annotations

from typing import Any


class ConditionalGetMiddleware:
    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalGetMiddleware:
        return cls()

    def process_request(self, request: Any) -> None:
        etag, last_modified = request.meta.get("validators") or (None, None)
        if etag:
            request.headers.setdefault(b"If-None-Match", etag)
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified)
        if etag or last_modified:
            allowed = list(request.meta.get("handle_httpstatus_list", ()))
            if 304 not in allowed:
                request.meta["handle_httpstatus_list"] = [*allowed, 304]
        return None


def response_validators(response: Any) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) of a response, as text."""
    etag = response.headers.get(b"ETag")
    modified = response.headers.get(b"Last-Modified")
    return (
        etag.decode("latin-1") if etag else None,
        modified.decode("latin-1") if modified else None,
    )
