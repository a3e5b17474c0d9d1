"""Three local news sites on three loopback hosts (three domains), whose articles a test publishes run
by run; one of them can change its template, as a publisher's redesign does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.demo.server import LocalSite

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
PAGES = 6  # per site and run
CHANGED = "127.0.0.3"
_SENTENCE = (
    "The harbour board of Port Alder agreed on Tuesday to rebuild the northern quay wall, which has sunk "
    "by a hand's width since the winter storms, and asked the county for half of the cost."
)


def article(host: str, run: int, number: int, changed: bool = False) -> bytes:
    """A news article of ``host``; ``changed``: the template after the site's redesign."""
    title = f"Story {run}-{number} of {host}: the quay wall plan"
    paragraphs = [f"<p>{_SENTENCE} Paragraph {k} of story {run}-{number}.</p>" for k in range(1, 7)]
    if not changed:
        jsonld = {
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": f"2026-11-{1 + run:02d}T08:{number:02d}:00Z",
            "author": {"@type": "Person", "name": "Kim Doe"},
        }
        head = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
        body = f'<article><h1>{title}</h1><p class="byline">By Kim Doe</p>{"".join(paragraphs)}</article>'
    else:  # no date any reader finds (htmldate's searches included), most paragraphs each in its own
        # comment box, no byline
        head = f'<script>window.page = {{"id": {run * 100 + number}}};</script>'
        boxed = "".join(f'<div class="comment">{p}</div>' for p in paragraphs[2:])
        body = f"<article><h1>{title}</h1>{''.join(paragraphs[:2])}{boxed}</article>"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="article">{head}</head>
<body><nav><a href="/">Home</a></nav>{body}<footer>The Paper</footer></body></html>""".encode()


@contextmanager
def health_sites(tmp_path: Path) -> Iterator[dict[str, LocalSite]]:
    """Three sites, one on each of three loopback hosts: three domains."""
    started = {}
    try:
        for host in HOSTS:
            root = tmp_path / f"site-{host}"
            root.mkdir()
            started[host] = LocalSite(root=root, host=host).start()
        yield started
    finally:
        for site in started.values():
            site.stop()


def publish(sites: dict[str, LocalSite], run: int, changed: bool = False) -> list[str]:
    urls = []
    for host, site in sites.items():
        for number in range(PAGES):
            body = article(host, run, number, changed and host == CHANGED)
            urls.append(
                site.add_route(f"/{run}/{number}.html", 200, body, content_type="text/html; charset=utf-8")
            )
    return urls
