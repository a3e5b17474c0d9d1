"""Extraction of an article's metadata, pinned on story pages built in the test: dates found in
datelines, by htmldate or without a zone, and the authors named by bylines, links, meta tags and
JSON-LD (and the organisations and site names that are not authors)."""

from __future__ import annotations

import pytest

from crawler.extraction import Article, extract
from tests.support.extraction import FETCHED, HTML, PROSE, run, story


def test_a_day_found_only_by_htmldate_is_kept_as_a_day_with_its_source() -> None:
    url = "https://news.example.com/2024/03/12/quay-wall.html"  # the date in the URL, nowhere else
    result = extract(story(""), url, HTML, FETCHED)
    assert isinstance(result, Article) and result.published is not None
    assert (result.published.source, result.published.precision, result.published.local) == (
        "htmldate",
        "day",
        "2024-03-12",
    )
    assert result.published.utc is None and result.sources["published_at"] == "htmldate"


@pytest.mark.parametrize(
    ("line", "local"),
    [
        ("<p>Stand: 12.03.2024 14:05 Uhr</p>", "2024-03-12T14:05"),
        ("<p>Published on <span>March 12, 2024</span></p>", "2024-03-12"),
        ("<div>erstellt: 12.03.2024</div>", "2024-03-12"),
    ],
)
def test_a_dateline_no_class_names_is_read_after_the_headline(line: str, local: str) -> None:
    result = run(story(line))
    assert isinstance(result, Article) and result.published is not None
    assert (result.published.source, result.published.local) == ("dateline", local)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("<p>By Jane Roe and Kim Doe</p>", ["Jane Roe", "Kim Doe"]),
        (
            "<div>Von Klaus Meier, Petra Schulz und Ali Demir</div>",
            ["Klaus Meier", "Petra Schulz", "Ali Demir"],
        ),
        ("<p>By the way, the ferry runs late.</p>", []),
    ],
)
def test_a_byline_no_class_names_is_read_after_the_headline(line: str, authors: list[str]) -> None:
    result = run(story(line))
    assert isinstance(result, Article)
    assert result.authors == authors
    if authors:
        assert result.sources["authors"] == "byline:text"


def test_authors_named_by_links_to_their_pages_or_found_by_trafilatura() -> None:
    linked = run(
        story(
            '<p>Words: <a href="/autor/jane-roe/">Jane Roe</a> and <a href="/autor/kim-doe/">Kim Doe</a></p>'
        )
    )
    assert isinstance(linked, Article)
    assert (linked.authors, linked.sources["authors"]) == (["Jane Roe", "Kim Doe"], "author-link")
    meta = story("").replace(b"<title>", b'<meta name="byl" content="By Jane Roe and John Doe"><title>')
    named = run(meta)  # NYT's meta tag
    assert isinstance(named, Article)
    assert (named.authors, named.sources["authors"]) == (["Jane Roe", "John Doe"], "meta")
    # An element trafilatura's byline rules know and no class word of ours names.
    found = run(story('<p>Story and pictures: <span class="journalist-name">Jane Roe</span></p>'))
    assert isinstance(found, Article)
    assert (found.authors, found.sources["authors"]) == (["Jane Roe"], "trafilatura")


# Classes 6 and 9: whose name is the author's.
def _with_head(head: str, body: str = "") -> Article:
    result = run(story(body).replace(b"</head>", head.encode() + b"</head>"))
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize(
    "organisation", ["Harbour Courier", "The Harbour Courier Newsroom", "Acme Developer", "Hafenblatt Verlag"]
)
def test_an_organisation_in_the_meta_author_gives_way_to_the_byline(organisation: str) -> None:
    head = (
        '<meta property="og:site_name" content="Harbour Courier">'
        f'<meta name="author" content="{organisation}">'
    )
    result = _with_head(head, "<p>By Jane Roe and Kim Doe</p>")
    assert (result.authors, result.sources["authors"]) == (["Jane Roe", "Kim Doe"], "byline:text")


def test_a_person_in_the_meta_author_still_comes_before_the_byline() -> None:
    result = _with_head('<meta name="author" content="Ana Lima">', "<p>By Jane Roe</p>")
    assert (result.authors, result.sources["authors"]) == (["Ana Lima"], "meta")


@pytest.mark.parametrize(
    ("head", "authors", "source"),
    [
        # A writer's own site: the JSON-LD says the site's name is a Person's.
        (
            '<meta property="og:site_name" content="Jane Doe"><script type="application/ld+json">'
            '{"@type": "BlogPosting", "author": {"@type": "Person", "name": "Jane Doe"}}</script>',
            ["Jane Doe"],
            "json-ld",
        ),
        # The site's name in the author field, and nobody else named anywhere.
        (
            '<meta property="og:site_name" content="Jane Doe"><meta name="author" content="Jane Doe">',
            ["Jane Doe"],
            "meta",
        ),
        # A one-word pen name where only authors are named.
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": "Kalinka"}</script>',
            ["Kalinka"],
            "json-ld",
        ),
        ('<meta name="author" content="admin">', [], "none"),
        ('<meta name="author" content="Redaktion">', [], "none"),
    ],
)
def test_a_writers_own_name_and_pen_name_are_authors(head: str, authors: list[str], source: str) -> None:
    result = _with_head(head)
    assert (result.authors, result.sources["authors"]) == (authors, source)


def test_a_one_word_line_in_the_text_is_no_pen_name() -> None:
    assert _with_head("", "<p>By Tuesday</p>").authors == []


def test_the_date_and_byline_of_a_post_body_named_like_chrome_are_read() -> None:
    post = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Quay wall</title>"
        "<meta property='og:type' content='article'></head><body>"
        "<div class='newsletter-post'><h1>Quay wall to be rebuilt</h1>"
        "<p class='byline'>By Jane Roe</p><time datetime='2024-03-12T14:05:00+01:00'>12 March 2024</time>"
        f"{PROSE}</div><div class='related'><time datetime='2023-01-02T08:00:00Z'>2 January 2023</time>"
        "<p class='byline'>By Kim Doe</p></div></body></html>"
    )
    result = run(post.encode())
    assert isinstance(result, Article) and result.published is not None
    assert (result.authors, result.published.utc) == (["Jane Roe"], "2024-03-12T13:05:00Z")


@pytest.mark.parametrize(
    "elsewhere",
    [
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "dateModified":'
        ' "2024-03-12T16:00:00+01:00"}]}</script>',
        "<div class='related'><time datetime='2024-03-10T09:00:00+01:00'>10 March</time></div>",
    ],
)
def test_a_time_without_offset_takes_the_zone_another_date_on_the_page_gives(elsewhere: str) -> None:
    head = (
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2024-03-12T14:05:00"}</script>'
    )
    result = run(story(elsewhere).replace(b"</head>", head.encode() + b"</head>"))
    assert isinstance(result, Article) and result.published is not None
    assert (result.published.utc, result.published.zone) == ("2024-03-12T13:05:00Z", "page")
    alone = run(story("").replace(b"</head>", head.encode() + b"</head>"))
    assert isinstance(alone, Article) and alone.published is not None
    assert (alone.published.utc, alone.published.zone) == (None, "unknown")


@pytest.mark.parametrize(
    ("head", "body", "source"),
    [
        # A class name in camel case is words: "FeatureByline" names a byline, ours to read.
        ("", '<div class="FeatureByline"><b>Maren Falk</b></div>', "byline"),
        # The meta tag some CMSs give the author's name in.
        ('<meta name="article:author_name" content="Maren Falk">', "", "meta"),
    ],
    ids=["camel-case-class", "article-author-name-meta"],
)
def test_authors_named_in_camel_case_classes_and_author_name_metas(head: str, body: str, source: str) -> None:
    found = _with_head(head, body)
    assert (found.authors, found.sources["authors"]) == (["Maren Falk"], source)
