"""Reading an archive with ``newsarchive`` as the reading tests do: in this process, with its output
captured, on a directory or a bucket."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.commands import main
from pipelines.storage import ArchiveStore
from tests.support.big_archive import Version
from tests.support.crawls import PROJECT_DIR


@dataclass
class Archive:
    kind: str
    uri: str
    env: dict[str, str]
    store: ArchiveStore


def run(archive: Archive, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["--archive", archive.uri, *args], out=out)
    return status, out.getvalue()


def ls_ids(archive: Archive, *args: str) -> list[tuple[str, int]]:
    status, output = run(archive, "ls", "--json", *args)
    assert status == 0
    return sorted((line["id"], line["version"]) for line in map(json.loads, output.splitlines()))


def latest(versions: list[Version]) -> list[tuple[str, int]]:
    best: dict[str, int] = {}
    for v in versions:
        best[v.id] = max(best.get(v.id, 0), v.version)
    return sorted(best.items())


def everything(stored: tuple[Path, list[Version]]) -> list[Version]:
    return stored[1]


def docs_sql(section: str) -> list[str]:
    """The SQL blocks of a section of docs/parquet.md, as a reader copies them."""
    text = (PROJECT_DIR / "docs" / "parquet.md").read_text("utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", body, re.S)
