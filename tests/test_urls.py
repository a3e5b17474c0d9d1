from __future__ import annotations

from pathlib import Path

import pytest

from crawler.errors import ArgumentError
from crawler.urls import canonicalize, parse_url_arguments, record_id


def test_url_argument_accepts_several_comma_separated() -> None:
    assert parse_url_arguments("https://a.example/x, http://b.example/y,", None) == [
        "https://a.example/x",
        "http://b.example/y",
    ]


def test_urls_file_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "# morning run\n\nhttps://a.example/1\n  https://a.example/2  \n# done\n", encoding="utf-8"
    )
    assert parse_url_arguments(None, str(listing)) == ["https://a.example/1", "https://a.example/2"]


def test_url_and_urls_together_are_merged_without_duplicates(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("https://a.example/1\nhttps://a.example/2\n", encoding="utf-8")
    assert parse_url_arguments("https://a.example/1", str(listing)) == [
        "https://a.example/1",
        "https://a.example/2",
    ]


@pytest.mark.parametrize(
    ("url", "content", "message"),
    [
        (None, None, "no URL given: pass -a url=URL[,URL...] or -a urls=FILE"),
        ("", None, "-a url: no URL given"),
        ("ftp://a.example/x", None, "-a url: not an http(s) URL: 'ftp://a.example/x'"),
        ("https://a.example/x,www.b.example", None, "-a url: not an http(s) URL: 'www.b.example'"),
        (None, "https://a.example/1\nnot a url\n", "-a urls: {path}:2: not an http(s) URL: 'not a url'"),
        (None, "# only a comment\n\n", "-a urls: no URL in '{path}'"),
    ],
)
def test_bad_url_arguments_name_the_argument_and_value(
    tmp_path: Path, url: str | None, content: str | None, message: str
) -> None:
    path = tmp_path / "urls.txt"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ArgumentError) as caught:
        parse_url_arguments(url, str(path) if content is not None else None)
    assert str(caught.value) == message.format(path=path)


def test_unreadable_urls_file() -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_url_arguments(None, "/nonexistent/urls.txt")
    assert str(caught.value) == "-a urls: cannot read '/nonexistent/urls.txt': No such file or directory"


def test_canonical_form_drops_tracking_fragment_and_default_port() -> None:
    assert (
        canonicalize("HTTPS://News.Example.com:443/a/b?utm_source=x&b=2&a=1#comments")
        == "https://news.example.com/a/b?a=1&b=2"
    )


def test_record_id_is_stable_across_url_variants() -> None:
    first = record_id("https://news.example.com/a?utm_medium=email")
    assert first == record_id("https://NEWS.example.com/a#top")
    assert len(first) == 32
    assert first != record_id("https://news.example.com/b")
