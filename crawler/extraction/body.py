"""The article's text: what trafilatura finds, with the page's chrome pruned first and its lead recovered.

trafilatura finds the body once what is never the article is pruned (crawler.extraction.prune); this
module recovers what it drops (a standfirst outside the body container), removes what it keeps that
is not the article (credits, "read more" lines, link lists), and judges whether the result is article
prose at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import trafilatura
import trafilatura.settings

from crawler.extraction import dates
from crawler.extraction.fields import description, restates
from crawler.extraction.markup import (
    BYLINE_WORDS,
    PARAGRAPH_CHARS,
    class_words,
    is_chrome,
    linked_chars,
    text_length,
    text_of,
)
from crawler.extraction.metadata import PageMetadata
from crawler.extraction.prune import prune
from crawler.extraction.sections import densest_prose, join_missed_sections

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
_DIGIT = re.compile(r"\d")  # a date without one is a month's or a day's name, a line of prose
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


class _LinkLists:
    """Items of lists made of links (related stories, "more from", menus): never article text.

    Read from the page only when trafilatura's body holds a list, which most bodies do not.
    """

    def __init__(self, tree: Any) -> None:
        self._tree = tree
        self._items: set[str] | None = None

    def __contains__(self, text: str) -> bool:
        if self._items is None:
            self._items = set()
            for listing in self._tree.iter("ul", "ol"):
                if listing.find(".//a") is None:
                    continue
                text_all = text_of(listing)
                if text_all and linked_chars(listing) >= 0.7 * len(text_all):
                    self._items.update(t.casefold() for li in listing.iter("li") if (t := text_of(li)))
        return text in self._items


def _is_boilerplate(text: str) -> bool:
    if _BOILERPLATE_LINE.match(text) or _BARE_URL.match(text) or _CREDIT_LINE.match(text):
        return True
    # A lone dateline ("Updated at 1:23 p.m.", "Nov. 20, 2019") is metadata, not a paragraph.
    if len(text) <= 80 and _STAMP_LINE.match(text):
        return True
    short = len(text) <= 60 and len(text.split()) <= 8
    return short and _DIGIT.search(text) is not None and dates.parse_date(text, "body") is not None


def _raw_blocks(body: Any, link_items: _LinkLists) -> Iterator[str]:
    """The blocks of trafilatura's body in order; text between elements (tails) is a block too, and
    a <div> that holds blocks (what its fallback extractors return) is read as its blocks."""
    if body.text and body.text.strip():
        yield " ".join(body.text.split())
    for element in body:
        if element.tag == "div" and any(child.tag in _CONTAINED for child in element):
            yield from _raw_blocks(element, link_items)
        elif isinstance(element.tag, str):
            yield _block_text(element, link_items)
        if element.tail and element.tail.strip():
            yield " ".join(element.tail.split())


# Elements of trafilatura's output that are blocks: their text never runs into the text beside them
# ("2026<p>FABCON</p>" is "2026 FABCON"), where inline ones (hi, ref) join as written.
_BLOCKS = {"p", "head", "list", "item", "quote", "table", "row", "cell", "lb", "div", "code"}
_CONTAINED = {"p", "head", "list", "quote", "table", "div", "code"}


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


def _block_text(element: Any, link_items: _LinkLists) -> str:
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
    put first.

    Never less than plain trafilatura finds: where the pruned page gives no text, the page as it is
    is read again, and where that gives less than a short story, the densest block of prose is
    taken if it holds more. Sections of one template that trafilatura's pick left out are joined
    to it and the page read again. Each second reading is paid for only by the pages that need it.
    """
    pruned, chrome = prune(tree, page)
    link_items = _LinkLists(tree)
    chrome.update(t.casefold() for t in page.datelines)
    chrome.update(t.casefold() for _, t in page.bylines)
    skip = chrome | {h.casefold() for h in page.headings}
    document = _read(pruned, url, fast=True)
    if document is not None and join_missed_sections(pruned, " ".join(" ".join(document.itertext()).split())):
        reread = _read(pruned, url, fast=True)
        document = reread if reread is not None else document
    blocks = _kept(_raw_blocks(document, link_items), skip) if document is not None else []
    if _read_too_little(blocks, pruned):  # trafilatura's own fallbacks may find more
        full = _read(pruned, url, fast=False)
        more = _kept(_raw_blocks(full, link_items), skip) if full is not None else []
        if sum(map(text_length, more)) > sum(map(text_length, blocks)):
            blocks = more
    if not blocks:  # the pruning took the article away: what trafilatura finds on the page
        plain = _read(tree, url, fast=False)
        blocks = _kept(_raw_blocks(plain, link_items), skip) if plain is not None else []
    found = sum(map(text_length, blocks))
    # Less than a short story, or one lump of text (a page read whole): the densest prose may hold more.
    if found < _MIN_STORY_CHARS or len(blocks) == 1:
        densest = _kept(densest_prose(tree), skip)
        dense = sum(map(text_length, densest))
        if dense > 2 * max(1, found) or (len(densest) > len(blocks) and dense >= 0.5 * found):
            blocks = densest
    lead = _lead(blocks, _headline_element(tree), description(page))
    if lead:
        blocks.insert(0, lead)
    return blocks, lead is not None


# trafilatura's fast reading is taken when it holds this share of the prose paragraphs of the page.
_FAST_ENOUGH = 0.6


def _read_too_little(blocks: list[str], pruned: Any) -> bool:
    """Whether trafilatura's fast reading missed much of the page's prose (a story under a short
    one's length, or under _FAST_ENOUGH of the paragraphs of prose the pruned page holds)."""
    found = sum(map(text_length, blocks))
    if found < _MIN_STORY_CHARS:
        return True
    prose = (text_length(t) for p in pruned.iter("p") if len(t := text_of(p)) >= PARAGRAPH_CHARS // 3)
    return found < _FAST_ENOUGH * sum(prose)


def _read(tree: Any, url: str, *, fast: bool) -> Any:
    """trafilatura's body of the page, or None where it finds none; ``fast``: without its fallbacks
    (readability and jusText run and compared), which cost a quarter of the extraction's time and
    matter only where its own reading finds little."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        output_format="python",
        fast=fast,
    )
    if not isinstance(document, trafilatura.settings.Document) or document.body is None:
        return None
    return document.body


def _kept(texts: Iterable[str], skip: set[str]) -> list[str]:
    """The texts that are article text: not chrome, a heading, a dateline or a boilerplate line."""
    return [t for t in texts if t and t.casefold() not in skip and not _is_boilerplate(t)]
