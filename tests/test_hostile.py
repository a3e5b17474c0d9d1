"""Hostile and broken pages: one crawl of 43 bad or odd pages beside good ones on the local site.
The crawl finishes, every page not archived is counted under its reason (the exact figures), and
every good page, including the odd ones that are still articles, is archived and read right."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.demo.server import LocalSite
from tests.support.crawls import read_local_records, run_crawl
from tests.support.sites import add_articles, article_html, write_urls

HTML = "text/html; charset=utf-8"
MAX_SIZE = 3 * 1024 * 1024  # DOWNLOAD_MAXSIZE of the crawl


def _html(number: int, **changes: Any) -> bytes:
    return article_html(number, **changes).encode("utf-8")


def _stall(site: LocalSite) -> Any:
    def answer(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", HTML)
        request.send_header("Content-Length", "20000")
        request.end_headers()
        request.wfile.write(_html(900)[:1000])
        request.wfile.flush()
        site.stopping.wait(60)  # and never the rest

    return answer


def _truncated(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", HTML)
    request.send_header("Content-Length", "50000")
    request.end_headers()
    request.wfile.write(_html(901)[:1000])  # then the connection closes


def _endless(request: BaseHTTPRequestHandler) -> None:
    """20 MB with no Content-Length: the size is only known as it arrives."""
    request.send_response(200)
    request.send_header("Content-Type", HTML)
    request.send_header("Connection", "close")
    request.end_headers()
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    try:
        for _ in range(20 * 1024 * 1024 // len(chunk)):
            request.wfile.write(chunk)
    except OSError:
        pass  # the crawler hung up, as it should


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.html", article_html(902))
    return buffer.getvalue()


def _cyrillic(charset_meta: str) -> bytes:
    page = article_html(910, title="Городской совет одобрил бюджет").replace(
        "Paragraph", "Абзац о городском совете и бюджете"
    )
    return page.replace('<meta charset="utf-8">', charset_meta).encode("cp1251")


def _japanese() -> bytes:
    page = article_html(911, title="市議会が予算案を可決した").replace(
        "Paragraph", "市議会は火曜日に新しい予算案について長い議論を行い、港の再開発計画を承認した。段落"
    )
    return page.replace('<meta charset="utf-8">', "").encode("shift_jis")


def _chinese() -> bytes:
    page = article_html(912, title="市议会通过了新的预算").replace(
        "Paragraph", "市议会星期二就新的预算进行了长时间的讨论，并批准了港口重建计划。段落"
    )
    return page.replace('<meta charset="utf-8">', "").encode("gb18030")


# (path, how it is served, what becomes of it: a skip reason, or "archived")
def hostile_pages(site: LocalSite) -> list[tuple[str, str]]:
    """Adds every case to the site; returns (URL, expected outcome)."""
    cases: list[tuple[str, str]] = []

    def route(path: str, outcome: str, status: int = 200, body: bytes = b"", **headers: str) -> None:
        cases.append((site.add_route(f"/hostile{path}", status, body, **headers), outcome))

    def handler(path: str, outcome: str, answer: Any) -> None:
        cases.append((site.add_handler(f"/hostile{path}", answer), outcome))

    big = b"<html><body>" + b"<p>filler</p>" * (20 * 1024 * 1024 // 13) + b"</body></html>"
    bomb = gzip.compress(b"<html><body>" + b" " * (60 * 1024 * 1024) + b"</body></html>", 9)
    good = _html(920)
    deep = article_html(921).replace("<article>", "<div>" * 10_000 + "<article>")
    # Broken markup and structure
    route(
        "/unclosed.html",
        "archived",
        body=good.replace(b"</p>", b"").replace(b"</article>", b""),
        content_type=HTML,
    )
    route(
        "/tag-soup.html",
        "unparseable",
        body=b"<<<>>><div <p>> <b><i></b></i> &#xFFFFFFFF; <script>x(",
        content_type=HTML,
    )
    route(
        "/no-body.html",
        "no_text",
        body=b"<html><head><title>Only a head</title></head></html>",
        content_type=HTML,
    )
    route("/deep.html", "archived", body=deep.encode("utf-8"), content_type=HTML)  # flattened
    route(
        "/scripts-only.html",
        "no_text",
        body=b"<html><body><script>var a=1;</script></body></html>",
        content_type=HTML,
    )
    # Size
    route("/20mb.html", "too_large", body=big, content_type=HTML)
    handler("/20mb-streamed.html", "too_large", _endless)
    route("/gzip-bomb.html", "too_large", body=bomb, content_type=HTML, content_encoding="gzip")
    route(
        "/gzipped.html",
        "archived",
        body=gzip.compress(_html(922)),
        content_type=HTML,
        content_encoding="gzip",
    )
    # Charsets: declared right, wrong or not at all
    route(
        "/cp1251-meta.html",
        "archived",
        body=_cyrillic('<meta charset="windows-1251">'),
        content_type="text/html",
    )
    route("/cp1251-wrong.html", "archived", body=_cyrillic(""), content_type=HTML)
    route("/cp1251-none.html", "archived", body=_cyrillic(""), content_type="text/html")
    route("/sjis-none.html", "archived", body=_japanese(), content_type="text/html")
    route("/sjis-wrong.html", "archived", body=_japanese(), content_type="text/html; charset=iso-8859-1")
    route("/gb18030-wrong.html", "archived", body=_chinese(), content_type=HTML)
    route(
        "/utf16-bom.html",
        "archived",
        body=article_html(923).replace('<meta charset="utf-8">', "").encode("utf-16"),
        content_type=HTML,
    )
    # Not HTML at all
    route(
        "/report.html",
        "not_html",
        body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        content_type=HTML,
    )
    route(
        "/photo.html",
        "not_html",
        body=b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(200),
        content_type=HTML,
    )
    route("/archive.html", "not_html", body=_zip(), content_type=HTML)
    route("/nul-bytes.html", "not_html", body=b"<html>\x00\x01\x02\x03<body>\x00</body>", content_type=HTML)
    route("/download.bin", "not_html", body=b"\x00" * 64, content_type="application/octet-stream")
    # Empty answers
    route("/empty.html", "empty", body=b"", content_type=HTML)
    route("/no-content.html", "empty", status=204)
    # Redirects
    route("/loop-a.html", "redirect_loop", status=301, location="/hostile/loop-b.html")
    site.add_route("/hostile/loop-b.html", 301, location="/hostile/loop-a.html")
    route("/self.html", "redirect_loop", status=301, location="/hostile/self.html")
    route("/to-ftp.html", "bad_redirect", status=301, location="ftp://127.0.0.1/story.html")
    route("/to-file.html", "bad_redirect", status=302, location="file:///etc/passwd")
    route("/to-js.html", "bad_redirect", status=302, location="javascript:alert(1)")
    route("/moved.html", "archived", status=301, location="/hostile/moved-here.html")
    site.add_route("/hostile/moved-here.html", 200, _html(924), content_type=HTML)
    # Errors
    for status in (404, 410, 500, 503):
        route(
            f"/status-{status}.html",
            f"http_{status}",
            status=status,
            body=b"<html><body>no</body></html>",
            content_type=HTML,
        )
    handler("/stalls.html", "download_error", _stall(site))
    handler("/truncated.html", "download_error", _truncated)
    # Metadata that lies
    route(
        "/jsonld-garbage.html",
        "archived",
        body=good.replace(b'{"@type"', b'{{{{"@type" ]]] garbage'),
        content_type=HTML,
    )
    absurd = (
        _html(925)
        .replace(b"2024-03-", b"9999-03-")
        .replace(b'"author"', b'"dateModified": "0001-13-45", "author"')
    )
    route("/absurd-dates.html", "archived", body=absurd, content_type=HTML)
    huge = article_html(926, title="HUGE").replace("<title>HUGE", "<title>" + "T" * 1_000_000)
    huge = huge.replace("<h1>HUGE", "<h1>" + "H" * 1_000_000).replace("HUGE", "")
    route("/huge-title.html", "archived", body=huge.encode("utf-8"), content_type=HTML)
    # URLs that try to leave where they are
    route("/a/../dot-dot.html", "archived", body=_html(927), content_type=HTML)
    route("/%2e%2e/%2e%2e/encoded-dots.html", "archived", body=_html(928), content_type=HTML)
    route("/ctl%00%0d%0aSet-Cookie:%20x=1%1b.html", "archived", body=_html(929), content_type=HTML)
    long_path = "/" + "long-segment/" * 150 + "long.html"
    route(long_path, "archived", body=_html(930), content_type=HTML)
    too_long_path = "/" + "long-segment/" * 160 + "too-long.html"  # over URLLENGTH_LIMIT (2083)
    route(too_long_path, "url_too_long", body=_html(931), content_type=HTML)
    return cases


def test_a_crawl_of_hostile_pages_finishes_counts_each_bad_page_and_archives_every_good_one(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str], record_validator: Any
) -> None:
    cases = hostile_pages(site)
    good = add_articles(site, "hostile-good", 8)
    urls = [url for url, _ in cases] + good
    archive = tmp_path / "archive"
    result = run_crawl(
        "article",
        "-a",
        f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
        *("-s", f"ARCHIVE_URI={archive}", "-s", f"DOWNLOAD_MAXSIZE={MAX_SIZE}"),
        *("-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1"),
        # The 503 page pauses the site (crawler.middlewares.politeness): briefly, here.
        *(
            "-s",
            "POLITENESS_PAUSE_START=0.05",
            "-s",
            "POLITENESS_PAUSE_MAX=0.1",
            "-s",
            "POLITENESS_MAX_PAUSES=3",
        ),
        *crawl_settings,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    bad = [outcome for _, outcome in cases if outcome != "archived"]
    assert len(cases) >= 40 and len(bad) >= 25
    expected_skips = {reason: bad.count(reason) for reason in sorted(set(bad))}
    [manifest] = [json.loads(p.read_bytes()) for p in (archive / "runs").rglob("*.json")]
    assert manifest["finish_reason"] == "finished"
    assert manifest["counts"]["skipped"] == expected_skips, [
        line for line in result.stderr.splitlines() if "Skipped" in line
    ]
    assert manifest["counts"]["lost"] == 0
    records = read_local_records(archive)
    for record in records.values():
        record_validator.validate(record)
    archived = sorted(r["requested_url"] for r in records.values())
    assert archived == sorted([url for url, outcome in cases if outcome == "archived"] + good)
    by_path = {r["requested_url"].split("/hostile/", 1)[-1]: r for r in records.values()}
    assert by_path["cp1251-wrong.html"]["title"] == "Городской совет одобрил бюджет"
    assert by_path["cp1251-none.html"]["title"] == "Городской совет одобрил бюджет"
    assert by_path["sjis-wrong.html"]["title"] == "市議会が予算案を可決した"
    assert by_path["gb18030-wrong.html"]["title"] == "市议会通过了新的预算"
    assert by_path["utf16-bom.html"]["title"] == "Story 923: the bridge plan moves ahead"
    assert by_path["huge-title.html"]["title"] is None  # a 1 MB "title" is not a headline
    assert by_path["absurd-dates.html"]["published_at"] is None  # never a guess
    assert "Абзац о городском совете" in by_path["cp1251-none.html"]["text"]
    assert by_path["deep.html"]["title"] == "Story 921: the council plan moves ahead"
    assert by_path["deep.html"]["text"].startswith("Paragraph 1 of story 921. Residents of Port Alder")
    assert by_path["deep.html"]["text"].count("\n\n") == 4  # five paragraphs, as on a flat page
    [too_long] = [url for url, outcome in cases if outcome == "url_too_long"]
    assert len(too_long) > 2083 and site.hits[urlsplit(too_long).path] == 0  # never requested
    [skipped_line] = [line for line in result.stderr.splitlines() if ": url_too_long (" in line]
    assert skipped_line.endswith(
        f"[crawler.middlewares.download_guard] INFO: Skipped {too_long[:200]}...: url_too_long "
        f"({len(too_long)} characters, over URLLENGTH_LIMIT 2083)"
    )
    assert "Ignoring link" not in result.stderr  # Scrapy's own middleware is replaced, not doubled
    for key in records:  # keys from the id and content hash only, whatever the URL
        assert key.startswith("records/date=") and "/domain=127.0.0.1/" in key and ".." not in key


def test_a_url_over_the_length_limit_found_in_a_sitemap_is_counted_and_logged_once(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    [good] = add_articles(site, "sitemap-long", 1)
    too_long = site.url + "/sitemap-long/" + "segment/" * 260 + "story.html"
    site.add_route(urlsplit(too_long).path, 200, _html(932), content_type=HTML)
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in (good, too_long))
    sitemap = site.add_route(
        "/sitemap-long.xml",
        200,
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode(),
        content_type="application/xml",
    )
    archive = tmp_path / "archive"
    result = run_crawl("sitemap", "-a", f"url={sitemap}", "-s", f"ARCHIVE_URI={archive}", *crawl_settings)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pages skipped:   1 (url_too_long 1)" in result.stdout.splitlines()
    assert [r["url"] for r in read_local_records(archive).values()] == [good]
    assert site.hits[urlsplit(too_long).path] == 0
    [skipped_line] = [line for line in result.stderr.splitlines() if ": url_too_long (" in line]
    assert skipped_line.endswith(
        f"[crawler.middlewares.download_guard] INFO: Skipped {too_long[:200]}...: url_too_long "
        f"({len(too_long)} characters, over URLLENGTH_LIMIT 2083)"
    )
    assert "Ignoring link" not in result.stderr  # Scrapy's own middleware is replaced, not doubled


def test_a_redirect_to_a_url_over_the_length_limit_is_counted_and_not_followed(
    site: LocalSite, tmp_path: Path, crawl_settings: list[str]
) -> None:
    too_long = site.url + "/redirect-long/" + "segment/" * 260 + "story.html"
    site.add_route(urlsplit(too_long).path, 200, _html(933), content_type=HTML)
    start = site.add_route("/redirect-long/start.html", 301, location=too_long)
    archive = tmp_path / "archive"
    result = run_crawl("article", "-a", f"url={start}", "-s", f"ARCHIVE_URI={archive}", *crawl_settings)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pages skipped:   1 (url_too_long 1)" in result.stdout.splitlines()
    assert read_local_records(archive) == {}
    assert site.hits[urlsplit(too_long).path] == 0
    [skipped_line] = [line for line in result.stderr.splitlines() if ": url_too_long (" in line]
    assert skipped_line.endswith(
        f"[crawler.middlewares.download_guard] INFO: Skipped {start}: url_too_long "
        f"(redirect to {len(too_long)} characters, over URLLENGTH_LIMIT 2083)"
    )
