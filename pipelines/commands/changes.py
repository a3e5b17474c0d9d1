"""``newsarchive changes``: the versions that changed an article, newest first, with what changed
(``--what title|text|authors|kind|correction|gone|moved``), one line each or JSON lines; the record
filters (``--since 7d``, ``--domain``, ...) choose which."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import IO, Any

from crawler.record import GONE, MOVED
from pipelines.commands.common import check_filters, reading
from pipelines.commands.diff import describe
from pipelines.read.records import ALL, ArchiveReader

WHAT = ("title", "text", "authors", "kind", "correction", GONE, MOVED)
_LINE = ("archived_at", "domain", "id", "version", "url", "title")


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "changes", parents=[common, filters], help="versions that changed an article, newest first"
    )
    parser.add_argument(
        "--what", action="append", choices=WHAT, default=[], help="only these changes; repeatable"
    )
    parser.add_argument("--json", action="store_true", help="JSON lines instead")
    parser.set_defaults(run=reading(command_changes), check=check_filters)


def command_changes(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    found = []
    # Every version: the changes are in the later ones.
    for item in reader.select(replace(options.query, versions=ALL), read_all=True):
        record = item.record or {}
        changes = record.get("changes")
        if isinstance(changes, dict) and _wanted(changes, options.what):
            found.append(record)
    found.sort(key=lambda r: (str(r.get("archived_at")), str(r.get("id"))), reverse=True)
    for record in found:
        if options.json:
            line = {name: record.get(name) for name in _LINE}
            line["changes"] = record["changes"]
            line["moved_to"] = record.get("moved_to")
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            title = " ".join(str(record.get("title") or "-").split())
            what = describe(record["changes"])
            if record.get("moved_to"):
                what += f" to {record['moved_to']}"
            out.write(
                f"{record.get('archived_at')}\t{record.get('domain')}\t{record.get('id')}\t"
                f"v{record.get('version')}\t{what}\t{title}\n"
            )


def _wanted(changes: dict[str, Any], what: list[str]) -> bool:
    if not what:
        return True
    fields = set(changes.get("fields") or [])
    if changes.get("correction"):
        fields.add("correction")
    became = (changes.get("kind") or {}).get("to")
    return any(name in fields or name == became for name in what)
