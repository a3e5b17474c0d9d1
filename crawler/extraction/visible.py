"""The text a page shows when no article body is found in it: what a listing, a wall or an error page
says, so that every HTML page with text is a record's worth of text, whatever its kind."""

from __future__ import annotations

from typing import Any

from lxml import etree

# Elements whose text is never shown: scripts, styles, templates, and the document's head.
_HIDDEN = {"script", "style", "template", "head", "title", "meta", "link", "svg", "iframe", "object"}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "li", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th", "dd", "dt",
    "figcaption", "form", "noscript", "br", "hr", "body", "details", "summary", "address",
}  # fmt: skip
_MAX_BLOCKS = 2000


def visible_blocks(tree: Any) -> list[str]:
    """The page's shown text, one block per run of inline text between block elements, in order."""
    body = tree.find("body")
    if body is None:
        return []
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join(" ".join(current).split())
        current.clear()
        if text and len(blocks) < _MAX_BLOCKS:
            blocks.append(text)

    walk = etree.iterwalk(body, events=("start", "end", "comment", "pi"))
    for event, element in walk:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event in ("comment", "pi"):
            current.append(element.tail or "")
        elif event == "start":
            if tag in _BLOCK_TAGS:
                flush()
            if tag in _HIDDEN or not tag or element.get("hidden") is not None:
                walk.skip_subtree()  # its "end" still comes, for the text after it
            elif element.text:
                current.append(element.text)
        else:
            if tag in _BLOCK_TAGS:
                flush()
            if element.tail and element is not body:
                current.append(element.tail)
    flush()
    return blocks
