"""Extraction pinned on the sample site (every article's exact text and fields, the reason each other
page is skipped, as its expected.json says) and on what comes before the body rules: pages that are
not HTML, empty or too large, wrong charset declarations, mangled markup, site names in titles.

The body rules are in test_extraction_body.py, the metadata rules in test_extraction_metadata.py, the
pages of many publishers in test_extraction_pages.py."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.demo.server import SITE_DIR
from crawler.extraction import Article, ExtractOptions, Rejection, extract, strip_site_name
from crawler.extraction.decode import screen
from tests.support.crawls import SITE_PAGES
from tests.support.extraction import FETCHED, HTML, article, run

ARTICLES = [p for p in SITE_PAGES if p["is_article"]]
OTHERS = [p for p in SITE_PAGES if not p["is_article"]]


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p["path"])
def test_sample_site_articles_are_extracted_exactly(page: dict[str, Any]) -> None:
    result = article(SITE_DIR / page["path"], "http://127.0.0.1:8765/" + page["path"])
    assert result.text == "\n\n".join(page["blocks"])
    for phrase in page["chrome"]:
        assert phrase not in result.text
    assert result.title == page["title"]
    assert result.authors == page["authors"]
    assert (result.published.utc if result.published else None) == page["published_at"]
    assert (result.modified.utc if result.modified else None) == page["modified_at"]
    assert result.language == page["language"]
    assert result.site_name == page["site_name"]
    assert result.tags == page["tags"]
    assert result.canonical_url == "http://127.0.0.1:8765/" + page["path"]


@pytest.mark.parametrize("page", OTHERS, ids=lambda p: p["path"])
def test_sample_site_pages_that_are_not_articles_have_their_kind(page: dict[str, Any]) -> None:
    result = extract(
        (SITE_DIR / page["path"]).read_bytes(), "http://127.0.0.1/" + page["path"], HTML, FETCHED
    )
    assert isinstance(result, Article), result
    assert result.kind == page["kind"]


LONG_PAGE = ARTICLES[0]  # its only characters outside ASCII are three pound signs
LONG_ARTICLE = (SITE_DIR / LONG_PAGE["path"]).read_bytes()


@pytest.mark.parametrize(
    ("body", "headers", "reason", "detail"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", HTML, "not_html", "binary content"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", HTML, "not_html", "binary content"),
        (b"PK\x03\x04\x14\x00\x00\x00", HTML, "not_html", "binary content"),
        (LONG_ARTICLE, {"content-type": "application/pdf"}, "not_html", "content type application/pdf"),
        (b"", HTML, "empty", "empty body"),
        (b"  \n\t ", HTML, "empty", "empty body"),
        (b"<html><head><title>x</title></head></html>", HTML, "no_text", "0 characters of text"),
        (
            b"<html><body><div>  </div><script>x()</script></body></html>",
            HTML,
            "no_text",
            "0 characters of text",
        ),
    ],
)
def test_pages_without_text_get_a_reason(
    body: bytes, headers: dict[str, str], reason: str, detail: str
) -> None:
    assert run(body, headers) == Rejection(reason, detail)


def test_pages_over_the_size_limit_are_not_parsed() -> None:
    assert run(LONG_ARTICLE, max_bytes=1000) == Rejection("too_large", f"{len(LONG_ARTICLE)} bytes")


@pytest.mark.parametrize(
    ("content_type", "pound"),
    [
        # The header wins, and byte A3 is a character in Shift JIS (HALFWIDTH RIGHT CORNER BRACKET).
        ("text/html; charset=shift_jis", "\uff63"),
        # Not UTF-8 bytes: the page's own (wrong) meta charset is read; A3 is CYRILLIC CAPITAL JE in cp1251.
        ("text/html; charset=utf-8", "\u0408"),
    ],
    ids=["header-shift-jis", "header-utf-8"],
)
def test_wrong_charset_declarations_are_survived(content_type: str, pound: str) -> None:
    """A page saved as cp1252 that says windows-1251 in its meta tag and something else again in its
    header: the article is still found whole; only its pound signs read as what the bytes declare."""
    markup = LONG_ARTICLE.decode("utf-8")
    lying = markup.replace('<meta charset="utf-8">', '<meta charset="windows-1251">')
    assert lying != markup
    result = run(lying.encode("cp1252"), {"content-type": content_type})
    assert isinstance(result, Article), result
    assert result.title == LONG_PAGE["title"]
    assert result.text.startswith(LONG_PAGE["blocks"][0] + "\n\n")
    assert result.text.count(pound) == 3
    assert result.text.replace(pound, "£") == "\n\n".join(LONG_PAGE["blocks"])


def test_the_lead_outside_the_body_container_comes_first() -> None:
    page = next(p for p in SITE_PAGES if p.get("lead_outside_body"))
    assert article(SITE_DIR / page["path"]).text.split("\n\n")[0] == page["blocks"][0]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Harbour bridge reopens | The Harbour Courier", "Harbour bridge reopens"),
        ("The Harbour Courier: Harbour bridge reopens after repairs", "Harbour bridge reopens after repairs"),
        ("Stadtwerke erhöhen Preise – Nordstadt Rundschau", "Stadtwerke erhöhen Preise"),
        ("No separator here", "No separator here"),
    ],
)
def test_site_names_are_stripped_from_titles(title: str, expected: str) -> None:
    assert strip_site_name(title, ["The Harbour Courier", "Nordstadt Rundschau"]) == expected


_SENTENCE = (
    b"The harbour authority confirmed on Tuesday that the eastern breakwater will be rebuilt over the"
    b" next two years, after storms last winter opened a gap of almost forty metres in the old wall. "
)
# Markup that gets past the screening (HTML, not empty, not binary, under the size limit) into the
# parser and the body rules, each mangled its own way.
GARBAGE = {
    "broken-tags": b"<html><head><title>Broken</title><body><div><p>Unclosed <b><i>tags</p></div>"
    b'<span <a href=">x</a>' * 200,
    "mangled-markup": b"<<<>>><!--- -- ---><![CDATA[ ]]><?php echo $x; ?></p></p></div><!DOCTYPE><html<body>>"
    * 100,
    "deep-nesting": b"<html><body>" + b"<div>" * 5000 + _SENTENCE * 5 + b"</div>" * 10,
    "deep-nesting-in-an-article": b"<html><head><meta property='og:type' content='article'></head><body>"
    b"<article>" + b"<div><span>" * 3000 + b"<p>" + _SENTENCE * 5 + b"</p>",
    "control-characters-and-bad-utf-8": b"<html><body><p>"
    + bytes(range(1, 32)) * 20
    + b"\xed\xa0\x80\xc3\x28\xf8\x88\x80\x80\x80" * 50
    + b"</p></body></html>",
    "unterminated-script": b"<html><head><script>var x = '<p>"
    + _SENTENCE * 3
    + b"</head><body><p>"
    + _SENTENCE,
    "absurd-metadata": b'<html><head><script type=\'application/ld+json\'>{"@type": "NewsArticle",'
    b' "datePublished": "9999-99-99", "author": [[[{}]]], "headline": {"x": 1}</script>'
    b"<meta charset='nonsense-9'><meta property='article:published_time' content='+275760-09-13T00:00:00Z'>"
    b"</head><body><article><h1></h1><time datetime='2024-13-45T25:61:00+99:00'>x</time><p>"
    + _SENTENCE * 4
    + b"</p></article></body></html>",
    "tables-in-paragraphs": b"<html><body>"
    + b"<p><table><tr><td><p><table><tr><td>" * 300
    + b"cell</td></tr></table>" * 5,
    "broken-attributes": b'<html lang=\'"><body class="a"b"c" id=><p class="'
    + b"x" * 5000
    + b'" style=>'
    + _SENTENCE * 3
    + b"</p><img src=javascript:alert(1) alt='><a href='\x7f'>",
}


@pytest.mark.parametrize("body", GARBAGE.values(), ids=GARBAGE.keys())
def test_extraction_never_fails_on_mangled_markup(body: bytes) -> None:
    assert screen(body, HTML["content-type"], ExtractOptions()) is None  # it reaches the parser
    result = extract(body, "https://news.example.com/2024/05/01/story.html", HTML, FETCHED)
    assert isinstance(result, Article) or result.reason in ("no_text", "unparseable"), result
