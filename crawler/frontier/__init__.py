"""The shared frontier (only with REDIS_URL): any number of crawler processes, on one machine or
many, work one crawl.

Without REDIS_URL nothing here is used: the scheduler is Scrapy's own, in memory, and no Redis is
needed. With REDIS_URL, the scheduler is scrapy-redis's (its priority queue of pickled requests) and
the duplicate filter a sorted set in Redis, under the frontier's name (ARCHIVE_JOB_NAME, else the
spider's name):

    newsarchive:frontier:NAME:requests   sorted set   the queue (scrapy_redis.queue.PriorityQueue)
    newsarchive:frontier:NAME:seen       sorted set   request fingerprint -> when first requested
    newsarchive:frontier:NAME:crawl      hash         job_id and start time of the latest crawl
    newsarchive:frontier:NAME:busy       sorted set   worker -> last time it had work in flight
    newsarchive:frontier:NAME:roster     sorted set   worker -> last beat (crawler.frontier.roster)
    newsarchive:frontier:NAME:results    hash         worker -> how its run ended (crawler.frontier.roster)
    newsarchive:pace:HOST                hash         the site's pace, shared by every crawl
                                                      (crawler.middlewares.pace)

A process started normally *seeds*: it starts a new crawl (its job id becomes the crawl's) and sends
its start requests into the queue. A process started with FRONTIER_JOIN=True *joins*: it sends no
start requests, takes the crawl's job id with its first request, and works the queue. Every process
pops requests atomically, so each request is fetched by one of them.

A fingerprint counts as seen only within the current crawl and for at most ARCHIVE_REFRESH_AFTER
(``0``: the crawl alone). Fingerprints of earlier crawls are trimmed, so the set holds one crawl at
most, and a new crawl requests again what an earlier one lost (a worker killed with requests in
flight); the archive's own state (crawler.middlewares.incremental) keeps it from downloading what is fresh.

A process leaves when the queue is empty and no process of the frontier has had work in flight for
FRONTIER_IDLE_CLOSE; its finish reason is then ``finished``. The seed leaves last: it waits for the
others to report how they ended, and its exit status and manifest are the whole crawl's
(crawler.frontier.roster).

Settings: REDIS_URL, REDIS_PARAMS (scrapy-redis), FRONTIER_JOIN, FRONTIER_IDLE_CLOSE,
ARCHIVE_REFRESH_AFTER, ARCHIVE_JOB_NAME.

Its modules: core.py (the Redis keys, the atomic operations on them, the settings), extension.py (the
process's one connection, and how a process reports its end), scheduler.py (the scheduler, its
duplicate filter, the start-request middleware), roster.py (who works the crawl and how each
ended), crawl_manifest.py (the manifest of the whole crawl).
"""
