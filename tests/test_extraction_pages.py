"""Extraction pinned on the 45 pages of many publishers' styles, languages and zones in
tests/fixtures/pages: each article's metadata and its whole text, paragraph by paragraph, and the
reason each page that is not an article is skipped, all as tests/fixtures/pages/expected.json says."""

from __future__ import annotations

import pytest

from crawler.extraction import Article, extract
from tests.support.extraction import FETCHED, FIXTURE_PAGES, FIXTURES, HTML, article

ARTICLES = {name: e for name, e in FIXTURES.items() if e["is_article"]}
OTHERS = {name: e for name, e in FIXTURES.items() if not e["is_article"]}


def test_the_fixture_pages_are_the_ones_expected_json_describes() -> None:
    on_disk = sorted(p.name for p in FIXTURE_PAGES.glob("*.html"))
    assert on_disk == sorted(FIXTURES)
    assert (len(on_disk), len(ARTICLES)) == (45, 38)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_fixture_page_metadata(name: str) -> None:
    expected = ARTICLES[name]
    result = article(FIXTURE_PAGES / name)
    published = result.published
    assert result.title == expected["title"]
    assert result.authors == expected["authors"]
    assert result.language == expected["language"]
    assert (published.utc if published else None) == expected["published_at"]
    assert (published.local[:10] if published else None) == expected["published_date"]
    assert (result.modified.utc if result.modified else None) == expected["modified_at"]
    if expected.get("published_zone_unknown"):
        assert published is not None and published.zone == "unknown"
    if expected.get("published_precision") == "day":
        assert published is not None and published.precision == "day"


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_fixture_page_body_is_the_whole_article_and_nothing_else(name: str) -> None:
    expected = ARTICLES[name]
    text = article(FIXTURE_PAGES / name).text
    assert [phrase for phrase in expected["chrome"] if phrase in text] == []
    assert text.split("\n\n") == expected["blocks"]


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_fixture_pages_that_are_not_articles_have_their_kind(name: str) -> None:
    result = extract((FIXTURE_PAGES / name).read_bytes(), "https://news.example.com/x", HTML, FETCHED)
    assert isinstance(result, Article), result
    assert result.kind == OTHERS[name]["kind"]
