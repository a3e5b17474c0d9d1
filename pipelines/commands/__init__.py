"""``newsarchive``: list, fetch and download archived records (and the raw pages they were read
from), show what changed between an article's versions, extract captured pages again, compact days
into Parquet, see each site's health, and deliver the crawler's spool; no Scrapy project needed
around it.

One module per command, each with its options beside its code (``add_parser``) and its ``run``; this
module only builds the command line from them and dispatches. It works the same on a directory and on
a bucket: ``--archive URI`` or ARCHIVE_URI. It reads the project's settings module as the crawl does,
so the same environment (ARCHIVE_URI, ARCHIVE_SPOOL_DIR, AWS_ENDPOINT_URL, AWS_REGION_NAME, ...;
credentials through boto3's chain) means the same archive. Errors are one line on stderr with the
project's exit statuses (crawler.exit_status); --debug adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import IO

from crawler import exit_status
from crawler.command_line import UsageParser
from crawler.errors import ArchiverError, UsageError
from pipelines.commands import (
    changes,
    compact,
    diff,
    download,
    flush,
    get,
    health,
    ls,
    reextract,
    stats,
    stories,
)
from pipelines.commands.common import common_options, filter_options

COMMANDS = (ls, get, diff, changes, stories, download, stats, health, reextract, compact, flush)


def build_parser() -> argparse.ArgumentParser:
    parser = UsageParser(
        prog="newsarchive",
        description="List, fetch and download the records of a news archive (a directory or s3://bucket/prefix).",
        epilog="Exit statuses: "
        + "; ".join(f"{code} {text}" for code, text in exit_status.EXIT_STATUSES.items()),
    )
    parser.add_argument("--archive", metavar="URI", help="default: $ARCHIVE_URI, else ./archive")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--workers", type=int, default=8, help="parallel reads and downloads (default 8)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common, filters = common_options(), filter_options()
    for command in COMMANDS:
        command.add_parser(commands, common, filters)
    return parser


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line, with every value checked before the archive is touched."""
    options = build_parser().parse_args(argv)
    if options.workers < 1:
        raise UsageError(f"--workers {options.workers}: must be at least 1")
    check = getattr(options, "check", None)
    if check is not None:
        check(options)
    return options


def main(argv: list[str] | None = None, out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    try:
        options = parse_arguments(argv)
        status: int = options.run(options, out)
        return status
    except ArchiverError as exc:
        return _fail(exit_status.status_of(exc), str(exc), debug)
    except BrokenPipeError:  # `newsarchive ls | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except OSError as exc:
        return _fail(exit_status.CRAWL_FAILED, f"{exc.filename or 'output'}: {exc.strerror or exc}", debug)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            raise
        return _fail(
            exit_status.CRAWL_FAILED,
            f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)",
            False,
        )


def _fail(status: int, message: str, debug: bool) -> int:
    if debug:
        import traceback

        traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    return status
