"""Pages nested deeper than the HTML parser goes: found, and flattened so the article is not lost.

libxml2 (lxml's parser, and trafilatura's) stops a document at 256 levels of nesting: everything
after the first element that deep is dropped, so an article inside 10,000 ``<div>`` (a hostile page,
or tag soup that never closes its ``<font>`` and ``<div>``) would be read as an empty page. lxml's
``huge_tree`` only moves the limit to 2048 and lifts libxml2's other safety limits with it.

Instead, the markup of such a page is rewritten before it is parsed again: below DEEP levels, only
the tags that mark an article's parts (``article``, ``p``, headings, links, ...) are kept, wrappers
(``div``, ``span``, ``font``, lists, tables, quotes) are dropped; below MAX_DEPTH, every tag is;
their text and the rest of the markup are kept as they are. Python's tokenizer
(``html.parser``) reads the page: it has no depth limit, takes linear time, and is only run on pages
the parser cut (EXTRACT_MAX_BYTES bounds their size).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from lxml import etree

# libxml2's nesting limit without XML_PARSE_HUGE: a tree this deep was cut there.
PARSER_MAX_DEPTH = 256
DEEP = 100
MAX_DEPTH = 200
# Kept below DEEP levels: what trafilatura and the metadata readers look for.
_PARTS = {
    "html", "head", "body", "title", "article", "main", "header", "footer", "nav", "aside", "form",
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "time", "figure", "figcaption", "pre", "code",
}  # fmt: skip
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "basefont", "bgsound", "frame", "keygen",
}  # fmt: skip
# Their content is not markup: dropping the tag would turn code into text. They never nest.
_RAW_TEXT = {"script", "style"}
# An open element of these is closed by the next one of the same name (<p>a<p>b): not nested.
_SELF_CLOSING_SIBLINGS = {"p", "li", "dt", "dd", "option", "tr", "td", "th"}


def depth(tree: Any) -> int:
    """Levels of nesting of the parsed ``tree``, its root counted as 1."""
    level = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        level += 1 if event == "start" else -1
        deepest = max(deepest, level)
    return deepest


# An element PARSER_MAX_DEPTH levels down, found by libxml2 itself: a tenth of a millisecond on a
# news page, where walking the tree in Python (depth()) takes milliseconds on every page.
_AT_PARSER_LIMIT = etree.XPath("/*" * PARSER_MAX_DEPTH)


def cut_by_parser(tree: Any) -> bool:
    """Whether the parser stopped at its nesting limit: the page may go on beyond what it read."""
    return bool(_AT_PARSER_LIMIT(tree))


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, written) of the elements open at this point
        self.written = 0  # how many of them were written: the depth the parser will see

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.out.append(self.get_starttag_text() or "")
            return
        if tag in _SELF_CLOSING_SIBLINGS and self.open and self.open[-1][0] == tag:
            self._close(len(self.open) - 1)
        keep = tag in _RAW_TEXT or (self.written < MAX_DEPTH and (tag in _PARTS or self.written < DEEP))
        if keep:
            self.out.append(self.get_starttag_text() or "")
            self.written += 1
        self.open.append((tag, keep))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                self._close(index)
                return
        # An end tag with no open element: the parser ignores it, and so do we.

    def _close(self, index: int) -> None:
        """Close the element open at ``index`` and those opened inside it, as the parser would."""
        for tag, written in reversed(self.open[index:]):
            if written:
                self.out.append(f"</{tag}>")
                self.written -= 1
        del self.open[index:]

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def flatten(markup: str) -> str:
    """``markup`` with its nesting kept within MAX_DEPTH levels; text and shallower markup unchanged."""
    flattener = _Flattener()
    flattener.feed(markup)
    flattener.close()
    return "".join(flattener.out)
