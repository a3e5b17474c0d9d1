"""``newsarchive stats``: the selected records counted by day and domain, and the latest runs."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import IO, Any

from pipelines.commands.common import check_filters, reading
from pipelines.read.records import ArchiveReader
from pipelines.read.runs import RunManifests

# The latest runs are taken from this many days of manifests (the days that have any).
_RUN_DAYS = 7


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "stats", parents=[common, filters], help="records by day and domain, latest runs"
    )
    parser.add_argument("--runs", type=int, default=10, help="how many recent runs to show (default 10)")
    parser.add_argument("--json", action="store_true", help="one JSON document instead")
    parser.set_defaults(run=reading(command_stats), check=check_filters)


def command_stats(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    selected = reader.select(options.query)
    counts = Counter((item.ref.day, item.ref.domain) for item in selected)
    manifests = RunManifests(reader.store, reader.workers)
    runs = list(manifests.newest_first(days=_RUN_DAYS))[: options.runs]
    reader.bad.extend(manifests.bad)
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
