"""The project's spiders: ``article`` archives given URLs; ``feed``, ``sitemap`` and ``site`` discover
them (``discovery.py`` is what the feed and sitemap spiders share, ``sources.py`` the parsers of feeds,
sitemaps and robots.txt they use); ``revisit`` fetches archived articles again as they come due. All
archive through ``base.ArchiveSpider``."""
