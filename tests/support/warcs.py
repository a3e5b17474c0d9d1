"""Checks of the archive's WARC segments with the standard readers: warcio (every record read, every
digest checked), cdxj-indexer (the index it makes of a segment must be the one stored beside it),
and every record's ``capture`` read back from the bytes the archive holds."""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from cdxj_indexer.main import write_cdx_index
from warcio.archiveiterator import ArchiveIterator

SEGMENT = re.compile(r"^warc/date=(\d{4}-\d{2}-\d{2})/(newsarchive-(\d{14})-[^/]+)\.warc\.gz$")


def archive_objects(root: Path) -> dict[str, bytes]:
    """Every object of a local archive, by key."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def unprefixed(objects: dict[str, bytes], prefix: str) -> dict[str, bytes]:
    """A bucket's objects under ``prefix`` (the archive's), by their keys in the archive."""
    return {key[len(prefix) :]: data for key, data in objects.items() if key.startswith(prefix)}


def segments(objects: dict[str, bytes]) -> dict[str, bytes]:
    return {key: data for key, data in objects.items() if key.endswith(".warc.gz")}


def check_segments(objects: dict[str, bytes]) -> Counter[str]:
    """Read every record of every segment with its digests checked, compare each index with
    cdxj-indexer's; returns the records by WARC-Type (a truncated gzip member fails the read)."""
    types: Counter[str] = Counter()
    for key, data in segments(objects).items():
        match = SEGMENT.match(key)
        assert match is not None, key
        assert match[1] == f"{match[3][:4]}-{match[3][4:6]}-{match[3][6:8]}"  # the day it was opened
        for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
            record.content_stream().read()  # the digests are checked as the record is read
            types[record.rec_type] += 1
        expected = io.StringIO()
        with tempfile.TemporaryDirectory() as directory:  # cdxj-indexer names the file it reads
            copy = Path(directory) / f"{match[2]}.warc.gz"
            copy.write_bytes(data)
            write_cdx_index(expected, [str(copy)], {"sort": True, "records": "response,revisit,conversion"})
        assert objects[key[: -len(".warc.gz")] + ".cdxj"].decode("utf-8") == expected.getvalue(), key
    return types


def resolve(objects: dict[str, bytes], capture: dict[str, Any]) -> tuple[Any, bytes]:
    """The WARC record a record's ``capture`` points to, read from its gzip member alone (its digests
    checked), and its payload."""
    segment = objects[capture["warc"]]
    member = segment[capture["offset"] : capture["offset"] + capture["length"]]
    records = iter(ArchiveIterator(io.BytesIO(member), check_digests="raise"))
    record = next(records)
    body = record.content_stream().read()
    assert next(records, None) is None, "more than one record in the member"
    return record, body


def check_captures(objects: dict[str, bytes], records: dict[str, dict[str, Any]]) -> None:
    """Every record points to the response holding its page, in a segment the archive holds."""
    for key, record in records.items():
        capture = record["capture"]
        assert capture is not None, key
        response, _ = resolve(objects, capture)
        headers = response.rec_headers
        assert response.rec_type == "response", key
        assert headers.get_header("WARC-Record-ID") == capture["record_id"]
        assert headers.get_header("WARC-Payload-Digest") == capture["digest"]
        assert headers.get_header("WARC-Target-URI") == capture["url"]
        assert headers.get_header("WARC-Date") == capture["date"]


def metadata_records(objects: dict[str, bytes]) -> list[dict[str, str]]:
    """The content of every metadata record, as its WARC named fields, with the record it refers to."""
    found = []
    for data in segments(objects).values():
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type == "metadata":
                fields = dict(
                    line.split(": ", 1)
                    for line in record.content_stream().read().decode("utf-8").splitlines()
                )
                found.append({**fields, "refers_to": record.rec_headers.get_header("WARC-Refers-To")})
    return found


def manifests(objects: dict[str, bytes]) -> list[dict[str, Any]]:
    return [json.loads(data) for key, data in objects.items() if key.startswith("runs/")]
