"""The article's text: what trafilatura finds, with the page's chrome pruned first and its lead recovered.

trafilatura finds the body; this module prunes what is never the article before it looks (navigation,
share and comment widgets, captions, bylines), recovers what it drops (a standfirst outside the body
container), removes what it keeps that is not the article (credits, "read more" lines, link lists),
and judges whether the result is article prose at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import trafilatura
import trafilatura.settings
from lxml import etree

from crawler.extraction import dates
from crawler.extraction.fields import description, restates
from crawler.extraction.metadata import (
    BYLINE_WORDS,
    CHROME_WORDS,
    COMMENT_WORDS,
    CONTENT_WORDS,
    MEDIA_WORDS,
    PARAGRAPH_CHARS,
    PageMetadata,
    class_words,
    is_chrome,
    linked_chars,
    text_of,
)
from crawler.urls import looks_like_listing

_LEAD_WORDS = {
    "standfirst", "lead", "lede", "intro", "summary", "dek", "deck", "subtitle", "subheadline",
    "excerpt", "strapline", "abstract", "chapeau", "sapo", "vorspann", "entradilla", "bajada",
    "sottotitolo", "description", "subhead", "teaser", "kurztext", "chapo",
}  # fmt: skip
_NOT_LEAD_CONTAINER_WORDS = (BYLINE_WORDS - {"byline"}) | {
    "bio",
    "biography",
    "profile",
    "caption",
    "credit",
    "photo",
    "image",
    "video",
}
# A byline block holds the standfirst on some sites; an author's box never does.
_NOT_LEAD_WORDS = _NOT_LEAD_CONTAINER_WORDS | {"byline"}
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
# A credit anywhere in a line ("... at low tide. Photo: Jane Roe", "(Foto: dpa)", "©") makes it a caption.
_CREDIT = re.compile(
    r"\b(?:photo|image|picture|foto|bild|credit|crédit|quelle)s?\s*[:©]|©"
    r"|\b(?:photo(?:graph)?|picture|image|foto|bild)s?\s+(?:by|von|de|par|di)\b",
    re.I,
)
# Prose enough for a short story in one or two paragraphs.
_MIN_STORY_CHARS = 400
# Chinese, Japanese and Korean say in one character what alphabetic scripts say in about three.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def text_length(text: str) -> int:
    """Length in Latin-equivalent characters, so one threshold fits every script."""
    return len(text) + 2 * len(_CJK.findall(text))


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
    for element, named, _ in candidates:
        excused: set[str] = _AMBIGUOUS_WORDS | (COMMENT_WORDS if page.live_blog else set())
        if named & MEDIA_WORDS and not _captions_an_image(element):
            excused = excused | MEDIA_WORDS
        private = named & (BYLINE_WORDS | (set() if page.live_blog else COMMENT_WORDS))
        family = families[(element.tag, element.get("class") or "")] > 0.4 * total and not private
        content = (named <= excused or family) and _holds_prose(element)
        (pruning.kept if content else pruning.dropped).append(element)
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
    if not text or linked > _MAX_LINKED_SHARE * len(text) or element.xpath(".//form | .//input | .//button"):
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


def _link_lists(tree: Any) -> set[str]:
    """Items of lists made of links (related stories, "more from", menus): never article text."""
    items: set[str] = set()
    for listing in tree.iter("ul", "ol"):
        text = text_of(listing)
        linked = linked_chars(listing)
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


# Elements of trafilatura's output that are blocks: their text never runs into the text beside them
# ("2026<p>FABCON</p>" is "2026 FABCON"), where inline ones (hi, ref) join as written.
_BLOCKS = {"p", "head", "list", "item", "quote", "table", "row", "cell", "lb", "div", "code"}


def _spaced_text(element: Any, leave_out: str | None = None) -> str:
    """The element's text with its blocks kept apart by a space; ``leave_out``: a tag whose elements
    (nested lists, which are items of their own) are left out."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and child.tag != leave_out:
                block = " " if child.tag in _BLOCKS else ""
                parts.append(block)
                walk(child)
                parts.append(block)
            parts.append(child.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


def _block_text(element: Any, link_items: set[str]) -> str:
    if element.tag in ("list",):
        lines = []
        for item in element.iter("item"):
            text = _spaced_text(item, leave_out="list")  # a nested list's items come on their own
            if text and text.casefold() not in link_items:
                depth = sum(1 for ancestor in item.iterancestors("list")) - 1
                lines.append(f"{'  ' * max(0, depth)}- {text}")
        return "\n".join(lines)
    if element.tag == "table":
        rows = []
        for row in element.iter("row"):
            cells = [_spaced_text(cell) for cell in row.iter("cell")]
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
        elif child.tag in _BLOCKS:
            current.append(f" {_spaced_text(child)} ")
        else:
            current.append("".join(child.itertext()))
        current.append(child.tail or "")
    lines.append("".join(current))
    return "\n".join(joined for line in lines if (joined := " ".join(line.split())))


def _lead(blocks: list[str], headline: Any, description: str | None) -> str | None:
    """A standfirst that trafilatura left out, after the headline and before the body: marked as a
    lead by its name, or saying what the page's own description says.

    It must hold prose only (no scripts, forms, nested paragraphs, mostly links), and never be a
    caption or credit, or sit in chrome, a byline or an author's biography.
    """
    if headline is None:
        return None
    known = " ".join(b.casefold() for b in blocks)
    first_block = blocks[0].casefold()[:60] if blocks else None
    found: tuple[Any, str] | None = None  # the innermost element that holds it, without a "Read later"
    for candidate in headline.xpath("following::*[position() <= 300]"):
        if found is not None and found[0] not in candidate.iterancestors():
            break
        text = text_of(candidate)
        if first_block and first_block in text.casefold():
            break  # reached the body
        if not 40 <= len(text) <= 600 or text.casefold() in known or candidate.tag in _NOT_LEAD_TAGS:
            continue
        named = class_words(candidate) & _LEAD_WORDS or candidate.get("itemprop") == "description"
        if (named or (description and restates(description, text))) and not _not_a_lead(candidate, text):
            found = (candidate, text)
    return found[1] if found else None


def _headline_case(text: str) -> bool:
    """ "Several Deals Go Live Today": most words capitalised, as headings are in English."""
    words = [w for w in text.split() if w[0].isalpha() and len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) > 0.8 * len(words)


_NOT_LEAD_TAGS = {"a", "li", "img", "figure", "figcaption", "h1", "time", "button"}


def _not_a_lead(candidate: Any, text: str) -> bool:
    """A caption or credit, a teaser for another story, an author's biography, a dateline, a heading
    in title case: never the lead."""
    containers: set[str] = set()
    for ancestor in candidate.iterancestors():
        if ancestor.tag in ("article", "main", "body"):
            break
        containers |= class_words(ancestor)
    linked = linked_chars(candidate)
    return bool(
        class_words(candidate) & _NOT_LEAD_WORDS
        or containers & _NOT_LEAD_CONTAINER_WORDS
        or (len(text) < 100 and dates.parse_date(text, "lead") is not None)
        or linked > 0.5 * len(text)
        or _CREDIT.search(text)
        or _headline_case(text)
        or is_chrome(candidate)
        or candidate.xpath("ancestor::figure | .//time | .//script | .//style | .//form | .//p//p | .//li")
    )


def _headline_element(tree: Any) -> Any:
    for heading in tree.iter("h1"):
        if not is_chrome(heading) and text_of(heading):
            return heading
    return None


def body_blocks(tree: Any, url: str, page: PageMetadata) -> tuple[list[str], bool]:
    """The article's text blocks, in order; and whether a standfirst outside trafilatura's body was
    put first."""
    pruned, chrome = prune(tree, page)
    document = trafilatura.bare_extraction(
        pruned,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        output_format="python",
    )
    if not isinstance(document, trafilatura.settings.Document) or document.body is None:
        return [], False
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
    lead = _lead(blocks, _headline_element(tree), description(page))
    if lead:
        blocks.insert(0, lead)
    return blocks, lead is not None


def is_article(blocks: list[str], page: PageMetadata, url: str, dated: bool) -> bool:
    """Article prose, not teasers or navigation that trafilatura returned for a non-article.

    The page's own declaration (JSON-LD type, og:type article) and a publication date count for
    most: then one paragraph of prose, or one list item that is (a listicle's), is enough. A page
    that declares another type (website, video.other, profile) needs prose to dominate, in three
    paragraphs or in one or two on a URL that names a story; a page that says nothing about itself
    needs prose to dominate on a URL that is not a listing's.
    """
    paragraphs = [b for b in blocks if not b.startswith("- ")]
    items = [line.lstrip()[2:] for b in blocks if b.startswith("- ") for line in b.splitlines()]
    if not any(text_length(t) >= PARAGRAPH_CHARS for t in paragraphs + items):
        return False
    og_type = (page.first("og:type") or "").lower()
    if page.jsonld or og_type == "article" or dated:
        return True
    prose = [b for b in paragraphs if text_length(b) >= PARAGRAPH_CHARS]
    share = sum(map(text_length, prose)) / max(1, sum(map(text_length, blocks)))
    listing = looks_like_listing(url)
    if og_type:  # website, video.other, profile: the page says what it is
        enough = len(prose) >= 3 or (sum(map(text_length, prose)) >= _MIN_STORY_CHARS and not listing)
        return enough and share >= 0.6
    return share >= 0.5 and not listing
