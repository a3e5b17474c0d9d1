"""Scrapy commands of the project (COMMANDS_MODULE): ours replace Scrapy's of the same name."""
