"""The entry point for schedulers: one crawl per call, never two of the same job at once.

    python -m crawler.jobs SPIDER [-a NAME=VALUE]... [-s NAME=VALUE]... [--job NAME]

It takes the job's lock in the archive (``locks/JOB.json``, created only if absent, so two machines
sharing a bucket exclude each other too), runs ``python -m scrapy crawl`` with the same arguments,
keeps the lock alive while the crawl runs, and exits with the crawl's own status (crawler.exit_status),
or 5 when another run of the job holds a lock that has not expired. A lock whose run died is taken
over once it is older than ARCHIVE_LOCK_TTL without being renewed.

Settings: ARCHIVE_URI, ARCHIVE_LOCK_TTL, AWS_*; every ``-s`` is also passed to the crawl.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler import config, exit_status
from crawler.command_line import UsageParser
from crawler.config import project_settings
from crawler.errors import ArchiverError, Conflict, Locked, StorageError, UsageError
from crawler.job_names import job_name
from crawler.record import encode_json, now_utc, parse_utc, utc_iso
from pipelines.storage import ArchiveStore, open_store
from pipelines.storage.keys import lock_key


@dataclass
class LockHolder:
    job: str
    host: str
    pid: int
    started_at: str
    expires_at: str

    def expired(self, now: datetime) -> bool:
        return parse_utc(self.expires_at) <= now


class JobLock:
    """A lease in the archive: created if absent, renewed by compare-and-swap, released if still ours."""

    def __init__(self, store: ArchiveStore, job: str, ttl: timedelta) -> None:
        self.store = store
        self.job = job
        self.ttl = ttl
        self.key = lock_key(job)
        self.token: str | None = None
        self.holder = LockHolder(job, socket.gethostname(), os.getpid(), utc_iso(now_utc()), "")

    def _lease(self) -> bytes:
        self.holder.expires_at = utc_iso(now_utc() + self.ttl)
        return encode_json(self.holder)

    def acquire(self) -> None:
        try:
            self.token = self.store.put_if(self.key, self._lease(), None)
            return
        except Conflict:
            pass
        found = self.store.read(self.key)
        if found is not None:
            try:
                current = LockHolder(**json.loads(found[0]))
                live = not current.expired(now_utc())
            except (ValueError, TypeError, AttributeError):
                live = False  # unreadable: treated as expired
            if live:
                raise Locked(
                    f"job {self.job!r} is already running on {current.host} (pid {current.pid}, "
                    f"since {current.started_at}); its lock {self.key} in {self.store.uri} "
                    f"expires at {current.expires_at} unless renewed"
                )
        try:  # take over the expired lock, unless another run took it over first
            self.token = self.store.put_if(self.key, self._lease(), found[1] if found else None)
        except Conflict:
            raise Locked(f"job {self.job!r}: another run took over its expired lock {self.key}") from None

    def renew(self) -> None:
        self.token = self.store.put_if(self.key, self._lease(), self.token)

    def release(self) -> None:
        """Remove the lock if it is still ours; if that fails, it expires after its time to live."""
        try:
            found = self.store.read(self.key)
            if found is not None and found[1] == self.token:
                self.store.delete(self.key)
        except StorageError as exc:
            print(f"warning: could not release the lock {self.key}: {exc}", file=sys.stderr)


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = UsageParser(
        prog="python -m crawler.jobs",
        description="Run one scheduled crawl: take the job's lock, crawl, exit with the crawl's status.",
    )
    parser.add_argument("spider", help="article, feed, sitemap or site")
    parser.add_argument("-a", dest="arguments", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--job", help="the job's name (default: spider name and a digest of its -a values)")
    options = parser.parse_args(argv)
    for flag, values in (("-a", options.arguments), ("-s", options.settings)):
        for value in values:
            if "=" not in value:
                raise UsageError(f"{flag} {value!r}: expected NAME=VALUE")
    job = job_name(options.spider, options.arguments) if options.job is None else options.job
    if not job or any(not (c.isalnum() or c in "-_.") for c in job) or job.startswith("."):
        raise UsageError(f"--job {job!r}: use letters, digits, '-', '_' and '.'")
    options.job = job
    return options


def crawl_command(options: argparse.Namespace) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", options.spider]
    for value in options.arguments:
        command += ["-a", value]
    for value in options.settings:
        command += ["-s", value]
    return [*command, "-s", f"ARCHIVE_JOB_NAME={options.job}"]


def run(options: argparse.Namespace) -> int:
    settings = project_settings(dict(value.split("=", 1) for value in options.settings))
    ttl = config.duration(settings, "ARCHIVE_LOCK_TTL", positive=True)
    store = open_store(settings.get("ARCHIVE_URI"), settings)
    store.check()  # a missing bucket or no credentials: the same one line and exit status as the crawl's
    lock = JobLock(store, options.job, ttl)
    lock.acquire()
    try:
        child = subprocess.Popen(crawl_command(options))
        # A scheduler's stop (SIGTERM) reaches the crawl, which closes cleanly and writes its manifest.
        forward = signal.signal(signal.SIGTERM, lambda number, frame: child.send_signal(signal.SIGTERM))
        stopped = threading.Event()
        renewer = threading.Thread(
            target=_keep_alive, args=(lock, stopped, child), name="job-lock", daemon=True
        )
        renewer.start()
        try:
            status = child.wait()
        finally:
            stopped.set()
            renewer.join()
            signal.signal(signal.SIGTERM, forward)
    finally:
        lock.release()
    return status if status >= 0 else exit_status.CRAWL_FAILED


def _keep_alive(lock: JobLock, stopped: threading.Event, child: subprocess.Popen[bytes]) -> None:
    """Renew the lease at a third of its time to live, so only a dead run's lock expires.

    If another run took the lock over (this one could not renew it in time), this crawl stops:
    two runs of one job must not go on side by side.
    """
    while not stopped.wait(lock.ttl.total_seconds() / 3):
        try:
            lock.renew()
        except Conflict:
            print(
                f"error: job {lock.job!r} lost its lock {lock.key} to another run; stopping", file=sys.stderr
            )
            child.send_signal(signal.SIGTERM)
            return
        except StorageError as exc:
            print(f"warning: could not renew the lock {lock.key}: {exc}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        return run(parse_arguments(sys.argv[1:] if argv is None else argv))
    except Locked as exc:
        print(f"locked: {exc}", file=sys.stderr)
        return exit_status.LOCKED
    except StorageError as exc:
        print(f"error: cannot take the job lock: {exc}", file=sys.stderr)
        return exit_status.status_of(exc)
    except ArchiverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_status.status_of(exc)


if __name__ == "__main__":
    sys.exit(main())
