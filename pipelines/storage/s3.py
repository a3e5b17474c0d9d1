"""S3-compatible storage (AWS S3, MinIO, Ceph, R2, ...) through boto3: the S3 store, its client from
Scrapy's AWS_* settings, and the translation of boto3's errors into the project's StorageError and
StorageUnavailable, here and nowhere else. The client is injected, so tests hand in one pointed at a
local S3 server.

Settings: AWS_ENDPOINT_URL, AWS_REGION_NAME, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_USE_SSL, AWS_VERIFY, AWS_RETRY_MODE, AWS_MAX_ATTEMPTS,
ARCHIVE_STORE_CONNECT_TIMEOUT, ARCHIVE_STORE_READ_TIMEOUT, ARCHIVE_WRITE_THREADS.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from crawler import config
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
from pipelines.storage.base import StoredObject

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class S3Store:
    """A bucket and key prefix on any S3-compatible service, through an injected boto3 client."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.uri = f"s3://{bucket}/{self.prefix}".rstrip("/")

    @classmethod
    def from_uri(cls, uri: str, settings: BaseSettings) -> S3Store:
        """``s3://bucket/prefix``, with a client from the settings (``s3_client``)."""
        parts = urlsplit(uri)
        if not parts.netloc:
            raise SettingError(f"ARCHIVE_URI={uri!r}: no bucket name (expected s3://bucket/prefix)")
        return cls(s3_client(settings), parts.netloc, parts.path)

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

    def _put(self, key: str, data: bytes | BinaryIO, **condition: str) -> str:
        try:
            answer = self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ContentType=_content_type(key),
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

    def put_file(self, key: str, path: Path) -> None:
        """One PutObject streamed from the file (S3 takes up to 5 GB so; ARCHIVE_WARC_MAX_SIZE is far
        below), with the checksum the server verifies."""
        with open(path, "rb") as source:
            self._put(key, source)

    def read(self, key: str) -> tuple[bytes, str] | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            return answer["Body"].read(), answer["ETag"]
        except Exception as exc:
            if _error_code(exc) in ("NoSuchKey", "404"):
                return None
            raise s3_storage_error(exc) from None

    def read_range(self, key: str, offset: int, length: int) -> bytes | None:
        try:
            answer = self.client.get_object(
                Bucket=self.bucket, Key=self._key(key), Range=f"bytes={offset}-{offset + length - 1}"
            )
            return bytes(answer["Body"].read())
        except Exception as exc:
            if _error_code(exc) in ("NoSuchKey", "404"):
                return None
            raise s3_storage_error(exc) from None

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except Exception as exc:
            raise s3_storage_error(exc) from None

    def delete_many(self, keys: list[str]) -> None:
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = [{"Key": self._key(key)} for key in keys[start : start + _DELETE_BATCH]]
            try:
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            except Exception as exc:
                raise s3_storage_error(exc) from None
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise StorageError(
                    f"{len(errors)} of {len(batch)} deletions refused, the first {first.get('Key')}:"
                    f" {first.get('Code')} {first.get('Message')}",
                    retryable=True,
                )

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


_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes

_CONTENT_TYPES = {
    ".json": "application/json; charset=utf-8",
    ".gz": "application/warc",
    ".cdxj": "text/x-cdxj; charset=utf-8",
}


def _content_type(key: str) -> str:
    return next(
        (kind for end, kind in _CONTENT_TYPES.items() if key.endswith(end)), "application/octet-stream"
    )


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


def s3_client(settings: BaseSettings) -> Any:
    """A boto3 S3 client from Scrapy's AWS_* settings; unset ones fall back to boto3's own chain."""
    import boto3
    from botocore.config import Config

    quiet_aws_loggers()
    client_config = Config(
        retries={
            "mode": settings.get("AWS_RETRY_MODE") or "standard",
            # AWS_MAX_ATTEMPTS counts every attempt, the first included, as the AWS SDKs do
            # (botocore's own "max_attempts" would count only the retries after it).
            "total_max_attempts": config.integer(settings, "AWS_MAX_ATTEMPTS", minimum=1),
        },
        # A storage endpoint that accepts connections but never answers must not stall the crawl.
        connect_timeout=config.seconds(settings, "ARCHIVE_STORE_CONNECT_TIMEOUT"),
        read_timeout=config.seconds(settings, "ARCHIVE_STORE_READ_TIMEOUT"),
        max_pool_connections=max(10, config.integer(settings, "ARCHIVE_WRITE_THREADS", minimum=1)),
        # Checksums only where the S3 API requires them, as botocore did before 1.36: some
        # S3-compatible servers refuse the CRC32 headers it now adds to every PUT by default.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    verify = settings.get("AWS_VERIFY")  # true, false, or the path of a CA bundle
    if isinstance(verify, str) and verify.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        verify = config.boolean(settings, "AWS_VERIFY")
    use_ssl = settings.get("AWS_USE_SSL")
    options = {
        "aws_access_key_id": settings.get("AWS_ACCESS_KEY_ID"),
        "aws_secret_access_key": settings.get("AWS_SECRET_ACCESS_KEY"),
        "aws_session_token": settings.get("AWS_SESSION_TOKEN"),
        "endpoint_url": settings.get("AWS_ENDPOINT_URL"),
        "region_name": settings.get("AWS_REGION_NAME"),
        "use_ssl": None if use_ssl in (None, "") else config.boolean(settings, "AWS_USE_SSL"),
        "verify": verify,
    }
    return boto3.session.Session().client(
        "s3",
        config=client_config,
        **{name: value for name, value in options.items() if value not in (None, "")},
    )
