"""Refuse requests to private networks: for services that crawl URLs given by untrusted users.

A downloader middleware, first in the chain, so it sees every request: start URLs, links, feed and
sitemap entries, and each redirect target (Scrapy's RedirectMiddleware schedules a new request,
which comes through here again). The host is resolved (every address getaddrinfo gives) and the
request is refused when any address is not a public unicast one: loopback, private (RFC 1918,
IPv6 unique local), link-local (169.254.0.0/16 with the cloud metadata service 169.254.169.254,
fe80::/10), shared (100.64.0.0/10), unspecified, multicast or reserved, also written as an
IPv4-mapped IPv6 address. A refused page is counted under ``archive/skipped/private_network``.

The middleware resolves the name itself, so a name whose DNS answer changes between its check and
the download (DNS rebinding) would get through. PublicAddressResolver, the crawl's resolver
(TWISTED_DNS_RESOLVER), closes that gap: it checks the address the download connects to and refuses
it when it is not public. The download then fails as a DNS lookup error, which
RefusedAddressMiddleware counts as ``private_network`` too.

Settings: URL_DENY_PRIVATE_NETWORKS (off by default: the local demo crawls 127.0.0.1),
URL_PRIVATE_NETWORKS_ALLOW (hosts exempt, as "name" or "name:port"), TWISTED_DNS_RESOLVER (must stay
PublicAddressResolver, or a subclass, while URL_DENY_PRIVATE_NETWORKS is on).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, NotConfigured
from scrapy.resolver import CachingThreadedResolver
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.threads import deferToThread

from crawler import config
from crawler import stats as names
from crawler.errors import SettingError
from crawler.stats import Stats

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


def _allowed(entries: Iterable[str]) -> set[str]:
    return {entry.strip().lower() for entry in entries if entry.strip()}


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's default resolver (cached, IPv4, DNS_TIMEOUT) which, with URL_DENY_PRIVATE_NETWORKS,
    fails a lookup whose answer is not a public address, except for hosts allowed by name.

    Scrapy's crawler process builds it from the settings, once per process. The names it refused stay
    in ``refused`` (bounded), where RefusedAddressMiddleware finds the reason for the failed download.
    """

    refused_max = 10_000

    def __init__(self, reactor: Any, cache_size: int, timeout: float) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.deny = False
        self.allow: set[str] = set()
        self.refused: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> PublicAddressResolver:
        resolver = super().from_crawler(crawler, reactor)  # Scrapy's cache and timeout settings
        resolver.deny = config.boolean(crawler.settings, "URL_DENY_PRIVATE_NETWORKS")
        # An allowed "name:port" allows the name here; the middleware checks the port.
        allow = _allowed(crawler.settings.getlist("URL_PRIVATE_NETWORKS_ALLOW"))
        resolver.allow = {entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry for entry in allow}
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Deferred[str]:
        found: Deferred[str] = super().getHostByName(name, timeout)
        if self.deny and name.lower().rstrip(".") not in self.allow:
            found.addCallback(self._public_only, name)
        return found

    def _public_only(self, address: str, name: str) -> str:
        if is_public(address):
            return address
        if len(self.refused) >= self.refused_max:
            self.refused.clear()
        self.refused[name.lower().rstrip(".")] = address
        raise DNSLookupError(f"{name} resolves to {address}, not a public address")


def installed_resolver(settings: BaseSettings) -> str:
    """The setting naming the resolver Scrapy's crawler process installs: TWISTED_DNS_RESOLVER, or
    the deprecated DNS_RESOLVER when that is set at a priority at least as high."""
    dns = settings.getpriority("DNS_RESOLVER") or 0
    if dns > SETTINGS_PRIORITIES["default"] and dns >= (settings.getpriority("TWISTED_DNS_RESOLVER") or 0):
        return "DNS_RESOLVER"
    return "TWISTED_DNS_RESOLVER"


class PrivateNetworkMiddleware:
    def __init__(
        self, stats: Stats, allow: Iterable[str] = (), resolver: Callable[[str, int], list[str]] = resolve
    ) -> None:
        self.stats = stats
        self.allow = _allowed(allow)
        self.resolver = resolver

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkMiddleware:
        settings = crawler.settings
        if not config.boolean(settings, "URL_DENY_PRIVATE_NETWORKS"):
            raise NotConfigured  # no message: Scrapy would log a WARNING for a feature merely off
        setting = installed_resolver(settings)
        if not issubclass(load_object(settings.get(setting)), PublicAddressResolver):
            raise SettingError(
                f"{setting}={settings.get(setting)!r}: URL_DENY_PRIVATE_NETWORKS needs "
                "crawler.middlewares.network_policy.PublicAddressResolver (or a subclass)"
            )
        return cls(crawler.stats, settings.getlist("URL_PRIVATE_NETWORKS_ALLOW"))

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
            raise names.refuse_request(self.stats, logger, request, REASON, detail)


class RefusedAddressMiddleware:
    """Names a download that PublicAddressResolver refused: the name answered differently to
    PrivateNetworkMiddleware's check (DNS rebinding), or the check was skipped for a name it allows.

    Next to the downloader, so it sees the failure before RetryMiddleware retries a refused lookup
    as a DNS error and logs it as one.
    """

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefusedAddressMiddleware:
        if not config.boolean(crawler.settings, "URL_DENY_PRIVATE_NETWORKS"):
            raise NotConfigured  # no message: Scrapy would log a WARNING for a feature merely off
        return cls(crawler.stats)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):  # Scrapy's, Twisted's
            return
        from twisted.internet import reactor

        host = (urlsplit(request.url).hostname or "").rstrip(".")
        address = getattr(getattr(reactor, "resolver", None), "refused", {}).get(host)
        if address is None:
            return
        detail = f"{host} resolves to {address} at download time"
        raise names.refuse_request(self.stats, logger, request, REASON, detail)
