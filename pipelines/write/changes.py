"""What changed between two versions of an article, as researchers ask it: which fields, how much of
the text (characters added and removed, a similarity ratio, word by word), whether a correction or
update note was appended, whether the page's kind changed (an article that became a paywall teaser).

A new version exists only when the normalised title and text changed (``content_sha256``), so a
rotating "most read" box, an ad or a timestamp in the footer never makes one; the other fields are
reported when they changed along with it.

Words are what a reader compares: what stands between white space, punctuation included, and each
CJK character alone (Chinese and Japanese are written without spaces): crawler.extraction.words, the
one rule the near-duplicate fingerprint follows too. The same tokens serve ``newsarchive diff``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from crawler.extraction.words import words

# The fields compared, in the order they are reported.
FIELDS = ("title", "text", "authors", "published_at", "modified_at", "kind")

# An appended note that corrects or updates the story, at the start of a new paragraph, in the
# languages of the extraction's word lists.
_NOTE = re.compile(
    r"^\W{0,3}(?:"
    r"corrections?|clarifications?|updated?|editor'?s note|this (?:article|story) (?:has been|was) "
    r"(?:amended|corrected|updated)|an earlier version of this"
    r"|korrektur|berichtigung|aktualisierung|aktualisiert|richtigstellung|anmerkung der redaktion"
    r"|correctif|rectificatif|mise à jour|erratum|précision"
    r"|corrección|fe de erratas|actualización|aclaración|nota de la redacción"
    r"|correzione|rettifica|aggiornamento|errata corrige"
    r"|correção|errata|atualização|nota da redação"
    r"|correctie|rectificatie|naschrift"
    r"|sprostowanie|aktualizacja|korekta"
    r"|rättelse|uppdatering|rettelse|oppdatering|opdatering"
    r"|исправление|поправка|обновлено|обновление"
    r"|訂正|更新|おわび|お詫び|更正|修正|정정|수정|업데이트"
    r")\b",
    re.IGNORECASE,
)
_CJK_NOTE = re.compile(r"^\W{0,3}(?:訂正|更新|おわび|お詫び|更正|修正|정정|수정|업데이트)")


@dataclass
class TextChange:
    added: int  # characters of the words added
    removed: int  # characters of the words removed
    similarity: float  # 0 to 1, the share of words the two texts have in common (difflib's ratio)


@dataclass
class Changes:
    """The ``changes`` of a version, against the previous one."""

    fields: list[str] = field(default_factory=list)
    text: TextChange | None = None
    correction: bool = False  # a correction or update note was appended
    kind: dict[str, str] | None = None  # {"from": ..., "to": ...} when the page's kind changed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare(previous: Mapping[str, Any], current: Mapping[str, Any]) -> Changes:
    """How ``current`` (a record, as a dict) differs from ``previous``, the version before it."""
    changes = Changes(fields=[name for name in FIELDS if _value(previous, name) != _value(current, name)])
    if "text" in changes.fields:
        before, after = words(previous.get("text") or ""), words(current.get("text") or "")
        added = removed = 0
        for op, old, new in opcodes(before, after):
            removed += sum(len(word) for word in old) if op in ("delete", "replace") else 0
            added += sum(len(word) for word in new) if op in ("insert", "replace") else 0
        ratio = SequenceMatcher(None, before, after, autojunk=False).ratio()
        changes.text = TextChange(added, removed, round(ratio, 4))
        changes.correction = any(_is_note(p) for p in _new_paragraphs(previous, current))
    if "kind" in changes.fields:
        changes.kind = {"from": str(_value(previous, "kind")), "to": str(_value(current, "kind"))}
    return changes


def opcodes(before: list[str], after: list[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    """The word diff: (``equal``/``insert``/``delete``/``replace``, old words, new words)."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        yield op, before[i1:i2], after[j1:j2]


def _value(record: Mapping[str, Any], name: str) -> Any:
    if name == "kind":
        return record.get("kind") or "article"  # records written before kinds existed are articles
    value = record.get(name)
    return value or ([] if name == "authors" else None)


def _new_paragraphs(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    known = {" ".join(p.split()) for p in (previous.get("text") or "").split("\n\n")}
    return [p for p in (current.get("text") or "").split("\n\n") if " ".join(p.split()) not in known]


def _is_note(paragraph: str) -> bool:
    start = paragraph.strip()[:80]
    return bool(_NOTE.search(start) or _CJK_NOTE.search(start))
