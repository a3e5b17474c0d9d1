"""Page extraction: one page's bytes in, an Article of some kind out, or the reason the page has no
text at all.

The package imports nothing from Scrapy, so the extraction worker processes (crawler.workers) load
only it. Its modules, in the order a page goes through them:

    decode.py     is it an HTML page at all (screen), and its bytes as text (decode_html)
    nesting.py    markup nested deeper than the parser goes, flattened
    metadata.py   what the page says about itself: JSON-LD, meta tags, <time>, bylines, datelines
    prune.py      what is never the article, taken out before trafilatura reads the page; teasers.py
                  rails of teasers and reader prompts in it
    body.py       the article's text: trafilatura, the lead; sections.py  a feature split in sections,
                  the densest prose block; visible.py  a page's text when no body
    kinds.py      what the page is: article, listing, consent, challenge, paywall, error, other;
                  shells.py  an app shell, whose article a script fetches (no article without a browser)
    fields.py     authors, dates, language, tags, image, canonical URL; titles.py  headline, site name
    fingerprint.py  the text's near-duplicate fingerprint (MinHash), which groups copies of one story
    dates.py      page dates to exact instants (python-dateutil); bylines.py  names in bylines
    markup.py     what every rule reads of the markup: chrome's class words, text, lengths
    words.py      words as the archive compares texts;  fingerprint.py  the text's near-duplicate
                  fingerprint (MinHash), which groups the copies of a story (pipelines.write.stories)

``extract`` never raises on bad input: every HTML page with text is an Article with a ``kind`` (what
is archived is decided by where its URL came from, crawler.admission); a Rejection is left only for
what has no text (not HTML, empty, too large, unparseable, an app shell whose text only its scripts
would write) and for a bug in extraction.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from datetime import datetime

from crawler.extraction import body, fields, fingerprint, kinds, nesting, shells, titles
from crawler.extraction.decode import decode_html, screen, tidy
from crawler.extraction.markup import text_length
from crawler.extraction.metadata import parse_html, read_metadata
from crawler.extraction.options import EXTRACTOR, ExtractOptions, Rejection
from crawler.extraction.titles import MAX_TITLE_CHARS, strip_site_name
from crawler.extraction.visible import visible_blocks
from crawler.record import ARTICLE, CHALLENGE, OTHER, PAYWALL, Article

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
    """Turn a fetched page into an Article of some kind, or a Rejection naming why it has no text.

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
    markup = decode_html(data, content_type)
    tree = parse_html(markup)
    if tree is None:
        return Rejection("unparseable", "no HTML document")
    page = read_metadata(tree)
    blocks, standfirst = body.body_blocks(tree, url, page) if tree.find("body") is not None else ([], False)
    blocks = [clean for block in blocks if (clean := tidy(block))]
    from_body = bool(blocks)
    if not from_body:  # a listing, a wall, an error page: what it shows is its text
        blocks = [clean for block in visible_blocks(tree) if (clean := tidy(block))]
        if not blocks:
            return _app_shell(tree, markup) or _no_text(tree)
    if text_length("".join(blocks)) < options.min_chars and nesting.cut_by_parser(tree):
        return _no_text(tree, blocks)
    published, modified = fields.page_dates(page, fetched_at)
    dated = published is not None
    kind = kinds.classify(
        kinds.Page(tree, markup, url, headers, page, blocks, from_body, dated, options.min_chars)
    )
    if kind.kind in _SHELL_KINDS and (shell := _app_shell(tree, markup)):
        return shell
    if published is None and kind.kind in _DATED_KINDS:
        # Searched for only now: a date found anywhere on a page is no sign of an article.
        published = fields.searched_published(tree, url, fetched_at)
    site = _tidied(titles.site_name(page))
    title, title_source = titles.title(page, site)
    title = _tidied(title)
    # The headline repeated in the body is not text; a page whose only text it is keeps it.
    blocks = [b for b in blocks if title is None or b.casefold() != title.casefold()] or blocks
    byline, authors_source = fields.authors(page, tree, site)
    description = _tidied(fields.description(page))
    sources = {"title": title_source, "authors": authors_source}
    lead = fields.lead_source(blocks, description, standfirst)
    if lead:
        sources["lead"] = lead
    if not from_body:
        sources["text"] = "visible"
    if published:
        sources["published_at"] = published.source
    if modified:
        sources["modified_at"] = modified.source
    text = "\n\n".join(blocks)
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
        kind=kind.kind,
        evidence=kind.evidence,
        fingerprint=fingerprint.fingerprint(text),
    )


# Kinds whose publication date is searched for in the page's text when it declares none: a listing's
# or a wall's dates are its teasers' or the day's.
_DATED_KINDS = {ARTICLE, PAYWALL, OTHER}


# Kinds an app shell is read as: what its few lines say (a "please enable JavaScript" is a challenge's
# words), or nothing in particular.
_SHELL_KINDS = {OTHER, CHALLENGE}


def _app_shell(tree: object, markup: str) -> Rejection | None:
    signals = shells.app_shell(tree, markup)
    return Rejection("app_shell", "; ".join(signals)) if signals else None


def _tidied(text: str | None) -> str | None:
    return tidy(text) if text is not None else None


def _no_text(tree: object, blocks: list[str] | None = None) -> Rejection:
    """No text; or little, read before the parser stopped at markup nested too deep even once
    flattened (crawler.extraction.nesting): the page is broken, whatever its kind."""
    if nesting.cut_by_parser(tree):
        read = len("\n\n".join(blocks or []))
        why = f"{read} characters of text read before nesting {nesting.PARSER_MAX_DEPTH} levels deep"
        return Rejection("too_deep", f"{why} stopped the parser")
    return Rejection("no_text", "0 characters of text")
