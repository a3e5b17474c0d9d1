"""Teaser rails and reader prompts kept inside an article's container, found by their shape.

Sites put "most read" lists, "more from this section" cards, comment prompts and newsletter boxes
inside the element that holds the story, under class names no word list knows. Their shape gives
them away in every language: cards that repeat, each a linked headline with a line of teaser or a
kicker and a date; and a short box whose title asks the reader to comment or subscribe. This module
finds both in one pass over the page's links and short headings, before trafilatura reads it
(crawler.extraction.prune drops what it returns).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lxml import etree

from crawler.extraction.markup import PARAGRAPH_CHARS, linked_chars, text_length, text_of

# Links that may be a teaser's headline: outside paragraphs (a link in a sentence is the story's),
# long enough to be a headline, pointing at another page (not "#section-2").
_HEADLINE_LINKS = etree.XPath(
    ".//a[not(ancestor::p) and not(starts-with(normalize-space(@href), '#'))"
    " and string-length(normalize-space(.)) >= 12]"
)
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
# A card is a headline and a line or two: a paragraph of the story is longer on its own.
_MAX_CARD_CHARS = 2 * PARAGRAPH_CHARS + 60
# Cards whose headline is no heading must be mostly link text (a kicker, a date, a count besides).
_MIN_LINKED_SHARE = 0.5
# The rail is mostly its cards: what else it holds is a title ("Most read") or a "more" link.
_MIN_CARDS_SHARE = 0.7
_STOPS = {"body", "main", "html"}  # cards are often <article>s
# A link or a heading alone is a card only in a rail made of such (a list of links); among other
# text it is a link in a sentence, a listicle's heading.
_BARE = _HEADINGS | {"a", "span", "strong", "b", "em", "i"}
# A card's link sits a few levels inside it, the card right inside its rail.
_MAX_CARD_DEPTH = 6

# The title of a box that asks something of the reader or points away from the story, in the
# languages of our sources: the whole of a short line, give or take a count and punctuation.
_PROMPT = re.compile(
    r"^\W*\d*\W*(?:"
    r"join the (?:conversation|discussion|debate)|leave a (?:comment|reply)|"
    r"(?:show|view|see|read|load|add)( all)? (?:\d+ )?comments?|post a comment|comments?|"
    r"sign up (?:for|to) (?:\w+ ){0,4}newsletters?|subscribe to (?:\w+ ){0,4}newsletters?|"
    r"(?:get )?(?:our|the) (?:\w+ ){0,2}newsletters?|newsletter(?: sign[- ]?up)?|"
    r"most (?:read|popular|viewed|shared|commented)|trending(?: now)?|more (?:from|in) (?:\w+ ){0,3}\w+|"
    r"more stories|top stories|related (?:stories|articles|news|coverage)|you (?:may|might) also like|"
    r"kommentare?(?: \w+){0,2}|zu den kommentaren|diskutieren sie mit|jetzt kommentieren|"
    r"newsletter abonnieren|(?:jetzt )?(?:den |unseren )?newsletter (?:\w+ ){0,2}abonnieren|"
    r"abonnieren sie (?:\w+ ){0,2}newsletter|meistgelesen(?:e artikel)?|meist gelesen|"
    r"mehr aus (?:\w+ ){0,3}\w+|"
    r"mehr zum thema|weitere artikel|das könnte sie auch interessieren|"
    r"commenti|commenta|lascia un commento|iscriviti alla (?:nostra )?newsletter|più lett[ie]|"
    r"i più letti|altre notizie|potrebbe interessarti|"
    r"komentarze|skomentuj|dodaj komentarz|zapisz się (?:do|na) (?:\w+ ){0,2}newsletter\w*|"
    r"najczęściej czytane|najpopularniejsze|czytaj więcej|zobacz także|więcej z (?:\w+ ){0,3}\w+|"
    r"commentaires?|réagir|inscrivez-vous à (?:\w+ ){0,2}newsletter|les plus lus|"
    r"comentarios|suscríbete a (?:\w+ ){0,2}newsletter|lo más leído|"
    r"コメント(?:する|を書く|を見る)?|ニュースレター.{0,12}|よく読まれている記事|アクセスランキング|"
    r"人気記事(?:ランキング)?|関連記事|あわせて読みたい|"
    r"댓글(?:\s?\d+)?|댓글 ?쓰기|뉴스레터.{0,12}|많이 본 뉴스|가장 많이 본 기사|관련 ?기사|인기 ?기사"
    r")\W*\d*\W*$",
    re.IGNORECASE,
)
# Lines short enough to be a prompt's title: text nodes, which are fewer and cheaper than elements.
_SHORT_LINES = etree.XPath(
    ".//text()[string-length(normalize-space(.)) >= 5 and string-length(normalize-space(.)) <= 60]"
)
# A word of a prompt (lowercase), sought before the whole expression is tried.
_PROMPT_STEM = re.compile(
    r"comment|conversation|discussion|reply|newsletter|most |more |top stor|related|trending|also like|"
    r"kommentar|diskutier|meist|mehr |weitere|thema|interess|lett|notizie|komentarz|czytan|popularn|"
    r"więcej|także|réagir|plus lus|leído|コメント|ニュースレター|記事|ランキング|読みたい|댓글|뉴스레터|기사"
)
# A prompt's box is a title, a line or two and a form or link: never longer than this.
_MAX_BOX_CHARS = 400


def rails_and_prompts(body: Any, dropped: set[Any]) -> list[Any]:
    """Teaser rails, their cards, and reader-prompt boxes in ``body``: never the article.
    ``dropped``: elements already pruned, whose insides need no looking at."""
    found = _rails(body, dropped)
    inside = set(found)
    for box in _prompts(body):
        if box not in inside and not any(a in inside for a in box.iterancestors()):
            found.append(box)
    return found


def _rails(body: Any, dropped: set[Any]) -> list[Any]:
    """Parents of two or more teaser cards (three when no card's headline is a heading), or the
    cards alone where the parent holds more than them."""
    links = _HEADLINE_LINKS(body)
    if len(links) < 2:
        return []
    # How many headline links each ancestor holds: a card holds one, its rail several.
    held: Counter[Any] = Counter()
    chains: list[list[Any]] = []
    for link in links:
        chain, pruned = [link], False
        for ancestor in link.iterancestors():
            if ancestor in dropped:
                pruned = True
            if pruned or ancestor.tag in _STOPS or len(chain) > _MAX_CARD_DEPTH:
                break
            chain.append(ancestor)
        if not pruned:
            chains.append(chain)
            held.update(chain)
    cards_of: dict[Any, list[Any]] = {}
    for chain in chains:
        card = chain[0]
        for element in chain[1:]:
            if held[element] > 1:
                cards_of.setdefault(element, []).append(card)
                break
            card = element
    found: list[Any] = []
    for rail, cards in cards_of.items():
        if len(cards) < 2 or rail.find(".//h1") is not None:
            continue
        teasers = [card for card in cards if _is_teaser(card)]
        headed = sum(1 for card in teasers if _headline_is_heading(card))
        if len(teasers) < (2 if headed >= 2 else 3) or len(teasers) < 0.8 * len(cards):
            continue
        rail_chars = len(text_of(rail))
        cards_chars = sum(len(text_of(card)) for card in teasers)
        if cards_chars >= _MIN_CARDS_SHARE * rail_chars:
            found.append(rail)
        elif all(card.tag not in _BARE for card in teasers):
            found.extend(teasers)  # cards in a column that holds more: the cards alone
    return found


def _is_teaser(card: Any) -> bool:
    """A linked headline with a line of teaser, a kicker or a date: short, and no paragraph of prose."""
    text = text_of(card)
    if not text or text_length(text) > _MAX_CARD_CHARS:
        return False
    if any(text_length(text_of(p)) >= PARAGRAPH_CHARS for p in card.iter("p") if p.find(".//a") is None):
        return _headline_is_heading(card) and text_length(text) <= _MAX_CARD_CHARS
    return _headline_is_heading(card) or linked_chars(card) >= _MIN_LINKED_SHARE * len(text)


def _headline_is_heading(card: Any) -> bool:
    """The card's link is a heading's, or holds one: a teaser's headline, never a sentence's link."""
    for heading in card.iter(*_HEADINGS):
        if heading.find(".//a") is not None or any(a.tag == "a" for a in heading.iterancestors()):
            return True
    return False


def _prompts(body: Any) -> list[Any]:
    """Boxes whose title is a prompt ("Join the conversation", "Newsletter abonnieren"): the title's
    largest ancestor that is still a short box."""
    boxes: list[Any] = []
    for line in _SHORT_LINES(body):
        if not _PROMPT_STEM.search(line.lower()):
            continue
        element = line.getparent() if line.is_text else line.getparent().getparent()
        if element is None or element.tag in _STOPS or element.tag in ("script", "style"):
            continue
        if not _PROMPT.match(text_of(element)):
            continue
        box = element
        for ancestor in element.iterancestors():
            if ancestor.tag in _STOPS or len(text_of(ancestor)) > _MAX_BOX_CHARS:
                break
            if ancestor.find(".//h1") is not None or _holds_story_paragraphs(ancestor, box):
                break
            box = ancestor
        if box not in boxes:
            boxes.append(box)
    return boxes


def _holds_story_paragraphs(ancestor: Any, box: Any) -> bool:
    """Paragraphs beside the box, a prose one or two of any length: the story's, not the box's blurb."""
    inside = set(box.iter("p"))
    beside = [p for p in ancestor.iter("p") if p not in inside]
    return len(beside) >= 2 or any(text_length(text_of(p)) >= PARAGRAPH_CHARS for p in beside)
