"""Extraction rules pinned on fixture pages: the sample site (exact text) and 45 pages of many
publishers' styles, languages and zones (tests/fixtures/pages)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import SITE_DIR
from crawler.extraction import Article, ExtractOptions, Rejection, extract, strip_site_name

FETCHED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
HTML = {"content-type": "text/html; charset=utf-8"}
PAGES = Path(__file__).parent / "fixtures" / "pages"
DEMO = json.loads((SITE_DIR / "expected.json").read_text("utf-8"))["pages"]
FIXTURES = json.loads((PAGES / "expected.json").read_text("utf-8"))


def run(body: bytes, headers: dict[str, str] | None = None, **options: Any) -> Article | Rejection:
    return extract(
        body, "https://news.example.com/story.html", headers or HTML, FETCHED, ExtractOptions(**options)
    )


def article(path: Path, url: str = "https://news.example.com/story.html") -> Article:
    result = extract(path.read_bytes(), url, HTML, FETCHED)
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize("page", [p for p in DEMO if p["is_article"]], ids=lambda p: p["path"])
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


@pytest.mark.parametrize("page", [p for p in DEMO if not p["is_article"]], ids=lambda p: p["path"])
def test_sample_site_pages_that_are_not_articles_are_rejected(page: dict[str, Any]) -> None:
    result = extract(
        (SITE_DIR / page["path"]).read_bytes(), "http://127.0.0.1/" + page["path"], HTML, FETCHED
    )
    assert isinstance(result, Rejection)
    assert result.reason in ("too_short", "not_article")


ARTICLES = {name: e for name, e in FIXTURES.items() if e["is_article"]}


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_fixture_page_metadata(name: str) -> None:
    expected = ARTICLES[name]
    result = article(PAGES / name)
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
    blocks = article(PAGES / name).text.split("\n\n")
    assert blocks[0] == expected["first_paragraph"]
    assert blocks[-1] == expected["last_paragraph"]
    text = "\n\n".join(blocks)
    assert [phrase for phrase in expected["chrome"] if phrase in text] == []


@pytest.mark.parametrize("name", sorted(n for n, e in FIXTURES.items() if not e["is_article"]))
def test_fixture_pages_that_are_not_articles_are_rejected(name: str) -> None:
    result = extract((PAGES / name).read_bytes(), "https://news.example.com/x", HTML, FETCHED)
    assert isinstance(result, Rejection)
    assert result.reason in ("too_short", "not_article")


LONG_ARTICLE = (SITE_DIR / DEMO[[p["is_article"] for p in DEMO].index(True)]["path"]).read_bytes()


@pytest.mark.parametrize(
    ("body", "headers", "reason", "detail"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", HTML, "not_html", "binary content"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", HTML, "not_html", "binary content"),
        (b"PK\x03\x04\x14\x00\x00\x00", HTML, "not_html", "binary content"),
        (LONG_ARTICLE, {"content-type": "application/pdf"}, "not_html", "content type application/pdf"),
        (b"", HTML, "empty", "empty body"),
        (b"  \n\t ", HTML, "empty", "empty body"),
        (
            b"<html><body><p>Just one short line.</p></body></html>",
            HTML,
            "too_short",
            "20 characters of text",
        ),
        (b"<html><head><title>x</title></head></html>", HTML, "too_short", "0 characters of text"),
    ],
)
def test_pages_that_are_not_articles_get_a_reason(
    body: bytes, headers: dict[str, str], reason: str, detail: str
) -> None:
    assert run(body, headers) == Rejection(reason, detail)


def test_pages_over_the_size_limit_are_not_parsed() -> None:
    assert run(LONG_ARTICLE, max_bytes=1000) == Rejection("too_large", f"{len(LONG_ARTICLE)} bytes")


def test_wrong_charset_declarations_are_survived() -> None:
    text = LONG_ARTICLE.decode("utf-8").replace("charset=utf-8", "charset=windows-1251")
    result = run(text.encode("cp1252", errors="replace"), {"content-type": "text/html; charset=shift_jis"})
    assert isinstance(result, Article | Rejection)


def test_the_lead_outside_the_body_container_comes_first() -> None:
    page = next(p for p in DEMO if p.get("lead_outside_body"))
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


def test_extraction_never_raises_on_garbage() -> None:
    garbage = gzip.compress(b"<html>" * 1000)[:500] + b"<div>" * 5000 + b"\x00\xff" * 100
    assert isinstance(run(garbage), Rejection)
