"""News archiver: Scrapy spiders, article extraction and the record model."""
