"""Per-domain extraction health: what each run made of each site's pages, judged against the site's
history, so a publisher's template change is noticed.

figures.py   the figures of one run and the verdict on them; no Scrapy import (``newsarchive
             health``, pipelines.commands.health, reads the same figures from the manifests)
monitor.py   the crawl's extension: it listens to the pages and records the crawl announces
             (crawler.signals) and judges the run when the spider closes
"""
