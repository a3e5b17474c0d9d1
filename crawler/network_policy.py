"""Refuse requests to private networks: for services that crawl URLs given by untrusted users.

A downloader middleware, first in the chain, so it sees every request: start URLs, links, feed and
sitemap entries, and each redirect target (Scrapy's RedirectMiddleware schedules a new request,
which comes through here again). The host is resolved (every address getaddrinfo gives) and the
request is refused when any address is not a public unicast one: loopback, private (RFC 1918,
IPv6 unique local), link-local (169.254.0.0/16 with the cloud metadata service 169.254.169.254,
fe80::/10), shared (100.64.0.0/10), unspecified, multicast or reserved, also written as an
IPv4-mapped IPv6 address. A refused page is counted under ``archive/skipped/private_network``.

Settings: URL_DENY_PRIVATE_NETWORKS (off by default: the local demo crawls 127.0.0.1),
URL_PRIVATE_NETWORKS_ALLOW (hosts exempt, as "name" or "name:port").

The check resolves the name itself; a name whose DNS answer changes between this check and the
download (DNS rebinding) is not covered: run such a service behind an egress firewall as well.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler import stats as names

logger = logging.getLogger(__name__)

REASON = "private_network"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_public(address: str) -> bool:
    """True for a global unicast address; False for anything a crawler must not be sent to."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone index
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None and not is_public(str(mapped)):
            return False
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (blocking: call it in a thread)."""
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


class PrivateNetworkMiddleware:
    def __init__(
        self, stats: Any, allow: Iterable[str] = (), resolver: Callable[[str, int], list[str]] = resolve
    ) -> None:
        self.stats = stats
        self.allow = {entry.strip().lower() for entry in allow if entry.strip()}
        self.resolver = resolver

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateNetworkMiddleware:
        if not crawler.settings.getbool("URL_DENY_PRIVATE_NETWORKS"):
            raise NotConfigured("URL_DENY_PRIVATE_NETWORKS is off")
        return cls(crawler.stats, crawler.settings.getlist("URL_PRIVATE_NETWORKS_ALLOW"))

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        host = (parts.hostname or "").rstrip(".")
        if not host:
            return  # not a network URL (data:, file: are refused by Scrapy's own handlers setting)
        try:
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
        except ValueError:
            port = 0
        if host in self.allow or f"{host}:{port}" in self.allow:
            return
        try:
            addresses = await maybe_deferred_to_future(deferToThread(self.resolver, host, port))
        except (OSError, UnicodeError):
            return  # unresolvable: the download fails and is counted as a download error
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            detail = f"{host} resolves to {', '.join(refused)}"
            names.count_skip(self.stats, logger, request.url, REASON, detail)
            raise IgnoreRequest(f"{REASON}: {host}")
