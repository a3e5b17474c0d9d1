"""The page's kind (crawler.extraction.kinds): every HTML page with text is an Article of some kind,
with the signals that decided it; a Rejection is left for pages without text."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.admission import GIVEN, LINK, NEWS_SITEMAP, SEED, SITEMAP, Admission
from crawler.extraction import Article, Rejection, extract
from crawler.record import KINDS
from tests.support.changing_site import page

FIXTURES = Path(__file__).parent / "fixtures" / "kinds"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text("utf-8"))["pages"]
FETCHED = datetime(2026, 6, 1, tzinfo=timezone.utc)
HTML = {"content-type": "text/html; charset=utf-8"}


def _extract(name: str, headers: dict[str, str] | None = None) -> Article | Rejection:
    return extract((FIXTURES / name).read_bytes(), EXPECTED[name]["url"], headers or HTML, FETCHED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_page_has_its_kind_and_the_evidence_that_decided_it(name: str) -> None:
    article = _extract(name)
    assert isinstance(article, Article), article
    assert (article.kind, article.evidence) == (EXPECTED[name]["kind"], EXPECTED[name]["evidence"])
    assert article.text  # every page with text keeps it, whatever its kind


def test_every_kind_is_covered_by_a_fixture_page() -> None:
    assert sorted({page["kind"] for page in EXPECTED.values()}) == sorted(KINDS)


def test_a_short_brief_and_a_short_japanese_article_are_articles() -> None:
    brief, japanese = _extract("brief_de.html"), _extract("article_ja.html")
    assert isinstance(brief, Article) and isinstance(japanese, Article)
    # 208 characters: under EXTRACT_MIN_CHARS, an article all the same (it says so, and is dated).
    assert (len(brief.text), brief.kind) == (208, "article")
    # 274 CJK characters count as 822: long enough for a page that declares nothing.
    assert (len(japanese.text), japanese.kind) == (274, "article")


def test_a_bot_check_header_makes_any_page_a_challenge() -> None:
    page = _extract("article_en.html", {**HTML, "cf-mitigated": "challenge"})
    assert isinstance(page, Article)
    assert (page.kind, page.evidence) == ("challenge", ["cf-mitigated: challenge header"])


def test_a_story_with_a_captcha_comment_form_and_a_cookie_banner_stays_an_article() -> None:
    page = _extract("article_en.html")
    assert isinstance(page, Article) and page.kind == "article"
    assert page.text.startswith("The tide gauge at the end of Wrenmouth pier")
    assert "Accept all" not in page.text


@pytest.mark.parametrize(
    ("body", "reason", "detail"),
    [
        (b"", "empty", "empty body"),
        (b"<html><head><title>t</title></head><body>   </body></html>", "no_text", "0 characters of text"),
        (
            b"<html><body><script>var a = 1;</script><!-- nothing --></body></html>",
            "no_text",
            "0 characters of text",
        ),
    ],
)
def test_pages_without_text_are_still_rejections(body: bytes, reason: str, detail: str) -> None:
    result = extract(body, "https://news.example/a", HTML, FETCHED)
    assert isinstance(result, Rejection)
    assert (result.reason, result.detail) == (reason, detail)


@pytest.mark.parametrize(
    ("kind", "archived_from"),
    [
        ("article", {GIVEN, "feed", NEWS_SITEMAP, SITEMAP, SEED, LINK}),
        ("listing", {GIVEN, "feed", NEWS_SITEMAP}),
        ("paywall", {GIVEN, "feed", NEWS_SITEMAP}),
        ("other", {GIVEN, "feed", NEWS_SITEMAP}),
        ("consent", set()),
        ("challenge", set()),
        ("error", set()),
    ],
)
def test_what_is_archived_depends_on_the_kind_and_where_the_url_came_from(
    kind: str, archived_from: set[str]
) -> None:
    admission = Admission()
    assert {
        origin
        for origin in (GIVEN, "feed", NEWS_SITEMAP, SITEMAP, SEED, LINK)
        if admission.archives(kind, origin)
    } == (archived_from)


def test_kinds_added_for_discovered_urls() -> None:
    admission = Admission.of_kinds(["article", " Paywall "])
    assert (admission.archives("paywall", LINK), admission.archives("listing", SITEMAP)) == (True, False)
    with pytest.raises(ValueError, match=r"^consent pages are never archived$"):
        Admission.of_kinds(["article", "consent"])
    with pytest.raises(ValueError, match=r"^unknown kind 'articles' \(kinds: article, listing, consent, "):
        Admission.of_kinds(["articles"])


BRIEF = [
    "The harbour board of Dunmore voted on Monday to rebuild the north pier before the storms.",
    "Engineers said the timber piles in Dunmore had rotted further than a survey had found.",
    "Work will close the pier to fishing boats for six weeks, and the ferry will use the south quay.",
    "The board expects to publish the schedule at its next meeting in the Dunmore town hall.",
]


def test_a_dated_brief_in_sentence_long_paragraphs_is_an_article_and_two_sentences_are_not() -> None:
    """Wires write a paragraph a sentence: no paragraph reaches the prose length, but a page that
    declares itself a news article and is dated is one when three of them make a story."""
    url, fetched = "https://news.example/harbour/pier.html", datetime(2026, 12, 1, tzinfo=timezone.utc)
    brief = extract(page("Pier to be rebuilt", BRIEF, "Lighthouse keeper retires"), url, HTML, fetched)
    assert isinstance(brief, Article)
    assert (brief.kind, brief.evidence) == (
        "article",
        ["json-ld NewsArticle", "og:type article", "published date", "4 short paragraphs"],
    )
    short = extract(page("Pier to be rebuilt", BRIEF[:2], "Lighthouse keeper retires"), url, HTML, fetched)
    assert isinstance(short, Article) and short.kind == "other"


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        (
            "app_shell_react.html",
            "empty mount point div#root; noscript says 'need to enable javascript'; 1 script, "
            "0 characters of text",
        ),
        (
            "app_shell_next.html",
            "empty mount point div#__next; framework state __NEXT_DATA__; 2 scripts, 36 characters of text",
        ),
    ],
)
def test_an_app_shell_is_no_article_and_says_which_signals_showed_it(name: str, detail: str) -> None:
    result = extract((FIXTURES / name).read_bytes(), "https://riverside.example/story/4411", HTML, FETCHED)
    assert isinstance(result, Rejection)
    assert (result.reason, result.detail) == ("app_shell", detail)


def test_a_bot_check_asking_for_javascript_stays_a_challenge_and_a_rendered_story_is_an_article() -> None:
    shell = (FIXTURES / "app_shell_react.html").read_text("utf-8")
    bot_check = shell.replace("</body>", "<script>window._cf_chl_opt={cvId:'3'}</script></body>")
    result = extract(bot_check.encode(), "https://riverside.example/story/4411", HTML, FETCHED)
    assert isinstance(result, Article)
    assert (result.kind, result.evidence) == (
        "challenge",
        ["bot check in the markup: _cf_chl_opt", "says 'enable javascript'"],
    )
    # The same shell once a browser ran its script: the mount point holds the story.
    story = "".join(
        f"<p>Paragraph {n} of the rendered story tells what the ferry crews said at the harbour today, "
        "and what the operator answered when the morning sailings were cancelled again.</p>"
        for n in range(1, 7)
    )
    mounted = f'<div id="root"><h1>Ferry crews strike</h1>{story}</div>'
    rendered = shell.replace('<div id="root"></div>', mounted)
    result = extract(rendered.encode(), "https://riverside.example/story/4411", HTML, FETCHED)
    assert isinstance(result, Article) and result.kind == "article"
