"""How page markup is read by every rule of the extraction: the class and id words that name page
chrome, whether an element is chrome, its text, and lengths counted alike in every script."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Class/id words of page parts that are not the article, in the languages of our sources: dates and
# bylines found there belong to other stories (related lists, comments) or to the site, and their
# text is never article text.
_WORDS_SHARE = "share sharing social shorturl teilen partager partage compartir condividi delen"
_WORDS_COMMENTS = (
    "comment comments disqus kommentar kommentare commentaire commentaires comentarios commenti reacties"
)
_WORDS_RELATED = (
    "related recommended recommendations outbrain taboola teasers verwandt weitere thema aussi "
    "relacionados relacionadas correlati gerelateerd"
)
_WORDS_TAGS = "tags tag taglist keywords schlagworte schlagwoerter schlagwörter stichworte etiquetas motscles"
_WORDS_POPULAR = "popular trending mostread most meistgelesen populaires leidas"
_WORDS_PROMO = (
    "newsletter subscribe signup promo advert advertisement ads sponsored anzeige werbung "
    "publicite publicidad pubblicita advertentie"
)
_WORDS_SITE = (
    "cookie cookies consent gdpr cmp radio listen breadcrumb breadcrumbs footer nav navigation "
    "menu sidebar toolbar"
)
_WORDS_MEDIA = "caption figcaption credit credits bildunterschrift legende"
TAG_LIST_WORDS = set(_WORDS_TAGS.split())
COMMENT_WORDS = set(_WORDS_COMMENTS.split())
MEDIA_WORDS = set(_WORDS_MEDIA.split())
CHROME_WORDS = set(
    " ".join(
        (
            _WORDS_SHARE,
            _WORDS_COMMENTS,
            _WORDS_RELATED,
            _WORDS_TAGS,
            _WORDS_POPULAR,
            _WORDS_PROMO,
            _WORDS_SITE,
            _WORDS_MEDIA,
        )
    ).split()
)
CHROME_TAGS = {"nav", "aside", "footer", "figcaption", "form", "button", "select", "menu"}
_WORD_SPLIT = re.compile(r"[\s_\-]+")
# "FeatureByline", "articleBody": a class name in camel case is words too.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

PARAGRAPH_CHARS = 120  # a paragraph of prose: the body rules and the chrome test count one alike
# Chinese, Japanese and Korean say in one character what alphabetic scripts say in about three.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
BYLINE_WORDS = {"byline", "author", "authors", "writer", "autor", "autorin", "auteur", "autore"}


# Words of containers that hold the article: "content-with-sidebar" or "entry-content-read-more" is a
# layout wrapper around the story, not a sidebar.
CONTENT_WORDS = {
    "content",
    "article",
    "story",
    "body",
    "main",
    "post",
    "entry",
    "text",
    "artikel",
    "articulo",
}


def class_words(element: Any) -> frozenset[str]:
    return _words(element.get("class"), element.get("id"))


@lru_cache(maxsize=4096)
def _words(class_value: str | None, id_value: str | None) -> frozenset[str]:
    """Pages repeat a few class names thousands of times: each is split once."""
    value = _CAMEL.sub(" ", f"{class_value or ''} {id_value or ''}").lower()
    return frozenset(w for w in _WORD_SPLIT.split(value) if w)


def is_chrome(element: Any) -> bool:
    """True when the element, or one of its ancestors, is page chrome rather than the article.

    An element named like chrome that holds the headline and prose is the article's own container
    (a newsletter's post body classed "newsletter", a layout "with-sidebar"): its dates and bylines
    are the article's, as the pruning keeps its text.
    """
    node = element
    while node is not None and isinstance(node.tag, str):
        if node.tag in CHROME_TAGS or (class_words(node) & CHROME_WORDS and not _holds_the_story(node)):
            return True
        node = node.getparent()
    return False


def _holds_the_story(element: Any) -> bool:
    return element.find(".//h1") is not None and any(
        len(text_of(p)) >= PARAGRAPH_CHARS for p in element.iter("p")
    )


def text_of(element: Any) -> str:
    return " ".join(element.text_content().split())


def text_length(text: str) -> int:
    """Length in Latin-equivalent characters, so one threshold fits every script."""
    return len(text) + 2 * len(_CJK.findall(text))


def linked_chars(element: Any) -> int:
    """How much of the element's text is the text of its links."""
    return sum(len(text_of(a)) for a in element.iter("a"))
