"""Generated article pages for the reliability tests: many distinct, valid news articles on the local
site, and the helpers to crawl them as a subprocess and read back what was archived."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from crawler.demo.server import LocalSite
from tests.support.crawls import PROJECT_DIR

_WORDS = [
    "harbour",
    "council",
    "ferry",
    "bridge",
    "market",
    "tide",
    "budget",
    "school",
    "library",
    "station",
    "river",
    "museum",
    "festival",
    "railway",
    "hospital",
    "garden",
    "quay",
    "lighthouse",
    "orchard",
    "factory",
    "bakery",
    "theatre",
    "stadium",
]


def article_html(number: int, title: str | None = None, extra_head: str = "", charset: str = "utf-8") -> str:
    """A complete, distinct news article: JSON-LD, Open Graph, a dated headline and five paragraphs."""
    word = _WORDS[number % len(_WORDS)]
    title = title or f"Story {number}: the {word} plan moves ahead"
    paragraphs = "\n".join(
        f"<p>Paragraph {k} of story {number}. Residents of Port Alder met on Tuesday to discuss the "
        f"{word} plan, which the council says will change how the town works for the next decade. "
        f"Opponents asked for a second consultation before any money is spent on it.</p>"
        for k in range(1, 6)
    )
    day = 1 + number % 28
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="{charset}">
<title>{title} | The Test Courier</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="og:site_name" content="The Test Courier">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
 "datePublished": "2024-03-{day:02d}T09:{number % 60:02d}:00Z",
 "author": {{"@type": "Person", "name": "Kim Doe"}}}}</script>
{extra_head}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news/">News</a></li></ul></nav>
<article><h1>{title}</h1><p class="byline">By Kim Doe</p>
{paragraphs}
</article><footer>The Test Courier, Port Alder</footer></body></html>
"""


def add_articles(site: LocalSite, prefix: str, count: int) -> list[str]:
    """``count`` articles under ``/prefix/``; returns their URLs."""
    return [
        site.add_route(
            f"/{prefix}/{n:04d}.html",
            200,
            article_html(n).encode("utf-8"),
            content_type="text/html; charset=utf-8",
        )
        for n in range(count)
    ]


def add_gated_article(site: LocalSite, path: str, gate: threading.Event, number: int = 9999) -> str:
    """An article whose answer waits until the test opens ``gate``: the crawl cannot end before."""
    body = article_html(number).encode("utf-8")

    def answer(request: BaseHTTPRequestHandler) -> None:
        if not gate.wait(timeout=300) or site.stopping.is_set():
            return
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return site.add_handler(path, answer)


def write_urls(path: Path, urls: list[str]) -> Path:
    path.write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    return path


def crawl_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_"))}
    return {**base, "LOG_LEVEL": "INFO", **(extra or {})}


def start_crawl(
    args: list[str], env: dict[str, str] | None = None, log: Path | None = None
) -> subprocess.Popen[str]:
    """``python -m scrapy crawl ARGS`` in the background; stdout piped, stderr to ``log`` if given."""
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", *args],
        cwd=PROJECT_DIR,
        env=crawl_env(env),
        stdout=subprocess.PIPE,
        stderr=open(log, "w") if log else subprocess.PIPE,
        text=True,
    )


# Storage settings for crawls against the fault proxy: short timeouts and intervals keep them fast.
FAST_STORAGE = [
    "-s", "ARCHIVE_STORE_CONNECT_TIMEOUT=1", "-s", "ARCHIVE_STORE_READ_TIMEOUT=1",
    "-s", "AWS_MAX_ATTEMPTS=2", "-s", "ARCHIVE_WRITE_ATTEMPTS=2", "-s", "ARCHIVE_WRITE_BACKOFF=0.05",
    "-s", "ARCHIVE_SPOOL_RETRY_INTERVAL=0.3",
]  # fmt: skip


def s3_documents(objects: dict[str, bytes], prefix: str) -> dict[str, dict[str, Any]]:
    """The JSON documents among ``objects`` (a bucket's keys and bodies) under ``prefix``."""
    return {key: json.loads(data) for key, data in sorted(objects.items()) if key.startswith(prefix)}
