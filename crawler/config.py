"""Settings read and checked one way: each reader returns a typed value or raises
``SettingError("NAME=value: why")``, which the crawl and the commands report as one line, exit 2.

Defaults live in the ``settings`` module (which alone reads the environment); components read
``crawler.settings`` through these readers in ``from_crawler``. ``project_settings`` loads that module
for the programs that run without Scrapy's command line (``crawler.jobs``, ``newsarchive``).
"""

from __future__ import annotations

import importlib
import os
from datetime import datetime, timedelta
from typing import Any

from scrapy.settings import BaseSettings, Settings

from crawler.durations import parse_duration
from crawler.errors import SettingError
from crawler.record import parse_utc


def invalid(settings: BaseSettings, name: str, why: str) -> SettingError:
    """The one form of a setting's error: its name, its value as given, and what is wrong."""
    return SettingError(f"{name}={settings.get(name)!r}: {why}")


def integer(settings: BaseSettings, name: str, *, minimum: int | None = None) -> int:
    try:
        value = settings.getint(name)
    except (TypeError, ValueError):
        raise invalid(settings, name, "not a whole number") from None
    return int(_at_least(settings, name, value, minimum))


def number(settings: BaseSettings, name: str, *, minimum: float | None = None) -> float:
    try:
        value = settings.getfloat(name)
    except (TypeError, ValueError):
        raise invalid(settings, name, "not a number") from None
    return _at_least(settings, name, value, minimum)


def _at_least(settings: BaseSettings, name: str, value: float, minimum: float | None) -> float:
    if minimum is not None and value < minimum:
        why = "must not be negative" if minimum == 0 else f"must be at least {minimum:g}"
        raise invalid(settings, name, why)
    return value


def seconds(settings: BaseSettings, name: str) -> float:
    """A time limit in seconds: a number greater than 0."""
    try:
        value = settings.getfloat(name)
    except (TypeError, ValueError):
        value = 0.0
    if not value > 0:
        raise invalid(settings, name, "must be a positive number of seconds")
    return value


def boolean(settings: BaseSettings, name: str) -> bool:
    try:
        return bool(settings.getbool(name))
    except ValueError:
        raise invalid(settings, name, "not true or false") from None


def duration(settings: BaseSettings, name: str, *, positive: bool = False) -> timedelta:
    """A duration as people write it (``30m``, ``12h``, ``2d``; crawler.durations)."""
    try:
        value = parse_duration(settings.get(name))
    except ValueError as exc:
        raise invalid(settings, name, str(exc)) from None
    if positive and value <= timedelta(0):
        raise invalid(settings, name, "must be longer than 0")
    return value


def moment(settings: BaseSettings, name: str) -> datetime | None:
    """An ISO 8601 timestamp with its zone, or None when the setting is empty."""
    value = (settings.get(name) or "").strip()
    if not value:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        why = "not an ISO 8601 timestamp with a zone, e.g. 2026-12-01T08:00:00Z"
        raise invalid(settings, name, why) from None


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings module (SCRAPY_SETTINGS_MODULE, else ``settings``) with ``overrides`` at
    command-line priority, as ``scrapy crawl -s`` would give them.

    The module is read anew, so it reads the environment as it is now: a program that calls this
    more than once (a test, an embedding application) never gets an earlier environment's values.
    """
    module = importlib.reload(importlib.import_module(os.environ.get("SCRAPY_SETTINGS_MODULE") or "settings"))
    settings = Settings()
    settings.setmodule(module, priority="project")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings
