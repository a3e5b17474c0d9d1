"""Page bytes to text, and the one answer to "is this an HTML page at all?".

A news page declares its charset in the HTTP header, in a ``<meta>``, in a BOM, or not at all, and
the declaration is often wrong; a URL that should be a page may serve a PDF, an image or an empty
body. Both questions are answered here, once, before anything parses the page.
"""

from __future__ import annotations

import re
import unicodedata

import charset_normalizer
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

from crawler.extraction.options import ExtractOptions, Rejection

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"\x00\x00\x01\x00",
)


# Characters that are never seen but break a search: soft hyphens ("Ita\u00adli\u00adens" is not found as
# "Italiens"), zero-width spaces, word joiners, byte-order marks. Zero-width (non-)joiners stay: Persian,
# Indic scripts and emoji need them.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def tidy(text: str) -> str:
    """Text as stored: NFC, without invisible characters."""
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE))


def screen(body: bytes, content_type: str, options: ExtractOptions) -> Rejection | None:
    """Why ``body`` is not an HTML page worth parsing (wrong type, empty, too large, binary), or None."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in _HTML_TYPES:
        return Rejection("not_html", f"content type {media_type}")
    if not body.strip():
        return Rejection("empty", "empty body")
    if len(body) > options.max_bytes:
        return Rejection("too_large", f"{len(body)} bytes")
    has_bom = body.startswith(_BOMS)  # UTF-16 and UTF-32 text is full of NUL bytes
    if body.lstrip()[:8].startswith(_BINARY_MAGIC) or (
        not has_bom and b"\x00" in body[:2048].replace(b"\x00\x00", b"")
    ):
        return Rejection("not_html", "binary content")
    return None


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# C1 control characters never occur in text: a single-byte decoding that yields them is wrong.
_C1 = re.compile("[\x80-\x9f]")
_DETECT_BYTES = 256 * 1024
_ASCII = bytes(range(0x80))
_WEAK = {"cp1252", "latin_1", "iso8859_1", "ascii"}
_MULTIBYTE = {
    "utf_8", "shift_jis", "cp932", "euc_jp", "iso2022_jp", "gb18030", "gbk", "gb2312", "big5", "cp950",
    "euc_kr", "cp949",
}  # fmt: skip
# Encodings of real web pages, preferred among near-equal guesses (cp1251 over mac_cyrillic).
_WEB_ENCODINGS = _MULTIBYTE | {
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "koi8_r", "koi8_u",
    "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_15", "tis_620", "cp874",
}  # fmt: skip


def decode_html(body: bytes, content_type: str) -> str:
    """The page as text: its BOM, else its declared charset (HTTP header, then ``<meta>``), unless
    the bytes contradict it (mostly undecodable, or C1 control characters); then UTF-8 when the
    bytes are valid UTF-8, else the charset detected from the bytes (charset_normalizer)."""
    if body.startswith(_BOMS):
        return html_to_unicode(content_type or None, body)[1]
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body[:4096])
    if declared:
        encoding = resolve_encoding(declared) or declared
        text = _decoded(body, encoding)
        if text is not None and not (encoding in _WEAK and not body.isascii()):
            return text
        # A Western default (often a server's, not the page's) over UTF-8 or CJK bytes is wrong.
        detected = _detect(body) if text is not None else None
        if text is not None and detected not in _MULTIBYTE:
            return text
    text = _decoded(body, "utf-8")
    if text is not None:
        return text
    detected = _detect(body)
    if detected:
        text = _decoded(body, detected, tolerant=True)
        if text is not None:
            return text
    return html_to_unicode(content_type or None, body)[1]


def _detect(body: bytes) -> str | None:
    """The encoding the bytes are most likely in, preferring the ones web pages use."""
    results = list(charset_normalizer.from_bytes(body[:_DETECT_BYTES]))
    for result in results:
        if result.encoding in _WEB_ENCODINGS:
            return str(result.encoding)
    return str(results[0].encoding) if results else None


def _decoded(body: bytes, encoding: str, tolerant: bool = False) -> str | None:
    """``body`` in ``encoding``, or None when the bytes say it is the wrong one. A few bad bytes
    (under a tenth of the non-ASCII ones) are replaced, as browsers do; more mean a wrong charset."""
    try:
        text = body.decode(encoding, errors="replace")
    except (LookupError, ValueError):
        return None
    bad = text.count("\ufffd")
    if bad and not tolerant:
        non_ascii = len(body.translate(None, _ASCII))  # the bytes left once ASCII is deleted
        if bad * 10 > non_ascii:
            return None
    if _C1.search(text):
        return None
    return text
