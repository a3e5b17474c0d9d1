"""The headline and the site's name: the article's ``h1`` over a site-wide ``og:title``, the site's
name cut from titles on either side of every usual separator, and trafilatura's title rules only
where the page declares no title."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from trafilatura.metadata import extract_title as trafilatura_title

from crawler.extraction.fields import first_text, strings
from crawler.extraction.metadata import PageMetadata

_SEPARATOR = r"(?:[|\-–—:·•»]|::)"
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»]|::)\s+")  # no colon: headlines use it
# Longer "titles" (a hostile page's 1 MB <title>) are not headlines: never stored as one.
MAX_TITLE_CHARS = 1000


def site_name(page: PageMetadata) -> str | None:
    publishers = [p.get("name") for p in page.article_values("publisher") if isinstance(p, dict)]
    return first_text(
        page.first("og:site_name"),
        *(p for p in publishers if isinstance(p, str)),
        page.first("application-name"),
        _title_remainder(page),
    )


def _title_remainder(page: PageMetadata) -> str | None:
    """In '<title>Headline | Site</title>', the part that is not the page's headline is the site."""
    if not page.title_tag or not page.headings:
        return None
    parts = [p.strip() for p in re.split(rf"\s*{_SEPARATOR}\s+", page.title_tag) if p.strip()]
    headline = page.headings[0].casefold()
    rest = [p for p in parts if p.casefold() != headline]
    return rest[-1] if len(parts) >= 2 and len(rest) == len(parts) - 1 else None


def strip_site_name(title: str, site_names: Iterable[str | None]) -> str:
    """'Headline | Site' or 'Site: Headline' -> 'Headline'. A part before the first or after the last
    separator that is a site name written another way ('HetKustblad.nl', 'VALLEY POST') goes too. With
    no known site name, a shorter last part after a separator is taken for the site; a colon alone never
    splits, headlines use it too."""
    title = " ".join(title.split())
    names = [n for n in site_names if n]
    for name in names:
        site = re.escape(name)
        for pattern in (rf"^{site}\s*{_SEPARATOR}\s*", rf"\s*{_SEPARATOR}\s*{site}$"):
            stripped = re.sub(pattern, "", title, flags=re.IGNORECASE)
            if stripped != title and stripped:
                return stripped.strip()
    keys = {_key(n) for n in names} - {""}
    parts = list(_TITLE_SEPARATORS.finditer(title))
    if keys and parts:
        if _key(title[parts[-1].end() :]) in keys:
            return title[: parts[-1].start()].strip()
        if _key(title[: parts[0].start()]) in keys:
            return title[parts[0].end() :].strip()
    if parts and len(title) - parts[-1].end() < parts[-1].start():
        return title[: parts[-1].start()].strip()
    return title


def _key(name: str) -> str:
    """A site's name as letters and digits only: 'Valley Post', 'VALLEY-POST' and 'valleypost' meet."""
    return re.sub(r"[\W_]+", "", name).casefold()


def _site_names(page: PageMetadata, site: str | None) -> list[str]:
    """Every name the page gives its site: og:site_name, the publisher, application-name, and its
    host ('www.hetkustblad.nl' gives 'hetkustblad.nl' and 'hetkustblad')."""
    publishers = [p.get("name") for p in page.article_values("publisher") if isinstance(p, dict)]
    names = [site, page.first("og:site_name"), page.first("application-name"), *publishers]
    for address in (page.canonical, page.first("og:url")):
        host = urlsplit(address or "").hostname or ""
        host = host.removeprefix("www.")
        if "." in host:
            names.extend((host, host.rsplit(".", 1)[0]))
    return [n for n in names if isinstance(n, str) and n.strip()]


_TITLE_WORD = re.compile(r"[^\W\d_]{2,}|\d+")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _words(text: str) -> set[str]:
    """Words of a title; in scripts written without spaces, pairs of characters."""
    folded = text.casefold()
    cjk = "".join(_CJK_CHAR.findall(folded))
    return {w for w in _TITLE_WORD.findall(folded) if not _CJK_CHAR.match(w)} | {
        cjk[i : i + 2] for i in range(len(cjk) - 1)
    }


def resembles(one: str, other: str) -> bool:
    """Whether two titles tell the same story: at least half the words of the shorter are the other's
    (two at least), whatever was reworded, cut or added around them."""
    a, b = _words(one), _words(other)
    shared = len(a & b)
    return shared >= 2 and shared >= 0.5 * min(len(a), len(b))


def _fits(value: str | None) -> str | None:
    return value if value is not None and len(value) <= MAX_TITLE_CHARS else None


def title(page: PageMetadata, site: str | None) -> tuple[str | None, str]:
    """The headline: an ``h1`` (else ``h2``) that the page's declared titles contain, or that tells the
    story the ``<title>`` tells when og:title is the site's own (its name, its slogan, the same on every
    page: unlike the ``h1``); else the JSON-LD headline, else og:title or ``<title>`` without the site
    name; else what trafilatura's title rules find (source ``trafilatura``), only on pages that need it."""
    names = _site_names(page, site)
    site_keys = {_key(n) for n in names} - {""}
    headlines = [h for h in strings(page.article_values("headline")) if _fits(h) and _key(h) not in site_keys]
    og_title, title_tag = _fits(page.first("og:title", "twitter:title")), _fits(page.title_tag)
    if title_tag and _key(title_tag) in site_keys:
        title_tag = None
    headline = next((h for h in filter(_fits, page.headings) if _key(h) not in site_keys), None)
    if og_title and (
        _key(og_title) in site_keys
        or (headline and title_tag and not resembles(og_title, headline) and resembles(headline, title_tag))
    ):
        og_title = None  # the site's, not the article's
    declared = [t for t in (og_title, title_tag, *headlines) if t]
    folded = " ".join(declared).casefold()
    for source, headings in (("h1", page.headings), ("h2", page.subheadings)):
        for heading in filter(_fits, headings):
            if heading.casefold() in folded and _key(heading) not in site_keys:
                return heading, source
    if headline and not og_title and title_tag and resembles(headline, strip_site_name(title_tag, names)):
        return headline, "h1"
    if headlines:
        return " ".join(headlines[0].split()), "json-ld"
    for source, value in (("og:title", og_title), ("title", title_tag)):
        if value:
            return strip_site_name(value, names), source
    if headline:
        return headline, "h1"
    searched = searched_title(page.tree) if page.tree is not None else None
    if searched and _key(searched) not in site_keys:
        return strip_site_name(searched, names), "trafilatura"
    return None, "none"


def searched_title(tree: Any) -> str | None:
    """trafilatura's title rules (a heading or element classed as the title), for a page that declares
    none; None when they find none or fail."""
    try:
        found = trafilatura_title(tree)
    except Exception:  # trafilatura on a hostile page: no title is the answer
        return None
    return _fits(" ".join(found.split())) if found and found.strip() else None
