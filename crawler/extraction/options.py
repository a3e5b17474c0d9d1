"""What extraction is asked to do (ExtractOptions), what it answers when a page is not an article
(Rejection), and the name and version of the code that made a record (EXTRACTOR)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version

from crawler.record import Extractor

EXTRACTOR = Extractor(name="newsarchive+trafilatura", version=f"0.1.0+trafilatura-{version('trafilatura')}")


@dataclass(frozen=True)
class Rejection:
    """Why a page was not archived: ``reason`` is a short stats key, ``detail`` is for the log.

    ``traceback`` is set only when extraction itself failed (a bug, not a page's fault), so that the
    crawl's log shows it even when the page was extracted in a worker process.
    """

    reason: str
    detail: str
    traceback: str | None = None


@dataclass(frozen=True)
class ExtractOptions:
    min_chars: int = 400
    max_bytes: int = 5 * 1024 * 1024
