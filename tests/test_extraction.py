"""Extraction rules pinned on fixture pages: the sample site (exact text) and 45 pages of many
publishers' styles, languages and zones (tests/fixtures/pages)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import SITE_DIR
from crawler.extraction import Article, ExtractOptions, Rejection, extract, strip_site_name

FETCHED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
HTML = {"content-type": "text/html; charset=utf-8"}
PAGES = Path(__file__).parent / "fixtures" / "pages"
DEMO = json.loads((SITE_DIR / "expected.json").read_text("utf-8"))["pages"]
FIXTURES = json.loads((PAGES / "expected.json").read_text("utf-8"))


def run(body: bytes, headers: dict[str, str] | None = None, **options: Any) -> Article | Rejection:
    return extract(
        body, "https://news.example.com/story.html", headers or HTML, FETCHED, ExtractOptions(**options)
    )


def article(path: Path, url: str = "https://news.example.com/story.html") -> Article:
    result = extract(path.read_bytes(), url, HTML, FETCHED)
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize("page", [p for p in DEMO if p["is_article"]], ids=lambda p: p["path"])
def test_sample_site_articles_are_extracted_exactly(page: dict[str, Any]) -> None:
    result = article(SITE_DIR / page["path"], "http://127.0.0.1:8765/" + page["path"])
    assert result.text == "\n\n".join(page["blocks"])
    for phrase in page["chrome"]:
        assert phrase not in result.text
    assert result.title == page["title"]
    assert result.authors == page["authors"]
    assert (result.published.utc if result.published else None) == page["published_at"]
    assert (result.modified.utc if result.modified else None) == page["modified_at"]
    assert result.language == page["language"]
    assert result.site_name == page["site_name"]
    assert result.tags == page["tags"]
    assert result.canonical_url == "http://127.0.0.1:8765/" + page["path"]


@pytest.mark.parametrize("page", [p for p in DEMO if not p["is_article"]], ids=lambda p: p["path"])
def test_sample_site_pages_that_are_not_articles_are_rejected(page: dict[str, Any]) -> None:
    result = extract(
        (SITE_DIR / page["path"]).read_bytes(), "http://127.0.0.1/" + page["path"], HTML, FETCHED
    )
    assert isinstance(result, Rejection)
    assert result.reason in ("too_short", "not_article")


ARTICLES = {name: e for name, e in FIXTURES.items() if e["is_article"]}


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_fixture_page_metadata(name: str) -> None:
    expected = ARTICLES[name]
    result = article(PAGES / name)
    published = result.published
    assert result.title == expected["title"]
    assert result.authors == expected["authors"]
    assert result.language == expected["language"]
    assert (published.utc if published else None) == expected["published_at"]
    assert (published.local[:10] if published else None) == expected["published_date"]
    assert (result.modified.utc if result.modified else None) == expected["modified_at"]
    if expected.get("published_zone_unknown"):
        assert published is not None and published.zone == "unknown"
    if expected.get("published_precision") == "day":
        assert published is not None and published.precision == "day"


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_fixture_page_body_is_the_whole_article_and_nothing_else(name: str) -> None:
    expected = ARTICLES[name]
    blocks = article(PAGES / name).text.split("\n\n")
    assert blocks[0] == expected["first_paragraph"]
    assert blocks[-1] == expected["last_paragraph"]
    text = "\n\n".join(blocks)
    assert [phrase for phrase in expected["chrome"] if phrase in text] == []


@pytest.mark.parametrize("name", sorted(n for n, e in FIXTURES.items() if not e["is_article"]))
def test_fixture_pages_that_are_not_articles_are_rejected(name: str) -> None:
    result = extract((PAGES / name).read_bytes(), "https://news.example.com/x", HTML, FETCHED)
    assert isinstance(result, Rejection)
    assert result.reason in ("too_short", "not_article")


LONG_ARTICLE = (SITE_DIR / DEMO[[p["is_article"] for p in DEMO].index(True)]["path"]).read_bytes()


@pytest.mark.parametrize(
    ("body", "headers", "reason", "detail"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", HTML, "not_html", "binary content"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", HTML, "not_html", "binary content"),
        (b"PK\x03\x04\x14\x00\x00\x00", HTML, "not_html", "binary content"),
        (LONG_ARTICLE, {"content-type": "application/pdf"}, "not_html", "content type application/pdf"),
        (b"", HTML, "empty", "empty body"),
        (b"  \n\t ", HTML, "empty", "empty body"),
        (
            b"<html><body><p>Just one short line.</p></body></html>",
            HTML,
            "too_short",
            "20 characters of text",
        ),
        (b"<html><head><title>x</title></head></html>", HTML, "too_short", "0 characters of text"),
    ],
)
def test_pages_that_are_not_articles_get_a_reason(
    body: bytes, headers: dict[str, str], reason: str, detail: str
) -> None:
    assert run(body, headers) == Rejection(reason, detail)


def test_pages_over_the_size_limit_are_not_parsed() -> None:
    assert run(LONG_ARTICLE, max_bytes=1000) == Rejection("too_large", f"{len(LONG_ARTICLE)} bytes")


def test_wrong_charset_declarations_are_survived() -> None:
    text = LONG_ARTICLE.decode("utf-8").replace("charset=utf-8", "charset=windows-1251")
    result = run(text.encode("cp1252", errors="replace"), {"content-type": "text/html; charset=shift_jis"})
    assert isinstance(result, Article | Rejection)


def test_the_lead_outside_the_body_container_comes_first() -> None:
    page = next(p for p in DEMO if p.get("lead_outside_body"))
    assert article(SITE_DIR / page["path"]).text.split("\n\n")[0] == page["blocks"][0]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Harbour bridge reopens | The Harbour Courier", "Harbour bridge reopens"),
        ("The Harbour Courier: Harbour bridge reopens after repairs", "Harbour bridge reopens after repairs"),
        ("Stadtwerke erhöhen Preise – Nordstadt Rundschau", "Stadtwerke erhöhen Preise"),
        ("No separator here", "No separator here"),
    ],
)
def test_site_names_are_stripped_from_titles(title: str, expected: str) -> None:
    assert strip_site_name(title, ["The Harbour Courier", "Nordstadt Rundschau"]) == expected


def test_extraction_never_raises_on_garbage() -> None:
    garbage = gzip.compress(b"<html>" * 1000)[:500] + b"<div>" * 5000 + b"\x00\xff" * 100
    assert isinstance(run(garbage), Rejection)


PARAGRAPHS = [
    "The harbour authority confirmed on Tuesday that the eastern breakwater will be rebuilt over the next "
    "two years, after storms last winter opened a gap of almost forty metres in the old stone wall.",
    "Engineers from the port's own maintenance team surveyed the damage in February and found that the "
    "foundations had shifted far more than the original inspection in the autumn had suggested.",
    "Fishing crews who use the inner basin said they welcomed the decision but asked for the work to be "
    "scheduled outside the herring season, when the harbour is at its busiest and berths are scarce.",
]


def page(body: str, head: str = "") -> bytes:
    """A news page with a headline, the given body markup and the given extra head markup."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Breakwater to be rebuilt | Harbour Courier</title>"
        "<meta property='og:type' content='article'>"
        f"{head}</head><body><header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<main><article><h1>Breakwater to be rebuilt</h1>{body}</article></main>"
        "<footer>© Harbour Courier</footer></body></html>"
    ).encode()


def body_blocks(markup: str, **kwargs: str) -> list[str]:
    result = extract(
        page(markup, **kwargs), "https://news.example.com/2024/05/01/breakwater.html", HTML, FETCHED
    )
    assert isinstance(result, Article), result
    return result.text.split("\n\n")


PARAS = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


@pytest.mark.parametrize(
    "noise",
    [
        "<p>READ MORE: Ferry timetable cut for the winter months</p>",
        "<p>Don't miss: our guide to the harbour festival</p>",
        "<p>https://news.example.com/2024/05/01/breakwater.html</p>",
        "<p>Updated at 1:23 p.m.</p>",
        "<p>Photo: Jane Roe / Harbour Courier</p>",
        "<p>Lesen Sie auch: Neue Fähre für die Insel</p>",
    ],
)
def test_lines_that_point_away_from_the_story_are_dropped(noise: str) -> None:
    assert body_blocks(PARAS.replace("</p><p>", f"</p>{noise}<p>", 1)) == PARAGRAPHS


def test_lists_made_of_links_are_dropped_and_real_lists_kept() -> None:
    links = "<ul><li><a href='/a'>Ferry timetable cut</a></li><li><a href='/b'>Bridge reopens</a></li></ul>"
    facts = "<ul><li>Length of the gap: 40 metres</li><li>Cost: 12 million euros</li></ul>"
    blocks = body_blocks(PARAS + links + facts)
    assert blocks == [*PARAGRAPHS, "- Length of the gap: 40 metres\n- Cost: 12 million euros"]


def test_paragraphs_set_with_line_breaks_stay_apart() -> None:
    blocks = body_blocks(f"<p>{PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p>")
    assert blocks == [f"{PARAGRAPHS[0]}\n{PARAGRAPHS[1]}", PARAGRAPHS[2]]


def test_a_paywalled_body_is_kept_and_a_subscription_prompt_dropped() -> None:
    prompt = "<div class='paywall-notice'>Subscribe to keep reading the Harbour Courier.</div>"
    blocks = body_blocks(f"<div class='article-body paywall'>{PARAS}</div>{prompt}")
    assert blocks == PARAGRAPHS


def test_layout_wrappers_named_after_chrome_are_not_pruned() -> None:
    assert body_blocks(f"<div class='content-with-sidebar'>{PARAS}</div>") == PARAGRAPHS
    assert body_blocks(f"<div class='entry-content read-more'>{PARAS}</div>") == PARAGRAPHS


def test_a_lead_outside_the_body_container_is_recovered_but_not_an_author_bio() -> None:
    lead = "The old stone wall has protected the inner harbour for more than a century."
    bio = "<div class='author-bio description'>Jane Roe has covered the harbour since 2009.</div>"
    blocks = body_blocks(f"<p class='standfirst'>{lead}</p><div class='story-body'>{PARAS}</div>{bio}")
    assert blocks == [lead, *PARAGRAPHS]


@pytest.mark.parametrize(
    ("url", "head", "is_article"),
    [
        ("https://news.example.com/2024/05/01/breakwater.html", "", True),
        ("https://news.example.com/tags/harbour/", "", False),
        ("https://news.example.com/", "", False),
        ("https://news.example.com/section/news/index.html", "", False),
        (
            "https://news.example.com/tags/harbour/",
            "<script type='application/ld+json'>"
            '{"@type": "NewsArticle", "headline": "Breakwater to be rebuilt"}</script>',
            True,
        ),
    ],
)
def test_pages_without_type_or_date_are_judged_by_url_shape(url: str, head: str, is_article: bool) -> None:
    markup = page(PARAS, head).replace(b"<meta property='og:type' content='article'>", b"")
    result = extract(markup, url, HTML, FETCHED)
    assert isinstance(result, Article) is is_article, result


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://news.example.com/thema/hafen/neue-mauer-fuer-den-ostkai.html", True),
        ("https://news.example.com/themen/hafen/artikel-2024051234", True),
        ("https://news.example.com/index.php?id=4711", True),
        ("https://news.example.com/?p=4711", True),
        ("https://news.example.com/thema/hafen/", False),
        ("https://news.example.com/index.php", False),
        ("https://news.example.com/sections/harbour-news/index.html", False),
    ],
)
def test_a_url_that_names_one_story_is_an_articles_whatever_section_it_is_in(
    url: str, is_article: bool
) -> None:
    markup = page(PARAS).replace(b"<meta property='og:type' content='article'>", b"")
    assert isinstance(extract(markup, url, HTML, FETCHED), Article) is is_article


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://news.example.com/2024/05/01/breakwater.html", True),
        ("https://news.example.com/tags/harbour/", False),
    ],
)
def test_a_short_story_under_og_type_website_is_kept_on_a_story_url(url: str, is_article: bool) -> None:
    two = f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]} {PARAGRAPHS[2]}</p>"
    markup = page(two).replace(b"content='article'", b"content='website'")
    assert isinstance(extract(markup, url, HTML, FETCHED), Article) is is_article


def test_an_article_told_in_list_items_is_an_article() -> None:
    listicle = "<ol>" + "".join(f"<li>{p}</li>" for p in PARAGRAPHS) + "</ol>"
    assert body_blocks(listicle) == ["\n".join(f"- {p}" for p in PARAGRAPHS)]


_PROSE = (
    "<p>The harbour board of Port Alder agreed on Tuesday to rebuild the northern quay wall, which has "
    "sunk by a hand's width since the winter storms, and asked the county for half of the cost.</p>"
    "<p>Work starts in March and should end before the summer ferries begin; the fish market moves to "
    "the old rope works meanwhile, its traders said after a long meeting on Monday night.</p>"
    "<p>The county will answer in April, after its own engineers have looked at the wall.</p>"
)


def _story(body: str, before: str = "") -> bytes:
    """An article page (og:type article, two paragraphs of prose) with ``body`` inside its article."""
    return (
        f'{before}<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Quay wall</title>'
        '<meta property="og:type" content="article"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>Quay wall to be rebuilt</h1>{_PROSE}{body}</article></body></html>"
    ).encode()


def _text_of(body: bytes) -> str:
    result = run(body)
    assert isinstance(result, Article), result
    return result.text


def test_text_is_stored_nfc_without_invisible_characters() -> None:
    text = _text_of(
        _story("<p>Ita&shy;li&shy;ens Hafen\u200bamt und das Cafe\u0301 am Kai sind heute zu.</p>")
    )
    assert "Italiens Hafenamt und das Caf\u00e9 am Kai sind heute zu." in text
    assert not {"\u00ad", "\u200b", "\u0301"} & set(text)


def test_junk_printed_before_the_document_does_not_hide_it() -> None:
    notice = (
        "<br />\n<b>Warning</b>:  Undefined variable $slug in <b>/var/www/article.php</b>"
        " on line <b>12</b><br />\n"
    )
    text = _text_of(_story("", before=notice))
    assert text.startswith("The harbour board of Port Alder") and "Undefined variable" not in text


def test_nested_lists_come_once_and_blocks_in_an_item_keep_their_spaces() -> None:
    lists = (
        "<ul><li>Materials<ul><li>Granite from the old quarry</li><li>Oak piles</li></ul></li>"
        "<li>Labour</li></ul><ul><li><p>2026</p><p>FABCON</p><p>Atlanta</p></li></ul>"
    )
    text = _text_of(_story(lists))
    assert "- Materials\n  - Granite from the old quarry\n  - Oak piles\n- Labour" in text
    assert text.count("Granite from the old quarry") == 1
    assert "- 2026 FABCON Atlanta" in text


def test_code_comments_and_headings_named_after_their_text_are_not_chrome() -> None:
    parts = (
        '<h2 id="h-what-the-comments-say">What the comments say</h2>'
        "<p>Most of the forty letters the board received asked for the old stones to be reused.</p>"
        '<pre><code class="language-python"><span class="hljs-comment"># keep the tide table cached</span>\n'
        "tides = load_tides()</code></pre>"
    )
    text = _text_of(_story(parts))
    assert "What the comments say" in text
    assert "# keep the tide table cached" in text


def test_a_day_found_only_by_htmldate_is_kept_as_a_day_with_its_source() -> None:
    url = "https://news.example.com/2024/03/12/quay-wall.html"  # the date in the URL, nowhere else
    result = extract(_story(""), url, HTML, FETCHED)
    assert isinstance(result, Article) and result.published is not None
    assert (result.published.source, result.published.precision, result.published.local) == (
        "htmldate",
        "day",
        "2024-03-12",
    )
    assert result.published.utc is None and result.sources["published_at"] == "htmldate"


@pytest.mark.parametrize(
    ("line", "local"),
    [
        ("<p>Stand: 12.03.2024 14:05 Uhr</p>", "2024-03-12T14:05"),
        ("<p>Published on <span>March 12, 2024</span></p>", "2024-03-12"),
        ("<div>erstellt: 12.03.2024</div>", "2024-03-12"),
    ],
)
def test_a_dateline_no_class_names_is_read_after_the_headline(line: str, local: str) -> None:
    result = run(_story(line))
    assert isinstance(result, Article) and result.published is not None
    assert (result.published.source, result.published.local) == ("dateline", local)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("<p>By Jane Roe and Kim Doe</p>", ["Jane Roe", "Kim Doe"]),
        (
            "<div>Von Klaus Meier, Petra Schulz und Ali Demir</div>",
            ["Klaus Meier", "Petra Schulz", "Ali Demir"],
        ),
        ("<p>By the way, the ferry runs late.</p>", []),
    ],
)
def test_a_byline_no_class_names_is_read_after_the_headline(line: str, authors: list[str]) -> None:
    result = run(_story(line))
    assert isinstance(result, Article)
    assert result.authors == authors
    if authors:
        assert result.sources["authors"] == "byline:text"


def test_authors_named_by_links_to_their_pages_or_found_by_trafilatura() -> None:
    linked = run(
        _story(
            '<p>Words: <a href="/autor/jane-roe/">Jane Roe</a> and <a href="/autor/kim-doe/">Kim Doe</a></p>'
        )
    )
    assert isinstance(linked, Article)
    assert (linked.authors, linked.sources["authors"]) == (["Jane Roe", "Kim Doe"], "author-link")
    meta = _story("").replace(b"<title>", b'<meta name="byl" content="By Jane Roe and John Doe"><title>')
    named = run(meta)  # NYT's meta tag
    assert isinstance(named, Article)
    assert (named.authors, named.sources["authors"]) == (["Jane Roe", "John Doe"], "meta")
    # An element trafilatura's byline rules know and no class word of ours names.
    found = run(_story('<p>Story and pictures: <span class="AuthorName">Jane Roe</span></p>'))
    assert isinstance(found, Article)
    assert (found.authors, found.sources["authors"]) == (["Jane Roe"], "trafilatura")


# Class 1: sections of the article named like chrome. Each section holds a paragraph of prose.
_SECTIONS = [
    "Die Hafenbehörde hat am Dienstag beschlossen, die nördliche Kaimauer neu zu bauen, weil sie seit "
    "den Winterstürmen um eine Handbreit abgesackt ist und die Fähren nicht mehr sicher anlegen können.",
    "Les pêcheurs du bassin intérieur ont salué la décision, mais ils demandent que les travaux évitent "
    "la saison du hareng, quand le port est le plus animé et que les places à quai sont rares.",
    "The county engineers will inspect the old wall in April and give their answer on the cost before "
    "the summer ferries begin, the harbour master told a packed meeting at the rope works on Monday.",
]


@pytest.mark.parametrize(
    "section",
    [
        "<div class='cmp-text'><p>{}</p></div>",  # Adobe Experience Manager's components
        "<section class='article-sidebar-section'><p>{}</p></section>",
        "<div class='menu-review'><p>{}</p></div>",
        "<div class='ads-free'><p>{}</p></div>",
        "<div class='slideshow-caption'><p>{}</p><p>Bild 2 von 3</p></div><img src='/s.jpg' alt=''>",
    ],
)
def test_an_article_in_sections_named_like_chrome_is_kept_whole(section: str) -> None:
    container = "<div class='cmp-container'>" + "".join(section.format(p) for p in _SECTIONS) + "</div>"
    text = _text_of(_story(container))
    assert [p for p in _SECTIONS if p not in text] == []


def test_the_article_inside_noscript_is_kept_and_a_noscript_notice_dropped() -> None:
    markup = (
        f"<noscript><p>{_SECTIONS[2]}</p></noscript>"
        "<noscript>Please enable JavaScript to see the comments.</noscript>"
    )
    text = _text_of(_story(markup))
    assert _SECTIONS[2] in text and "enable JavaScript" not in text


_LIVE = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "LiveBlogPosting",'
    ' "headline": "Quay wall: the meeting as it happened", "datePublished": "2024-03-12T18:00:00+01:00"}'
    "</script>"
)


def test_live_blog_entries_classed_comment_are_kept_on_a_live_blog_only() -> None:
    entries = "".join(f"<div class='live-comment'><p>{p}</p></div>" for p in _SECTIONS)
    live = _story(entries).replace(b"</head>", _LIVE.encode() + b"</head>")
    text = _text_of(live)
    assert [p for p in _SECTIONS if p not in text] == []
    # The same markup on an ordinary article is its readers' comment section.
    assert [p for p in _SECTIONS if p in _text_of(_story(entries))] == []


@pytest.mark.parametrize(
    "chrome",
    [
        "<figure><img src='/wall.jpg' alt=''><div class='caption'>The northern quay wall at low tide"
        " on Monday, seen from the ferry landing. Photo: Jane Roe</div></figure>",
        "<div class='comments'><p>{}</p></div>",
        "<div class='newsletter-signup'><p>Get the harbour news in your inbox every morning.</p>"
        "<form><input type='email'><button>Sign up</button></form></div>",
        "<aside class='sidebar'><ul><li><a href='/a'>Ferry timetable cut for the winter months</a></li>"
        "<li><a href='/b'>Bridge reopens after three weeks</a></li></ul></aside>",
    ],
)
def test_real_chrome_named_like_those_sections_is_still_dropped(chrome: str) -> None:
    comment = "Leserin aus Altona: " + _SECTIONS[0]
    markup = chrome.format(comment)
    text = _text_of(_story(markup))
    dropped = ["quay wall at low tide", comment, "inbox every morning", "Ferry timetable", "Bridge reopens"]
    assert [phrase for phrase in dropped if phrase in text] == []


# Class 4: the lead between the headline and the body, and what only looks like one.
_LEADS = [
    (
        "The old stone wall has protected the inner harbour for more than a century; now it will be rebuilt.",
        "The old stone wall has protected the inner harbour for more than a century; now it will be rebuilt.",
    ),
    (
        "Die alte Steinmauer schützt den Innenhafen seit mehr als einem Jahrhundert, nun wird sie erneuert.",
        "Die alte Steinmauer schützt den Innenhafen seit mehr als einem Jahrhundert, nun …",
    ),
    (
        "Le vieux mur de pierre protège le port intérieur depuis plus d'un siècle. Il sera reconstruit.",
        "Depuis plus d'un siècle, le vieux mur de pierre protège le port intérieur : il sera reconstruit.",
    ),
]


@pytest.mark.parametrize(("lead", "summary"), _LEADS)
def test_a_lead_under_any_name_is_recovered_when_the_description_says_it(lead: str, summary: str) -> None:
    markup = f"<div class='hdr-x2'><span>{lead}</span></div><div class='article-body'>{PARAS}</div>"
    head = f"<meta name='description' content=\"{summary}\">"
    assert body_blocks(markup, head=head) == [lead, *PARAGRAPHS]
    assert body_blocks(markup) == PARAGRAPHS  # nothing says it is the lead


@pytest.mark.parametrize(
    "impostor",
    [
        "<div class='teaser'><a href='/2024/05/02/ferry.html'>You might also like: the ferry timetable"
        " is cut for the winter months</a></div>",
        "<div class='lead-image'><img src='/wall.jpg' alt=''><p class='summary'>The northern quay wall at"
        " low tide on Monday, seen from the ferry landing. Photo: Jane Roe</p></div>",
        "<div class='author-bio'><p class='intro'>Jane Roe has covered the harbour and its ferries for the"
        " Courier since 2009.</p></div>",
    ],
)
def test_a_teaser_a_caption_or_a_biography_is_never_the_lead(impostor: str) -> None:
    markup = f"{impostor}<div class='article-body'>{PARAS}</div>"
    assert body_blocks(markup)[0] == PARAGRAPHS[0]


# Classes 6 and 9: whose name is the author's.
def _with_head(head: str, body: str = "") -> Article:
    result = run(_story(body).replace(b"</head>", head.encode() + b"</head>"))
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize(
    "organisation", ["Harbour Courier", "The Harbour Courier Newsroom", "Acme Developer", "Hafenblatt Verlag"]
)
def test_an_organisation_in_the_meta_author_gives_way_to_the_byline(organisation: str) -> None:
    head = (
        '<meta property="og:site_name" content="Harbour Courier">'
        f'<meta name="author" content="{organisation}">'
    )
    result = _with_head(head, "<p>By Jane Roe and Kim Doe</p>")
    assert (result.authors, result.sources["authors"]) == (["Jane Roe", "Kim Doe"], "byline:text")


def test_a_person_in_the_meta_author_still_comes_before_the_byline() -> None:
    result = _with_head('<meta name="author" content="Ana Lima">', "<p>By Jane Roe</p>")
    assert (result.authors, result.sources["authors"]) == (["Ana Lima"], "meta")


@pytest.mark.parametrize(
    ("head", "authors", "source"),
    [
        # A writer's own site: the JSON-LD says the site's name is a Person's.
        (
            '<meta property="og:site_name" content="Jane Doe"><script type="application/ld+json">'
            '{"@type": "BlogPosting", "author": {"@type": "Person", "name": "Jane Doe"}}</script>',
            ["Jane Doe"],
            "json-ld",
        ),
        # The site's name in the author field, and nobody else named anywhere.
        (
            '<meta property="og:site_name" content="Jane Doe"><meta name="author" content="Jane Doe">',
            ["Jane Doe"],
            "meta",
        ),
        # A one-word pen name where only authors are named.
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": "Kalinka"}</script>',
            ["Kalinka"],
            "json-ld",
        ),
        ('<meta name="author" content="admin">', [], "none"),
        ('<meta name="author" content="Redaktion">', [], "none"),
    ],
)
def test_a_writers_own_name_and_pen_name_are_authors(head: str, authors: list[str], source: str) -> None:
    result = _with_head(head)
    assert (result.authors, result.sources["authors"]) == (authors, source)


def test_a_one_word_line_in_the_text_is_no_pen_name() -> None:
    assert _with_head("", "<p>By Tuesday</p>").authors == []


def test_the_date_and_byline_of_a_post_body_named_like_chrome_are_read() -> None:
    post = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Quay wall</title>"
        "<meta property='og:type' content='article'></head><body>"
        "<div class='newsletter-post'><h1>Quay wall to be rebuilt</h1>"
        "<p class='byline'>By Jane Roe</p><time datetime='2024-03-12T14:05:00+01:00'>12 March 2024</time>"
        f"{_PROSE}</div><div class='related'><time datetime='2023-01-02T08:00:00Z'>2 January 2023</time>"
        "<p class='byline'>By Kim Doe</p></div></body></html>"
    )
    result = run(post.encode())
    assert isinstance(result, Article) and result.published is not None
    assert (result.authors, result.published.utc) == (["Jane Roe"], "2024-03-12T13:05:00Z")


@pytest.mark.parametrize(
    "elsewhere",
    [
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "dateModified":'
        ' "2024-03-12T16:00:00+01:00"}]}</script>',
        "<div class='related'><time datetime='2024-03-10T09:00:00+01:00'>10 March</time></div>",
    ],
)
def test_a_time_without_offset_takes_the_zone_another_date_on_the_page_gives(elsewhere: str) -> None:
    head = (
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2024-03-12T14:05:00"}</script>'
    )
    result = run(_story(elsewhere).replace(b"</head>", head.encode() + b"</head>"))
    assert isinstance(result, Article) and result.published is not None
    assert (result.published.utc, result.published.zone) == ("2024-03-12T13:05:00Z", "page")
    alone = run(_story("").replace(b"</head>", head.encode() + b"</head>"))
    assert isinstance(alone, Article) and alone.published is not None
    assert (alone.published.utc, alone.published.zone) == (None, "unknown")
