"""Which pages become records: decided by the page's kind (crawler.extraction.kinds) and by where its
URL came from, in this one place.

A URL someone asked for (``-a url``, ``-a urls``), a feed's entry or a news sitemap's is archived
whatever the page turned out to be: a short brief, a guide, a paywall teaser, even a section front;
the reader asked for that page. Only walls and error pages (consent, challenge, error) are never
records: they are not the page that was asked for, and the next run should try again. A link the
``site`` spider found, or a plain sitemap's entry, is archived when the page is an article, or of a
kind added with ARCHIVE_DISCOVERED_KINDS: a site crawl reaches fronts, tag pages, shops and
service pages that a news archive does not want. The ``site`` spider's start URLs are seeds, judged
as its links are: they are where to start (a front, a section), and a front archived by a crawl
every half hour would be a new version every time.

Setting: ARCHIVE_DISCOVERED_KINDS (default ``article``; read by crawler.workers.admission). No Scrapy
import: the extraction workers decide with it what a page's WARC metadata record says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crawler.listing import Listing
from crawler.record import ARTICLE, CHALLENGE, CONSENT, ERROR, KINDS

# Where a page's URL came from, as its request's meta[ORIGIN] says.
ORIGIN = "origin"
GIVEN, FEED, NEWS_SITEMAP, SITEMAP, SEED, LINK = "given", "feed", "news_sitemap", "sitemap", "seed", "link"
# An archived page fetched again on the revisit schedule: whatever it became is its next version.
REVISIT = "revisit"
ORIGINS = (GIVEN, FEED, NEWS_SITEMAP, SITEMAP, SEED, LINK, REVISIT)
ASKED = frozenset({GIVEN, FEED, NEWS_SITEMAP, REVISIT})
# Never stored as records, whoever asked: counted, and kept in WARC when raw pages are.
NEVER_STORED = frozenset({CONSENT, CHALLENGE, ERROR})


def origin_of(listing: Listing | None, spider: str | None = None) -> str:
    """Where a page came from, for pages whose request did not say (captured before origins were
    kept): a feed's or sitemap's entry (a news sitemap is one with ``news:`` tags), a link of the
    ``site`` spider, else a URL given."""
    if listing is None:
        return LINK if spider == "site" else GIVEN
    if listing.source == "feed":
        return FEED
    return NEWS_SITEMAP if listing.news else SITEMAP


@dataclass(frozen=True)
class Admission:
    """What each origin archives; ``discovered``: the kinds archived from links and plain sitemaps."""

    discovered: frozenset[str] = frozenset({ARTICLE})

    @classmethod
    def of_kinds(cls, kinds: Iterable[str]) -> Admission:
        """The admission that archives ``kinds`` from discovered URLs; ValueError says what is wrong."""
        chosen = [k.strip().lower() for k in kinds if k.strip()]
        unknown = [k for k in chosen if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
        walls = [k for k in chosen if k in NEVER_STORED]
        if walls:
            raise ValueError(f"{walls[0]} pages are never archived")
        if not chosen:
            raise ValueError("names no kind")
        return cls(frozenset(chosen))

    def archives(self, kind: str, origin: str) -> bool:
        if kind in NEVER_STORED:
            return False
        return origin in ASKED or kind in self.discovered


def skip_reason(kind: str) -> str:
    """The reason a page of ``kind`` that is not archived is counted under: ``listing_page``, ..."""
    return f"{kind}_page"
