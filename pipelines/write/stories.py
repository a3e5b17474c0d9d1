"""Stories: the records whose texts are near-duplicates, the copies of one wire story printed by many
outlets with their own headline, chrome and byline, a trimmed ending or a local paragraph, grouped
under one ``story_id`` with the story's size.

Two records are copies of one story when the estimated Jaccard similarity of their texts' shingles
(crawler.extraction.fingerprint) is at least the threshold, ``DEFAULT_THRESHOLD`` unless the
archive's settings say otherwise; a story is a group of records linked by such pairs (so a copy
trimmed by 30% and another with two local paragraphs are one story through the wire text they both
copy, even when they are less alike than the threshold themselves).

The pairs are found with datasketch's MinHash LSH (records whose fingerprints agree on a whole band
of hash values), not by comparing all pairs; each candidate pair is then checked against the
threshold, and a union-find makes the groups. The LSH's bands are chosen for recall (a pair at the
threshold is a candidate 87 times in 100 at 0.5, one at 0.6 97 times): a candidate that is not a copy
costs one comparison of 64 values, a copy never found is a story split in two.

``story_id`` is the id of the story's earliest record (by ``fetched_at``, then by id), and it
stays: a record that already has a ``story_id`` (from an earlier grouping) keeps it, and records new
to a group take the ``story_id`` its earlier records have, so copies arriving on later days join the
story, and grouping the same records again changes no ``story_id``. When a new copy links records of
two existing stories (a fuller copy of the wire text than either), each keeps its ``story_id`` and the
new records of the group take the one of the story whose record is the earliest. ``story_size`` is
how many of the grouped records have the ``story_id``: the caller groups a window of days that
includes the stories' earlier records.

Memory: per record its id, ``fetched_at``, earlier ``story_id`` and 256 bytes of hash values, and
the LSH index's 15 band entries: about 4.3 KB a record in all, so a million records are grouped in
4.4 GiB, in about two minutes on one core (tests/benchmarks/stories.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH

from crawler.extraction.fingerprint import FINGERPRINT_BYTES, NUM_PERM, decode, minhash

# Texts with a Jaccard similarity of at least this are copies of one story. A copy whose ending is
# trimmed by 30% is at 0.7 of the whole, one that also adds a local paragraph at about 0.6, and two
# such copies of one wire text at 0.5 of each other; articles of different outlets about the same
# event, with the same names and places, are under 0.1. The archive's setting ARCHIVE_STORY_THRESHOLD.
DEFAULT_THRESHOLD = 0.5
# The LSH's (false positive, false negative) weights when it chooses its bands: recall first.
LSH_WEIGHTS = (0.2, 0.8)


@dataclass(frozen=True)
class StoryMember:
    """What grouping reads of a record: one member per id (the versions of an article share its id, and
    its latest text is the one to group)."""

    id: str
    fingerprint: str | None  # None: a text too short to have one, a story of its own
    fetched_at: str  # as records store it (utc_iso): strings in this form sort as instants
    story_id: str | None = None  # from an earlier grouping: kept


@dataclass(frozen=True)
class Story:
    """A record's story: its id and how many of the grouped records belong to it."""

    story_id: str
    size: int


class _Forest:
    """Union-find over member numbers, with path halving; the root of a group is its smallest number."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        one, other = self.find(first), self.find(second)
        if one != other:
            self.parent[max(one, other)] = min(one, other)


def group(members: Iterable[StoryMember], threshold: float = DEFAULT_THRESHOLD) -> dict[str, Story]:
    """Each member's story, by member id.

    Raises ValueError for a member id given twice, a fingerprint that is not one, or a threshold
    outside (0, 1].
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"a story threshold is a Jaccard similarity in (0, 1], not {threshold}")
    ids: list[str] = []
    archived: list[str] = []
    known: list[str | None] = []
    values = bytearray()  # FINGERPRINT_BYTES per member, zeros for a member without a fingerprint
    fingerprinted = bytearray()  # 1 per member with a fingerprint
    empty = bytes(FINGERPRINT_BYTES)
    for member in members:
        ids.append(member.id)
        archived.append(member.fetched_at)
        known.append(member.story_id or None)
        values += decode(member.fingerprint).tobytes() if member.fingerprint else empty
        fingerprinted.append(1 if member.fingerprint else 0)
    if len(set(ids)) != len(ids):
        raise ValueError("a member id is given twice")
    matrix = np.frombuffer(values, dtype="<u4").reshape(len(ids), NUM_PERM)  # no copy: values grows no more
    forest = _link(matrix, fingerprinted, threshold)
    return _stories(forest, ids, archived, known)


def _link(matrix: np.ndarray, fingerprinted: bytearray, threshold: float) -> _Forest:
    """The members' groups: each member is looked up among those before it, then indexed."""
    forest = _Forest(len(matrix))
    index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    for number, row in enumerate(matrix):
        if not fingerprinted[number]:
            continue
        sketch = minhash(row)
        candidates = index.query(sketch)
        if candidates:
            found = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
            # The same arithmetic as fingerprint.jaccard, so that a pair is a copy in both or in neither.
            similar = np.count_nonzero(matrix[found] == row, axis=1) / NUM_PERM >= threshold
            for other in found[similar].tolist():
                forest.union(number, other)
        index.insert(number, sketch, check_duplication=False)
    return forest


def _stories(
    forest: _Forest, ids: list[str], archived: list[str], known: list[str | None]
) -> dict[str, Story]:
    def earlier(one: int, other: int | None) -> bool:
        return other is None or (archived[one], ids[one]) < (archived[other], ids[other])

    earliest: dict[int, int] = {}  # group root: its earliest member
    earliest_known: dict[int, int] = {}  # group root: its earliest member that has a story_id
    roots = [forest.find(number) for number in range(len(ids))]
    for number, root in enumerate(roots):
        if earlier(number, earliest.get(root)):
            earliest[root] = number
        if known[number] is not None and earlier(number, earliest_known.get(root)):
            earliest_known[root] = number
    story_ids: list[str] = []
    for number, root in enumerate(roots):
        kept = known[number]
        if kept is None:
            first_known = earliest_known.get(root)
            kept = known[first_known] if first_known is not None else ids[earliest[root]]
        story_ids.append(kept or ids[number])
    sizes = Counter(story_ids)
    stories = {story_id: Story(story_id, size) for story_id, size in sizes.items()}
    return {member_id: stories[story_id] for member_id, story_id in zip(ids, story_ids, strict=True)}
