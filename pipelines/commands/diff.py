"""``newsarchive diff URL-or-ID``: what changed between two versions of an article (default: the last
two), the title and the text word by word, coloured on a terminal; ``--json`` for programs."""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from crawler.errors import NotFound, UsageError
from crawler.extraction.words import tokens
from crawler.record import GONE, MOVED
from pipelines.commands.common import reading
from pipelines.read.records import ArchiveReader
from pipelines.write.changes import compare, opcodes

_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"
_ABOUT = ("version", "archived_at", "fetched_at", "title", "previous_key")


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "diff", parents=[common], help="what changed between two versions of an article, word by word"
    )
    parser.add_argument("target", metavar="URL-or-ID")
    parser.add_argument(
        "--from", dest="older", type=int, metavar="V", help="default: the version before --to"
    )
    parser.add_argument("--to", dest="newer", type=int, metavar="V", help="default: the latest version")
    parser.add_argument("--json", action="store_true", help="the changes and the diff as one JSON object")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="auto: on a terminal"
    )
    parser.set_defaults(run=reading(command_diff))


def command_diff(reader: ArchiveReader, options: argparse.Namespace, out: IO[str]) -> None:
    older, newer = pick(reader.versions(options.target), options.older, options.newer, options.target)
    title = list(_diff(older.get("title") or "", newer.get("title") or ""))
    text = list(_diff(older.get("text") or "", newer.get("text") or ""))
    changes = compare(older, newer).to_dict()
    if options.json:
        document = {
            "id": newer.get("id"),
            "url": newer.get("url"),
            "from": _about(older),
            "to": _about(newer),
            "changes": changes,
            "title": [{"op": op, "text": part} for op, part in title],
            "text": [{"op": op, "text": part} for op, part in text],
        }
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    color = options.color == "always" or (options.color == "auto" and out.isatty())
    for marker, record in (("---", older), ("+++", newer)):
        out.write(f"{marker} version {record.get('version')}, archived {record.get('archived_at')}\n")
    out.write(f"changed: {describe(changes)}\n")
    out.write(f"title: {_render(title, color)}\n\n")
    out.write(_render(text, color) + "\n")


def pick(
    versions: list[dict[str, Any]], older: int | None, newer: int | None, target: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two versions to compare: ``newer`` (default the latest) and ``older`` (default the one
    before it); NotFound or UsageError in one line when there are no such versions."""
    by_number = {int(v.get("version") or 0): v for v in versions}
    latest = max(by_number)
    if len(by_number) < 2 and older is None:
        raise NotFound(f"{target} has one version: nothing to compare")
    newer = latest if newer is None else newer
    older = newer - 1 if older is None else older
    if older >= newer:
        raise UsageError(f"--from {older} --to {newer}: --from must be an earlier version")
    for number in (older, newer):
        if number not in by_number:
            raise NotFound(f"{target} has no version {number} (versions 1 to {latest})")
    return by_number[older], by_number[newer]


def describe(changes: dict[str, Any]) -> str:
    """One line: ``title, text (+412 -0 characters, similarity 0.93), correction appended``."""
    parts = []
    for name in changes.get("fields") or []:
        text = changes.get("text")
        if name != "kind" and _farewell(changes):
            continue  # a gone or moved version has no title, text or dates: its kind says it
        if name == "text" and text:
            parts.append(
                f"text (+{text['added']} -{text['removed']} characters, similarity {text['similarity']:.2f})"
            )
        elif name == "kind" and changes.get("kind"):
            parts.append(f"kind {changes['kind']['from']} -> {changes['kind']['to']}")
        else:
            parts.append(name)
    if changes.get("correction"):
        parts.append("correction appended")
    return ", ".join(parts) or "nothing the archive compares"


def _farewell(changes: dict[str, Any]) -> bool:
    return (changes.get("kind") or {}).get("to") in (GONE, MOVED)


def _about(record: dict[str, Any]) -> dict[str, Any]:
    return {name: record.get(name) for name in _ABOUT}


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    """The word diff as (``equal``/``delete``/``insert``, text) parts; a replacement is a deletion then
    an insertion."""
    parts: list[tuple[str, str]] = []
    for op, old, new in opcodes(tokens(before), tokens(after)):
        if op == "equal":
            parts.append(("equal", "".join(old)))
            continue
        if old:
            parts.append(("delete", "".join(old)))
        if new:
            parts.append(("insert", "".join(new)))
    return parts


def _render(parts: list[tuple[str, str]], color: bool) -> str:
    """As git's ``--word-diff=plain`` writes it (``[-old-]{+new+}``), or in red and green."""
    shown = []
    for op, text in parts:
        if op == "equal":
            shown.append(text)
        elif color:
            shown.append(f"{_RED if op == 'delete' else _GREEN}{text}{_RESET}")
        else:
            shown.append(f"[-{text}-]" if op == "delete" else f"{{+{text}+}}")
    return "".join(shown)
