"""The article record: one dataclass, one JSON shape, documented by ``record.schema.json``."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

SCHEMA_VERSION = 1

# What a page is (crawler.extraction.kinds): every HTML page with text is one of these. Which kinds
# become records depends on where the page's URL came from (crawler.admission).
ARTICLE, LISTING, CONSENT, CHALLENGE, PAYWALL, ERROR, OTHER = (
    "article", "listing", "consent", "challenge", "paywall", "error", "other",
)  # fmt: skip
KINDS = (ARTICLE, LISTING, CONSENT, CHALLENGE, PAYWALL, ERROR, OTHER)
# The kinds of page a site shows instead of its articles: counted per domain, never records.
WALLS = (CONSENT, CHALLENGE)
# What an archived article became when its URL answers 404/410 (``gone``) or redirects permanently to
# another article (``moved``): a version without text, not a page's kind.
GONE, MOVED = "gone", "moved"


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second: the only timestamp form stored in records."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: timestamps must carry a zone")
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(value: str) -> datetime:
    """The aware datetime of a stored timestamp (``utc_iso``'s ``...Z``, or any ISO 8601 with an offset).

    Raises ValueError for anything else, naive timestamps included.
    """
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"no zone in timestamp {value!r}")
    return moment


def instant(value: Any) -> datetime | None:
    """A stored timestamp (``parse_utc``), else a day (``2026-11-30``) or a time without a zone taken
    in UTC; None for anything else: what readers of records filter by."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


# How far the crawl's clock is set from the real one (ARCHIVE_NOW; crawler.config.set_clock).
_CLOCK_OFFSET = [timedelta(0)]


def now_utc() -> datetime:
    """The crawl's time: the real clock, or the moment ARCHIVE_NOW set it to, going on from there."""
    return datetime.now(timezone.utc) + _CLOCK_OFFSET[0]


def set_now(moment: datetime | None) -> None:
    """Run the clock from ``moment`` on (a test, or a replay, of a crawl at another time); None: the
    real clock."""
    _CLOCK_OFFSET[0] = moment - datetime.now(timezone.utc) if moment is not None else timedelta(0)


def encode_json(value: Any) -> bytes:
    """The one encoding of an object stored in the archive (records, state, manifests, locks): UTF-8
    JSON, one key a line so a person can read it and diff two versions, a final newline.
    A dataclass is stored as its fields."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@dataclass(frozen=True)
class PageDate:
    """A date as the page gave it, and what we could make of it.

    ``utc`` is set only when the instant is known (time of day and zone); otherwise ``local`` keeps the
    page's own date or date-time and ``zone`` says why the instant is unknown.
    """

    raw: str
    source: str  # where it came from: json-ld, meta:article:published_time, itemprop, time, dateline, ...
    utc: str | None  # ISO 8601 UTC instant, or None
    local: str  # ISO 8601 date or naive date-time as written on the page
    precision: str  # "second", "minute" or "day"
    zone: str  # "explicit" (in the string), "page" (declared elsewhere on the page), "unknown"


@dataclass(frozen=True)
class HttpInfo:
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Extractor:
    name: str
    version: str


@dataclass(frozen=True)
class CaptureRef:
    """Where the raw page of a record is: the WARC response record that holds its body.

    A page fetched again with the same payload is written as a revisit, and its record still points
    here, to the response with the body.
    """

    warc: str  # the segment's archive key (pipelines.storage.keys.segment_key)
    offset: int  # of the record's gzip member in the segment
    length: int  # of that member
    record_id: str  # its WARC-Record-ID
    digest: str  # its WARC-Payload-Digest (sha1:BASE32), as a revisit of it repeats
    url: str  # its WARC-Target-URI
    date: str  # its WARC-Date
    # A page rendered in a browser (crawler.middlewares.browser): the record is the ``conversion`` of
    # the response that holds the DOM the browser made of it, which was extracted.
    rendered: bool = False

    def to_dict(self) -> dict[str, Any]:
        """As records and the URL index store it: ``rendered`` only when true."""
        data = asdict(self)
        if not self.rendered:
            del data["rendered"]
        return data


@dataclass(frozen=True)
class Article:
    """What extraction makes of one page; the spider adds where and when it was fetched."""

    title: str | None
    text: str
    authors: list[str]
    agencies: list[str]
    published: PageDate | None
    modified: PageDate | None
    language: str | None
    description: str | None
    site_name: str | None
    tags: list[str]
    image: str | None
    canonical_url: str  # canonical form (crawler.urls.canonicalize): the page's own, else its URL
    sources: dict[str, str]  # field name -> where its value came from
    kind: str = ARTICLE  # one of KINDS
    evidence: list[str] = field(default_factory=list)  # the signals that decided the kind
    fingerprint: str | None = None  # the text's near-duplicate fingerprint (crawler.extraction.fingerprint)


@dataclass(frozen=True)
class ArticleRecord:
    """One archived article. ``to_json`` is the only way it is serialised."""

    id: str
    url: str
    requested_url: str
    canonical_url: str
    domain: str
    title: str | None  # None only when the page names no headline anywhere
    text: str
    authors: list[str]
    agencies: list[str]
    published_at: str | None
    published_date: str | None
    modified_at: str | None
    dates: dict[str, PageDate | None]
    fetched_at: str
    archived_at: str | None
    language: str | None
    description: str | None
    site_name: str | None
    tags: list[str]
    image: str | None
    content_sha256: str
    http: HttpInfo
    spider: str
    job_id: str
    extractor: Extractor
    sources: dict[str, str] = field(default_factory=dict)
    # What the page is (KINDS) and the signals that said so; records stored before kinds existed
    # were all articles.
    kind: str = ARTICLE
    kind_evidence: list[str] = field(default_factory=list)
    # The text's MinHash (crawler.extraction.fingerprint), which groups copies of one story; None for a
    # text too short to have one, and in records stored before fingerprints existed.
    fingerprint: str | None = None
    # Set when the record is archived: its place among the versions of this article.
    version: int | None = None
    first_seen_at: str | None = None
    previous_key: str | None = None
    # What changed against the previous version (pipelines.write.changes); None for version 1.
    changes: dict[str, Any] | None = None
    # A ``moved`` version: the URL the article's URL now redirects to.
    moved_to: str | None = None
    # The raw page in the archive's WARC segments; None when ARCHIVE_WARC is off.
    capture: CaptureRef | None = None
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleRecord:
        """The inverse of ``to_dict``: how the spool and the readers get records back."""
        values = dict(data)
        values["dates"] = {k: PageDate(**v) if v else None for k, v in values["dates"].items()}
        values["http"] = HttpInfo(**values["http"])
        values["extractor"] = Extractor(**values["extractor"])
        if values.get("capture"):
            values["capture"] = CaptureRef(**values["capture"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["capture"] = self.capture.to_dict() if self.capture is not None else None
        # Keep schema_version first so a reader of the raw file sees it at once.
        return {"schema_version": data.pop("schema_version"), **data}

    def to_json(self) -> bytes:
        return encode_json(self.to_dict())


def normalize_text(text: str) -> str:
    """NFC, whitespace runs inside lines collapsed, blank-line-separated blocks kept.

    ``str.split()`` splits on the characters ``re``'s ``\\s`` matches (both use ``str.isspace``),
    at a third of the cost: it runs for every page, in the crawler's own process."""
    blocks = (" ".join(block.split()) for block in unicodedata.normalize("NFC", text).split("\n\n"))
    return "\n\n".join(block for block in blocks if block)


def content_sha256(title: str | None, text: str) -> str:
    """Hash of what a reader sees: a change of markup or chrome alone does not make a new version."""
    payload = normalize_text(title or "") + "\n\n" + normalize_text(text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("crawler").joinpath("record.schema.json").read_text(encoding="utf-8")
    )
    return schema
