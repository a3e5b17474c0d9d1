"""Counts in words, as the project's summaries and log lines write them."""

from __future__ import annotations


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """``1 process``, ``3 processes``, ``0 records``."""
    return f"{count} {noun if count == 1 else plural_noun or noun + 's'}"
