"""The job lock (crawler.jobs.JobLock): a lease in the archive, on a directory and on moto's S3 server,
that one run of a job holds, renews and releases, and a dead run's expires."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest

from crawler.errors import Conflict, Locked
from crawler.jobs import JobLock
from crawler.record import encode_json
from pipelines.storage import ArchiveStore
from pipelines.storage.keys import lock_key
from tests.support.crawls import stored_lock


def test_a_held_lock_refuses_a_second_run(any_store: ArchiveStore) -> None:
    first = JobLock(any_store, "nightly", timedelta(hours=1))
    first.acquire()
    held = stored_lock(any_store, "nightly")
    assert held == encode_json(first.holder)

    second = JobLock(any_store, "nightly", timedelta(hours=1))
    with pytest.raises(Locked) as refused:
        second.acquire()
    assert str(refused.value) == (
        f"job 'nightly' is already running on {socket.gethostname()} (pid {os.getpid()}, "
        f"since {first.holder.started_at}); its lock locks/nightly.json in {any_store.uri} "
        f"expires at {first.holder.expires_at} unless renewed"
    )
    assert stored_lock(any_store, "nightly") == held


def test_a_released_lock_can_be_taken_again(any_store: ArchiveStore) -> None:
    first = JobLock(any_store, "nightly", timedelta(hours=1))
    first.acquire()
    first.release()
    assert stored_lock(any_store, "nightly") is None

    second = JobLock(any_store, "nightly", timedelta(hours=1))
    second.acquire()
    assert stored_lock(any_store, "nightly") == encode_json(second.holder)


def test_locks_of_different_jobs_do_not_exclude_each_other(any_store: ArchiveStore) -> None:
    JobLock(any_store, "nightly", timedelta(hours=1)).acquire()
    hourly = JobLock(any_store, "hourly", timedelta(hours=1))
    hourly.acquire()
    assert stored_lock(any_store, "hourly") == encode_json(hourly.holder)


def test_renewal_keeps_the_lock_ours(any_store: ArchiveStore) -> None:
    """Each renewal replaces the document; the holder must track its new version or it could not
    release its own lock afterwards."""
    lock = JobLock(any_store, "nightly", timedelta(hours=1))
    lock.acquire()
    lock.renew()
    lock.renew()
    assert stored_lock(any_store, "nightly") == encode_json(lock.holder)
    lock.release()
    assert stored_lock(any_store, "nightly") is None


def test_a_run_whose_lock_was_taken_over_can_neither_renew_nor_release_it(any_store: ArchiveStore) -> None:
    """A run that stalled past its lease (a paused VM) must not renew or delete its successor's lock."""
    stalled = JobLock(any_store, "nightly", -timedelta(minutes=1))  # its lease ran out a minute ago
    stalled.acquire()
    successor = JobLock(any_store, "nightly", timedelta(hours=1))
    successor.acquire()
    taken = stored_lock(any_store, "nightly")
    assert taken == encode_json(successor.holder)

    with pytest.raises(Conflict):
        stalled.renew()
    stalled.release()
    assert stored_lock(any_store, "nightly") == taken


def test_an_unreadable_lock_is_taken_over(any_store: ArchiveStore) -> None:
    """A lock document cut short or written by hand must not block the job for good."""
    any_store.put(lock_key("nightly"), b'{"job": "nightly", "host"')
    lock = JobLock(any_store, "nightly", timedelta(hours=1))
    lock.acquire()
    assert stored_lock(any_store, "nightly") == encode_json(lock.holder)
