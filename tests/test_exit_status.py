"""The exit status and the summary, from the stats a crawl leaves: every article counted once."""

from __future__ import annotations

from typing import Any

import pytest

from crawler import exit_status
from crawler import stats as names

FINISHED = {"finish_reason": "finished", names.ARCHIVE_URI: "s3://bucket/news"}


@pytest.mark.parametrize(
    ("counts", "found"),
    [
        ({}, 0),
        ({names.RECORDS_NEW: 3, names.RECORDS_CHANGED: 1, names.RECORDS_UNCHANGED: 2}, 6),
        ({names.NOT_MODIFIED: 4, names.FRESH: 5}, 9),
        # spooled and still waiting: counted as spooled
        ({names.RECORDS_NEW: 2, names.RECORDS_SPOOLED: 3}, 5),
        # 3 spooled, then delivered late in the same run (2 new, 1 unchanged): 3 articles, not 6
        (
            {
                names.RECORDS_NEW: 7,
                names.RECORDS_UNCHANGED: 1,
                names.RECORDS_SPOOLED: 3,
                names.RECORDS_DELIVERED_LATE: 3,
            },
            8,
        ),
        # 2 spooled by an earlier run, delivered at the start of this one; their pages are fresh now
        ({names.RECORDS_NEW: 2, names.RECORDS_DELIVERED_LATE: 2, names.FRESH: 2}, 2),
    ],
    ids=["nothing", "archived", "known", "spooled", "spooled-and-delivered", "earlier-runs-spool"],
)
def test_articles_found_counts_each_article_once(counts: dict[str, int], found: int) -> None:
    assert exit_status.articles_found({**FINISHED, **counts}) == found


@pytest.mark.parametrize(
    ("counts", "min_records", "status"),
    [
        # 4 spooled and delivered late: 4 articles, under a minimum of 5 (8 before the fix)
        ({names.RECORDS_NEW: 4, names.RECORDS_SPOOLED: 4, names.RECORDS_DELIVERED_LATE: 4}, 5, 4),
        ({names.RECORDS_NEW: 4, names.RECORDS_SPOOLED: 4, names.RECORDS_DELIVERED_LATE: 4}, 4, 0),
        ({names.RECORDS_NEW: 1, names.RECORDS_SPOOLED: 3, names.SPOOL_PENDING: 3}, 1, 3),
        ({names.RECORDS_NEW: 1, names.RECORDS_LOST: 1}, 0, 3),
        ({names.RECORDS_NEW: 1}, 0, 0),
    ],
    ids=["delivered-late-under-minimum", "delivered-late-at-minimum", "still-spooled", "lost", "ok"],
)
def test_exit_status(counts: dict[str, int], min_records: int, status: int) -> None:
    assert exit_status.of_run({**FINISHED, **counts}, min_records) == status


def test_a_crawl_that_did_not_finish_exits_1() -> None:
    assert exit_status.of_run({**FINISHED, "finish_reason": "shutdown", names.RECORDS_NEW: 9}) == 1


def summary_lines(counts: dict[str, Any]) -> list[str]:
    return exit_status.format_summary({**FINISHED, **counts}).splitlines()


def test_the_summary_shows_no_spool_line_when_the_spool_was_not_used() -> None:
    assert summary_lines({"response_received_count": 4, names.RECORDS_NEW: 3, names.RECORDS_STORED: 3}) == [
        "pages fetched:   4",
        "records written: 3 to s3://bucket/news (new 3, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        "pages skipped:   0 (none)",
        "finish reason:   finished",
    ]


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        (
            {names.RECORDS_SPOOLED: 5, names.RECORDS_DELIVERED_LATE: 3, names.SPOOL_PENDING: 2},
            "records spooled: 5 (delivered late 3, still waiting 2)",
        ),
        (
            {names.RECORDS_SPOOLED: 4, names.RECORDS_DELIVERED_LATE: 4, names.SPOOL_PENDING: 0},
            "records spooled: 4 (delivered late 4, still waiting 0)",
        ),
        # only an earlier run's spool, delivered by this one
        ({names.RECORDS_DELIVERED_LATE: 2}, "records spooled: 0 (delivered late 2, still waiting 0)"),
        # an earlier run's spool that still cannot be delivered
        ({names.SPOOL_PENDING: 6}, "records spooled: 0 (delivered late 0, still waiting 6)"),
    ],
    ids=["some-waiting", "all-delivered", "earlier-run-delivered", "earlier-run-waiting"],
)
def test_the_summary_says_how_many_were_spooled_delivered_late_and_still_wait(
    counts: dict[str, int], line: str
) -> None:
    lines = summary_lines({"response_received_count": 7, names.RECORDS_NEW: 1, **counts})
    assert lines[4:] == [line, "finish reason:   finished"]
