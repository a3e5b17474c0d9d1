"""The archive: where extracted records go, and how they are read back.

Layers, top to bottom (an import may only point down; the whole order, with crawler/, is in
crawler/__init__.py and checked by `make lint`):

    commands/     ``newsarchive``: one module per command, each with its options
    archive.py    the item pipeline;  extensions.py  the crawl's store and spool, URL index and
                  WARC capture (the only Scrapy glue here)
    read/         records, compacted days, raw pages, run manifests read back
    write/        versions, delivery, the spool, the URL index, in-flight notes, WARC segments, stories
    storage/      bytes under keys on a directory or a bucket; every key of the archive

storage/, write/ and read/ import no Scrapy component and no Twisted.
"""
