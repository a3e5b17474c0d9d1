"""Durations and relative dates as people write them: ``30m``, ``12h``, ``2d``, ``1w``, ``0``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from dateutil.parser import isoparse

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: str) -> timedelta:
    """``2d`` -> two days; a bare number is seconds. Raises ValueError naming the value."""
    match = _DURATION.match(str(value))
    if match is None:
        raise ValueError(f"not a duration: {value!r} (use e.g. 30m, 12h, 2d, 1w)")
    return timedelta(seconds=float(match[1]) * _UNITS[match[2].lower()])


def parse_since(value: str, now: datetime) -> datetime:
    """A point in time from ``2021-03-01``, an ISO 8601 timestamp, or a relative ``7d`` (before now).

    A date, or a time without a zone, is taken in ``now``'s zone (UTC).
    """
    if _DURATION.match(value) and value.strip()[-1:].isalpha():
        return now - parse_duration(value)
    try:
        moment = isoparse(value.strip())
    except (ValueError, OverflowError):
        raise ValueError(f"not a date: {value!r} (use e.g. 2021-03-01, 2021-03-01T12:00:00Z or 7d)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=now.tzinfo)
