"""App shells: pages whose article a script fetches and writes after they load.

A single-page application serves the same few hundred bytes for every URL: a mount point (``<div
id="root">``, ``<div id="__next">``, ``<app-root>``) left empty, the framework's state in a script
(``__NEXT_DATA__`` without the story's body, ``window.__NUXT__``), a ``<noscript>`` asking for
JavaScript. Read as HTML it has no article, and nothing else can be made of it without a browser
(crawler.middlewares.browser renders it when ARCHIVE_RENDER allows).

Only a page that gave no article is checked, and only its own shown text decides "empty": a bot
check says "enable JavaScript" too, and stays a challenge when its markup names a bot manager or a
CAPTCHA.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.extraction.kinds import CAPTCHA_WIDGET, CHALLENGE_MARKUP
from crawler.extraction.markup import text_length
from crawler.wording import plural

# A page that shows more text than this renders server-side, whatever its scripts do.
SHELL_CHARS = 1500
# A page with no empty mount point shows at most a line or two of its own.
_BARE_CHARS = 200
# A mount point holding no more than a "Loading..." line or a skeleton's labels is empty.
_MOUNT_CHARS = 80
# The ids React, Next.js, Nuxt, Gatsby, Vue, Svelte(Kit) and Angular apps mount on, by convention.
_MOUNT_IDS = re.compile(
    r"^(?:root|app|app-root|__next|__nuxt|___gatsby|svelte|sveltekit|main-app|application|react-root|spa-root)$",
    re.IGNORECASE,
)
# Attributes the frameworks write on their mount point.
_MOUNT_ATTRIBUTES = ("data-reactroot", "ng-version", "data-v-app", "data-server-rendered")
# Framework state serialised into the page: the data the app renders from.
_STATE_IDS = {"__NEXT_DATA__", "__NUXT_DATA__", "__remix-context", "__APOLLO_STATE__"}
_STATE_WORDS = re.compile(
    r"window\.(?:__NUXT__|__INITIAL_STATE__|__PRELOADED_STATE__|__APOLLO_STATE__|__remixContext|"
    r"__INITIAL_DATA__|__APP_STATE__)\b|self\.__next_f\b"
)
# What a script-only page says in its <noscript>, in the languages of the extraction's word lists.
_NEEDS_SCRIPT = re.compile(
    r"(?:enable|turn on|activate|allow) javascript|"
    r"javascript (?:is )?(?:required|disabled|must be enabled|is needed)|"
    r"requires javascript|needs javascript|need to enable javascript|"
    r"javascript (?:aktivieren|einschalten)|aktivieren sie javascript|activ(?:ez|er) (?:le )?javascript|"
    r"(?:habilit|activ)a(?:r)? (?:el )?javascript|(?:attiva|abilita)(?:re)? (?:il )?javascript|"
    r"schakel javascript in|włącz javascript|aktivera javascript|ative o javascript|"
    r"javascriptを有効|자바스크립트를 (?:활성화|사용)|请启用\s*javascript|請啟用\s*javascript"
)
# Elements whose text is never shown as the page's.
_UNSHOWN = {"script", "style", "noscript", "template", "head", "title"}


def app_shell(tree: Any, markup: str) -> list[str]:
    """The signals that the page is an app shell, strongest first; empty when it is not one.

    Call it only for a page that gave no article (no text, or another kind than article, paywall,
    listing, consent or error).
    """
    if CHALLENGE_MARKUP.search(markup) or CAPTCHA_WIDGET.search(markup):
        return []  # a bot check, which a browser would not pass either
    body = tree.find("body")
    if body is None:
        return []
    shown = _shown_text(body)
    if text_length(shown) > SHELL_CHARS:
        return []
    signals = []
    mount = _empty_mount_point(body)
    if mount:
        signals.append(f"empty mount point {mount}")
    for noscript in body.iter("noscript"):
        said = _NEEDS_SCRIPT.search(" ".join(noscript.text_content().split()).lower())
        if said:
            signals.append(f"noscript says {said.group(0)!r}")
            break
    state = _framework_state(tree)
    if state:
        signals.append(f"framework state {state}")
    # Without an empty mount point, a page is a shell only when it shows next to nothing: a rendered
    # page keeps its noscript and its framework state.
    if not signals or (not mount and text_length(shown) > _BARE_CHARS):
        return []
    scripts = len(tree.xpath("//script[@src]"))
    return [*signals, f"{plural(scripts, 'script')}, {plural(len(shown), 'character')} of text"]


def _shown_text(element: Any) -> str:
    """The text the element shows: scripts, styles, templates and noscripts left out."""
    parts: list[str] = []
    _gather(element, parts)
    return " ".join(" ".join(parts).split())


def _gather(element: Any, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _UNSHOWN:
            _gather(child, parts)
        if child.tail:
            parts.append(child.tail)


def _empty_mount_point(body: Any) -> str | None:
    """The first framework mount point whose own text is at most a loading line, as ``tag#id``."""
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        ident = element.get("id") or ""
        mounted = bool(_MOUNT_IDS.match(ident)) or element.tag == "app-root"
        mounted = mounted or any(element.get(name) is not None for name in _MOUNT_ATTRIBUTES)
        if mounted and text_length(_shown_text(element)) <= _MOUNT_CHARS:
            return f"{element.tag}#{ident}" if ident else element.tag
    return None


def _framework_state(tree: Any) -> str | None:
    for script in tree.iter("script"):
        ident = script.get("id") or ""
        if ident in _STATE_IDS:
            return ident
        found = _STATE_WORDS.search(script.text or "")
        if found:
            return found.group(0)
    return None
