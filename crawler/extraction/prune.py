"""Pruning: the parts of a page that are never the article, taken out before trafilatura reads it.

Navigation, share and comment widgets, captions, bylines and datelines go by their names (class and
id words, crawler.extraction.metadata) and tags; an element named like chrome that holds prose (a
section of the article, a live blog's entries, a lead classed "caption") is kept and loses those
names, so trafilatura's own rules keep it too.
"""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.extraction.markup import (
    BYLINE_WORDS,
    CHROME_WORDS,
    COMMENT_WORDS,
    CONTENT_WORDS,
    MEDIA_WORDS,
    PARAGRAPH_CHARS,
    class_words,
    linked_chars,
    text_length,
    text_of,
)
from crawler.extraction.metadata import PageMetadata
from crawler.extraction.teasers import rails_and_prompts

# Parts pruned before trafilatura sees the page: the chrome, plus bylines and datelines, whose
# text is metadata, not article text.
_PRUNE_WORDS = (
    CHROME_WORDS | BYLINE_WORDS | {"dateline", "datum", "kicker", "dachzeile", "overline", "eyebrow"}
)
# Words that mark a subscription prompt when the element is short, but wrap the whole (paywalled)
# article when it is long.
_SHORT_ONLY_WORDS = {"paywall", "premium", "abo", "subscriber"}
_SHORT_ONLY_CHARS = 400
# Chrome words that content is named with too: an ad slot, a sidebar or a menu holds no prose of its
# own, but Adobe Experience Manager names every part of a page "cmp-..." and a "menu" may be a
# restaurant's. Elements so named are chrome unless they hold prose.
_AMBIGUOUS_WORDS = {"ads", "cmp", "menu", "sidebar"}
_MAX_LINKED_SHARE = 0.2
_PRUNE_TAGS = {"nav", "aside", "footer", "figcaption", "form", "button", "noscript"}


@dataclass
class _Pruning:
    """What is pruned from a page before trafilatura reads it.

    ``dropped``: its chrome. ``kept``: elements named like chrome that hold the article (a section
    of it, a live blog's entries, a lead classed "caption", the text in a ``<noscript>``); in the
    copy trafilatura reads they lose those names, so that its own rules keep them too.
    ``chrome``: the texts of captions and chrome, casefolded (a block equal to one is not article
    text).
    """

    dropped: list[Any]
    kept: list[Any]
    chrome: set[str]


# Only these can be pruned; asking for them alone spares a walk over every element of the page.
_PRUNABLE = etree.XPath(".//*[@class or @id] | " + " | ".join(f".//{tag}" for tag in sorted(_PRUNE_TAGS)))
_MARK = "data-newsarchive-prune"
_HOLDS_HEADLINE_OR_IS_CODE = etree.XPath(".//h1 | ancestor-or-self::pre | ancestor-or-self::code")


def _pruning(tree: Any, page: PageMetadata) -> _Pruning:
    body = tree.find("body")
    total = len(text_of(body)) or 1
    candidates: list[tuple[Any, frozenset[str], int]] = []
    named_chrome: list[Any] = []
    pruning = _Pruning([], [], set())
    for element in _PRUNABLE(body):
        if element.tag == "noscript":
            (pruning.kept if _holds_prose(element) else pruning.dropped).append(element)
            continue
        words = _naming_words(element)
        named = _named_as_chrome(words)
        if named or element.tag == "figcaption":
            named_chrome.append(element)
        short_prompt = bool(words & _SHORT_ONLY_WORDS) and len(text_of(element)) < _SHORT_ONLY_CHARS
        if element.tag in _PRUNE_TAGS or short_prompt or named:
            length = len(text_of(element))
            # Never a container that holds the headline or most of the page ("main has-sidebar"),
            # nor code, whose classes are syntax ("hljs-comment" is a comment in the code).
            if length > 0.4 * total or _HOLDS_HEADLINE_OR_IS_CODE(element):
                continue
            if element.tag in _PRUNE_TAGS or short_prompt:
                pruning.dropped.append(element)
            else:
                candidates.append((element, named, length))
    # An article split into sections named alike ("cmp-text", "live-comment") holds much of the
    # page in all of them together, where no chrome does.
    families: Counter[tuple[str, str]] = Counter()
    for element, _, length in candidates:
        families[(element.tag, element.get("class") or "")] += length
    live_blog = page.live_blog  # a property that reads the JSON-LD: once, not once per element
    for element, named, _ in candidates:
        excused: set[str] = _AMBIGUOUS_WORDS | (COMMENT_WORDS if live_blog else set())
        if named & MEDIA_WORDS and not _captions_an_image(element):
            excused = excused | MEDIA_WORDS
        private = named & (BYLINE_WORDS | (set() if live_blog else COMMENT_WORDS))
        family = families[(element.tag, element.get("class") or "")] > 0.4 * total and not private
        content = (named <= excused or family) and _holds_prose(element)
        (pruning.kept if content else pruning.dropped).append(element)
    # Teaser rails and reader prompts inside the article's container, whatever they are named.
    decided = set(pruning.dropped)
    pruning.dropped.extend(e for e in rails_and_prompts(body, decided) if e not in decided)
    kept = set(pruning.kept)
    for element in named_chrome:
        text = text_of(element) if element not in kept else ""
        if 0 < len(text) < 400:
            pruning.chrome.add(text.casefold())
    return pruning


def prune(tree: Any, page: PageMetadata) -> tuple[Any, set[str]]:
    """A copy of the page without the parts that are never the article, whatever trafilatura thinks;
    and the texts of its chrome, casefolded."""
    pruning = _pruning(tree, page)
    # Mark, copy, unmark: the copy's marked elements are those decided on, found in one query.
    for decision, elements in (("keep", pruning.kept), ("drop", pruning.dropped)):
        for element in elements:
            element.set(_MARK, decision)
    pruned = deepcopy(tree)
    for element in pruning.kept + pruning.dropped:
        element.attrib.pop(_MARK, None)
    for copy in pruned.xpath(f"//*[@{_MARK}]"):
        if copy.get(_MARK) == "keep":
            for name in ("class", "id", _MARK):
                copy.attrib.pop(name, None)
            if copy.tag == "noscript":
                copy.tag = "div"
        elif copy.getparent() is not None:
            copy.drop_tree()
    return pruned, pruning.chrome


def _holds_prose(element: Any) -> bool:
    """Paragraphs of text, not links, forms or a line: what no widget holds."""
    text = text_of(element)
    linked = linked_chars(element)
    # A <noscript> read as text holds markup ("<img src=...>"), never prose.
    if (
        not text
        or text.startswith("<")
        or linked > _MAX_LINKED_SHARE * len(text)
        or element.xpath(".//form | .//input | .//button")
    ):
        return False
    paragraphs = list(element.iter("p")) or [element]
    return any(text_length(text_of(p)) >= PARAGRAPH_CHARS for p in paragraphs)


# A caption sits in a figure or beside its image, and is a line or two; text beside a slideshow's
# image in two paragraphs or more is the slideshow's text.
_CAPTIONS_AN_IMAGE = etree.XPath(
    "(ancestor::figure or descendant::img or descendant::picture or descendant::video"
    " or preceding-sibling::*[1][descendant-or-self::img or descendant-or-self::picture]"
    " or following-sibling::*[1][descendant-or-self::img or descendant-or-self::picture])"
    " and count(descendant::p) < 2"
)


def _captions_an_image(element: Any) -> bool:
    return bool(_CAPTIONS_AN_IMAGE(element))


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SLUG = re.compile(r"[^\w]+")


def _naming_words(element: Any) -> frozenset[str]:
    """The class and id words that say what an element is; a heading's id made from its own text
    (WordPress's ``h-what-comments-say``) says nothing about it and is left out."""
    identifier = (element.get("id") or "").lower()
    if element.tag in _HEADINGS and identifier:
        slug = _SLUG.sub("-", text_of(element).lower()).strip("-")
        if slug and slug[:24] in identifier:
            return class_words(element) - set(_SLUG.split(identifier))
    return class_words(element)


def _named_as_chrome(words: frozenset[str]) -> frozenset[str]:
    """The chrome words among an element's names, none if another name says it is content
    ("cmp-text", "caption-text")."""
    return frozenset() if words & CONTENT_WORDS else words & _PRUNE_WORDS
