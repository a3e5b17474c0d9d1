"""One page in, an Article or the reason it is not one out.

trafilatura finds the body; this module recovers what it drops (a lead outside the body container),
removes what it keeps that is not the article (captions, credits, share lines), and fills each metadata
field from the page's own structured data in a fixed order of precedence, recording the source.
The function never raises on bad input: every failure becomes a Rejection with a reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from typing import Any
from urllib.parse import urljoin

import charset_normalizer
import trafilatura
import trafilatura.settings
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

from crawler import dates, nesting
from crawler.bylines import Byline, parse_bylines
from crawler.metadata import (
    BYLINE_WORDS,
    CHROME_WORDS,
    CONTENT_WORDS,
    PageMetadata,
    class_words,
    is_chrome,
    meta_date_names,
    parse_html,
    read_metadata,
    text_of,
)
from crawler.record import Article, Extractor, PageDate
from crawler.urls import is_http_url, looks_like_listing, same_site

logger = logging.getLogger(__name__)

EXTRACTOR = Extractor(name="newsarchive+trafilatura", version=f"0.1.0+trafilatura-{version('trafilatura')}")

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
_LEAD_WORDS = {
    "standfirst", "lead", "lede", "intro", "summary", "dek", "deck", "subtitle", "subheadline",
    "excerpt", "strapline", "abstract", "chapeau", "sapo", "vorspann", "entradilla", "bajada",
    "sottotitolo", "description", "subhead", "teaser", "kurztext", "chapo",
}  # fmt: skip
_NOT_LEAD_WORDS = BYLINE_WORDS | {
    "bio",
    "biography",
    "profile",
    "caption",
    "credit",
    "photo",
    "image",
    "video",
}
# Parts pruned before trafilatura sees the page: the chrome, plus bylines and datelines, whose
# text is metadata, not article text.
_PRUNE_WORDS = (
    CHROME_WORDS | BYLINE_WORDS | {"dateline", "datum", "kicker", "dachzeile", "overline", "eyebrow"}
)
# Words that mark a subscription prompt when the element is short, but wrap the whole (paywalled)
# article when it is long.
_SHORT_ONLY_WORDS = {"paywall", "premium", "abo", "subscriber"}
_SHORT_ONLY_CHARS = 400
_PRUNE_TAGS = {"nav", "aside", "footer", "figcaption", "form", "button", "noscript"}
# Lines that point away from the story or ask something of the reader, in the languages of our sources.
_BOILERPLATE_LINE = re.compile(
    r"^(read more|see more|more:|related:|related (stories|articles|coverage)|don'?t miss|you may also like|"
    r"recommended( for you)?|also read|watch:|click here|sign up|subscribe|follow us|share this|"
    r"tell us what you think|comments?$|advertisement$|an error has occurred|order reprints|"
    r"lesen sie auch|mehr zum thema|weiterlesen|lire aussi|à lire aussi|leia também|lee también|"
    r"leggi anche|lees ook|czytaj też)",
    re.IGNORECASE,
)
# "Updated at 1:23 p.m.", "Published 14:30": a time stamp line, not a paragraph.
_STAMP_LINE = re.compile(
    r"^(updated|last updated|published|first published|posted|aktualisiert|veröffentlicht|stand|"
    r"mis à jour|publié|actualizado|publicado|atualizado|aggiornato|pubblicato|bijgewerkt)\b[^.!?]{0,60}\d",
    re.IGNORECASE,
)
_BARE_URL = re.compile(r"^(https?://|www\.)\S+$")
_CREDIT_LINE = re.compile(
    r"^(photo|image|picture|foto|bild|video|credit|source|quelle|crédit)s?\s*[:©]", re.I
)
_SEPARATOR = r"(?:[|\-–—:·•»]|::)"
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»]|::)\s+")  # no colon: headlines use it
_MIN_PROSE_CHARS = 120
# Longer "titles" (a hostile page's 1 MB <title>) are not headlines: never stored as one.
MAX_TITLE_CHARS = 1000
# Chinese, Japanese and Korean say in one character what alphabetic scripts say in about three.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def text_length(text: str) -> int:
    """Length in Latin-equivalent characters, so one threshold fits every script."""
    return len(text) + 2 * len(_CJK.findall(text))


@dataclass(frozen=True)
class Rejection:
    """Why a page was not archived: ``reason`` is a short stats key, ``detail`` is for the log."""

    reason: str
    detail: str


@dataclass(frozen=True)
class ExtractOptions:
    min_chars: int = 400
    max_bytes: int = 5 * 1024 * 1024


def extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    fetched_at: datetime,
    options: ExtractOptions | None = None,
) -> Article | Rejection:
    """Turn a fetched page into an Article, or a Rejection naming why it is not one."""
    options = options or ExtractOptions()
    try:
        return _extract(body, url, headers, fetched_at, options)
    except Exception as exc:  # the crawl must go on whatever a page contains
        logger.debug("extraction failed on %s", url, exc_info=True)
        return Rejection("extraction_error", f"{type(exc).__name__}: {exc}"[:200])


def _extract(
    body: bytes, url: str, headers: Mapping[str, str], fetched_at: datetime, options: ExtractOptions
) -> Article | Rejection:
    content_type = headers.get("content-type", "")
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
    markup = decode_html(body, content_type)
    tree = parse_html(markup)
    if tree is None:
        return Rejection("unparseable", "no HTML document")
    if tree.find("body") is None:
        return Rejection("too_short", "0 characters of text")
    page = read_metadata(tree)
    site_name = _site_name(page)
    blocks = _body_blocks(tree, url, page)
    text = "\n\n".join(blocks)
    if text_length(text) < options.min_chars:
        if nesting.cut_by_parser(tree):  # even once flattened (crawler.nesting): say so
            return Rejection(
                "too_short",
                f"{len(text)} characters of text read before nesting {nesting.PARSER_MAX_DEPTH} levels "
                "deep stopped the parser",
            )
        return Rejection("too_short", f"{len(text)} characters of text")
    published, modified = _dates(page, fetched_at, _dayfirst(page))
    if not _is_article(blocks, page, url, published is not None):
        return Rejection("not_article", "no article prose")
    title, title_source = _title(page, site_name)
    blocks = [b for b in blocks if title is None or b.casefold() != title.casefold()]
    text = "\n\n".join(blocks)
    if text_length(text) < options.min_chars:  # the text was mostly the headline repeated
        return Rejection("too_short", f"{len(text)} characters of text besides the title")
    byline, authors_source = _authors(page, site_name)
    canonical = _canonical(page, url)
    sources = {"title": title_source, "authors": authors_source}
    if published:
        sources["published_at"] = published.source
    if modified:
        sources["modified_at"] = modified.source
    return Article(
        title=title,
        text=text,
        authors=byline.authors,
        agencies=byline.agencies,
        published=published,
        modified=modified,
        language=_language(page, headers),
        description=_first_text(
            page.first("og:description", "description", "twitter:description"),
            *_strings(page.article_values("description")),
        ),
        site_name=site_name,
        tags=_tags(page),
        image=_image(page, url),
        canonical_url=canonical,
        sources=sources,
    )


# --- decoding ------------------------------------------------------------------------------------

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


# --- body ----------------------------------------------------------------------------------------


def _prune(tree: Any) -> Any:
    """A copy of the page without the parts that are never the article, whatever trafilatura thinks."""
    pruned = deepcopy(tree)
    body = pruned.find("body")
    total = len(text_of(body)) or 1
    for element in list(body.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        words = class_words(element)
        short_prompt = bool(words & _SHORT_ONLY_WORDS) and len(text_of(element)) < _SHORT_ONLY_CHARS
        if element.tag in _PRUNE_TAGS or short_prompt or (words & _PRUNE_WORDS and not words & CONTENT_WORDS):
            # Never drop a container that holds the headline or most of the page: a wrapper class
            # like "main has-sidebar" must not take the article with it.
            if element.xpath(".//h1") or len(text_of(element)) > 0.4 * total:
                continue
            element.drop_tree()
    return pruned


def _chrome_texts(tree: Any) -> set[str]:
    """Texts of captions and chrome elements: a block equal to one of them is not article text."""
    texts = set()
    for element in tree.xpath("//figcaption | //*[@class or @id]"):
        if element.tag == "figcaption" or class_words(element) & _PRUNE_WORDS:
            text = text_of(element)
            if 0 < len(text) < 400:
                texts.add(text.casefold())
    return texts


def _link_lists(tree: Any) -> set[str]:
    """Items of lists made of links (related stories, "more from", menus): never article text."""
    items: set[str] = set()
    for listing in tree.iter("ul", "ol"):
        text = text_of(listing)
        linked = sum(len(text_of(a)) for a in listing.iter("a"))
        if text and linked >= 0.7 * len(text):
            items.update(t.casefold() for li in listing.iter("li") if (t := text_of(li)))
    return items


def _is_boilerplate(text: str) -> bool:
    if _BOILERPLATE_LINE.match(text) or _BARE_URL.match(text) or _CREDIT_LINE.match(text):
        return True
    # A lone dateline ("Updated at 1:23 p.m.", "Nov. 20, 2019") is metadata, not a paragraph.
    if len(text) <= 80 and _STAMP_LINE.match(text):
        return True
    return len(text) <= 60 and dates.parse_date(text, "body") is not None and len(text.split()) <= 8


def _raw_blocks(body: Any, link_items: set[str]) -> Iterator[str]:
    """The blocks of trafilatura's body in order; text between elements (tails) is a block too."""
    if body.text and body.text.strip():
        yield " ".join(body.text.split())
    for element in body:
        if isinstance(element.tag, str):
            yield _block_text(element, link_items)
        if element.tail and element.tail.strip():
            yield " ".join(element.tail.split())


def _block_text(element: Any, link_items: set[str]) -> str:
    if element.tag in ("list",):
        items = [" ".join("".join(item.itertext()).split()) for item in element.iter("item")]
        return "\n".join(f"- {item}" for item in items if item and item.casefold() not in link_items)
    if element.tag == "table":
        rows = []
        for row in element.iter("row"):
            cells = [" ".join("".join(cell.itertext()).split()) for cell in row.iter("cell")]
            rows.append(" | ".join(c for c in cells if c))
        return "\n".join(r for r in rows if r)
    return _inline_text(element)


def _inline_text(element: Any) -> str:
    """Text of a block with its <lb/> line breaks kept: paragraphs set with <br> stay apart."""
    lines, current = [], [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            current.append(child.tail or "")
            continue
        if child.tag == "lb":
            lines.append("".join(current))
            current = []
        else:
            current.append("".join(child.itertext()))
        current.append(child.tail or "")
    lines.append("".join(current))
    return "\n".join(joined for line in lines if (joined := " ".join(line.split())))


def _lead(tree: Any, blocks: list[str], headline: Any) -> str | None:
    """A standfirst that trafilatura left out: marked as a lead, after the headline, before the body.

    It must come after the headline element in document order and hold prose only (no scripts,
    forms or nested paragraphs), and never sit in chrome, a byline or an author's biography.
    """
    if headline is None:
        return None
    known = " ".join(b.casefold() for b in blocks)
    first_block = blocks[0].casefold()[:60] if blocks else None
    for candidate in headline.xpath("following::*[position() <= 300]"):
        text = text_of(candidate)
        if first_block and first_block in text.casefold():
            return None  # reached the body: no lead outside it
        words = class_words(candidate)
        if not (words & _LEAD_WORDS or candidate.get("itemprop") == "description"):
            continue
        if words & _NOT_LEAD_WORDS or candidate.tag in ("a", "li", "img", "figure", "figcaption"):
            continue
        if is_chrome(candidate) or candidate.xpath(".//script | .//style | .//form | .//p//p | .//li"):
            continue
        if 40 <= len(text) <= 600 and text.casefold() not in known:
            return text
    return None


def _headline_element(tree: Any) -> Any:
    for heading in tree.iter("h1"):
        if not is_chrome(heading) and text_of(heading):
            return heading
    return None


def _body_blocks(tree: Any, url: str, page: PageMetadata) -> list[str]:
    document = trafilatura.bare_extraction(
        _prune(tree),
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        output_format="python",
    )
    if not isinstance(document, trafilatura.settings.Document) or document.body is None:
        return []
    chrome = _chrome_texts(tree)
    link_items = _link_lists(tree)
    chrome.update(t.casefold() for t in page.datelines)
    chrome.update(t.casefold() for _, t in page.bylines)
    headings = {h.casefold() for h in page.headings}
    blocks = []
    for text in _raw_blocks(document.body, link_items):
        folded = text.casefold()
        if not text or folded in chrome or folded in headings or _is_boilerplate(text):
            continue
        blocks.append(text)
    lead = _lead(tree, blocks, _headline_element(tree))
    if lead:
        blocks.insert(0, lead)
    return blocks


def _is_article(blocks: list[str], page: PageMetadata, url: str, dated: bool) -> bool:
    """Article prose, not teasers or navigation that trafilatura returned for a non-article.

    The page's own declaration (JSON-LD type, og:type) and a publication date count for most; a page
    that says nothing about itself needs prose to dominate and a URL that is not a listing's.
    """
    prose = [b for b in blocks if text_length(b) >= _MIN_PROSE_CHARS and not b.startswith("- ")]
    if not prose:
        return False
    og_type = (page.first("og:type") or "").lower()
    if page.jsonld or og_type == "article" or dated:
        return True
    share = sum(map(text_length, prose)) / max(1, sum(map(text_length, blocks)))
    if og_type and og_type != "article":  # website, video.other, profile: the page says what it is
        return len(prose) >= 3 and share >= 0.6
    return share >= 0.5 and not looks_like_listing(url)


# --- metadata fields -----------------------------------------------------------------------------


def _strings(values: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            name = value.get("name") or value.get("@value") or value.get("url") or value.get("@id")
            if isinstance(name, str):
                found.append(name)
        elif isinstance(value, list):
            found.extend(_strings(value))
    return found


def _first_text(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return " ".join(value.split())
    return None


def _site_name(page: PageMetadata) -> str | None:
    publishers = [p.get("name") for p in page.article_values("publisher") if isinstance(p, dict)]
    return _first_text(
        page.first("og:site_name"),
        *(p for p in publishers if isinstance(p, str)),
        page.first("application-name"),
        _title_remainder(page),
    )


def _title_remainder(page: PageMetadata) -> str | None:
    """In '<title>Headline | Site</title>', the part that is not the page's headline is the site."""
    if not page.title_tag or not page.headings:
        return None
    parts = [p.strip() for p in re.split(rf"\s*{_SEPARATOR}\s+", page.title_tag) if p.strip()]
    headline = page.headings[0].casefold()
    rest = [p for p in parts if p.casefold() != headline]
    return rest[-1] if len(parts) >= 2 and len(rest) == len(parts) - 1 else None


def strip_site_name(title: str, site_names: Iterable[str | None]) -> str:
    """'Headline | Site' or 'Site: Headline' -> 'Headline'. With no known site name, a shorter last part
    after a separator is taken for the site; a colon alone never splits, headlines use it too."""
    title = " ".join(title.split())
    for name in (n for n in site_names if n):
        site = re.escape(name)
        for pattern in (rf"^{site}\s*{_SEPARATOR}\s*", rf"\s*{_SEPARATOR}\s*{site}$"):
            stripped = re.sub(pattern, "", title, flags=re.IGNORECASE)
            if stripped != title and stripped:
                return stripped.strip()
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if separators and len(title) - separators[-1].end() < separators[-1].start():
        return title[: separators[-1].start()].strip()
    return title


def _fits(value: str | None) -> str | None:
    return value if value is not None and len(value) <= MAX_TITLE_CHARS else None


def _title(page: PageMetadata, site_name: str | None) -> tuple[str | None, str]:
    headlines = [h for h in _strings(page.article_values("headline")) if _fits(h)]
    og_title, title_tag = _fits(page.first("og:title", "twitter:title")), _fits(page.title_tag)
    declared = [t for t in (og_title, title_tag, *headlines) if t]
    folded = " ".join(declared).casefold()
    site = (site_name or "").casefold()
    for source, headings in (("h1", page.headings), ("h2", page.subheadings)):
        for heading in filter(_fits, headings):
            if heading.casefold() in folded and heading.casefold() != site:
                return heading, source
    if headlines:
        return " ".join(headlines[0].split()), "json-ld"
    domain_names = [site_name]
    for source, value in (("og:title", og_title), ("title", title_tag)):
        if value:
            return strip_site_name(value, domain_names), source
    for heading in filter(_fits, page.headings):
        if heading.casefold() != site:
            return heading, "h1"
    return None, "none"


def _authors(page: PageMetadata, site_name: str | None) -> tuple[Byline, str]:
    sites = [s for s in (site_name,) if s]
    agencies: list[str] = []
    candidates: list[tuple[str, list[str]]] = []
    for author in page.article_values("author"):
        values = author if isinstance(author, list) else [author]
        for value in values:
            if isinstance(value, dict) and "organization" in str(value.get("@type", "")).lower():
                agencies.extend(_strings([value]))
        people = [
            v
            for v in values
            if not (isinstance(v, dict) and "organization" in str(v.get("@type", "")).lower())
        ]
        candidates.append(("json-ld", _strings(people)))
    meta_author = page.first("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
    if meta_author:
        candidates.append(("meta", [meta_author]))
    candidates.extend((source, [raw]) for source, raw in page.bylines)
    for source, values in candidates:
        byline = parse_bylines(values, site_names=sites)
        agencies.extend(a for a in byline.agencies if a not in agencies)
        if byline.authors:
            return Byline(byline.authors, _unique(agencies, sites)), source
    return Byline([], _unique(agencies, sites)), "none"


def _unique(values: list[str], drop: list[str]) -> list[str]:
    dropped = {d.casefold() for d in drop}
    return [v for i, v in enumerate(values) if v not in values[:i] and v.casefold() not in dropped]


def _dayfirst(page: PageMetadata) -> bool:
    return not (page.lang or "").lower().startswith("en-us")


def _dates(
    page: PageMetadata, fetched_at: datetime, dayfirst: bool
) -> tuple[PageDate | None, PageDate | None]:
    def parsed(pairs: Iterable[tuple[str, str]]) -> list[dates.ParsedDate]:
        found = []
        for source, raw in pairs:
            candidate = dates.parse_date(raw, source, dayfirst=dayfirst) if isinstance(raw, str) else None
            if candidate:
                found.append(candidate)
        return found

    visible_published: list[dates.ParsedDate] = []
    visible_modified: list[dates.ParsedDate] = []
    for line in page.datelines:
        published_part, modified_part = dates.split_dateline(line)
        found = dates.parse_date(published_part, "dateline", dayfirst=dayfirst)
        if found:
            visible_published.append(found)
        if modified_part:
            update = dates.complete_with(found, modified_part, "dateline:updated", dayfirst)
            if update:
                visible_modified.append(update)
    published = (
        parsed(
            [("json-ld", v) for v in page.article_values("datePublished")]
            + [("json-ld:dateCreated", v) for v in page.article_values("dateCreated")]
            + [
                (f"meta:{n}", v)
                for n in ("article:published_time", "og:article:published_time")
                for v in page.meta.get(n, [])
            ]
            + [(f"meta:{n}", v) for n in ("datepublished",) for v in page.meta.get(n, [])]
            + [(s, v) for s, v in page.times if s == "itemprop:datePublished"]
            + [(f"meta:{n}", v) for n in meta_date_names("published") for v in page.meta.get(n, [])]
            + [(s, v) for s, v in page.times if s.startswith("time")]
        )
        + visible_published
    )
    modified = (
        parsed(
            [("json-ld", v) for v in page.article_values("dateModified")]
            + [
                (f"meta:{n}", v)
                for n in ("article:modified_time", "og:article:modified_time")
                for v in page.meta.get(n, [])
            ]
            + [(s, v) for s, v in page.times if s == "itemprop:dateModified"]
            + [(f"meta:{n}", v) for n in meta_date_names("modified") for v in page.meta.get(n, [])]
        )
        + visible_modified
    )
    zone = dates.page_zone(published + modified)
    return dates.choose(published, fetched_at, zone), dates.choose(modified, fetched_at, zone)


def _canonical(page: PageMetadata, url: str) -> str:
    for value in (page.canonical, page.first("og:url")):
        if value:
            absolute = urljoin(url, value.strip())
            if is_http_url(absolute) and same_site(absolute, url):
                return absolute
    return url


def _language(page: PageMetadata, headers: Mapping[str, str]) -> str | None:
    value = _first_text(
        page.lang,
        page.first("og:locale", "content-language", "language", "dc.language"),
        *_strings(page.article_values("inLanguage")),
        headers.get("content-language"),
    )
    if not value:
        return None
    primary = re.split(r"[-_,;\s]", value.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _tags(page: PageMetadata) -> list[str]:
    values = page.meta.get("article:tag", [])
    if not values:
        keywords = _strings(page.article_values("keywords"))
        values = [k for value in keywords for k in value.split(",")]
    if not values:
        values = [k for value in page.meta.get("news_keywords", []) for k in value.split(",")]
    if not values:
        values = page.tag_lists
    tags = [" ".join(v.split()) for v in values]
    return list(dict.fromkeys(t for t in tags if t))


def _image(page: PageMetadata, url: str) -> str | None:
    value = _first_text(page.first("og:image", "twitter:image"), *_strings(page.article_values("image")))
    if not value:
        return None
    absolute = urljoin(url, value)
    return absolute if is_http_url(absolute) else None
