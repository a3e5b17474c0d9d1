"""Bylines to clean lists of person names, with news agencies kept apart.

Pages write "By Jane Roe and John Doe", "BY JANE ROE", "Jane Roe, Senior Reporter", "Von Klaus Meier
und Petra Schulz" or "By Jane Roe and Agence Meridien"; JSON-LD gives strings, objects or lists.
The rules are general (words, shapes), never per site.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_PREFIX = re.compile(
    r"^\s*(?:written\s+by|reported\s+by|words\s+by|story\s+by|posted\s+by|by|von|par|por|di|door|"
    r"av|af|przez|autor(?:in|ka)?|auteur|author|text|texto|testo|tekst)\s*[:\-]?\s+",
    re.IGNORECASE,
)
# Chinese, Japanese and Korean bylines name the reporter with a word before or after the name, often
# with no space ("山田太郎記者", "홍길동 기자", "记者 李明", "文/王芳"): the word goes, the name stays.
_CJK_ROLE = (
    r"(?:本報記者|本报记者|記者|记者|特派員|特派员|編集委員|编辑|編集部|通訊員|通讯员|"
    r"선임기자|기자|특파원|논설위원|객원기자)"
)
_CJK_PREFIX = re.compile(rf"^\s*(?:{_CJK_ROLE}|作者|文|撰文|글)\s*[:：/／=]?\s*")
_CJK_SUFFIX = re.compile(rf"\s*{_CJK_ROLE}\s*=?\s*$")
_SPLIT = re.compile(
    r"\s*(?:,|、|，|;|\||/|&|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\bi\b|\boch\b|\bog\b)\s*", re.I
)
_URL = re.compile(r"\S*://\S*")
_EMAIL = re.compile(r"\(?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*\)?")
_PARENS = re.compile(r"[(（]([^)）]*)[)）]|\[[^\]]*\]")
_ROLE_WORDS = re.compile(
    r"\b(reporter|correspondent|editor|writer|journalist|columnist|contributor|staff|producer|"
    r"photographer|analyst|critic|chief|senior|deputy|political|economics|business|sports?|"
    r"science|health|news|digital|desk|team|redakteur(?:in)?|redaktion|korrespondent(?:in)?|"
    r"journaliste|rédact(?:eur|rice)|envoyée?|periodista|redactor|redação|giornalista|"
    r"corrispondente|verslaggever|updated|published|min(?:ute)?s?|read)\b",
    re.IGNORECASE,
)
_AGENCY_WORDS = re.compile(
    r"\b(agency|agence|agentur|agencia|agência|agenzia|press|presse|prensa|wire|newswire|news\s+service|"
    r"associated|reuters|afp|ap|dpa|efe|ansa|kyodo|xinhua|pti|ians|upi|bloomberg|yonhap|jiji|tass|lusa|"
    r"redaktion|rédaction|redacción|redazione|연합뉴스|뉴시스|뉴스1|共同通信|共同|時事通信|時事|"
    r"新华社|新華社|中新社|中央社)\b",
    re.IGNORECASE,
)
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.\-]*$")
_LOWER_PARTICLES = {
    "de",
    "da",
    "di",
    "van",
    "von",
    "der",
    "den",
    "del",
    "la",
    "le",
    "du",
    "dos",
    "das",
    "bin",
    "al",
}


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)


def _tidy_case(name: str) -> str:
    """'JANE ROE' -> 'Jane Roe'; names already in mixed case are left as written."""
    if name.isupper() or name.islower():
        words = [w.lower() if w.lower() in _LOWER_PARTICLES else w.capitalize() for w in name.split()]
        if words:
            words[0] = words[0][0].upper() + words[0][1:]
        return " ".join(words)
    return name


def _caseless(token: str) -> bool:
    """Scripts without letter case (CJK, Arabic, Hebrew, ...) have no capitals to look for."""
    return token[0].upper() == token[0].lower()


# Words of organisations, which pages put in their author fields too ("Acme Developer", "Harbour
# Courier Newsroom"), and of accounts that are no one's name.
_ORGANISATION_WORDS = re.compile(
    r"\b(developers?|team|newsroom|media|group|inc|ltd|llc|gmbh|verlag|editorial|editors|publishing|"
    r"magazine|newspaper|online|official|company|corporation|network|channel|tv|radio|studios?|blog|"
    r"foundation|institute|university|ministry|department|council|zeitung|journal|gazette|times|post|"
    r"admin|administrator|webmaster|guest|anonymous|unknown|user|editor|redaktion)\b",
    re.IGNORECASE,
)


def looks_like_organisation(name: str, site_names: Iterable[str] = ()) -> bool:
    """A site's or an organisation's name where a person's was expected: one of the site's names,
    contained in one or holding one, or named with an organisation's word."""
    folded = " ".join(name.split()).casefold()
    for site in (s.casefold() for s in site_names if s):
        if folded and (folded in site or site in folded):
            return True
    return _ORGANISATION_WORDS.search(name) is not None


def _looks_like_name(part: str, *, single: bool = False) -> bool:
    """Two to five capitalised words (one when ``single``: a source that names authors and nothing
    else may give a pen name), or a short name in a script without case."""
    tokens = part.split()
    if not all(_NAME_TOKEN.match(t) for t in tokens) or len(part) > 60:
        return False
    if tokens and all(_caseless(t) for t in tokens):
        return 1 <= len(tokens) <= 4 and 2 <= len(part.replace(" ", "")) <= 12
    if single and len(tokens) == 1:
        return len(part) >= 3 and part[0].isupper() and not _ORGANISATION_WORDS.search(part)
    if not 2 <= len(tokens) <= 5:
        return False
    capitalised = [t for t in tokens if t.lower() not in _LOWER_PARTICLES]
    return bool(capitalised) and all(t[0].isupper() for t in capitalised)


def parse_bylines(values: Iterable[str], *, site_names: Iterable[str] = (), single: bool = False) -> Byline:
    """Split byline strings into person names and agencies, dropping roles, e-mails and site names;
    ``single``: one-word names count (pen names, from a source that names authors only)."""
    sites = {s.casefold() for s in site_names if s}
    result = Byline()
    for value in values:
        # A profile URL is no name ("Jane Roe (https://roe.example/)" is Jane Roe).
        text = _EMAIL.sub(" ", _URL.sub(" ", value or "")).strip()
        whole = _PARENS.fullmatch(text)
        if whole and whole.group(1):  # Japanese papers close a story with "(山田太郎)"
            text = whole.group(1)
        _agencies_in_parentheses(text, result)
        text = _PARENS.sub(" ", text)
        text = " ".join(text.split())
        text = _PREFIX.sub("", text)
        for part in _SPLIT.split(text):
            part = _CJK_SUFFIX.sub("", _CJK_PREFIX.sub("", part.strip(" .:-–—·=")))
            part = _PREFIX.sub("", part.strip(" .:-–—·="))
            if not part or part.casefold() in sites:
                continue
            if _ROLE_WORDS.search(part) and not _AGENCY_WORDS.search(part):
                continue
            if _AGENCY_WORDS.search(part) or (part.isupper() and len(part) <= 6):
                if part not in result.agencies:
                    result.agencies.append(part)
                continue
            if not _looks_like_name(_tidy_case(part), single=single):
                continue
            name = _tidy_case(part)
            if name not in result.authors:
                result.authors.append(name)
    return result


def _agencies_in_parentheses(text: str, result: Byline) -> None:
    """ "Marco Rossi (ANSA)", "(서울=연합뉴스) 홍길동 기자", "(共同)" (full-width brackets or not): an
    agency in parentheses is a source of the story, kept apart; anything else there (a role, a place,
    an e-mail) is dropped."""
    for match in _PARENS.finditer(text):
        inside = (match.group(1) or "").split("=")[-1].strip()
        if inside and _AGENCY_WORDS.fullmatch(inside) and inside not in result.agencies:
            result.agencies.append(inside)
