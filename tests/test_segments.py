"""WARC segments on their own (pipelines.segments): a segment cut short by a crash is sealed with whole
records only, and one whose writer is alive is left to it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.warc import Exchange, capture
from pipelines.write.segments import OPEN, SEALED, Segments, SegmentWriter

FETCHED = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


def page(number: int) -> Exchange:
    body = f"<html><body><p>Page {number}</p></body></html>".encode()
    return Exchange(
        url=f"https://news.example.com/{number}.html",
        method="GET",
        request_headers=[("User-Agent", "newsarchive-test")],
        status=200,
        protocol="HTTP/1.1",
        response_headers=[("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
        body=body,
        ip_address="192.0.2.7",
        fetched_at=FETCHED,
    )


def records_of(path: Path) -> Counter[str]:
    with open(path, "rb") as segment:
        return Counter(r.rec_type for r in ArchiveIterator(segment, check_digests="raise"))


def test_a_segment_cut_short_by_a_crash_is_sealed_with_whole_records_only(tmp_path: Path) -> None:
    writer = SegmentWriter(tmp_path, FETCHED, {"software": "test"})
    refs = [writer.append(capture(page(n), {"record_id": str(n)})) for n in range(3)]
    half = capture(page(3), {"record_id": "3"}).data
    # A process killed in the middle of its fourth append: half a gzip member, no journal line.
    with open(writer.path, "ab") as segment:
        segment.write(half[: len(half) // 2])
    writer._file.close()  # the kill lets go of the file (and its lock)
    writer._journal.close()
    assert Segments(tmp_path).recover() == 1
    [sealed] = Segments(tmp_path).sealed()
    assert (sealed.pages, sealed.key) == (3, f"warc/date=2026-12-01/{writer.name}{SEALED}")
    assert records_of(sealed.path) == Counter({"warcinfo": 1, "request": 3, "response": 3, "metadata": 3})
    assert sealed.path.stat().st_size == _end_of_last_record(sealed.path)  # nothing after it
    assert refs[-1].offset + refs[-1].length < sealed.path.stat().st_size  # its metadata record follows
    assert not list(tmp_path.glob("*" + OPEN + "*"))


def _end_of_last_record(path: Path) -> int:
    with open(path, "rb") as segment:
        records = ArchiveIterator(segment)
        end = 0
        for record in records:
            record.content_stream().read()
            end = records.get_record_offset() + records.get_record_length()
    return end


def test_a_segment_whose_writer_lives_is_left_to_it(tmp_path: Path) -> None:
    writer = SegmentWriter(tmp_path, FETCHED, {"software": "test"})
    writer.append(capture(page(1), {"record_id": "1"}))
    assert Segments(tmp_path).recover() == 0  # its flock is held: not a dead process's
    assert writer.path.exists() and Segments(tmp_path).sealed() == []
    sealed = writer.seal()
    assert sealed is not None and records_of(sealed.path)["response"] == 1


def test_an_empty_segment_is_not_kept(tmp_path: Path) -> None:
    writer = SegmentWriter(tmp_path, FETCHED, {"software": "test"})
    assert writer.seal() is None
    assert list(tmp_path.iterdir()) == []
