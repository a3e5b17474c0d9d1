"""Page extraction: one page's bytes in, an Article or the reason it is not one out.

The package imports nothing from Scrapy, so the extraction worker processes (crawler.workers) load
only it. Its modules, in the order a page goes through them:

    decode.py     is it an HTML page at all (screen), and its bytes as text (decode_html)
    nesting.py    markup nested deeper than the parser goes, flattened
    metadata.py   what the page says about itself: JSON-LD, meta tags, <time>, bylines, datelines
    prune.py      what is never the article, taken out before trafilatura reads the page
    body.py       the article's text: trafilatura, the lead, article or not
    fields.py     title, authors, dates, site name, language, tags, image, canonical URL
    dates.py      page dates to exact instants (python-dateutil); bylines.py  names in bylines

``extract`` never raises on bad input: every failure is a Rejection with a reason.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from datetime import datetime

from crawler.extraction import body, fields, nesting
from crawler.extraction.decode import decode_html, screen, tidy
from crawler.extraction.fields import MAX_TITLE_CHARS, strip_site_name
from crawler.extraction.metadata import parse_html, read_metadata
from crawler.extraction.options import EXTRACTOR, ExtractOptions, Rejection
from crawler.record import Article

__all__ = [
    "EXTRACTOR",
    "MAX_TITLE_CHARS",
    "Article",
    "ExtractOptions",
    "Rejection",
    "extract",
    "strip_site_name",
]

logger = logging.getLogger(__name__)


def extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    fetched_at: datetime,
    options: ExtractOptions | None = None,
) -> Article | Rejection:
    """Turn a fetched page into an Article, or a Rejection naming why it is not one.

    An exception here is a bug, whatever the page holds: it becomes the Rejection
    ``extraction_error``, whose detail names the exception and whose traceback goes with it to the
    crawl's log (a worker process has no log of its own).
    """
    options = options or ExtractOptions()
    try:
        return _extract(body, url, headers, fetched_at, options)
    except Exception as exc:  # the crawl must go on whatever a page contains
        return Rejection("extraction_error", f"{type(exc).__name__}: {exc}"[:200], traceback.format_exc())


def _extract(
    data: bytes, url: str, headers: Mapping[str, str], fetched_at: datetime, options: ExtractOptions
) -> Article | Rejection:
    content_type = headers.get("content-type", "")
    refused = screen(data, content_type, options)
    if refused is not None:
        return refused
    tree = parse_html(decode_html(data, content_type))
    if tree is None:
        return Rejection("unparseable", "no HTML document")
    if tree.find("body") is None:
        return Rejection("too_short", "0 characters of text")
    page = read_metadata(tree)
    blocks, standfirst = body.body_blocks(tree, url, page)
    blocks = [clean for block in blocks if (clean := tidy(block))]
    short = _too_short(blocks, options, tree)
    if short is not None:
        return short
    published, modified = fields.page_dates(page, fetched_at)
    if not body.is_article(blocks, page, url, published is not None):
        return Rejection("not_article", "no article prose")
    if published is None:  # searched for only now: a date found anywhere on a page is no sign of an article
        published = fields.searched_published(tree, url, fetched_at)
    site = _tidied(fields.site_name(page))
    title, title_source = fields.title(page, site)
    title = _tidied(title)
    blocks = [b for b in blocks if title is None or b.casefold() != title.casefold()]
    text = "\n\n".join(blocks)
    if body.text_length(text) < options.min_chars:  # the text was mostly the headline repeated
        return Rejection("too_short", f"{len(text)} characters of text besides the title")
    byline, authors_source = fields.authors(page, tree, site)
    description = _tidied(fields.description(page))
    sources = {"title": title_source, "authors": authors_source}
    lead = fields.lead_source(blocks, description, standfirst)
    if lead:
        sources["lead"] = lead
    if published:
        sources["published_at"] = published.source
    if modified:
        sources["modified_at"] = modified.source
    return Article(
        title=title,
        text=text,
        authors=[tidy(name) for name in byline.authors],
        agencies=[tidy(name) for name in byline.agencies],
        published=published,
        modified=modified,
        language=fields.language(page, headers),
        description=description,
        site_name=site,
        tags=[tidy(tag) for tag in fields.tags(page)],
        image=fields.image(page, url),
        canonical_url=fields.canonical(page, url),
        sources=sources,
    )


def _tidied(text: str | None) -> str | None:
    return tidy(text) if text is not None else None


def _too_short(blocks: list[str], options: ExtractOptions, tree: object) -> Rejection | None:
    text = "\n\n".join(blocks)
    if body.text_length(text) >= options.min_chars:
        return None
    if nesting.cut_by_parser(tree):  # even once flattened (crawler.extraction.nesting): say so
        return Rejection(
            "too_short",
            f"{len(text)} characters of text read before nesting {nesting.PARSER_MAX_DEPTH} levels "
            "deep stopped the parser",
        )
    return Rejection("too_short", f"{len(text)} characters of text")
