"""Per-domain extraction health: what one run made of each site's pages, and whether that is far
below what the same job usually makes of the same site.

A publisher that changes its template does not make a crawl fail: pages still download, and
extraction quietly returns less (no date, no byline, half the body, more pages rejected). So every
run's manifest keeps, for each domain, the figures below, and the run compares them with the site's
own history: the median of the last ARCHIVE_HEALTH_RUNS runs of the job that covered the domain with
at least ARCHIVE_HEALTH_MIN_PAGES pages. No Scrapy import: ``newsarchive health`` reads the same
figures from the manifests.

    pages                  pages of the domain the crawl fetched (a response, or an HTTP error)
    articles               pages that became a record (new, changed or unchanged)
    rejected               share of the pages extracted that were not archived (no text, a listing
                           reached by a link, a wall, ...)
    walls                  share of the pages extracted that were consent or bot-check (challenge) pages
    http_errors            share of the pages answered with an HTTP error status
    body_median, body_p10  median and 10th percentile of the articles' text length (characters)
    title, published_minute, published_day, authors, lead, language
                           share of the articles with a title, a publication time to the minute, a
                           publication day, at least one author, a lead, a language
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.record import WALLS

SHARES = ("title", "published_minute", "published_day", "authors", "lead", "language")
LENGTHS = ("body_median", "body_p10")
RISES = ("rejected", "walls", "http_errors")
REVISIT_COUNTS = ("revisited", "changed", "gone", "moved")
FIGURES = ("pages", "articles", *RISES, *LENGTHS, *SHARES)
# Text lengths are kept as a histogram of buckets 5% wide, so the runs of a shared frontier's
# processes add up; a percentile is its bucket's lower bound.
_BUCKET = math.log(1.05)


def bucket_of(length: int) -> int:
    return 0 if length < 1 else int(math.log(length) / _BUCKET)


def bucket_floor(bucket: int) -> int:
    return 0 if bucket == 0 else math.ceil(math.exp(bucket * _BUCKET))


@dataclass
class DomainRun:
    """What one run made of one domain's pages; ``to_dict`` is what its manifest keeps."""

    pages: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # new, changed, unchanged
    skipped: Counter[str] = field(default_factory=Counter)  # by reason
    http_errors: Counter[str] = field(default_factory=Counter)  # by status
    lengths: Counter[int] = field(default_factory=Counter)  # bucket -> articles
    fields: Counter[str] = field(default_factory=Counter)  # SHARES -> articles that have it
    kinds: Counter[str] = field(default_factory=Counter)  # pages with text by kind, archived or not
    # Revisits (the revisit spider): URLs revisited, and the new versions they found: changed, gone, moved.
    revisits: Counter[str] = field(default_factory=Counter)
    extracted: int = 0  # pages that reached extraction

    @property
    def articles(self) -> int:
        return sum(self.lengths.values())

    def article(self, length: int, present: Iterable[str]) -> None:
        self.extracted += 1
        self.lengths[bucket_of(length)] += 1
        self.fields.update(present)

    def figures(self) -> dict[str, float | int | None]:
        """The figures a run is judged by; None where the run had nothing to measure."""
        articles = self.articles
        rejected = self.extracted - articles
        http = sum(self.http_errors.values())
        return {
            "pages": self.pages,
            "articles": articles,
            "rejected": _share(rejected, self.extracted),
            "walls": _share(sum(self.kinds[kind] for kind in WALLS), self.extracted),
            "http_errors": _share(http, self.pages),
            "body_median": self._percentile(0.5),
            "body_p10": self._percentile(0.1),
            **{name: _share(self.fields[name], articles) for name in SHARES},
        }

    def _percentile(self, fraction: float) -> int | None:
        total = self.articles
        if not total:
            return None
        rank = max(1, math.ceil(fraction * total))
        seen = 0
        for bucket in sorted(self.lengths):
            seen += self.lengths[bucket]
            if seen >= rank:
                return bucket_floor(bucket)
        raise AssertionError("unreachable")

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.figures(),
            "records": {name: self.outcomes[name] for name in ("new", "changed", "unchanged")},
            "skipped": dict(sorted(self.skipped.items())),
            "kinds": dict(sorted(self.kinds.items())),
            "revisits": self._revisits(),
            "http_status": dict(sorted(self.http_errors.items())),
            "extracted": self.extracted,
            "lengths": {str(bucket): count for bucket, count in sorted(self.lengths.items())},
            "with": dict(sorted(self.fields.items())),
        }

    def _revisits(self) -> dict[str, Any]:
        """The counts, and the share of the revisited URLs that were changed, gone, moved."""
        counts = {name: self.revisits[name] for name in REVISIT_COUNTS}
        shares = {f"{name}_share": _share(counts[name], counts["revisited"]) for name in REVISIT_COUNTS[1:]}
        return {**counts, **shares}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DomainRun:
        return cls(
            pages=int(data.get("pages", 0)),
            outcomes=Counter(data.get("records", {})),
            skipped=Counter(data.get("skipped", {})),
            kinds=Counter(data.get("kinds", {})),
            revisits=Counter({k: v for k, v in data.get("revisits", {}).items() if k in REVISIT_COUNTS}),
            http_errors=Counter(data.get("http_status", {})),
            lengths=Counter({int(k): v for k, v in data.get("lengths", {}).items()}),
            fields=Counter(data.get("with", {})),
            extracted=int(data.get("extracted", 0)),
        )

    def add(self, other: DomainRun) -> None:
        self.pages += other.pages
        self.extracted += other.extracted
        self.outcomes.update(other.outcomes)
        self.skipped.update(other.skipped)
        self.kinds.update(other.kinds)
        self.revisits.update(other.revisits)
        self.http_errors.update(other.http_errors)
        self.lengths.update(other.lengths)
        self.fields.update(other.fields)


def summed(runs: Iterable[Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The domains of several processes' manifests as one crawl's: counts and histograms added."""
    total: dict[str, DomainRun] = {}
    for domains in runs:
        for domain, data in domains.items():
            total.setdefault(domain, DomainRun()).add(DomainRun.from_dict(data))
    return {domain: run.to_dict() for domain, run in sorted(total.items())}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass(frozen=True)
class Thresholds:
    """When a domain's figure is a degradation (defaults in the settings module, ARCHIVE_HEALTH_*)."""

    runs: int = 7  # history: the last this many runs that covered the domain ...
    min_pages: int = 10  # ... with at least this many pages (the current run needs as many)
    min_history: int = 3  # fewer such runs: too little history to judge
    share_drop: float = 0.25  # a share (title, authors, ...) this much below its usual value
    length_drop: float = 0.5  # a body length below this fraction of its usual value
    rise: float = 0.25  # rejected pages or HTTP errors this much above their usual share


@dataclass
class Verdict:
    """What the run's figures say of each domain."""

    degraded: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # figure -> value, usual
    healthy: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)  # never seen by this job before
    little_history: list[str] = field(default_factory=list)  # seen, but in too few runs (or pages)

    def to_dict(self) -> dict[str, Any]:
        return {
            "degraded": self.degraded,
            "healthy": self.healthy,
            "new": self.new,
            "little_history": self.little_history,
        }


def usual(history: Sequence[Mapping[str, Any]], thresholds: Thresholds) -> dict[str, float | None]:
    """The median of each figure over the runs of ``history`` (newest first) that count."""
    counted = [run for run in history if run.get("pages", 0) >= thresholds.min_pages][: thresholds.runs]
    result: dict[str, float | None] = {}
    for name in (*RISES, *LENGTHS, *SHARES):
        values = [run[name] for run in counted if run.get(name) is not None]
        result[name] = statistics.median(values) if values else None
    return result


def judge(
    current: Mapping[str, Mapping[str, Any]],
    history: Mapping[str, Sequence[Mapping[str, Any]]],
    thresholds: Thresholds,
) -> Verdict:
    """Compare each domain of this run with its history (figures of earlier runs, newest first)."""
    verdict = Verdict()
    for domain, figures in sorted(current.items()):
        past = history.get(domain, [])
        counted = [run for run in past if run.get("pages", 0) >= thresholds.min_pages]
        if not past:
            verdict.new.append(domain)
            continue
        if len(counted) < thresholds.min_history or figures.get("pages", 0) < thresholds.min_pages:
            verdict.little_history.append(domain)
            continue
        drops = _drops(figures, usual(past, thresholds), thresholds)
        if drops:
            verdict.degraded[domain] = drops
        else:
            verdict.healthy.append(domain)
    return verdict


def _drops(
    figures: Mapping[str, Any], typical: Mapping[str, float | None], thresholds: Thresholds
) -> dict[str, dict[str, float]]:
    drops: dict[str, dict[str, float]] = {}
    for name, normal in typical.items():
        value = figures.get(name)
        if value is None or normal is None:
            continue
        if (
            (name in SHARES and value < normal - thresholds.share_drop)
            or (name in LENGTHS and value < normal * thresholds.length_drop)
            or (name in RISES and value > normal + thresholds.rise)
        ):
            drops[name] = {"value": value, "usual": normal}
    return drops


def describe(domain: str, drops: Mapping[str, Mapping[str, float]]) -> str:
    """``news.example.com: published_minute 0.00 (usual 1.00), body_median 612 (usual 2,840)``"""
    parts = []
    for name, pair in drops.items():
        if name in LENGTHS:
            parts.append(f"{name} {pair['value']:,.0f} (usual {pair['usual']:,.0f})")
        else:
            parts.append(f"{name} {pair['value']:.2f} (usual {pair['usual']:.2f})")
    return f"{domain}: " + ", ".join(parts)
