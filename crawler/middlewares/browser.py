"""Pages that need a browser: opt-in JavaScript rendering (ARCHIVE_RENDER) on the system's Chromium,
through scrapy-playwright's download handler.

A page is always fetched as HTML first, as every page is, and kept as it came. Only when
``RenderSettings.why`` says so (ARCHIVE_RENDER=auto and the page is an app shell,
crawler.extraction.shells; ARCHIVE_RENDER=always; a domain of ARCHIVE_RENDER_DOMAINS) does the spider
ask for it once more, with meta ``RENDER``. That request goes through scrapy-playwright to the
browser, but the browser never reaches the network itself:

- the page's own document is served to it from the response already fetched (no second request to
  the site, and the browser runs exactly what the archive holds);
- every other request the page makes (scripts, XHR and fetch calls, frames, redirects, one at a
  time) is handed to Scrapy's engine and goes through the crawl's downloader middlewares like any
  request of the crawl: the private-network policy, robots.txt, the domain's pace, the download
  limits. What they refuse is counted (``archive/render/refused/<reason>``) and the browser gets an
  error instead; what they fetch is given to the browser and kept for the page's WARC records;
- images, media and fonts are not loaded; service workers are blocked; and Chromium is started with
  a proxy that does not exist, so that anything a page could send past the routing (a WebSocket)
  goes nowhere.

The browser is bounded: at most ARCHIVE_RENDER_MAX_PAGES pages at once (Scrapy's download slot
``browser``), one context per domain (the least recently used closed beyond that many), a time limit
per page (ARCHIVE_RENDER_TIMEOUT), and a fresh browser after ARCHIVE_RENDER_RESTART_AFTER pages.
A browser that crashes or is killed is launched again by scrapy-playwright; each page that was in
it is rendered once more, and a page that fails twice is counted (``render_failed``), never dropped
silently.

Playwright is imported only when rendering is on: Scrapy imports this module to build the
middleware, which is not configured when ARCHIVE_RENDER=off.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import shutil
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler import config
from crawler import stats as names
from crawler.assemble import Fetch
from crawler.errors import SettingError
from crawler.extraction import Article, Rejection
from crawler.middlewares.exchange import RECEIVED, exchange_of
from crawler.middlewares.incremental import ARTICLE
from crawler.record import CaptureRef, now_utc
from crawler.urls import domain_of
from crawler.warc import Exchange

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Route
    from playwright.async_api import Request as BrowserRequest

logger = logging.getLogger(__name__)

OFF, AUTO, ALWAYS = "off", "auto", "always"
RENDER = "archive_render"  # request meta: the Rendering of the page to render
REQUESTS = "archive_render_requests"  # request meta: the exchanges the page's scripts made
SLOT = "browser"  # the download slot of the pages rendered: ARCHIVE_RENDER_MAX_PAGES at once
# Added to a page's priority when it goes to the browser (Scrapy serves higher priorities first).
RENDER_PRIORITY = 100
# Rejections a browser can help: a shell its scripts fill, a page whose text they write.
_RENDERABLE = {"app_shell", "no_text"}
# Chromium as the system's package manager installs it, under its usual names.
BROWSERS = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# What a page may ask for and is never loaded: the text does not need it.
BLOCKED_TYPES = {"image", "media", "font"}
# No request leaves Chromium but through the routing: the proxy is the discard port, and loopback
# addresses, which Chromium would reach directly, go to it too.
LAUNCH_ARGS = [
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--mute-audio",
]
# The meta of the HTML's request that the render request does not take over.
_NOT_CARRIED = {ARTICLE, RECEIVED, "download_latency", "download_slot", "retry_times"}
# Each site's browser context: no service worker (its requests would not be routed), no download.
CONTEXT_OPTIONS = {"service_workers": "block", "accept_downloads": False}
_ADMITTED = "archive_render_admitted"  # request meta: the page has its place in the browser
# A page has fetched what its scripts fetch once nothing has been routed for this long.
QUIET_SECONDS = 0.25
# Whether the page's DOM changes within the given milliseconds (a script still writing it).
_DOM_CHANGES = """(ms) => new Promise((resolve) => {
  let changed = false;
  const observer = new MutationObserver(() => { changed = true; });
  observer.observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  setTimeout(() => { observer.disconnect(); resolve(changed); }, ms);
})"""
# Headers the crawl sets itself for a request the page makes (its user agent, its cookies, the
# encodings it decodes), and headers that describe the bytes on the wire, not the body given back.
_OWN_HEADERS = {"user-agent", "cookie", "accept-encoding", "host", "content-length", "connection"}
_WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class RenderSettings:
    """ARCHIVE_RENDER and its companions, checked before the crawl starts."""

    mode: str
    domains: frozenset[str]
    max_pages: int
    timeout: float
    restart_after: int
    browser: str  # the Chromium executable; empty when rendering is off

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RenderSettings:
        mode = (settings.get("ARCHIVE_RENDER") or OFF).strip().lower()
        if mode not in (OFF, AUTO, ALWAYS):
            raise config.invalid(settings, "ARCHIVE_RENDER", "must be off, auto or always")
        domains = frozenset(
            domain.strip().lower() for domain in settings.getlist("ARCHIVE_RENDER_DOMAINS") if domain.strip()
        )
        if domains and mode == OFF:
            raise config.invalid(settings, "ARCHIVE_RENDER_DOMAINS", "needs ARCHIVE_RENDER=auto or always")
        return cls(
            mode=mode,
            domains=domains,
            max_pages=config.integer(settings, "ARCHIVE_RENDER_MAX_PAGES", minimum=1),
            timeout=config.seconds(settings, "ARCHIVE_RENDER_TIMEOUT"),
            restart_after=config.integer(settings, "ARCHIVE_RENDER_RESTART_AFTER", minimum=1),
            browser=_browser(settings, mode) if mode != OFF else "",
        )

    def why(self, url: str, result: Article | Rejection) -> str | None:
        """Why the page is rendered in the browser after its HTML gave ``result``; None if it is not."""
        if self.mode == OFF or (isinstance(result, Rejection) and result.reason not in _RENDERABLE):
            return None
        if self.mode == ALWAYS:
            return ALWAYS
        host = domain_of(url)
        if any(host == domain or host.endswith(f".{domain}") for domain in self.domains):
            return "domain"
        if isinstance(result, Rejection) and result.reason == "app_shell":
            return f"{AUTO}: app shell ({result.detail})"
        return None


def _browser(settings: BaseSettings, mode: str) -> str:
    if importlib.util.find_spec("scrapy_playwright") is None:
        raise SettingError(
            f"ARCHIVE_RENDER={mode!r}: scrapy-playwright is not installed (make venv installs it)"
        )
    named = (settings.get("ARCHIVE_RENDER_BROWSER") or "").strip()
    if named:
        found = shutil.which(named)
        if found is None or not os.access(found, os.X_OK):
            raise config.invalid(settings, "ARCHIVE_RENDER_BROWSER", "no such executable")
        return found
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    raise SettingError(
        f"ARCHIVE_RENDER={mode!r}: no Chromium found ({', '.join(BROWSERS)}); install the system's"
        " (apt-get install chromium) or name it in ARCHIVE_RENDER_BROWSER"
    )


@dataclass(frozen=True)
class Rendering:
    """A page to render, as its HTML was fetched: what the browser is served, what the record says."""

    page: Exchange  # the response as fetched: served to the browser as the page's document
    fetch: Fetch  # how it was fetched, for its record
    capture: CaptureRef | None  # its WARC response record, which the rendered DOM is a conversion of
    why: str  # RenderSettings.why: in the record's sources and the stats
    attempt: int = 1


def render_request(
    rendering: Rendering, callback: Any, errback: Any, meta: dict[str, Any], priority: int = 0
) -> Request:
    """The request that renders ``rendering`` in the browser; ``meta`` and ``priority`` are those of
    the page's request.

    It goes before the crawl's other requests: a page waiting for the browser holds its HTML, so
    they are rendered as they come, and a crawl of app shells is slowed to the browser's pace instead
    of piling them up in memory."""
    domain = domain_of(rendering.page.url)
    # Not an article request any more (its URL was checked and fetched), nor its download's figures.
    carried = {key: value for key, value in meta.items() if key not in _NOT_CARRIED}
    meta = {
        **carried,
        RENDER: rendering,
        "playwright": True,
        "playwright_context": domain,
        "playwright_context_kwargs": CONTEXT_OPTIONS,
        "download_slot": SLOT,
    }
    return Request(
        rendering.page.url,
        callback=callback,
        errback=errback,
        meta=meta,
        priority=priority + RENDER_PRIORITY,
        dont_filter=True,
    )


class BrowserAddon:
    """Scrapy add-on (ADDONS): with ARCHIVE_RENDER on, downloads go through scrapy-playwright's
    handler (a request without meta ``playwright`` is downloaded by Scrapy's own, as before), on the
    system's Chromium. With it off, nothing is changed and nothing of Playwright is imported."""

    def update_settings(self, settings: BaseSettings) -> None:
        render = RenderSettings.from_settings(settings)
        if render.mode == OFF:
            return
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        handlers = {**settings.getdict("DOWNLOAD_HANDLERS"), "http": handler, "https": handler}
        slots = {**settings.getdict("DOWNLOAD_SLOTS"), SLOT: {"concurrency": render.max_pages, "delay": 0}}
        launch = {
            "executable_path": render.browser,
            "headless": True,
            "args": LAUNCH_ARGS,
            "timeout": render.timeout * 1000,
        }
        for name, value in (
            ("DOWNLOAD_HANDLERS", handlers),
            ("DOWNLOAD_SLOTS", slots),
            ("PLAYWRIGHT_BROWSER_TYPE", "chromium"),
            ("PLAYWRIGHT_LAUNCH_OPTIONS", launch),
            ("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", render.max_pages),
            ("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", render.timeout * 1000),
        ):
            settings.set(name, value, priority="addon")


class BrowserMiddleware:
    """Bounds the browser and routes what its pages ask for through the crawl (see the module).

    Next to the downloader (DOWNLOADER_MIDDLEWARES 995): a page waits here for its place, when the
    browser is due to be restarted, only once every other middleware has let it through.
    """

    def __init__(self, crawler: Crawler, render: RenderSettings) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.render = render
        self.in_flight = 0
        self.idle = asyncio.Event()
        self.idle.set()
        self.gate = asyncio.Lock()
        self.places = asyncio.Semaphore(render.max_pages)
        self.pages_on_browser = 0  # pages admitted since the browser was (re)started
        self.browser: Browser | None = None
        self.closing: set[int] = set()  # ids of the browsers closed on purpose (restarts)
        self.contexts: OrderedDict[str, BrowserContext] = OrderedDict()  # by domain, least recent first

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserMiddleware:
        render = RenderSettings.from_settings(crawler.settings)
        if render.mode == OFF:
            raise NotConfigured  # no message: Scrapy would log a WARNING for a feature merely off
        return cls(crawler, render)

    async def process_request(self, request: Request) -> None:
        if RENDER not in request.meta:
            return
        await self._admit()
        request.meta[_ADMITTED] = True
        request.meta["playwright_page_init_callback"] = self._prepare

    async def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.pop(_ADMITTED, False):
            self.stats.inc_value(names.RENDER_PAGES)
            await self._release()
        return response

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if RENDER not in request.meta:
            return None
        if request.meta.pop(_ADMITTED, False):  # not when a middleware before this one refused it
            await self._release()
        rendering: Rendering = request.meta[RENDER]
        if rendering.attempt > 1 or isinstance(exception, IgnoreRequest):
            return None  # to the spider's errback, which counts it as render_failed
        self.stats.inc_value(names.RENDER_RETRIED)
        logger.info("Rendering %s failed (%s), rendering it once more", request.url, _said(exception))
        meta = {
            key: value
            for key, value in request.meta.items()
            if not key.startswith("playwright_page") and key != REQUESTS
        }
        meta[RENDER] = replace(rendering, attempt=rendering.attempt + 1)
        return request.replace(meta=meta, dont_filter=True)

    # --- the browser --------------------------------------------------------------------------

    async def _admit(self) -> None:
        """A page's place in the browser (Scrapy's middlewares run before its slot queues the
        request: the slot alone would not bound them); a restart, when due, waits for the pages in
        it to finish."""
        async with self.gate:
            await self.places.acquire()
            if self.pages_on_browser >= self.render.restart_after and self.browser is not None:
                await self.idle.wait()
                await self._restart()
            self.in_flight += 1
            self.pages_on_browser += 1
            self.idle.clear()

    async def _release(self) -> None:
        self.places.release()
        self.in_flight -= 1
        if self.in_flight == 0:
            self.idle.set()
        await self._close_idle_contexts()

    async def _restart(self) -> None:
        browser, self.browser = self.browser, None
        assert browser is not None
        self.contexts.clear()
        self.pages_on_browser = 0
        self.closing.add(id(browser))
        self.stats.inc_value(names.BROWSER_RESTARTS)
        logger.info(
            "Restarting the browser after %d pages (ARCHIVE_RENDER_RESTART_AFTER)", self.render.restart_after
        )
        await browser.close()
        # scrapy-playwright forgets the browser in its own "disconnected" handler, which runs as a
        # task of its own: let it run before the next page asks for a browser.
        for _ in range(10):
            await asyncio.sleep(0)

    async def _close_idle_contexts(self) -> None:
        """One context per domain, at most ARCHIVE_RENDER_MAX_PAGES of them kept open."""
        while len(self.contexts) > self.render.max_pages:
            domain, context = next(
                ((domain, context) for domain, context in self.contexts.items() if not context.pages),
                (None, None),
            )
            if domain is None or context is None:
                return
            del self.contexts[domain]
            try:
                await context.close()
            except Exception as exc:  # a context of a browser that went away
                logger.debug("Closing the browser context of %s: %s", domain, exc)

    def _disconnected(self, browser: Browser) -> None:
        if id(browser) in self.closing:
            self.closing.discard(id(browser))
            return
        if self.in_flight == 0:
            return  # closed with the crawl, or gone with no page in it: the next page launches another
        self.stats.inc_value(names.BROWSER_CRASHES)
        logger.warning("The browser exited unasked: the pages in it are rendered once more")
        if self.browser is browser:
            self.browser = None
            self.contexts.clear()

    async def _prepare(self, page: Page, request: Request) -> None:
        """scrapy-playwright's page init callback: every request of the page is routed here."""
        browser = page.context.browser
        if browser is not None and browser is not self.browser:
            self.browser = browser
            self.stats.inc_value(names.BROWSER_LAUNCHES)
            browser.on("disconnected", self._disconnected)
        if REQUESTS in request.meta:  # scrapy-playwright opens a new page when the last one's browser is gone
            self.stats.inc_value(names.RENDER_RETRIED)
        request.meta[REQUESTS] = []
        domain = request.meta["playwright_context"]
        self.contexts[domain] = page.context
        self.contexts.move_to_end(domain)
        routes = PageRoutes(self.crawler, request, self.render.timeout)
        await page.route("**/*", routes.handle)
        from scrapy_playwright.page import PageMethod

        request.meta["playwright_page_methods"] = [PageMethod(routes.settle)]


class PageRoutes:
    """What one page in the browser asks for, answered through the crawl."""

    def __init__(self, crawler: Crawler, request: Request, timeout: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.rendering: Rendering = request.meta[RENDER]
        self.exchanges: list[Exchange] = request.meta[REQUESTS]
        self.timeout = timeout
        self.served = False
        self.pending = 0
        self.loop = asyncio.get_running_loop()
        self.last = self.loop.time()

    async def handle(self, route: Route, asked: BrowserRequest) -> None:
        from playwright.async_api import Error as PlaywrightError

        self.pending += 1  # until the browser has the answer
        try:
            await self._answer(route, asked)
        except PlaywrightError as exc:  # the page was closed meanwhile (its time was up, a crash)
            logger.debug("Routing %s of %s: %s", asked.url, self.rendering.page.url, exc)
        finally:
            self.pending -= 1
            self.last = self.loop.time()

    async def _answer(self, route: Route, asked: BrowserRequest) -> None:
        page = self.rendering.page
        if not self.served and asked.is_navigation_request() and _same(asked.url, page.url):
            self.served = True
            await route.fulfill(status=page.status, headers=_given(page.response_headers), body=page.body)
            return
        if asked.resource_type in BLOCKED_TYPES or urlsplit(asked.url).scheme not in ("http", "https"):
            self.stats.inc_value(names.render_blocked(asked.resource_type))
            await route.abort("blockedbyclient")
            return
        headers = {
            name: value for name, value in (await asked.all_headers()).items() if name not in _OWN_HEADERS
        }
        request = Request(
            asked.url,
            method=asked.method,
            headers=headers,
            body=asked.post_data_buffer or b"",
            meta={names.BROWSER_REQUEST: page.url, "dont_redirect": True, "handle_httpstatus_all": True},
            dont_filter=True,
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as exc:
            reason = _reason(exc)
            self.stats.inc_value(names.render_refused(reason))
            logger.info("Refused %s, asked for by the page %s: %s", asked.url, page.url, exc)
            await route.abort("blockedbyclient")
            return
        except Exception as exc:  # a failed download is the page's, not the crawl's
            self.stats.inc_value(names.render_refused("download_error"))
            logger.info("Could not fetch %s for the page %s: %s", asked.url, page.url, _said(exc))
            await route.abort("failed")
            return
        self.stats.inc_value(names.RENDER_REQUESTS)
        self.exchanges.append(exchange_of(response, now_utc(), request))
        answer = [(name, value) for name, value in _pairs(response) if name.lower() not in _WIRE_HEADERS]
        await route.fulfill(status=response.status, headers=_given(answer), body=response.body)

    async def settle(self, page: Page) -> None:
        """Wait (a PageMethod, after the page loaded) until its scripts are done, within the page's
        time limit: nothing routed for QUIET_SECONDS, then no change to the DOM for as long."""
        deadline = self.loop.time() + self.timeout
        while self.loop.time() < deadline and not page.is_closed():
            if self.pending == 0 and self.loop.time() - self.last >= QUIET_SECONDS:
                changed = await page.evaluate(_DOM_CHANGES, int(QUIET_SECONDS * 1000))
                if not changed and self.pending == 0:
                    return
            else:
                await asyncio.sleep(QUIET_SECONDS / 5)


def _same(asked: str, url: str) -> bool:
    return asked.split("#", 1)[0].rstrip("/") == url.split("#", 1)[0].rstrip("/")


def _pairs(response: Response) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        for value in values
    ]


def _given(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Headers as Playwright takes them: one value per name (a repeated one joined, as HTTP allows)."""
    given: dict[str, str] = {}
    for name, value in headers:
        if name.lower() in _WIRE_HEADERS:
            continue
        given[name] = f"{given[name]}, {value}" if name in given else value
    return given


def _reason(refused: IgnoreRequest) -> str:
    """The reason a middleware gave: ``reason: detail`` (crawler.stats.refuse_request), robots.txt's."""
    said = str(refused)
    if "robots.txt" in said:
        return "robots_txt"
    head, _, rest = said.partition(": ")
    return head if rest and head.replace("_", "").isalnum() else "refused"


def _said(exception: BaseException) -> str:
    return f"{type(exception).__name__}: {str(exception).splitlines()[0] if str(exception) else ''}"[:200]
