"""How runs are named (crawler.job_names): a job is a spider and its arguments, whatever their order."""

from __future__ import annotations

from crawler.job_names import job_name


def test_the_default_job_name_ignores_the_order_of_arguments() -> None:
    """The name is the lock's key: it must not change between releases, or between a crontab line and
    the same job written in another order, or two runs of one job would hold different locks."""
    arguments = ["url=https://news.example.com/a.html", "since=7d"]
    assert job_name("article", arguments) == "article-df019c1908"
    assert job_name("article", list(reversed(arguments))) == "article-df019c1908"
    assert job_name("feed", ["url=https://news.example.com/feed.xml"]) == "feed-0495f328d4"


def test_different_arguments_are_different_jobs() -> None:
    assert job_name("article", ["url=https://news.example.com/a.html"]) != job_name(
        "article", ["url=https://news.example.com/b.html"]
    )
    assert job_name("article", ["since=7d"]) != job_name("sitemap", ["since=7d"])


def test_a_job_without_arguments_is_named_after_its_spider() -> None:
    assert job_name("site", []) == "site"
