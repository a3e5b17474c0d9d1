"""The product run end to end, as its users run it: ``newsarchive`` as a subprocess against a
directory or a bucket on moto's S3 server, what every reading command answers about an archive (to
compare before and after compaction, a re-crawl and a re-extraction), the archive's objects read
straight from the directory or the bucket, a small news site for the shared frontier, and pywb
replaying pages from a WARC segment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from crawler.demo.server import LocalSite
from tests.support.crawls import PROJECT_DIR, ArchiveTarget
from tests.support.frontier import NewsSite, article_page, article_path

# Subprocesses run at once while collecting answers (the machine has two cores).
PARALLEL = 4
# The line each pass of ``newsarchive compact`` prints per day, its timing left out.
COMPACTED = re.compile(r"^(?P<line>compacted \d{4}-\d{2}-\d{2}: .*) in \d+\.\d s$")
REEXTRACTED = re.compile(r"^(?P<line>reextracted \d+ pages with \S+: .*) in \d+\.\d s$")


@dataclass
class Newsarchive:
    """``newsarchive`` (``python -m pipelines.commands``) on one archive, with the environment a
    user gives it: the archive's credentials and endpoint, and a spool of its own."""

    uri: str
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVE_", "SCRAPY_"))}
        return subprocess.run(
            [sys.executable, "-m", "pipelines.commands", "--archive", self.uri, *args],
            cwd=PROJECT_DIR,
            env={**base, **self.env},
            capture_output=True,
            timeout=300,
            check=False,
        )

    def ok(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """The command, which must exit 0."""
        done = self.run(*args)
        assert done.returncode == 0, (args, done.returncode, done.stderr.decode()[-3000:])
        return done


def newsarchive_for(target: ArchiveTarget, spool: Path) -> Newsarchive:
    env = {**target.env, "ARCHIVE_SPOOL_DIR": str(spool)}
    for option in target.settings[1::2]:
        name, value = option.split("=", 1)
        if name == "AWS_ENDPOINT_URL":
            env[name] = value
    return Newsarchive(target.uri, env)


def timeless(stderr: bytes, pattern: re.Pattern[str]) -> list[str]:
    """The summary lines on stderr that ``pattern`` matches, without their timings."""
    lines = []
    for line in stderr.decode("utf-8").splitlines():
        found = pattern.match(line)
        if found:
            lines.append(found["line"])
    return lines


def tomorrow() -> str:
    return (datetime.now(timezone.utc).date() + timedelta(days=1)).isoformat()


def utc_day() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def answers(tool: Newsarchive, workdir: Path, articles: list[tuple[str, str]]) -> dict[str, Any]:
    """What every reading command says about the archive, by label. ``articles``: (id, URL) of the
    articles asked for by ``get``. Downloads are read back from the files written; the commands run
    a few at a time."""
    workdir.mkdir(parents=True)
    commands: dict[str, list[str]] = {
        "ls": ["ls"],
        "ls --json": ["ls", "--json"],
        "ls --versions all --json": ["ls", "--versions", "all", "--json"],
        "ls --by published": ["ls", "--by", "published", "--until", "2023-01-01", "--json"],
        "stats --json": ["stats", "--json"],
        "download -o DIR": ["download", "-o", str(workdir / "records")],
        "download -o FILE.jsonl": ["download", "--versions", "all", "-o", str(workdir / "records.jsonl")],
        "download -o -": ["download", "-o", "-"],
    }
    for number, (article, url) in enumerate(articles):
        commands[f"get {article}"] = ["get", article]
        commands[f"get {url}"] = ["get", url]
        commands[f"get {article} --all-versions"] = ["get", article, "--all-versions"]
        commands[f"get {url} --raw"] = ["get", url, "--raw"]
        commands[f"get {article} --warc"] = ["get", article, "--warc", str(workdir / f"{number}.warc.gz")]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        done = dict(zip(commands, pool.map(lambda args: tool.ok(*args), commands.values()), strict=True))
    said: dict[str, Any] = {label: result.stdout for label, result in done.items()}
    said["stats --json"] = json.loads(said["stats --json"])
    records = workdir / "records"
    said["download -o DIR"] = {
        p.relative_to(records).as_posix(): p.read_bytes() for p in records.rglob("*") if p.is_file()
    }
    said["download -o FILE.jsonl"] = (workdir / "records.jsonl").read_bytes()
    for number, (article, _) in enumerate(articles):
        said[f"get {article} --warc"] = (workdir / f"{number}.warc.gz").read_bytes()
    return said


def objects_under(target: ArchiveTarget, prefix: str) -> dict[str, bytes]:
    """The archive's objects whose key starts with ``prefix``, read from the directory or bucket."""
    return {key: data for key, data in sorted(target.read_all().items()) if key.startswith(prefix)}


@contextmanager
def news_site_of(root: Path, count: int) -> Iterator[NewsSite]:
    """``count`` of the shared frontier's invented articles and a sitemap listing them, on 127.0.0.1."""
    root.mkdir()
    with LocalSite(root=root) as site:
        paths = [article_path(n) for n in range(count)]
        for number, path in enumerate(paths):
            site.add_route(path, body=article_page(number), content_type="text/html; charset=utf-8")
        entries = "".join(f"<url><loc>{site.url}{path}</loc></url>" for path in paths)
        sitemap = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()
        url = site.add_route("/sitemap.xml", body=sitemap, content_type="application/xml")
        yield NewsSite(site, url, paths)


def with_setting(settings: list[str], name: str, value: str) -> list[str]:
    """``settings`` (``-s NAME=value`` pairs) with ``name`` set to ``value`` instead."""
    pairs = [(flag, option) for flag, option in zip(settings[::2], settings[1::2], strict=True)]
    kept = [item for flag, option in pairs if not option.startswith(f"{name}=") for item in (flag, option)]
    return [*kept, "-s", f"{name}={value}"]


def pywb_binaries() -> Path:
    """pywb's own virtualenv's bin/ (pywb cannot share ours): PYWB_VENV, as ``make test`` sets it,
    else .venv-pywb in the project, which ``make test`` builds."""
    venv = Path(os.environ.get("PYWB_VENV") or PROJECT_DIR / ".venv-pywb")
    assert (venv / "bin" / "wb-manager").exists(), f"no pywb in {venv}: run the tests with `make test`"
    return venv / "bin"


# pywb's own application on a port of its choosing, announced once the socket listens.
_SERVE = """
from gevent.monkey import patch_all

patch_all()
from gevent.pywsgi import WSGIServer
from pywb.apps.frontendapp import FrontEndApp
from pywb.utils.geventserver import RequestURIWSGIHandler

server = WSGIServer(("127.0.0.1", 0), FrontEndApp(), handler_class=RequestURIWSGIHandler, log=None)
server.init_socket()
print(f"pywb listening on {server.address[1]}", flush=True)
server.serve_forever()
"""


@contextmanager
def pywb_replaying(home: Path, segments: list[Path]) -> Iterator[str]:
    """pywb serving a collection ``news`` of ``segments`` from ``home``; yields its base URL."""
    binaries = pywb_binaries()
    home.mkdir()
    for command in (["wb-manager", "init", "news"], ["wb-manager", "add", "news", *map(str, segments)]):
        subprocess.run([str(binaries / command[0]), *command[1:]], cwd=home, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(binaries / "python"), "-c", _SERVE],
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # FrontEndApp prints a line of its own before: no config.yaml
            if found := re.match(r"^pywb listening on (\d+)$", line.strip()):
                yield f"http://127.0.0.1:{found[1]}"
                break
        else:
            raise AssertionError(f"pywb exited with status {server.wait(30)} before listening")
    finally:
        server.terminate()
        server.wait(30)
        if server.stdout is not None:
            server.stdout.close()
