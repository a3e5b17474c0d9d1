"""Score titles, bylines and publication timestamps on the fixture pages with known answers.

The record's metadata is where the project means to beat trafilatura most clearly: trafilatura keeps
the site name in titles, returns one author string, and dates to the day. This script scores the
project's ``crawler.extraction.extract`` and plain ``trafilatura.extract_metadata`` side by side on
``tests/fixtures/pages`` (45 pages) and the sample site (13 articles), field by field.

Usage::

    python tests/benchmarks/metadata.py [--show-misses]

A timestamp counts as correct when it names the same instant in UTC to the minute. The day column
compares the page's own calendar day of publication, which is all trafilatura returns by default.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import trafilatura  # noqa: E402

from crawler.extraction import Article, extract  # noqa: E402

FETCHED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
PAGES = PROJECT_ROOT / "tests" / "fixtures" / "pages"
SITE = PROJECT_ROOT / "crawler" / "demo" / "site"


@dataclass
class Case:
    name: str
    html: bytes
    url: str
    title: str
    authors: list[str]
    published_at: str | None  # exact UTC instant, or None when the page gives no zone or no time
    published_date: str | None


def cases() -> Iterator[Case]:
    for name, expected in sorted(json.loads((PAGES / "expected.json").read_text("utf-8")).items()):
        if expected["is_article"]:
            yield Case(
                name,
                (PAGES / name).read_bytes(),
                f"https://news.example.com/{name}",
                expected["title"],
                expected["authors"],
                expected["published_at"],
                expected["published_date"],
            )
    for page in json.loads((SITE / "expected.json").read_text("utf-8"))["pages"]:
        if page["is_article"]:
            published = page["published_at"]
            yield Case(
                page["path"],
                (SITE / page["path"]).read_bytes(),
                f"http://127.0.0.1:8765/{page['path']}",
                page["title"],
                page["authors"],
                published,
                None,  # the sample site's answers give instants, not the page's calendar day
            )


def ours(case: Case) -> dict[str, Any]:
    result = extract(case.html, case.url, {"content-type": "text/html; charset=utf-8"}, FETCHED)
    if not isinstance(result, Article):
        return {"title": None, "authors": [], "published_at": None, "day": None}
    published = result.published
    return {
        "title": result.title,
        "authors": result.authors,
        "published_at": published.utc if published else None,
        "day": published.local[:10] if published else None,
    }


def plain(case: Case) -> dict[str, Any]:
    document = trafilatura.extract_metadata(case.html.decode("utf-8", errors="replace"), default_url=case.url)
    author = document.author or ""
    return {
        "title": document.title,
        # trafilatura's author string, split on its own "; " separator
        "authors": [a.strip() for a in author.split(";") if a.strip()],
        "published_at": None,  # trafilatura gives days, not instants
        "day": document.date,
    }


def score(system: str, results: dict[str, dict[str, Any]], all_cases: Sequence[Case]) -> dict[str, Any]:
    timed = [c for c in all_cases if c.published_at]
    dated = [c for c in all_cases if c.published_date]
    return {
        "system": system,
        "pages": len(all_cases),
        "title": sum(results[c.name]["title"] == c.title for c in all_cases) / len(all_cases),
        "authors": sum(results[c.name]["authors"] == c.authors for c in all_cases) / len(all_cases),
        "timestamp": sum(results[c.name]["published_at"] == c.published_at for c in timed) / len(timed),
        "timed_pages": len(timed),
        "day": sum(results[c.name]["day"] == c.published_date for c in dated) / len(dated),
        "null_when_unknown": sum(
            results[c.name]["published_at"] is None for c in all_cases if not c.published_at
        ),
        "unknown_pages": sum(1 for c in all_cases if not c.published_at),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="list the pages each system gets wrong")
    args = parser.parse_args(argv)
    all_cases = list(cases())
    rows = []
    for system, function in (("newsarchive", ours), ("trafilatura", plain)):
        results = {case.name: function(case) for case in all_cases}
        rows.append(score(system, results, all_cases))
        if args.show_misses:
            for case in all_cases:
                got = results[case.name]
                for field, want in (("title", case.title), ("authors", case.authors)):
                    if got[field] != want:
                        print(f"{system:12} {case.name:50} {field}: {got[field]!r} != {want!r}")
    print(
        f"{'system':12} {'pages':>5} {'title':>6} {'authors':>8} {'timestamp':>10} {'day':>6} {'null ok':>8}"
    )
    for row in rows:
        print(
            f"{row['system']:12} {row['pages']:>5} {row['title']:>6.3f} {row['authors']:>8.3f} "
            f"{row['timestamp']:>10.3f} {row['day']:>6.3f} "
            f"{row['null_when_unknown']:>4}/{row['unknown_pages']}"
        )
    print(f"timestamp: same UTC instant to the minute, over the {rows[0]['timed_pages']} pages that give one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
