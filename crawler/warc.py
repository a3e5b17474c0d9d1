"""The raw page as WARC/1.1 records (ISO 28500), built with warcio: what the archive keeps so that a
page can be extracted again, by a better extractor, without fetching it again.

One fetched page becomes three records, each its own gzip member: the ``request`` as sent, the
``response`` as received (or a ``revisit`` when its payload is the one captured last time), and a
``metadata`` record that refers to it and says what the archive made of it (the extractor and its
version, the record id or the reason it was skipped). A ``304 Not Modified`` answer becomes a
``revisit`` of the server-not-modified profile. A page rendered in a browser adds the requests its scripts
made and the DOM as a ``conversion`` of the response (``capture_rendered``).

The body stored is the one the crawl extracted from: de-chunked and decompressed. Its transfer
headers then no longer describe it, so, as Common Crawl does, they are kept under
``X-Crawler-Transfer-Encoding``, ``X-Crawler-Content-Encoding`` and ``X-Crawler-Content-Length``, and
``Content-Length`` gives the stored length (the classic WARC bug of a de-chunked body still marked
``chunked``: pywb issue 584).

No Scrapy import: the extraction workers build the records (compressing them is CPU work), and the
crawler only appends the bytes to its segment (pipelines.write.segments).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from isal import isal_zlib
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from crawler.record import CaptureRef

WARC_VERSION = "WARC/1.1"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Headers that describe the bytes on the wire, not the body stored.
_TRANSFER_HEADERS = {"transfer-encoding", "content-encoding", "content-length"}
# ISA-L's level 1 (isal, a drop-in zlib): a 170 KB page in 0.5 ms where zlib takes 2 ms at level 1 and
# 4.5 ms at its default, for the same size as zlib's level 1 (measured on the benchmark's pages). The
# crawl's CPU goes to extraction; the members are standard gzip.
GZIP_LEVEL = 1


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange as the crawl saw it: the request sent, the response received."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    protocol: str  # "HTTP/1.1"
    response_headers: list[tuple[str, str]]  # as received, before decompression
    body: bytes  # as extracted: de-chunked and decompressed
    ip_address: str | None
    fetched_at: datetime


@dataclass(frozen=True)
class Captured:
    """The records of one page, ready to append to a segment; offsets are within ``data``."""

    data: bytes
    offset: int  # of the response (or revisit) record's gzip member
    length: int  # of that member
    record_id: str  # its WARC-Record-ID
    revisit: bool
    payload_digest: str  # of the page's body (the digest it had when first captured, for a revisit)
    url: str
    date: str  # WARC-Date
    index: dict[str, Any]  # what the segment's CDXJ index says of the record
    rendered: bool = False  # the record is the conversion holding a rendered page's DOM
    # More lines for the segment's CDXJ index: the responses a rendered page's scripts fetched
    # (offsets within ``data``), which replay tools serve to the page again.
    also_indexed: tuple[dict[str, Any], ...] = ()


def warc_date(moment: datetime) -> str:
    return str(datetime_to_iso_date(moment.astimezone(timezone.utc).replace(tzinfo=None)))


def capture(exchange: Exchange, metadata: dict[str, Any], previous: CaptureRef | None = None) -> Captured:
    """The request, response (or revisit, if the payload is ``previous``'s) and metadata records.

    ``metadata`` is what the archive made of the page: the metadata record's content (``metadata_of``).
    """
    writer = _writer()
    response = _response(writer, exchange)
    digest = str(response.rec_headers.get_header("WARC-Payload-Digest"))
    if previous is not None and previous.digest == digest:
        response_headers = _stored_headers(exchange.response_headers, len(exchange.body))
        http = StatusAndHeaders(_status_line(exchange.status), response_headers, protocol=exchange.protocol)
        common = {"WARC-Date": warc_date(exchange.fetched_at), "WARC-Refers-To": previous.record_id}
        if exchange.ip_address:
            common["WARC-IP-Address"] = exchange.ip_address
        response = writer.create_revisit_record(
            exchange.url, digest, previous.url, previous.date, http_headers=http, warc_headers_dict=common
        )
    return _assemble(writer, exchange, response, metadata, digest, response.rec_type == "revisit")


def capture_rendered(
    dom: Exchange, metadata: dict[str, Any], page: CaptureRef | None, requests: list[Exchange]
) -> Captured:
    """A page rendered in a browser: each request its scripts made (a request and a response record,
    so that a replay tool serves them to the page's scripts again), then the DOM the browser made of
    it, as a ``conversion`` of ``page`` (the response as fetched, already in the segment), and the
    metadata record, which refers to the conversion.

    ``dom`` is the rendered page as an exchange: its URL, when it was rendered, its markup.
    """
    writer = _writer()
    members: list[bytes] = []
    indexed = []
    for exchange in requests:
        response = _response(writer, exchange)
        members.append(_member(writer, _request(writer, exchange, response)))
        offset = sum(map(len, members))
        members.append(_member(writer, response))
        indexed.append(_index_entry(exchange, response, offset, len(members[-1])))
    headers = {"WARC-Date": warc_date(dom.fetched_at)}
    if page is not None:
        headers.update(
            {
                "WARC-Refers-To": page.record_id,
                "WARC-Refers-To-Target-URI": page.url,
                "WARC-Refers-To-Date": page.date,
            }
        )
    content_type = _header(dom.response_headers, "content-type") or "text/html"
    conversion = writer.create_warc_record(
        dom.url, "conversion", payload=io.BytesIO(dom.body), length=len(dom.body),
        warc_content_type=content_type, warc_headers_dict=headers,
    )  # fmt: skip
    record_id = str(conversion.rec_headers.get_header("WARC-Record-ID"))
    date = str(conversion.rec_headers.get_header("WARC-Date"))
    digest = str(conversion.rec_headers.get_header("WARC-Payload-Digest"))
    offset = sum(map(len, members))
    members.append(_member(writer, conversion))
    members.append(_member(writer, _metadata(writer, dom.url, date, record_id, metadata)))
    # As cdxj-indexer indexes a conversion record: no HTTP status.
    index = {
        "date": date, "url": dom.url, "mime": _mime(content_type), "digest": digest,
        "length": str(len(members[-2])), "offset": str(offset),
    }  # fmt: skip
    return Captured(
        data=b"".join(members), offset=offset, length=len(members[-2]), record_id=record_id, revisit=False,
        payload_digest=digest, url=dom.url, date=date, index=index, rendered=True,
        also_indexed=tuple(indexed),
    )  # fmt: skip


def _index_entry(exchange: Exchange, response: Any, offset: int, length: int) -> dict[str, Any]:
    return {
        "date": str(response.rec_headers.get_header("WARC-Date")),
        "url": exchange.url,
        "mime": _mime(_header(exchange.response_headers, "content-type")),
        "status": str(exchange.status),
        "digest": str(response.rec_headers.get_header("WARC-Payload-Digest")),
        "length": str(length),
        "offset": str(offset),
    }


def _mime(content_type: str) -> str:
    return re.split(r"[;\s]", content_type.strip(), maxsplit=1)[0]


def _response(writer: WARCWriter, exchange: Exchange) -> Any:
    response_headers = _stored_headers(exchange.response_headers, len(exchange.body))
    http = StatusAndHeaders(_status_line(exchange.status), response_headers, protocol=exchange.protocol)
    headers = {"WARC-Date": warc_date(exchange.fetched_at)}
    if exchange.ip_address:
        headers["WARC-IP-Address"] = exchange.ip_address
    return writer.create_warc_record(
        exchange.url, "response", payload=io.BytesIO(exchange.body), length=len(exchange.body),
        http_headers=http, warc_headers_dict=headers,
    )  # fmt: skip


def not_modified(exchange: Exchange, metadata: dict[str, Any], previous: CaptureRef) -> Captured:
    """A ``304 Not Modified`` answer: a revisit of the server-not-modified profile, with no body."""
    writer = _writer()
    http = StatusAndHeaders(
        _status_line(exchange.status), exchange.response_headers, protocol=exchange.protocol
    )
    headers = {
        "WARC-Date": warc_date(exchange.fetched_at),
        "WARC-Profile": SERVER_NOT_MODIFIED,
        "WARC-Refers-To": previous.record_id,
        "WARC-Refers-To-Target-URI": previous.url,
        "WARC-Refers-To-Date": previous.date,
        # Not modified: the payload is the one captured before, as its digest says.
        "WARC-Payload-Digest": previous.digest,
    }
    if exchange.ip_address:
        headers["WARC-IP-Address"] = exchange.ip_address
    revisit = writer.create_warc_record(exchange.url, "revisit", http_headers=http, warc_headers_dict=headers)
    return _assemble(writer, exchange, revisit, metadata, previous.digest, True)


def _assemble(
    writer: WARCWriter,
    exchange: Exchange,
    response: Any,
    metadata: dict[str, Any],
    digest: str,
    revisit: bool,
) -> Captured:
    record_id = str(response.rec_headers.get_header("WARC-Record-ID"))
    date = str(response.rec_headers.get_header("WARC-Date"))
    request = _request(writer, exchange, response)
    described = _metadata(writer, exchange.url, date, record_id, metadata)
    members = [_member(writer, record) for record in (request, response, described)]
    mime = _mime(_header(exchange.response_headers, "content-type"))
    index = {
        "date": date,
        "url": exchange.url,
        "mime": "warc/revisit" if revisit else mime,
        "status": str(exchange.status),
        "digest": digest,
        "length": str(len(members[1])),
        "offset": str(len(members[0])),
    }
    return Captured(
        data=b"".join(members),
        offset=len(members[0]),
        length=len(members[1]),
        record_id=record_id,
        revisit=revisit,
        payload_digest=digest,
        url=exchange.url,
        date=date,
        index=index,
    )


def _request(writer: WARCWriter, exchange: Exchange, response: Any) -> Any:
    """The request record of ``exchange``, concurrent to its ``response`` (or revisit) record."""
    target = urlsplit(exchange.url)
    path = (target.path or "/") + (f"?{target.query}" if target.query else "")
    request_http = StatusAndHeaders(
        f"{exchange.method} {path} {exchange.protocol}",
        exchange.request_headers,
        protocol=exchange.protocol,
        is_http_request=True,
    )
    headers = {
        "WARC-Date": str(response.rec_headers.get_header("WARC-Date")),
        "WARC-Concurrent-To": str(response.rec_headers.get_header("WARC-Record-ID")),
    }
    return writer.create_warc_record(
        exchange.url, "request", http_headers=request_http, warc_headers_dict=headers
    )


def _metadata(writer: WARCWriter, url: str, date: str, refers_to: str, metadata: dict[str, Any]) -> Any:
    payload = metadata_fields(metadata)
    return writer.create_warc_record(
        url, "metadata", payload=io.BytesIO(payload), length=len(payload),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": refers_to},
    )  # fmt: skip


def _writer() -> WARCWriter:
    return WARCWriter(io.BytesIO(), gzip=False, warc_version=WARC_VERSION)


def _member(writer: WARCWriter, record: Any) -> bytes:
    """One record as one gzip member, so a reader can seek to it and inflate it alone: warcio's own
    serialisation into the writer's buffer (its gzip, at level 9, is off), compressed here."""
    writer.write_record(record)
    plain = writer.out
    data = plain.getvalue()
    plain.seek(0)
    plain.truncate()
    packer = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
    return packer.compress(data) + packer.flush()


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _header(headers: list[tuple[str, str]], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name), "")


def _stored_headers(received: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    """The headers as received, the transfer ones renamed (X-Crawler-...) and the stored length given."""
    headers = [
        (f"X-Crawler-{name}" if name.lower() in _TRANSFER_HEADERS else name, value)
        for name, value in received
    ]
    headers.append(("Content-Length", str(length)))
    return headers


def metadata_fields(metadata: dict[str, Any]) -> bytes:
    """The metadata record's content as WARC named fields (``application/warc-fields``, as Common
    Crawl writes them): replay tools (pywb) and indexers (cdxj-indexer) then leave the record out of
    a URL's captures. Values that are not text are JSON; a field without a value is left out."""
    lines = []
    for name, value in sorted(metadata.items()):
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        lines.append(f"{name}: {' '.join(text.split())}\r\n")
    return "".join(lines).encode("utf-8")


def parse_metadata(data: bytes) -> dict[str, Any]:
    """The inverse of ``metadata_fields``."""
    metadata: dict[str, Any] = {}
    for line in data.decode("utf-8").splitlines():
        name, _, text = line.partition(": ")
        if not name:
            continue
        try:
            metadata[name] = json.loads(text) if text[:1] in "{[" or text in ("true", "false") else text
        except ValueError:
            metadata[name] = text
    return metadata


def metadata_of(
    extractor: dict[str, str], record_id: str | None, skipped: str | None, **context: Any
) -> dict[str, Any]:
    """The metadata record's content: who read the page, and what they made of it."""
    return {"extractor": extractor, "record_id": record_id, "skipped": skipped, **context}
