"""``newsarchive``: list, fetch and download archived records (and the raw pages they were read
from), extract captured pages again (``reextract``), compact days into Parquet (``compact``), and
deliver the crawler's spool (``flush``); no Scrapy project needed around it.

It works the same on a directory and on a bucket: ``--archive URI`` or ARCHIVE_URI. It reads the
project's settings module as the crawl does, so the same environment (ARCHIVE_URI, ARCHIVE_SPOOL_DIR,
AWS_ENDPOINT_URL, AWS_REGION_NAME, ...; credentials through boto3's chain) means the same archive.
Errors are one line on stderr with the project's exit statuses (crawler.outcome); --debug adds the
traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

from crawler import config, outcome
from crawler.config import project_settings
from crawler.durations import parse_since
from crawler.errors import ArchiverError, NotFound, UsageError
from crawler.extraction import EXTRACTOR
from crawler.health import FIGURES
from crawler.outcome import EXIT_STATUSES, plural
from crawler.workers import ExtractionPool, available_cores
from pipelines import health_report
from pipelines.compaction import compact_day
from pipelines.delivery import Archiver, Counts
from pipelines.download import Progress, download_files, download_lines
from pipelines.flush import command_flush
from pipelines.raw import read_member, read_page
from pipelines.reader import ALL, FETCHED, LATEST, PUBLISHED, ArchiveReader, Query
from pipelines.reextract import reextract, selected
from pipelines.spool import Spool
from pipelines.stores import ArchiveStore, open_store

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(message)


def _options_parsers() -> tuple[_Parser, _Parser]:
    common = _Parser(add_help=False)
    # SUPPRESS: given after the command, they override the same options given before it.
    common.add_argument(
        "--archive", metavar="URI", default=argparse.SUPPRESS, help="default: $ARCHIVE_URI, else ./archive"
    )
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    common.add_argument(
        "--workers", type=int, default=argparse.SUPPRESS, help="parallel reads and downloads (default 8)"
    )
    filters = _Parser(add_help=False)
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
    return common, filters


def build_parser() -> argparse.ArgumentParser:
    common, filters = _options_parsers()
    parser = _Parser(
        prog="newsarchive",
        description="List, fetch and download the records of a news archive (a directory or s3://bucket/prefix).",
        epilog="Exit statuses: " + "; ".join(f"{code} {text}" for code, text in EXIT_STATUSES.items()),
    )
    parser.add_argument("--archive", metavar="URI", help="default: $ARCHIVE_URI, else ./archive")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--workers", type=int, default=8, help="parallel reads and downloads (default 8)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ls = commands.add_parser(
        "ls", parents=[common, filters], help="one line per record: date, domain, title, id, version"
    )
    ls.add_argument("--json", action="store_true", help="JSON lines instead")
    get = commands.add_parser("get", parents=[common], help="print an article's record as JSON")
    get.add_argument("target", metavar="URL-or-ID")
    get.add_argument(
        "--all-versions", action="store_true", help="a JSON array of every version, oldest first"
    )
    raw = get.add_mutually_exclusive_group()
    raw.add_argument(
        "--raw", action="store_true", help="print the page as captured (its body), from the WARC segment"
    )
    raw.add_argument(
        "--warc", metavar="FILE", help="write the page's WARC response record to FILE (.warc.gz)"
    )
    download = commands.add_parser(
        "download", parents=[common, filters], help="copy records to a directory or a JSON lines file"
    )
    download.add_argument(
        "-o",
        "--output",
        required=True,
        help="DIR (mirrors the keys), FILE.jsonl, FILE.jsonl.gz, or - for stdout",
    )
    stats = commands.add_parser(
        "stats", parents=[common, filters], help="records by day and domain, latest runs"
    )
    stats.add_argument("--runs", type=int, default=10, help="how many recent runs to show (default 10)")
    stats.add_argument("--json", action="store_true", help="one JSON document instead")
    health = commands.add_parser(
        "health", parents=[common], help="each site's extraction figures over the runs, the degraded marked"
    )
    health.add_argument("--since", metavar="DATE", default="30d", help="runs started since (default 30d)")
    health.add_argument("--domain", action="append", default=[], help="a host; repeatable")
    health.add_argument("--job", action="append", default=[], help="a job's name; repeatable")
    health.add_argument("--json", action="store_true", help="one JSON document instead of the table")
    health.add_argument(
        "--figure", choices=FIGURES, default="body_median", help="the figure plotted (default body_median)"
    )
    health.add_argument("--plot", metavar="FILE", help="the figure over the runs as an SVG chart")
    health.add_argument(
        "--prometheus",
        metavar="FILE",
        help="the latest figures in Prometheus's text format (textfile collector)",
    )
    reextract = commands.add_parser(
        "reextract",
        parents=[common, filters],
        help="extract the captured pages again (from the WARC segments, never the network)",
    )
    reextract.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
    reextract.add_argument(
        "--processes", type=int, default=0, help="extraction processes (default: one per core)"
    )
    compact = commands.add_parser(
        "compact",
        parents=[common],
        help="write each day's records as Parquet files (the latest versions, the older ones) and a manifest",
    )
    days = compact.add_mutually_exclusive_group()
    days.add_argument("--day", metavar="YYYY-MM-DD", help="this day only")
    days.add_argument(
        "--before", metavar="YYYY-MM-DD", help="every day before this one (default: today, UTC)"
    )
    compact.add_argument(
        "--prune", action="store_true", help="then delete the loose records the stored manifest covers"
    )
    flush = commands.add_parser(
        "flush",
        parents=[common],
        help="deliver what waits in the crawler's spool (records it could not store) to the archive",
    )
    flush.add_argument(
        "--spool-dir",
        metavar="DIR",
        help="the crawler's ARCHIVE_SPOOL_DIR (default: the setting, from $ARCHIVE_SPOOL_DIR, else"
        " ~/.cache/newsarchive/spool)",
    )
    flush.add_argument("--attempts", type=int, default=3, help="attempts per record (default 3)")
    return parser


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line, with every value checked before the archive is touched."""
    options = build_parser().parse_args(argv)
    if options.workers < 1:
        raise UsageError(f"--workers {options.workers}: must be at least 1")
    if hasattr(options, "versions"):  # a command with the record filters
        options.query = parse_query(options, _now())
    for option in ("day", "before"):
        value = getattr(options, option, None)
        if value is not None and not _is_day(value):
            raise UsageError(f"--{option} {value}: not a day (YYYY-MM-DD)")
    return options


def _is_day(text: str) -> bool:
    try:
        return bool(_DAY.match(text)) and datetime.fromisoformat(text) is not None
    except ValueError:
        return False


def parse_query(options: argparse.Namespace, now: datetime) -> Query:
    since = _point(options.since, "--since", now) if options.since else None
    before = None
    if options.until:
        until = _point(options.until, "--until", now)
        before = until + (
            timedelta(days=1) if _DAY.match(options.until.strip()) else timedelta(microseconds=1)
        )
    return Query(
        since=since,
        before=before,
        by=options.by,
        domains=tuple(d.lower() for d in options.domain),
        spiders=tuple(options.spider),
        jobs=tuple(options.job),
        versions=options.versions,
    )


def _point(text: str, option: str, now: datetime) -> datetime:
    try:
        return parse_since(text, now)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def open_archive(uri: str | None) -> ArchiveStore:
    """The archive ``--archive`` names, else the settings' ARCHIVE_URI; it must exist."""
    settings = project_settings()
    store = open_store(uri or settings.get("ARCHIVE_URI"), settings)
    store.check_readable()
    return store


# --- commands ---------------------------------------------------------------------------------------


def command_ls(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    for item in reader.select(options.query, read_all=True):
        record = item.record or {}
        day = (record.get("published_date") if options.by == PUBLISHED else item.ref.day) or "-"
        if options.json:
            line = {
                "date": day,
                "domain": item.ref.domain,
                "title": record.get("title"),
                "id": item.ref.id,
                "version": record.get("version"),
                "url": record.get("url"),
                "fetched_at": record.get("fetched_at"),
                "published_at": record.get("published_at"),
                "key": item.ref.key,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            title = " ".join(str(record.get("title") or "-").split())
            out.write(f"{day}\t{item.ref.domain}\t{title}\t{item.ref.id}\t{record.get('version') or '-'}\n")


def command_get(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    versions = reader.versions(options.target)
    if options.raw or options.warc:
        capture = versions[-1].get("capture")
        if not capture:
            raise NotFound(f"no raw page of {options.target}: it was archived with ARCHIVE_WARC off")
        if options.warc:
            member = read_member(reader.store, capture["warc"], capture["offset"], capture["length"])
            Path(options.warc).write_bytes(member)
            return
        page = read_page(reader.store, capture["warc"], capture["offset"], capture["length"])
        stream = getattr(out, "buffer", None)
        if stream is None:  # a text stream without bytes (tests capturing output)
            out.write(page.exchange.body.decode("utf-8", "replace"))
        else:
            stream.write(page.exchange.body)
            stream.flush()
        return
    document: Any = versions if options.all_versions else versions[-1]
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def command_stats(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    selected = reader.select(options.query)
    counts = Counter((item.ref.day, item.ref.domain) for item in selected)
    runs = reader.manifests()[: options.runs]
    if options.json:
        document = {
            "records": [{"date": d, "domain": h, "records": n} for (d, h), n in sorted(counts.items())],
            "total": len(selected),
            "runs": runs,
        }
        out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        return
    out.write("date\tdomain\trecords\n")
    for (day, domain), count in sorted(counts.items()):
        out.write(f"{day}\t{domain}\t{count}\n")
    out.write(f"total\t\t{len(selected)}\n")
    out.write(f"\nlatest runs ({len(runs)})\n")
    for run in runs:
        figures = run.get("counts", {})
        out.write(
            f"{run.get('started_at')}\t{run.get('job_id')}\t{run.get('spider')}"
            f"\texit {run.get('exit_status')}"
            f"\tnew {figures.get('new', 0)}\tchanged {figures.get('changed', 0)}"
            f"\tunchanged {figures.get('unchanged', 0) + figures.get('not_modified', 0)}"
            f"\tfresh {figures.get('fresh', 0)}\tskipped {sum(figures.get('skipped', {}).values())}\n"
        )


def command_download(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    started = time.monotonic()
    selected = reader.select(options.query)
    progress = Progress(len(selected), sys.stderr)
    target = options.output
    if target == "-" or target.endswith((".jsonl", ".jsonl.gz")):
        written, size = download_lines(reader, selected, target, out, progress)
        present = 0
    else:
        written, present, size = download_files(reader, selected, Path(target), progress)
    progress.done()
    print(
        f"downloaded {written} records ({present} already present), {size} bytes "
        f"in {time.monotonic() - started:.1f} s to {target}",
        file=sys.stderr,
    )


def command_health(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    since = _point(options.since, "--since", _now())
    runs = health_report.domain_runs(
        reader, since, tuple(options.job), tuple(d.lower() for d in options.domain)
    )
    if options.json:
        out.write(json.dumps(runs, ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(health_report.table(runs))
        out.write(health_report.sparklines(runs, options.figure))
    if options.plot:
        health_report.write(options.plot, health_report.svg(runs, options.figure))
    if options.prometheus:
        health_report.write(options.prometheus, health_report.prometheus(runs))


def command_reextract(options: argparse.Namespace) -> None:
    """Extract the selected captured pages again and archive what changed; summary on stderr."""
    started = time.monotonic()
    settings = project_settings()
    store = open_archive(options.archive)
    chosen = selected(store, options.query)
    progress = Progress(len(chosen), sys.stderr, "pages")
    spool = Spool(settings.get("ARCHIVE_SPOOL_DIR"), store.uri)
    pool = ExtractionPool.from_settings(settings, options.processes or available_cores())
    extract_options = config.extract_options(settings)
    try:
        done = reextract(
            store,
            Archiver(store, spool, Counts()),
            chosen,
            options.query,
            pool=pool,
            options=extract_options,
            readers=options.workers,
            dry_run=options.dry_run,
            step=progress.step,
        )
    finally:
        pool.close()
        progress.done()
    skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(done.skipped.items())) or "none"
    verb = "would write" if options.dry_run else "wrote"
    print(
        f"reextracted {plural(done.pages, 'page')} with {EXTRACTOR.version}: {verb}"
        f" new {done.outcomes['new']}, changed {done.outcomes['changed']};"
        f" unchanged {done.outcomes['unchanged']}; skipped {sum(done.skipped.values())} ({skipped})"
        f" in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def command_compact(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    """Compact the chosen days, one after the other; a line per day on stderr."""
    if options.day:
        days = [options.day] if options.day in reader.days() else []
    else:
        before = options.before or _now().date().isoformat()
        days = [day for day in reader.days() if day < before]
    for day in days:
        started = time.monotonic()
        done = compact_day(reader.store, day, prune=options.prune, parallel=reader._parallel)
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


COMMANDS = {
    "ls": command_ls,
    "get": command_get,
    "stats": command_stats,
    "download": command_download,
    "health": command_health,
    "compact": command_compact,
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def main(argv: list[str] | None = None, out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        options = parse_arguments(sys.argv[1:] if argv is None else argv)
        if options.command == "flush":
            command_flush(options)
            return outcome.OK
        if options.command == "reextract":
            command_reextract(options)
            return outcome.OK
        reader = ArchiveReader(open_archive(options.archive), workers=options.workers)
        COMMANDS[options.command](reader, options, out)
    except ArchiverError as exc:
        return _fail(outcome.status_of(exc), str(exc), debug)
    except BrokenPipeError:  # `newsarchive ls | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except OSError as exc:
        return _fail(outcome.CRAWL_FAILED, f"{exc.filename or 'output'}: {exc.strerror or exc}", debug)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            raise
        return _fail(
            outcome.CRAWL_FAILED,
            f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)",
            False,
        )
    for problem in reader.bad:
        print(f"error: {problem}", file=sys.stderr)
    return outcome.BAD_RECORD if reader.bad else outcome.OK


def _fail(status: int, message: str, debug: bool) -> int:
    if debug:
        import traceback

        traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
