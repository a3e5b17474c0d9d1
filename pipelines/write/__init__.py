"""The write side: getting records into the archive whatever the storage does.

    delivery.py   Archiver: versions claimed and committed, retries, storage outages, late delivery
    versions.py   each article's versions (state/articles/)
    url_index.py  when each URL was checked (state/url-index/), and whether it is due again
    spool.py      what waits on local disk while storage is down; outage.py  whether it is down
    inflight.py   records written ahead of their state, noted until the state names them
    segments.py   WARC segments: written, sealed, indexed, delivered

No Twisted and no Scrapy component: the crawl's pipeline and extensions (pipelines.archive,
pipelines.extensions) and ``newsarchive flush``/``reextract`` drive them.
"""
