"""Durations and relative dates as users type them in settings and spider arguments."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.durations import parse_duration, parse_since

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", timedelta(0)),
        ("90", timedelta(seconds=90)),
        ("45s", timedelta(seconds=45)),
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("1.5h", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        (" 1W ", timedelta(weeks=1)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "2 days", "-1d", "1y", "d"])
def test_bad_durations_name_the_value(text: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_duration(text)
    assert str(error.value) == f"not a duration: {text!r} (use e.g. 30m, 12h, 2d, 1w)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)),
        ("12h", datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc)),
        ("2021-03-01", datetime(2021, 3, 1, tzinfo=timezone.utc)),
        ("2021-03-01T12:30:00Z", datetime(2021, 3, 1, 12, 30, tzinfo=timezone.utc)),
        ("2021-03-01T12:30:00+02:00", datetime(2021, 3, 1, 10, 30, tzinfo=timezone.utc)),
    ],
)
def test_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


def test_words_are_not_a_point_in_time() -> None:
    with pytest.raises(ValueError) as error:
        parse_since("last tuesday", NOW)
    assert str(error.value) == (
        "not a date: 'last tuesday' (use e.g. 2021-03-01, 2021-03-01T12:00:00Z or 7d)"
    )
