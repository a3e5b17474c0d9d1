"""``newsarchive ls``: one line per selected record (date, domain, title, id, version), or JSON lines."""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from pipelines.commands.common import check_filters, reading
from pipelines.read.records import PUBLISHED, ArchiveReader


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "ls", parents=[common, filters], help="one line per record: date, domain, title, id, version"
    )
    parser.add_argument("--json", action="store_true", help="JSON lines instead")
    parser.set_defaults(run=reading(command_ls), check=check_filters)


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
