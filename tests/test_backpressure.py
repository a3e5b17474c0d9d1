"""Back-pressure: when storage is slower than the crawl, the crawl waits; records do not pile up."""

from __future__ import annotations

import re
from pathlib import Path

from crawler.demo.server import LocalSite
from tests.support.crawls import run_crawl
from tests.support.faultproxy import FaultProxy
from tests.support.servers import S3_CREDENTIALS, S3Server
from tests.support.sites import add_articles, s3_documents, write_urls

PAGES = 80
WRITERS = 2
CONCURRENT_REQUESTS = 4
# Responses (about 2.5 KB each here) the scraper holds before the engine stops downloading.
SLOT_BYTES = 10_000


def test_slow_storage_slows_the_crawl_instead_of_queueing_records(
    site: LocalSite, s3_server: S3Server, bucket: str, tmp_path: Path, crawl_settings: list[str]
) -> None:
    urls = add_articles(site, "backpressure", PAGES)
    with FaultProxy(s3_server.endpoint) as proxy:
        proxy.record_delay = 0.1  # two writers store 20 records a second; the site serves hundreds
        result = run_crawl(
            "article",
            "-a",
            f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
            *("-s", f"ARCHIVE_URI=s3://{bucket}/news", "-s", f"AWS_ENDPOINT_URL={proxy.url}"),
            *("-s", f"ARCHIVE_WRITE_THREADS={WRITERS}", "-s", f"CONCURRENT_REQUESTS={CONCURRENT_REQUESTS}"),
            *("-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENT_REQUESTS}"),
            *("-s", f"SCRAPER_SLOT_MAX_ACTIVE_SIZE={SLOT_BYTES}"),
            *crawl_settings,
            env=S3_CREDENTIALS,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"records written: {PAGES} to s3://{bucket}/news (new {PAGES}, changed 0)" in result.stdout
    records = s3_documents(s3_server.objects(bucket), "news/records/")
    assert sorted(r["url"] for r in records.values()) == sorted(urls)
    waiting = int(re.findall(r"'archive/records/in_flight_max': (\d+)", result.stderr)[-1])
    # Both writers worked at once, and no more records waited than the responses the scraper may
    # hold (SLOT_BYTES of them, plus one over) and the downloads under way when it filled up.
    # Without back-pressure nearly all 80 would wait: the site answers far faster than storage.
    assert WRITERS <= waiting <= SLOT_BYTES // 2_500 + 1 + CONCURRENT_REQUESTS
