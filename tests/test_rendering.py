"""Pages that need a browser (crawler.middlewares.browser): an app-shell site crawled with ARCHIVE_RENDER
off and auto, on the system's Chromium; what the browser's requests go through; the raw pages kept for
replay; a browser killed mid-crawl; and a static site that never starts one."""

from __future__ import annotations

import io
import itertools
import json
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import jsonschema
import psutil
import pytest
from scrapy.settings import Settings
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import LocalSite
from crawler.extraction import Rejection, extract
from crawler.middlewares.browser import BROWSERS, RenderSettings
from tests.support.app_site import AppStory, build_app_site
from tests.support.crawls import newsarchive, read_local_records, run_crawl
from tests.support.replay import pywb_replaying, served
from tests.support.sites import start_crawl, write_urls
from tests.support.warcs import archive_objects, check_segments, manifests, resolve

CHROMIUM = next((found for name in BROWSERS if (found := shutil.which(name))), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (apt-get install chromium)")
FETCHED = datetime(2026, 12, 1, tzinfo=timezone.utc)
_STORY = (
    b"<html><head><title>A story</title></head><body><article><h1>A story</h1>"
    + b"<p>A paragraph long enough to be prose, about the harbour and the ferries that cross it daily.</p>"
    * 6
    + b"</article></body></html>"
)
SHELL_SIGNALS = (
    "empty mount point div#root; noscript says 'need to enable javascript'; 1 script, 0 characters of text"
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[LocalSite, list[AppStory]]]:
    stories = build_app_site(tmp_path / "app-site", [1, 2, 3, 4])
    with LocalSite(tmp_path / "app-site") as served_site:
        yield served_site, stories


def _crawl(
    site: LocalSite, stories: list[AppStory], tmp_path: Path, base: list[str], **settings: object
) -> Any:
    """``scrapy crawl article`` of the stories, with the tests' ``base`` settings and ``settings``."""
    urls = write_urls(tmp_path / "urls.txt", [site.url + story.path for story in stories])
    given = [part for name, value in settings.items() for part in ("-s", f"{name}={value}")]
    return run_crawl("article", "-a", f"urls={urls}", *given, *base, timeout=180)


def _summary(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if not line.startswith(("finish reason", "unchanged"))]


@needs_chromium
def test_an_app_shell_site_gives_no_record_without_a_browser_and_every_story_with_one(
    app: tuple[LocalSite, list[AppStory]],
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: jsonschema.Draft202012Validator,
) -> None:
    site, stories = app
    off = _crawl(site, stories, tmp_path, crawl_settings, ARCHIVE_URI=tmp_path / "off")
    assert off.returncode == 0, off.stderr[-3000:]
    assert _summary(off.stdout) == [
        "pages fetched:   5",
        "records written: 0 to file://" + str(tmp_path / "off") + " (new 0, changed 0)",
        "pages skipped:   4 (app_shell 4)",
    ]
    assert off.stderr.count(f"story-1.html: app_shell ({SHELL_SIGNALS})") == 1
    assert sum(site.hits[f"/api/article/{n}.json"] for n in range(1, 5)) == 0

    archive = tmp_path / "auto"
    auto = _crawl(site, stories, tmp_path, crawl_settings, ARCHIVE_URI=archive, ARCHIVE_RENDER="auto")
    assert auto.returncode == 0, auto.stderr[-3000:]
    assert _summary(auto.stdout) == [
        "pages fetched:   5",
        "records written: 4 to file://" + str(archive) + " (new 4, changed 0)",
        "pages skipped:   0 (none)",
        "rendered:        4 pages in the browser (auto 4), 8 requests by their scripts; browser launched 1",
    ]
    # Each page fetched once per crawl (the browser is served the page already fetched), its story's
    # JSON once, the logo never (images are not loaded).
    assert [site.hits[story.path] for story in stories] == [2, 2, 2, 2]
    assert [site.hits[f"/api/article/{story.number}.json"] for story in stories] == [1, 1, 1, 1]
    assert site.hits["/static/app.js"] == 4 and site.hits["/static/logo.png"] == 0
    records = sorted(read_local_records(archive).values(), key=lambda record: record["url"])
    for record, story in zip(records, stories, strict=True):
        record_validator.validate(record)
        assert record["url"] == site.url + story.path
        assert record["title"] == story.title
        assert record["text"] == "\n\n".join(story.paragraphs)
        assert record["authors"] == [story.author]
        assert record["dates"]["published"]["raw"] == story.published
        assert record["kind"] == "article"
        assert record["sources"]["rendered"] == f"auto: app shell ({SHELL_SIGNALS})"
        assert record["capture"]["rendered"] is True
    [manifest] = manifests(archive_objects(archive))
    assert manifest["counts"]["rendered"] == {
        "asked/auto": 4, "blocked/image": 4, "browser/launches": 1, "pages": 4, "requests": 8,
    }  # fmt: skip

    # The raw pages: each shell as fetched, what its script fetched, and the DOM as a conversion of
    # the shell, which the record points to; every index as cdxj-indexer writes it.
    objects = archive_objects(archive)
    assert check_segments(objects) == {
        "warcinfo": 1,
        "request": 12,
        "response": 12,
        "conversion": 4,
        "metadata": 8,
    }
    for record in records:
        conversion, dom = resolve(objects, record["capture"])
        assert conversion.rec_type == "conversion"
        assert conversion.rec_headers.get_header("WARC-Target-URI") == record["url"]
        assert record["text"].split("\n\n")[0].encode() in dom
        [segment] = [data for key, data in objects.items() if key.endswith(".warc.gz")]
        shell = next(
            r
            for r in ArchiveIterator(io.BytesIO(segment))
            if r.rec_headers.get_header("WARC-Record-ID")
            == conversion.rec_headers.get_header("WARC-Refers-To")
        )
        assert (shell.rec_type, shell.rec_headers.get_header("WARC-Target-URI")) == (
            "response",
            record["url"],
        )

    # Extracted again from the archive: the shells are shells still, the DOMs give the same records.
    again = newsarchive("reextract", "--archive", str(archive), "--dry-run")
    assert again.returncode == 0, again.stderr
    summary = again.stderr.decode().strip().splitlines()[-1]
    assert summary.startswith("reextracted 8 pages with ")
    assert "would write new 0, changed 0; unchanged 4; skipped 4 (app_shell 4)" in summary

    # pywb replays a rendered capture in a browser, with the live site gone: its script's request for
    # the story is answered from the archive.
    first = site.url + stories[0].path
    site.stop()
    from playwright.sync_api import sync_playwright

    segments = [archive / key for key in objects if key.endswith(".warc.gz")]
    with pywb_replaying(tmp_path / "pywb", segments) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url))
            page.goto(f"{base}/news/{first}", wait_until="networkidle")
            [frame] = [frame for frame in page.frames if frame.url.endswith(f"mp_/{first}")]
            shown = frame.inner_text("body")
        finally:
            browser.close()
        api = json.loads(served(f"{base}/news/id_/{site.url}/api/article/1.json"))
    assert stories[0].paragraphs[0] in shown
    assert any(url.endswith(f"mp_/{site.url}/api/article/1.json") for url in asked), asked
    assert all(url.startswith(base) for url in asked), asked
    assert api["title"] == stories[0].title


# The script of every story also asks for addresses the network policy refuses: a name that resolves
# to loopback, and the cloud metadata endpoint.
HOSTILE = """
  const refused = ["http://localhost:PORT/private/secret.json", "http://169.254.169.254/latest/meta-data/"];
  for (const url of refused) {
    try { await fetch(url); } catch (refused) { /* blocked: the story goes on */ }
  }
"""


@needs_chromium
def test_a_rendered_pages_requests_pass_the_network_policy(tmp_path: Path, crawl_settings: list[str]) -> None:
    root = tmp_path / "app-site"
    with LocalSite(root) as site:
        port = site.url.rsplit(":", 1)[1]
        stories = build_app_site(root, [5, 6], HOSTILE.replace("PORT", port))
        site.add_route("/private/secret.json", 200, b'{"secret": 1}', content_type="application/json")
        archive = tmp_path / "archive"
        result = _crawl(
            site,
            stories,
            tmp_path,
            crawl_settings,
            ARCHIVE_URI=archive,
            ARCHIVE_RENDER="auto",
            URL_DENY_PRIVATE_NETWORKS=True,
            URL_PRIVATE_NETWORKS_ALLOW=f"127.0.0.1:{port}",
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert site.hits["/private/secret.json"] == 0  # never fetched
    assert _summary(result.stdout) == [
        "pages fetched:   3",
        "records written: 2 to file://" + str(archive) + " (new 2, changed 0)",
        "pages skipped:   0 (none)",
        "rendered:        2 pages in the browser (auto 2), 4 requests by their scripts"
        " (refused private_network 4); browser launched 1",
    ]
    assert sorted(record["title"] for record in read_local_records(archive).values()) == sorted(
        story.title for story in stories
    )
    refused = [line for line in result.stderr.splitlines() if "Refused http://" in line]
    assert len(refused) == 4
    assert any("169.254.169.254 resolves to 169.254.169.254" in line for line in refused), refused
    assert any("localhost resolves to 127.0.0.1" in line for line in refused), refused


def _browsers(pid: int) -> list[psutil.Process]:
    """The crawl's browser processes (Chromium's main process: its parent is not a Chromium)."""
    found = [child for child in psutil.Process(pid).children(recursive=True) if "chrom" in child.name()]
    return [child for child in found if "chrom" not in (child.parent().name() if child.parent() else "")]


@needs_chromium
def test_a_browser_killed_mid_crawl_loses_no_page(
    app: tuple[LocalSite, list[AppStory]], tmp_path: Path, crawl_settings: list[str]
) -> None:
    site, stories = app
    in_browser, killed = threading.Event(), threading.Event()
    body = (tmp_path / "app-site" / "api" / "article" / "2.json").read_bytes()

    def story_two(request: BaseHTTPRequestHandler) -> None:
        """Answered once the browser whose page asked for it is killed."""
        in_browser.set()
        killed.wait(60)
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    site.add_handler("/api/article/2.json", story_two)
    archive = tmp_path / "archive"
    urls = write_urls(tmp_path / "urls.txt", [site.url + story.path for story in stories])
    crawl = start_crawl(
        [
            "article", "-a", f"urls={urls}", "-s", f"ARCHIVE_URI={archive}", "-s", "ARCHIVE_RENDER=auto",
            "-s", "ARCHIVE_RENDER_MAX_PAGES=1", *crawl_settings,
        ],
        log=tmp_path / "crawl.log",
    )  # fmt: skip
    try:
        assert in_browser.wait(120)
        [browser] = _browsers(crawl.pid)
        browser.send_signal(signal.SIGKILL)
        browser.wait(30)
    finally:
        killed.set()
    stdout, _ = crawl.communicate(timeout=180)
    log = (tmp_path / "crawl.log").read_text("utf-8")
    assert crawl.returncode == 0, log[-3000:]
    assert sorted(record["title"] for record in read_local_records(archive).values()) == sorted(
        story.title for story in stories
    )
    [manifest] = manifests(archive_objects(archive))
    rendered = manifest["counts"]["rendered"]
    assert (rendered["browser/crashes"], rendered["browser/launches"], rendered["retried"]) == (1, 2, 1)
    assert rendered["asked/auto"] == 4
    assert "rendered:        " in stdout and "browser launched 2, crashed 1" in stdout
    assert log.count("The browser exited unasked") == 1


@needs_chromium
def test_the_browser_is_restarted_after_its_pages(
    app: tuple[LocalSite, list[AppStory]], tmp_path: Path, crawl_settings: list[str]
) -> None:
    site, stories = app
    archive = tmp_path / "archive"
    result = _crawl(
        site,
        stories,
        tmp_path,
        crawl_settings,
        ARCHIVE_URI=archive,
        ARCHIVE_RENDER="always",
        ARCHIVE_RENDER_RESTART_AFTER=1,
        ARCHIVE_RENDER_MAX_PAGES=1,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(read_local_records(archive)) == 4
    assert (
        "rendered:        4 pages in the browser (always 4), 8 requests by their scripts;"
        " browser launched 4, restarted 3" in result.stdout.splitlines()
    ), result.stdout


@needs_chromium
def test_a_static_site_crawled_with_auto_never_starts_a_browser(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    result = run_crawl(
        "sitemap",
        "-a",
        f"url={site.url}/sitemap_index.xml",
        *("-s", f"ARCHIVE_URI={archive}", "-s", "ARCHIVE_RENDER=auto"),
        *crawl_settings,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    records = read_local_records(archive)
    assert records and all("rendered" not in record["sources"] for record in records.values())
    assert (
        "rendered:        0 pages in the browser, 0 requests by their scripts;"
        f" {len(records)} pages needed none" in result.stdout.splitlines()
    ), result.stdout
    assert "playwright/browser_count" not in result.stderr


# The crawl's process with Playwright made unimportable: an import of it fails the crawl.
NO_PLAYWRIGHT = """
import sys
for name in ("playwright", "playwright.async_api", "scrapy_playwright", "scrapy_playwright.handler"):
    sys.modules[name] = None
"""


def test_rendering_off_imports_no_playwright(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    archive = tmp_path / "archive"
    result = run_crawl(
        "feed", "-a", f"url={site.url}/courier/feed.rss", "-s", f"ARCHIVE_URI={archive}", *crawl_settings,
        prelude=NO_PLAYWRIGHT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(read_local_records(archive)) == 5
    assert "rendered:" not in result.stdout


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        (["ARCHIVE_RENDER=sometimes"], "ARCHIVE_RENDER='sometimes': must be off, auto or always"),
        (
            ["ARCHIVE_RENDER_DOMAINS=a.example"],
            "ARCHIVE_RENDER_DOMAINS='a.example': needs ARCHIVE_RENDER=auto or always",
        ),
        (
            ["ARCHIVE_RENDER=auto", "ARCHIVE_RENDER_MAX_PAGES=0"],
            "ARCHIVE_RENDER_MAX_PAGES='0': must be at least 1",
        ),
        (
            ["ARCHIVE_RENDER=auto", "ARCHIVE_RENDER_TIMEOUT=soon"],
            "ARCHIVE_RENDER_TIMEOUT='soon': must be a positive number of seconds",
        ),
        (
            ["ARCHIVE_RENDER=auto", "ARCHIVE_RENDER_BROWSER=/no/such/chromium"],
            "ARCHIVE_RENDER_BROWSER='/no/such/chromium': no such executable",
        ),
    ],
)
def test_a_bad_render_setting_is_one_line_before_any_request(
    settings: list[str], error: str, site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    before = sum(site.hits.values())
    options = [part for setting in settings for part in ("-s", setting)]
    result = run_crawl("article", "-a", f"url={site.url}/courier/", *options, *crawl_settings)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"error: {error}"
    assert sum(site.hits.values()) == before


@needs_chromium
def test_a_rendered_pages_requests_keep_the_sites_pace_and_its_robots_txt(
    tmp_path: Path, crawl_settings: list[str]
) -> None:
    root = tmp_path / "app-site"
    stories = build_app_site(root, [7, 8])
    robots = "User-agent: *\nCrawl-delay: 1\nDisallow: /api/article/8.json\n"
    (root / "robots.txt").write_text(robots, "utf-8")
    arrivals: list[tuple[float, str]] = []
    with LocalSite(root) as site:
        for path in ["/robots.txt", "/static/app.js", *(s.path for s in stories), "/api/article/7.json"]:
            site.add_handler(path, _noting(root, path, arrivals))
        archive = tmp_path / "archive"
        result = _crawl(site, stories, tmp_path, crawl_settings, ARCHIVE_URI=archive, ARCHIVE_RENDER="auto")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _summary(result.stdout) == [
        "pages fetched:   3",
        "records written: 1 to file://" + str(archive) + " (new 1, changed 0)",
        "pages skipped:   1 (app_shell 1)",  # its story is behind robots.txt: the page stays a shell
        "rendered:        2 pages in the browser (auto 2), 3 requests by their scripts"
        " (refused robots_txt 1); browser launched 1",
    ]
    assert [path for _, path in arrivals].count("/static/app.js") == 2
    assert len(arrivals) == 6 and "/api/article/8.json" not in [path for _, path in arrivals]
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(arrivals)]
    # The browser's requests too, one a second as robots.txt asks: each takes its turn a second after
    # the last (a turn may be sent up to a tenth of a second late on a busy machine, its gap to the
    # next then shorter by as much; unpaced, they would come within milliseconds).
    assert min(gaps) >= 0.8, arrivals
    assert arrivals[-1][0] - arrivals[0][0] >= 4.9, arrivals


def _noting(root: Path, path: str, arrivals: list[tuple[float, str]]) -> Any:
    body = (root / path.lstrip("/")).read_bytes()
    kind = {".txt": "text/plain", ".js": "text/javascript", ".json": "application/json"}.get(
        Path(path).suffix, "text/html; charset=utf-8"
    )

    def answer(request: BaseHTTPRequestHandler) -> None:
        arrivals.append((time.monotonic(), path))
        request.send_response(200)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return answer


@pytest.mark.parametrize(
    ("mode", "domains", "result", "why"),
    [
        ("off", "", Rejection("app_shell", "empty mount point div#root"), None),
        ("auto", "", Rejection("app_shell", "empty mount point"), "auto: app shell (empty mount point)"),
        ("auto", "", Rejection("no_text", "0 characters of text"), None),
        ("auto", "", Rejection("not_html", "application/pdf"), None),
        ("auto", "", "article", None),
        ("auto", "news.example", "article", "domain"),
        ("auto", "news.example", Rejection("no_text", "0 characters of text"), "domain"),
        ("auto", "other.example", "article", None),
        ("auto", "example", "article", "domain"),  # a domain listed covers its subdomains
        ("auto", "ws.example", "article", None),
        ("always", "", "article", "always"),
        ("always", "", Rejection("too_large", "6000000 bytes"), None),
    ],
)  # fmt: skip
def test_why_a_page_goes_to_the_browser(mode: str, domains: str, result: Any, why: str | None) -> None:
    settings = Settings(
        {"ARCHIVE_RENDER": mode, "ARCHIVE_RENDER_DOMAINS": domains, "ARCHIVE_RENDER_MAX_PAGES": "2"}
    )
    settings.setdict({"ARCHIVE_RENDER_TIMEOUT": "30", "ARCHIVE_RENDER_RESTART_AFTER": "500"})
    if mode != "off":
        settings.set("ARCHIVE_RENDER_BROWSER", sys.executable)  # any executable: the browser is not launched
    render = RenderSettings.from_settings(settings)
    page = (
        extract(_STORY, "https://news.example/a/1", {"content-type": "text/html"}, FETCHED)
        if result == "article"
        else result
    )
    assert render.why("https://news.example/a/1", page) == why
