"""Downloader middlewares and the duplicate filter: what decides, before a page is parsed, whether it
is fetched at all (incremental state, private networks, download limits, duplicates)."""
