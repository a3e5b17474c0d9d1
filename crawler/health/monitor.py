"""The crawl's side of per-domain extraction health (crawler.health.figures): figures gathered as pages
are fetched, extracted and stored, and judged against the job's history when the spider closes.

An extension that listens: the spider announces each page (``page_extracted``, ``page_failed``) and the
archive pipeline each record (``record_archived``; crawler.signals); the manifest extension asks it
for the figures and the verdict, writes both into the run's manifest (on a shared frontier, the
seed judges the whole crawl), and a degraded domain is one WARNING line naming each figure, its value
and its usual value, a line of the run's summary, stats keys, and with ARCHIVE_HEALTH_FAIL=true the
exit status 11.

The history is the manifests of the job's earlier runs (the crawl's, on a shared frontier), read
newest first from the archive (pipelines.read.runs) until every domain has ARCHIVE_HEALTH_RUNS runs
to compare with, or ARCHIVE_HEALTH_DAYS days were read.

Settings: ARCHIVE_HEALTH_RUNS, ARCHIVE_HEALTH_MIN_PAGES, ARCHIVE_HEALTH_MIN_HISTORY,
ARCHIVE_HEALTH_SHARE_DROP, ARCHIVE_HEALTH_LENGTH_DROP, ARCHIVE_HEALTH_RISE, ARCHIVE_HEALTH_DAYS,
ARCHIVE_HEALTH_FAIL.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler import config
from crawler import signals as announced
from crawler import stats as names
from crawler.admission import ORIGIN, REVISIT, skip_reason
from crawler.errors import StorageError
from crawler.extraction import Article, Rejection
from crawler.health.figures import DomainRun, Thresholds, Verdict, describe, judge
from crawler.record import ARTICLE, CHALLENGE, GONE, MOVED
from crawler.stats import Stats
from crawler.urls import domain_of
from pipelines.read.runs import RunManifests
from pipelines.storage import ArchiveStore

logger = logging.getLogger(__name__)

# Reading history stops after this many manifests, whatever else: a run's end must stay cheap.
_MAX_MANIFESTS = 500


class HealthMonitor:
    def __init__(self, stats: Stats, thresholds: Thresholds, days: int, fail: bool) -> None:
        self.stats = stats
        self.thresholds = thresholds
        self.days = days
        self.fail = fail
        self.domains: dict[str, DomainRun] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthMonitor:
        settings = crawler.settings
        thresholds = Thresholds(
            runs=config.integer(settings, "ARCHIVE_HEALTH_RUNS", minimum=1),
            min_pages=config.integer(settings, "ARCHIVE_HEALTH_MIN_PAGES", minimum=1),
            min_history=config.integer(settings, "ARCHIVE_HEALTH_MIN_HISTORY", minimum=1),
            share_drop=config.number(settings, "ARCHIVE_HEALTH_SHARE_DROP", minimum=0),
            length_drop=config.number(settings, "ARCHIVE_HEALTH_LENGTH_DROP", minimum=0),
            rise=config.number(settings, "ARCHIVE_HEALTH_RISE", minimum=0),
        )
        days = config.integer(settings, "ARCHIVE_HEALTH_DAYS", minimum=1)
        monitor = cls(crawler.stats, thresholds, days, config.boolean(settings, "ARCHIVE_HEALTH_FAIL"))
        crawler.signals.connect(monitor.extracted, signal=announced.page_extracted)
        crawler.signals.connect(monitor.http_error, signal=announced.page_failed)
        crawler.signals.connect(monitor.stored, signal=announced.record_archived)
        crawler.signals.connect(monitor.bot_check, signal=announced.bot_check_met)
        crawler.signals.connect(monitor.response_received, signal=signals.response_received)
        return monitor

    def _domain(self, url: str) -> DomainRun:
        return self.domains.setdefault(domain_of(url), DomainRun())

    # --- what the crawl announces -----------------------------------------------------------------

    def extracted(self, url: str, result: Article | Rejection, archived: bool = True) -> None:
        """A page fetched and extracted: its kind, and whether it became a record; or the reason it
        has no text."""
        domain = self._domain(url)
        domain.pages += 1
        if isinstance(result, Rejection):
            domain.extracted += 1
            domain.skipped[result.reason] += 1
            return
        domain.kinds[result.kind] += 1
        if not archived:
            domain.extracted += 1
            domain.skipped[skip_reason(result.kind)] += 1
            return
        published = result.published
        present = {
            "title": result.title is not None,
            "published_minute": published is not None and published.precision != "day",
            "published_day": published is not None,
            "authors": bool(result.authors),
            "lead": "lead" in result.sources,
            "language": result.language is not None,
        }
        domain.article(len(result.text), [name for name, there in present.items() if there])

    def http_error(self, url: str, status: int) -> None:
        domain = self._domain(url)
        domain.pages += 1
        domain.http_errors[str(status)] += 1

    def bot_check(self, url: str) -> None:
        """A bot check answered with an error status: a challenge page in the figures, as one served
        with 200 is, so a site that starts answering with them is degraded (``walls``)."""
        domain = self._domain(url)
        domain.pages += 1
        domain.extracted += 1
        domain.kinds[CHALLENGE] += 1

    def stored(self, url: str, outcome: str, kind: str = ARTICLE, spider: str = "") -> None:
        """A record's outcome in the archive: new, changed or unchanged; what a revisit found."""
        domain = self._domain(url)
        domain.outcomes[outcome] += 1
        if spider == "revisit" and outcome == "changed":
            domain.revisits[kind if kind in (GONE, MOVED) else "changed"] += 1

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        """A revisited URL answered (followed redirects count once: Scrapy announces their last answer)."""
        if request.meta.get(ORIGIN) == REVISIT:
            url = (request.meta.get("redirect_urls") or [request.url])[0]
            self._domain(url).revisits["revisited"] += 1

    # --- the verdict ----------------------------------------------------------------------------

    def figures(self) -> dict[str, dict[str, Any]]:
        return {domain: run.to_dict() for domain, run in sorted(self.domains.items())}

    def verdict(self, domains: Mapping[str, Mapping[str, Any]], job: str, store: ArchiveStore) -> Verdict:
        """Judge ``domains`` (this run's, or the whole crawl's) against the job's history; report it."""
        try:
            history = read_history(store, job, set(domains), self.thresholds.runs, self.days)
        except StorageError as exc:
            logger.warning("Cannot read the history of job %s to judge its sites: %s", job, exc)
            history = {}
        verdict = judge(domains, history, self.thresholds)
        for domain, drops in verdict.degraded.items():
            logger.warning("Extraction degraded on %s", describe(domain, drops))
            self.stats.set_value(names.health_degraded(domain), sorted(drops))
        self.stats.set_value(names.HEALTH_DEGRADED, len(verdict.degraded))
        self.stats.set_value(names.HEALTH_NEW, len(verdict.new))
        return verdict


def read_history(
    store: ArchiveStore, job: str, domains: set[str], runs: int, days: int
) -> dict[str, list[dict[str, Any]]]:
    """The figures of each domain in the job's earlier runs, newest first: crawl-level manifests only
    (a shared frontier's process manifests are parts of one)."""
    history: dict[str, list[dict[str, Any]]] = {domain: [] for domain in domains}
    for manifest in RunManifests(store).newest_first(days=days, limit=_MAX_MANIFESTS):
        if manifest.get("job") != job or (manifest.get("frontier") or {}).get("worker"):
            continue
        for domain, figures in (manifest.get("domains") or {}).items():
            if domain in history:
                history[domain].append(figures)
        if all(len(found) >= runs for found in history.values()):
            break
    return history


def monitor_of(crawler: Crawler) -> HealthMonitor | None:
    return crawler.get_extension(HealthMonitor)
