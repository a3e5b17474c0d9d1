"""Raw pages read back from the archive's WARC segments, never from the network: one page by its
record's pointer (``newsarchive get --raw``), or every capture a query selects, through the
segments' CDXJ indexes (``newsarchive reextract``).

A read is one ranged GET (or seek) of the response record's gzip member plus a little more, for the
metadata record written right after it, which says who fetched the page and what became of it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import timestamp_to_datetime

from crawler.errors import BadRecord, NotFound
from crawler.record import CaptureRef, parse_utc
from crawler.warc import Exchange, parse_metadata
from pipelines.storage import ArchiveStore
from pipelines.storage.keys import partition_days, segments_prefix

_NOT_PAGES = re.compile(r"javascript|ecmascript|json|css|^image/|^font/|^audio/|^video/")
# The metadata record follows the response in the segment; a few kB hold it whole.
_METADATA_ROOM = 16 * 1024


@dataclass(frozen=True)
class Capture:
    """One captured response as the index names it."""

    segment: str  # the segment's archive key
    offset: int
    length: int
    url: str
    timestamp: str  # 14 digits, UTC
    revisit: bool
    mime: str = ""

    @property
    def fetched_at(self) -> datetime:
        return timestamp_to_datetime(self.timestamp).replace(tzinfo=timezone.utc)

    @property
    def page(self) -> bool:
        """Not what a rendered page's scripts fetched (its scripts, its JSON, its styles)."""
        return not _NOT_PAGES.search(self.mime)

    @property
    def domain(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


@dataclass(frozen=True)
class RawPage:
    """A response record read back: the exchange as captured, and its metadata record's content."""

    exchange: Exchange
    ref: CaptureRef
    metadata: dict[str, Any]  # crawler.warc.metadata_of: who fetched the page, what became of it


def read_member(store: ArchiveStore, key: str, offset: int, length: int) -> bytes:
    data = store.read_range(key, offset, length)
    if data is None:
        raise NotFound(
            f"{key} is not in {store.uri} yet: it waits in the spool of the machine that crawled it"
            " (delivered by its next run, or `newsarchive flush` there)"
        )
    return data


def read_page(store: ArchiveStore, key: str, offset: int, length: int) -> RawPage:
    """The response record at ``offset`` in the segment ``key``, with the metadata record after it."""
    data = read_member(store, key, offset, length + _METADATA_ROOM)
    records = ArchiveIterator(io.BytesIO(data))
    try:
        response = next(records)
        if response.rec_type not in ("response", "conversion"):
            raise BadRecord(f"{key} at {offset}: a {response.rec_type} record, not a response")
        body = response.content_stream().read()
        metadata: dict[str, Any] = {}
        for record in records:
            if record.rec_type == "metadata":
                metadata = parse_metadata(record.content_stream().read())
            break
    except (ArchiveLoadFailed, StopIteration, ValueError, EOFError) as exc:
        raise BadRecord(f"{key} at {offset}: not a WARC response record ({exc})") from None
    headers = response.rec_headers
    http = response.http_headers
    rendered = response.rec_type == "conversion"  # a rendered page's DOM (crawler.warc.capture_rendered)
    if rendered:
        status, protocol = 200, "HTTP/1.1"
        received = [("Content-Type", str(headers.get_header("Content-Type") or "text/html"))]
    else:
        status, protocol = int(http.get_statuscode() or 0), str(http.protocol or "HTTP/1.1")
        received = [(name, value) for name, value in http.headers]
    exchange = Exchange(
        url=str(headers.get_header("WARC-Target-URI")),
        method="GET",
        request_headers=[],
        status=status,
        protocol=protocol,
        response_headers=received,
        body=body,
        ip_address=headers.get_header("WARC-IP-Address"),
        fetched_at=parse_utc(str(headers.get_header("WARC-Date"))),
    )
    ref = CaptureRef(
        warc=key,
        offset=offset,
        length=length,
        record_id=str(headers.get_header("WARC-Record-ID")),
        digest=str(headers.get_header("WARC-Payload-Digest")),
        url=exchange.url,
        date=str(headers.get_header("WARC-Date")),
        rendered=rendered,
    )
    return RawPage(exchange, ref, metadata)


def segment_days(store: ArchiveStore) -> list[str]:
    return partition_days(store, segments_prefix())


def captures(store: ArchiveStore, days: list[str]) -> Iterator[Capture]:
    """Every capture the indexes of the segments of ``days`` name, in fetch order within a day."""
    for day in days:
        found: list[Capture] = []
        for item in store.objects(segments_prefix(day)):
            if not item.key.endswith(".cdxj"):
                continue
            segment = item.key[: -len(".cdxj")] + ".warc.gz"
            found.extend(_index_entries(store, item.key, segment))
        yield from sorted(found, key=lambda c: (c.timestamp, c.segment, c.offset))


def _index_entries(store: ArchiveStore, index_key: str, segment: str) -> Iterator[Capture]:
    found = store.read(index_key)
    if found is None:
        return
    for line in found[0].decode("utf-8").splitlines():
        _, timestamp, fields = line.split(" ", 2)
        entry = json.loads(fields)
        yield Capture(
            segment=segment,
            offset=int(entry["offset"]),
            length=int(entry["length"]),
            url=entry["url"],
            timestamp=timestamp,
            revisit=entry.get("mime") == "warc/revisit",
            mime=entry.get("mime") or "",
        )
