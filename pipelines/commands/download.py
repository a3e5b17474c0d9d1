"""``newsarchive download``: the selected records written out, to a directory that mirrors the keys,
or as JSON lines (plain, gzip, stdout).

Both write through pipelines.storage.files (a temporary name, then a rename), so an interrupted
download never leaves a partial file under a final name, and a re-run of a directory download skips
what is already there and identical.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol

from crawler.errors import BadRecord, NotFound
from pipelines.commands.common import Progress, check_filters, reading
from pipelines.read.records import ArchiveReader, Selected, parallel_map
from pipelines.storage.files import atomic_file, write_atomically


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "download", parents=[common, filters], help="copy records to a directory or a JSON lines file"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        help="DIR (mirrors the keys), FILE.jsonl, FILE.jsonl.gz, or - for stdout",
    )
    parser.add_argument(
        "--one-per-story",
        action="store_true",
        help="of each story's copies, only the first fetched (compacted days; see `stories`)",
    )
    parser.set_defaults(run=reading(command_download), check=check_filters)


def command_download(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    started = time.monotonic()
    selected = reader.select(options.query)
    if options.one_per_story:
        selected = reader.one_per_story(selected)
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


class ByteSink(Protocol):
    def write(self, data: bytes, /) -> int: ...


def download_files(
    reader: ArchiveReader, selected: list[Selected], root: Path, progress: Progress
) -> tuple[int, int, int]:
    """Mirror the keys under ``root``; a file already there and identical is not written again."""

    def fetch(item: Selected) -> tuple[bool, int]:
        path = root / item.ref.key
        known = item.ref.md5 and path.is_file() and path.stat().st_size == item.ref.size
        if known and hashlib.md5(path.read_bytes()).hexdigest() == item.ref.md5:
            return False, 0  # S3 told its MD5 in the listing: no download needed
        data = reader.raw(item.ref.key)
        if path.is_file() and path.read_bytes() == data:
            return False, 0
        write_atomically(path, data)
        return True, len(data)

    written = present = size = 0
    for fresh, count in parallel_map(fetch, selected, reader.workers):
        written += fresh
        present += not fresh
        size += count
        progress.step()
    return written, present, size


def download_lines(
    reader: ArchiveReader, selected: list[Selected], target: str, out: IO[str], progress: Progress
) -> tuple[int, int]:
    """One compact JSON record per line, in key order; a file appears under its name only when whole."""

    def line(item: Selected) -> bytes:
        try:
            record = item.record if item.record is not None else reader.read(item.ref.key)
        except (BadRecord, NotFound) as exc:
            reader.bad.append(BadRecord(str(exc)))
            return b""
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")

    count = size = 0
    with _output(target, out) as sink:
        for data in parallel_map(line, selected, reader.workers):
            progress.step()
            if data:
                sink.write(data)
                count += 1
                size += len(data)
    return count, size


@contextmanager
def _output(target: str, out: IO[str]) -> Iterator[ByteSink]:
    if target == "-":
        stream = getattr(out, "buffer", None)
        if stream is None:  # a text stream without bytes (tests capturing output)
            yield _TextSink(out)
        else:
            yield stream
            stream.flush()
        return
    path = Path(target)
    with atomic_file(path) as raw:
        if target.endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="wb", filename=path.name[:-3], mtime=0) as packed:
                yield packed
        else:
            yield raw


class _TextSink:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        return self.out.write(data.decode("utf-8"))
