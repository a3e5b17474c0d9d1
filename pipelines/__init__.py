"""The archive: where extracted records go, and how they are read back.

Write side: ``archive.py`` (the item pipeline), ``delivery.py`` (versions, retries, late delivery),
``spool.py`` (what waits on local disk while storage is down), ``state.py`` (article versions),
``url_index.py`` (when each URL was checked), ``inflight.py`` (records written ahead of their state).
Storage: ``stores.py`` (the interface, a local directory), ``s3.py`` (S3-compatible storage),
``keys.py`` (every key of the archive), ``files.py`` (files written whole).
Read side: ``cli.py`` (the ``newsarchive`` command), ``reader.py`` (queries), ``download.py``.
"""
