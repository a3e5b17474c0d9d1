"""What a page is: an article, a listing, a consent or bot-check wall, a paywall teaser, an error page
served with 200, or another page; and the signals that said so.

Extraction no longer decides what is archived (crawler.admission does, by where the URL came from):
it names the page's kind, so that an article a user asked for is never lost to a rule meant for a
site crawl, and a wall is never archived as if it were the story. The walls (consent, challenge) and
error pages are told by what they say and how they are made, checked only on pages with little
text: a story with a comment form's CAPTCHA or a cookie banner is still a story. Word lists cover
the languages of the extraction's other lists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from crawler.extraction.markup import PARAGRAPH_CHARS, linked_chars, text_length, text_of
from crawler.extraction.metadata import PageMetadata
from crawler.record import ARTICLE, CHALLENGE, CONSENT, ERROR, LISTING, OTHER, PAYWALL
from crawler.urls import looks_like_listing, names_a_story
from crawler.wording import plural

# A wall or an error page says little: only pages with less text than this (in Latin-equivalent
# characters, crawler.extraction.markup.text_length) are checked for one.
WALL_CHARS = 2000
# A teaser shown before a subscription box is a paragraph or two: only so short a text is looked at
# for one (the box's words are searched in the whole page's text, the costliest test here).
TEASER_CHARS = 1200
# The text of a bot check or a script-only page: what "enable JavaScript" says there.
_WALL_LINE_CHARS = 600
# Prose enough for a short story in one or two paragraphs, on a page that says nothing about itself.
_MIN_STORY_CHARS = 400
# A sentence-long paragraph of a brief: three of them, _MIN_BRIEF_CHARS in all, make a declared, dated
# page an article although none reaches PARAGRAPH_CHARS.
_SHORT_PARAGRAPH_CHARS = 60
_MIN_BRIEF_CHARS = 240
# A page whose shown text is mostly its links' is a listing of them, whatever its paragraphs say.
_MAX_LINKED_SHARE = 0.5
# A page that is no article and links to this many stories is a listing of them.
_MIN_TEASERS = 4

# Bot checks: how Cloudflare, DataDome, PerimeterX, Akamai and CAPTCHA forms are made.
CHALLENGE_MARKUP = re.compile(
    r"_cf_chl_opt|cf-browser-verification|cf-chl-|cf-challenge|captcha-delivery\.com|px-captcha|"
    r"sec-if-cpt|ak-challenge",
    re.IGNORECASE,
)
CAPTCHA_WIDGET = re.compile(
    r"\b(?:h-captcha|g-recaptcha|cf-turnstile|frc-captcha)\b|recaptcha/api\.js|hcaptcha\.com|challenges\.cloudflare\.com"
)
# What a bot check or a script-only page says, in titles and text. These word lists are matched
# against lower-cased text: five times faster than IGNORECASE on a long page.
_CHALLENGE_WORDS = re.compile(
    r"just a moment|attention required|checking (?:your|if the site connection|the site connection)|"
    r"verify(?:ing)? (?:that )?you are (?:a )?human|are you a (?:robot|human)|i'?m not a robot|"
    r"press (?:&|and) hold|unusual traffic|access (?:to this page has been )?denied|pardon our interruption|"
    r"(?:enable|turn on|activate) javascript|javascript (?:is )?(?:required|disabled|must be enabled)|"
    r"requires javascript|robot check|bot (?:check|verification)|security check|ddos protection|"
    r"javascript (?:aktivieren|einschalten)|aktivieren sie javascript|activ(?:ez|er) (?:le )?javascript|"
    r"(?:habilit|activ)a(?:r)? (?:el )?javascript|(?:attiva|abilita)(?:re)? (?:il )?javascript|"
    r"schakel javascript in|włącz javascript|aktivera javascript|ative o javascript|"
    r"javascriptを有効|자바스크립트를 (?:활성화|사용)|请启用\s*javascript|請啟用\s*javascript"
)
# Consent walls: their address, and what they ask.
_CONSENT_URL = re.compile(
    r"(?:^|[./_-])(?:consent|cookies?|cookiewall|gdpr|privacy-?gate)(?:[./_?-]|$)", re.I
)
_CONSENT_WORDS = re.compile(
    r"before you continue|we value your privacy|we care about your privacy|your privacy choices|"
    r"cookie (?:settings|preferences|policy)|manage (?:cookies|preferences|options)|accept all|reject all|"
    r"accept (?:cookies|and continue)|we use cookies|use of cookies|consent|"
    r"alle akzeptieren|zustimmen|einwilligung|wir verwenden cookies|cookies (?:zulassen|akzeptieren)|"
    r"tout accepter|tout refuser|nous utilisons des cookies|consentement|accepter et (?:continuer|fermer)|"
    r"aceptar todo|rechazar todo|utilizamos cookies|consentimiento|accetta tutt[io]|rifiuta tutt[io]|"
    r"utilizziamo (?:i )?cookie|consenso|alles accepteren|alle cookies accepteren|wij gebruiken cookies|"
    r"toestemming|aceitar todos|usamos cookies|consentimento|zaakceptuj wszystk|akceptuję|"
    r"używamy (?:plików )?cookie|zgod[ay] na|godta alle|acceptera alla|vi använder cookies|samtycke|"
    r"クッキー|同意する|쿠키|동의합니다|接受所有|接受全部"
)
# Soft 404s: error pages served with 200 name the page (or the code) they could not find.
_ERROR_WORDS = re.compile(
    r"\b(?:404|410)\b|page (?:was )?not found|page (?:does not|doesn'?t) exist|"
    r"page (?:is )?no longer available|page you (?:requested|are looking for)|"
    r"seite (?:wurde )?nicht gefunden|seite existiert nicht|page introuvable|page n'existe (?:pas|plus)|"
    r"página no (?:encontrada|existe)|pagina non (?:trovata|esiste)|"
    r"pagina niet gevonden|página não (?:encontrada|existe)|strona nie (?:istnieje|została znaleziona)|"
    r"nie znaleziono strony|sidan (?:hittades inte|finns inte)|siden (?:finnes|findes) ikke|"
    r"ページが見つかりません|お探しのページ|페이지를 찾을 수 없|页面不存在|页面未找到|找不到页面|頁面不存在",
    re.IGNORECASE,
)
# Paywalls: how the subscription box is named, and what it says at the end of a teaser.
_PAYWALL_MARKUP = re.compile(
    r"""(?:class|id)=["'][^"']*\b(?:paywall|pay-wall|regwall|subscriber-only|subscribers-only|"""
    r"""premium-(?:wall|content|barrier)|piano-(?:offer|paywall)|tp-modal|meteredcontent|plus-teaser)\b""",
    re.IGNORECASE,
)
_PAYWALL_WORDS = re.compile(
    r"(?:subscribe|sign in|log in|register) to (?:continue|keep|read)|to continue reading|"
    r"continue reading with|"
    r"this (?:article|story|content) is (?:for|only available to|exclusive to) subscribers|"
    r"subscribers only|exclusive(?:ly)? for subscribers|unlock this (?:article|story)|"
    r"weiterlesen mit|nur für abonnenten|exklusiv für abonnenten|um (?:diesen artikel )?weiterzulesen|"
    r"réservé aux abonnés|article réservé|pour lire la suite|suscríbete para (?:seguir|continuar)|"
    r"exclusivo para suscriptores|contenido exclusivo para|abbonati per (?:continuare|leggere)|"
    r"riservato agli abbonati|articolo riservato|alleen voor abonnees|lees verder met|"
    r"assine para (?:continuar|ler)|exclusivo para assinantes|tylko dla (?:prenumeratorów|subskrybentów)|"
    r"dostępny dla (?:prenumeratorów|subskrybentów)|för prenumeranter|kun for abonnenter|"
    r"会員限定|有料会員|続きを読むには|유료 회원|구독자 전용"
)
_LISTING_TYPES = re.compile(r'"@type"\s*:\s*"(CollectionPage|ItemList|SearchResultsPage|ProfilePage)"', re.I)


@dataclass(frozen=True)
class PageKind:
    kind: str
    evidence: list[str]


@dataclass(frozen=True)
class Page:
    """What the classifier reads of one page."""

    tree: Any
    markup: str
    url: str
    headers: Mapping[str, str]
    metadata: PageMetadata
    blocks: list[str]  # the text extraction kept: the article's, else the page's visible text
    from_body: bool  # whether ``blocks`` are an article body (else the page's visible text)
    dated: bool  # whether the page gives a publication date of its own
    min_chars: int  # the prose a page that says nothing about itself needs to be an article

    @cached_property
    def shown(self) -> str:
        """All the text the page shows (its body's), lower-cased, read once."""
        body = self.tree.find("body")
        return text_of(body).lower() if body is not None else ""

    @cached_property
    def linked_share(self) -> float:
        """How much of the text the page shows is the text of its links, counted once."""
        body = self.tree.find("body")
        return linked_chars(body) / len(self.shown) if body is not None and self.shown else 0.0


def classify(page: Page) -> PageKind:
    """The page's kind and the signals that decided it, strongest first."""
    if page.headers.get("cf-mitigated", "").lower() == "challenge":
        return PageKind(CHALLENGE, ["cf-mitigated: challenge header"])
    text = "\n".join(page.blocks)
    length = text_length(text)
    article = _article_evidence(page, length) if page.from_body else None
    if length < WALL_CHARS:
        title = " ".join(filter(None, (page.metadata.title_tag, *page.metadata.headings[:1]))).lower()
        wall = _wall(page, title, article is not None)
        if wall is not None:
            return wall
        if length < TEASER_CHARS and (article is not None or not page.from_body):
            paywall = _paywall(page)
            if paywall:
                return PageKind(PAYWALL, paywall + (article or [])[:2])
    if article is not None:
        return PageKind(ARTICLE, article)
    return _not_an_article(page, length)


def _wall(page: Page, title: str, article: bool) -> PageKind | None:
    """A bot check, a consent interstitial or an error page, on a page with little text that is not
    article prose: the scripts of bot managers and the words of consent banners are on many real
    stories' pages too."""
    if article:
        return None
    evidence = []
    if marker := CHALLENGE_MARKUP.search(page.markup):
        evidence.append(f"bot check in the markup: {marker.group(0)}")
    # What the page shows, buttons included; a wall's own text is a line or two, and a longer page
    # may carry such a line in a noscript.
    shown = page.shown
    short = text_length(shown) < _WALL_LINE_CHARS
    said = _CHALLENGE_WORDS.search(title) or (short and _CHALLENGE_WORDS.search(shown))
    if said:
        evidence.append(f"says {said.group(0).lower()!r}")
    if evidence:
        if CAPTCHA_WIDGET.search(page.markup):
            evidence.append("CAPTCHA form")
        return PageKind(CHALLENGE, evidence)
    asked = sorted({m.group(0).lower() for m in _CONSENT_WORDS.finditer(f"{title}\n{shown}")})
    at_consent_url = bool(_CONSENT_URL.search(_host_and_path(page.url)))
    if asked and (at_consent_url or len(asked) >= 2):
        evidence = [f"asks for consent: {', '.join(asked[:3])}"]
        return PageKind(CONSENT, evidence + ["consent URL"] * at_consent_url)
    if not page.metadata.jsonld and (found := _ERROR_WORDS.search(title)):
        return PageKind(ERROR, [f"title says {found.group(0)!r}"])
    return None


def _paywall(page: Page) -> list[str]:
    """Why a short text is a teaser behind a subscription box; empty when it is not.

    The page's own flag (JSON-LD ``isAccessibleForFree``) or the box's words that the story goes on
    for subscribers decide; a box named "paywall" alone does not: many free stories end with an
    invitation to subscribe.
    """
    evidence = []
    if any(_free(obj) is False for obj in page.metadata.jsonld):
        evidence.append("json-ld isAccessibleForFree false")
    if said := _PAYWALL_WORDS.search(page.shown):
        evidence.append(f"says {said.group(0).lower()!r}")
    if evidence and (found := _PAYWALL_MARKUP.search(page.markup)):
        evidence.append(f"subscription box in the markup: {found.group(0).split('=', 1)[1][1:40]}")
    return evidence


def _free(obj: dict[str, Any]) -> bool | None:
    """What a JSON-LD object says of being free to read (its own flag, or a part's)."""
    values = [obj.get("isAccessibleForFree")]
    parts = obj.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict):
            values.append(part.get("isAccessibleForFree"))
    for value in values:
        if value is False or str(value).lower() == "false":
            return False
    return None


def _article_evidence(page: Page, length: int) -> list[str] | None:
    """Why the body is article prose (not teasers or navigation trafilatura returned); None if it is not.

    The page's own declaration (JSON-LD type, og:type article) and a publication date count for
    most: then one paragraph of prose, or one list item that is (a listicle's), is enough. A page
    that declares another type (website, video.other, profile) needs prose to dominate, in three
    paragraphs or in one or two on a URL that names a story; a page that says nothing about itself
    needs prose to dominate, ``min_chars`` of it, on a URL that is not a listing's.
    """
    blocks, metadata = page.blocks, page.metadata
    paragraphs = [b for b in blocks if not b.startswith("- ")]
    items = [line.lstrip()[2:] for b in blocks if b.startswith("- ") for line in b.splitlines()]
    prose = [b for b in paragraphs if text_length(b) >= PARAGRAPH_CHARS]
    prose_items = [t for t in items if text_length(t) >= PARAGRAPH_CHARS]
    og_type = (metadata.first("og:type") or "").lower()
    declared = [f"json-ld {_type_name(metadata.jsonld[0])}"] if metadata.jsonld else []
    if og_type == "article":
        declared.append("og:type article")
    if not prose and not prose_items:
        # A brief told in short paragraphs (one sentence each, as wires write them): an article when
        # the page declares itself one and is dated.
        short = [b for b in paragraphs if text_length(b) >= _SHORT_PARAGRAPH_CHARS]
        if not (declared and page.dated and len(short) >= 3):
            return None
        if sum(map(text_length, short)) < _MIN_BRIEF_CHARS:
            return None
        return [*declared, "published date", f"{plural(len(short), 'short paragraph')}"]
    said = (
        f"{plural(len(prose), 'paragraph')} of prose"
        if prose
        else f"{plural(len(prose_items), 'list item')} of prose"
    )
    if page.dated:
        declared.append("published date")
    if declared:
        return [*declared, said]
    prose_chars = sum(map(text_length, prose))
    share = prose_chars / max(1, length)
    listing = looks_like_listing(page.url) or page.linked_share >= _MAX_LINKED_SHARE
    if og_type:  # website, video.other, profile: the page says what it is
        enough = len(prose) >= 3 or (prose_chars >= _MIN_STORY_CHARS and not listing)
        if enough and share >= 0.6:
            return [f"og:type {og_type}", said, f"{share:.0%} prose"]
        return None
    if share >= 0.5 and not listing and length >= page.min_chars:
        return [said, f"{share:.0%} prose"]
    return None


def _not_an_article(page: Page, length: int) -> PageKind:
    """A listing (front, section, tag or search page), else another page."""
    evidence = []
    if looks_like_listing(page.url):
        evidence.append("URL names a section")
    if found := _LISTING_TYPES.search(page.markup):
        evidence.append(f"json-ld {found.group(1)}")
    linked = page.linked_share
    if linked >= _MAX_LINKED_SHARE:
        evidence.append(f"{linked:.0%} of the text is links")
    stories = {href for href in page.tree.xpath("//body//a/@href") if names_a_story(href)}
    if len(stories) >= _MIN_TEASERS:
        evidence.append(f"links to {len(stories)} stories")
    if evidence:
        return PageKind(LISTING, evidence)
    prose = sum(text_length(b) for b in page.blocks if text_length(b) >= PARAGRAPH_CHARS)
    return PageKind(OTHER, [f"{length} characters of text, {prose} of them prose"])


def _type_name(obj: dict[str, Any]) -> str:
    value = obj.get("@type")
    return str(value[0] if isinstance(value, list) and value else value)


def _found(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group(0) if match else ""


def _host_and_path(url: str) -> str:
    return url.split("://", 1)[-1].split("#", 1)[0]
