"""The crawler: Scrapy spiders, page extraction, and the core the archive shares.

spiders/      the spiders and the feed and sitemap parsers they use
extraction/   page bytes -> Article or Rejection; no Scrapy import (worker processes load only it)
middlewares/  whether a page is fetched at all: incremental state, private networks, limits,
              the duplicate filter
frontier/     the shared frontier on Redis (only with REDIS_URL)
commands/     ``scrapy crawl`` with one-line errors and an exit status from the crawl's stats
demo/         the sample news site and ``make demo``
workers.py    the process pool that runs extraction for the spiders
manifest.py   a run's manifest; outcome.py  exit statuses and the run's summary; jobs.py  the
              scheduled entry point with its lock
record.py errors.py stats.py urls.py config.py durations.py   the core both packages import
"""
