"""Metadata rules that hold for every site and language, pinned on the pages of
tests/fixtures/round3/fields (expected.json): dates shown near the headline with nothing to say so
(Japanese, Korean, German, Portuguese), a city dateline, relative dates resolved against the fetch
time, bylines of every language (CJK reporter titles, agencies in brackets, an author box at the end,
"Texto:" as the last line), the h1 over a site-wide og:title, site names cut from titles by the
site's host, and trafilatura's and htmldate's answers where the page declares nothing. The dates of
related stories, comments and the footer never become the article's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.extraction import Article, extract
from crawler.extraction.titles import resembles, strip_site_name
from crawler.record import PageDate
from tests.support.extraction import FETCHED, HTML, PROSE, run

PAGES = Path(__file__).resolve().parent / "fixtures" / "round3" / "fields"
EXPECTED: dict[str, dict[str, Any]] = json.loads((PAGES / "expected.json").read_text("utf-8"))


def _page(name: str) -> Article:
    result = extract((PAGES / name).read_bytes(), "https://news.example.com/story.html", HTML, FETCHED)
    assert isinstance(result, Article), result
    return result


def _date(value: PageDate | None) -> dict[str, str | None] | None:
    if value is None:
        return None
    return {
        "utc": value.utc,
        "local": value.local,
        "precision": value.precision,
        "zone": value.zone,
        "source": value.source,
    }


def test_every_fixture_page_has_its_expectations() -> None:
    assert sorted(p.name for p in PAGES.glob("*.html")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_page_fields(name: str) -> None:
    expected, result = EXPECTED[name], _page(name)
    assert result.title == expected["title"]
    assert (result.authors, result.agencies) == (expected["authors"], expected["agencies"])
    assert _date(result.published) == expected["published"]
    assert _date(result.modified) == expected["modified"]


@pytest.mark.parametrize(
    ("name", "never"),
    [
        ("de-visible-date-and-three-authors.html", ("2026-03-02", "2024-01-12", "2025")),
        ("fr-city-dateline-par-et.html", ("2026-03-02", "2026-03-06")),
        ("es-relative-hace-comment-dates.html", ("2026-11-25T11:55",)),
        ("nl-title-host-site-name-teaser-only-dates.html", ("2026-03-02", "2026-02-28", "2026-03-05")),
        ("pt-texto-last-line-visible-date.html", ("2026-03-02", "2025")),
    ],
)
def test_teaser_comment_and_footer_dates_are_never_the_published_date(
    name: str, never: tuple[str, ...]
) -> None:
    published = _page(name).published
    local = published.local if published else ""
    assert [day for day in never if local.startswith(day)] == []


def test_a_site_wide_og_title_gives_way_to_the_h1() -> None:
    result = _page("en-sitewide-ogtitle-author-box.html")
    assert (result.title, result.sources["title"]) == (
        "Quay wall to be rebuilt after the winter storms",
        "h1",
    )


def test_an_og_title_that_is_the_site_name_is_not_the_title() -> None:
    result = _page("ja-visible-date-reporter-suffix.html")
    assert result.title == "港の岸壁を再建へ 県が費用の半分負担" and result.title != "みなと新報"


def test_a_page_that_declares_no_title_gets_trafilaturas_and_htmldates_time() -> None:
    result = _page("en-no-declared-title-abbr-published.html")
    assert (result.title, result.sources["title"]) == (
        "Ferry timetable changes for the summer",
        "trafilatura",
    )
    assert result.published is not None and result.sources["published_at"] == "htmldate"
    assert (result.published.utc, result.published.precision) == ("2026-03-05T13:30:00Z", "second")


@pytest.mark.parametrize(
    ("line", "utc", "local", "precision"),
    [
        ("<p><span>3 hours ago</span></p>", "2026-11-25T09:00:00Z", "2026-11-25T09:00", "minute"),
        ("<p><span>vor 3 Stunden</span></p>", "2026-11-25T09:00:00Z", "2026-11-25T09:00", "minute"),
        ("<p><span>il y a 3 heures</span></p>", "2026-11-25T09:00:00Z", "2026-11-25T09:00", "minute"),
        ("<p><span>3時間前</span></p>", "2026-11-25T09:00:00Z", "2026-11-25T09:00", "minute"),
        ("<p><span>3시간 전</span></p>", "2026-11-25T09:00:00Z", "2026-11-25T09:00", "minute"),
        ("<p><span>yesterday</span></p>", None, "2026-11-24", "day"),
    ],
)
def test_relative_dates_near_the_headline_are_resolved_against_the_fetch_time(
    line: str, utc: str | None, local: str, precision: str
) -> None:
    result = run(_headline_first(line))
    assert isinstance(result, Article) and result.published is not None
    published = result.published
    assert (published.utc, published.local, published.precision, published.source) == (
        utc,
        local,
        precision,
        "relative",
    )


def test_a_date_after_the_articles_prose_is_not_read_as_the_published_date() -> None:
    result = run(_headline_first(PROSE + PROSE + "<p><span>5 March 2026</span></p>"))
    assert isinstance(result, Article)
    assert result.published is None or result.published.local != "2026-03-05"


def _headline_first(after_headline: str) -> bytes:
    """A story page with ``after_headline`` right after its headline, and no date declared anywhere."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Quay wall</title>'
        '<meta property="og:type" content="article"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>Quay wall to be rebuilt</h1>{after_headline}{PROSE}</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("line", "authors", "agencies"),
    [
        ("<p>By Jane Roe and John Doe</p>", ["Jane Roe", "John Doe"], []),
        ("<p>Par Jean Dupont et Marie Curie</p>", ["Jean Dupont", "Marie Curie"], []),
        ("<p>Di Marco Rossi (ANSA)</p>", ["Marco Rossi"], ["ANSA"]),
        ("<p>Av Karin Lind och Per Holm</p>", ["Karin Lind", "Per Holm"], []),
        ("<p>Autor: Jan Kowalski</p>", ["Jan Kowalski"], []),
        ("<p>山田太郎記者</p>", ["山田太郎"], []),
        ("<p>홍길동 특파원</p>", ["홍길동"], []),
        ("<p>记者 李明、王芳</p>", ["李明", "王芳"], []),
    ],
)
def test_bylines_of_every_language_after_the_headline(
    line: str, authors: list[str], agencies: list[str]
) -> None:
    result = run(_headline_first(line))
    assert isinstance(result, Article)
    assert (result.authors, result.agencies) == (authors, agencies)


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("HetKustblad.nl | Kademuur herbouwd", ["hetkustblad.nl", "hetkustblad"], "Kademuur herbouwd"),
        ("Kademuur herbouwd :: HET KUSTBLAD", ["Het Kustblad"], "Kademuur herbouwd"),
        ("Quay wall · Valley-Post", ["Valley Post"], "Quay wall"),
        ("Live: the quay wall vote", ["Valley Post"], "Live: the quay wall vote"),
    ],
)
def test_site_names_are_cut_from_titles_however_written(title: str, names: list[str], expected: str) -> None:
    assert strip_site_name(title, names) == expected


def test_titles_that_tell_the_same_story_resemble_each_other() -> None:
    assert resembles("Quay wall to be rebuilt after the winter storms", "Quay wall rebuilt after storms")
    assert resembles("港の岸壁を再建へ 県が費用の半分負担", "港の岸壁を再建へ　県が費用の半分負担")
    assert not resembles("Harbour Gazette — News for the whole coast", "Quay wall to be rebuilt")
