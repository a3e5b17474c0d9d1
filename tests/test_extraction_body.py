"""Extraction of the article body, pinned on story pages built in the test: what is the story's text
and what is the page around it (chrome, teasers, captions, comments, notices), whether a page is an
article at all, and how the text is stored."""

from __future__ import annotations

import pytest

from crawler.extraction import Article, extract
from tests.support.extraction import FETCHED, HTML, run, story

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


def _kind(markup: bytes | str, url: str) -> str:
    result = extract(markup if isinstance(markup, bytes) else markup.encode(), url, HTML, FETCHED)
    assert isinstance(result, Article), result
    return result.kind


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
    assert isinstance(result, Article), result
    assert (result.kind == "article") is is_article, result.evidence


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
    assert _kind(markup, url) == ("article" if is_article else "listing")


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
    assert _kind(markup, url) == ("article" if is_article else "listing")


def test_an_article_told_in_list_items_is_an_article() -> None:
    listicle = "<ol>" + "".join(f"<li>{p}</li>" for p in PARAGRAPHS) + "</ol>"
    assert body_blocks(listicle) == ["\n".join(f"- {p}" for p in PARAGRAPHS)]


def _text_of(body: bytes) -> str:
    result = run(body)
    assert isinstance(result, Article), result
    return result.text


def test_text_is_stored_nfc_without_invisible_characters() -> None:
    text = _text_of(
        story("<p>Ita&shy;li&shy;ens Hafen\u200bamt und das Cafe\u0301 am Kai sind heute zu.</p>")
    )
    assert "Italiens Hafenamt und das Caf\u00e9 am Kai sind heute zu." in text
    assert not {"\u00ad", "\u200b", "\u0301"} & set(text)


def test_junk_printed_before_the_document_does_not_hide_it() -> None:
    notice = (
        "<br />\n<b>Warning</b>:  Undefined variable $slug in <b>/var/www/article.php</b>"
        " on line <b>12</b><br />\n"
    )
    text = _text_of(story("", before=notice))
    assert text.startswith("The harbour board of Port Alder") and "Undefined variable" not in text


def test_nested_lists_come_once_and_blocks_in_an_item_keep_their_spaces() -> None:
    lists = (
        "<ul><li>Materials<ul><li>Granite from the old quarry</li><li>Oak piles</li></ul></li>"
        "<li>Labour</li></ul><ul><li><p>2026</p><p>FABCON</p><p>Atlanta</p></li></ul>"
    )
    text = _text_of(story(lists))
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
    text = _text_of(story(parts))
    assert "What the comments say" in text
    assert "# keep the tide table cached" in text


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
    text = _text_of(story(container))
    assert [p for p in _SECTIONS if p not in text] == []


def test_the_article_inside_noscript_is_kept_and_a_noscript_notice_dropped() -> None:
    markup = (
        f"<noscript><p>{_SECTIONS[2]}</p></noscript>"
        "<noscript>Please enable JavaScript to see the comments.</noscript>"
    )
    text = _text_of(story(markup))
    assert _SECTIONS[2] in text and "enable JavaScript" not in text


_LIVE = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "LiveBlogPosting",'
    ' "headline": "Quay wall: the meeting as it happened", "datePublished": "2024-03-12T18:00:00+01:00"}'
    "</script>"
)


def test_live_blog_entries_classed_comment_are_kept_on_a_live_blog_only() -> None:
    entries = "".join(f"<div class='live-comment'><p>{p}</p></div>" for p in _SECTIONS)
    live = story(entries).replace(b"</head>", _LIVE.encode() + b"</head>")
    text = _text_of(live)
    assert [p for p in _SECTIONS if p not in text] == []
    # The same markup on an ordinary article is its readers' comment section.
    assert [p for p in _SECTIONS if p in _text_of(story(entries))] == []


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
    text = _text_of(story(markup))
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
