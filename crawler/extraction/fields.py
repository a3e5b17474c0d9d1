"""The record's metadata fields from what the page declares: authors, dates, language, tags, image,
canonical URL (the headline and site name: crawler.extraction.titles); each with the source it came
from, in a fixed order of precedence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from copy import deepcopy
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from htmldate import find_date
from lxml import etree
from trafilatura.xpaths import AUTHOR_XPATHS

from crawler.extraction import dates
from crawler.extraction.bylines import Byline, looks_like_organisation, parse_bylines
from crawler.extraction.markup import CHROME_WORDS, class_words, is_chrome, text_of
from crawler.extraction.metadata import PageMetadata, meta_date_names
from crawler.record import PageDate
from crawler.urls import canonicalize, is_http_url, same_site


def strings(values: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            name = value.get("name") or value.get("@value") or value.get("url") or value.get("@id")
            if isinstance(name, str):
                found.append(name)
        elif isinstance(value, list):
            found.extend(strings(value))
    return found


def first_text(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return " ".join(value.split())
    return None


# The meta tags that name authors, as trafilatura reads them (NYT's "byl", Highwire's "citation_author").
_META_AUTHORS = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "dc:creator",
    "dcterms.creator", "byl", "citation_author", "creator", "authors", "dcsext.author",
    "article:author_name", "author_name",
)  # fmt: skip


# Sources that name authors and nothing else: a one-word pen name there is a name.
_AUTHOR_FIELDS = ("json-ld", "json-ld:person", "meta", "rel-or-itemprop:author", "author-link")


def authors(page: PageMetadata, tree: Any, site: str | None) -> tuple[Byline, str]:
    """Persons and agencies from the first source that names a person: JSON-LD, meta, the visible
    bylines, then trafilatura's byline rules (searched_authors). The site's own name is never an
    author, unless the page's JSON-LD types it a Person (a writer's own site) or, as a last resort,
    an author field gives it; an organisation in the meta author gives way to the visible byline."""
    sites = [site] if site else []
    agencies: list[str] = []
    candidates: list[tuple[str, list[str]]] = []
    for author in page.article_values("author"):
        values = author if isinstance(author, list) else [author]
        for value in values:
            if isinstance(value, dict) and "organization" in str(value.get("@type", "")).lower():
                agencies.extend(strings([value]))
        persons = [v for v in values if isinstance(v, dict) and "person" in str(v.get("@type", "")).lower()]
        untyped = [v for v in values if not isinstance(v, dict) or "@type" not in v]
        candidates.append(("json-ld:person", strings(persons)))
        candidates.append(("json-ld", strings(untyped)))
    meta_author = page.first(*_META_AUTHORS)
    organisation = meta_author is not None and looks_like_organisation(meta_author, sites)
    if meta_author and not organisation:
        candidates.append(("meta", [meta_author]))
    candidates.extend((source, [raw]) for source, raw in page.bylines)
    if meta_author and organisation:
        candidates.append(("meta", [meta_author]))
    for source, values in candidates:
        typed = source == "json-ld:person"
        byline = parse_bylines(values, site_names=[] if typed else sites, single=source in _AUTHOR_FIELDS)
        agencies.extend(a for a in byline.agencies if a not in agencies)
        if byline.authors:
            return Byline(byline.authors, _unique(agencies, sites)), "json-ld" if typed else source
    searched = searched_authors(tree, site)
    if searched.authors:
        return Byline(searched.authors, _unique(agencies or searched.agencies, sites)), "trafilatura"
    for source, values in candidates:  # a writer's own site, its name in an author field
        if source in _AUTHOR_FIELDS:
            named = [v for v in parse_bylines(values).authors if not looks_like_organisation(v)]
            if named:
                return Byline(named, _unique(agencies, sites)), source
    return Byline([], _unique(agencies, sites)), "none"


def _unique(values: list[str], drop: list[str]) -> list[str]:
    dropped = {d.casefold() for d in drop}
    return [v for i, v in enumerate(values) if v not in values[:i] and v.casefold() not in dropped]


def _dayfirst(page: PageMetadata) -> bool:
    return not (page.lang or "").lower().startswith("en-us")


def page_dates(page: PageMetadata, fetched_at: datetime) -> tuple[PageDate | None, PageDate | None]:
    """The publication and modification dates, each the first plausible candidate in precedence order:
    JSON-LD, meta tags, itemprop, ``<time>``, then the visible dateline."""
    dayfirst = _dayfirst(page)

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
    # Shown near the headline with nothing to say so, after every declared and labelled date.
    for raw in page.visible_dates:
        published_part, modified_part = dates.split_dateline(raw)
        found = _visible(published_part, "visible", dayfirst, fetched_at)
        if found:
            visible_published.append(found)
        update = _visible(modified_part, "visible:updated", dayfirst, fetched_at) if modified_part else None
        if update:
            visible_modified.append(update)
    for raw in page.city_datelines:
        found = dates.parse_date(raw, "dateline:city", dayfirst=dayfirst)
        if found:
            visible_published.append(found)
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
    if zone is None and any(c.precision != "day" and c.moment.tzinfo is None for c in published + modified):
        zone = dates.page_zone(parsed(("other", v) for v in page.other_dates))
    return dates.choose(published, fetched_at, zone), dates.choose(modified, fetched_at, zone)


_VISIBLE_WORDS = 8  # "Donnerstag, 5. März 2026, 14:30 Uhr": a date, not a sentence that holds one


def _visible(raw: str, source: str, dayfirst: bool, fetched_at: datetime) -> dates.ParsedDate | None:
    """A date shown as it is: written out ("5 March 2026") or relative ("3 hours ago", source
    ``relative``)."""
    if len(raw.split()) > _VISIBLE_WORDS:
        return None
    return dates.parse_relative(raw, "relative", fetched_at) or dates.parse_date(
        raw, source, dayfirst=dayfirst
    )


# htmldate's answer to the second, so that a time it finds is kept; a bare day comes back at midnight.
_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_MIDNIGHT = "T00:00:00"


def searched_published(tree: Any, url: str, fetched_at: datetime) -> PageDate | None:
    """When the page declares no date: htmldate's searches of the URL, the text and the markup,
    recorded with the source ``htmldate``; to the second when it finds a time, else as a day (a bare
    midnight is what htmldate answers for a day). Only for pages that need it, on a copy without the
    page's chrome: a related story's, a comment's or the footer's date is never the article's."""
    try:
        copy = deepcopy(tree)
        for element in [e for e in copy.iter("aside", "footer", "nav", "form") if e.getparent() is not None]:
            element.getparent().remove(element)
        for element in [e for e in copy.xpath("//body//*[@class or @id]") if _chrome_named(e)]:
            if element.getparent() is not None:
                element.getparent().remove(element)
        found = find_date(
            copy, extensive_search=False, original_date=True, url=url, outputformat=_HTMLDATE_FORMAT
        )
    except Exception:  # htmldate on a hostile page: no date is the answer, not a failed extraction
        return None
    if not found:
        return None
    if found.endswith(_MIDNIGHT):
        found = found[: -len(_MIDNIGHT)]
    parsed = dates.parse_date(found, "htmldate", dayfirst=False)
    return dates.choose([parsed], fetched_at, None) if parsed else None


def _chrome_named(element: Any) -> bool:
    """Named like chrome (a related list, comments, the footer) and not the article's own container."""
    return bool(class_words(element) & CHROME_WORDS) and is_chrome(element)


# trafilatura's byline XPaths (trafilatura runs them one after the other over the whole page) as one
# walk of the part of the page around the headline, where a byline stands.
_BYLINE_SEARCH = etree.XPath(
    " | ".join(expression.path.strip().replace("//", ".//") for expression in AUTHOR_XPATHS),
    namespaces={"re": "http://exslt.org/regular-expressions"},
)


def _around_headline(tree: Any) -> Any:
    """The article or main element holding the first headline, else its grandparent; else the body."""
    headline = next(iter(tree.iter("h1")), None)
    if headline is None:
        return tree.find("body") if tree.find("body") is not None else tree
    for ancestor in headline.iterancestors("article", "main"):
        return ancestor
    parent = headline.getparent()
    grandparent = parent.getparent() if parent is not None else None
    return grandparent if grandparent is not None else parent if parent is not None else tree


def searched_authors(tree: Any, site: str | None) -> Byline:
    """When no source the page marks names a person: the first element outside chrome, in document
    order, that trafilatura's byline XPaths find and that names persons (the JSON-LD and meta tags
    trafilatura also reads are read here already). On the page's tree as it is: trafilatura's own
    ``extract_author`` copies it first, which doubled the cost on the pages that need it."""
    sites = [site] if site else []
    for element in _BYLINE_SEARCH(_around_headline(tree)):
        text = text_of(element)
        if not 2 < len(text) <= 120 or is_chrome(element):
            continue
        byline = parse_bylines([text], site_names=sites)
        if byline.authors:
            return byline
    return Byline()


def lead_source(blocks: list[str], description: str | None, standfirst: bool) -> str | None:
    """Where the article's lead comes from: a standfirst recovered outside the body, or a first
    paragraph that the page's own description repeats (whole or cut); None when neither."""
    if standfirst:
        return "standfirst"
    if description and blocks and restates(description, blocks[0]):
        return "description"
    return None


_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")
_WORDS = re.compile(r"\w+")


def restates(summary: str, text: str) -> bool:
    """Whether a page's description says what a block of its text says: the same words, or the
    block's opening cut short (often with an ellipsis), or nearly the same words reworded."""
    summary = _ELLIPSIS.sub("", " ".join(summary.split())).casefold()
    text = " ".join(text.split()).casefold()
    stem = min(len(text), len(summary), 60)
    if stem >= 20 and text[:stem] == summary[:stem]:
        return True
    summary_words, text_words = set(_WORDS.findall(summary)), set(_WORDS.findall(text))
    shared = len(summary_words & text_words)
    return len(summary_words) >= 8 and shared >= 0.8 * len(summary_words) and shared >= 0.6 * len(text_words)


def canonical(page: PageMetadata, url: str) -> str:
    """The article's canonical URL (crawler.urls.canonicalize): the page's own, if on the same site,
    else the URL it was fetched from. Decided here only; the record id derives from it."""
    for value in (page.canonical, page.first("og:url")):
        if value:
            absolute = urljoin(url, value.strip())
            if is_http_url(absolute) and same_site(absolute, url):
                return canonicalize(absolute)
    return canonicalize(url)


def description(page: PageMetadata) -> str | None:
    return first_text(
        page.first("og:description", "description", "twitter:description"),
        *strings(page.article_values("description")),
    )


def language(page: PageMetadata, headers: Mapping[str, str]) -> str | None:
    value = first_text(
        page.lang,
        page.first("og:locale", "content-language", "language", "dc.language"),
        *strings(page.article_values("inLanguage")),
        headers.get("content-language"),
    )
    if not value:
        return None
    primary = re.split(r"[-_,;\s]", value.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def tags(page: PageMetadata) -> list[str]:
    values = page.meta.get("article:tag", [])
    if not values:
        keywords = strings(page.article_values("keywords"))
        values = [k for value in keywords for k in value.split(",")]
    if not values:
        values = [k for value in page.meta.get("news_keywords", []) for k in value.split(",")]
    if not values:
        values = page.tag_lists
    cleaned = [" ".join(v.split()) for v in values]
    return list(dict.fromkeys(t for t in cleaned if t))


def image(page: PageMetadata, url: str) -> str | None:
    value = first_text(page.first("og:image", "twitter:image"), *strings(page.article_values("image")))
    if not value:
        return None
    absolute = urljoin(url, value)
    return absolute if is_http_url(absolute) else None
