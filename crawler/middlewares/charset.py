"""Mis-declared charsets: HTML bodies are decoded once, from their bytes, and handed on as UTF-8.

Blogs declare one charset and send another: Latin-1 bytes under ``charset=utf-8``, UTF-8 under
``charset=iso-8859-1``, Windows-1252 "smart quotes" under ISO-8859-1, UTF-8 pages with a few
Windows-1252 bytes pasted in. Trusting the declaration gives U+FFFD or mojibake ("CafÃ©").
:func:`decode_body` decides from the bytes:

1. a byte order mark;
2. valid UTF-8 (text in a single-byte charset with any non-ASCII byte is almost never valid UTF-8);
3. the declared charset (HTTP header, then ``<meta>`` or the XML declaration; ISO-8859-1 and ASCII
   are read as Windows-1252, as browsers do) when it decodes the body;
4. UTF-8 with every byte that is not UTF-8 read as Windows-1252 (mixed documents; the fallback).

``CharsetMiddleware`` re-encodes an HTML response whose bytes would be misread as UTF-8 with a
byte order mark and ``charset=utf-8``: a BOM outranks every other declaration (w3lib, lxml,
feedparser, the extraction functions), so everything downstream reads the same text.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from typing import Any

from scrapy.http import HtmlResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

UTF8 = "utf-8"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: same first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")  # browsers map these to C1 controls


def _windows_1252(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: the bytes that are not UTF-8, read as Windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    text = "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in bad)
    return text, error.end


codecs.register_error("doclisten-cp1252", _windows_1252)


def _codec(label: str | None) -> str | None:
    try:
        return codecs.lookup(label).name if label else None
    except LookupError:
        return None


def decode_body(body: bytes, declared: Sequence[str | None] = ()) -> tuple[str, str]:
    """(text, how it was decoded) for a body and its declared charsets (w3lib names, best first)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), name
    codecs_declared = [c for c in map(_codec, declared) if c]
    wide = next((c for c in codecs_declared if c.startswith(("utf-16", "utf-32"))), None)
    if wide:  # UTF-16 without a BOM would pass for (NUL-ridden) UTF-8
        return body.decode(wide, errors="replace"), wide
    try:
        return body.decode(UTF8), UTF8
    except UnicodeDecodeError:
        pass
    for name in codecs_declared:
        if name == UTF8:
            continue
        try:
            return body.decode(name), name
        except UnicodeDecodeError:
            continue
    return body.decode(UTF8, errors="doclisten-cp1252"), "utf-8+windows-1252"


def declared_charsets(content_type: str | None, body: bytes) -> list[str | None]:
    """The charsets a response declares: its Content-Type, then ``<meta>`` / the XML declaration."""
    return [http_content_type_encoding(content_type or ""), html_body_declared_encoding(body[:4096])]


def needs_decoding(body: bytes, declared: Sequence[str | None]) -> bool:
    """False when every reader gets it right anyway: ASCII, or valid UTF-8 declared as UTF-8 (or not at all)."""
    if body.isascii() or body.startswith(codecs.BOM_UTF8):
        return False
    if any(_codec(d) not in (None, UTF8) for d in declared):
        return True
    try:
        body.decode(UTF8)
    except UnicodeDecodeError:
        return True
    return False


class CharsetMiddleware:
    """Re-encodes HTML responses whose declared charset does not match their bytes (see module doc)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> CharsetMiddleware:
        return cls()

    def process_response(self, request: Any, response: Any) -> Any:
        if not isinstance(response, HtmlResponse):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        declared = declared_charsets(content_type, response.body)
        if not needs_decoding(response.body, declared):
            return response
        text, _how = decode_body(response.body, declared)
        headers = response.headers.copy()
        media = content_type.partition(";")[0].strip() or "text/html"
        headers[b"Content-Type"] = f"{media}; charset=utf-8"
        body = codecs.BOM_UTF8 + text.encode(UTF8)
        return response.replace(body=body, headers=headers, encoding=UTF8)
