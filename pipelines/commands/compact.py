"""``newsarchive compact``: each chosen day's records written as Parquet files and a manifest
(pipelines.read.compaction), one day after the other; ``--prune`` then deletes the loose records the
stored manifest covers. A line per day on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from typing import IO, Any

from scrapy.settings import BaseSettings

from crawler import config
from crawler.config import project_settings
from crawler.errors import UsageError
from crawler.wording import plural
from pipelines.commands.common import is_day, now, reading
from pipelines.read.compaction import StorySettings, compact_day
from pipelines.read.records import ArchiveReader


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "compact",
        parents=[common],
        help="write each day's records as Parquet files (the latest versions, the older ones) and a manifest",
    )
    days = parser.add_mutually_exclusive_group()
    days.add_argument("--day", metavar="YYYY-MM-DD", help="this day only")
    days.add_argument(
        "--before", metavar="YYYY-MM-DD", help="every day before this one (default: today, UTC)"
    )
    parser.add_argument(
        "--prune", action="store_true", help="then delete the loose records the stored manifest covers"
    )
    parser.set_defaults(run=reading(command_compact), check=check_days)


def check_days(options: argparse.Namespace) -> None:
    for option in ("day", "before"):
        value = getattr(options, option)
        if value is not None and not is_day(value):
            raise UsageError(f"--{option} {value}: not a day (YYYY-MM-DD)")


def story_settings(settings: BaseSettings) -> StorySettings:
    """ARCHIVE_STORY_THRESHOLD and ARCHIVE_STORY_WINDOW, checked."""
    threshold = config.number(settings, "ARCHIVE_STORY_THRESHOLD")
    if not 0 < threshold <= 1:
        raise config.invalid(settings, "ARCHIVE_STORY_THRESHOLD", "a Jaccard similarity: above 0, at most 1")
    return StorySettings(threshold, config.duration(settings, "ARCHIVE_STORY_WINDOW").days)


def command_compact(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    if options.day:
        days = [options.day] if options.day in reader.days() else []
    else:
        before = options.before or now().date().isoformat()
        days = [day for day in reader.days() if day < before]
    stories = story_settings(project_settings())
    for day in days:
        started = time.monotonic()
        done = compact_day(reader.store, day, prune=options.prune, parallel=reader.parallel, stories=stories)
        reader.bad.extend(done.bad)
        action = f"{plural(done.added, 'record')} added" if done.written else "already compacted"
        pruned = f"; {plural(done.pruned, 'loose record')} pruned" if options.prune else ""
        print(
            f"compacted {day}: {plural(done.records, 'record')} ({action}){pruned}"
            f" in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
    if not days:
        print("compacted nothing: no day with records in that range", file=sys.stderr)
