"""``newsarchive stories``: the largest stories of the compacted days chosen, from their stories files
(pipelines.read.compaction): how many copies, which outlets, when first fetched, the headlines they
ran under, the agencies their bylines name. One line per story, or JSON lines."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from typing import IO, Any

from crawler.errors import UsageError
from pipelines.commands.common import now, parse_query, reading
from pipelines.read.compaction import read_stories
from pipelines.read.records import ArchiveReader


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "stories",
        parents=[common],
        help="the largest stories (copies of one text) of compacted days: outlets, first fetched, headlines",
    )
    parser.add_argument(
        "--since", metavar="DATE", help="2021-03-02, an ISO 8601 timestamp, or 1d (a day ago)"
    )
    parser.add_argument("--until", metavar="DATE", help="inclusive: a day counts whole")
    parser.add_argument(
        "--min-size", type=int, default=2, help="stories of at least this many records (default 2)"
    )
    parser.add_argument("--json", action="store_true", help="JSON lines instead")
    parser.set_defaults(run=reading(command_stories), check=check_stories)


def check_stories(options: argparse.Namespace) -> None:
    if options.min_size < 1:
        raise UsageError(f"--min-size {options.min_size}: must be at least 1")
    options.by, options.domain, options.spider, options.job, options.versions = (
        "fetched",
        [],
        [],
        [],
        "latest",
    )
    options.query = parse_query(options, now())


@dataclass
class Story:
    """One story as the chosen days' stories files tell it."""

    story_id: str
    size: int = 0
    first_fetched_at: str = ""
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # by record id, in the order met

    def add(self, entry: dict[str, Any]) -> None:
        self.size = max(self.size, int(entry["size"]))
        first = str(entry["first_fetched_at"])
        self.first_fetched_at = min(self.first_fetched_at, first) if self.first_fetched_at else first
        for record in entry["records"]:
            self.records.setdefault(record["id"], record)

    def summary(self) -> dict[str, Any]:
        records = sorted(self.records.values(), key=lambda r: (str(r.get("fetched_at")), r["id"]))
        return {
            "story_id": self.story_id,
            # A day's file counts the story as its compaction saw it (with the days before); the days
            # read may together know more of its records.
            "size": max(self.size, len(records)),
            "first_fetched_at": self.first_fetched_at,
            "outlets": sorted({str(r.get("domain")) for r in records}),
            "headlines": list(dict.fromkeys(str(r["title"]) for r in records if r.get("title"))),
            "agencies": sorted({a for r in records for a in r.get("agencies") or []}),
            "records": records,
        }


def command_stories(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    stories: dict[str, Story] = {}
    for day in reader.days():
        if not options.query.days_wanted(day):
            continue
        document = read_stories(reader.store, day)
        for entry in (document or {}).get("stories", []):
            stories.setdefault(entry["story_id"], Story(entry["story_id"])).add(entry)
    summaries = [story.summary() for story in stories.values()]
    chosen = [story for story in summaries if story["size"] >= options.min_size]
    chosen.sort(key=lambda s: (-s["size"], s["first_fetched_at"], s["story_id"]))
    for story in chosen:
        if options.json:
            out.write(json.dumps(story, ensure_ascii=False) + "\n")
        else:
            headline = " ".join((story["headlines"] or ["-"])[0].split())
            outlets = ", ".join(story["outlets"])
            out.write(
                f"{story['size']}\t{story['first_fetched_at']}\t{story['story_id']}\t{outlets}\t{headline}\n"
            )
