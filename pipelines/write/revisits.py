"""When an archived article is due to be fetched again: ARCHIVE_REVISIT_AFTER, ages since its URL was
first seen (default ``1h,1d,7d``), as GDELT re-fetches every article after a day and a
week. A URL is due once it has reached an age of the schedule and was not checked since it reached it;
after the last age it is checked once more, then never revisited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.durations import parse_duration
from crawler.record import parse_utc
from pipelines.write.url_index import UrlState


def parse_schedule(text: str) -> list[timedelta]:
    """``1h,1d,7d`` as ages, in order; ValueError says what is wrong."""
    ages = sorted(parse_duration(part.strip()) for part in text.split(",") if part.strip())
    if not ages:
        raise ValueError("no ages: give durations such as 1h,1d,7d")
    if ages[0] <= timedelta(0):
        raise ValueError("an age must be more than 0")
    return ages


def due(state: UrlState, now: datetime, schedule: list[timedelta]) -> bool:
    """Whether the URL is due for a revisit at ``now``."""
    first_seen = parse_utc(state.first_seen or state.checked_at)
    reached = [first_seen + age for age in schedule if first_seen + age <= now]
    return bool(reached) and parse_utc(state.checked_at) < reached[-1]
