"""The product run end to end, as its users run it: ``newsarchive`` as a subprocess against a
directory or a bucket on moto's S3 server, what every reading command answers about an archive (to
compare before and after compaction, a re-crawl and a re-extraction), the archive's objects read
straight from the directory or the bucket."""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tests.support.crawls import ArchiveTarget, newsarchive

# Subprocesses run at once while collecting answers (the machine has two cores).
PARALLEL = 4
# A summary line's timing (``newsarchive compact`` and ``reextract``), left out to compare it.
TIMING = re.compile(r" in \d+\.\d s$")


@dataclass
class Newsarchive:
    """``newsarchive`` (``python -m pipelines.commands``) on one archive, with the environment a
    user gives it: the archive's credentials and endpoint, and a spool of its own."""

    uri: str
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return newsarchive("--archive", self.uri, *args, env=self.env)

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


def timeless(stderr: bytes) -> list[str]:
    """Every line a command wrote on stderr, without the timing its summary lines end with."""
    return [TIMING.sub("", line) for line in stderr.decode("utf-8").splitlines()]


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


def with_setting(settings: list[str], name: str, value: str) -> list[str]:
    """``settings`` (``-s NAME=value`` pairs) with ``name`` set to ``value`` instead."""
    pairs = [(flag, option) for flag, option in zip(settings[::2], settings[1::2], strict=True)]
    kept = [item for flag, option in pairs if not option.startswith(f"{name}=") for item in (flag, option)]
    return [*kept, "-s", f"{name}={value}"]
