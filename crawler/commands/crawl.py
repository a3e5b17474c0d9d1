"""``scrapy crawl`` with one-line errors for bad input and an exit status from the crawl's stats.

Scrapy's own command prints a traceback for a bad spider argument and exits 0 whatever happened to
the items. This one reports an error raised before the crawl starts (a bad argument or setting, an
archive that cannot be used) as a single line with its exit status (crawler.exit_status) before any
request, and otherwise exits with the status the run's manifest decided (the whole crawl's, for the
seed of a crawl on the shared frontier).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler import exit_status
from crawler import stats as names
from crawler.errors import ArchiverError


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; exit status 0 ok, 1 crawl failed, 2 bad input, 3 records not delivered, ..."

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process is not None
        crawler = self.crawler_process.create_crawler(args[0])
        self.start_error: ArchiverError | None = None
        running = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(running, Deferred):
            running.addErrback(self._keep_start_error)
        elif isinstance(running, asyncio.Task):
            running.add_done_callback(self._task_done)
        self.crawler_process.start()
        if self.start_error is not None:
            print(f"error: {self.start_error}", file=sys.stderr)
            self.exitcode = exit_status.status_of(self.start_error)
        elif self.crawler_process.bootstrap_failed or crawler.stats is None:
            self.exitcode = exit_status.CRAWL_FAILED
        else:
            stats = crawler.stats.get_stats()
            print(exit_status.format_summary(stats))
            # Decided once, by the manifest extension when the spider closed; a crawl that never got
            # that far failed.
            self.exitcode = stats.get(names.EXIT_STATUS, exit_status.CRAWL_FAILED)

    def _keep_start_error(self, failure: Failure) -> Any:
        if isinstance(failure.value, ArchiverError):
            self.start_error = failure.value
            return None
        return failure

    def _task_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        error = task.exception()  # retrieving it keeps asyncio from printing it again
        if isinstance(error, ArchiverError):
            self.start_error = error
        elif error is not None:
            print(f"error: the crawl could not start: {type(error).__name__}: {error}", file=sys.stderr)
