"""The bounded duplicate filter: it forgets the oldest requests beyond its cap, and counts them."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.errors import SettingError
from crawler.middlewares.dupefilter import BoundedDupeFilter

URLS = [f"https://news.example.com/2024/05/{n:02d}/story.html" for n in range(1, 6)]


def _filter(**settings: object) -> tuple[BoundedDupeFilter, object]:
    crawler = get_crawler(settings_dict={"ARCHIVE_SEEN_URLS_MAX": 3, **settings})
    crawler.stats.open_spider()
    return BoundedDupeFilter.from_crawler(crawler), crawler.stats


def test_the_oldest_requests_are_forgotten_beyond_the_cap() -> None:
    dupefilter, stats = _filter()
    assert [dupefilter.request_seen(Request(u)) for u in URLS[:4]] == [False] * 4
    assert [dupefilter.request_seen(Request(u)) for u in URLS[1:4]] == [True] * 3
    assert dupefilter.request_seen(Request(URLS[0])) is False  # forgotten, so new again
    assert len(dupefilter.seen) == 3
    assert stats.get_value("archive/dupefilter/forgotten") == 2  # type: ignore[attr-defined]


def test_a_job_directory_beyond_the_cap_is_trimmed_when_read(tmp_path: Path) -> None:
    first, _ = _filter(JOBDIR=str(tmp_path), ARCHIVE_SEEN_URLS_MAX=10)
    for url in URLS:
        first.request_seen(Request(url))
    first.close("finished")
    second, _ = _filter(JOBDIR=str(tmp_path), ARCHIVE_SEEN_URLS_MAX=2)
    # The two most recent of the five stay known; the three older ones are new again.
    assert [second.request_seen(Request(u)) for u in (URLS[4], URLS[3], URLS[0])] == [True, True, False]


@pytest.mark.parametrize(("value", "why"), [("0", "must be at least 1"), ("many", "not a whole number")])
def test_a_cap_that_is_not_a_positive_number_is_a_setting_error(value: str, why: str) -> None:
    message = f"ARCHIVE_SEEN_URLS_MAX='{value}': {why}"
    with pytest.raises(SettingError) as error:
        _filter(ARCHIVE_SEEN_URLS_MAX=value)
    assert str(error.value) == message
