"""The near-duplicate fingerprint of an article's text: what groups the copies of one wire story
printed by many outlets (pipelines.write.stories), computed in the extraction workers while the text
is at hand.

Why MinHash and not SimHash: a story is documented as the records whose texts have a Jaccard
similarity of their shingles above a threshold, and MinHash estimates exactly that (the share of
equal values of two fingerprints is an unbiased estimate of the Jaccard similarity), and
datasketch's LSH finds the pairs above a Jaccard threshold without comparing all pairs. SimHash
estimates a cosine similarity of weighted features instead, whose relation to "the ending trimmed by
30%" or "a paragraph added" depends on the text's length and words, so no threshold would mean the
same for a brief and for a long feature.

What it reads: the text only (the headline, which each outlet writes its own, is left out),
normalised as ``content_sha256`` normalises it (NFC; white space never reaches a term, so collapsing
it is implied) and with case folded. Its terms are crawler.extraction.words' terms: runs of letters
and digits, and each CJK character alone. Its shingles are overlapping runs of ``k`` terms:

- 5 words in a language written with spaces: long enough that two different articles about the same
  people and places share few of them (a name is two or three words), short enough that an edit
  (a changed agency line, two paragraphs swapped) changes only the few shingles across it;
- 9 characters in a text that is mostly CJK (Chinese, Japanese, Korean as the tokenizer splits it):
  a Chinese word is 1.5 to 2 characters, so 9 characters span about as much as 5 words; shorter
  runs are shared by unrelated articles through their names, titles and set phrases (习近平主席,
  東京都知事, 新华社记者) alone.

A text of fewer than 50 words (100 CJK characters) has no fingerprint: so few shingles estimate a
similarity badly, and short texts (a caption, a wall's notice, a brief) are alike without being one
story.

The MinHash: datasketch's, with 64 permutations (``NUM_PERM``) and a fixed seed, so a fingerprint is
the same in every process and every year. 64 rather than 128: the estimate's standard error at a
Jaccard of 0.5 is 0.06 (0.044 with 128), enough to tell the copies of a story (0.6 to 1) from
articles about the same event (under 0.1), at half the size in each record (256 bytes, 344
characters of base64) and in the Parquet files, and half the LSH index's bands in memory when a
million records are grouped.

Hashing: each term is hashed once, CRC-32 of its UTF-8 (``zlib.crc32``: stable, in C), and a
shingle's hash mixes its terms' hashes in their order, for all shingles at once (numpy); datasketch
then mixes each with MurmurHash3's finalizer before permuting it, so CRC's linearity does not show.
Hashing each shingle's text instead, with datasketch's default SHA-1, makes the fingerprint 2.5 times
as slow (1.5 times with CRC-32). A text of 700 words takes about 0.3 ms when texts are fingerprinted
back to back (0.9% of its page's extraction), and 0.55 to 0.7 ms right after its page's extraction,
as a worker does it, with the processor's caches full of the extraction's work: 2.1 to 2.3%, a little
over the 2% aimed at (tests/benchmarks/stories.py).

Stored as the base64 of the 64 hash values as little-endian unsigned 32-bit integers. A change of any
of these choices (k, the terms, the seed, the hash) makes fingerprints that cannot be compared with
the stored ones: the archive's must then be computed again (``newsarchive reextract``).
"""

from __future__ import annotations

import base64
import binascii
import copy
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash

from crawler.extraction.words import cjk_characters, terms

NUM_PERM = 64
SEED = 26
# datasketch's permutations since 2.0: a * h + b mod 2**32, values stored as uint32.
SCHEME = "affine32"
FINGERPRINT_BYTES = NUM_PERM * 4


@dataclass(frozen=True)
class Shingling:
    """How a text is cut in shingles: ``k`` terms each, and none at all under ``min_terms``."""

    k: int
    min_terms: int


WORDS = Shingling(k=5, min_terms=50)
CHARACTERS = Shingling(k=9, min_terms=100)

# The odd multipliers that mix a shingle's terms, one per place up to the longest shingle: 2**32 divided
# by the golden ratio and the constants of xxHash32 and MurmurHash3 (any odd constants far from a power
# of two would do).
_MIX = np.array(
    [
        0x9E3779B1,
        0x85EBCA77,
        0xC2B2AE3D,
        0x27D4EB2F,
        0x165667B1,
        0xCC9E2D51,
        0x1B873593,
        0xE6546B65,
        0x85EBCA6B,
    ],
    dtype=np.uint32,
)
_SHIFT = np.uint32(15)


def _unchanged(value: Any) -> Any:
    return value


# Each fingerprint copies the permutations of this one rather than drawing them again from the seed. Its
# hash function is the identity: the shingles' hashes are computed before (shingle_hashes).
_EMPTY = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_unchanged, scheme=SCHEME)


def shingling(cjk: int, found: list[str]) -> Shingling:
    """Characters for a text whose terms are mostly CJK characters (``cjk`` of them), words otherwise."""
    return CHARACTERS if 2 * cjk > len(found) else WORDS


def shingle_hashes(text: str) -> np.ndarray | None:
    """The 32-bit hash of each of the text's shingles (repeats kept: a MinHash sees the set); None when
    the text is too short.

    Each term is hashed once (CRC-32 of its UTF-8), and a shingle's hash mixes its terms' hashes in
    their order, for all shingles at once: hashing each shingle's text instead would cost a Python
    call and a joined string per shingle, half of the fingerprint's time.
    """
    folded = (text if text.isascii() else unicodedata.normalize("NFC", text)).casefold()
    cjk = cjk_characters(folded)
    found = terms(folded, has_cjk=cjk > 0)
    cut = shingling(cjk, found)
    if len(found) < cut.min_terms:
        return None
    term_hashes = np.fromiter(map(zlib.crc32, map(str.encode, found)), dtype=np.uint32, count=len(found))
    count = len(found) - cut.k + 1
    hashes = term_hashes[:count] * _MIX[0]
    for place in range(1, cut.k):
        hashes = (hashes ^ (hashes >> _SHIFT)) + term_hashes[place : place + count] * _MIX[place]
    return hashes


def fingerprint(text: str) -> str | None:
    """The text's fingerprint (344 characters), or None for a text too short to have one."""
    hashes = shingle_hashes(text)
    if hashes is None:
        return None
    # A shallow copy of the empty MinHash with hash values of its own: MinHash.copy() would check and
    # convert the permutations again, a sixth of the fingerprint's time.
    minhash = copy.copy(_EMPTY)
    minhash.hashvalues = _EMPTY.hashvalues.copy()
    # update_batch hashes each item it is given, then permutes all the hashes at once: given a single
    # item, the array of the shingles' hashes, and the identity, it permutes them all without a Python
    # call per shingle (the same MinHash as one item per shingle: tests/test_stories.py).
    minhash.update_batch([hashes])
    return encode(minhash.hashvalues)


def encode(values: Any) -> str:
    """``NUM_PERM`` hash values as stored: base64 of little-endian uint32."""
    array = np.asarray(values, dtype="<u4")
    if array.shape != (NUM_PERM,):
        raise ValueError(f"a fingerprint has {NUM_PERM} values, not {array.shape}")
    return base64.b64encode(array.tobytes()).decode("ascii")


def decode(value: str) -> np.ndarray:
    """A stored fingerprint's hash values (read-only uint32); ValueError for anything else."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not a fingerprint: {value[:20]!r}") from exc
    if len(raw) != FINGERPRINT_BYTES:
        raise ValueError(f"not a fingerprint of {NUM_PERM} values: {len(raw)} bytes")
    return np.frombuffer(raw, dtype="<u4")


def minhash(value: str | np.ndarray) -> LeanMinHash:
    """The datasketch MinHash of a fingerprint (for datasketch's LSH index)."""
    values = decode(value) if isinstance(value, str) else value
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def jaccard(a: str | np.ndarray, b: str | np.ndarray) -> float:
    """The estimated Jaccard similarity of the two texts' shingles: the share of equal hash values."""
    first = decode(a) if isinstance(a, str) else a
    second = decode(b) if isinstance(b, str) else b
    return float(np.count_nonzero(first == second)) / NUM_PERM
