"""Mis-declared charsets: HTML bodies are decoded once, from their bytes, and handed on as UTF-8.

Blogs declare one charset and send another (see :mod:`crawler.charset`, the one decision).
``CharsetMiddleware`` re-encodes an HTML response whose bytes would be misread as UTF-8 with a
byte order mark and ``charset=utf-8``: a BOM outranks every other declaration (w3lib, lxml,
feedparser, the extraction functions), so everything downstream reads the same text.
"""

from __future__ import annotations

import codecs
from typing import Any

from scrapy.http import HtmlResponse

from crawler.charset import UTF8, declared_charsets, decode_body, needs_decoding

__all__ = ["CharsetMiddleware", "decode_body", "declared_charsets", "needs_decoding"]


class CharsetMiddleware:
    """Re-encodes HTML responses whose declared charset does not match their bytes (see module doc)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> CharsetMiddleware:
        return cls()

    def process_response(self, request: Any, response: Any) -> Any:
        if not isinstance(response, HtmlResponse):
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        declared = declared_charsets(content_type, response.body)
        if not needs_decoding(response.body, declared):
            return response
        text, _how = decode_body(response.body, declared)
        headers = response.headers.copy()
        media = content_type.partition(";")[0].strip() or "text/html"
        headers[b"Content-Type"] = f"{media}; charset=utf-8"
        body = codecs.BOM_UTF8 + text.encode(UTF8)
        return response.replace(body=body, headers=headers, encoding=UTF8)
