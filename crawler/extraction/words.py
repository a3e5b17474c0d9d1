"""Words as the archive counts them, one rule for everything that compares two texts: the changes
between versions and ``newsarchive diff`` (pipelines.write.changes), and the near-duplicate
fingerprint (fingerprint.py).

A word is a run of characters between white space, except that each CJK character (kana, hangul,
CJK ideographs) is a word of its own: Chinese and Japanese are written without spaces, and a
dictionary to segment them would be one more thing to load in every worker for little gain.

A diff shows words as they were written, punctuation included (``tokens``, ``words``). A
fingerprint compares what was said, so its ``terms`` are the same words with their punctuation
dropped: runs of letters and digits (a word such as ``U.S.`` gives two) and each CJK character.
"""

from __future__ import annotations

import re

# Kana, CJK ideographs (extension A, the unified block, compatibility ideographs) and hangul syllables.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# Words, and the white space between them (kept, so that a diff can be shown as the text was written).
_TOKEN = re.compile(rf"\s+|[{CJK}]|[^\s{CJK}]+")
# The words' letters and digits: ``[^\W_]`` is ``\w`` without the underscore, what ``str.isalnum`` is true of.
_TERM = re.compile(rf"[{CJK}]|[^\W_{CJK}]+")
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")
_CJK_CHARACTER = re.compile(rf"[{CJK}]")


def tokens(text: str) -> list[str]:
    """The text's words and the white space between them, in order: joined, they give it back."""
    return _TOKEN.findall(text)


def words(text: str) -> list[str]:
    """The text's words, punctuation included, as a reader compares two versions."""
    return [token for token in tokens(text) if not token.isspace()]


def terms(text: str, has_cjk: bool | None = None) -> list[str]:
    """The text's runs of letters and digits, and each CJK character alone, in order and as written
    (the caller folds case and normalises). ``has_cjk``: whether the text has a CJK character, when the
    caller knows it.

    A text without CJK characters, most of them, is cut at white space first: most of its words are a
    run of letters and digits whole (``str.isalnum``), and only the others go through the expression,
    twice as fast as the expression over the whole text (it runs for every page).
    """
    if has_cjk is None:
        has_cjk = _CJK_CHARACTER.search(text) is not None
    if has_cjk:
        return _TERM.findall(text)
    cut = _LETTERS_AND_DIGITS.findall
    found: list[str] = []
    for word in text.split():
        if word.isalnum():
            found.append(word)
        else:
            found.extend(cut(word))
    return found


def cjk_characters(text: str) -> int:
    """How many CJK characters the text has: each is one term."""
    return len(_CJK_CHARACTER.findall(text))
