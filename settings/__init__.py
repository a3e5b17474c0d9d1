"""Scrapy settings of the news archiver: every default of the project lives here.

Scrapy copies every UPPERCASE name of this module, so helpers are lowercase. The environment is read
here and only here: each variable below overrides the setting of the same name, and `-s NAME=value`
on the command line overrides both. Credentials are never read here: boto3's own chain finds them.
"""

from __future__ import annotations

import os
from pathlib import Path


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _default_spool_dir() -> str:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return str(Path(cache) / "newsarchive" / "spool")


BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# Our `crawl` command: one-line errors for bad arguments and settings, exit status from the crawl's stats.
COMMANDS_MODULE = "crawler.commands"

# --- Archive -------------------------------------------------------------------------------------
# Where records go: a directory path, a file:// URI or s3://bucket/prefix.
ARCHIVE_URI = _env("ARCHIVE_URI", "./archive")
# Records whose delivery failed after retries wait here and are delivered at the next chance.
ARCHIVE_SPOOL_DIR = _env("ARCHIVE_SPOOL_DIR", _default_spool_dir())
# Threads that write records off the reactor; also the number of records in flight to storage.
ARCHIVE_WRITE_THREADS = 4
# Attempts per record (botocore's own retries happen inside each attempt) before it is spooled.
ARCHIVE_WRITE_ATTEMPTS = 3
# Seconds before the second attempt; each further attempt waits twice as long (at most 8 s).
ARCHIVE_WRITE_BACKOFF = 0.5
# Names this run in records, logs and its manifest. Empty: Scrapyd's job id (its ``_job`` spider
# argument; SCRAPY_JOB in old Scrapyd versions), else generated per run.
ARCHIVE_JOB_ID = _env("ARCHIVE_JOB_ID", _env("SCRAPY_JOB", ""))
# The scheduled job this run belongs to (set by `python -m crawler.jobs`); shown in the manifest and
# used as the prefix of generated job ids.
ARCHIVE_JOB_NAME = _env("ARCHIVE_JOB_NAME", "")
# crawler.jobs renews its job lock while the crawl runs; a lock not renewed for this long belongs
# to a dead run and is taken over.
ARCHIVE_LOCK_TTL = _env("ARCHIVE_LOCK_TTL", "15m")
ITEM_PIPELINES = {"pipelines.archive.ArchivePipeline": 500}
# An article archived less than this long ago is not downloaded again; after it, it is re-checked with
# a conditional request. A duration: 30m, 12h, 1d; 0 re-checks every time.
ARCHIVE_REFRESH_AFTER = _env("ARCHIVE_REFRESH_AFTER", "1d")
# The revisit spider fetches an archived article again at these ages since it was first seen, then
# never again (pipelines/write/revisits.py).
ARCHIVE_REVISIT_AFTER = _env("ARCHIVE_REVISIT_AFTER", "1h,1d,7d")
# The crawl's clock set to this ISO 8601 moment at its start (tests, replays); empty: the real clock.
ARCHIVE_NOW = _env("ARCHIVE_NOW", "")
# The URL index (state/url-index/, one object per domain): written back every this many seconds (0:
# only when the crawl ends), and at most this many URLs per domain, the most recently checked.
ARCHIVE_URL_INDEX_FLUSH_INTERVAL = _env("ARCHIVE_URL_INDEX_FLUSH_INTERVAL", "300")
ARCHIVE_URL_INDEX_MAX_URLS = _env("ARCHIVE_URL_INDEX_MAX_URLS", "100000")
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.incremental.IncrementalMiddleware": 580,
    # Crawl-delay, pauses after 429/503/bot checks, deferred domains: after robots.txt (100) and
    # the incremental check, and before RetryMiddleware (550) sees a 429.
    "crawler.middlewares.politeness.PolitenessMiddleware": 590,
}
EXTENSIONS = {
    # Opens and checks ARCHIVE_URI once, before the crawl; the pipeline, the incremental middleware
    # and the manifest share its store.
    "pipelines.extensions.CrawlArchive": 0,
    # Only with REDIS_URL: checks the shared frontier's settings and connects to Redis once.
    "crawler.frontier.extension.FrontierExtension": 1,
    # Keeps raw pages in WARC segments (ARCHIVE_WARC); sealed and listed before the manifest.
    "pipelines.extensions.WarcCapture": 2,
    # Per-domain extraction health, judged against each site's history in the manifest.
    "crawler.health.monitor.HealthMonitor": 3,
    # When each URL was last checked, one object per domain read once (ARCHIVE_URL_INDEX_*).
    "pipelines.extensions.CrawlUrlIndex": 4,
    # Writes the run's manifest and decides its exit status.
    "crawler.manifest.ManifestExtension": 500,
}
# Raw pages: every page the spiders fetch is kept as WARC/1.1 (request, response or revisit, metadata)
# in segments under warc/date=D/ in the archive, with a CDXJ index; each record points to its page.
ARCHIVE_WARC = _env("ARCHIVE_WARC", "True")
# A segment is sealed and delivered at this many bytes, or this old, and when the crawl ends.
ARCHIVE_WARC_MAX_SIZE = _env("ARCHIVE_WARC_MAX_SIZE", str(1_000_000_000))
ARCHIVE_WARC_MAX_AGE = _env("ARCHIVE_WARC_MAX_AGE", "1h")
# Per-domain extraction health (crawler.health.figures): each site's figures in this run are compared with the
# median of its last ARCHIVE_HEALTH_RUNS runs of the same job that had at least ARCHIVE_HEALTH_MIN_PAGES
# of its pages (read from the manifests of the last ARCHIVE_HEALTH_DAYS days); with fewer than
# ARCHIVE_HEALTH_MIN_HISTORY such runs a site is not judged. Degraded: a share (title, published time,
# authors, lead, language) ARCHIVE_HEALTH_SHARE_DROP below its usual value, a body length below
# ARCHIVE_HEALTH_LENGTH_DROP times it, rejected pages or HTTP errors ARCHIVE_HEALTH_RISE above theirs.
ARCHIVE_HEALTH_RUNS = _env("ARCHIVE_HEALTH_RUNS", "7")
ARCHIVE_HEALTH_MIN_PAGES = _env("ARCHIVE_HEALTH_MIN_PAGES", "10")
ARCHIVE_HEALTH_MIN_HISTORY = _env("ARCHIVE_HEALTH_MIN_HISTORY", "3")
ARCHIVE_HEALTH_DAYS = _env("ARCHIVE_HEALTH_DAYS", "30")
ARCHIVE_HEALTH_SHARE_DROP = _env("ARCHIVE_HEALTH_SHARE_DROP", "0.25")
ARCHIVE_HEALTH_LENGTH_DROP = _env("ARCHIVE_HEALTH_LENGTH_DROP", "0.5")
ARCHIVE_HEALTH_RISE = _env("ARCHIVE_HEALTH_RISE", "0.25")
# True: a run in which a site degraded exits with status 11, so a scheduler can alert.
ARCHIVE_HEALTH_FAIL = _env("ARCHIVE_HEALTH_FAIL", "False")
# Exit status 4 when a run finds fewer article pages than this (new, changed or unchanged); 0: no check.
ARCHIVE_MIN_RECORDS = 0

# S3: Scrapy's own AWS_* settings are passed to boto3 when set; credentials are not read here, boto3's
# standard chain (environment, ~/.aws, instance role) finds them. The endpoint and region come from
# the environment variables of the same names, for the crawl and for `newsarchive` alike.
AWS_ENDPOINT_URL = _env("AWS_ENDPOINT_URL", "") or None
AWS_REGION_NAME = _env("AWS_REGION_NAME", "") or None
AWS_USE_SSL = _env("AWS_USE_SSL", "") or None
AWS_VERIFY = _env("AWS_VERIFY", "") or None
# botocore retry mode for S3 calls: "standard" retries throttling, 5xx and connection errors.
AWS_RETRY_MODE = _env("AWS_RETRY_MODE", "standard")
AWS_MAX_ATTEMPTS = _env("AWS_MAX_ATTEMPTS", "5")

# --- Reliability and safety ----------------------------------------------------------------------
# S3 connect and read timeouts in seconds (botocore's connect_timeout/read_timeout): an endpoint that
# accepts connections but never answers fails the write, which is retried and then spooled.
ARCHIVE_STORE_CONNECT_TIMEOUT = _env("ARCHIVE_STORE_CONNECT_TIMEOUT", "10")
ARCHIVE_STORE_READ_TIMEOUT = _env("ARCHIVE_STORE_READ_TIMEOUT", "30")
# While storage is down, records go straight to the spool and storage is probed this often (seconds)
# with one write; when it answers, the spool is delivered. 0: every record tries storage itself.
ARCHIVE_SPOOL_RETRY_INTERVAL = 30.0
# Refuse URLs whose host resolves to a loopback, private, link-local (cloud metadata), shared or
# reserved address, also when reached by a redirect (skip reason: private_network). For services
# that crawl URLs given by untrusted users; off by default so the local demo works.
URL_DENY_PRIVATE_NETWORKS = False
# Hosts ("name" or "name:port", as written in URLs) exempt from URL_DENY_PRIVATE_NETWORKS.
URL_PRIVATE_NETWORKS_ALLOW: list[str] = []
# Scrapy's default resolver, which with URL_DENY_PRIVATE_NETWORKS also refuses a private address at
# download time (a DNS answer that changed after the check: DNS rebinding).
TWISTED_DNS_RESOLVER = "crawler.middlewares.network_policy.PublicAddressResolver"
DOWNLOADER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    # First of all, before robots.txt is fetched for the host.
    "crawler.middlewares.network_policy.PrivateNetworkMiddleware": 50,
    # Next to the downloader: names what Scrapy drops without a reason the crawl can count
    # (too large, decompression bombs, redirect loops, redirects to other schemes).
    "crawler.middlewares.download_guard.DownloadGuardMiddleware": 950,
    # Before RetryMiddleware: a private address refused at download time is private_network.
    "crawler.middlewares.network_policy.RefusedAddressMiddleware": 940,
    # Next to the downloader: the response's headers as received, for its WARC record.
    "crawler.middlewares.exchange.ReceivedHeadersMiddleware": 990,
}

# --- Politeness (crawler/middlewares/politeness.py) ----------------------------------------------------
# A domain's robots.txt Crawl-delay is its minimum interval between requests, at most this many seconds.
POLITENESS_CRAWL_DELAY_MAX = _env("POLITENESS_CRAWL_DELAY_MAX", "30")
# After a 429, a 503 or a bot check, no request to the domain for Retry-After, else this pause, doubled
# for each pause in a row, at most POLITENESS_PAUSE_MAX.
POLITENESS_PAUSE_START = _env("POLITENESS_PAUSE_START", "5")
POLITENESS_PAUSE_MAX = _env("POLITENESS_PAUSE_MAX", "600")
# After this many pauses in a row the domain is deferred: its remaining URLs wait for the next run.
POLITENESS_MAX_PAUSES = _env("POLITENESS_MAX_PAUSES", "5")
# A run's budget per domain for scheduled jobs: pages sent, bytes received (0: no budget). What is
# left when it is spent is deferred to the next run.
POLITENESS_DOMAIN_PAGES = _env("POLITENESS_DOMAIN_PAGES", "0")
POLITENESS_DOMAIN_BYTES = _env("POLITENESS_DOMAIN_BYTES", "0")

# --- Pages that need a browser (crawler/middlewares/browser.py) ----------------------------------------
# off: no browser (nothing of Playwright is imported); auto: a page whose HTML is an app shell is
# rendered once more in the system's Chromium; always: every article page is.
ARCHIVE_RENDER = _env("ARCHIVE_RENDER", "off")
# Domains whose pages are always rendered (with ARCHIVE_RENDER=auto).
ARCHIVE_RENDER_DOMAINS = _env("ARCHIVE_RENDER_DOMAINS", "")
# Pages in the browser at once; a page's time limit (seconds); a fresh browser after this many pages.
ARCHIVE_RENDER_MAX_PAGES = _env("ARCHIVE_RENDER_MAX_PAGES", "2")
ARCHIVE_RENDER_TIMEOUT = _env("ARCHIVE_RENDER_TIMEOUT", "30")
ARCHIVE_RENDER_RESTART_AFTER = _env("ARCHIVE_RENDER_RESTART_AFTER", "500")
# The Chromium executable: found on PATH as chromium, chromium-browser or google-chrome when empty.
ARCHIVE_RENDER_BROWSER = _env("ARCHIVE_RENDER_BROWSER", "")
# Sets up scrapy-playwright's download handler when ARCHIVE_RENDER is on; changes nothing when off.
ADDONS = {"crawler.middlewares.browser.BrowserAddon": 0}
DOWNLOADER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    # Next to the downloader: a page waits for its place in the browser once every other middleware let
    # it through; routes what the page asks for through the crawl.
    "crawler.middlewares.browser.BrowserMiddleware": 995,
}

# --- Stories (pipelines/write/stories.py) ------------------------------------------------------------
# `newsarchive compact` groups near-duplicate texts (copies of one wire story) into stories: records whose
# texts' estimated Jaccard similarity (MinHash of their shingles) is at least this share a story_id ...
ARCHIVE_STORY_THRESHOLD = _env("ARCHIVE_STORY_THRESHOLD", "0.5")
# ... with the records of the compacted days this long before the day compacted (whole days).
ARCHIVE_STORY_WINDOW = _env("ARCHIVE_STORY_WINDOW", "3d")

# --- Extraction ----------------------------------------------------------------------------------
# Which pages become records (crawler/admission.py): a URL given with -a url/-a urls, a feed's or a
# news sitemap's entry is archived whatever kind of page it is, except consent, challenge and error
# pages (never archived); a link the site spider found or a plain sitemap's entry only when its kind is
# one of these (article, listing, paywall, other). Others are counted as skipped <kind>_page.
ARCHIVE_DISCOVERED_KINDS = _env("ARCHIVE_DISCOVERED_KINDS", "article")
# The prose (characters; CJK characters count 3) a page that declares nothing about itself (no
# JSON-LD article, og:type or date) needs to be of kind article.
EXTRACT_MIN_CHARS = 400
# Pages larger than this are not parsed (reason: too_large); Scrapy's DOWNLOAD_MAXSIZE cuts the download.
EXTRACT_MAX_BYTES = 5 * 1024 * 1024
# Worker processes that extract articles while the crawler downloads and stores. "auto": one per core
# the crawler may use; 0 extracts in the crawler's own thread (one core, for debugging).
EXTRACT_WORKERS = _env("EXTRACT_WORKERS", "auto")
# Seconds one page may take in a worker; the worker is then replaced (reason: extract_timeout).
EXTRACT_TIMEOUT = _env("EXTRACT_TIMEOUT", "30")

# --- Shared frontier (scrapy-redis) --------------------------------------------------------------
# Unset: each crawl keeps its requests in memory and needs no Redis. redis://host:6379/0: the crawl's
# queue and duplicate filter live in Redis, shared by the process that seeds the crawl and any number of
# workers started with FRONTIER_JOIN=True (crawler/frontier/). Redis must be private to the crawlers:
# requests are stored pickled, as scrapy-redis does.
REDIS_URL = _env("REDIS_URL", "")
SCHEDULER = "crawler.frontier.scheduler.FrontierScheduler"  # Scrapy's own when REDIS_URL is unset
SPIDER_MIDDLEWARES = {
    "crawler.frontier.scheduler.FrontierMiddleware": 10,
    # Scrapy's own, replaced by one that counts the URLs it drops as url_too_long (URLLENGTH_LIMIT).
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "crawler.middlewares.download_guard.UrlLengthGuardMiddleware": 800,
}
# True: send no start requests, only work the frontier of ARCHIVE_JOB_NAME (else the spider's name).
FRONTIER_JOIN = False
# A process leaves when the queue has been empty and no process busy for this long (a duration).
FRONTIER_IDLE_CLOSE = "1m"

# --- Politeness and crawling ---------------------------------------------------------------------
ARCHIVE_CONTACT = _env("ARCHIVE_CONTACT", "https://github.com/newsarchive/newsarchive")
USER_AGENT = f"newsarchive/0.1 (news archiver; +{ARCHIVE_CONTACT})"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy's duplicate filter, remembering at most ARCHIVE_SEEN_URLS_MAX requests (about 100 bytes each);
# an article URL it forgot is still not fetched again within ARCHIVE_REFRESH_AFTER (archive state).
DUPEFILTER_CLASS = "crawler.middlewares.dupefilter.BoundedDupeFilter"
ARCHIVE_SEEN_URLS_MAX = _env("ARCHIVE_SEEN_URLS_MAX", "1000000")
# Items processed in parallel per response. An article page yields one record, so Scrapy's default of
# 100 only costs time: it starts 100 tasks for every response (a fifth of the crawler's own CPU).
CONCURRENT_ITEMS = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = _env("LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
