"""A loopback news site whose six stories are edited between two crawls, as news sites edit theirs:
a headline rewritten, a paragraph added, a correction appended, a story put behind a paywall, and
on every page a "most read" box and a footer that change every time."""

from __future__ import annotations

from crawler.demo.server import LocalSite

HTML = "text/html; charset=utf-8"
PARAGRAPHS = [
    "The harbour board of {place} voted on Monday to rebuild the north pier before the winter storms arrive. "
    "Members agreed after a long evening that the old structure could not be patched for another season.",
    "Engineers said the timber piles in {place} had rotted further than a survey two years ago had found. "
    "Several of them, they told the board, now carry less than half of the load they were built to bear.",
    "Work will close the pier to fishing boats for six weeks, and the ferry will use the south quay. "
    "Skippers asked for the works to start after the herring season, and the board said it would try.",
    "The board expects to publish the contractor's schedule at its next meeting in the {place} town hall. "
    "Residents who want to comment on the plans can write to the harbour office until the end of the month.",
]
PLACES = {
    "headline": "Saltfleet",
    "paragraph": "Millbeck",
    "correction": "Carrow",
    "paywall": "Dunmore",
    "chrome": "Oakhaven",
    "same": "Lowmoor",
}


def page(title: str, paragraphs: list[str], most_read: str, paywall: bool = False) -> bytes:
    """A news page with the chrome real pages carry: navigation, a "most read" box, a footer."""
    access = ', "isAccessibleForFree": false' if paywall else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if paywall:
        body += '<div class="paywall"><p>Subscribe to continue reading this article.</p></div>'
    published = "2026-11-30T09:15:00+01:00"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbour Times</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}",
"datePublished": "{published}", "author": {{"@type": "Person", "name": "Ada Quill"}}{access}}}</script>
</head><body><nav><a href="/">Home</a> <a href="/harbour/">Harbour</a></nav>
<article><h1>{title}</h1><p class="byline">By Ada Quill</p>
<time datetime="{published}">30 November 2026</time>{body}</article>
<aside class="most-read"><h2>Most read</h2><ol><li><a href="/x">{most_read}</a></li></ol></aside>
<footer>&copy; Harbour Times, updated {most_read[:8]}</footer></body></html>""".encode()


PAYWALL = "paywall"
STORIES = {
    "headline": "Harbour board approves pier rebuild",
    "paragraph": "Ferry timetable changes for the pier works",
    "correction": "Pier works to cost less than feared",
    "paywall": "What the pier rebuild means for fishermen",
    "chrome": "Storm warning for the north coast",
    "same": "Town hall opens its archive to visitors",
}


# The versions each of the six stories has after a crawl before and a crawl after the edits: one more
# for each edit, none for the "most read" box and footer, which changed on every page.
VERSIONS_AFTER_EDITS = {
    "headline": [1, 2],
    "paragraph": [1, 2],
    "correction": [1, 2],
    PAYWALL: [1, 2],
    "chrome": [1],
    "same": [1],
}


def publish(site: LocalSite, edited: bool) -> dict[str, str]:
    """The six stories, as first published or as edited; returns their URLs by name."""
    urls = {}
    box = "Lighthouse keeper retires" if not edited else "Bakery wins regional prize"
    for name, title in STORIES.items():
        paragraphs = [p.format(place=PLACES[name]) for p in PARAGRAPHS]
        if edited and name == "headline":
            title = "Harbour board approves pier rebuild after long debate"
        if edited and name == "paragraph":
            paragraphs.append("The ferry company said the new timetable will be posted at both quays.")
        if edited and name == "correction":
            paragraphs.append(
                "Correction: An earlier version of this article gave the wrong cost of the works."
            )
        paywall = edited and name == "paywall"
        if paywall:
            paragraphs = paragraphs[:1]
        urls[name] = site.add_route(
            f"/harbour/{name}.html", 200, page(title, paragraphs, box, paywall), content_type=HTML
        )
    return urls


# The life of 40 stories over four crawls: which story is edited how, and before which crawl (after
# the first fetch, the 1-hour revisit or the 1-day revisit). Stories 20 to 39 are never edited; the
# "most read" box changes on every page before every crawl.
EDITS = {
    **dict.fromkeys(range(0, 5), ("headline", 1)),
    **dict.fromkeys(range(5, 10), ("paragraph", 2)),
    **dict.fromkeys(range(10, 13), ("correction", 1)),
    **dict.fromkeys(range(13, 16), ("gone", 2)),
    **dict.fromkeys(range(16, 18), ("moved", 3)),
    **dict.fromkeys(range(18, 20), ("paywall", 3)),
}
TOWNS = ["Saltfleet", "Millbeck", "Carrow", "Dunmore", "Oakhaven", "Lowmoor", "Eastwick", "Kestrel"]


def story_path(number: int, moved: bool = False) -> str:
    return f"/life/{'moved/' if moved else ''}story-{number:02d}.html"


def publish_stories(site: LocalSite, crawl: int, count: int = 40) -> list[str]:
    """The stories as served before crawl number ``crawl`` (0: the first fetch); returns their URLs."""
    box = f"Most read before crawl {crawl}: the lighthouse keeper retires"
    urls = []
    for number in range(count):
        edit, before = EDITS.get(number, ("", 99))
        edited = crawl >= before
        place = f"{TOWNS[number % len(TOWNS)]} {number}"
        title = f"Harbour plan number {number} approved in {place}"
        paragraphs = [p.format(place=place) for p in PARAGRAPHS]
        path = story_path(number)
        if edited and edit == "headline":
            title += " after a long debate"
        elif edited and edit == "paragraph":
            paragraphs.append(
                f"The ferry company said the new timetable for {place} will be posted at the quay."
            )
        elif edited and edit == "correction":
            paragraphs.append(
                "Correction: An earlier version of this article gave the wrong cost of the works."
            )
        if edited and edit == "gone":
            urls.append(
                site.add_route(path, 410, b"<html><body><h1>Gone</h1></body></html>", content_type=HTML)
            )
            continue
        if edited and edit == "moved":
            target = site.add_route(
                story_path(number, moved=True), 200, page(title, paragraphs, box), content_type=HTML
            )
            urls.append(site.add_route(path, 301, b"", location=target))
            continue
        paywall = edited and edit == "paywall"
        body = page(title, paragraphs[:1] if paywall else paragraphs, box, paywall)
        urls.append(site.add_route(path, 200, body, content_type=HTML))
    return urls
