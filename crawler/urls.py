"""URL handling: argument parsing, canonical form and the record id derived from it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.errors import ArgumentError

# Query parameters that only track the reader; they never select a different article.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "fbclid", "gclid", "dclid", "igshid", "ocid", "cmpid")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def parse_url_arguments(url: str | None, urls: str | None) -> list[str]:
    """Read ``-a url=A,B`` and ``-a urls=PATH`` into a list of start URLs, or raise ArgumentError."""
    found: list[str] = []
    if url is not None:
        for value in url.split(","):
            value = value.strip()
            if not value:
                continue
            if not is_http_url(value):
                raise ArgumentError(f"-a url: not an http(s) URL: {value!r}")
            found.append(value)
        if not found:
            raise ArgumentError("-a url: no URL given")
    if urls is not None:
        try:
            lines = Path(urls).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise ArgumentError(f"-a urls: cannot read {urls!r}: {reason}") from None
        from_file = []
        for number, line in enumerate(lines, start=1):
            value = line.strip()
            if not value or value.startswith("#"):
                continue
            if not is_http_url(value):
                raise ArgumentError(f"-a urls: {urls}:{number}: not an http(s) URL: {value!r}")
            from_file.append(value)
        if not from_file:
            raise ArgumentError(f"-a urls: no URL in {urls!r}")
        found.extend(from_file)
    if not found:
        raise ArgumentError("no URL given: pass -a url=URL[,URL...] or -a urls=FILE")
    return list(dict.fromkeys(found))


def canonicalize(url: str) -> str:
    """The form of a URL that identifies an article: lower-case host, no default port, no fragment,
    no tracking parameters, remaining query parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(sorted(query)), ""))


def same_site(a: str, b: str) -> bool:
    """True when both URLs are on one host, ignoring a leading ``www.``."""

    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name

    return host(a) == host(b) != ""


# Path segments of listing pages: tag, section, author and search pages are not articles.
_LISTING_SEGMENTS = {
    "tag", "tags", "topic", "topics", "category", "categories", "section", "sections", "author",
    "authors", "search", "archive", "archives", "page", "thema", "themen", "rubrik", "ressort",
    "schlagwort", "categorie", "rubrique", "etiqueta", "categoria", "tema",
}  # fmt: skip
_INDEX_PAGES = ("index.html", "index.htm", "index.php", "default.aspx")
# What names one story, wherever it sits ("/thema/klima/neue-deiche-fuer-die-kueste-1234.html",
# "index.php?id=4711"): a slug of four words or more, or a number of five digits or more.
_SLUG_WORDS = re.compile(r"[^\W_]+")
_STORY_NUMBER = re.compile(r"\d{5,}")
_STORY_QUERY = re.compile(r"(^|&)(id|p|article|artikel|story|news|item|nid|aid)=\w+", re.IGNORECASE)


def looks_like_listing(url: str) -> bool:
    """True for front pages and tag, section, author or search pages, judged by the URL alone.

    A path that names one story in its last segment is an article's, whatever section it sits in.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments or segments[-1] in _INDEX_PAGES:
        return not _STORY_QUERY.search(parts.query)
    last = segments[-1].rsplit(".", 1)[0] if "." in segments[-1] else segments[-1]
    if len(_SLUG_WORDS.findall(last)) >= 4 or _STORY_NUMBER.search(last):
        return False
    return any(s in _LISTING_SEGMENTS for s in segments[:-1]) or last == "search"


def names_a_story(url: str) -> bool:
    """True when the URL's last path segment names one story (a slug of four words or more, or a
    story number): what a listing's teasers link to."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return bool(_STORY_QUERY.search(urlsplit(url).query))
    last = segments[-1].rsplit(".", 1)[0]
    return len(_SLUG_WORDS.findall(last)) >= 4 or bool(_STORY_NUMBER.search(last))


def record_id(canonical_url: str) -> str:
    """Stable id of an article: the first 128 bits of the SHA-256 of its canonical URL, in hex."""
    return hashlib.sha256(canonicalize(canonical_url).encode("utf-8")).hexdigest()[:32]


def domain_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")
