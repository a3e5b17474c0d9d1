"""What the tests share, none of it a test: servers on 127.0.0.1 (moto's S3 server, Redis, a faulty
proxy), local news sites, crawls run as a user runs them, records and archives to read, and checks
of WARC files. Fixtures that use them live in tests/conftest.py; no test module imports another.

    servers.py       moto's S3 server and the settings that point the project at it
    crawls.py        crawls and newsarchive in a subprocess; archives to crawl into and read back
    records.py       records and the archive pipeline, for tests that archive without a crawl
    sites.py         local sites of generated articles;  health_sites.py  three sites on three hosts
    extraction.py    pages with known answers for the extraction tests;  reading.py  newsarchive in-process
    frontier.py      a shared frontier to crawl: a 500-article site, seed and worker processes
    big_archive.py   an archive of many days, domains and versions, for the reading tests
    counting.py      a store that counts its requests;  faultproxy.py  storage that fails on cue
    redis_server.py  a real redis-server;  warcs.py  checks of WARC segments and their indexes
    end_to_end.py    newsarchive's every answer about an archive, to compare across compaction and runs
    replay.py        pywb replaying pages from WARC segments
    syndication.py   wire stories in six languages copied by outlets, for grouping stories
"""
