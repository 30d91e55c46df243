"""The one charset decision: text from a body's bytes and the charsets it declares.

Blogs declare one charset and send another: Latin-1 bytes under ``charset=utf-8``, UTF-8 under
``charset=iso-8859-1``, Windows-1252 "smart quotes" under ISO-8859-1, UTF-8 pages with a few
Windows-1252 bytes pasted in. Trusting the declaration gives U+FFFD or mojibake ("CafÃ©").
:func:`decode_body` decides from the bytes:

1. a byte order mark;
2. valid UTF-8 (text in a single-byte charset with any non-ASCII byte is almost never valid UTF-8);
3. the declared charset (HTTP header, then ``<meta>`` or the XML declaration; ISO-8859-1 and ASCII
   are read as Windows-1252, as browsers do) when it decodes the body;
4. UTF-8 with every byte that is not UTF-8 read as Windows-1252 (mixed documents; the fallback).

Every reader uses it: ``crawler.middlewares.charset.CharsetMiddleware`` (HTML responses, re-encoded
as UTF-8 with a byte order mark so w3lib, lxml and parsel downstream read the same text), the feed
parser (``crawler.feeds``), page extraction (``crawler.extract.tree.parse_html``) and discovery.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence

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


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The text of an HTML (or XML) body, decided by :func:`decode_body` from its declarations."""
    return decode_body(body, declared_charsets(content_type, body))[0]
