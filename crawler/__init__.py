"""The crawler: Scrapy spiders, page extraction, and the core the archive shares.

Layers, top to bottom (with pipelines/; an import may only point down, and `make lint` checks it
with the contracts in pyproject.toml):

    entry points      crawler.commands (scrapy crawl), crawler.jobs (scheduled runs), crawler.demo,
                      pipelines.commands (newsarchive)
    the run           crawler.manifest: the run's manifest and exit status, asked of the components
    spiders           crawler.spiders
    crawl components  crawler.middlewares, crawler.health.monitor (independent) > crawler.frontier
    archive glue      pipelines.archive (the item pipeline), pipelines.extensions
    archive           pipelines.read > pipelines.write > pipelines.storage
    extraction        crawler.workers > crawler.page > crawler.assemble, crawler.warc >
                      crawler.admission > crawler.listing > crawler.extraction
    core              crawler.config, exit_status, health.figures, command_line, job_names >
                      crawler.durations, errors, record, signals, stats, urls, wording

Components announce what happened with crawler.signals and observers connect to them, so nothing
low imports what watches it.

spiders/      the spiders and the feed and sitemap parsers they use
extraction/   page bytes -> Article of some kind, or Rejection; no Scrapy import (worker processes
              load only it)
middlewares/  whether and when a page is fetched: incremental state, private networks, limits,
              the duplicate filter, politeness and each site's pace
frontier/     the shared frontier on Redis (only with REDIS_URL)
health/       per-domain extraction health: the figures, and the crawl's monitor
commands/     ``scrapy crawl`` with one-line errors and an exit status from the crawl's stats
demo/         the sample news site and ``make demo``
workers.py    the process pool that runs extraction (page.py) for the spiders
manifest.py   a run's manifest; jobs.py  the scheduled entry point with its lock
admission.py  which pages become records, by their kind and where their URL came from
"""
