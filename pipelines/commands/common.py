"""What the ``newsarchive`` commands share: the options every command takes, the record filters, the
archive they open, a progress bar, and the report of unreadable records.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import IO

from crawler import exit_status
from crawler.command_line import UsageParser
from crawler.config import project_settings
from crawler.durations import parse_since
from crawler.errors import UsageError
from pipelines.read.records import ALL, FETCHED, LATEST, PUBLISHED, ArchiveReader, Query
from pipelines.storage import ArchiveStore, open_store

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def common_options() -> UsageParser:
    """--archive, --debug and --workers, also after the command's name."""
    common = UsageParser(add_help=False)
    # SUPPRESS: given after the command, they override the same options given before it.
    common.add_argument(
        "--archive", metavar="URI", default=argparse.SUPPRESS, help="default: $ARCHIVE_URI, else ./archive"
    )
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    common.add_argument(
        "--workers", type=int, default=argparse.SUPPRESS, help="parallel reads and downloads (default 8)"
    )
    return common


def filter_options() -> UsageParser:
    """The record filters of ls, download, stats and reextract; ``check_filters`` makes a Query of them."""
    filters = UsageParser(add_help=False)
    group = filters.add_argument_group("filters")
    group.add_argument(
        "--since", metavar="DATE", help="2021-03-02, an ISO 8601 timestamp, or 7d (7 days ago)"
    )
    group.add_argument("--until", metavar="DATE", help="inclusive: a day counts whole")
    group.add_argument(
        "--by", choices=(FETCHED, PUBLISHED), default=FETCHED, help="which time --since/--until mean"
    )
    group.add_argument(
        "--domain", action="append", default=[], help="a host, e.g. www.example.com; repeatable"
    )
    group.add_argument(
        "--spider", action="append", default=[], help="article, feed, sitemap, site; repeatable"
    )
    group.add_argument("--job", action="append", default=[], help="a job id (see `stats`); repeatable")
    group.add_argument(
        "--versions", choices=(LATEST, ALL), default=LATEST, help="latest: one record per article (default)"
    )
    group.add_argument(
        "--story", metavar="ID", help="the records of one story (see `stories`; compacted days only)"
    )
    return filters


def check_filters(options: argparse.Namespace) -> None:
    """The filters as ``options.query``, checked before the archive is touched."""
    options.query = parse_query(options, now())


def parse_query(options: argparse.Namespace, moment: datetime) -> Query:
    since = point(options.since, "--since", moment) if options.since else None
    before = None
    if options.until:
        until = point(options.until, "--until", moment)
        before = until + (
            timedelta(days=1) if DAY.match(options.until.strip()) else timedelta(microseconds=1)
        )
    return Query(
        since=since,
        before=before,
        by=options.by,
        domains=tuple(d.lower() for d in options.domain),
        spiders=tuple(options.spider),
        jobs=tuple(options.job),
        versions=options.versions,
        story=getattr(options, "story", None) or None,
    )


def point(text: str, option: str, moment: datetime) -> datetime:
    """A point in time as --since takes it (crawler.durations.parse_since), relative to ``moment``."""
    try:
        return parse_since(text, moment)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def is_day(text: str) -> bool:
    try:
        return bool(DAY.match(text)) and datetime.fromisoformat(text) is not None
    except ValueError:
        return False


def now() -> datetime:
    return datetime.now(timezone.utc)


def open_archive(uri: str | None) -> ArchiveStore:
    """The archive ``--archive`` names, else the settings' ARCHIVE_URI; it must exist."""
    settings = project_settings()
    store = open_store(uri or settings.get("ARCHIVE_URI"), settings)
    store.check_readable()
    return store


ReaderCommand = Callable[[ArchiveReader, argparse.Namespace, IO[str]], None]


def reading(command: ReaderCommand) -> Callable[[argparse.Namespace, IO[str]], int]:
    """The ``run`` of a command that reads the archive: the archive opened, the command run, and the
    exit status 9 if it met records it could not read (each said on stderr), else 0."""

    def run(options: argparse.Namespace, out: IO[str]) -> int:
        reader = ArchiveReader(open_archive(options.archive), workers=options.workers)
        command(reader, options, out)
        for problem in reader.bad:
            print(f"error: {problem}", file=sys.stderr)
        return exit_status.BAD_RECORD if reader.bad else exit_status.OK

    return run


class Progress:
    """A one-line progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, total: int, stream: IO[str], unit: str = "records") -> None:
        self.total = total
        self.unit = unit
        self.stream = stream
        self.count = 0
        self.enabled = stream.isatty()
        self._shown = 0.0

    def step(self) -> None:
        self.count += 1
        if self.enabled and (time.monotonic() - self._shown > 0.1 or self.count == self.total):
            self._shown = time.monotonic()
            filled = int(30 * self.count / max(self.total, 1))
            self.stream.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.count}/{self.total} {self.unit}"
            )
            self.stream.flush()

    def done(self) -> None:
        if self.enabled and self.total:
            self.stream.write("\n")
