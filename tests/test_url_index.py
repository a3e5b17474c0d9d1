"""The URL index (pipelines.url_index) and the storage requests a crawl makes per record, counted at a
proxy in front of moto's S3 server: new pages, and the same pages again inside and after the refresh
window."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

from crawler.demo.server import LocalSite
from crawler.errors import StorageError
from crawler.urls import record_id
from pipelines.storage.keys import url_index_key
from pipelines.write.url_index import UrlIndex, UrlState
from tests.support.faultproxy import FaultProxy
from tests.support.servers import S3_CREDENTIALS, S3Server
from tests.support.sites import add_articles, start_crawl, write_urls

BASE = "https://news.example.com/2026/11/"


def check(url: str, checked_at: str, article: str = "a" * 32) -> UrlState:
    return UrlState(url, article, checked_at, sha16="0123456789abcdef")


def test_two_crawlers_flushing_one_domain_keep_each_others_checks_and_the_later_one_wins(
    any_store: Any,
) -> None:
    first, second = UrlIndex(any_store), UrlIndex(any_store)
    assert first.get(f"{BASE}shared.html") is None and second.get(f"{BASE}shared.html") is None
    first.checked(check(f"{BASE}one.html", "2026-11-30T10:00:00Z"))
    first.checked(check(f"{BASE}shared.html", "2026-11-30T12:00:00Z"))
    second.checked(check(f"{BASE}two.html", "2026-11-30T11:00:00Z"))
    second.checked(check(f"{BASE}shared.html", "2026-11-30T09:00:00Z"))
    assert (first.flush(), second.flush()) == (1, 1)
    assert first.flush() == 0  # nothing changed since
    reader = UrlIndex(any_store)
    checked = {
        name: reader.get(f"{BASE}{name}.html").checked_at  # type: ignore[union-attr]
        for name in ("one", "two", "shared")
    }
    assert checked == {
        "one": "2026-11-30T10:00:00Z",
        "two": "2026-11-30T11:00:00Z",
        "shared": "2026-11-30T12:00:00Z",
    }
    assert reader.knows_article(f"{BASE}other.html", "a" * 32)
    assert not reader.knows_article(f"{BASE}other.html", "b" * 32)


def test_the_index_keeps_the_most_recently_checked_urls_up_to_its_cap(tmp_path: Path) -> None:
    from pipelines.storage.local import LocalStore

    store = LocalStore(tmp_path)
    index = UrlIndex(store, max_urls=3)
    for hour in range(5):
        index.checked(check(f"{BASE}{hour}.html", f"2026-11-30T1{hour}:00:00Z"))
    index.flush()
    stored = json.loads(gzip.decompress((tmp_path / url_index_key("news.example.com")).read_bytes()))
    assert sorted(stored["urls"]) == sorted(record_id(f"{BASE}{hour}.html") for hour in (2, 3, 4))


def test_an_unreadable_index_is_started_again(tmp_path: Path, caplog: Any) -> None:
    from pipelines.storage.local import LocalStore

    (tmp_path / "state" / "url-index").mkdir(parents=True)
    (tmp_path / url_index_key("news.example.com")).write_bytes(b"not gzip")
    index = UrlIndex(LocalStore(tmp_path))
    assert index.get(f"{BASE}one.html") is None
    index.checked(check(f"{BASE}one.html", "2026-11-30T10:00:00Z"))
    assert index.flush() == 1
    assert UrlIndex(LocalStore(tmp_path)).get(f"{BASE}one.html") is not None
    assert [r.getMessage() for r in caplog.records] == [
        "URL index of news.example.com is unreadable (Not a gzipped file (b'no')); its URLs are checked again"
    ]


def requests_of(proxy: FaultProxy, before: Counter[tuple[str, str]]) -> dict[tuple[str, str], int]:
    return {key: count - before[key] for key, count in proxy.areas.items() if count - before[key]}


def test_storage_requests_per_record_new_then_unchanged_inside_and_after_the_refresh_window(
    site: LocalSite, s3_server: S3Server, bucket: str, tmp_path: Path, crawl_settings: list[str]
) -> None:
    """20 new articles: two PUTs each (record, state), one GET and one PUT of the domain's index; the
    same URLs again inside ARCHIVE_REFRESH_AFTER: the index read, nothing per URL; after it: the
    pages are downloaded again, found unchanged by the index, and nothing is written per URL."""
    urls = add_articles(site, "counted", 20)
    with FaultProxy(s3_server.endpoint) as proxy:
        arguments = [
            "article",
            "-a",
            f"urls={write_urls(tmp_path / 'urls.txt', urls)}",
            *("-s", f"ARCHIVE_URI=s3://{bucket}/news", "-s", f"AWS_ENDPOINT_URL={proxy.url}"),
            *crawl_settings,
        ]
        runs = []
        for extra in ([], [], ["-s", "ARCHIVE_REFRESH_AFTER=0"]):
            before = Counter(proxy.areas)
            crawl = start_crawl([*arguments, *extra], env=S3_CREDENTIALS)
            _, err = crawl.communicate(timeout=300)
            assert crawl.returncode == 0, err[-3000:]
            runs.append(requests_of(proxy, before))
    new, inside, after = runs
    archive = {k: v for k, v in new.items() if k[1] in ("records", "state/articles", "state/url-index")}
    assert archive == {
        ("PUT", "records"): 20,
        ("PUT", "state/articles"): 20,
        ("GET", "state/url-index"): 2,  # read when the crawl starts, read again to merge
        ("PUT", "state/url-index"): 1,
    }
    for again in (inside, after):
        assert {k: v for k, v in again.items() if k[1] in ("records", "state/articles")} == {}
    assert {k: v for k, v in inside.items() if k[1] == "state/url-index"} == {("GET", "state/url-index"): 1}
    assert {k: v for k, v in after.items() if k[1] == "state/url-index"} == {
        ("GET", "state/url-index"): 2,
        ("PUT", "state/url-index"): 1,
    }


class Down:
    """A real store whose writes fail as a storage outage would (reads pass)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.uri = store.uri

    def read(self, key: str) -> Any:
        return self.store.read(key)

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        raise StorageError("connection refused", retryable=True)


def test_checks_that_cannot_be_written_at_the_end_wait_in_the_spool_for_the_next_run(tmp_path: Path) -> None:
    from pipelines.storage.local import LocalStore

    store = LocalStore(tmp_path / "archive")
    ending = UrlIndex(Down(store), spool=tmp_path / "spool")  # type: ignore[arg-type]
    ending.checked(check(f"{BASE}one.html", "2026-11-30T10:00:00Z"))
    assert ending.flush() == 0  # kept in memory only
    assert not (tmp_path / "spool" / "url-index").exists()
    assert ending.flush(keep=True) == 0
    [waiting] = (tmp_path / "spool" / "url-index").iterdir()
    following = UrlIndex(store, spool=tmp_path / "spool")
    following.checked(check(f"{BASE}two.html", "2026-11-30T11:00:00Z"))
    assert following.take_spooled() == 1
    assert waiting.exists()  # until its domain is written
    assert following.flush() == 1
    assert not waiting.exists()
    reader = UrlIndex(store)
    assert [reader.get(f"{BASE}{name}.html") is not None for name in ("one", "two")] == [True, True]
