"""What a feed or sitemap said about an article: its URL, title and publication time, kept with the
request as a fallback and a cross-check for what the page itself says (crawler.assemble)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.extraction.dates import ParsedDate, parse_date


@dataclass(frozen=True)
class Listing:
    """One entry of a feed or sitemap, as its parser (crawler.spiders.sources) read it."""

    source: str  # "feed" or "sitemap"
    url: str
    title: str | None = None
    published: str | None = None  # raw, as the feed or sitemap wrote it
    news: bool = False  # a news sitemap's entry (news:publication_date or news:title)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Listing | None:
        return cls(**data) if data else None

    def date(self) -> ParsedDate | None:
        """The date the entry gives, parsed one way wherever it is used.

        Sitemaps write W3C datetimes and feeds RFC 822 dates, neither ambiguous; a numeric day and
        month ("03/04/2024", seen in broken feeds) is read month first, as in the US-born formats both
        come from.
        """
        return parse_date(self.published, self.source, dayfirst=False) if self.published else None
