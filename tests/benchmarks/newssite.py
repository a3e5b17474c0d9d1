"""A generated news site for the throughput benchmark: N article pages, served fast from memory.

Page ``/news/N.html`` is a function of N alone (seeded randomness), so the crawler, the ceiling
measurement and the server all see the same bytes without storing gigabytes. Each page carries what
real news pages carry around the article: a mega-menu, a "listen live" widget, share buttons, JSON-LD,
figures with captions, related articles, tags, comments, a footer, and inline scripts and styles that
bring it to 50-300 KB. Four layouts differ in markup and class names, as four publishers' would.

The server is plain asyncio with keep-alive and no framework: its own speed is measured by the
benchmark, and must be far above the crawler's so it never is the bottleneck.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import random
from datetime import datetime, timedelta, timezone
from html import escape


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    "council harbour budget minister river festival school transport union energy housing court "
    "station village market police weather bridge election hospital farmers museum library airport "
    "coast mayor report figures plan residents project spokesperson committee northern southern "
    "annual record sharply decision funding contract inquiry season league players coach drought "
    "rainfall exports prices inflation workers strike agreement talks regional national local "
    "district officials announced confirmed warned expected rejected approved delayed opened closed "
    "reported said added explained argued insisted noted suggested revealed claimed stated morning "
    "evening week month year decade century quarter survey study data analysis evidence water power "
    "road rail ferry tunnel school teachers pupils nurses doctors patients clinic ward the a of to "
    "in and for on with at by from after before during while because although however"
)
FIRST = _words("Mara Tomas Ilse Jonah Priya Oskar Lena Ravi Ines Bruno Sofia Aaron Hedda Niko")
LAST = _words("Varga Lindqvist Okafor Brennan Castell Dufresne Halloran Mendez Novak Petrov Quist")
SECTIONS = _words("politics business climate sport culture science health world local opinion")
LAYOUTS = 4
MIN_BYTES = 50_000
MAX_BYTES = 300_000
EPOCH = datetime(2026, 1, 1, 6, 0, tzinfo=timezone.utc)


def _filler(seed: int, size: int) -> str:
    """Minified-looking script and style text, as analytics and ad code put on news pages."""
    rng = random.Random(seed)
    parts = []
    total = 0
    while total < size:
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        chunk = (
            f"function {name}(e,t){{var n=e.{name}||{{}};return t&&(n.v={rng.randint(0, 99999)}),"
            f'n["{name}"]=t,window.__d.push([e,t,"{name}"]),n}};'
        )
        parts.append(chunk)
        total += len(chunk)
    return "".join(parts)[:size]


def _teasers(count: int) -> list[str]:
    """Teaser cards, as "more stories" and "trending" rails repeat them down real front and article pages."""
    rng = random.Random(11)
    cards = []
    for n in range(count):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize()
        cards.append(
            f'<div class="card card--{n % 5}"><div class="card__media"><picture>'
            f'<source srcset="/img/t{n}.webp 1x, /img/t{n}@2x.webp 2x" type="image/webp">'
            f'<img src="/img/t{n}.jpg" alt="" loading="lazy" width="320" height="180"></picture></div>'
            f'<div class="card__body"><span class="card__kicker">{rng.choice(SECTIONS)}</span>'
            f'<h3 class="card__title"><a href="/news/{n}.html">{words}</a></h3>'
            '<div class="card__meta"><span class="icon"><svg viewBox="0 0 16 16">'
            '<path d="M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0z"/></svg></span>'
            f"<span>{rng.randint(2, 59)} min read</span></div></div></div>"
        )
    return cards


_FILLER = _filler(7, MAX_BYTES)
_TEASERS = _teasers(1500)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 24))]
    return " ".join(words).capitalize() + rng.choice(".....?")


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def page_size(number: int) -> int:
    digest = hashlib.sha256(str(number).encode()).digest()
    return MIN_BYTES + int.from_bytes(digest[:4], "big") % (MAX_BYTES - MIN_BYTES)


def article_page(number: int, base_url: str) -> bytes:
    """The HTML of article ``number``: unique text, one of four layouts, 50-300 KB."""
    rng = random.Random(number)
    layout = number % LAYOUTS
    section = SECTIONS[number % len(SECTIONS)]
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 11))).capitalize()
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    published = EPOCH + timedelta(minutes=37 * number)
    stamp = published.isoformat()
    url = f"{base_url}/news/{number}.html"
    lead = _paragraph(rng)
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(6, 14))]
    quote = _sentence(rng)
    cls = ("story", "article-body", "c-entry", "post__content")[layout]
    menu = "".join(
        f'<li class="menu__item"><a href="{base_url}/{s}/{k}">{s.title()} {k}</a></li>'
        for s in SECTIONS
        for k in range(12)
    )
    related = "".join(
        f'<li><a href="{base_url}/news/{(number + k * 7919) % 1_000_000}.html">'
        f"{escape(' '.join(rng.choice(WORDS) for _ in range(8)).capitalize())}</a></li>"
        for k in range(1, 13)
    )
    comments = "".join(
        f'<div class="comment"><span class="comment__user">reader{rng.randint(1, 9999)}</span>'
        f"<p>{escape(_sentence(rng))}</p></div>"
        for _ in range(rng.randint(3, 9))
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[:3])
    body += f"<blockquote><p>“{escape(quote)}”</p></blockquote>"
    body += (
        f'<figure class="media"><img src="/img/{number}.jpg" alt="">'
        f"<figcaption>{escape(_sentence(rng))} Photo: {author}</figcaption></figure>"
    )
    body += "".join(f"<p>{escape(p)}</p>" for p in paragraphs[3:])
    json_ld = (
        '{"@context":"https://schema.org","@type":"NewsArticle",'
        f'"headline":"{title}","datePublished":"{stamp}",'
        f'"author":{{"@type":"Person","name":"{author}"}},"mainEntityOfPage":"{url}"}}'
    )
    head = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Harbour Daily</title>"
        f'<link rel="canonical" href="{url}"><meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{stamp}">'
        f'<meta name="author" content="{author}">'
        f'<script type="application/ld+json">{json_ld}</script>'
    )
    chrome_top = (
        f'<body class="layout-{layout}"><header class="site-header">'
        '<a class="logo" href="/">Harbour Daily</a>'
        f'<nav class="mega-menu"><ul>{menu}</ul></nav>'
        '<div class="listen-live"><button>Listen live</button> <span>Harbour Radio 94.1</span></div>'
        "</header><main>"
    )
    article = (
        f'<article class="{cls}"><h1>{escape(title)}</h1>'
        f'<div class="byline">By <a rel="author" href="/authors/{number % 40}">{author}</a></div>'
        f'<time datetime="{stamp}">{published:%d %B %Y, %H:%M}</time>'
        f'<ul class="share"><li>Share on Facebook</li><li>Share on X</li><li>Copy link</li></ul>'
        f'<p class="lead"><strong>{escape(lead)}</strong></p>{body}'
        f'<ul class="tags"><li><a href="/tag/{section}">{section}</a></li><li>regional</li></ul>'
        "</article>"
    )
    chrome_bottom = (
        f'<aside class="related"><h2>Related</h2><ul>{related}</ul></aside>'
        f'<section class="comments"><h2>Comments</h2>{comments}</section></main>'
        '<footer class="site-footer"><p>© 2026 Harbour Daily. All rights reserved.</p>'
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>'
    )
    core = head + chrome_top + article + chrome_bottom
    # What is left of the page's size: half teaser rails (markup to parse), half scripts and styles.
    room = max(page_size(number) - len(core) - 200, 0)
    rail, used, card = [], 0, number % len(_TEASERS)
    while used < room // 2:
        rail.append(_TEASERS[card])
        used += len(_TEASERS[card])
        card = (card + 1) % len(_TEASERS)
    script_room = max(room - used, 0)
    offset = (number * 7919) % (len(_FILLER) - script_room)
    filler = _FILLER[offset : offset + script_room]
    html = (
        head
        + f"<style>{filler[: script_room // 4]}</style></head>"
        + chrome_top
        + article
        + chrome_bottom.replace("</main>", f'<aside class="more-stories">{"".join(rail)}</aside></main>')
        + f"<script>{filler[script_room // 4 :]}</script></body></html>"
    )
    return html.encode("utf-8")


ROBOTS = b"User-agent: *\nAllow: /\n"


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, base_url: str) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode("latin-1")
            status, body = b"200 OK", b""
            if path == "/robots.txt":
                body = ROBOTS
            elif path.startswith("/news/") and path.endswith(".html") and path[6:-5].isdigit():
                body = article_page(int(path[6:-5]), base_url)
            else:
                status, body = b"404 Not Found", b"not found"
            kind = b"text/plain" if path == "/robots.txt" or not status.startswith(b"200") else b"text/html"
            writer.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind + b"; charset=utf-8\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def started(port: int) -> multiprocessing.Process:
    """The site served from a process of its own, ready: kill it when done."""
    ready = multiprocessing.get_context("spawn").Event()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(port, ready), daemon=True)
    server.start()
    ready.wait(30)
    return server


def serve(port: int, ready: object) -> None:
    """Serve the site on 127.0.0.1:port until killed (the target of a multiprocessing.Process)."""

    async def main() -> None:
        base_url = f"http://127.0.0.1:{port}"
        server = await asyncio.start_server(
            lambda r, w: _handle(r, w, base_url), "127.0.0.1", port, backlog=512
        )
        ready.set()  # type: ignore[attr-defined]
        async with server:
            await server.serve_forever()

    asyncio.run(main())


async def _fetch_all(port: int, numbers: list[int], connections: int) -> int:
    """Fetch the pages over ``connections`` keep-alive connections; returns the bytes received."""
    queue = list(reversed(numbers))
    received = 0

    async def client() -> None:
        nonlocal received
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            number = queue.pop()
            writer.write(f"GET /news/{number}.html HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            received += len(await reader.readexactly(length))
        writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return received


def fetch_all(port: int, numbers: list[int], connections: int = 16) -> int:
    return asyncio.run(_fetch_all(port, numbers, connections))
