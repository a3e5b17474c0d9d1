"""A corpus of syndicated news for grouping stories (pipelines.write.stories): invented wire stories in
English, German, French, Spanish, Japanese and Chinese, each printed by several outlets with the edits
syndication makes, and unrelated articles about the same events, people and places.

Every text is generated from the grammar of its language below (sentence frames whose slots take
phrases, names, places and figures), seeded, so the corpus is the same on every run. A story is 6 to
10 paragraphs of 2 to 4 sentences. Its copies are the wire text with:

- the outlet's own headline, chrome (newsletter prompts, "read more" links, the agency's copyright
  line) and byline;
- another agency line (``EASTBRIDGE (AP) —`` against ``(AP) —``, ``BERLIN (dpa) -`` against
  ``(dpa) -``);
- the ending trimmed by up to 30% of the words, in whole paragraphs;
- a local paragraph added (the outlet's town, its officials);
- the first two paragraphs swapped.

Some stories are in the archive only as outlets' copies, without the agency's own version. The
unrelated articles name the same people, places and organisations as a story, on the same topic, in
other sentences: another agency's report of the same event, a follow-up, a local angle.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

DAY_ONE = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Article:
    """One archived text: a copy of a wire story, or an unrelated article (a story of its own)."""

    id: str
    story: str  # the story it is a copy of: what grouping should find
    language: str
    outlet: str
    title: str
    text: str
    fetched_at: str
    day: int  # 1 or 2: the day it was archived
    edits: tuple[str, ...] = ()  # what syndication did to the wire text; ("unrelated",) for the others


@dataclass(frozen=True)
class Outlet:
    name: str
    town: str  # where its local paragraphs are set
    chrome_top: tuple[str, ...]
    chrome_bottom: tuple[str, ...]


@dataclass
class Language:
    """One language's grammar: sentence frames, pools of phrases for their slots, and the wire's forms."""

    code: str
    join: str  # between sentences (and the words of a name)
    frames: Sequence[str]  # a sentence: slots in braces
    local_frames: Sequence[str]  # a local paragraph's sentences
    pools: Mapping[str, Sequence[str]]
    topics: Mapping[str, Mapping[str, Sequence[str]]]  # topic: its own pools (things, actions, ...)
    first_names: Sequence[str]
    last_names: Sequence[str]
    places: Sequence[str]
    headlines: Sequence[str]
    # agency: its datelines (one for the wire's own text, the others for the outlets' copies), bylines
    agencies: Mapping[str, tuple[Sequence[str], Sequence[str]]]
    outlets: Sequence[Outlet]
    reporters: Sequence[str]
    name_order: Callable[[str, str], str] = field(default=lambda first, last: f"{first} {last}")
    capitalize: bool = True


_SLOT = re.compile(r"\{(\w+)\}")


class Writer:
    """Expands frames: a slot is a binding of the story (its people, place, topic), a pool of the topic or
    the language (drawn anew each time), or a figure."""

    def __init__(self, language: Language, topic: str, bindings: Mapping[str, str], rng: random.Random):
        self.language, self.rng = language, rng
        self.pools = {**language.pools, **language.topics[topic]}
        self.bindings = dict(bindings)

    def expand(self, template: str, depth: int = 0) -> str:
        if depth > 8:
            raise ValueError(f"slots too deep in {template!r}")
        return _SLOT.sub(lambda match: self.expand(self._value(match.group(1)), depth + 1), template)

    def _value(self, slot: str) -> str:
        rng = self.rng
        if slot in self.bindings:
            return self.bindings[slot]
        if slot in self.pools:
            return rng.choice(self.pools[slot])
        if slot == "n":
            return _figure(rng.randint(12, 4800), self.language.code)
        if slot == "small":
            return str(rng.randint(2, 11))
        if slot == "pct":
            return str(rng.randint(3, 78))
        if slot == "money":
            return f"{rng.randint(2, 95)}{_DECIMAL[self.language.code]}{rng.randint(1, 9)}"
        if slot == "year":
            return str(rng.randint(1962, 2019))
        if slot == "hour":
            return str(rng.randint(6, 21))
        raise KeyError(f"no slot {slot!r} in {self.language.code}")

    def sentence(self, frames: Sequence[str] | None = None) -> str:
        text = self.expand(self.rng.choice(frames or self.language.frames))
        text = re.sub(r"\s+([,.])", r"\1", text)
        if self.language.capitalize:
            text = text[0].upper() + text[1:]
        return text

    def paragraph(self, sentences: int, frames: Sequence[str] | None = None) -> str:
        return self.language.join.join(self.sentence(frames) for _ in range(sentences))

    def paragraphs(self, count: int) -> list[str]:
        return [self.paragraph(self.rng.randint(2, 4)) for _ in range(count)]


_DECIMAL = {"en": ".", "de": ",", "fr": ",", "es": ",", "ja": ".", "zh": "."}


def _figure(number: int, code: str) -> str:
    if number < 1000 or code in ("ja", "zh"):
        return str(number)
    separator = {"en": ",", "de": ".", "fr": "\u202f", "es": "."}[code]
    return f"{number // 1000}{separator}{number % 1000:03d}"


def _story_bindings(language: Language, topic: str, rng: random.Random) -> dict[str, str]:
    """The people, place and organisation a story (and the unrelated articles about it) names."""
    pools = language.topics[topic]
    first, last = rng.sample(list(language.first_names), 2), rng.sample(list(language.last_names), 2)
    place, place2 = rng.sample(list(language.places), 2)
    return {
        "P": language.name_order(first[0], last[0]),
        "P_last": last[0],
        "PLACE_UP": place.upper(),
        "R": rng.choice(pools["role"]),
        "Q": language.name_order(first[1], last[1]),
        "Q_last": last[1],
        "Q_role": rng.choice(pools["other_role"]),
        "PLACE": place,
        "PLACE2": place2,
        "ORG": rng.choice(pools["org"]),
    }


def _local_bindings(language: Language, outlet: Outlet, bindings: Mapping[str, str], rng: random.Random):
    first, last = rng.choice(language.first_names), rng.choice(language.last_names)
    return {
        **bindings,
        "LOCAL": outlet.town,
        "L": language.name_order(first, last),
        "L_last": last,
    }


def _bylines(language: Language, agency: str, rng: random.Random) -> dict[str, str]:
    reporter, editor = rng.sample(list(language.reporters), 2)
    return {"AGENCY": agency, "REPORTER": reporter, "REPORTER2": editor}


def _record_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _trim(paragraphs: list[str], share: float, language: Language) -> list[str]:
    """The paragraphs left when the ending is cut by at most ``share`` of the words (whole paragraphs)."""
    sizes = [_size(p, language) for p in paragraphs]
    total, cut = sum(sizes), 0
    kept = list(paragraphs)
    while len(kept) > 3 and (cut + sizes[len(kept) - 1]) <= share * total:
        cut += sizes[len(kept) - 1]
        kept.pop()
    return kept


def _size(text: str, language: Language) -> int:
    return len(text) if language.join == "" else len(text.split())


def _copy(
    language: Language,
    story: str,
    wire: list[str],
    bindings: Mapping[str, str],
    topic: str,
    agency: str,
    outlet: Outlet,
    rng: random.Random,
    original: bool,
) -> tuple[str, str, tuple[str, ...]]:
    """An outlet's copy of the wire text (or, ``original``, the agency's own): title, text, its edits."""
    datelines, bylines = language.agencies[agency]
    writer = Writer(language, topic, {**bindings, **_bylines(language, agency, rng)}, rng)
    body = list(wire)
    edits: list[str] = []
    if original:
        dateline = datelines[0]
    else:
        dateline = rng.choice(datelines[1:])
        edits.append("agency line")
        if rng.random() < 0.6:
            kept = _trim(body, rng.uniform(0.1, 0.3), language)
            if len(kept) < len(body):
                edits.append(f"trimmed {len(body) - len(kept)} of {len(body)}")
                body = kept
        if rng.random() < 0.35:
            body[0], body[1] = body[1], body[0]
            edits.append("first two swapped")
        if rng.random() < 0.5:
            local = Writer(language, topic, _local_bindings(language, outlet, bindings, rng), rng)
            at = rng.randint(2, len(body))
            body.insert(at, local.paragraph(rng.randint(2, 3), language.local_frames))
            edits.append("local paragraph")
    body[0] = writer.expand(dateline) + body[0]
    title = writer.sentence(language.headlines).rstrip(".。")
    lines = [writer.expand(rng.choice(bylines))]
    if not original:
        edits.append("headline, chrome, byline")
        lines = [writer.expand(line) for line in rng.sample(list(outlet.chrome_top), 1)] + lines
        bottom = [writer.expand(line) for line in rng.sample(list(outlet.chrome_bottom), 2)]
    else:
        bottom = []
    return title, "\n\n".join([*lines, *body, *bottom]), tuple(edits)


def corpus(seed: int = 26, stories_per_language: int = 8) -> list[Article]:
    """The corpus: for each language, ``stories_per_language`` wire stories with 3 to 6 archived copies
    each, and as many unrelated articles about the same events. Copies are archived over two days."""
    rng = random.Random(seed)
    articles: list[Article] = []
    for language in LANGUAGES:
        topics = sorted(language.topics)
        for number in range(stories_per_language):
            topic = topics[number % len(topics)]
            story = f"{language.code}-{number}"
            bindings = _story_bindings(language, topic, rng)
            agency = rng.choice(sorted(language.agencies))
            wire = Writer(language, topic, bindings, rng).paragraphs(rng.randint(6, 10))
            copies = rng.randint(3, 6)
            with_original = rng.random() < 0.75
            outlets = rng.sample(list(language.outlets), copies)
            published = DAY_ONE + timedelta(minutes=rng.randint(0, 600))
            # The copies of most stories arrive over both days; some stories are all on day 1 or day 2.
            split = rng.choice([copies, 0, *range(1, copies)])
            for index, outlet in enumerate(outlets):
                original = with_original and index == 0
                title, text, edits = _copy(
                    language, story, wire, bindings, topic, agency, outlet, rng, original
                )
                day = 1 if index < split else 2
                moment = published + timedelta(days=day - 1, minutes=rng.randint(1, 300) * (index + 1))
                url = f"https://{_host(agency if original else outlet.name)}/{story}/{index}"
                articles.append(
                    Article(_record_id(url), story, language.code, outlet.name, title, text, _stamp(moment),
                            day, edits or ("wire",))
                )  # fmt: skip
            # The unrelated article: the same people, places and topic, another text.
            other = Writer(language, topic, {**bindings, **_bylines(language, agency, rng)}, rng)
            outlet = rng.choice(list(language.outlets))
            paragraphs = other.paragraphs(rng.randint(6, 10))
            byline = other.expand(rng.choice(language.agencies[agency][1]))
            text = "\n\n".join([byline, *paragraphs, other.expand(rng.choice(outlet.chrome_bottom))])
            day = rng.randint(1, 2)
            moment = published + timedelta(days=day - 1, minutes=rng.randint(1, 900))
            url = f"https://{_host(outlet.name)}/{story}/unrelated"
            articles.append(
                Article(_record_id(url), f"{story}-unrelated", language.code, outlet.name,
                        other.sentence(language.headlines).rstrip(".。"), text, _stamp(moment), day,
                        ("unrelated",))
            )  # fmt: skip
    return articles


def _host(name: str) -> str:
    return re.sub(r"\W+", "-", name.casefold()).strip("-") + ".example"


# --- English ---------------------------------------------------------------------------------------------

# fmt: off
ENGLISH = Language(
    code="en",
    join=" ",
    frames=[
        "{R} {P} said {claim}.",
        "{claim}, {P_last} told reporters {when}.",
        "“{quote},” {P_last} said {at_where}.",
        "{when}, {crowd} gathered {near} in {PLACE}, {crowd_detail}.",
        "The {ORG} said {n} {units} {status} {when}.",
        "According to {source}, {n} {units} {were_hit} {since}.",
        "{P_last}, who {career}, added that {claim}.",
        "{Q}, {Q_role}, {disagreed} {claim}.",
        "{small} of the {n} {units} {status}, {source} said {when}.",
        "Officials put the {cost_kind} at {money} million dollars, {comparison}.",
        "{subject} {history} since {year}.",
        "{critics} argued that {claim}.",
        "The {decision} {comes_after} {background}.",
        "A spokesperson for the {ORG} {declined} {detail}.",
        "{pct} percent of {group} {poll_result}, {poll_source} found.",
        "{P_last} is expected to {next_step} {next_when}.",
        "In {PLACE2}, {aside}.",
        "{group} {reacted}, {reaction}.",
        "“{quote},” said {Q}, {Q_role}.",
        "{when}, {Q_last} {disagreed} {claim}.",
    ],
    local_frames=[
        "In {LOCAL}, {L}, who {local_job}, said {claim}.",
        "{local_count} {units} in {LOCAL} {status}, {L_last} said.",
        "“{local_quote},” said {L}, {local_job_short} in {LOCAL}.",
        "The {LOCAL} council {local_council} {when}.",
        "Residents of {LOCAL} {local_reaction}.",
    ],
    pools={
        "when": ["on Tuesday", "on Monday evening", "late on Wednesday", "this week", "on Thursday morning",
                 "at a news conference on Friday", "earlier in the day", "on Sunday", "overnight"],
        "at_where": ["outside the town hall", "in a statement", "at a briefing in {PLACE}", "in an interview",
                     "during a visit to {PLACE2}", "on local radio"],
        "near": ["outside the town hall", "on the market square", "near the main station",
                 "in front of the courthouse", "along the riverfront", "at the community centre"],
        "crowd": ["several hundred people", "a small group of protesters", "dozens of families",
                  "about {n} people", "local business owners", "a crowd of supporters"],
        "crowd_detail": ["some carrying handmade signs", "many of them with children", "despite the rain",
                         "chanting and waving flags", "before walking to the council offices",
                         "some of whom had travelled from {PLACE2}"],
        "source": ["the local authorities", "figures released by the {ORG}", "police", "a regional official",
                   "an internal report seen by the agency", "the county's emergency office",
                   "preliminary estimates"],
        "since": ["since the weekend", "since the start of the month", "over the past two days",
                  "since Friday", "in the last week", "since early morning"],
        "career": ["took office in {year}", "has led the {ORG} for {small} years", "grew up in {PLACE2}",
                   "was re-elected last spring", "spent two decades in the private sector",
                   "faced criticism over the issue last year"],
        "disagreed": ["said she doubted that", "questioned whether", "told the agency that", "insisted that",
                      "warned that", "said he was not convinced that",
                      "said it was too early to say whether"],
        "comparison": ["nearly twice the amount first expected", "far above earlier estimates",
                       "roughly the same as last year", "a figure opposition members called optimistic",
                       "about a third of the annual budget", "without counting the insurance claims"],
        "cost_kind": ["cost of the repairs", "total damage", "bill for the plan", "price of the project",
                      "losses so far"],
        "critics": ["Opposition members", "Local business groups", "Several residents",
                    "Environmental groups", "Union representatives", "Some economists",
                    "Members of the council"],
        "comes_after": ["comes after", "follows", "was taken after", "came only days after",
                        "is the latest step after"],
        "declined": ["declined to comment on", "would not confirm", "did not respond to questions about",
                     "refused to give details of", "said it was too early to discuss"],
        "detail": ["the timetable", "the costs", "the talks", "the number of people involved",
                   "what happens next", "the report's findings", "possible compensation"],
        "poll_result": ["said they supported the plan", "said they were worried about the situation",
                        "wanted the authorities to act faster", "did not trust the official figures",
                        "said they would consider leaving the area"],
        "poll_source": ["a survey by the local newspaper", "a poll published on Monday", "a university study",
                        "an online survey of {n} residents"],
        "next_step": ["meet the regional government", "present a new plan", "visit the affected areas",
                      "address the council", "announce further measures", "travel to {PLACE2}"],
        "next_when": ["next week", "on Friday", "later this month", "before the end of the year",
                      "in the coming days"],
        "reacted": ["reacted with relief", "reacted angrily", "were divided", "welcomed the news",
                    "greeted the announcement with scepticism"],
        "reaction": ["saying they had waited too long", "with some calling it a first step",
                     "many of them posting on social media", "though some remained cautious",
                     "according to local media"],
        "modal": ["would", "could", "was unlikely to", "should", "might still", "had promised to",
                  "was expected to", "was determined to"],
        "claim": ["{subject} {modal} {action}", "{subject} {modal} {action} {when}",
                  "{subject} {modal} {action} despite {obstacle}",
                  "{subject} {modal} {action} by {deadline}"],
        "deadline": ["the end of the month", "spring", "the summer", "next year", "the end of the week"],
        "obstacle": ["the cost", "opposition in the council", "the weather", "a shortage of staff",
                     "legal challenges", "the delays so far"],
        "aside": ["similar measures were introduced last year", "officials said the situation was calmer",
                  "schools remained open", "the local council called an emergency meeting",
                  "shops reported a rush of customers", "roads were closed for several hours"],
        "history": ["has been a source of dispute", "has been debated", "has been under review",
                    "has divided the region", "has been in poor condition"],
        "status": ["remained closed", "were damaged", "had been inspected", "were still waiting for help",
                   "were expected to reopen", "had been cleared"],
        "were_hit": ["have been affected", "were damaged", "have been evacuated", "were left without power",
                     "have been counted"],
        "quote": ["{quote_open}, {quote_close}", "{quote_open}. {quote_more}"],
        "quote_more": ["It will take time", "The families deserve answers", "That has to change",
                       "We need help from the region", "Nobody should have to live like this"],
        "quote_open": ["We are doing everything we can", "This is not what people were promised",
                       "Nobody here has seen anything like this", "We have to be honest about the risks",
                       "I understand the frustration", "The numbers speak for themselves",
                       "We warned about this for years"],
        "quote_close": ["and we will keep going until the job is done", "but it will take time",
                        "and that has to change", "and I will not apologise for that",
                        "but the families deserve answers", "so we will need help from the region"],
        "decision": ["decision", "announcement", "vote", "move", "ruling"],
        "local_job": ["chairs the {LOCAL} residents' association", "runs a bakery on the high street",
                      "has represented {LOCAL} on the county council since {year}",
                      "teaches at the primary school", "heads the volunteer fire brigade"],
        "local_job_short": ["a shopkeeper", "a councillor", "a retired teacher", "a volunteer"],
        "local_count": ["{n}", "At least {small}", "Around {n}"],
        "local_council": ["will discuss the matter at its next meeting", "has set up a helpline",
                          "said it was following the situation closely", "asked the region for support"],
        "local_reaction": ["have been asked to check on elderly neighbours",
                           "told the Courier they felt forgotten",
                           "are organising a collection for those affected",
                           "said they expected little change"],
        "local_quote": ["People here just want to know where they stand",
                        "We have been through this before and we will manage again",
                        "It affects every family on this street",
                        "Nobody from the region has come to see us"],
    },
    topics={
        "flood": {
            "role": ["Mayor", "Regional governor", "Fire chief", "Emergency services director"],
            "other_role": ["a hydrologist at the state university", "the head of the farmers' association",
                           "an opposition councillor", "the region's environment minister"],
            "org": ["Regional Water Authority", "River Basin Agency", "Civil Protection Office"],
            "subject": ["the river", "the new flood barrier", "the water level", "the dam on the upper river",
                        "the emergency fund", "the evacuation order", "the clean-up"],
            "action": ["fall below the warning mark", "hold for another night", "be lifted",
                       "reopen the bridge", "cover the cost of the damage",
                       "be extended to the northern districts", "take several weeks"],
            "group": ["residents", "farmers", "shop owners", "families in the lower town"],
            "units": ["homes", "farms", "roads", "businesses", "schools"],
            "background": ["days of heavy rain", "the worst flooding in decades", "a breach in the levee",
                           "warnings from meteorologists"],
        },
        "strike": {
            "role": ["Union leader", "Transport minister", "Chief negotiator", "Labour minister"],
            "other_role": ["the chief executive of the rail operator", "a labour economist",
                           "a spokesperson for the commuters' association", "an employers' representative"],
            "org": ["Transport Workers' Union", "National Rail Company", "Ministry of Labour"],
            "subject": ["the strike", "the walkout", "the new pay offer", "the talks", "the rail operator",
                        "the replacement bus service", "the union"],
            "action": ["continue into next week", "be called off", "include a rise of {pct} percent",
                       "resume on Monday", "cancel most regional trains", "go to arbitration",
                       "accept the offer"],
            "group": ["commuters", "train drivers", "students", "employers"],
            "units": ["trains", "routes", "stations", "bus lines", "connections"],
            "background": ["weeks of failed negotiations", "a vote by union members",
                           "a dispute over pensions", "a ruling by the labour court"],
        },
        "plant": {
            "role": ["Chief executive", "Economy minister", "Works council head", "Plant manager"],
            "other_role": ["a professor of industrial economics", "the head of the chamber of commerce",
                           "a union official", "the regional economy minister"],
            "org": ["Keller Automotive Group", "Northern Steel Works", "Aurel Chemicals"],
            "subject": ["the plant", "the closure", "the company", "the new owner", "the production line",
                        "the subsidy", "the redundancy plan"],
            "action": ["cut {n} jobs", "stay open until next year", "move production abroad",
                       "receive state aid", "be sold to an investor", "shut the paint shop",
                       "keep the apprentices"],
            "group": ["workers", "suppliers", "local shop owners", "apprentices"],
            "units": ["jobs", "positions", "contracts", "suppliers", "shifts"],
            "background": ["a sharp fall in orders", "the loss of its biggest customer",
                           "months of speculation", "a failed merger"],
        },
        "hospital": {
            "role": ["Health minister", "Hospital director", "Chief physician", "County health officer"],
            "other_role": ["the head of the nurses' union", "a health economist",
                           "a patients' rights campaigner", "an opposition health spokesperson"],
            "org": ["County Hospital Trust", "Regional Health Board", "Medical Association"],
            "subject": ["the emergency department", "the maternity ward", "the hospital", "the merger",
                        "the waiting list", "the new clinic", "the night service"],
            "action": ["close at night", "move to {PLACE2}", "hire {small} more doctors",
                       "reopen in the spring", "be funded by the region",
                       "treat patients from three counties", "shorten waiting times"],
            "group": ["patients", "nurses", "doctors", "pregnant women"],
            "units": ["beds", "wards", "operating theatres", "nurses' posts", "appointments"],
            "background": ["a shortage of specialists", "a critical inspection report",
                           "the death of a patient", "years of budget cuts"],
        },
    },
    first_names=["Maria", "James", "Linda", "Robert", "Helen", "Daniel", "Karen", "Thomas", "Grace", "Samuel",
                 "Olivia", "Peter"],
    last_names=["Whitfield", "Okafor", "Brennan", "Castellano", "Hargreaves", "Lindqvist", "Moreau",
                "Pemberton", "Adeyemi", "Sutherland", "Kowalski", "Thornbury"],
    places=["Eastbridge", "Marlow Creek", "Port Hallam", "Kestrel Bay", "Ashcombe", "Redfield", "Northam",
            "Bellhaven", "Carrow", "Linford"],
    headlines=["{P_last} says {claim}", "{subject} {modal} {action}, officials say",
               "{group} fear {background}", "{PLACE}: {subject} {modal} {action}",
               "What we know about {background} in {PLACE}"],
    agencies={
        "AP": (["{PLACE_UP} (AP) — ", "(AP) — ", "{PLACE}, Ore. (AP) — "],
               ["By {REPORTER}, Associated Press", "{REPORTER} | The Associated Press"]),
        "Reuters": (["{PLACE}, Nov 23 (Reuters) - ", "(Reuters) - ", "{PLACE} (Reuters) - "],
                    ["By {REPORTER} (Reuters)", "Reporting by {REPORTER}; editing by {REPORTER2}"]),
        "AFP": (["{PLACE} (AFP) - ", "{PLACE}, United States (AFP) – ", "(AFP) - "],
                ["{REPORTER}, AFP", "By {REPORTER} with AFP"]),
    },
    outlets=[
        Outlet("Kestrel Bay Courier", "Kestrel Bay",
               ("Advertisement", "Sign up for the Courier's morning briefing."),
               ("Read more: how the region is preparing for winter",
                "Copyright 2026 The Associated Press. All rights reserved.",
                "Share this story by email or on social media.")),
        Outlet("Northam Daily Ledger", "Northam",
               ("Local news you can trust. Subscribe today.", "Listen to this article"),
               ("More from the Ledger: the week in pictures", "Follow the Ledger on social media.",
                "This material may not be published, broadcast, rewritten or redistributed.")),
        Outlet("Valley Post", "Redfield",
               ("Breaking news alerts: get them first", "Advertisement"),
               ("Related: council approves budget for road repairs", "Have a news tip? Email us.",
                "Reuters contributed to this report.")),
        Outlet("Harbour Gazette", "Port Hallam",
               ("Gazette newsletter: sign up for free", "Updated"),
               ("Comments are closed for this article.", "Read next: the best markets this weekend",
                "Copyright 2026 Agence France-Presse.")),
        Outlet("The Ashcombe Times", "Ashcombe",
               ("Advertisement", "Times subscribers get unlimited access."),
               ("Most read: the ten best walks near Ashcombe", "Report an error in this article.",
                "The Associated Press contributed to this report.")),
        Outlet("Carrow Evening Star", "Carrow",
               ("Sponsored content", "Star newsletter: the day in five minutes"),
               ("See also: traffic updates for the weekend", "Get the Star app for breaking news.",
                "Copyright 2026 Thomson Reuters.")),
    ],
    reporters=["Anna Lindgren", "Marcus Bell", "Priya Raman", "Tom Oduya", "Claire Dubois", "Ethan Ross"],
)
# fmt: on


# --- German ----------------------------------------------------------------------------------------------

# fmt: off
GERMAN = Language(
    code="de",
    join=" ",
    frames=[
        "{R} {P} sagte, {claim}.",
        "{claim}, sagte {P_last} {when}.",
        "„{quote}“, sagte {P_last} {at_where}.",
        "{when} versammelten sich {crowd} {near} in {PLACE}, {crowd_detail}.",
        "{ORG} teilte {when} mit, {n} {units} {status}.",
        "Nach Angaben {source} sind {since} {n} {units} {were_hit}.",
        "{P_last}, {career}, fügte hinzu, {claim}.",
        "{Q}, {Q_role}, {disagreed} {claim}.",
        "{small} der {n} {units} {status}, wie {source_nom} {when} mitteilte.",
        "Die Behörden bezifferten {cost_kind} auf {money} Millionen Euro, {comparison}.",
        "{subject} ist seit {year} {history}.",
        "{critics} argumentierten, {claim}.",
        "{decision} folgt auf {background}.",
        "{ORG} wollte sich zu {detail} nicht äußern.",
        "{pct} Prozent der Befragten {poll_result}, ergab {poll_source}.",
        "{P_last} will {next_when} {next_step}.",
        "In {PLACE2} {aside}.",
        "{group} {reacted}, {reaction}.",
        "„{quote}“, sagte {Q}, {Q_role}.",
        "{when} {disagreed_v} {Q_last}, {claim}.",
    ],
    local_frames=[
        "In {LOCAL} sagte {L}, {local_job}, {claim}.",
        "{local_count} {units} in {LOCAL} {status}, sagte {L_last}.",
        "„{local_quote}“, sagte {L}, {local_job_short} aus {LOCAL}.",
        "Der Gemeinderat von {LOCAL} {local_council}.",
        "Viele Menschen in {LOCAL} {local_reaction}.",
    ],
    pools={
        "when": ["am Dienstag", "am Montagabend", "in der Nacht zu Mittwoch", "in dieser Woche",
                 "am Donnerstagmorgen", "auf einer Pressekonferenz am Freitag", "am Sonntag",
                 "am frühen Morgen"],
        "at_where": ["vor dem Rathaus", "in einer Mitteilung", "bei einem Termin in {PLACE}", "im Interview",
                     "bei einem Besuch in {PLACE2}", "im Lokalradio"],
        "near": ["vor dem Rathaus", "auf dem Marktplatz", "am Hauptbahnhof", "vor dem Amtsgericht",
                 "am Flussufer", "vor dem Bürgerhaus"],
        "crowd": ["mehrere Hundert Menschen", "eine kleine Gruppe Demonstranten", "Dutzende Familien",
                  "rund {n} Menschen", "Geschäftsleute aus der Innenstadt", "zahlreiche Unterstützer"],
        "crowd_detail": ["manche mit selbst gemalten Schildern", "viele mit ihren Kindern",
                         "trotz des Regens", "mit Trillerpfeifen und Fahnen",
                         "bevor sie zum Landratsamt zogen", "einige waren eigens aus {PLACE2} angereist"],
        "source": ["der Behörden vor Ort", "der Polizei", "des Landratsamts", "eines internen Berichts",
                   "des Katastrophenschutzes", "erster Schätzungen"],
        "source_nom": ["die Polizei", "das Landratsamt", "ein Sprecher der Region", "der Katastrophenschutz",
                       "die Stadtverwaltung"],
        "since": ["seit dem Wochenende", "seit Monatsbeginn", "in den vergangenen zwei Tagen", "seit Freitag",
                  "binnen einer Woche", "seit dem frühen Morgen"],
        "career": ["seit {year} im Amt", "gebürtig aus {PLACE2}", "im vergangenen Frühjahr wiedergewählt",
                   "lange Jahre in der Privatwirtschaft tätig", "im vergangenen Jahr deswegen in der Kritik",
                   "seit {small} Jahren an der Spitze"],
        "disagreed": ["warnte,", "hielt dagegen,", "betonte,", "gab zu bedenken,", "sagte der Agentur,",
                      "zeigte sich skeptisch:", "meinte dagegen,"],
        "disagreed_v": ["warnte", "betonte", "erklärte", "kritisierte"],
        "comparison": ["fast doppelt so viel wie zunächst erwartet", "weit mehr als bisher geschätzt",
                       "etwa so viel wie im Vorjahr", "eine Zahl, die die Opposition für geschönt hält",
                       "rund ein Drittel des Jahreshaushalts", "Versicherungsschäden nicht eingerechnet"],
        "cost_kind": ["die Kosten der Reparaturen", "den Gesamtschaden", "die Kosten des Plans",
                      "den bisherigen Schaden", "die Kosten des Projekts"],
        "critics": ["Die Opposition", "Örtliche Unternehmerverbände", "Mehrere Anwohner", "Umweltverbände",
                    "Gewerkschaftsvertreter", "Einige Ökonomen", "Mitglieder des Stadtrats"],
        "decision": ["Die Entscheidung", "Die Ankündigung", "Die Abstimmung", "Der Schritt", "Das Urteil"],
        "detail": ["dem Zeitplan", "den Kosten", "den Gesprächen", "der Zahl der Betroffenen",
                   "den nächsten Schritten", "dem Bericht", "möglichen Entschädigungen"],
        "poll_result": ["unterstützen den Plan", "machen sich Sorgen um die Lage",
                        "wünschen sich schnelleres Handeln", "misstrauen den offiziellen Zahlen",
                        "erwägen einen Wegzug aus der Gegend"],
        "poll_source": ["eine Umfrage der Lokalzeitung", "eine am Montag veröffentlichte Umfrage",
                        "eine Studie der Universität", "eine Online-Befragung von {n} Anwohnern"],
        "next_when": ["in der kommenden Woche", "am Freitag", "noch in diesem Monat", "bis Jahresende",
                      "in den nächsten Tagen"],
        "next_step": ["die Landesregierung treffen", "einen neuen Plan vorlegen",
                      "die betroffenen Gebiete besuchen", "vor dem Stadtrat sprechen",
                      "weitere Maßnahmen ankündigen", "nach {PLACE2} reisen"],
        "reacted": ["reagierten erleichtert", "reagierten verärgert", "waren gespalten",
                    "begrüßten die Nachricht", "nahmen die Ankündigung skeptisch auf"],
        "reaction": ["viele sagten, sie hätten zu lange gewartet", "manche sprachen von einem ersten Schritt",
                     "viele äußerten sich in sozialen Netzwerken", "einige blieben jedoch vorsichtig",
                     "wie Lokalmedien berichteten"],
        "modal": ["werde", "könne", "solle", "müsse", "dürfte", "werde wohl kaum", "könnte noch"],
        "claim": ["{subject} {modal} {action}", "{subject} {modal} {when} {action}",
                  "{subject} {modal} trotz {obstacle} {action}", "{subject} {modal} bis {deadline} {action}"],
        "deadline": ["Ende des Monats", "zum Frühjahr", "zum Sommer", "nächstes Jahr", "Ende der Woche"],
        "obstacle": ["der Kosten", "des Widerstands im Stadtrat", "des Wetters", "des Personalmangels",
                     "rechtlicher Einwände", "der bisherigen Verzögerungen"],
        "aside": ["wurden ähnliche Maßnahmen bereits im vergangenen Jahr eingeführt",
                  "sei die Lage ruhiger, sagten Beamte", "blieben die Schulen geöffnet",
                  "berief der Gemeinderat eine Sondersitzung ein",
                  "meldeten Geschäfte einen Ansturm von Kunden", "waren Straßen stundenlang gesperrt"],
        "history": ["umstritten", "Gegenstand heftiger Debatten", "in schlechtem Zustand",
                    "ein Streitthema in der Region", "auf dem Prüfstand"],
        "quote": ["{quote_open}, {quote_close}", "{quote_open}. {quote_more}"],
        "quote_open": ["Wir tun alles, was wir können",
                       "Das ist nicht das, was den Menschen versprochen wurde",
                       "So etwas hat hier noch niemand erlebt",
                       "Wir müssen ehrlich über die Risiken sprechen", "Ich verstehe den Ärger",
                       "Die Zahlen sprechen für sich", "Wir haben seit Jahren davor gewarnt"],
        "quote_close": ["und wir machen weiter, bis die Arbeit getan ist", "aber es wird dauern",
                        "und das muss sich ändern", "und dafür entschuldige ich mich nicht",
                        "aber die Familien verdienen Antworten", "deshalb brauchen wir Hilfe vom Land"],
        "quote_more": ["Das wird Zeit brauchen", "Die Familien verdienen Antworten", "Das muss sich ändern",
                       "Wir brauchen Hilfe vom Land", "So darf niemand leben müssen"],
        "local_job": ["Vorsitzende des Bürgervereins", "Inhaber einer Bäckerei in der Hauptstraße",
                      "seit {year} im Kreistag", "Lehrerin an der Grundschule",
                      "Kommandant der Freiwilligen Feuerwehr"],
        "local_job_short": ["ein Ladenbesitzer", "eine Gemeinderätin", "ein pensionierter Lehrer",
                            "eine Helferin"],
        "local_count": ["{n}", "Mindestens {small}", "Rund {n}"],
        "local_council": ["will sich in seiner nächsten Sitzung damit befassen",
                          "hat eine Hotline eingerichtet", "beobachtet die Lage nach eigenen Angaben genau",
                          "bat das Land um Unterstützung"],
        "local_reaction": ["kümmern sich um ältere Nachbarn", "fühlen sich vergessen",
                           "sammeln Spenden für die Betroffenen", "rechnen mit wenig Veränderung"],
        "local_quote": ["Die Leute hier wollen einfach wissen, woran sie sind",
                        "Wir haben das schon einmal durchgestanden und schaffen es wieder",
                        "Es betrifft jede Familie in dieser Straße",
                        "Von der Regierung war noch niemand hier"],
    },
    topics={
        "hochwasser": {
            "role": ["Bürgermeisterin", "Landrat", "Feuerwehrkommandant", "Leiterin des Krisenstabs"],
            "other_role": ["Hydrologin an der Landesuniversität", "Vorsitzender des Bauernverbands",
                           "Stadträtin der Opposition", "Umweltminister des Landes"],
            "org": ["Der Wasserverband Oberland", "Das Landesamt für Umwelt", "Der Katastrophenschutz"],
            "subject": ["der Fluss", "die neue Schutzmauer", "der Pegel", "der Damm am Oberlauf",
                        "der Hilfsfonds", "die Evakuierungsanordnung", "die Aufräumarbeit"],
            "action": ["unter die Warnmarke fallen", "noch eine Nacht halten", "aufgehoben werden",
                       "die Brücke wieder freigeben", "die Kosten der Schäden decken",
                       "auf die nördlichen Stadtteile ausgeweitet werden", "mehrere Wochen dauern"],
            "group": ["Die Anwohner", "Landwirte", "Ladenbesitzer", "Familien in der Unterstadt"],
            "units": ["Häuser", "Höfe", "Straßen", "Betriebe", "Schulen"],
            "status": ["blieben geschlossen", "waren beschädigt", "wurden überprüft",
                       "warteten noch auf Hilfe", "sollten wieder öffnen", "waren geräumt"],
            "were_hit": ["betroffen", "beschädigt worden", "evakuiert worden", "ohne Strom",
                         "überflutet worden"],
            "background": ["tagelangen Starkregen", "das schwerste Hochwasser seit Jahrzehnten",
                           "einen Dammbruch", "Warnungen von Meteorologen"],
        },
        "streik": {
            "role": ["Gewerkschaftschefin", "Verkehrsminister", "Verhandlungsführer", "Arbeitsministerin"],
            "other_role": ["Vorstandschef der Bahngesellschaft", "Arbeitsmarktforscherin",
                           "Sprecher des Fahrgastverbands", "Vertreterin der Arbeitgeber"],
            "org": ["Die Verkehrsgewerkschaft", "Die Landesbahn", "Das Arbeitsministerium"],
            "subject": ["der Streik", "der Ausstand", "das neue Tarifangebot", "die Schlichtung",
                        "die Bahngesellschaft", "der Ersatzverkehr", "die Gewerkschaft"],
            "action": ["bis in die nächste Woche dauern", "abgesagt werden",
                       "ein Plus von {pct} Prozent enthalten", "am Montag weitergehen",
                       "die meisten Regionalzüge streichen", "vor ein Schiedsgericht gehen",
                       "das Angebot annehmen"],
            "group": ["Pendler", "Lokführer", "Studierende", "Die Arbeitgeber"],
            "units": ["Züge", "Linien", "Bahnhöfe", "Buslinien", "Verbindungen"],
            "status": ["fielen aus", "fuhren nur eingeschränkt", "waren geschlossen", "wurden umgeleitet",
                       "sollten wieder fahren", "blieben leer"],
            "were_hit": ["ausgefallen", "gestrichen worden", "betroffen", "verspätet", "eingestellt worden"],
            "background": ["wochenlange gescheiterte Verhandlungen", "eine Urabstimmung der Mitglieder",
                           "einen Streit um die Renten", "ein Urteil des Arbeitsgerichts"],
        },
        "werk": {
            "role": ["Vorstandschef", "Wirtschaftsministerin", "Betriebsratschef", "Werksleiterin"],
            "other_role": ["Professorin für Industrieökonomie", "Präsident der Handelskammer",
                           "Gewerkschaftssekretär", "Wirtschaftsminister des Landes"],
            "org": ["Die Keller Automotive AG", "Das Stahlwerk Nord", "Die Aurel Chemie GmbH"],
            "subject": ["das Werk", "die Schließung", "das Unternehmen", "der neue Eigentümer",
                        "die Produktionslinie", "die Förderung", "der Sozialplan"],
            "action": ["{n} Stellen streichen", "bis nächstes Jahr offen bleiben",
                       "die Produktion ins Ausland verlagern", "Staatshilfe erhalten",
                       "an einen Investor verkauft werden", "die Lackiererei schließen",
                       "die Auszubildenden übernehmen"],
            "group": ["Die Beschäftigten", "Zulieferer", "Einzelhändler im Ort", "Auszubildende"],
            "units": ["Stellen", "Arbeitsplätze", "Verträge", "Zulieferer", "Schichten"],
            "status": ["fallen weg", "sind gefährdet", "wurden gekündigt", "sollen erhalten bleiben",
                       "wurden verlängert", "stehen auf der Kippe"],
            "were_hit": ["gestrichen worden", "betroffen", "gekündigt worden", "ausgelagert worden",
                         "bedroht"],
            "background": ["einen starken Auftragsrückgang", "den Verlust des größten Kunden",
                           "monatelange Spekulationen", "eine gescheiterte Fusion"],
        },
        "klinik": {
            "role": ["Gesundheitsministerin", "Klinikdirektor", "Chefärztin", "Amtsarzt"],
            "other_role": ["Vorsitzende der Pflegegewerkschaft", "Gesundheitsökonom", "Patientenbeauftragte",
                           "gesundheitspolitischer Sprecher der Opposition"],
            "org": ["Der Klinikverbund", "Die Gesundheitsbehörde", "Die Ärztekammer"],
            "subject": ["die Notaufnahme", "die Geburtsstation", "das Krankenhaus", "die Fusion",
                        "die Warteliste", "die neue Praxis", "der Nachtdienst"],
            "action": ["nachts schließen", "nach {PLACE2} verlegt werden", "{small} weitere Ärzte einstellen",
                       "im Frühjahr wieder öffnen", "vom Land finanziert werden",
                       "Patienten aus drei Kreisen versorgen", "die Wartezeiten verkürzen"],
            "group": ["Patienten", "Pflegekräfte", "Die Ärzte", "Schwangere"],
            "units": ["Betten", "Stationen", "Operationssäle", "Pflegestellen", "Termine"],
            "status": ["fallen weg", "sind belegt", "wurden gesperrt", "sollen erhalten bleiben",
                       "sind unbesetzt", "wurden verlegt"],
            "were_hit": ["gestrichen worden", "betroffen", "gesperrt worden", "abgesagt worden", "unbesetzt"],
            "background": ["einen Mangel an Fachärzten", "einen kritischen Prüfbericht",
                           "den Tod einer Patientin", "jahrelange Sparrunden"],
        },
    },
    first_names=["Anna", "Jürgen", "Sabine", "Thomas", "Katrin", "Michael", "Ulrike", "Stefan", "Heike",
                 "Markus", "Birgit", "Frank"],
    last_names=["Keller", "Brandstätter", "Hoffmann", "Wagenknecht", "Lehmann", "Oberholzer", "Krüger",
                "Sauer", "Vogt", "Heinemann", "Zimmermann", "Roth"],
    places=["Lindenau", "Hohenfeld", "Bergstetten", "Kronau", "Eschenbach", "Tannheim", "Rosenau", "Felsberg",
            "Birkenwerder", "Steinach"],
    headlines=["{P_last}: {claim}", "{subject} {modal} {action} – Behörden", "Sorge in {PLACE} nach Streit",
               "{PLACE}: {group} {reacted}", "Was über die Lage in {PLACE} bekannt ist"],
    agencies={
        "dpa": (["{PLACE_UP} (dpa) - ", "{PLACE} (dpa) – ", "(dpa) - "],
                ["Von {REPORTER}, dpa", "{REPORTER} (dpa)"]),
        "AFP": (["{PLACE} (AFP) - ", "{PLACE}/Berlin (AFP) – ", "(AFP) "],
                ["Von {REPORTER}, AFP", "{REPORTER}/AFP"]),
        "Reuters": (["{PLACE} (Reuters) - ", "{PLACE}, 23. Nov (Reuters) - ", "(Reuters) - "],
                    ["Von {REPORTER} (Reuters)", "Bericht: {REPORTER}; Redigiert von {REPORTER2}"]),
    },
    outlets=[
        Outlet("Oberland-Kurier", "Tannheim",
               ("Anzeige", "Jetzt den Kurier-Newsletter abonnieren"),
               ("Lesen Sie auch: So bereitet sich die Region auf den Winter vor", "Artikel teilen",
                "© dpa-infocom, dpa:261123-99-412233/3")),
        Outlet("Rosenauer Tagblatt", "Rosenau",
               ("Artikel anhören", "Lokalnachrichten, denen Sie vertrauen"),
               ("Mehr zum Thema: Die Woche in Bildern", "Folgen Sie uns in den sozialen Netzwerken",
                "Alle Rechte vorbehalten. Vervielfältigung nur mit Genehmigung.")),
        Outlet("Bergstettener Anzeiger", "Bergstetten",
               ("Eilmeldungen direkt aufs Handy", "Anzeige"),
               ("Verwandte Themen: Stadtrat beschließt Haushalt für Straßensanierung",
                "Sie haben einen Hinweis? Schreiben Sie uns.", "Mit Material von Reuters")),
        Outlet("Felsberger Nachrichten", "Felsberg",
               ("Newsletter: kostenlos anmelden", "Aktualisiert"),
               ("Die Kommentarfunktion ist für diesen Artikel geschlossen.",
                "Weiterlesen: Die schönsten Märkte", "Copyright AFP. Alle Rechte vorbehalten.")),
        Outlet("Steinacher Zeitung", "Steinach",
               ("Anzeige", "Abonnenten lesen unbegrenzt"),
               ("Meistgelesen: Die zehn schönsten Wanderwege", "Fehler im Artikel melden",
                "Mit Material der dpa")),
        Outlet("Kronauer Abendblatt", "Kronau",
               ("Gesponserter Inhalt", "Der Tag in fünf Minuten"),
               ("Siehe auch: Verkehrsmeldungen fürs Wochenende", "Holen Sie sich die App für Eilmeldungen",
                "Copyright Thomson Reuters")),
    ],
    reporters=["Jana Petersen", "Lukas Brenner", "Miriam Albers", "Tobias Fink", "Carla Winter",
               "Deniz Aydin"],
)
# fmt: on


# --- French ----------------------------------------------------------------------------------------------

# fmt: off
FRENCH = Language(
    code="fr",
    join=" ",
    frames=[
        "{R} {P} a déclaré que {claim}.",
        "{claim}, a indiqué {P_last} {when}.",
        "« {quote} », a affirmé {P_last} {at_where}.",
        "{when}, {crowd} se sont rassemblés {near} de {PLACE}, {crowd_detail}.",
        "{ORG} a annoncé {when} que {n} {units} {status}.",
        "Selon {source}, {n} {units} {were_hit} {since}.",
        "{P_last}, {career}, a ajouté que {claim}.",
        "{Q}, {Q_role}, {disagreed} {claim}.",
        "{small} des {n} {units} {status}, a précisé {source} {when}.",
        "Les autorités ont évalué {cost_kind} à {money} millions d'euros, {comparison}.",
        "{subject} fait l'objet {history} depuis {year}.",
        "{critics} estiment que {claim}.",
        "{decision} intervient après {background}.",
        "{ORG} n'a pas souhaité s'exprimer sur {detail}.",
        "{pct} % des personnes interrogées {poll_result}, selon {poll_source}.",
        "{P_last} doit {next_step} {next_when}.",
        "À {PLACE2}, {aside}.",
        "{group} {reacted}, {reaction}.",
        "« {quote} », a réagi {Q}, {Q_role}.",
        "{when}, {Q_last} {disagreed} {claim}.",
    ],
    local_frames=[
        "À {LOCAL}, {L}, {local_job}, a estimé que {claim}.",
        "{local_count} {units} de {LOCAL} {status}, selon {L_last}.",
        "« {local_quote} », confie {L}, {local_job_short} à {LOCAL}.",
        "Le conseil municipal de {LOCAL} {local_council}.",
        "Les habitants de {LOCAL} {local_reaction}.",
    ],
    pools={
        "when": ["mardi", "lundi soir", "dans la nuit de mardi à mercredi", "cette semaine", "jeudi matin",
                 "lors d'une conférence de presse vendredi", "dimanche", "en début de matinée"],
        "at_where": ["devant la mairie", "dans un communiqué", "lors d'un déplacement à {PLACE}",
                     "dans un entretien", "lors d'une visite à {PLACE2}", "sur la radio locale"],
        "near": ["devant la mairie", "sur la place du marché", "près de la gare", "devant le tribunal",
                 "le long des quais", "devant la salle des fêtes"],
        "crowd": ["plusieurs centaines de personnes", "un petit groupe de manifestants",
                  "des dizaines de familles", "environ {n} personnes", "des commerçants du centre-ville",
                  "de nombreux soutiens"],
        "crowd_detail": ["certains munis de pancartes", "beaucoup accompagnés de leurs enfants",
                         "malgré la pluie", "au son des sifflets", "avant de rejoindre la préfecture",
                         "certains venus spécialement de {PLACE2}"],
        "source": ["les autorités locales", "la préfecture", "la gendarmerie", "un rapport interne",
                   "la sécurité civile", "les premières estimations"],
        "since": ["depuis le week-end", "depuis le début du mois", "ces deux derniers jours",
                  "depuis vendredi", "en une semaine", "depuis le petit matin"],
        "career": ["en poste depuis {year}", "originaire de {PLACE2}", "réélu au printemps dernier",
                   "longtemps cadre dans le privé", "critiqué sur ce dossier l'an dernier",
                   "à la tête de l'institution depuis {small} ans"],
        "disagreed": ["a mis en garde :", "a estimé pour sa part que", "a souligné que", "a rappelé que",
                      "a confié à l'agence que", "s'est montré sceptique :", "a jugé que"],
        "comparison": ["près du double des prévisions initiales", "bien au-delà des estimations précédentes",
                       "à peu près autant que l'an dernier", "un chiffre jugé optimiste par l'opposition",
                       "soit environ un tiers du budget annuel", "sans compter les dossiers d'assurance"],
        "cost_kind": ["le coût des réparations", "le montant total des dégâts", "le coût du plan",
                      "les pertes à ce stade", "le prix du projet"],
        "critics": ["Les élus d'opposition", "Les organisations patronales locales", "Plusieurs riverains",
                    "Les associations écologistes", "Les représentants syndicaux", "Certains économistes",
                    "Des conseillers municipaux"],
        "decision": ["Cette décision", "L'annonce", "Le vote", "Cette mesure", "Le jugement"],
        "detail": ["le calendrier", "les coûts", "les négociations", "le nombre de personnes concernées",
                   "la suite des opérations", "le rapport", "d'éventuelles indemnisations"],
        "poll_result": ["soutiennent le projet", "se disent inquiets", "souhaitent une action plus rapide",
                        "ne croient pas aux chiffres officiels", "envisagent de quitter la région"],
        "poll_source": ["un sondage du quotidien régional", "une enquête publiée lundi",
                        "une étude universitaire", "une consultation en ligne de {n} habitants"],
        "next_when": ["la semaine prochaine", "vendredi", "d'ici la fin du mois", "avant la fin de l'année",
                      "dans les prochains jours"],
        "next_step": ["rencontrer le gouvernement régional", "présenter un nouveau plan",
                      "se rendre dans les zones touchées", "s'exprimer devant le conseil",
                      "annoncer de nouvelles mesures", "se rendre à {PLACE2}"],
        "reacted": ["ont accueilli la nouvelle avec soulagement", "ont réagi avec colère", "restent divisés",
                    "ont salué l'annonce", "se montrent sceptiques"],
        "reaction": ["beaucoup estimant avoir trop attendu", "certains parlant d'un premier pas",
                     "nombre d'entre eux sur les réseaux sociaux", "même si certains restent prudents",
                     "selon la presse locale"],
        "modal": ["devrait", "pourrait", "doit", "devrait encore", "risque de", "ne pourra sans doute pas",
                  "pourrait encore"],
        "claim": ["{subject} {modal} {action}", "{subject} {modal} {action} {when}",
                  "{subject} {modal} {action} malgré {obstacle}",
                  "{subject} {modal} {action} d'ici {deadline}"],
        "deadline": ["la fin du mois", "le printemps", "l'été", "l'an prochain", "la fin de la semaine"],
        "obstacle": ["le coût", "l'opposition au conseil", "la météo", "le manque de personnel",
                     "les recours juridiques", "les retards accumulés"],
        "aside": ["des mesures semblables avaient été prises l'an dernier", "la situation était plus calme",
                  "les écoles sont restées ouvertes", "le conseil municipal s'est réuni en urgence",
                  "les commerces ont été pris d'assaut",
                  "des routes ont été coupées pendant plusieurs heures"],
        "history": ["de vifs débats", "d'un long conflit", "d'une expertise", "de critiques répétées",
                    "d'un bras de fer politique"],
        "quote": ["{quote_open}, {quote_close}", "{quote_open}. {quote_more}"],
        "quote_open": ["Nous faisons tout ce que nous pouvons", "Ce n'est pas ce qu'on avait promis aux gens",
                       "Personne ici n'a jamais vu ça", "Il faut être honnête sur les risques",
                       "Je comprends la colère", "Les chiffres parlent d'eux-mêmes",
                       "Nous alertons depuis des années"],
        "quote_close": ["et nous continuerons jusqu'au bout", "mais cela prendra du temps",
                        "et cela doit changer", "et je ne m'en excuserai pas",
                        "mais les familles méritent des réponses", "donc nous aurons besoin de la région"],
        "quote_more": ["Cela prendra du temps", "Les familles méritent des réponses", "Cela doit changer",
                       "Nous avons besoin de la région", "Personne ne devrait vivre comme ça"],
        "local_job": ["présidente du comité de quartier", "boulanger dans la grand-rue",
                      "conseiller départemental depuis {year}", "institutrice à l'école primaire",
                      "chef des pompiers volontaires"],
        "local_job_short": ["commerçant", "conseillère municipale", "enseignant retraité", "bénévole"],
        "local_count": ["{n}", "Au moins {small}", "Environ {n}"],
        "local_council": ["examinera la question lors de sa prochaine séance", "a ouvert une ligne d'écoute",
                          "dit suivre la situation de près", "a demandé l'aide de la région"],
        "local_reaction": ["veillent sur leurs voisins âgés", "se disent oubliés",
                           "organisent une collecte pour les sinistrés", "n'attendent pas grand changement"],
        "local_quote": ["Les gens ici veulent juste savoir à quoi s'en tenir",
                        "On a déjà traversé ça, on s'en sortira encore", "Ça touche chaque famille de la rue",
                        "Personne de la préfecture n'est venu nous voir"],
    },
    topics={
        "inondation": {
            "role": ["La maire", "Le préfet", "Le commandant des pompiers",
                     "La directrice de la sécurité civile"],
            "other_role": ["hydrologue à l'université", "président de la chambre d'agriculture",
                           "conseillère d'opposition", "ministre régional de l'environnement"],
            "org": ["Le syndicat des eaux", "L'agence de bassin", "La préfecture"],
            "subject": ["la rivière", "la nouvelle digue", "le niveau de l'eau", "le barrage en amont",
                        "le fonds d'urgence", "l'ordre d'évacuation", "le nettoyage"],
            "action": ["repasser sous le seuil d'alerte", "tenir encore une nuit", "être levé",
                       "rouvrir le pont", "couvrir le coût des dégâts", "être étendu aux quartiers nord",
                       "durer plusieurs semaines"],
            "group": ["Les habitants", "Les agriculteurs", "Les commerçants",
                      "Les familles de la ville basse"],
            "units": ["maisons", "exploitations", "routes", "entreprises", "écoles"],
            "status": ["sont restées fermées", "ont été endommagées", "ont été inspectées",
                       "attendaient encore de l'aide", "devaient rouvrir", "ont été évacuées"],
            "were_hit": ["ont été touchées", "ont été inondées", "ont été évacuées",
                         "sont privées d'électricité", "ont été recensées"],
            "background": ["plusieurs jours de pluies intenses", "les pires inondations depuis des décennies",
                           "la rupture d'une digue", "les alertes des météorologues"],
        },
        "greve": {
            "role": ["La secrétaire générale du syndicat", "Le ministre des Transports",
                     "Le négociateur en chef", "La ministre du Travail"],
            "other_role": ["PDG de la compagnie ferroviaire", "économiste du travail",
                           "porte-parole des usagers", "représentante du patronat"],
            "org": ["Le syndicat des cheminots", "La compagnie régionale", "Le ministère du Travail"],
            "subject": ["la grève", "le mouvement", "la nouvelle offre salariale", "la médiation",
                        "la compagnie", "le service de bus de remplacement", "le syndicat"],
            "action": ["se prolonger la semaine prochaine", "être suspendue", "prévoir une hausse de {pct} %",
                       "reprendre lundi", "supprimer la plupart des trains régionaux", "aller en arbitrage",
                       "accepter l'offre"],
            "group": ["Les usagers", "Les conducteurs", "Les étudiants", "Les employeurs"],
            "units": ["trains", "lignes", "gares", "lignes de bus", "liaisons"],
            "status": ["ont été supprimés", "circulaient au ralenti", "étaient fermés", "ont été déviés",
                       "devaient reprendre", "sont restés à quai"],
            "were_hit": ["ont été annulés", "ont été supprimés", "ont été touchés", "ont été retardés",
                         "ont été suspendus"],
            "background": ["des semaines de négociations infructueuses", "un vote des adhérents",
                           "un conflit sur les retraites", "une décision du conseil de prud'hommes"],
        },
        "usine": {
            "role": ["Le PDG", "La ministre de l'Économie", "Le secrétaire du CSE", "La directrice du site"],
            "other_role": ["professeure d'économie industrielle", "président de la chambre de commerce",
                           "responsable syndical", "ministre régional de l'économie"],
            "org": ["Le groupe Keller Automobile", "Les Aciéries du Nord", "La société Aurel Chimie"],
            "subject": ["l'usine", "la fermeture", "l'entreprise", "le repreneur", "la ligne de production",
                        "la subvention", "le plan social"],
            "action": ["supprimer {n} emplois", "rester ouverte jusqu'à l'an prochain",
                       "délocaliser la production", "recevoir une aide publique",
                       "être vendue à un investisseur", "fermer l'atelier de peinture",
                       "garder les apprentis"],
            "group": ["Les salariés", "Les sous-traitants", "Les commerçants du bourg", "Les apprentis"],
            "units": ["emplois", "postes", "contrats", "sous-traitants", "équipes"],
            "status": ["sont supprimés", "sont menacés", "ont été licenciés", "doivent être maintenus",
                       "ont été prolongés", "restent en suspens"],
            "were_hit": ["ont été supprimés", "sont concernés", "ont été licenciés", "ont été délocalisés",
                         "sont menacés"],
            "background": ["une forte baisse des commandes", "la perte de son principal client",
                           "des mois de rumeurs", "l'échec d'une fusion"],
        },
        "hopital": {
            "role": ["La ministre de la Santé", "Le directeur de l'hôpital", "La cheffe de service",
                     "Le médecin de l'agence régionale"],
            "other_role": ["présidente du syndicat infirmier", "économiste de la santé",
                           "défenseure des droits des patients", "porte-parole santé de l'opposition"],
            "org": ["Le groupement hospitalier", "L'agence régionale de santé", "L'ordre des médecins"],
            "subject": ["les urgences", "la maternité", "l'hôpital", "la fusion", "la liste d'attente",
                        "le nouveau cabinet", "le service de nuit"],
            "action": ["fermer la nuit", "être transférée à {PLACE2}", "recruter {small} médecins de plus",
                       "rouvrir au printemps", "être financée par la région",
                       "accueillir les patients de trois cantons", "réduire les délais d'attente"],
            "group": ["Les patients", "Les infirmières", "Les médecins", "Les femmes enceintes"],
            "units": ["lits", "services", "blocs opératoires", "postes d'infirmiers", "rendez-vous"],
            "status": ["sont supprimés", "sont occupés", "ont été fermés", "doivent être maintenus",
                       "restent vacants", "ont été transférés"],
            "were_hit": ["ont été supprimés", "sont concernés", "ont été fermés", "ont été annulés",
                         "restent vacants"],
            "background": ["une pénurie de spécialistes", "un rapport d'inspection sévère",
                           "le décès d'une patiente", "des années de restrictions budgétaires"],
        },
    },
    first_names=["Marie", "Jean", "Claire", "Philippe", "Sophie", "Laurent", "Nathalie", "Olivier",
                 "Isabelle", "Julien", "Camille", "Pierre"],
    last_names=["Lefèvre", "Dumoulin", "Carpentier", "Mercier", "Vasseur", "Delacroix", "Renaud", "Marchand",
                "Fontaine", "Girardot", "Bonnet", "Chevalier"],
    places=["Saint-Aubin-sur-Loire", "Montrevel", "Villeneuve-les-Pins", "Castelmoron", "Beaulieu-en-Vallée",
            "Port-Saline", "La Roche-Haute", "Fontclair", "Mirabel", "Val-d'Ormont"],
    headlines=["{P_last} : {claim}", "{subject} {modal} {action}, selon les autorités",
               "Inquiétude à {PLACE}", "{PLACE} : {group} {reacted}",
               "Ce que l'on sait de la situation à {PLACE}"],
    agencies={
        "AFP": (["{PLACE} (AFP) - ", "{PLACE_UP} (AFP) – ", "(AFP) - "],
                ["{REPORTER}, AFP", "Par {REPORTER} avec AFP"]),
        "Reuters": (["{PLACE} (Reuters) - ", "{PLACE}, 23 novembre (Reuters) - ", "(Reuters) - "],
                    ["par {REPORTER} (Reuters)", "Rédigé par {REPORTER}, édité par {REPORTER2}"]),
        "Belga": (["{PLACE} (Belga) - ", "{PLACE_UP} (BELGA) ", "(Belga) "],
                  ["{REPORTER} (Belga)", "Belga, {REPORTER}"]),
    },
    outlets=[
        Outlet("Le Courrier de la Vallée", "Fontclair",
               ("Publicité", "Inscrivez-vous à notre lettre du matin"),
               ("À lire aussi : comment la région se prépare à l'hiver", "Partager cet article",
                "Tous droits de reproduction réservés. © AFP")),
        Outlet("La Gazette de Mirabel", "Mirabel",
               ("Écouter cet article", "L'info locale de confiance"),
               ("Plus d'infos : la semaine en images", "Suivez-nous sur les réseaux sociaux",
                "Reproduction interdite sans autorisation.")),
        Outlet("L'Écho du Port", "Port-Saline",
               ("Alertes info : soyez les premiers informés", "Publicité"),
               ("Sur le même sujet : le conseil vote le budget des routes", "Une info ? Écrivez-nous.",
                "Avec Reuters")),
        Outlet("Le Républicain de Montrevel", "Montrevel",
               ("Newsletter gratuite", "Mis à jour"),
               ("Les commentaires sont fermés.", "Lire la suite : les plus beaux marchés",
                "Copyright Belga")),
        Outlet("Castelmoron Matin", "Castelmoron",
               ("Publicité", "Abonnés : accès illimité"),
               ("Les plus lus : dix balades autour de Castelmoron", "Signaler une erreur", "Avec AFP")),
        Outlet("Le Journal d'Ormont", "Val-d'Ormont",
               ("Contenu sponsorisé", "L'essentiel en cinq minutes"),
               ("Voir aussi : circulation du week-end", "Téléchargez l'application",
                "Copyright Thomson Reuters")),
    ],
    reporters=["Hélène Roux", "Antoine Perrin", "Léa Gauthier", "Mathieu Blanc", "Inès Haddad",
               "Romain Lucas"],
)
# fmt: on


# --- Spanish ---------------------------------------------------------------------------------------------

# fmt: off
SPANISH = Language(
    code="es",
    join=" ",
    frames=[
        "{R} {P} afirmó que {claim}.",
        "{claim}, indicó {P_last} {when}.",
        "«{quote}», aseguró {P_last} {at_where}.",
        "{when}, {crowd} se concentraron {near} de {PLACE}, {crowd_detail}.",
        "{ORG} informó {when} de que {n} {units} {status}.",
        "Según {source}, {n} {units} {were_hit} {since}.",
        "{P_last}, {career}, añadió que {claim}.",
        "{Q}, {Q_role}, {disagreed} {claim}.",
        "{small} de los {n} {units} {status}, precisó {source} {when}.",
        "Las autoridades cifraron {cost_kind} en {money} millones de euros, {comparison}.",
        "{subject} es objeto de {history} desde {year}.",
        "{critics} sostienen que {claim}.",
        "{decision} llega tras {background}.",
        "{ORG} declinó pronunciarse sobre {detail}.",
        "El {pct} % de los encuestados {poll_result}, según {poll_source}.",
        "{P_last} tiene previsto {next_step} {next_when}.",
        "En {PLACE2}, {aside}.",
        "{group} {reacted}, {reaction}.",
        "«{quote}», señaló {Q}, {Q_role}.",
        "{when}, {Q_last} {disagreed} {claim}.",
    ],
    local_frames=[
        "En {LOCAL}, {L}, {local_job}, opinó que {claim}.",
        "{local_count} {units} de {LOCAL} {status}, según {L_last}.",
        "«{local_quote}», explica {L}, {local_job_short} de {LOCAL}.",
        "El ayuntamiento de {LOCAL} {local_council}.",
        "Los vecinos de {LOCAL} {local_reaction}.",
    ],
    pools={
        "when": ["el martes", "el lunes por la noche", "en la madrugada del miércoles", "esta semana",
                 "el jueves por la mañana", "en una rueda de prensa el viernes", "el domingo",
                 "a primera hora"],
        "at_where": ["frente al ayuntamiento", "en un comunicado", "durante una visita a {PLACE}",
                     "en una entrevista", "en un acto en {PLACE2}", "en la radio local"],
        "near": ["frente al ayuntamiento", "en la plaza mayor", "junto a la estación", "ante los juzgados",
                 "en el paseo del río", "frente al centro cívico"],
        "crowd": ["varios cientos de personas", "un pequeño grupo de manifestantes", "decenas de familias",
                  "unas {n} personas", "comerciantes del centro", "numerosos simpatizantes"],
        "crowd_detail": ["algunos con pancartas caseras", "muchos acompañados de sus hijos",
                         "pese a la lluvia", "entre silbidos y banderas",
                         "antes de marchar hacia la delegación del Gobierno",
                         "algunos llegados desde {PLACE2}"],
        "source": ["las autoridades locales", "la Guardia Civil", "la delegación del Gobierno",
                   "un informe interno", "Protección Civil", "las primeras estimaciones"],
        "since": ["desde el fin de semana", "desde principios de mes", "en los dos últimos días",
                  "desde el viernes", "en una semana", "desde primera hora"],
        "career": ["en el cargo desde {year}", "natural de {PLACE2}", "reelegido la pasada primavera",
                   "con una larga carrera en el sector privado", "criticado por este asunto el año pasado",
                   "al frente de la institución desde hace {small} años"],
        "disagreed": ["advirtió de que", "opinó en cambio que", "subrayó que", "recordó que",
                      "dijo a la agencia que", "se mostró escéptico:", "consideró que"],
        "comparison": ["casi el doble de lo previsto", "muy por encima de las estimaciones anteriores",
                       "aproximadamente lo mismo que el año pasado",
                       "una cifra que la oposición tacha de optimista",
                       "alrededor de un tercio del presupuesto anual",
                       "sin contar las reclamaciones a los seguros"],
        "cost_kind": ["el coste de las reparaciones", "los daños totales", "el coste del plan",
                      "las pérdidas hasta ahora", "el precio del proyecto"],
        "critics": ["La oposición", "Las patronales locales", "Varios vecinos", "Los grupos ecologistas",
                    "Los representantes sindicales", "Algunos economistas", "Concejales del pleno"],
        "decision": ["La decisión", "El anuncio", "La votación", "La medida", "La sentencia"],
        "detail": ["el calendario", "los costes", "las negociaciones", "el número de afectados",
                   "los próximos pasos", "el informe", "posibles indemnizaciones"],
        "poll_result": ["apoya el plan", "se declara preocupado", "pide una actuación más rápida",
                        "desconfía de las cifras oficiales", "se plantea abandonar la zona"],
        "poll_source": ["una encuesta del diario regional", "un sondeo publicado el lunes",
                        "un estudio universitario", "una consulta en línea a {n} vecinos"],
        "next_when": ["la próxima semana", "el viernes", "antes de fin de mes", "antes de que acabe el año",
                      "en los próximos días"],
        "next_step": ["reunirse con el Gobierno regional", "presentar un nuevo plan",
                      "visitar las zonas afectadas", "comparecer ante el pleno", "anunciar nuevas medidas",
                      "viajar a {PLACE2}"],
        "reacted": ["recibieron la noticia con alivio", "reaccionaron con indignación", "están divididos",
                    "celebraron el anuncio", "se muestran escépticos"],
        "reaction": ["muchos aseguran que han esperado demasiado", "algunos hablan de un primer paso",
                     "muchos de ellos en las redes sociales", "aunque algunos se muestran prudentes",
                     "según la prensa local"],
        "modal": ["debería", "podría", "tiene que", "podría todavía", "corre el riesgo de",
                  "difícilmente podrá", "se ha comprometido a"],
        "claim": ["{subject} {modal} {action}", "{subject} {modal} {action} {when}",
                  "{subject} {modal} {action} pese a {obstacle}",
                  "{subject} {modal} {action} antes de {deadline}"],
        "deadline": ["fin de mes", "la primavera", "el verano", "el año que viene", "el fin de semana"],
        "obstacle": ["el coste", "la oposición en el pleno", "el mal tiempo", "la falta de personal",
                     "los recursos judiciales", "los retrasos acumulados"],
        "aside": ["ya se aplicaron medidas similares el año pasado", "la situación era más tranquila",
                  "los colegios siguieron abiertos", "el ayuntamiento convocó un pleno de urgencia",
                  "los comercios registraron una avalancha de clientes",
                  "varias carreteras estuvieron cortadas durante horas"],
        "history": ["un intenso debate", "un largo conflicto", "una revisión técnica", "críticas reiteradas",
                    "un pulso político"],
        "quote": ["{quote_open}, {quote_close}", "{quote_open}. {quote_more}"],
        "quote_open": ["Estamos haciendo todo lo que podemos", "Esto no es lo que se le prometió a la gente",
                       "Nadie aquí había visto nada igual", "Hay que ser honestos sobre los riesgos",
                       "Entiendo el enfado", "Las cifras hablan por sí solas", "Llevamos años advirtiéndolo"],
        "quote_close": ["y seguiremos hasta terminar el trabajo", "pero llevará tiempo",
                        "y eso tiene que cambiar", "y no voy a pedir perdón por ello",
                        "pero las familias merecen respuestas", "así que necesitaremos ayuda de la región"],
        "quote_more": ["Llevará tiempo", "Las familias merecen respuestas", "Eso tiene que cambiar",
                       "Necesitamos ayuda de la región", "Nadie debería vivir así"],
        "local_job": ["presidenta de la asociación de vecinos", "panadero en la calle mayor",
                      "concejal desde {year}", "maestra en el colegio público",
                      "jefe de los bomberos voluntarios"],
        "local_job_short": ["comerciante", "concejala", "maestro jubilado", "voluntaria"],
        "local_count": ["{n}", "Al menos {small}", "Unos {n}"],
        "local_council": ["abordará el asunto en el próximo pleno", "ha habilitado un teléfono de ayuda",
                          "asegura seguir la situación de cerca", "ha pedido ayuda a la región"],
        "local_reaction": ["se turnan para atender a los vecinos mayores", "se sienten olvidados",
                           "organizan una colecta para los afectados", "no esperan grandes cambios"],
        "local_quote": ["La gente aquí solo quiere saber a qué atenerse",
                        "Ya pasamos por esto y saldremos adelante otra vez",
                        "Afecta a todas las familias de la calle", "Nadie del Gobierno ha venido a vernos"],
    },
    topics={
        "riada": {
            "role": ["La alcaldesa", "El delegado del Gobierno", "El jefe de bomberos",
                     "La directora de emergencias"],
            "other_role": ["hidróloga de la universidad", "presidente de la cooperativa agrícola",
                           "concejala de la oposición", "consejero regional de Medio Ambiente"],
            "org": ["La Confederación Hidrográfica", "El servicio de emergencias",
                    "La delegación del Gobierno"],
            "subject": ["el río", "el nuevo muro de contención", "el nivel del agua", "la presa de cabecera",
                        "el fondo de emergencia", "la orden de evacuación", "la limpieza"],
            "action": ["bajar del umbral de alerta", "aguantar otra noche", "levantarse", "reabrir el puente",
                       "cubrir el coste de los daños", "extenderse a los barrios del norte",
                       "durar varias semanas"],
            "group": ["Los vecinos", "Los agricultores", "Los comerciantes", "Las familias de la parte baja"],
            "units": ["viviendas", "explotaciones", "carreteras", "negocios", "colegios"],
            "status": ["siguen cerradas", "sufrieron daños", "han sido inspeccionadas",
                       "esperaban todavía ayuda", "debían reabrir", "han sido desalojadas"],
            "were_hit": ["se han visto afectadas", "resultaron inundadas", "fueron desalojadas",
                         "se quedaron sin luz", "han sido contabilizadas"],
            "background": ["varios días de lluvias torrenciales", "la peor riada en décadas",
                           "la rotura de un dique", "los avisos de los meteorólogos"],
        },
        "huelga": {
            "role": ["La secretaria general del sindicato", "El ministro de Transportes",
                     "El jefe negociador", "La ministra de Trabajo"],
            "other_role": ["consejero delegado de la operadora ferroviaria", "economista laboral",
                           "portavoz de la asociación de usuarios", "representante de la patronal"],
            "org": ["El sindicato ferroviario", "La operadora regional", "El Ministerio de Trabajo"],
            "subject": ["la huelga", "el paro", "la nueva oferta salarial", "la mediación", "la operadora",
                        "el servicio de autobuses alternativo", "el sindicato"],
            "action": ["prolongarse la próxima semana", "desconvocarse", "incluir una subida del {pct} %",
                       "reanudarse el lunes", "suprimir la mayoría de los trenes regionales",
                       "ir a un arbitraje", "aceptar la oferta"],
            "group": ["Los viajeros", "Los maquinistas", "Los estudiantes", "Los empresarios"],
            "units": ["trenes", "líneas", "estaciones", "líneas de autobús", "conexiones"],
            "status": ["fueron suprimidos", "circulaban con retrasos", "estaban cerradas", "fueron desviados",
                       "debían reanudarse", "quedaron vacíos"],
            "were_hit": ["fueron cancelados", "se suprimieron", "se vieron afectados", "sufrieron retrasos",
                         "quedaron suspendidos"],
            "background": ["semanas de negociaciones fallidas", "una votación de los afiliados",
                           "un conflicto por las pensiones", "una sentencia del juzgado de lo social"],
        },
        "fabrica": {
            "role": ["El consejero delegado", "La ministra de Economía",
                     "El presidente del comité de empresa", "La directora de la planta"],
            "other_role": ["catedrática de economía industrial", "presidente de la cámara de comercio",
                           "responsable sindical", "consejero regional de Economía"],
            "org": ["El grupo Keller Automoción", "Aceros del Norte", "Químicas Aurel"],
            "subject": ["la fábrica", "el cierre", "la empresa", "el nuevo propietario",
                        "la línea de producción", "la subvención", "el expediente de regulación"],
            "action": ["recortar {n} empleos", "seguir abierta hasta el año que viene",
                       "trasladar la producción al extranjero", "recibir ayudas públicas",
                       "venderse a un inversor", "cerrar el taller de pintura", "mantener a los aprendices"],
            "group": ["Los trabajadores", "Los proveedores", "Los comerciantes del pueblo", "Los aprendices"],
            "units": ["empleos", "puestos", "contratos", "proveedores", "turnos"],
            "status": ["desaparecen", "están en peligro", "fueron despedidos", "se mantendrán",
                       "se han prorrogado", "siguen en el aire"],
            "were_hit": ["han desaparecido", "se ven afectados", "fueron despedidos", "se trasladaron",
                         "están amenazados"],
            "background": ["una fuerte caída de los pedidos", "la pérdida de su mayor cliente",
                           "meses de rumores", "una fusión fallida"],
        },
        "hospital": {
            "role": ["La consejera de Sanidad", "El director del hospital", "La jefa de servicio",
                     "El inspector médico"],
            "other_role": ["presidenta del sindicato de enfermería", "economista de la salud",
                           "defensora de los pacientes", "portavoz de Sanidad de la oposición"],
            "org": ["El consorcio hospitalario", "El servicio regional de salud", "El colegio de médicos"],
            "subject": ["las urgencias", "el paritorio", "el hospital", "la fusión", "la lista de espera",
                        "el nuevo centro de salud", "el turno de noche"],
            "action": ["cerrar por la noche", "trasladarse a {PLACE2}", "contratar a {small} médicos más",
                       "reabrir en primavera", "financiarse con fondos regionales",
                       "atender a pacientes de tres comarcas", "reducir los tiempos de espera"],
            "group": ["Los pacientes", "Las enfermeras", "Los médicos", "Las embarazadas"],
            "units": ["camas", "plantas", "quirófanos", "plazas de enfermería", "citas"],
            "status": ["desaparecen", "están ocupadas", "fueron cerradas", "se mantendrán", "siguen vacantes",
                       "se trasladaron"],
            "were_hit": ["se han suprimido", "se ven afectadas", "fueron cerradas", "se anularon",
                         "siguen vacantes"],
            "background": ["la falta de especialistas", "un duro informe de inspección",
                           "la muerte de una paciente", "años de recortes"],
        },
    },
    first_names=["María", "José", "Carmen", "Javier", "Lucía", "Manuel", "Elena", "Francisco", "Pilar",
                 "Andrés", "Marta", "Raúl"],
    last_names=["García Olmedo", "Fernández", "Iturralde", "Martín", "Santamaría", "Herrero", "Villalobos",
                "Echeverría", "Navarro", "Cifuentes", "Domínguez", "Prieto"],
    places=["Villaseca del Río", "Puerto Alcaraz", "Santa Irene", "Valdemora", "Castrillo de Arriba",
            "La Almena", "Torrealba", "Fuentesol", "Mirabrava", "San Telmo de la Sierra"],
    headlines=["{P_last}: {claim}", "{subject} {modal} {action}, según las autoridades",
               "Preocupación en {PLACE}", "{PLACE}: {group} {reacted}",
               "Lo que se sabe de la situación en {PLACE}"],
    agencies={
        "EFE": (["{PLACE}, 23 nov (EFE).- ", "{PLACE_UP} (EFE) — ", "(EFE) "],
                ["{REPORTER} (EFE)", "Por {REPORTER}, EFE"]),
        "Europa Press": (["{PLACE_UP}, 23 (EUROPA PRESS) ", "{PLACE} (Europa Press) - ", "(Europa Press) "],
                         ["{REPORTER} | Europa Press", "Europa Press, {REPORTER}"]),
        "AFP": (["{PLACE} (AFP) - ", "{PLACE_UP} (AFP) – ", "(AFP) "],
                ["{REPORTER}, AFP", "Por {REPORTER} con AFP"]),
    },
    outlets=[
        Outlet("Diario de la Almena", "La Almena",
               ("Publicidad", "Suscríbete a nuestro boletín matinal"),
               ("Lee también: así se prepara la comarca para el invierno", "Compartir esta noticia",
                "© Agencia EFE. Prohibida la reproducción total o parcial.")),
        Outlet("El Heraldo de Torrealba", "Torrealba",
               ("Escuchar la noticia", "Información local de confianza"),
               ("Más información: la semana en imágenes", "Síguenos en las redes sociales",
                "Todos los derechos reservados.")),
        Outlet("La Voz de Fuentesol", "Fuentesol",
               ("Alertas: entérate antes que nadie", "Publicidad"),
               ("Relacionado: el pleno aprueba el presupuesto de carreteras",
                "¿Tienes una noticia? Escríbenos.", "Con información de AFP")),
        Outlet("Noticias de Valdemora", "Valdemora",
               ("Boletín gratuito", "Actualizado"),
               ("Los comentarios están cerrados.", "Sigue leyendo: los mejores mercados",
                "(c) Europa Press")),
        Outlet("El Correo de Mirabrava", "Mirabrava",
               ("Publicidad", "Suscriptores: acceso ilimitado"),
               ("Lo más leído: diez rutas cerca de Mirabrava", "Comunicar un error",
                "Con información de EFE")),
        Outlet("Crónica de Puerto Alcaraz", "Puerto Alcaraz",
               ("Contenido patrocinado", "Lo esencial en cinco minutos"),
               ("Ver también: el tráfico del fin de semana", "Descarga la aplicación",
                "Copyright Europa Press")),
    ],
    reporters=["Ana Belén Ruiz", "Sergio Campos", "Nuria Vidal", "Diego Salas", "Laura Méndez",
               "Óscar Pardo"],
)
# fmt: on


# --- Japanese --------------------------------------------------------------------------------------------

# fmt: off
JAPANESE = Language(
    code="ja",
    join="",
    frames=[
        "{R}の{P}氏は{when}、{claim}と述べた。",
        "{P_last}氏は{when}、記者団に対し{claim}との見通しを示した。",
        "{P_last}氏は{at_where}「{quote}」と語った。",
        "{when}、{PLACE}の{near}には{crowd}が集まり、{crowd_detail}。",
        "{ORG}は{when}、{n}{units}が{status}と発表した。",
        "{source}によると、{since}{n}{units}が{were_hit}という。",
        "{career}{P_last}氏は、{claim}と付け加えた。",
        "{Q_role}の{Q}氏は{claim}と{disagreed}。",
        "{n}{units}のうち{pct}%が{status}と、{source}が{when}明らかにした。",
        "当局は{cost_kind}を{money}億円と見積もっており、{comparison}。",
        "{subject}をめぐっては、{year}年以降{history}。",
        "{critics}は{claim}と主張している。",
        "今回の{decision}は{background}を受けたものだ。",
        "{ORG}の広報担当者は{detail}について{declined}。",
        "{poll_source}では、回答者の{pct}%が{poll_result}と答えた。",
        "{P_last}氏は{next_when}{next_step}予定だ。",
        "{PLACE2}では{aside}。",
        "{group}は{reacted}、{reaction}。",
        "{Q_role}の{Q}氏は「{quote}」と話した。",
        "{when}、{Q_last}氏は{claim}と{disagreed}。",
    ],
    local_frames=[
        "{LOCAL}では、{local_job}の{L}さんが「{local_quote}」と話した。",
        "{LOCAL}でも{n}{units}が{status}と、{L_last}さんは説明した。",
        "{LOCAL}議会は{local_council}。",
        "{LOCAL}の住民は{local_reaction}。",
    ],
    pools={
        "when": ["23日", "22日夜", "24日未明", "今週", "23日朝", "24日の記者会見で", "週末", "同日早朝"],
        "at_where": ["市役所前で", "声明で", "{PLACE}での記者会見で", "インタビューで",
                     "{PLACE2}を訪れた際に", "地元ラジオ番組で"],
        "near": ["市役所前", "駅前広場", "中央駅周辺", "裁判所前", "川沿いの遊歩道", "公民館前"],
        "crowd": ["数百人の住民", "少数の抗議者", "数十の家族", "約{n}人", "商店街の店主ら", "多くの支援者"],
        "crowd_detail": ["手作りのプラカードを掲げる人もいた", "子ども連れの姿も目立った",
                         "雨の中で声を上げた", "旗を振りながら行進した", "その後県庁まで歩いた",
                         "{PLACE2}から駆けつけた人もいた"],
        "source": ["地元当局", "警察", "県の担当者", "内部資料", "消防当局", "速報値"],
        "since": ["週末以降", "今月に入って", "この2日間で", "金曜日から", "この1週間で", "早朝から"],
        "career": ["{year}年に就任した", "{PLACE2}出身の", "昨春再選された", "民間企業で長く働いた",
                   "昨年この問題で批判を受けた", "{small}年前から組織を率いる"],
        "disagreed": ["指摘した", "懸念を示した", "強調した", "疑問を呈した", "警告した", "反論した"],
        "comparison": ["当初の想定のほぼ2倍に上る", "従来の推計を大きく上回る", "昨年とほぼ同じ水準だ",
                       "野党は楽観的すぎると批判している", "年間予算の約3分の1に相当する",
                       "保険金の請求分は含まれていない"],
        "cost_kind": ["修復費用", "被害総額", "計画の費用", "これまでの損失", "事業費"],
        "critics": ["野党議員", "地元経済団体", "複数の住民", "環境団体", "労働組合の代表", "一部の経済学者",
                    "市議会議員の一部"],
        "decision": ["決定", "発表", "採決", "措置", "判決"],
        "detail": ["日程", "費用", "交渉の行方", "影響を受けた人数", "今後の対応", "報告書の内容",
                   "補償の可能性"],
        "declined": ["コメントを控えた", "明言を避けた", "回答しなかった", "詳細を明らかにしなかった",
                     "「現時点では答えられない」と述べた"],
        "poll_source": ["地元紙の世論調査", "22日公表の調査", "大学の研究",
                        "住民{n}人を対象にしたオンライン調査"],
        "poll_result": ["計画を支持する", "状況を不安に感じている", "より迅速な対応を求める",
                        "公式の数字を信用していない", "地域を離れることを検討している"],
        "next_when": ["来週", "金曜日に", "月内に", "年内に", "近日中に"],
        "next_step": ["県知事と会談する", "新たな計画を発表する", "被災地を視察する", "議会で説明する",
                      "追加の対策を表明する", "{PLACE2}を訪問する"],
        "reacted": ["安堵の表情を見せ", "怒りをあらわにし", "賛否が分かれ", "発表を歓迎し",
                    "懐疑的な見方を示し"],
        "reaction": ["「待たされすぎた」との声が上がった", "「第一歩だ」と評価する人もいた",
                     "SNS上でも反応が相次いだ", "慎重な姿勢を崩さない人もいた", "地元メディアが伝えた"],
        "aside": ["昨年も同様の措置が取られた", "状況は落ち着いているという", "学校は通常通り授業を行った",
                  "町議会が緊急会合を開いた", "商店には買い物客が殺到した",
                  "道路が数時間にわたって通行止めとなった"],
        "history": ["議論が続いている", "対立が続いてきた", "見直しが進められてきた", "地域を二分してきた",
                    "老朽化が指摘されてきた"],
        "claim": ["{subject}は{action}", "{subject}は{deadline}までに{action}",
                  "{obstacle}にもかかわらず{subject}は{action}", "{subject}は{action}可能性がある",
                  "{subject}は{action}見通しだ"],
        "deadline": ["月末", "春", "夏", "来年", "週末"],
        "obstacle": ["費用の問題", "議会の反対", "悪天候", "人手不足", "法的な異議", "これまでの遅れ"],
        "quote": ["{quote_open}。{quote_more}"],
        "quote_open": ["できることはすべてやっている", "住民に約束されたことと違う",
                       "こんな光景は誰も見たことがない", "リスクについては正直に話さなければならない",
                       "不満はよく理解している", "数字がすべてを物語っている", "何年も前から警告してきた"],
        "quote_more": ["時間はかかる", "家族には答えを知る権利がある", "これは変えなければならない",
                       "県の支援が必要だ", "誰もこんな暮らしをするべきではない"],
        "local_job": ["自治会長", "商店街でパン店を営む", "{year}年から町議を務める", "小学校教諭",
                      "消防団長"],
        "local_council": ["次の定例会でこの問題を取り上げる方針だ", "相談窓口を設置した",
                          "状況を注視しているとしている", "県に支援を要請した"],
        "local_reaction": ["高齢の隣人の見守りを続けている", "「取り残された」と感じている",
                           "被災者のための募金を始めた", "大きな変化は期待していないという"],
        "local_quote": ["ここの人たちは、これからどうなるのか知りたいだけだ",
                        "前にも乗り越えた。今度も乗り越えられる", "この通りのすべての家族に関わる問題だ",
                        "県からはまだ誰も来ていない"],
    },
    topics={
        "kozui": {
            "role": ["市長", "知事", "消防局長", "危機管理監"],
            "other_role": ["大学の水文学者", "農協の組合長", "野党の市議", "県の環境部長"],
            "org": ["県河川事務所", "流域管理局", "県危機管理課"],
            "subject": ["川の水位", "新しい堤防", "上流のダム", "緊急支援基金", "避難指示", "復旧作業",
                        "仮設住宅の建設"],
            "action": ["警戒水位を下回る", "今夜も持ちこたえる", "解除される", "橋の通行を再開する",
                       "被害の費用を賄う", "北部地区にも拡大される", "数週間かかる"],
            "group": ["住民", "農家", "商店主", "下町の家族"],
            "units": ["棟の住宅", "軒の農家", "本の道路", "社の事業所", "校の学校"],
            "status": ["閉鎖されたままだ", "被害を受けた", "点検を終えた", "支援を待っている",
                       "再開する見通しだ", "片付けが終わった"],
            "were_hit": ["浸水した", "被害を受けた", "避難した", "停電した", "確認された"],
            "background": ["数日間続いた大雨", "数十年で最悪の洪水", "堤防の決壊", "気象台の警告"],
        },
        "suto": {
            "role": ["労組委員長", "国土交通相", "交渉責任者", "厚生労働相"],
            "other_role": ["鉄道会社の社長", "労働経済学者", "利用者団体の代表", "経営者団体の幹部"],
            "org": ["鉄道労組", "地方鉄道会社", "労働局"],
            "subject": ["ストライキ", "労組", "新たな賃上げ案", "調停", "鉄道会社", "代行バス", "交渉"],
            "action": ["来週まで続く", "中止される", "{pct}%の賃上げを盛り込む", "月曜日に再開する",
                       "地方路線の大半を運休する", "仲裁に持ち込まれる", "提案を受け入れる"],
            "group": ["通勤客", "運転士", "学生", "経営側"],
            "units": ["本の列車", "の路線", "の駅", "系統のバス", "便"],
            "status": ["運休した", "本数を減らして運行した", "閉鎖された", "迂回運転となった",
                       "運行を再開する予定だ", "がらがらだった"],
            "were_hit": ["運休した", "取りやめになった", "影響を受けた", "遅れた", "停止した"],
            "background": ["数週間に及ぶ交渉の決裂", "組合員による投票", "年金をめぐる対立",
                           "労働委員会の命令"],
        },
        "kojo": {
            "role": ["社長", "経済産業相", "労組支部長", "工場長"],
            "other_role": ["産業経済学の教授", "商工会議所の会頭", "労組幹部", "県の産業労働部長"],
            "org": ["ケラー自動車", "北日本製鉄", "オーレル化学"],
            "subject": ["工場", "閉鎖計画", "同社", "新たな買い手", "生産ライン", "補助金", "人員削減計画"],
            "action": ["{n}人を削減する", "来年まで操業を続ける", "生産を海外に移す", "公的支援を受ける",
                       "投資会社に売却される", "塗装工場を閉鎖する", "見習い社員の雇用を維持する"],
            "group": ["従業員", "取引先", "地元の商店", "見習い社員"],
            "units": ["人の雇用", "件の契約", "社の取引先", "組のシフト", "人分のポスト"],
            "status": ["失われる", "危機にさらされている", "解雇された", "維持される見通しだ", "延長された",
                       "宙に浮いている"],
            "were_hit": ["削減された", "影響を受けた", "解雇された", "移管された", "脅かされている"],
            "background": ["受注の急減", "最大の取引先の喪失", "数か月に及ぶ憶測", "合併の失敗"],
        },
        "byoin": {
            "role": ["厚生労働相", "病院長", "診療部長", "保健所長"],
            "other_role": ["看護師労組の委員長", "医療経済学者", "患者団体の代表", "野党の厚生担当議員"],
            "org": ["県立病院機構", "地域医療局", "県医師会"],
            "subject": ["救急外来", "産科病棟", "病院", "統合計画", "待機リスト", "新しい診療所", "夜間診療"],
            "action": ["夜間は閉鎖される", "{PLACE2}に移転する", "医師を{small}人増員する", "春に再開する",
                       "県の予算で運営される", "三つの郡の患者を受け入れる", "待ち時間を短縮する"],
            "group": ["患者", "看護師", "医師", "妊婦"],
            "units": ["床の病床", "か所の病棟", "室の手術室", "人分の看護職", "件の予約"],
            "status": ["削減される", "満床だ", "閉鎖された", "維持される見通しだ", "空席のままだ",
                       "移された"],
            "were_hit": ["削減された", "影響を受けた", "閉鎖された", "取り消された", "空席となった"],
            "background": ["専門医の不足", "厳しい監査報告", "患者の死亡", "長年の予算削減"],
        },
    },
    first_names=["健一", "美咲", "大輔", "由美", "翔太", "恵子", "直樹", "彩", "誠", "陽子", "隆", "真由美"],
    last_names=["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田",
                "山口"],
    places=["北浜市", "桜川町", "南沢村", "白鳥市", "青葉町", "東雲市", "緑ヶ丘町", "朝霧市", "川原町",
            "霧島台市"],
    headlines=["{P_last}氏「{quote_more}」", "{subject}、{action}見通し", "{PLACE}に広がる不安",
               "{background}で揺れる{PLACE}", "{PLACE}の状況、わかっていること"],
    agencies={
        "共同": (["【{PLACE}共同】", "{PLACE}（共同）", "【共同】"],
                 ["共同通信 {REPORTER}", "（共同通信）"]),
        "時事": (["【{PLACE}時事】", "{PLACE}時事　", "（時事）"],
                 ["時事通信 {REPORTER}", "（時事）"]),
        "AFP時事": (["【{PLACE}AFP時事】", "【AFP時事】", "{PLACE}発AFP時事　"],
                    ["AFP時事 {REPORTER}", "（AFP時事）"]),
    },
    outlets=[
        Outlet("北浜新報", "北浜市",
               ("広告", "ニュースレターに登録する"),
               ("関連記事：冬に備える地域の取り組み", "この記事をシェアする", "無断転載・複製を禁じます。")),
        Outlet("桜川日報", "桜川町",
               ("この記事を音声で聞く", "信頼できる地元ニュース"),
               ("もっと読む：今週の写真", "SNSで最新情報をフォロー", "Copyright © 2026 共同通信社")),
        Outlet("白鳥タイムス", "白鳥市",
               ("速報をいち早く", "広告"),
               ("関連：市議会、道路補修予算を可決", "情報提供はこちら",
                "AFP時事の配信記事を一部引用しています")),
        Outlet("東雲新聞", "東雲市",
               ("無料ニュースレター", "更新"),
               ("この記事へのコメントは受け付けていません", "続きを読む：週末の市場めぐり",
                "時事通信社の許可なく転載することを禁じます")),
        Outlet("朝霧ジャーナル", "朝霧市",
               ("広告", "会員は記事が読み放題"),
               ("よく読まれている記事：朝霧周辺の散策コース10選", "誤りを報告する",
                "共同通信の配信記事です")),
        Outlet("川原タイムズ", "川原町",
               ("PR", "5分でわかる今日のニュース"),
               ("あわせて読みたい：週末の交通情報", "アプリで速報を受け取る", "(C) 時事通信社")),
    ],
    reporters=["松本亜紀", "井上拓也", "木村沙織", "林浩二", "清水舞", "森田圭"],
    name_order=lambda first, last: f"{last}{first}",
    capitalize=False,
)
# fmt: on


# --- Chinese ---------------------------------------------------------------------------------------------

# fmt: off
CHINESE = Language(
    code="zh",
    join="",
    frames=[
        "{R}{P}{when}表示，{claim}。",
        "{P}{when}对记者说，{claim}。",
        "{P}{at_where}说：“{quote}。”",
        "{when}，{crowd}聚集在{PLACE}{near}，{crowd_detail}。",
        "{ORG}{when}发布消息称，{n}{units}{status}。",
        "据{source}介绍，{since}已有{n}{units}{were_hit}。",
        "{career}的{P}补充说，{claim}。",
        "{Q_role}{Q}则{disagreed}，{claim}。",
        "在{n}{units}中，有{pct}%{status}，{source}{when}透露。",
        "官方估计{cost_kind}达{money}亿元，{comparison}。",
        "{subject}自{year}年以来{history}。",
        "{critics}认为，{claim}。",
        "此次{decision}是在{background}之后作出的。",
        "{ORG}发言人对{detail}{declined}。",
        "{poll_source}显示，{pct}%的受访者{poll_result}。",
        "{P}预计将于{next_when}{next_step}。",
        "在{PLACE2}，{aside}。",
        "{group}{reacted}，{reaction}。",
        "“{quote}。”{Q_role}{Q}说。",
        "{when}，{Q}{disagreed}，{claim}。",
    ],
    local_frames=[
        "在{LOCAL}，{local_job}{L}说：“{local_quote}。”",
        "{L}表示，{LOCAL}也有{n}{units}{status}。",
        "{LOCAL}政府{local_council}。",
        "{LOCAL}的居民{local_reaction}。",
    ],
    pools={
        "when": ["23日", "22日晚间", "24日凌晨", "本周", "23日上午", "在24日举行的新闻发布会上", "周末",
                 "当天早些时候"],
        "at_where": ["在市政府门前", "在一份声明中", "在{PLACE}视察时", "在接受采访时", "在{PLACE2}考察期间",
                     "在当地电台节目中"],
        "near": ["市政府门前", "中心广场", "火车站附近", "法院门口", "滨江步道", "社区活动中心外"],
        "crowd": ["数百名民众", "一小群抗议者", "数十个家庭", "约{n}人", "商业街的店主们", "大批支持者"],
        "crowd_detail": ["一些人举着自制标语", "不少人带着孩子", "冒雨坚持了数小时", "挥舞旗帜高喊口号",
                         "随后前往区政府", "有人专程从{PLACE2}赶来"],
        "source": ["当地政府", "警方", "区应急管理部门", "一份内部报告", "消防部门", "初步统计"],
        "since": ["周末以来", "本月以来", "过去两天里", "自上周五起", "一周之内", "从清晨开始"],
        "career": ["{year}年上任", "出生于{PLACE2}", "去年春天获得连任", "曾在私营企业工作多年",
                   "去年曾因此事受到批评", "执掌该机构已有{small}年"],
        "disagreed": ["警告说", "提出质疑", "强调", "指出", "对本社记者表示", "表示怀疑", "认为"],
        "comparison": ["几乎是最初预计的两倍", "远高于此前估计", "与去年大致持平",
                       "反对派认为这一数字过于乐观", "约占年度预算的三分之一", "尚未计入保险理赔"],
        "cost_kind": ["修复费用", "总损失", "该计划的费用", "目前的损失", "项目总价"],
        "critics": ["反对派议员", "当地商会", "多名居民", "环保组织", "工会代表", "一些经济学家",
                    "部分市议员"],
        "decision": ["决定", "宣布", "表决", "举措", "判决"],
        "detail": ["时间表", "费用", "谈判进展", "受影响人数", "下一步安排", "报告内容", "可能的赔偿"],
        "declined": ["不予置评", "未作回应", "拒绝透露细节", "表示目前还无法说明", "没有给出具体答复"],
        "poll_result": ["支持该计划", "对局势感到担忧", "希望当局加快行动", "不相信官方数字",
                        "考虑搬离该地区"],
        "poll_source": ["当地报纸的民调", "22日公布的一项调查", "一项大学研究", "对{n}名居民进行的网络调查"],
        "next_when": ["下周", "本周五", "本月底前", "年底前", "未来几天内"],
        "next_step": ["与省政府会谈", "公布新方案", "前往受灾地区视察", "向市议会作说明", "宣布进一步措施",
                      "前往{PLACE2}"],
        "reacted": ["松了一口气", "表示愤慨", "意见不一", "对消息表示欢迎", "持怀疑态度"],
        "reaction": ["许多人说已经等得太久", "有人称这是迈出的第一步", "不少人在社交媒体上发声",
                     "但也有人仍持谨慎态度", "当地媒体报道称"],
        "aside": ["去年也曾采取过类似措施", "官员说局势相对平稳", "学校照常上课", "镇政府召开了紧急会议",
                  "超市出现抢购人潮", "多条道路封闭数小时"],
        "history": ["一直存在争议", "争论不断", "处于评估之中", "在当地引发分歧", "年久失修"],
        "modal": ["将", "可能", "有望", "不太可能", "应当", "仍可能", "已承诺"],
        "claim": ["{subject}{modal}{action}", "{subject}{modal}在{deadline}前{action}",
                  "尽管{obstacle}，{subject}{modal}{action}", "{subject}{when}{modal}{action}"],
        "deadline": ["月底", "春季", "夏天", "明年", "周末"],
        "obstacle": ["费用高昂", "议会反对", "天气恶劣", "人手短缺", "面临法律挑战", "此前一再拖延"],
        "quote": ["{quote_open}，{quote_close}", "{quote_open}。{quote_more}"],
        "quote_open": ["我们正在尽一切努力", "这不是当初向群众承诺的", "这里没有人见过这样的情况",
                       "我们必须坦诚面对风险", "我理解大家的不满", "数字说明了一切",
                       "我们多年来一直在发出警告"],
        "quote_close": ["我们会坚持到底", "但这需要时间", "这种情况必须改变", "对此我不会道歉",
                        "但这些家庭应该得到答复", "所以我们需要省里的支持"],
        "quote_more": ["这需要时间", "这些家庭应该得到答复", "这种情况必须改变", "我们需要省里的支持",
                       "谁都不应该这样生活"],
        "local_job": ["居委会主任", "在老街经营面包店的", "自{year}年起担任人大代表的", "小学教师",
                      "志愿消防队队长"],
        "local_council": ["表示将在下次会议上讨论此事", "已开通求助热线", "称正在密切关注事态发展",
                          "已向省里申请支援"],
        "local_reaction": ["轮流照看年迈的邻居", "觉得自己被遗忘了", "正在为受影响的家庭募捐",
                           "并不指望会有太大变化"],
        "local_quote": ["这里的人只想知道接下来会怎样", "我们以前挺过来了，这次也一定能挺过去",
                        "这关系到这条街上的每一个家庭", "省里到现在还没有人来看过我们"],
    },
    topics={
        "hongshui": {
            "role": ["市长", "省长", "消防支队长", "应急管理局局长"],
            "other_role": ["省立大学的水文专家", "农业合作社理事长", "在野派市议员", "省生态环境厅厅长"],
            "org": ["省水利厅", "流域管理局", "应急管理局"],
            "subject": ["河流水位", "新建的防洪墙", "上游水库", "应急救助基金", "疏散令", "清理工作",
                        "临时安置点"],
            "action": ["降至警戒线以下", "再坚持一晚", "解除", "重新开放大桥", "承担灾害损失",
                       "扩大到北部城区", "持续数周"],
            "group": ["居民", "农户", "商户", "低洼地区的家庭"],
            "units": ["栋房屋", "户农户", "条道路", "家企业", "所学校"],
            "status": ["仍然关闭", "受损", "已完成检查", "仍在等待救援", "有望重新开放", "已清理完毕"],
            "were_hit": ["受灾", "受损", "转移", "断电", "登记在册"],
            "background": ["连日暴雨", "数十年来最严重的洪灾", "堤坝决口", "气象部门的预警"],
        },
        "bagong": {
            "role": ["工会主席", "交通部长", "首席谈判代表", "劳动部长"],
            "other_role": ["铁路公司总经理", "劳动经济学家", "乘客协会发言人", "雇主协会代表"],
            "org": ["铁路工会", "地方铁路公司", "劳动部"],
            "subject": ["罢工", "工会", "新的加薪方案", "调解", "铁路公司", "替代公交服务", "谈判"],
            "action": ["持续到下周", "被取消", "包含{pct}%的加薪", "于周一恢复", "停运大部分地方列车",
                       "进入仲裁程序", "接受方案"],
            "group": ["通勤族", "司机", "学生", "资方"],
            "units": ["趟列车", "条线路", "个车站", "条公交线路", "个班次"],
            "status": ["停运", "减班运行", "关闭", "绕行", "计划恢复运营", "几乎空无一人"],
            "were_hit": ["停运", "取消", "受到影响", "延误", "暂停"],
            "background": ["数周谈判破裂", "工会会员投票", "养老金争议", "劳动仲裁委员会的裁决"],
        },
        "gongchang": {
            "role": ["首席执行官", "经济部长", "工会分会主席", "厂长"],
            "other_role": ["产业经济学教授", "商会会长", "工会干部", "省经济厅厅长"],
            "org": ["凯乐汽车集团", "北方钢铁公司", "奥瑞化工"],
            "subject": ["工厂", "关闭计划", "该公司", "新买家", "生产线", "补贴", "裁员方案"],
            "action": ["裁减{n}个岗位", "维持运营至明年", "将生产转移到海外", "获得政府援助", "出售给投资者",
                       "关闭喷漆车间", "保留学徒"],
            "group": ["员工", "供应商", "当地商户", "学徒"],
            "units": ["个岗位", "份合同", "家供应商", "个班组", "个职位"],
            "status": ["将被裁撤", "面临风险", "已被解雇", "有望保留", "已获续签", "前景未明"],
            "were_hit": ["被裁撤", "受到影响", "被解雇", "被转移", "受到威胁"],
            "background": ["订单大幅下滑", "失去最大客户", "数月来的猜测", "并购失败"],
        },
        "yiyuan": {
            "role": ["卫生部长", "医院院长", "科室主任", "疾控中心主任"],
            "other_role": ["护士工会主席", "卫生经济学家", "患者权益倡导者", "在野派卫生事务发言人"],
            "org": ["省立医院集团", "地区卫生局", "医师协会"],
            "subject": ["急诊科", "产科病房", "这家医院", "合并计划", "候诊名单", "新诊所", "夜间门诊"],
            "action": ["在夜间关闭", "迁往{PLACE2}", "增聘{small}名医生", "于春季重新开放", "由省财政出资",
                       "接收三个县的病人", "缩短候诊时间"],
            "group": ["患者", "护士", "医生", "孕妇"],
            "units": ["张病床", "个病区", "间手术室", "个护士岗位", "个预约"],
            "status": ["将被削减", "已满员", "已关闭", "有望保留", "仍然空缺", "已转移"],
            "were_hit": ["被削减", "受到影响", "被关闭", "被取消", "出现空缺"],
            "background": ["专科医生短缺", "一份严厉的检查报告", "一名患者死亡", "多年预算削减"],
        },
    },
    first_names=["建国", "晓明", "丽华", "志强", "海燕", "文博", "静怡", "国平", "春梅", "立新", "雪松",
                 "子涵"],
    last_names=["王", "李", "陈", "刘", "赵", "周", "吴", "孙", "郑", "林", "何", "高"],
    places=["清河县", "白石镇", "云溪市", "江源县", "青松县", "桃源镇", "北塘市", "南湖县", "金沙镇",
            "石岭市"],
    headlines=["{P}：{quote_more}", "{subject}{modal}{action}", "{PLACE}民众忧心忡忡",
               "{background}后的{PLACE}", "{PLACE}最新情况一览"],
    agencies={
        "新华社": (["新华社{PLACE}11月23日电 ", "新华社电 ", "（新华社）"],
                   ["（记者{REPORTER}）", "新华社记者 {REPORTER}"]),
        "中新社": (["中新社{PLACE}11月23日电 ", "中新网{PLACE}11月23日电 ", "（中新社）"],
                   ["（记者 {REPORTER}）", "中新社记者{REPORTER}"]),
        "法新社": (["法新社{PLACE}11月23日电 ", "（法新社）", "据法新社报道，"],
                   ["法新社记者{REPORTER}", "来源：法新社"]),
    },
    outlets=[
        Outlet("清河日报", "清河县",
               ("广告", "订阅每日早报"),
               ("相关阅读：全省积极备战冬季", "分享到微信", "未经授权，不得转载。")),
        Outlet("云溪晚报", "云溪市",
               ("收听本文", "值得信赖的本地新闻"),
               ("更多精彩：一周图片回顾", "关注我们的官方微博", "本文来源：新华社")),
        Outlet("北塘商报", "北塘市",
               ("突发新闻第一时间推送", "广告"),
               ("延伸阅读：市议会通过道路维修预算", "有新闻线索？欢迎爆料", "综合法新社报道")),
        Outlet("南湖都市报", "南湖县",
               ("免费订阅", "更新"),
               ("本文暂不开放评论", "继续阅读：周末好去处", "版权归中新社所有")),
        Outlet("石岭新闻网", "石岭市",
               ("广告", "会员畅享全部内容"),
               ("热门文章：石岭周边十大徒步路线", "纠错", "责任编辑：{REPORTER2}")),
        Outlet("金沙时报", "金沙镇",
               ("推广", "五分钟读懂今日新闻"),
               ("另请参阅：周末交通提示", "下载客户端获取快讯", "（完）")),
    ],
    reporters=["张敏", "黄磊", "许婷", "马骁", "邓琳", "范宇"],
    name_order=lambda first, last: f"{last}{first}",
    capitalize=False,
)
# fmt: on

LANGUAGES: list[Language] = [ENGLISH, GERMAN, FRENCH, SPANISH, JAPANESE, CHINESE]
