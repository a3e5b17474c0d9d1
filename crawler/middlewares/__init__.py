"""Downloader middlewares and the duplicate filter: what decides, before a page is parsed, whether it
is fetched at all (incremental state, private networks, download limits, duplicates), and when
(a site's Crawl-delay and pauses: politeness)."""
