"""Where the article's prose is when trafilatura's first pick holds only part of it, or none.

trafilatura reads the first container that its expressions match. A feature split into sections of
one template (``<section class="article-section">`` six times, the body cut into several containers
by ad or newsletter slots) matches in each section, so it reads the first and loses the rest; a page
whose only text sits in a ``<div>`` under names it does not know, set with ``<br>``, may give
nothing. This module finds the sections of one template and joins them in the page trafilatura
reads, and finds the densest block of prose for a page where nothing else found any text. Both are
paid for only on the pages that need them (crawler.extraction.body decides).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from crawler.extraction.markup import PARAGRAPH_CHARS, linked_chars, text_length, text_of

# Paragraphs long enough to be prose in any script (a CJK character counts for three, so 40 is the
# shortest that can be).
_LONG_PARAGRAPHS = etree.XPath(".//p[string-length(normalize-space(.)) >= 40]")
_SAMPLE_CHARS = 50
_NEVER_PROSE = {"script", "style", "nav", "aside", "footer", "header", "form", "button", "select"}
_INLINE = {"a", "span", "b", "strong", "i", "em", "u", "font", "small", "sup", "sub", "mark", "abbr"}
_MAX_LINKED_SHARE = 0.3


def _families(tree: Any) -> list[list[tuple[Any, str]]]:
    """Containers of prose paragraphs that share a tag and a class, two or more, none inside
    another; each with a sample of its first prose paragraph, in page order."""
    groups: dict[tuple[str, str], list[tuple[Any, str]]] = {}
    seen: set[Any] = set()
    for paragraph in _LONG_PARAGRAPHS(tree):
        parent = paragraph.getparent()
        if parent is None or parent in seen or not parent.get("class"):
            continue
        text = text_of(paragraph)
        if text_length(text) < PARAGRAPH_CHARS or linked_chars(paragraph) > _MAX_LINKED_SHARE * len(text):
            continue
        seen.add(parent)
        groups.setdefault((parent.tag, parent.get("class")), []).append((parent, text[:_SAMPLE_CHARS]))
    families = []
    for members in groups.values():
        if len(members) < 2:
            continue
        elements = {element for element, _ in members}
        if any(a in elements for element, _ in members for a in element.iterancestors()):
            continue  # nested comments or quotes, not sections side by side
        families.append(members)
    return families


def join_missed_sections(pruned: Any, read: str) -> bool:
    """Join to the first section that trafilatura read (``read``: its text, spaces normalised) the
    later sections of the same template that it left out, in page order; True if any were.

    Sections before the one read are left alone: trafilatura reads the first container it matches,
    so one it passed over first is something else in the same dress (a fact-check's claim box).
    """
    joined = False
    for members in _families(pruned):
        first = next((i for i, (_, sample) in enumerate(members) if sample in read), None)
        if first is None:
            continue
        target = members[first][0]
        for member, sample in members[first + 1 :]:
            if sample not in read:
                _append_section(target, member)
                joined = True
    return joined


def _append_section(target: Any, member: Any) -> None:
    """The member's content at the end of the target; what stands between them under one parent
    (a heading, a picture, a quote between two text blocks) comes along, in its place."""
    if member.getparent() is target.getparent():
        between = []
        node = target.getnext()
        while node is not None and node is not member:
            between.append(node)
            node = node.getnext()
        for node in between:
            target.append(node)
    text = (member.text or "").strip()
    if text:
        paragraph = etree.SubElement(target, "p")
        paragraph.text = text
    for child in list(member):
        target.append(child)
    member.getparent().remove(member)


# Blocks of prose: paragraphs' parents and the parents of line breaks (text set with <br>).
_PROSE_PARENTS = etree.XPath(".//p/.. | .//br/..")


def densest_prose(tree: Any) -> list[str]:
    """The lines of the page's densest block of prose: the element whose own text (its text, its
    paragraphs' and its inline elements', between line breaks) is longest and least linked."""
    best: tuple[int, list[str]] = (0, [])
    for element in _PROSE_PARENTS(tree):
        if element.tag in _NEVER_PROSE or any(a.tag in _NEVER_PROSE for a in element.iterancestors()):
            continue
        lines = _lines(element)
        length = sum(text_length(line) for line in lines)
        if length > best[0] and linked_chars(element) <= _MAX_LINKED_SHARE * max(1, len(text_of(element))):
            best = (length, lines)
    return best[1]


def _lines(element: Any) -> list[str]:
    """The element's own text as lines: one per paragraph, one per run of text between <br>."""
    lines: list[str] = []
    current: list[str] = [element.text or ""]

    def flush() -> None:
        line = " ".join("".join(current).split())
        if line:
            lines.append(line)
        current.clear()

    for child in element:
        if not isinstance(child.tag, str) or child.tag in _NEVER_PROSE:
            pass
        elif child.tag == "br":
            flush()
        elif child.tag in _INLINE:
            current.append(child.text_content())
        elif child.tag == "p":
            flush()
            current.append(child.text_content())
            flush()
        current.append(child.tail or "")
    flush()
    return lines
