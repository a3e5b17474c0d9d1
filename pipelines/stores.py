"""Archive back-ends: a local directory and S3-compatible storage, behind one small interface.

boto3 and OS errors are translated into the project's StorageError / StorageUnavailable here and
nowhere else. The boto3 client is injected, so tests hand in one pointed at a local S3 server.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from crawler.errors import (
    CREDENTIALS,
    MISSING,
    OTHER,
    UNREACHABLE,
    Conflict,
    SettingError,
    StorageError,
    StorageUnavailable,
)


class ArchiveStore(Protocol):
    uri: str

    def check(self) -> None:
        """Raise StorageUnavailable when the archive cannot be written at all."""

    def check_readable(self) -> None:
        """Raise StorageUnavailable when there is no archive to read (no directory, no bucket)."""

    def put(self, key: str, data: bytes) -> None:
        """Write one object whole, or raise StorageError; a reader never sees half of it."""

    def read(self, key: str) -> tuple[bytes, str] | None:
        """The object and a token of its current version, or None when there is none."""

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        """Write only if the object is still at version ``token`` (None: only if it does not exist).

        Returns the new token; raises Conflict when another writer got there first.
        """

    def delete(self, key: str) -> None:
        """Remove an object; no error when it is already gone."""

    def objects(self, prefix: str) -> Iterator[StoredObject]:
        """Every object whose key starts with ``prefix`` (a folder ending in "/"), in key order."""

    def folders(self, prefix: str) -> list[str]:
        """The names of the folders directly under ``prefix``: one listing call, not a walk of the tree."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    md5: str | None = None  # the object's MD5 when the store tells it without a read (S3 ETag)


class LocalStore:
    """A directory; each record is written to a temporary file in place, then renamed."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.uri = self.root.as_uri()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"key {key!r} escapes the archive", retryable=False)
        return path

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".check-"):
                pass
        except OSError as exc:
            raise StorageUnavailable(f"ARCHIVE_URI={self.uri!r}: cannot write: {exc.strerror}") from None

    def check_readable(self) -> None:
        if not self.root.is_dir():
            raise StorageUnavailable(f"ARCHIVE_URI={self.uri!r}: no such directory", kind=MISSING)

    def put(self, key: str, data: bytes) -> None:
        self._write(self._path(key), data, exclusive=False)

    def _write(self, path: Path, data: bytes, *, exclusive: bool) -> None:
        """Write to a temporary file, then rename (or, for ``exclusive``, link: fails if present)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Never "*.json": a file left by a killed writer must not look like a record to any glob.
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".partial")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                if exclusive:
                    os.link(temporary, path)
                else:
                    os.replace(temporary, path)
            finally:
                Path(temporary).unlink(missing_ok=True)
        except FileExistsError:
            raise Conflict(path.relative_to(self.root).as_posix()) from None
        except OSError as exc:
            raise StorageError(f"cannot write {path}: {exc.strerror}", retryable=True) from None

    def read(self, key: str) -> tuple[bytes, str] | None:
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"cannot read {key}: {exc.strerror}", retryable=True) from None
        return data, hashlib.sha256(data).hexdigest()

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        path = self._path(key)
        if token is None:
            self._write(path, data, exclusive=True)
            return hashlib.sha256(data).hexdigest()
        # Compare and swap under an advisory lock, so processes sharing this directory take turns.
        locks = self.root / ".locks"
        locks.mkdir(exist_ok=True)
        with open(locks / hashlib.sha256(key.encode()).hexdigest()[:24], "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = self.read(key)
            if current is None or current[1] != token:
                raise Conflict(key)
            self._write(path, data, exclusive=False)
        return hashlib.sha256(data).hexdigest()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def objects(self, prefix: str) -> Iterator[StoredObject]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return
        for directory, subdirectories, files in os.walk(folder):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue  # temporary files of writes in progress
                path = Path(directory) / name
                yield StoredObject(path.relative_to(self.root).as_posix(), path.stat().st_size)

    def folders(self, prefix: str) -> list[str]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


class S3Store:
    """A bucket and key prefix on any S3-compatible service, through an injected boto3 client."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.uri = f"s3://{bucket}/{self.prefix}".rstrip("/")

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            kind, message = s3_failure(exc)
            raise StorageUnavailable(f"ARCHIVE_URI={self.uri!r}: {message}", kind=kind) from None

    def check_readable(self) -> None:
        self.check()  # HeadBucket: the bucket exists and these credentials may use it

    def _put(self, key: str, data: bytes, **condition: str) -> str:
        try:
            answer = self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ContentType="application/json; charset=utf-8",
                # botocore hashes the bytes it sends; the server refuses the object if they differ.
                ChecksumAlgorithm="SHA256",
                **condition,
            )
        except Exception as exc:
            if condition and _error_code(exc) in (
                "PreconditionFailed",
                "ConditionalRequestConflict",
                "412",
                "409",
            ):
                raise Conflict(key) from None
            raise s3_storage_error(exc) from None
        return str(answer["ETag"])

    def put(self, key: str, data: bytes) -> None:
        self._put(key, data)

    def put_if(self, key: str, data: bytes, token: str | None) -> str:
        return self._put(key, data, **({"IfMatch": token} if token is not None else {"IfNoneMatch": "*"}))

    def read(self, key: str) -> tuple[bytes, str] | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            return answer["Body"].read(), answer["ETag"]
        except Exception as exc:
            if _error_code(exc) in ("NoSuchKey", "404"):
                return None
            raise s3_storage_error(exc) from None

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except Exception as exc:
            raise s3_storage_error(exc) from None

    def _pages(self, prefix: str, **options: Any) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            yield from paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix), **options)
        except Exception as exc:
            raise s3_storage_error(exc) from None

    def objects(self, prefix: str) -> Iterator[StoredObject]:
        skip = len(self._key(""))
        for page in self._pages(prefix):
            for item in page.get("Contents", []):
                etag = str(item.get("ETag", "")).strip('"')
                md5 = etag if len(etag) == 32 else None  # multipart ETags are not MD5s
                yield StoredObject(item["Key"][skip:], int(item["Size"]), md5)

    def folders(self, prefix: str) -> list[str]:
        start = len(self._key(prefix))
        return [
            common["Prefix"][start:].rstrip("/")
            for page in self._pages(prefix, Delimiter="/")
            for common in page.get("CommonPrefixes", [])
        ]


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def s3_failure(exc: Exception) -> tuple[str, str]:
    """The kind of problem (crawler.errors.MISSING, ...) and one line naming it, without secrets."""
    from botocore import exceptions as boto

    code = _error_code(exc)
    if isinstance(exc, boto.NoCredentialsError):
        return (
            CREDENTIALS,
            "no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile)",
        )
    if isinstance(exc, boto.EndpointConnectionError | boto.ConnectTimeoutError):
        return UNREACHABLE, f"cannot connect to the S3 endpoint ({type(exc).__name__})"
    if isinstance(exc, boto.ReadTimeoutError):
        return UNREACHABLE, "the S3 endpoint did not answer in time"
    if code in ("404", "NoSuchBucket"):
        return MISSING, "bucket does not exist"
    if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return CREDENTIALS, f"access denied ({code}): check the credentials and the bucket policy"
    if code:
        return OTHER, f"S3 error {code}"
    return OTHER, f"{type(exc).__name__}"


def s3_storage_error(exc: Exception) -> StorageError:
    kind, message = s3_failure(exc)
    return StorageError(message, retryable=is_retryable(exc), kind=kind)


def is_retryable(exc: Exception) -> bool:
    from botocore import exceptions as boto

    if isinstance(exc, boto.NoCredentialsError | boto.ParamValidationError):
        return False
    if isinstance(exc, boto.ClientError):
        code = _error_code(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in ("SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable") or status >= 500
    return True  # connection resets, timeouts, truncated responses


_AWS_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3")


def quiet_aws_loggers() -> None:
    """botocore logs request headers and signing strings (session tokens, signatures) at DEBUG:
    keep the AWS libraries at INFO or above even when the crawl runs with LOG_LEVEL=DEBUG."""
    for name in _AWS_LOGGERS:
        aws_logger = logging.getLogger(name)
        if aws_logger.getEffectiveLevel() < logging.INFO:
            aws_logger.setLevel(logging.INFO)


def _seconds(settings: Any, name: str, default: float) -> float:
    value = settings.get(name)
    try:
        seconds = float(default if value in (None, "") else value)
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0:
        raise SettingError(f"{name}={value!r}: must be a positive number of seconds")
    return seconds


def s3_client(settings: Any) -> Any:
    """A boto3 S3 client from Scrapy's AWS_* settings; unset ones fall back to boto3's own chain."""
    import boto3
    from botocore.config import Config

    quiet_aws_loggers()
    connect_timeout = _seconds(settings, "ARCHIVE_STORE_CONNECT_TIMEOUT", 10.0)
    read_timeout = _seconds(settings, "ARCHIVE_STORE_READ_TIMEOUT", 30.0)
    config = Config(
        retries={
            "mode": settings.get("AWS_RETRY_MODE") or "standard",
            # AWS_MAX_ATTEMPTS counts every attempt, the first included, as the AWS SDKs do
            # (botocore's own "max_attempts" would count only the retries after it).
            "total_max_attempts": max(1, settings.getint("AWS_MAX_ATTEMPTS", 5)),
        },
        # A storage endpoint that accepts connections but never answers must not stall the crawl.
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=max(10, settings.getint("ARCHIVE_WRITE_THREADS", 4)),
        # Checksums only where the S3 API requires them, as botocore did before 1.36: some
        # S3-compatible servers refuse the CRC32 headers it now adds to every PUT by default.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    options = {
        "aws_access_key_id": settings.get("AWS_ACCESS_KEY_ID"),
        "aws_secret_access_key": settings.get("AWS_SECRET_ACCESS_KEY"),
        "aws_session_token": settings.get("AWS_SESSION_TOKEN"),
        "endpoint_url": settings.get("AWS_ENDPOINT_URL"),
        "region_name": settings.get("AWS_REGION_NAME"),
        "use_ssl": settings.get("AWS_USE_SSL"),
        "verify": settings.get("AWS_VERIFY"),
    }
    return boto3.session.Session().client(
        "s3", config=config, **{name: value for name, value in options.items() if value not in (None, "")}
    )


_CRAWL_STORES: WeakKeyDictionary[Any, ArchiveStore] = WeakKeyDictionary()


def crawl_store(crawler: Any) -> ArchiveStore:
    """The crawl's one store for ARCHIVE_URI, shared by the pipeline, the incremental middleware and
    the manifest extension: one boto3 client and connection pool per crawl, not one per component."""
    store = _CRAWL_STORES.get(crawler)
    if store is None:
        store = _CRAWL_STORES[crawler] = open_store(crawler.settings.get("ARCHIVE_URI"), crawler.settings)
    return store


def open_store(uri: str, settings: Any) -> ArchiveStore:
    """The store for ARCHIVE_URI: a path, file:// URI or s3://bucket/prefix."""
    if not uri or not uri.strip():
        raise SettingError("ARCHIVE_URI is empty: give a directory, file:// URI or s3://bucket/prefix")
    parts = urlsplit(uri)
    if parts.scheme == "" or (len(parts.scheme) == 1 and os.name == "nt"):
        return LocalStore(uri)
    if parts.scheme == "file":
        return LocalStore(parts.path)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise SettingError(f"ARCHIVE_URI={uri!r}: no bucket name (expected s3://bucket/prefix)")
        return S3Store(s3_client(settings), parts.netloc, parts.path)
    raise SettingError(f"ARCHIVE_URI={uri!r}: scheme must be file or s3")
