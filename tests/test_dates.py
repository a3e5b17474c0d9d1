from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.extraction import dates
from crawler.extraction.dates import (
    choose,
    complete_with,
    page_zone,
    parse_date,
    split_dateline,
    to_page_date,
)

FETCHED = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("raw", "utc", "local", "precision"),
    [
        ("2021-03-02T21:09:00+00:00", "2021-03-02T21:09:00Z", "2021-03-02T21:09:00", "second"),
        ("2021-03-02T16:09:00-05:00", "2021-03-02T21:09:00Z", "2021-03-02T16:09:00", "second"),
        ("2022-11-08T14:05:00.123+0100", "2022-11-08T13:05:00Z", "2022-11-08T14:05:00", "second"),
        ("2022-11-08 14:05:00 +0200", "2022-11-08T12:05:00Z", "2022-11-08T14:05:00", "second"),
        ("Tue, 08 Nov 2022 14:05:00 GMT", "2022-11-08T14:05:00Z", "2022-11-08T14:05:00", "second"),
        ("21:09 GMT 02.03.2021", "2021-03-02T21:09:00Z", "2021-03-02T21:09", "minute"),
        ("March 2, 2021 4:09 PM EST", "2021-03-02T21:09:00Z", "2021-03-02T16:09", "minute"),
        ("Tuesday 2 March 2021 09.15 GMT", "2021-03-02T09:15:00Z", "2021-03-02T09:15", "minute"),
        ("Updated: Mar 3, 2021, 10:42 a.m. ET", "2021-03-03T15:42:00Z", "2021-03-03T10:42", "minute"),
        ("Aug. 17, 2022 at 6:09 p.m. ET", "2022-08-17T22:09:00Z", "2022-08-17T18:09", "minute"),
        ("Published 14:30 BST, 5 June 2021", "2021-06-05T13:30:00Z", "2021-06-05T14:30", "minute"),
        ("14:05 AEDT, 8 Nov 2022", "2022-11-08T03:05:00Z", "2022-11-08T14:05", "minute"),
        ("Nov 08, 2022, 19:35 IST", "2022-11-08T14:05:00Z", "2022-11-08T19:35", "minute"),
        ("8 de noviembre de 2022 - 10:05 CET", "2022-11-08T09:05:00Z", "2022-11-08T10:05", "minute"),
        ("Freitag, 1. Dezember 2023, 10:42 Uhr MEZ", "2023-12-01T09:42:00Z", "2023-12-01T10:42", "minute"),
        ("1667916300", "2022-11-08T14:05:00Z", "2022-11-08T14:05:00", "second"),
    ],
)
def test_timestamps_with_a_zone_become_utc_instants(raw: str, utc: str, local: str, precision: str) -> None:
    parsed = parse_date(raw, "test")
    assert parsed is not None
    page_date = to_page_date(parsed, None)
    assert (page_date.utc, page_date.local, page_date.precision, page_date.zone) == (
        utc,
        local,
        precision,
        "explicit",
    )
    assert page_date.raw == raw


@pytest.mark.parametrize(
    ("raw", "local", "precision"),
    [
        ("2021-06-05 14:30", "2021-06-05T14:30", "minute"),
        ("2. März 2021, 16:09 Uhr", "2021-03-02T16:09", "minute"),
        ("8 novembre 2022 à 15h05", "2022-11-08T15:05", "minute"),
        ("2022年11月8日 23時05分", "2022-11-08T23:05", "minute"),
        ("08.11.2022, 15:05 Uhr", "2022-11-08T15:05", "minute"),
        ("2022-11-08", "2022-11-08", "day"),
        ("8 de novembro de 2022", "2022-11-08", "day"),
    ],
)
def test_dates_without_zone_or_time_keep_the_local_value_and_no_instant(
    raw: str, local: str, precision: str
) -> None:
    parsed = parse_date(raw, "test")
    assert parsed is not None
    page_date = to_page_date(parsed, None)
    assert (page_date.utc, page_date.local, page_date.precision, page_date.zone) == (
        None,
        local,
        precision,
        "unknown",
    )


def test_a_zoneless_time_takes_the_zone_the_page_declares_elsewhere() -> None:
    dateline = parse_date("2. März 2021, 16:09 Uhr", "dateline")
    modified = parse_date("2021-03-02T17:30:00+01:00", "json-ld")
    assert dateline is not None and modified is not None
    chosen = choose([dateline], FETCHED, page_zone([dateline, modified]))
    assert chosen is not None
    assert (chosen.utc, chosen.zone, chosen.source) == ("2021-03-02T15:09:00Z", "page", "dateline")


@pytest.mark.parametrize("raw", ["4:09 PM", "March 2", "yesterday", "", "Posted by Jane Roe", "x" * 200])
def test_strings_without_a_full_date_are_not_dates(raw: str) -> None:
    assert parse_date(raw, "test") is None


def test_impossible_dates_are_rejected_and_the_next_candidate_is_used() -> None:
    future = parse_date("2099-01-01T00:00:00Z", "json-ld")
    ancient = parse_date("1970-01-01", "meta")
    soon = parse_date((FETCHED + timedelta(hours=2)).isoformat(), "time")
    good = parse_date("21:09 GMT 02.03.2021", "dateline")
    chosen = choose([c for c in (future, ancient, soon, good) if c], FETCHED, None)
    assert chosen is not None
    assert (chosen.utc, chosen.source) == ("2021-03-02T21:09:00Z", "dateline")


def test_a_day_only_value_gives_way_to_a_timestamp_of_the_same_day() -> None:
    day = parse_date("2022-11-08", "json-ld")
    exact = parse_date("Tue 8 Nov 2022 09.05 EST", "dateline")
    other_day = parse_date("Wed 9 Nov 2022 09.05 EST", "dateline")
    assert day and exact and other_day
    assert choose([day, other_day, exact], FETCHED, None) == to_page_date(exact, None)


def test_update_times_in_a_dateline_are_split_off_and_take_the_day_of_publication() -> None:
    published_part, updated_part = split_dateline("Publié le 8 novembre 2022 à 15h05, mis à jour à 17h30")
    assert updated_part is not None
    published = parse_date(published_part, "dateline")
    updated = complete_with(published, updated_part, "dateline:updated", True)
    zone = timezone(timedelta(hours=1))
    assert published and updated
    assert to_page_date(published, zone).utc == "2022-11-08T14:05:00Z"
    assert to_page_date(updated, zone).utc == "2022-11-08T16:30:00Z"


@pytest.mark.parametrize(
    ("raw", "local", "precision"),
    [
        ("3 hours ago", "2026-11-25T09:00:00+00:00", "minute"),
        ("vor 3 Stunden", "2026-11-25T09:00:00+00:00", "minute"),
        ("hace 2 horas", "2026-11-25T10:00:00+00:00", "minute"),
        ("2 ore fa", "2026-11-25T10:00:00+00:00", "minute"),
        ("5 minuten geleden", "2026-11-25T11:55:00+00:00", "minute"),
        ("3 godziny temu", "2026-11-25T09:00:00+00:00", "minute"),
        ("för 3 timmar sedan", "2026-11-25T09:00:00+00:00", "minute"),
        ("10分前", "2026-11-25T11:50:00+00:00", "minute"),
        ("3小时前", "2026-11-25T09:00:00+00:00", "minute"),
        ("2 days ago", "2026-11-23T00:00:00", "day"),
        ("gestern, 14:30 Uhr", "2026-11-24T14:30:00", "minute"),
        ("昨日", "2026-11-24T00:00:00", "day"),
    ],
)
def test_relative_dates_are_resolved_against_the_fetch_time(raw: str, local: str, precision: str) -> None:
    fetched = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    parsed = dates.parse_relative(raw, "relative", fetched)
    assert parsed is not None and (parsed.moment.isoformat(), parsed.precision) == (local, precision)


@pytest.mark.parametrize("raw", ["2 Stunden", "a day in the life", "Vor Ort", "5 March 2026"])
def test_text_that_is_no_relative_date_is_not_read_as_one(raw: str) -> None:
    assert dates.parse_relative(raw, "relative", datetime(2026, 11, 25, tzinfo=timezone.utc)) is None
