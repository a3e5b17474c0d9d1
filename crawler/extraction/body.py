"""The article's text: what trafilatura finds, with the page's chrome pruned first and its lead recovered.

trafilatura finds the body; this module prunes what is never the article before it looks (navigation,
share and comment widgets, captions, bylines), recovers what it drops (a standfirst outside the body
container), removes what it keeps that is not the article (credits, "read more" lines, link lists),
and judges whether the result is article prose at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import trafilatura
import trafilatura.settings

from crawler.extraction import dates
from crawler.extraction.metadata import (
    BYLINE_WORDS,
    CHROME_WORDS,
    CONTENT_WORDS,
    PageMetadata,
    class_words,
    is_chrome,
    text_of,
)
from crawler.urls import looks_like_listing

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
_MIN_PROSE_CHARS = 120
# Chinese, Japanese and Korean say in one character what alphabetic scripts say in about three.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def text_length(text: str) -> int:
    """Length in Latin-equivalent characters, so one threshold fits every script."""
    return len(text) + 2 * len(_CJK.findall(text))


def prune(tree: Any) -> Any:
    """A copy of the page without the parts that are never the article, whatever trafilatura thinks."""
    pruned = deepcopy(tree)
    body = pruned.find("body")
    total = len(text_of(body)) or 1
    for element in list(body.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        words = _naming_words(element)
        short_prompt = bool(words & _SHORT_ONLY_WORDS) and len(text_of(element)) < _SHORT_ONLY_CHARS
        if element.tag in _PRUNE_TAGS or short_prompt or (words & _PRUNE_WORDS and not words & CONTENT_WORDS):
            # Never drop a container that holds the headline or most of the page: a wrapper class
            # like "main has-sidebar" must not take the article with it. Nor code: its classes are
            # syntax highlighting ("hljs-comment" is a comment in the code, not a comment section).
            if element.xpath(".//h1 | ancestor-or-self::pre | ancestor-or-self::code"):
                continue
            if len(text_of(element)) > 0.4 * total:
                continue
            element.drop_tree()
    return pruned


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SLUG = re.compile(r"[^\w]+")


def _naming_words(element: Any) -> set[str]:
    """The class and id words that say what an element is; a heading's id made from its own text
    (WordPress's ``h-what-comments-say``) says nothing about it and is left out."""
    identifier = (element.get("id") or "").lower()
    if element.tag in _HEADINGS and identifier:
        slug = _SLUG.sub("-", text_of(element).lower()).strip("-")
        if slug and slug[:24] in identifier:
            return class_words(element) - set(_SLUG.split(identifier))
    return class_words(element)


def _chrome_texts(tree: Any) -> set[str]:
    """Texts of captions and chrome elements: a block equal to one of them is not article text."""
    texts = set()
    for element in tree.xpath("//figcaption | //*[@class or @id]"):
        if element.tag == "figcaption" or _naming_words(element) & _PRUNE_WORDS:
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


def body_blocks(tree: Any, url: str, page: PageMetadata) -> tuple[list[str], bool]:
    """The article's text blocks, in order; and whether a standfirst outside trafilatura's body was
    put first."""
    document = trafilatura.bare_extraction(
        prune(tree),
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        output_format="python",
    )
    if not isinstance(document, trafilatura.settings.Document) or document.body is None:
        return [], False
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
    return blocks, lead is not None


def is_article(blocks: list[str], page: PageMetadata, url: str, dated: bool) -> bool:
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
