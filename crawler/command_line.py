"""Command lines read one way: a bad one is a UsageError, which every command of the project reports as
one line with exit status 2 (crawler.exit_status), before any work."""

from __future__ import annotations

import argparse
from typing import Any

from crawler.errors import UsageError


class UsageParser(argparse.ArgumentParser):
    """argparse's parser, raising UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> Any:
        raise UsageError(message)
