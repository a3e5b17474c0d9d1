"""``newsarchive get URL-or-ID``: an article's record as JSON (``--all-versions``: every version), or
the page it was read from, from the WARC segment (``--raw``: its body; ``--warc FILE``: its record)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from crawler.errors import NotFound
from pipelines.commands.common import reading
from pipelines.read.raw import read_member, read_page
from pipelines.read.records import ArchiveReader


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("get", parents=[common], help="print an article's record as JSON")
    parser.add_argument("target", metavar="URL-or-ID")
    parser.add_argument(
        "--all-versions", action="store_true", help="a JSON array of every version, oldest first"
    )
    raw = parser.add_mutually_exclusive_group()
    raw.add_argument(
        "--raw", action="store_true", help="print the page as captured (its body), from the WARC segment"
    )
    raw.add_argument(
        "--warc", metavar="FILE", help="write the page's WARC response record to FILE (.warc.gz)"
    )
    parser.set_defaults(run=reading(command_get))


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
