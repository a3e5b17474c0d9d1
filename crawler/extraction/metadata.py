"""Read what a page says about itself: JSON-LD, meta tags, ``<time>``, itemprop, bylines, datelines.

Each reader returns candidates in precedence order, with the source named, so the extraction module
can pick per field and record where each value came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from trafilatura.utils import load_html

from crawler.extraction import nesting
from crawler.extraction.markup import (
    BYLINE_WORDS,
    PARAGRAPH_CHARS,
    TAG_LIST_WORDS,
    class_words,
    is_chrome,
    text_length,
    text_of,
)

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting",
    "liveblogposting", "report", "scholarlyarticle", "techarticle", "socialmediaposting",
}  # fmt: skip
_JSON_COMMENTS = re.compile(r"^\s*(<!--|//<!\[CDATA\[|<!\[CDATA\[)|(-->|//\]\]>|\]\]>)\s*$")
_META_DATE_NAMES = (
    "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.date", "parsely-pub-date", "sailthru.date", "article.published",
    "published-date", "datepublished", "og:published_time", "cxenseparse:recs:publishtime",
)  # fmt: skip
_META_MODIFIED_NAMES = ("dcterms.modified", "last-modified", "lastmod", "datemodified", "og:updated_time")
_DATELINE_WORDS = {
    "date", "dateline", "time", "timestamp", "published", "pubdate", "posted", "meta", "byline", "info",
    "datum", "zeit", "fecha", "heure", "data",
}  # fmt: skip


@dataclass
class PageMetadata:
    """Everything the page declares about itself, as raw strings."""

    jsonld: list[dict[str, Any]] = field(default_factory=list)  # Article-like objects, first first
    meta: dict[str, list[str]] = field(default_factory=dict)  # name/property/itemprop -> contents
    title_tag: str | None = None
    headings: list[str] = field(default_factory=list)  # h1 texts outside chrome
    subheadings: list[str] = field(default_factory=list)  # h2 texts outside chrome
    canonical: str | None = None
    lang: str | None = None
    times: list[tuple[str, str]] = field(default_factory=list)  # (source, raw) from <time>/itemprop
    datelines: list[str] = field(default_factory=list)
    bylines: list[tuple[str, str]] = field(default_factory=list)  # (source, raw)
    tag_lists: list[str] = field(default_factory=list)  # link texts of visible tag lists
    # Dates of other things on the page (the web page, an image, a related story): not the article's,
    # but their offsets say the zone the site writes its times in.
    other_dates: list[str] = field(default_factory=list)
    # Dates shown near the headline with no class or opening word to say so ("5. März 2026, 14:30",
    # "2026年3月5日 14時30分", "3 hours ago"), and the date of a city dateline ("BERLIN, 5 March 2026 —").
    visible_dates: list[str] = field(default_factory=list)
    city_datelines: list[str] = field(default_factory=list)
    # The parsed page, for the searches that only pages missing a field pay for (crawler.extraction.fields).
    tree: Any = field(default=None, repr=False, compare=False)

    def first(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, []):
                if value.strip():
                    return value.strip()
        return None

    @property
    def live_blog(self) -> bool:
        """Whether the page declares itself a live blog, whose entries are often named "comment"."""
        return any("liveblogposting" in _types(obj) for obj in self.jsonld)

    def article_values(self, key: str) -> Iterator[Any]:
        for obj in self.jsonld:
            if obj.get(key) not in (None, "", []):
                yield obj[key]


def _walk_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk_jsonld(node[key])


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _read_jsonld(tree: Any, page: PageMetadata) -> None:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = _JSON_COMMENTS.sub("", (script.text or "").strip())
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the other sources still apply
        for obj in _walk_jsonld(data):
            if _types(obj) & ARTICLE_TYPES:
                page.jsonld.append(obj)
            else:
                dated = (obj.get(key) for key in _JSONLD_DATES)
                page.other_dates.extend(value for value in dated if isinstance(value, str))


_JSONLD_DATES = ("datePublished", "dateModified", "dateCreated", "uploadDate")


def read_metadata(tree: Any) -> PageMetadata:
    page = PageMetadata()
    _read_jsonld(tree, page)
    for element in tree.xpath("//meta[@content]"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        if key:
            page.meta.setdefault(key.strip().lower(), []).append(element.get("content", ""))
    titles = tree.xpath("//title")
    page.title_tag = text_of(titles[0]) if titles else None
    page.headings = [t for h in tree.xpath("//h1") if not is_chrome(h) and (t := text_of(h))]
    page.subheadings = [t for h in tree.xpath("//h2") if not is_chrome(h) and (t := text_of(h))]
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    page.canonical = canonical[0].strip() if canonical else None
    langs = tree.xpath("/html/@lang")
    page.lang = langs[0].strip() if langs and langs[0].strip() else None
    for element in tree.xpath('//*[@itemprop="datePublished" or @itemprop="dateModified"]'):
        if element.tag != "meta" and not is_chrome(element):
            raw = element.get("datetime") or element.get("content") or text_of(element)
            page.times.append((f"itemprop:{element.get('itemprop')}", raw))
    for element in tree.xpath("//time"):
        if not is_chrome(element):
            raw = element.get("datetime") or text_of(element)
            source = "time[pubdate]" if element.get("pubdate") is not None else "time"
            page.times.append((source, raw))
        elif element.get("datetime"):
            page.other_dates.append(element.get("datetime"))
    for element in tree.xpath("//body//*[@class or @id]"):
        words = class_words(element)
        if words & _DATELINE_WORDS and not is_chrome(element):
            text = text_of(element)
            if 6 <= len(text) <= 120:
                page.datelines.append(text)
        if words & TAG_LIST_WORDS:
            page.tag_lists.extend(t for a in element.xpath(".//a") if (t := text_of(a)) and len(t) <= 60)
        if words & _BYLINE_OR_BOX_WORDS and not is_chrome(element) and not _has_inner_byline(element):
            text = text_of(element)
            boxed = _author_box_name(element, text)
            if boxed:
                page.bylines.append(("author-box", boxed))
            elif 3 <= len(text) <= 160 and words & BYLINE_WORDS:
                page.bylines.append(("byline", text))
    # Datelines no class names ("Stand: 12.03.2024 14:05 Uhr", "Published on March 12, 2024"), after
    # the classed ones: read where they stand, after the headline.
    # Bylines no class names ("By Jane Roe and Kim Doe", "Von A, B und C"), after the classed ones.
    said = _said(tree)
    page.datelines.extend(said.datelines)
    page.bylines.extend(("byline:text", text) for text in said.bylines)
    page.visible_dates, page.city_datelines = said.dates, said.city_datelines
    page.tree = tree
    # All rel=author / itemprop=author names of the page form one byline, ahead of the class-based ones.
    marked: list[str] = []
    for element in tree.xpath('//*[@rel="author" or @itemprop="author"]'):
        if element.tag != "meta" and not is_chrome(element):
            name_elements = element.xpath('.//*[@itemprop="name"]')
            text = text_of(name_elements[0] if name_elements else element)
            if text and text not in marked:
                marked.append(text)
    if marked:
        page.bylines.insert(0, ("rel-or-itemprop:author", ", ".join(marked)))
    # Links to an author's page name the authors of a byline that has no class saying so.
    linked = _author_links(tree)
    if linked:
        page.bylines.insert(1 if marked else 0, ("author-link", ", ".join(linked)))
    return page


# Path segments of author pages, in the languages of our sources.
_AUTHOR_PATHS = ("author", "authors", "autor", "autoren", "autorin", "auteur", "auteurs", "autore", "autori")
_AUTHOR_LINKS = etree.XPath(
    "//a[" + " or ".join(f"contains(@href, '/{segment}/')" for segment in _AUTHOR_PATHS) + "]"
)


def _author_links(tree: Any) -> list[str]:
    names: list[str] = []
    for link in _AUTHOR_LINKS(tree):
        text = text_of(link)
        if 3 <= len(text) <= 60 and text not in names and not is_chrome(link):
            names.append(text)
    return names[:6]  # a byline, not an index of every author of the site


# Words that open a dateline, in the languages of our sources.
_DATELINE_OPENING = re.compile(
    r"^\s*(published|posted|updated|last updated|first published|veröffentlicht|aktualisiert|stand|"
    r"erstellt|publié|mis à jour|publicado|actualizado|atualizado|pubblicato|aggiornato|gepubliceerd|"
    r"bijgewerkt|opublikowano|zaktualizowano|publicerad|uppdaterad|julkaistu|päivitetty)\b",
    re.IGNORECASE,
)
# ... and a byline: a preposition, then a capital ("By the way" is not one), or a label and a colon
# ("Autor: Jan Kowalski", "Texto: Ana Souza", the last line of many Spanish and German stories).
_BYLINE_OPENING = re.compile(
    r"^\s*(?:(?:by|von|par|por|di|door|av|af|przez)\s+|(?:text|texto|testo|tekst|autor|autorin|autorka|"
    r"auteur|author|autore|autores|auteurs|autoren)\s*:\s*)",
    re.IGNORECASE,
)
# Chinese, Japanese and Korean bylines: a name and the reporter's title ("山田太郎記者", "홍길동 기자",
# "(서울=연합뉴스) 홍길동 특파원 ="), the title first ("记者 李明"), or a name in brackets closing the story
# ("(山田太郎)", in full-width brackets). Only the byline's own part of a paragraph that goes on with
# the story is kept.
_CJK_NAME = r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"
_CJK_BYLINE = re.compile(
    rf"^\s*(?:[(（][^)）]{{1,20}}[)）]\s*)?{_CJK_NAME}{{2,5}}(?:[、,，]\s*{_CJK_NAME}{{2,5}})*\s?"
    r"(?:記者|记者|기자|특파원|特派員|特派员|선임기자)(?:\s*[\w.+-]+@[\w.-]+)?(?:\s*=)?"
    rf"|^\s*(?:本报记者|本報記者|记者|記者|作者|撰文|文)\s*[:：/／]?\s*{_CJK_NAME}{{2,4}}(?:[、,，\s]+{_CJK_NAME}{{2,4}})*"
    rf"|^\s*[(（]{_CJK_NAME}{{2,8}}[)）]\s*$"
)
_SAID = 2  # the page's own; further ones belong to teasers and comments
# Dates shown without a class or an opening word are read this near the headline only: before the
# article's third paragraph of prose (related stories, comments and the footer come later).
_NEAR_PARAGRAPHS = 3
_VISIBLE_DATE_CHARS = 80
# A year, or a word of a relative date: the cheap test before any parsing.
_DATE_HINT = re.compile(
    r"(?<!\d)(?:19|20)\d\d(?!\d)|\d\s*(?:[^\W\d_]+\s+)?(?:ago|geleden|temu|sedan|siden|fa)\b|"
    r"\b(?:vor|il\s+y\s+a|hace|há)\s+\w+\s+\w|\d\s*(?:秒|分|時間|小时|小時|日|天|週間|초|분|시간|일)\s*[前전]|"
    r"^\s*(?:yesterday|gestern|hier|ayer|ieri|gisteren|ontem|wczoraj|igår|i\s+går|昨日|昨天|어제)\b",
    re.IGNORECASE,
)
# "BERLIN, 5 March 2026 —", "PARIS, 5 mars 2026 (AFP) -": a place, a comma, a date, a dash, the story.
_CITY_DATELINE = re.compile(
    r"^\s*[^\W\d_][^,.\n]{1,40},\s*([^—–(\n]{6,40}?)\s*(?:\([^)]{1,30}\)\s*)?(?:[—–]|--?)\s"
)


def _opens_byline(text: str) -> bool:
    opening = _BYLINE_OPENING.match(text)
    return opening is not None and text[opening.end() : opening.end() + 1].isupper()


# Boxes about the author, often at the end of the article ("Jane Roe is a reporter covering ...").
_AUTHOR_BOX_WORDS = {"bio", "biography", "authorbox", "autorenbox", "autorbox"}
_BYLINE_OR_BOX_WORDS = BYLINE_WORDS | _AUTHOR_BOX_WORDS
_AUTHOR_BOX_NAME = etree.XPath(".//a | .//strong | .//b | .//h2 | .//h3 | .//h4 | .//*[@itemprop='name']")
_BIO_VERBS = (
    r"is|was|has|writes|covers|reports|ist|war|schreibt|berichtet|est|était|écrit|es|era|escribe|è|scrive|"
    r"werkt|schrijft|är|skriver|er|jest|pisze|é|escreve"
)
_BIO_VERB = re.compile(rf"^(.{{3,60}}?)\s+(?:{_BIO_VERBS})\s")


def _author_box_name(element: Any, text: str) -> str | None:
    """In a box that tells who wrote the story in a sentence ("<a>Jane Roe</a> is a reporter ..."), the
    name the sentence starts with: a link or emphasis followed by the verb, else the words before the
    verb of one of its paragraphs; None for a box that is a plain byline."""
    if len(text.split()) <= 6:
        return None
    for named in _AUTHOR_BOX_NAME(element):
        name = text_of(named)
        if 3 <= len(name) <= 60 and re.search(rf"(?:^|[.!?]\s){re.escape(name)}\s+(?:{_BIO_VERBS})\s", text):
            return name
    for paragraph in (element, *element.iter("p")):
        verb = _BIO_VERB.match(text_of(paragraph))
        if verb and len(verb.group(1).split()) <= 4:
            return verb.group(1)
    return None


@dataclass
class _Said:
    datelines: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    city_datelines: list[str] = field(default_factory=list)


def _said(tree: Any) -> _Said:
    """Short elements after the headline whose own text opens as a dateline does, and as a byline
    does, and, near the headline only, the dates shown there with no word to say so: one walk of the
    tree, checking each element's own text first (cheap) and only then its whole text."""
    said = _Said()
    headline = next(iter(tree.xpath("//h1[1]")), None)
    after_headline = headline is None
    paragraphs = 0  # of the article's prose, after the headline
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "h1":
            after_headline = True
            continue
        own = element.text
        if not after_headline:
            continue
        near = headline is not None and paragraphs < _NEAR_PARAGRAPHS
        if near and element.tag == "p":
            paragraphs += _prose_paragraph(element, said)
        if not own or not own.strip():
            continue
        if near and len(said.dates) < _SAID and len(own) <= _VISIBLE_DATE_CHARS and _DATE_HINT.search(own):
            _visible_date(element, said.dates)
        for found, opens, shortest, longest in (
            (said.datelines, _DATELINE_OPENING.match(own) is not None, 10, 120),
            (said.bylines, _opens_byline(own), 6, 100),
        ):
            if not opens or len(found) == _SAID:
                continue
            text = text_of(element)
            if shortest <= len(text) <= longest and text not in found and not is_chrome(element):
                found.append(text)
        if len(said.bylines) < _SAID and _may_open_cjk_byline(own) and _CJK_NAME_START.match(own):
            _cjk_byline(element, said.bylines)
        if len(said.datelines) == len(said.bylines) == _SAID and not near:
            break
    if headline is not None:  # a date shown just above the headline ("5 March 2026" over it)
        for sibling in list(headline.itersiblings(preceding=True))[:3]:
            for element in sibling.iter():
                if isinstance(element.tag, str) and element.text and _DATE_HINT.search(element.text):
                    _visible_date(element, said.dates)
    return said


_CJK_NAME_START = re.compile(rf"^\s*(?:[(（]|{_CJK_NAME})")


def _may_open_cjk_byline(own: str) -> bool:
    """Whether a text's first character may open a CJK byline: cheaper than the pattern, on every element."""
    first = own.lstrip()[:1]
    return first in "(（" or "\u3040" <= first <= "\ud7af"


def _visible_date(element: Any, found: list[str]) -> None:
    text = text_of(element)
    if len(text) <= _VISIBLE_DATE_CHARS and text not in found and not is_chrome(element):
        found.append(text)


def _cjk_byline(element: Any, found: list[str]) -> None:
    match = _CJK_BYLINE.match(text_of(element))
    if match and match.group(0).strip() not in found and not is_chrome(element):
        found.append(match.group(0).strip())


def _prose_paragraph(element: Any, said: _Said) -> int:
    """1 for a paragraph of the article's prose (and the date of its city dateline kept), else 0."""
    text = text_of(element)
    if len(text) < 40 or is_chrome(element):
        return 0
    dateline = _CITY_DATELINE.match(text) if not said.city_datelines else None
    if dateline and _DATE_HINT.search(dateline.group(1)):
        said.city_datelines.append(dateline.group(1).strip())
    return 1 if text_length(text) >= PARAGRAPH_CHARS else 0


def _has_inner_byline(element: Any) -> bool:
    """A byline block that wraps a narrower byline element (and the dateline) gives way to it."""
    return any(
        class_words(inner) & BYLINE_WORDS for inner in element.iterdescendants() if isinstance(inner.tag, str)
    )


def parse_html(markup: str) -> Any:
    """Parse HTML once, as trafilatura does (its parser options matter for what it finds), so the
    metadata readers and the body extraction share one tree; None when there is no document.

    A page with junk before its document (a PHP warning) is parsed from where the document starts; a
    page nested deeper than the parser goes, which it would cut short, is parsed again flattened
    (crawler.extraction.nesting)."""
    tree = load_html(markup)
    if tree is not None and tree.find("body") is None:
        document = _after_junk(markup)
        if document is not None:
            tree = document
    if tree is not None and nesting.cut_by_parser(tree):
        tree = load_html(nesting.flatten(markup))
    return tree


# Where the document starts, after whatever a server printed before it.
_DOCUMENT_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)


def _after_junk(markup: str) -> Any:
    """The document that follows junk printed before it (a PHP notice, stray text), which leaves the
    parser with a fragment and no body; None when there is none."""
    start = _DOCUMENT_START.search(markup)
    if start is None or start.start() == 0:
        return None
    document = load_html(markup[start.start() :])
    return document if document is not None and document.find("body") is not None else None


def meta_date_names(kind: str) -> tuple[str, ...]:
    return _META_DATE_NAMES if kind == "published" else _META_MODIFIED_NAMES
