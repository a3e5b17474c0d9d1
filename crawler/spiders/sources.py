"""Reading the places articles are listed: RSS 2.0, RSS 1.0/RDF and Atom feeds, sitemaps, robots.txt.

Functions here take bytes and return entries, or raise BrokenSource with a reason that becomes a stats
key (``archive/sources/broken/<reason>``). A source that is broken but still yields entries (a feed
cut off after its first items) returns them along with the reason, so the crawl keeps what it can.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.errors import BrokenSource
from crawler.listing import Listing
from crawler.urls import is_http_url

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Parsed:
    kind: str  # "feed", "urlset" or "sitemapindex"
    entries: list[Listing]
    problem: str | None = None  # set when the source was broken but still yielded entries


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:300]


def parse_feed(body: bytes, url: str, content_type: str = "") -> Parsed:
    if not body.strip():
        raise BrokenSource("empty", "empty body")
    document = feedparser.parse(
        body, response_headers={"content-location": url, "content-type": content_type}
    )
    entries = []
    for item in document.entries:
        link = urljoin(url, item.get("link") or "")
        if is_http_url(link):
            published = item.get("published") or item.get("updated") or item.get("dc_date")
            entries.append(Listing("feed", link, (item.get("title") or "").strip() or None, published))
    if not entries:
        if _looks_like_html(body):
            raise BrokenSource("not_a_feed", "HTML served instead of a feed")
        if _malformed(document):
            raise BrokenSource("malformed", str(document.get("bozo_exception", ""))[:200])
        raise BrokenSource("empty", "no entries")
    return Parsed("feed", entries, "malformed" if _malformed(document) else None)


# feedparser also raises its "bozo" flag for notices that are not errors: a missing or wrong content
# type or charset declaration. Only a broken document counts as malformed.
_NOTICES = (
    feedparser.NonXMLContentType,
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
)


def _malformed(document: feedparser.FeedParserDict) -> bool:
    return bool(document.bozo) and not isinstance(document.get("bozo_exception"), _NOTICES)


def decompress(body: bytes, url: str, max_size: int) -> bytes:
    """Sitemaps are often served gzipped without Content-Encoding; unpack them, within ``max_size``."""
    if body.startswith(GZIP_MAGIC):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as packed:
                data = packed.read(max_size + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise BrokenSource("bad_gzip", str(exc)) from None
        if len(data) > max_size:
            raise BrokenSource("too_large", f"more than {max_size} bytes unpacked")
        return data
    if urlsplit(url).path.endswith(".gz") and not body.lstrip().startswith(b"<"):
        raise BrokenSource("bad_gzip", "neither gzip nor XML")
    return body


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_RECOVERING_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


def _child_text(element: etree._Element, *path: str) -> str | None:
    node: etree._Element | None = element
    for name in path:
        node = (
            next((c for c in node.iterchildren() if etree.QName(c).localname == name), None)
            if node is not None
            else None
        )
    text = (node.text or "").strip() if node is not None else ""
    return text or None


def parse_sitemap(body: bytes, url: str) -> Parsed:
    if not body.strip():
        raise BrokenSource("empty", "empty body")
    problem = None
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        if _looks_like_html(body):
            raise BrokenSource("not_a_sitemap", "HTML served instead of a sitemap") from None
        problem = "malformed"
        root = etree.fromstring(body, parser=_RECOVERING_PARSER)
        if root is None:
            raise BrokenSource("malformed", str(exc)[:200]) from None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise BrokenSource("not_a_sitemap", f"root element {kind!r}")
    child = "url" if kind == "urlset" else "sitemap"
    entries = []
    for element in root.iterchildren():
        if not isinstance(element.tag, str) or etree.QName(element).localname != child:
            continue
        loc = _child_text(element, "loc")
        if not loc or not is_http_url(urljoin(url, loc)):
            continue
        news_date, news_title = (
            _child_text(element, "news", "publication_date"),
            _child_text(element, "news", "title"),
        )
        published = news_date or _child_text(element, "lastmod")
        news = news_date is not None or news_title is not None
        entries.append(Listing("sitemap", urljoin(url, loc), news_title, published, news))
    if not entries:
        raise BrokenSource(problem or "empty", "no entries")
    return Parsed(kind, entries, problem)


def sitemaps_in_robots(body: bytes, url: str) -> list[str]:
    return [u for u in sitemap_urls_from_robots(body, base_url=url) if is_http_url(u)]
