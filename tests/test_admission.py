"""What becomes a record, crawled over a local site: a page's kind and where its URL came from decide
(crawler.admission); the summary, the stats and the manifest count pages by kind."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import LocalSite
from tests.support.crawls import read_local_records, run_crawl, skipped_line
from tests.support.warcs import archive_objects, metadata_records

FIXTURES = Path(__file__).parent / "fixtures" / "kinds"
KIND_OF: dict[str, str] = {
    name: page["kind"]
    for name, page in json.loads((FIXTURES / "expected.json").read_text("utf-8"))["pages"].items()
}
PAGES = sorted(KIND_OF)
NEVER = {"consent", "challenge", "error"}


@pytest.fixture(scope="module")
def kinds_site() -> Iterator[LocalSite]:
    """The kinds' fixture pages, a hub page linking to each, a feed, a news sitemap and a plain one."""
    with LocalSite(FIXTURES) as site:
        links = "".join(f'<li><a href="/{name}">{name}</a></li>' for name in PAGES)
        site.add_route(
            "/hub.html",
            body=f"<html><body><ul>{links}</ul></body></html>".encode(),
            content_type="text/html; charset=utf-8",
        )
        entries = "".join(f"<url><loc>{site.url}/{name}</loc>{{news}}</url>" for name in PAGES)
        news = "<news:news><news:publication_date>2026-05-01T08:00:00Z</news:publication_date></news:news>"
        head = (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        )
        for path, tags in (("/news-sitemap.xml", news), ("/sitemap.xml", "")):
            site.add_route(
                path,
                body=f"{head}{entries.format(news=tags)}</urlset>".encode(),
                content_type="application/xml",
            )
        items = "".join(f"<item><title>{name}</title><link>{site.url}/{name}</link></item>" for name in PAGES)
        site.add_route(
            "/feed.rss",
            body=f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(),
            content_type="application/rss+xml",
        )
        yield site


def _crawl(
    tmp_path: Path, crawl_settings: list[str], *args: str
) -> tuple[list[str], dict[str, dict[str, Any]], Path]:
    archive = tmp_path / "archive"
    result = run_crawl(*args, "-s", f"ARCHIVE_URI={archive}", *crawl_settings)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines(), read_local_records(archive), archive


def _archived(records: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {record["url"].rsplit("/", 1)[1]: record["kind"] for record in records.values()}


def _kinds_line(kinds: Counter[str]) -> str:
    return "pages by kind:   " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))


def _skips(kinds: dict[str, str], archived: set[str]) -> Counter[str]:
    return Counter(f"{kind}_page" for name, kind in kinds.items() if name not in archived)


@pytest.mark.parametrize("spider", ["article", "feed", "news sitemap"])
def test_a_url_asked_for_is_archived_whatever_its_kind_but_walls_and_errors(
    spider: str, kinds_site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    if spider == "article":
        urls = tmp_path / "urls.txt"
        urls.write_text("".join(f"{kinds_site.url}/{name}\n" for name in PAGES), encoding="utf-8")
        args: tuple[str, ...] = ("article", "-a", f"urls={urls}")
    elif spider == "feed":
        args = ("feed", "-a", f"url={kinds_site.url}/feed.rss")
    else:
        args = ("sitemap", "-a", f"url={kinds_site.url}/news-sitemap.xml")
    lines, records, archive = _crawl(tmp_path, crawl_settings, *args)
    wanted = {name: kind for name, kind in KIND_OF.items() if kind not in NEVER}
    assert _archived(records) == wanted
    assert lines[1:2] == [_kinds_line(Counter(KIND_OF.values()))]
    assert skipped_line(_skips(KIND_OF, set(wanted))) in lines
    manifest = json.loads(next((archive / "runs").rglob("*.json")).read_text("utf-8"))
    assert manifest["counts"]["kinds"] == dict(sorted(Counter(KIND_OF.values()).items()))
    # Every page is kept as a raw page, walls included; its metadata record says its kind and what
    # became of it.
    metadata = metadata_records(archive_objects(archive))
    assert sorted((m["kind"], m.get("skipped", "")) for m in metadata) == sorted(
        (kind, f"{kind}_page" if kind in NEVER else "") for kind in KIND_OF.values()
    )
    brief = next(r for r in records.values() if r["url"].endswith("/brief_de.html"))
    assert (brief["kind"], brief["kind_evidence"], len(brief["text"])) == (
        "article",
        ["json-ld NewsArticle", "published date", "1 paragraph of prose"],
        208,
    )


@pytest.mark.parametrize("added", ["", "article,paywall"])
def test_a_link_found_by_the_site_spider_is_archived_when_it_is_an_article(
    added: str, kinds_site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    settings = ("-s", f"ARCHIVE_DISCOVERED_KINDS={added}") if added else ()
    lines, records, _ = _crawl(
        tmp_path, crawl_settings, "site", "-a", f"url={kinds_site.url}/hub.html", "-a", "depth=1", *settings
    )
    kept = {"article", "paywall"} if added else {"article"}
    wanted = {name: kind for name, kind in KIND_OF.items() if kind in kept}
    assert _archived(records) == wanted
    # The start page is a seed, judged as links are: a listing, followed and not archived.
    assert skipped_line(_skips({**KIND_OF, "hub.html": "listing"}, set(wanted))) in lines


def test_a_plain_sitemap_entry_is_archived_when_it_is_an_article(
    kinds_site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    lines, records, _ = _crawl(tmp_path, crawl_settings, "sitemap", "-a", f"url={kinds_site.url}/sitemap.xml")
    wanted = {name: kind for name, kind in KIND_OF.items() if kind == "article"}
    assert _archived(records) == wanted
    assert skipped_line(_skips(KIND_OF, set(wanted))) in lines


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("article,consent", "ARCHIVE_DISCOVERED_KINDS='article,consent': consent pages are never archived"),
        (
            "stories",
            "ARCHIVE_DISCOVERED_KINDS='stories': unknown kind 'stories' (kinds: article, listing,"
            " consent, challenge, paywall, error, other)",
        ),
    ],
)
def test_a_bad_kind_setting_is_one_line_before_any_request(
    value: str, message: str, kinds_site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    before = sum(kinds_site.hits.values())
    result = run_crawl(
        "article",
        "-a",
        f"url={kinds_site.url}/article_en.html",
        "-s",
        f"ARCHIVE_DISCOVERED_KINDS={value}",
        *crawl_settings,
    )
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (2, f"error: {message}")
    assert sum(kinds_site.hits.values()) == before
