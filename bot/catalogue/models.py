"""The service catalogue's record types.

Every fact carries where it came from and when someone last checked it: its
`sources` (a short citizen-facing title, the official page, the kind of
source, when it was published) and its `checked` date.  Its `status` says how
sure we are: verified against an official source or the legal text,
uncertain (only a copy or a news report was read), conflicting (two sources
disagree) or unknown (nothing was found, so the bot says it has no verified
figure instead of guessing).  Internal notes (what was read, copies'
addresses) are kept beside the fact and never shown.  Temporary fees carry
their validity dates and their conditions as named requirements, so the bot
can state them and the eligibility checks can ask them;
`bot.replies.render` picks the rates in force on the day it answers.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlparse

from pydantic import BaseModel, Extra, Field, HttpUrl, root_validator, validator

ID_PATTERN = r"^[a-z0-9_]+$"
# Copies of legal texts are read for research, never shown to citizens as the source.
NOT_A_SOURCE = ("github.com", "githubusercontent.com", "gitlab.com")


class Status(str, Enum):
    verified = "verified"  # checked against an official source or the legal text
    uncertain = "uncertain"  # kept, but only a copy or secondary source was read
    conflicting = "conflicting"  # two sources disagree
    unknown = "unknown"  # nothing was found: the bot says so

    @property
    def states_a_fact(self) -> bool:
        return self != Status.unknown


class SourceKind(str, Enum):
    official = "official"  # a .gov.vn page: ministry, portal, province
    law_database = "law_database"  # the legal text in a law database (thuvienphapluat, luatvietnam, ...)
    official_press = "official_press"  # the Government's or a ministry's own newspaper
    other = "other"  # news, law firms, other pages

    @property
    def is_official(self) -> bool:
        return self in (SourceKind.official, SourceKind.law_database)


class Channel(str, Enum):
    all = "all"
    online = "online"
    in_person = "in_person"


class Record(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Source(Record):
    """Where a fact comes from, as a citizen may be shown it."""

    title: str  # short: "Thông tư 117/2026/TT-BTC, Điều 1", "Cổng Dịch vụ công quốc gia"
    url: HttpUrl  # the official page where there is one; never a copy
    kind: SourceKind
    published: Optional[dt.date] = None  # when the source was published or last updated

    @validator("url")
    def _not_a_copy(cls, url: HttpUrl) -> HttpUrl:  # noqa: N805
        host = (urlparse(str(url)).hostname or "").lower()
        if any(host == bad or host.endswith("." + bad) for bad in NOT_A_SOURCE):
            raise ValueError(f"{host} holds copies; cite the official page and keep the copy in 'internal'")
        return url


class Provenance(Record):
    """Sources, checked date, status and notes: what every fact carries."""

    sources: List[Source] = Field(min_items=1)
    checked: dt.date
    status: Status = Status.verified
    reason: Optional[str] = None  # why uncertain, conflicting or unknown (may be shown)
    internal: Optional[str] = None  # what was read, copies' URLs, why no official source; never shown

    @root_validator(skip_on_failure=True)
    def _explained(cls, values):  # noqa: N805
        if values.get("status") != Status.verified and not values.get("reason"):
            raise ValueError("a fact that is not verified needs a 'reason'")
        if values.get("status") == Status.verified and not any(s.kind.is_official for s in values["sources"]):
            raise ValueError("a verified fact needs an official source or the legal text")
        if not any(s.kind.is_official for s in values["sources"]) and not values.get("internal"):
            raise ValueError("with no official source, say why in 'internal'")
        return values

    @property
    def official(self) -> bool:
        return any(s.kind.is_official for s in self.sources)


class Fact(Provenance):
    """A piece of the catalogue someone checked against a source."""

    note: Optional[str] = None  # shown after the fact


class TextFact(Fact):
    text: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _text_when_stated(cls, values):  # noqa: N805
        if values.get("status", Status.verified).states_a_fact and not values.get("text"):
            raise ValueError("a fact that is not unknown needs a 'text'")
        return values


class ListFact(Fact):
    items: List[str] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def _items_when_stated(cls, values):  # noqa: N805
        if values.get("status", Status.verified).states_a_fact and not values.get("items"):
            raise ValueError("a fact that is not unknown needs at least one item")
        return values


class Detail(TextFact):
    """One specific fact a citizen asks about that has no aspect of its own:
    a validity period, an age rule, a deadline, what a paper is for."""

    topic: str  # what it answers, in the citizen's words: "thời hạn của hộ chiếu"


class AliasKind(str, Enum):
    name = "name"  # how people call the service
    old_name = "old_name"  # a paper or procedure that was replaced ("sổ hộ khẩu")
    case = "case"  # a case of this service ("sang tên xe máy")
    life_event = "life_event"  # a life event this (bundle) service covers ("con mới sinh")
    channel = "channel"  # a channel's name (VNeID): loses to any other service named beside it


class Alias(Record):
    name: str
    kind: AliasKind = AliasKind.name
    note: Optional[str] = None  # why this name leads here

    @validator("name")
    def _has_a_letter(cls, name: str) -> str:  # noqa: N805
        if not re.search(r"\w", name):
            raise ValueError("an alias must contain a letter")
        return name


class Rate(Record):
    """A standard (permanent) rate in VND."""

    amount: int = Field(ge=0)
    channel: Channel = Channel.all


class TemporaryRate(Provenance):
    """A rate in force only between two dates, possibly only under conditions."""

    amount: int = Field(ge=0)
    channel: Channel = Channel.all
    valid_from: dt.date
    valid_to: dt.date
    # Who qualifies, as names from the phrasebook's `conditions` (all must hold);
    # empty: everyone, and it replaces the standard rate while in force.
    conditions: List[str] = Field(default_factory=list)
    basis: str  # the legal instrument, e.g. "Thông tư 64/2025/TT-BTC"

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values):  # noqa: N805
        if values["valid_from"] > values["valid_to"]:
            raise ValueError("valid_from is after valid_to")
        return values

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


class FeeItem(Record):
    label: str  # e.g. "Cấp mới", "Cấp lại do mất, hỏng"
    standard: List[Rate] = Field(default_factory=list)
    temporary: List[TemporaryRate] = Field(default_factory=list)
    note: Optional[str] = None


class Fees(Fact):
    items: List[FeeItem] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def _items_when_stated(cls, values):  # noqa: N805
        if values.get("status", Status.verified).states_a_fact and not values.get("items"):
            raise ValueError("fees that are not unknown need at least one item")
        return values


class OnlineChannel(Record):
    name: str
    url: Optional[HttpUrl] = None


class Steps(ListFact):
    channels: List[OnlineChannel] = Field(default_factory=list)
    # What to do when stuck at step n (same order as items; may be empty).
    help: List[str] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def _help_matches_items(cls, values):  # noqa: N805
        if values.get("help") and len(values["help"]) != len(values.get("items") or []):
            raise ValueError("'help' needs one entry per step in 'items'")
        return values


class Service(Record):
    """One public service (thủ tục) as the bot knows it."""

    id: str = Field(regex=ID_PATTERN)
    name: str  # official Vietnamese name
    short_name: str  # what the bot calls it in replies
    group: str = Field(regex=ID_PATTERN)  # topic, for lists and menus
    # position in Đề án 06's list of 25 essential services (None: not one of them)
    essential_number: Optional[int] = Field(None, ge=1, le=25)
    aliases: List[Alias] = Field(min_items=1)  # how people name it, with and without diacritics
    portal_url: HttpUrl  # the portal where it is done
    procedure_url: Optional[HttpUrl] = None  # the procedure's own page, where one was verified
    in_vneid: bool = False  # can be done in the VNeID app
    summary: TextFact
    agency: TextFact
    audience: TextFact  # who must/can use it, deadlines
    documents: ListFact
    steps: Steps
    processing_time: TextFact
    fees: Fees
    legal_basis: ListFact
    details: List[Detail] = Field(default_factory=list)  # specific facts asked about

    @validator("aliases", pre=True, each_item=True)
    def _plain_alias(cls, alias: Any) -> Any:  # noqa: N805
        return {"name": alias} if isinstance(alias, str) else alias

    def facts(self) -> List[Fact]:
        return [
            self.summary,
            self.agency,
            self.audience,
            self.documents,
            self.steps,
            self.processing_time,
            self.fees,
            self.legal_basis,
            *self.details,
        ]

    def provenances(self) -> List[Provenance]:
        """Every sourced thing in the record: facts and temporary rates."""
        rates = [rate for item in self.fees.items for rate in item.temporary]
        return [*self.facts(), *rates]


class FaqEntry(Provenance):
    """A sourced answer to a question that is not about one service's facts
    (VNeID problems, what Đề án 06 is, how to look up an application).

    One record is the whole entry: the NLU learns `examples` as the retrieval
    intent `faq/<id>`, and the answer is read at run time, so changing it
    needs no retraining.
    """

    id: str = Field(regex=ID_PATTERN)
    title: str  # what the question is about; also its button label
    answer: str
    service: Optional[str] = None  # related catalogue service id
    examples: List[str] = Field(min_items=2)  # how people ask it (training data)

    @validator("examples", each_item=True)
    def _example_not_blank(cls, example: str) -> str:  # noqa: N805
        if not re.search(r"\w", example):
            raise ValueError("an example must contain a letter")
        return example.strip()


class Button(Record):
    title: str
    payload: str


class Welcome(Record):
    text: str  # first message of a conversation
    greet: str  # a greeting later in the conversation
    buttons: List[Button]


class Phrasebook(Record):
    """Everything the bot says that is not a catalogue fact: templates around
    facts, apologies, hand-over, welcome, topic names, button labels.
    Facts (fees, documents, times) never live here.  `{portal}` and
    `{hotline}` in any phrase are filled from the fields below."""

    portal_url: HttpUrl
    hotline: str
    popular_services: List[str]  # offered as buttons when no service is named
    aspects: Dict[str, str]
    templates: Dict[str, str]
    fees: Dict[str, str]
    messages: Dict[str, str]
    groups: Dict[str, str]  # catalogue group -> topic name
    intent_labels: Dict[str, str]  # intent -> label of a "did you mean" button
    dialogue: Dict[str, str]
    welcome: Welcome
    # condition name -> how a citizen reads it ("có tài khoản VNeID mức 2")
    conditions: Dict[str, str] = Field(default_factory=dict)

    @root_validator(skip_on_failure=True)
    def _required_phrases(cls, values):  # noqa: N805
        missing = [
            f"{section}.{key}"
            for section, keys in REQUIRED_PHRASES.items()
            for key in keys
            if key not in values.get(section, {})
        ]
        if missing:
            raise ValueError("missing phrases: " + ", ".join(missing))
        return values


REQUIRED_PHRASES: Dict[str, List[str]] = {
    "aspects": ["documents", "fee", "processing_time", "how_to_apply", "audience", "overview"],
    "templates": ["documents", "fee", "processing_time", "how_to_apply", "online_channels", "audience",
                  "overview", "overview_agency", "overview_time", "overview_fee", "overview_more", "detail", "unknown", "conflicting", "uncertain", "source"],
    "fees": ["free", "currency", "standard", "online", "in_person", "reduced_now", "reduced_uncertain",
             "conditional", "conditional_uncertain"],
    "messages": ["catalogue_down", "ask_service", "service_not_found"],
    "dialogue": ["clarify", "clarify_none", "handover", "list_intro", "list_more", "vneid_services_intro",
                 "step", "step_done", "stuck", "stuck_default", "next_step", "stuck_button", "restart_steps",
                 "goodbye", "thank", "out_of_scope", "personal_data"],
}

class IntentExamples(Record):
    """Questions staff taught the bot for one intent (from the inbox of
    missed questions); the next training adds them to the NLU data."""

    id: str = Field(regex=ID_PATTERN)  # the intent, as named in domain.yml
    examples: List[str] = Field(min_items=1)

    @validator("examples", each_item=True)
    def _example_not_blank(cls, example: str) -> str:  # noqa: N805
        if not re.search(r"\w", example):
            raise ValueError("an example must contain a letter")
        return example.strip()


#: The record type of each kind of catalogue record.
KINDS = {"service": Service, "faq": FaqEntry, "phrases": Phrasebook, "examples": IntentExamples}
PHRASEBOOK_ID = "replies"


def search_terms(service: Service, channels: bool = True) -> List[str]:
    """Every name a service is known by (without channel names if asked)."""
    aliases = [a.name for a in service.aliases if channels or a.kind != AliasKind.channel]
    return [service.name, service.short_name, *aliases]


def channel_names(service: Service) -> List[str]:
    return [a.name for a in service.aliases if a.kind == AliasKind.channel]


def unknown_conditions(services: Dict[str, Service], phrases: Optional[Phrasebook]) -> List[str]:
    """Conditions named by temporary rates that the phrasebook does not define
    (not checked without a phrasebook, e.g. when reading services alone)."""
    if phrases is None:
        return []
    known = set(phrases.conditions)
    return [
        f"{service.id}: fees: condition '{name}' is not in the phrasebook's conditions"
        for service in sorted(services.values(), key=lambda s: s.id)
        for item in service.fees.items
        for rate in item.temporary
        for name in rate.conditions
        if name not in known
    ]


#: {service id: names}
Names = Dict[str, List[str]]


def service_names(services: Dict[str, Service]) -> Tuple[Names, Names]:
    """(names, channel names) of every service, as the NLU's lookup tables
    "service:<id>" / "service_channel:<id>" hold them (services without a
    channel name have no channel entry)."""
    terms = {sid: sorted(set(search_terms(services[sid], channels=False))) for sid in sorted(services)}
    channels = {sid: sorted(set(channel_names(services[sid]))) for sid in sorted(services)}
    return terms, {sid: names for sid, names in channels.items() if names}


def alias_conflicts(services: Dict[str, Service]) -> List[str]:
    """Names claimed by two services, compared as the matcher compares them
    (accent- and case-insensitive, spelling variants folded)."""
    from bot.catalogue.search import phonetic
    from bot.vietnamese import fold

    owner: Dict[str, str] = {}
    problems: List[str] = []
    for service in sorted(services.values(), key=lambda s: s.id):
        for term in search_terms(service):
            key = " ".join(phonetic(w) for w in re.findall(r"\w+", fold(term)))
            first = owner.setdefault(key, service.id)
            if first != service.id:
                problems.append(f"{service.id}: aliases: '{term}' is also an alias of '{first}'")
    return problems
