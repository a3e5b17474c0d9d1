"""A loopback news site built as a single-page application: every story's HTML is the same app shell,
and its script fetches the story from ``/api/article/<n>.json`` and writes it into the page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# The shell: an empty mount point, a noscript asking for JavaScript, a logo (never loaded: images are
# not), and the application's script.
SHELL = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Tidewater Daily</title>
<link rel="icon" href="/static/favicon.ico"><script defer src="/static/app.js"></script></head>
<body><header><img src="/static/logo.png" alt="Tidewater Daily"></header>
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>
"""

# The application: reads the story's number from its URL, fetches it, and renders it (the headline,
# the byline, the date, the paragraphs and the story's JSON-LD). ``EXTRA`` is where a test adds more.
APP = """(async () => {
  const number = location.pathname.match(/story-(\\d+)/)[1];
  const answer = await fetch(`/api/article/${number}.json`, {headers: {"Accept": "application/json"}});
  const story = await answer.json();
  /*EXTRA*/
  document.title = `${story.title} | Tidewater Daily`;
  const ld = document.createElement("script");
  ld.type = "application/ld+json";
  ld.textContent = JSON.stringify({"@type": "NewsArticle", "headline": story.title,
    "datePublished": story.published, "author": {"@type": "Person", "name": story.author}});
  document.head.appendChild(ld);
  const paragraphs = story.paragraphs.map((text) => `<p>${text}</p>`).join("");
  document.getElementById("root").innerHTML = `<main><article><h1>${story.title}</h1>
    <p class="byline">By <span class="author">${story.author}</span></p>
    <time datetime="${story.published}">${story.published}</time>${paragraphs}</article>
    <aside class="related"><h2>More from Tidewater</h2>
    <a href="/app/story-99.html">Tide tables</a></aside></main>`;
})();
"""

_TOWNS = ["Harwick", "Saltmere", "Brenford", "Oakhollow", "Fenwick", "Marrow Bay", "Cliffside", "Ashby"]
_TOPICS = [
    "ferry timetable",
    "harbour wall",
    "school roof",
    "fish market",
    "tram depot",
    "library",
    "lighthouse",
]


@dataclass(frozen=True)
class AppStory:
    number: int
    title: str
    author: str
    published: str  # ISO 8601 with its offset, as the API gives it
    paragraphs: list[str]

    @property
    def path(self) -> str:
        return f"/app/story-{self.number}.html"


def story(number: int) -> AppStory:
    town = _TOWNS[number % len(_TOWNS)]
    topic = _TOPICS[number % len(_TOPICS)]
    paragraphs = [
        f"Council officers in {town} confirmed on Tuesday that work on the {topic} will start in the "
        f"spring, after a consultation that drew {120 + number} written responses from residents.",
        f"The plan for the {topic} was first proposed {number + 2} years ago and has been revised "
        "twice, each time after objections from traders who feared the works would keep visitors away.",
        f"Residents of {town} told the meeting that they welcomed the decision but wanted a firm date, "
        "and the council's transport lead promised a timetable before the end of the month.",
        f"Story {number}: the final cost is put at {number + 3}.4 million, of which the regional fund "
        "pays two thirds; the rest comes from the council's own reserves over three years.",
    ]
    return AppStory(
        number=number,
        title=f"Work on the {town} {topic} to start in spring ({number})",
        author=["Mara Quinlan", "Tomas Reyes", "Ines Okafor"][number % 3],
        published=f"2026-11-{1 + number % 28:02d}T{7 + number % 12:02d}:30:00+01:00",
        paragraphs=paragraphs,
    )


def build_app_site(root: Path, numbers: list[int], extra_script: str = "") -> list[AppStory]:
    """Write the site's files under ``root`` (served with crawler.demo.server.LocalSite(root))."""
    stories = [story(number) for number in numbers]
    (root / "app").mkdir(parents=True)
    (root / "api" / "article").mkdir(parents=True)
    (root / "static").mkdir()
    (root / "static" / "app.js").write_text(APP.replace("/*EXTRA*/", extra_script), "utf-8")
    (root / "static" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    for item in stories:
        (root / item.path.lstrip("/")).write_text(SHELL, "utf-8")
        api = {
            "title": item.title,
            "author": item.author,
            "published": item.published,
            "paragraphs": item.paragraphs,
        }
        (root / "api" / "article" / f"{item.number}.json").write_text(json.dumps(api), "utf-8")
    return stories
