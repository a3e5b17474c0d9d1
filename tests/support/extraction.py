"""What the extraction tests share: the pages with known answers (the multi-publisher pages of
tests/fixtures/pages; the sample site's are in tests/support/crawls.py), a story page to put markup in,
and extraction run as a crawl runs it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crawler.extraction import Article, ExtractOptions, Rejection, extract

FETCHED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
HTML = {"content-type": "text/html; charset=utf-8"}
STORY_URL = "https://news.example.com/story.html"


# The pages of many publishers' styles, languages and zones, and what each is, by file name.
FIXTURE_PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
FIXTURES: dict[str, dict[str, Any]] = json.loads((FIXTURE_PAGES / "expected.json").read_text("utf-8"))


def run(body: bytes, headers: dict[str, str] | None = None, **options: Any) -> Article | Rejection:
    """``extract`` of ``body`` served at STORY_URL (as HTML unless ``headers`` say otherwise)."""
    return extract(body, STORY_URL, headers or HTML, FETCHED, ExtractOptions(**options))


def article(path: Path, url: str = STORY_URL) -> Article:
    """The Article extracted from the page in ``path``; anything else fails the test."""
    result = extract(path.read_bytes(), url, HTML, FETCHED)
    assert isinstance(result, Article), result
    return result


# Three paragraphs of prose, enough for any page to be an article.
PROSE = (
    "<p>The harbour board of Port Alder agreed on Tuesday to rebuild the northern quay wall, which has "
    "sunk by a hand's width since the winter storms, and asked the county for half of the cost.</p>"
    "<p>Work starts in March and should end before the summer ferries begin; the fish market moves to "
    "the old rope works meanwhile, its traders said after a long meeting on Monday night.</p>"
    "<p>The county will answer in April, after its own engineers have looked at the wall.</p>"
)


def story(body: str, before: str = "") -> bytes:
    """An article page (og:type article, PROSE) with ``body`` inside its article after the prose, and
    ``before`` printed before the document."""
    return (
        f'{before}<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Quay wall</title>'
        '<meta property="og:type" content="article"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>Quay wall to be rebuilt</h1>{PROSE}{body}</article></body></html>"
    ).encode()
