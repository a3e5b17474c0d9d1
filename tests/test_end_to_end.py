"""End to end, on a directory and on a bucket on moto's S3 server, as a user runs the product: the
sample site crawled (``python -m scrapy crawl``), its day compacted and the loose records pruned
(``newsarchive compact --prune``), the site crawled again, the pages re-extracted from the WARC
segments (``newsarchive reextract``), and after each step every reading command of ``newsarchive``
(as a subprocess) asked the same questions: the answers never change."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from crawler.demo.__main__ import site_pages
from crawler.demo.server import SITE_DIR, LocalSite
from crawler.extraction import EXTRACTOR
from crawler.urls import record_id
from tests.support.crawls import (
    ARTICLES,
    DEMO,
    SITE_KINDS,
    SITE_SKIP_REASONS,
    ZERO_COUNTS,
    ArchiveTarget,
    run_crawl,
    skipped_line,
)
from tests.support.end_to_end import (
    answers,
    newsarchive_for,
    objects_under,
    timeless,
    tomorrow,
    utc_day,
)
from tests.support.warcs import check_captures, check_segments, resolve

PAGES = site_pages()  # every HTML page of the sample site: 13 articles, 8 other pages
OTHER_PAGES = len(PAGES) - len(ARTICLES)
SKIPPED = skipped_line(SITE_SKIP_REASONS)  # the sample site's other pages, by its own account
KINDS_LINE = "pages by kind:   " + ", ".join(
    f"{kind} {n}" for kind, n in sorted((SITE_KINDS + Counter({"article": len(ARTICLES)})).items())
)
KEY = re.compile(
    r"^records/date=(?P<day>[\d-]{10})/domain=127\.0\.0\.1/(?P<id>[0-9a-f]{32})-[0-9a-f]{16}\.json$"
)
# The other pages as reextract counts them when both crawls captured them whole.
TWICE_SKIPPED = ", ".join(f"{reason} {2 * n}" for reason, n in sorted(SITE_SKIP_REASONS.items()))
# The articles ``get`` is asked about: one whose title is not ASCII.
ASKED = ["rundschau/2022/09/12/strassenbahn-linie-7.html"]
# Articles published before 2023, by the sample site's own account.
PUBLISHED_BEFORE_2023 = sorted(
    path for path in ARTICLES if DEMO[path]["published_at"] and DEMO[path]["published_at"] < "2023"
)


def key_parts(key: str) -> re.Match[str]:
    """A record's key as its day and article id; every key must have the shape."""
    match = KEY.match(key)
    assert match is not None, key
    return match


def crawl(
    target: ArchiveTarget, sitemap: str, settings: list[str], job: str, *extra: str
) -> tuple[list[str], dict[str, Any]]:
    """A crawl of the sample site's pages as a plain sitemap lists them, as job ``job``: its summary
    lines and its run manifest. Every page is fetched and captured; only articles become records."""
    result = run_crawl(
        "sitemap",
        "-a",
        f"url={sitemap}",
        *target.settings,
        *settings,
        "-s",
        f"ARCHIVE_JOB_ID={job}",
        *extra,
        env=target.env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [manifest] = [m for m in target.documents("runs/").values() if m["job_id"] == job]
    return result.stdout.splitlines(), manifest


def check_answers(said: dict[str, Any], site: LocalSite, loose: dict[str, bytes], runs: list[Any]) -> None:
    """What the reading commands said, against the sample site's own description of its articles
    and the records as the crawl stored them (``loose``: key -> bytes)."""
    records = {key: json.loads(data) for key, data in loose.items()}
    by_id = {record["id"]: (key, record) for key, record in records.items()}
    [day] = {key_parts(key)["day"] for key in loose}
    expected = sorted(
        (record_id(f"{site.url}/{path}"), DEMO[path]["title"], f"{site.url}/{path}") for path in ARTICLES
    )
    listed = [json.loads(line) for line in said["ls --json"].splitlines()]
    assert sorted((r["id"], r["title"], r["url"]) for r in listed) == expected
    assert sorted((r["date"], r["domain"], r["version"], r["key"]) for r in listed) == sorted(
        (day, "127.0.0.1", 1, key) for key in loose
    )
    assert all(by_id[r["id"]][0] == r["key"] for r in listed)
    assert sorted(said["ls"].decode().splitlines()) == sorted(
        f"{day}\t127.0.0.1\t{title}\t{article}\t1" for article, title, _ in expected
    )
    assert said["ls --versions all --json"] == said["ls --json"]  # one version of each
    published = [json.loads(line)["id"] for line in said["ls --by published"].splitlines()]
    assert sorted(published) == sorted(record_id(f"{site.url}/{path}") for path in PUBLISHED_BEFORE_2023)
    assert said["stats --json"] == {
        "records": [{"date": day, "domain": "127.0.0.1", "records": len(ARTICLES)}],
        "total": len(ARTICLES),
        "runs": runs,
    }
    assert said["download -o DIR"] == loose  # the archive's keys, byte for byte
    lines = said["download -o FILE.jsonl"].decode().splitlines()
    assert [json.loads(line) for line in lines] == [records[key] for key in sorted(records)]
    assert said["download -o -"] == said["download -o FILE.jsonl"]
    for path in ASKED:
        url = f"{site.url}/{path}"
        record = by_id[record_id(url)][1]
        assert (record["url"], record["title"], record["version"]) == (url, DEMO[path]["title"], 1)
        assert json.loads(said[f"get {record['id']}"]) == record
        assert said[f"get {url}"] == said[f"get {record['id']}"]
        assert json.loads(said[f"get {record['id']} --all-versions"]) == [record]
        page = (SITE_DIR / path).read_bytes()
        assert said[f"get {url} --raw"] == page
        response, body = resolve(
            {"file": said[f"get {record['id']} --warc"]}, {"warc": "file", "offset": 0, "length": 1 << 30}
        )
        headers = response.rec_headers
        assert (response.rec_type, headers.get_header("WARC-Target-URI"), body) == ("response", url, page)
        assert headers.get_header("WARC-Record-ID") == record["capture"]["record_id"]
        assert headers.get_header("WARC-Payload-Digest") == record["capture"]["digest"]


def test_a_crawled_archive_answers_the_same_after_compaction_a_recrawl_and_a_reextraction(
    archive_target: ArchiveTarget,
    site: LocalSite,
    tmp_path: Path,
    crawl_settings: list[str],
    record_validator: Any,
) -> None:
    target = archive_target
    tool = newsarchive_for(target, tmp_path / "reader-spool")
    shown = Path(target.uri).as_uri() if target.kind == "local" else target.uri
    entries = "".join(f"<url><loc>{site.url}{path}</loc></url>" for path in PAGES)
    urls = site.add_route(
        "/e2e-sitemap.xml",
        body=f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode(),
        content_type="application/xml",
    )
    asked = [(record_id(f"{site.url}/{path}"), f"{site.url}/{path}") for path in ASKED]

    # 1. The crawl: one record per article, version 1, each as the sample site describes it.
    started = utc_day()
    summary, first = crawl(target, urls, crawl_settings, "e2e-run-1")
    assert summary == [
        f"pages fetched:   {len(PAGES) + 2}",  # and the sitemap and robots.txt
        KINDS_LINE,
        f"records written: {len(ARTICLES)} to {shown} (new {len(ARTICLES)}, changed 0)",
        "unchanged:       0 checked, 0 not due for a check",
        SKIPPED,
        "finish reason:   finished",
    ]
    loose = objects_under(target, "records/")
    records = {key: json.loads(data) for key, data in loose.items()}
    [day] = {key_parts(key)["day"] for key in loose}
    assert day in (started, utc_day())
    assert sorted(key_parts(key)["id"] for key in loose) == sorted(
        record_id(f"{site.url}/{path}") for path in ARTICLES
    )
    for record in records.values():
        record_validator.validate(record)
        path = record["url"][len(site.url) + 1 :]
        assert (record["title"], record["version"], record["previous_key"], record["job_id"]) == (
            DEMO[path]["title"],
            1,
            None,
            "e2e-run-1",
        )
    before = answers(tool, tmp_path / "before", asked)
    check_answers(before, site, loose, [first])

    # 2. The day compacted, its loose records pruned: two objects in their place, nothing else touched.
    others = {k: v for k, v in target.read_all().items() if not k.startswith("records/")}
    compacted = tool.ok("compact", "--prune", "--before", tomorrow())
    assert timeless(compacted.stderr) == [
        f"compacted {day}: {len(ARTICLES)} records ({len(ARTICLES)} records added);"
        f" {len(ARTICLES)} loose records pruned"
    ]
    assert objects_under(target, "records/") == {}
    files = objects_under(target, "compacted/")
    digest = hashlib.sha256("\n".join(sorted(loose)).encode()).hexdigest()[:16]
    latest = f"compacted/date={day}/latest-{digest}.parquet"
    [stories] = [key for key in files if key.startswith(f"compacted/date={day}/stories-")]
    assert sorted(files) == [latest, f"compacted/date={day}/manifest.json", stories]
    manifest = json.loads(files[f"compacted/date={day}/manifest.json"])
    assert manifest.pop("compacted_at")[:10] in (day, utc_day())
    assert manifest == {
        "format": 1,
        "day": day,
        "records": len(ARTICLES),
        "files": [{"key": latest, "kind": "latest", "records": len(ARTICLES), "bytes": len(files[latest])}],
        "stories": {"key": stories, "stories": len(ARTICLES)},  # the sample site's stories are all its own
    }
    assert [story["size"] for story in json.loads(files[stories])["stories"]] == [1] * len(ARTICLES)
    table = pq.read_table(io.BytesIO(files[latest]), columns=["key", "id", "title", "record"])
    rows = table.to_pylist()
    assert [row["key"] for row in rows] == sorted(loose)
    assert {row["key"]: row["record"].encode() for row in rows} == loose  # each record's exact text
    assert [(row["id"], row["title"]) for row in rows] == [
        (r["id"], r["title"]) for _, r in sorted(records.items())
    ]
    assert {k: v for k, v in target.read_all().items() if not k.startswith("compacted/")} == others
    after_compaction = answers(tool, tmp_path / "after-compaction", asked)
    for label, answer in before.items():
        assert after_compaction[label] == answer, label

    # 3. Crawled again, every page re-checked: the site answers 304 for the articles; nothing written.
    state = objects_under(target, "state/articles/")
    summary, second = crawl(target, urls, crawl_settings, "e2e-run-2", "-s", "ARCHIVE_REFRESH_AFTER=0")
    assert summary == [
        f"pages fetched:   {OTHER_PAGES + 2}",  # and the sitemap and robots.txt
        "pages by kind:   " + ", ".join(f"{kind} {n}" for kind, n in sorted(SITE_KINDS.items())),
        f"records written: 0 to {shown} (new 0, changed 0)",
        f"unchanged:       {len(ARTICLES)} checked, 0 not due for a check",
        SKIPPED,
        "finish reason:   finished",
    ]
    assert second["counts"] == {
        **ZERO_COUNTS,
        "pages_fetched": OTHER_PAGES + 2,
        "not_modified": len(ARTICLES),
        "skipped": dict(SITE_SKIP_REASONS),
        "kinds": dict(sorted(SITE_KINDS.items())),
    }
    assert (second["exit_status"], second["finish_reason"]) == (0, "finished")
    assert {k: second["warc"][k] for k in ("pages", "responses", "revisits", "segments_pending")} == {
        "pages": len(PAGES),
        "responses": OTHER_PAGES,
        "revisits": len(ARTICLES),
        "segments_pending": 0,
    }
    assert objects_under(target, "records/") == {}  # no loose record for an unchanged page
    assert objects_under(target, "compacted/") == files
    assert objects_under(target, "state/articles/") == state

    # 4. Re-extracted from the segments: the first crawl's pages, and the second's that are no
    # article (captured whole again; its articles are revisits): every article unchanged.
    redone = tool.ok("reextract")
    assert timeless(redone.stderr) == [
        f"reextracted {len(PAGES) + OTHER_PAGES} pages with {EXTRACTOR.version}: wrote new 0, changed 0;"
        f" unchanged {len(ARTICLES)}; skipped {2 * OTHER_PAGES} ({TWICE_SKIPPED})"
    ]
    assert objects_under(target, "records/") == {}
    assert objects_under(target, "compacted/") == files
    assert objects_under(target, "state/articles/") == state
    assert sorted(m["job_id"] for m in target.documents("runs/").values()) == ["e2e-run-1", "e2e-run-2"]
    objects = target.read_all()  # both crawls' segments whole, the records' pages where they point
    assert check_segments(objects) == Counter(
        {
            "warcinfo": 2,
            "request": 2 * len(PAGES),
            "response": len(PAGES) + OTHER_PAGES,
            "revisit": len(ARTICLES),
            "metadata": 2 * len(PAGES),
        }
    )
    check_captures(objects, records)

    # 5. The same answers again; stats lists the second run too, newest first.
    at_last = answers(tool, tmp_path / "at-last", asked)
    check_answers(at_last, site, loose, [second, first])
    for label, answer in before.items():
        if label != "stats --json":
            assert at_last[label] == answer, label
