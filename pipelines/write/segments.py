"""WARC segments: the local files a crawl appends its captures to, sealed, indexed and delivered.

They live in the spool of the archive (pipelines.write.spool), so they wait there through an outage just
as records do:

    <spool>/warc/NAME.warc.gz.open      the segment being written, flock-ed by the process writing it
    <spool>/warc/NAME.warc.gz.open.idx  one JSON line per record indexed: its CDXJ fields and the end of
                                        its records, written after them
    <spool>/warc/NAME.warc.gz           a sealed segment waiting for delivery, beside
    <spool>/warc/NAME.cdxj              its CDXJ index (pywb's and cdxj-indexer's format), sorted

Sealing cuts the segment after the last page its ``.idx`` names: a process killed in the middle of
an append leaves a partial gzip member after it, which no record points to (a record is stored only
after its page is appended and synced: ``sync``). A sealed segment holds whole members only.
Delivery puts the segment, then its index, under ``warc/date=D/`` (pipelines.storage.keys), then removes them
here; what fails waits for the next run or ``newsarchive flush``. A segment left open by a process
that died (no flock) is sealed and delivered by the next one that looks.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import surt
from warcio.timeutils import iso_date_to_timestamp
from warcio.warcwriter import WARCWriter

from crawler.record import CaptureRef
from crawler.warc import WARC_VERSION, Captured
from pipelines.storage import ArchiveStore
from pipelines.storage.files import write_atomically
from pipelines.storage.keys import segment_index_key, segment_key

logger = logging.getLogger(__name__)

SEALED = ".warc.gz"
OPEN = ".warc.gz.open"
INDEX = ".cdxj"
_JOURNAL = ".idx"


def segment_name(opened_at: datetime) -> str:
    """``newsarchive-20261201031500-host-4121-9f3a``: unique across processes and machines; the
    timestamp (UTC) is the segment's partition day in the archive."""
    host = "".join(c if c.isalnum() or c == "-" else "-" for c in socket.gethostname())[:40]
    stamp = opened_at.strftime("%Y%m%d%H%M%S")
    return f"newsarchive-{stamp}-{host}-{os.getpid()}-{secrets.token_hex(2)}"


@dataclass(frozen=True)
class Sealed:
    """A segment ready for delivery."""

    name: str
    path: Path
    index: Path
    pages: int

    @property
    def key(self) -> str:
        return segment_key(self.name)


class SegmentWriter:
    """One open segment: pages appended from the crawl's thread, synced from the writer threads."""

    def __init__(self, directory: Path, opened_at: datetime, info: dict[str, str]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.name = segment_name(opened_at)
        self.key = segment_key(self.name)
        self.opened_at = opened_at
        self.path = directory / (self.name + OPEN)
        self._file: IO[bytes] = open(self.path, "xb")  # noqa: SIM115  open for the segment's life
        fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)  # ours while we live
        self._journal: IO[str] = open(str(self.path) + _JOURNAL, "x", encoding="utf-8")  # noqa: SIM115
        self._lock = threading.Lock()
        self._synced = 0
        self._closed = False
        self.pages = 0
        writer = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
        writer.write_record(writer.create_warcinfo_record(self.name + SEALED, info))
        self._file.flush()
        self.size = self._file.tell()

    def append(self, captured: Captured) -> CaptureRef:
        """Append one page's records; returns where its response (or revisit) record is."""
        with self._lock:
            start = self.size
            self._file.write(captured.data)
            self._file.flush()
            self.size += len(captured.data)
            self.pages += 1
            for entry in (*captured.also_indexed, captured.index):
                line = {**entry, "offset": str(start + int(entry["offset"])), "end": self.size}
                self._journal.write(json.dumps(line, ensure_ascii=False) + "\n")
            self._journal.flush()
        return CaptureRef(
            self.key,
            start + captured.offset,
            captured.length,
            captured.record_id,
            captured.payload_digest,
            captured.url,
            captured.date,
            captured.rendered,
        )

    def sync(self, ref: CaptureRef) -> None:
        """Make the page at ``ref`` durable (fsync) before a record pointing to it is stored; one
        fsync serves every page appended before it."""
        end = ref.offset + ref.length
        if end <= self._synced:
            return
        with self._lock:
            if end <= self._synced or self._closed:
                return  # sealing synced it
            size = self.size
            os.fsync(self._file.fileno())
            os.fsync(self._journal.fileno())
            self._synced = size

    def seal(self) -> Sealed | None:
        """Close the segment and seal it; None when no page was appended (it is removed)."""
        with self._lock:
            self._closed = True
            self._file.close()  # releases the flock
            self._journal.close()
        return seal(self.path)


def seal(open_path: Path) -> Sealed | None:
    """Seal a segment whose writer has closed it (or died): cut it after its last whole page, write its
    CDXJ index, rename it. None (and nothing left) when it holds no page."""
    journal = Path(str(open_path) + _JOURNAL)
    entries = list(_journal_entries(journal))
    name = open_path.name[: -len(OPEN)]
    if not entries:
        open_path.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        return None
    end = max(int(entry["end"]) for entry in entries)
    with open(open_path, "r+b") as segment:
        segment.truncate(end)  # a page cut short by a crash: never pointed to
        segment.flush()
        os.fsync(segment.fileno())
    index = open_path.with_name(name + INDEX)
    write_atomically(index, "".join(cdxj_lines(entries, name + SEALED)).encode("utf-8"))
    sealed = open_path.with_name(name + SEALED)
    os.replace(open_path, sealed)
    journal.unlink()
    return Sealed(name, sealed, index, len({entry["end"] for entry in entries}))  # a page's lines share it


def _journal_entries(journal: Path) -> Iterator[dict[str, Any]]:
    if not journal.exists():
        return
    for line in journal.read_text("utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            return  # the last line, cut short by a crash: its page is not whole either
        if isinstance(entry, dict) and "end" in entry:
            yield entry


def cdxj_lines(entries: list[dict[str, Any]], filename: str) -> list[str]:
    """The CDXJ index of a segment's responses, revisits and conversions (a rendered page's DOM),
    sorted, as pywb and cdxj-indexer write it."""
    lines = []
    for entry in entries:
        fields = {
            k: entry[k] for k in ("url", "mime", "status", "digest", "length", "offset") if entry.get(k)
        }
        fields["filename"] = filename
        key = surt.surt(entry["url"])
        lines.append(f"{key} {iso_date_to_timestamp(entry['date'])} {json.dumps(fields)}\n")
    return sorted(lines)


class Segments:
    """The segments of one archive's spool: the ones left behind, and their delivery."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def recover(self) -> int:
        """Seal the segments whose writer is gone (a process killed mid-crawl); returns how many."""
        count = 0
        for path in sorted(self.directory.glob("*" + OPEN)):
            try:
                with open(path, "rb") as probe:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer lives
            except BlockingIOError:
                continue
            except FileNotFoundError:
                continue  # sealed meanwhile
            if seal(path) is not None:
                count += 1
                logger.info("Sealed segment %s left open by a process that ended", path.name)
        return count

    def sealed(self) -> list[Sealed]:
        found = []
        for path in sorted(self.directory.glob("*" + SEALED)):
            name = path.name[: -len(SEALED)]
            index = path.with_name(name + INDEX)
            if index.exists():
                pages = index.read_text("utf-8").count("\n")
                found.append(Sealed(name, path, index, pages))
        return found

    def deliver(self, store: ArchiveStore) -> Iterator[Sealed]:
        """Deliver the sealed segments, oldest first, yielding each once it is in the archive: the
        segment, then its index, then both removed here. Raises the StorageError that stops it, the
        rest left for the next attempt. Call it under the spool's delivery lock."""
        for segment in self.sealed():
            store.put_file(segment.key, segment.path)
            store.put_file(segment_index_key(segment.name), segment.index)
            segment.index.unlink()
            segment.path.unlink()
            yield segment
