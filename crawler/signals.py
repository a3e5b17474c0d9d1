"""The project's own signals: components announce what happened, observers connect to them.

Sent with ``crawler.signals.send_catch_log``, as Scrapy sends its own (``scrapy.signals``); the
per-domain health monitor (crawler.health.monitor) is the observer today. A sender never imports its
observers, so the spiders and the archive pipeline know nothing of health.
"""

from __future__ import annotations

# A page was fetched and extracted. Arguments: url (after redirects), result (Article or Rejection),
# archived (whether the page becomes a record: its kind and origin, crawler.admission).
page_extracted = object()
# A page was answered with an HTTP error status. Arguments: url, status.
page_failed = object()
# A site answered with a bot check (an error status, crawler.middlewares.politeness). Arguments: url.
bot_check_met = object()
# A record's outcome in the archive. Arguments: url, outcome ("new", "changed" or "unchanged"), kind
# (the record's), spider (the one that fetched it).
record_archived = object()
