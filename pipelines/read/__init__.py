"""The read side: what the archive holds, read back the same on a directory and on a bucket.

    records.py     which records a query selects, one article's versions, a record by its key
    compaction.py  a day's records as Parquet files and a manifest, and reading them back
    raw.py         captured pages read back from the WARC segments
    runs.py        the run manifests (runs/), newest first

No Twisted and no Scrapy component: ``newsarchive`` (pipelines.commands) and the crawl's health
monitor use them.
"""
