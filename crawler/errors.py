"""Every exception the project raises on purpose, in one hierarchy, so callers can tell a user's
mistake from a failure; crawler.exit_status maps each to the exit status the commands return."""

from __future__ import annotations


class ArchiverError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(ArchiverError):
    """Bad input: reported as one line before any request is made or any record read."""


class ArgumentError(ConfigError):
    """A spider argument (``-a NAME=value``) is missing or invalid."""


class SettingError(ConfigError):
    """A setting (``-s NAME=value`` or its environment variable) is invalid."""


class UsageError(ConfigError):
    """A command line (``newsarchive``, ``python -m crawler.jobs``) is invalid."""


class BrokenSource(ArchiverError):
    """A feed or sitemap that cannot be read (or only in part); ``reason`` becomes its stats key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# What went wrong with the archive, for exit statuses: the archive (bucket, directory) does not exist,
# credentials are missing or refused, the storage cannot be reached, anything else.
MISSING, CREDENTIALS, UNREACHABLE, OTHER = "missing", "credentials", "unreachable", "other"


class StorageError(ArchiverError):
    """The archive could not be read or written; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool, kind: str = OTHER) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.kind = kind


class Conflict(StorageError):
    """A conditional write lost a race: the object changed (or appeared) since it was read."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key} changed concurrently", retryable=True)
        self.key = key


class StorageUnavailable(ArchiverError):
    """The archive cannot be used at all (missing bucket, no credentials): checked before crawling."""

    def __init__(self, message: str, *, kind: str = OTHER) -> None:
        super().__init__(message)
        self.kind = kind


class Locked(ArchiverError):
    """Another run of the scheduled job holds its lock (crawler.jobs)."""


class BadRecord(ArchiverError):
    """An object in the archive is not a readable record."""


class NotFound(ArchiverError):
    """No record of the article asked for."""
