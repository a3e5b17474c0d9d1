"""Reading loose records against compacted days: ``newsarchive download`` of every record to JSON lines,
before and after ``newsarchive compact --prune``, on a local directory and on moto's S3 server over HTTP
(requests counted at a proxy in front of it, by method). Prints wall times, requests and bytes.

Usage::

    python tests/benchmarks/compaction.py [N] [--s3 M]     # N local records (100,000), M on S3 (10,000)

The records are generated (about 3 KB of text each, in invented words; four days, five domains, one article
in ten with two versions), written straight into the archive's layout.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from crawler.config import project_settings  # noqa: E402
from pipelines.commands import parse_arguments  # noqa: E402
from pipelines.commands.download import command_download  # noqa: E402
from pipelines.read.compaction import compact_day  # noqa: E402
from pipelines.read.records import ArchiveReader  # noqa: E402
from pipelines.storage import ArchiveStore, open_store  # noqa: E402
from pipelines.storage.keys import record_key  # noqa: E402
from pipelines.storage.local import LocalStore  # noqa: E402
from tests.support.counting import CountingStore  # noqa: E402
from tests.support.faultproxy import FaultProxy  # noqa: E402
from tests.support.records import make_record  # noqa: E402

DAYS = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
DOMAINS = [f"site{n}.example.com" for n in range(5)]
# Words to write article text with: varied enough that it compresses as news text does (about 3:1).
_WORDS = [
    "".join(random.Random(n).choices("etaoinshrdlucmfwypvbgkjqxz", k=random.Random(-n).randint(2, 11)))
    for n in range(3000)
]


def _text(seed: int) -> str:
    pick = random.Random(seed)
    paragraphs = [" ".join(pick.choices(_WORDS, k=90)).capitalize() + "." for _ in range(5)]
    return "\n\n".join(paragraphs)


def records(count: int) -> list[tuple[str, bytes]]:
    """``count`` records as (key, JSON), in the layout the crawl writes."""
    made = []
    for index in range(count):
        article = index if index % 10 else index - 1 if index else 0  # every tenth: a second version
        day = DAYS[index % len(DAYS)]
        url = f"https://{DOMAINS[article % len(DOMAINS)]}/2026/11/story-{article}.html"
        record = make_record(
            url,
            title=f"Story {article}",
            text=_text(index),
            fetched_at=f"{day}T{index % 24:02d}:{index % 60:02d}:00Z",
            version=2 if index % 10 == 0 and index else 1,
        )
        made.append((record_key(record), record.to_json()))
    return made


def put_all(store: ArchiveStore, items: list[tuple[str, bytes]]) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda item: store.put(*item), items))


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def download(store: ArchiveStore) -> int:
    options = parse_arguments(["download", "--versions", "all", "-o", "-"])
    out = io.StringIO()
    command_download(ArchiveReader(store, workers=16), options, out)
    return len(out.getvalue().encode("utf-8"))


def compact(store: ArchiveStore) -> None:
    reader = ArchiveReader(store, workers=16)
    for day in reader.days():
        compact_day(store, day, prune=True, parallel=reader.parallel)


def measure(label: str, store: ArchiveStore, count: Callable[[], Counter[str]]) -> None:
    print(f"\n{label}")
    print("step                                wall s   requests")
    for step, action in (
        ("download, loose records", lambda: download(store)),
        ("compact --prune", lambda: compact(store)),
        ("download, compacted days", lambda: download(store)),
    ):
        before = count().copy()
        seconds, result = timed(action)
        made = count() - before
        extra = f"   {result:,} bytes of JSON lines" if isinstance(result, int) else ""
        print(f"{step:<34}{seconds:>8.1f}   {dict(sorted(made.items()))}{extra}")


def local(count: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-compaction-"))
    try:
        store = LocalStore(root / "archive")
        seconds, _ = timed(lambda: put_all(store, records(count)))
        print(f"\nwrote {count:,} records into {store.uri} in {seconds:.0f} s")
        counting = CountingStore(store)
        measure(
            f"local directory, {count:,} records (calls counted at the store)",
            counting,  # type: ignore[arg-type]  # a wrapper of a store
            lambda: counting.requests,
        )
        sizes = sorted(
            (p.name, p.stat().st_size) for p in (root / "archive" / "compacted").rglob("*.parquet")
        )
        total = sum(size for _, size in sizes)
        print(f"compacted: {len(sizes)} Parquet files, {total:,} bytes ({total / count:,.0f} B/record)")
    finally:
        shutil.rmtree(root)


def s3(count: int) -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    proxy = FaultProxy(f"http://{host}:{port}")
    try:
        credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret"}
        os.environ.update(credentials)
        boto3.client(
            "s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
            aws_access_key_id="bench", aws_secret_access_key="bench-secret",
        ).create_bucket(Bucket="bench-compaction")  # fmt: skip
        settings = project_settings(
            {"AWS_ENDPOINT_URL": proxy.url, "AWS_REGION_NAME": "us-east-1", **credentials}
        )
        store = open_store("s3://bench-compaction/news", settings)
        seconds, _ = timed(lambda: put_all(store, records(count)))
        print(f"\nwrote {count:,} records into {store.uri} in {seconds:.0f} s")
        measure(
            f"moto's S3 server, {count:,} records (requests counted at a proxy)", store, lambda: proxy.methods
        )
    finally:
        proxy.stop()
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="?", type=int, default=100_000)
    parser.add_argument("--s3", type=int, default=10_000, metavar="M", help="records on S3 (0: skip)")
    options = parser.parse_args(argv)
    local(options.records)
    if options.s3:
        s3(options.s3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
