"""``newsarchive flush``: deliver what a crawler left in its spool for an archive: records (versioned
as the crawl would have), run manifests and WARC segments (a segment left open by a crawl that died is
sealed first).

Safe beside a running crawl: deliveries take the spool's lock, a running crawl's open segment is
locked by it, and the archive's conditional writes keep a version from being stored twice. The
summary goes to stderr, like download's.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

from crawler import exit_status
from crawler import stats as names
from crawler.config import project_settings
from crawler.errors import StorageError, StorageUnavailable, UsageError
from crawler.stats import Counts
from crawler.wording import plural
from pipelines.storage import open_store
from pipelines.write.delivery import Archiver
from pipelines.write.segments import Segments
from pipelines.write.spool import Spool
from pipelines.write.url_index import UrlIndex


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "flush",
        parents=[common],
        help="deliver what waits in the crawler's spool (records it could not store) to the archive",
    )
    parser.add_argument(
        "--spool-dir",
        metavar="DIR",
        help="the crawler's ARCHIVE_SPOOL_DIR (default: the setting, from $ARCHIVE_SPOOL_DIR, else"
        " ~/.cache/newsarchive/spool)",
    )
    parser.add_argument("--attempts", type=int, default=3, help="attempts per record (default 3)")
    parser.set_defaults(run=run)


def run(options: argparse.Namespace, out: IO[str]) -> int:
    command_flush(options)
    return exit_status.OK


def command_flush(options: argparse.Namespace) -> None:
    if options.attempts < 1:
        raise UsageError(f"--attempts {options.attempts}: must be at least 1")
    settings = project_settings()
    store = open_store(options.archive or settings.get("ARCHIVE_URI"), settings)
    spool = Spool(options.spool_dir or settings.get("ARCHIVE_SPOOL_DIR"), store.uri)
    segments = Segments(spool.segments_directory)
    segments.recover()
    waiting = spool.count()
    sealed = len(segments.sealed())
    if not waiting and not spool.count_objects() and not sealed:
        print(f"nothing to deliver: no records waiting in {spool.directory} for {store.uri}", file=sys.stderr)
        return
    try:
        store.check_readable()
    except StorageUnavailable as exc:
        raise StorageUnavailable(
            f"{plural(waiting, 'record')} and {plural(sealed, 'WARC segment')} still waiting in the spool"
            f" {spool.directory}: {exc}",
            kind=exc.kind,
        ) from None
    index = UrlIndex(store, spool=spool.directory)
    archiver = Archiver(store, spool, Counts(), attempts=options.attempts, index=index)
    done = archiver.deliver_spooled(wait=True)
    index.flush(keep=True)
    delivered_segments = 0
    if done.error is None:
        with spool.delivering(wait=True):
            try:
                delivered_segments = sum(1 for _ in segments.deliver(store))
            except StorageError as exc:
                done.error = exc
    left = spool.count()
    outcomes = {name: done.outcomes[key] for key, name in names.OUTCOMES.items()}
    print(
        f"delivered {plural(done.records, 'record')} ("
        + ", ".join(f"{name} {count}" for name, count in outcomes.items())
        + f"), {plural(done.objects, 'run manifest')} and {plural(delivered_segments, 'WARC segment')}"
        f" from {spool.directory} to {store.uri}",
        file=sys.stderr,
    )
    if done.error is not None:
        segments_left = len(segments.sealed())
        raise StorageError(
            f"{plural(left, 'record')} and {plural(segments_left, 'WARC segment')} still waiting in the"
            f" spool {spool.directory}: {done.error}",
            retryable=done.error.retryable,
            kind=done.error.kind,
        )
    if done.unreadable:
        raise StorageError(
            f"{plural(done.unreadable, 'spooled entry', 'spooled entries')} not readable as records;"
            f" kept as *.unreadable in {spool.directory}",
            retryable=False,
        )
