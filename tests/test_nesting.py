"""Pages nested deeper than libxml2's limit: found, flattened, and their article still extracted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from trafilatura.utils import load_html

from crawler.extraction import Rejection, extract, nesting
from crawler.extraction.metadata import parse_html
from tests.support.sites import article_html

FETCHED = datetime(2024, 3, 30, 12, 0, tzinfo=UTC)
HEADERS = {"content-type": "text/html; charset=utf-8"}


def nested(tag: str, levels: int) -> str:
    return article_html(921).replace("<article>", f"<{tag}>" * levels + "<article>")


@pytest.mark.parametrize(
    ("levels", "depth", "cut"), [(10, 13, False), (250, 253, False), (10_000, 256, True)]
)
def test_the_parser_stops_at_256_levels(levels: int, depth: int, cut: bool) -> None:
    page = (
        "<html><body>" + "<div>" * levels + "<p>deep</p>" + "</div>" * levels + "<p>after</p></body></html>"
    )
    tree = load_html(page)
    assert (nesting.depth(tree), nesting.cut_by_parser(tree), "after" in tree.text_content()) == (
        depth,
        cut,
        not cut,
    )


def test_flatten_drops_the_wrappers_below_100_levels_and_keeps_the_text_and_markup() -> None:
    page = (
        "<div>" * 300
        + '<p class="x">a &amp; b &#233;<br/><img src="i.jpg"></p><!-- c --><script>if (a<b) x();</script>'
        + "</div>" * 300
    )
    assert nesting.flatten(page) == (
        "<div>" * 100
        + '<p class="x">a &amp; b &#233;<br/><img src="i.jpg"></p><!-- c --><script>if (a<b) x();</script>'
        + "</div>" * 100
    )


def test_flatten_keeps_no_tag_below_200_levels() -> None:
    assert (
        nesting.flatten("<p>" + "<a>" * 300 + "x" + "</a>" * 300) == "<p>" + "<a>" * 199 + "x" + "</a>" * 199
    )


def test_flatten_leaves_a_shallow_page_as_it_is() -> None:
    page = article_html(5)
    assert nesting.flatten(page) == page


@pytest.mark.parametrize("tag", ["div", "font", "b", "ul", "table", "blockquote", "p", "a"])
def test_an_article_inside_10000_nested_elements_is_extracted_as_on_a_flat_page(tag: str) -> None:
    flat = extract(article_html(921).encode(), "http://news.example/a.html", HEADERS, FETCHED)
    deep = extract(nested(tag, 10_000).encode(), "http://news.example/a.html", HEADERS, FETCHED)
    assert not isinstance(deep, Rejection) and not isinstance(flat, Rejection)
    assert (deep.title, deep.text, deep.authors, deep.published) == (
        flat.title,
        flat.text,
        flat.authors,
        flat.published,
    )
    assert nesting.depth(parse_html(nested(tag, 10_000))) <= nesting.MAX_DEPTH


def test_a_page_still_cut_by_the_parser_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nesting, "flatten", lambda markup: markup)  # as if flattening did not help
    result = extract(nested("div", 10_000).encode(), "http://news.example/a.html", HEADERS, FETCHED)
    assert result == Rejection(
        "too_deep", "9 characters of text read before nesting 256 levels deep stopped the parser"
    )
