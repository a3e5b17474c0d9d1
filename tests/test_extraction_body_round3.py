"""The article body on pages of the shapes that held-out sets showed going wrong: teaser rails and
reader prompts inside the article's container, an article split into sections of one template, text
in a container with unknown names or set with <br>, a page whose pruning leaves nothing; and pages
that must not lose anything to those rules (a story with linked paragraphs and a bulleted list, a
live blog). Each page's exact blocks are in tests/fixtures/round3/body/expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extraction.body import body_blocks
from crawler.extraction.metadata import parse_html, read_metadata
from crawler.extraction.sections import densest_prose, join_missed_sections
from crawler.extraction.teasers import rails_and_prompts

PAGES = Path(__file__).resolve().parent / "fixtures" / "round3" / "body"
EXPECTED: dict[str, dict[str, list[str]]] = json.loads((PAGES / "expected.json").read_text("utf-8"))
URL = "https://news.example.com/2026/11/20/story.html"


def blocks_of(html: str) -> list[str]:
    tree = parse_html(html)
    blocks, _ = body_blocks(tree, URL, read_metadata(tree))
    return blocks


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_page_gives_exactly_its_article_blocks(name: str) -> None:
    assert blocks_of((PAGES / name).read_text("utf-8")) == EXPECTED[name]["blocks"]


def test_every_page_has_its_expectation() -> None:
    assert sorted(p.name for p in PAGES.glob("*.html")) == sorted(EXPECTED)


STORY = (
    "<p>The harbour board agreed on Tuesday to rebuild the northern quay wall, which has sunk by a hand's "
    "width since the winter storms, and asked the county for half of the cost of the work.</p>"
    "<p>Work starts in March and should end before the summer ferries begin; the fish market moves to the "
    "old rope works meanwhile, its traders said after a long meeting on Monday night.</p>"
)


def page(inside: str) -> str:
    return (
        "<html lang='en'><head><meta charset='utf-8'><title>Quay wall</title>"
        "<meta property='og:type' content='article'></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Quay wall to be rebuilt</h1><div class='zz-t'>{STORY}{inside}</div></article>"
        "</body></html>"
    )


CARDS = "".join(
    f"<div class='zz-c'><span class='zz-k'>Region</span><a href='/n/{i}'>{headline}</a>"
    "<time>12 May</time></div>"
    for i, headline in enumerate(
        ["Ferry timetable cut for the winter", "Bridge reopens after repairs", "Festival to move to June"]
    )
)


@pytest.mark.parametrize(
    "rail",
    [
        pytest.param(f"<div class='zz-r'><h2>Latest</h2>{CARDS}</div>", id="kicker-headline-date cards"),
        pytest.param(
            "<div><h3>Sign up for our newsletter</h3><p>The day's news at 7 a.m.</p></div>", id="newsletter"
        ),
        pytest.param("<div><a href='/c'>Leave a comment</a></div>", id="comment prompt"),
        pytest.param("<div><strong>Kommentare anzeigen (12)</strong></div>", id="German comment prompt"),
        pytest.param("<div><h4>많이 본 뉴스</h4></div>", id="Korean most read"),
    ],
)
def test_rails_and_prompts_inside_the_article_are_dropped(rail: str) -> None:
    assert blocks_of(page(rail)) == blocks_of(page(""))


def test_a_prompt_box_never_takes_the_story_with_it() -> None:
    tree = parse_html(page("<p>Short last line.</p><a href='/c'>Comments</a>"))
    found = rails_and_prompts(tree.find("body"), set())
    assert [el.tag for el in found] == ["a"]


def test_a_listicle_of_linked_headings_with_long_text_is_kept() -> None:
    item = (
        "<div class='pick'><h3><a href='https://shop.example.com/{0}'>{0}</a></h3><p>A sturdy choice for "
        "anyone who crosses the bay every day: it folds flat, fits under a ferry seat and has survived two "
        "winters of salt spray on our test rack without a spot of rust on its frame.</p></div>"
    )
    blocks = blocks_of(page("".join(item.format(name) for name in ("Folding bike", "Rain cape"))))
    assert "Folding bike" in blocks and "Rain cape" in blocks


def test_sections_left_out_are_joined_after_the_one_read() -> None:
    tree = parse_html(
        "<html><body><div class='s'><p>" + "First section text. " * 8 + "</p></div><div class='ad'></div>"
        "<div class='s'><p>" + "Second section text. " * 8 + "</p></div></body></html>"
    )
    assert join_missed_sections(tree, " ".join(("First section text. " * 8).split()))
    sections = tree.findall(".//div[@class='s']")
    assert len(sections) == 1 and "Second section" in sections[0].text_content()


def test_sections_before_the_one_read_are_left_alone() -> None:
    tree = parse_html(
        "<html><body><div class='s'><p>" + "A claim in a box. " * 8 + "</p></div>"
        "<div class='s'><p>" + "The story itself. " * 8 + "</p></div></body></html>"
    )
    assert not join_missed_sections(tree, "The story itself. The story itself. The story itself.")


def test_the_densest_prose_is_read_line_by_line() -> None:
    tree = parse_html(
        "<html><body><div class='a'><a href='/x'>Home</a></div><div class='q'>"
        + "One line of prose here. " * 6
        + "<br><br>"
        + "Another line of prose. " * 6
        + "<b>bold</b> end.</div></body></html>"
    )
    lines = densest_prose(tree)
    assert len(lines) == 2 and lines[1].endswith("bold end.")
